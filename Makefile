# Task runner. Every target installs what is missing first (scripts/bootstrap.sh).
.PHONY: demo test pkg bootstrap bench soak fuzz explore

## Set up what is missing, build the package and the demo, serve it on 127.0.0.1.
demo:
	@bash scripts/demo.sh

## Run every test: lint, native, headless Chromium (wasm-bindgen-test), end-to-end.
test:
	@bash scripts/test.sh

## Build the npm package into pkg/.
pkg:
	@bash scripts/bootstrap.sh && bash scripts/pkg.sh

## Install the toolchain and dependencies only.
bootstrap:
	@bash scripts/bootstrap.sh

## Run the benchmarks (not tests: never part of `make test`); writes bench/RESULTS.md.
## `make bench SUITES="history size"` runs only those; BENCH_RUNS=N sets the repetitions.
bench:
	@bash scripts/bench.sh $(SUITES)

## Soak: 3 tabs of the demo edit one diagram at random with reloads and closes for
## SOAK_SECONDS (default 60); fails if an acknowledged edit is lost or the tabs diverge.
soak:
	@bash scripts/soak.sh

## Fuzz every target of tests/fuzz/ for FUZZ_SECONDS each (default 60) in release mode;
## not part of `make test`. Writes target/fuzz/summary.md.
fuzz:
	@bash scripts/fuzz.sh

## Run the property tests and the fuzz passes with a fresh random seed, printed first, and
## EXPLORE_CASES cases each (default 2000); not part of `make test`, which always runs the
## same cases (a fixed seed, or DIAGRAM_STATE_SEED). `SEED=<seed> make explore` repeats a run.
explore:
	@bash scripts/explore.sh
