#!/usr/bin/env bash
# `make bench`: installs what is missing (scripts/bootstrap.sh, then bench/'s npm
# dependencies), builds the package (scripts/pkg.sh) and runs the benchmark suites in
# Debian's Chromium (node bench/run.mjs), which write bench/results.json and bench/RESULTS.md.
# A benchmark, not a test: slow figures never fail it. Arguments are suite names
# (`bash scripts/bench.sh history size`); BENCH_RUNS sets the repetitions (default 5);
# BENCH_NO_BUILD=1 benchmarks pkg/ as it is instead of rebuilding it.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

bash "$ROOT/scripts/bootstrap.sh"

step "Benchmark dependencies (bench/)"
stamp="bench/node_modules/.package-lock.json"
if [ -f "$stamp" ] && [ "$stamp" -nt bench/package.json ] && [ "$stamp" -nt bench/package-lock.json ]; then
  note "ok: bench/node_modules"
else
  npm ci --prefix bench --no-audit --no-fund --loglevel=error ||
    die "npm ci failed in bench/; check that bench/package-lock.json matches bench/package.json"
fi

if [ "${BENCH_NO_BUILD:-0}" = 1 ]; then
  [ -f pkg/diagram_state_bg.wasm ] || die "BENCH_NO_BUILD=1 but pkg/ is not built: run 'make pkg' first"
  note "BENCH_NO_BUILD=1: benchmarking pkg/ as it is"
else
  bash "$ROOT/scripts/pkg.sh"
fi

step "Run the benchmarks (BENCH_RUNS=${BENCH_RUNS:-5})"
node bench/run.mjs "$@" || die "a benchmark suite failed (see above); figures of the others are in bench/RESULTS.md"
note "results: bench/RESULTS.md and bench/results.json"
