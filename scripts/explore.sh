#!/usr/bin/env bash
# `make explore`: runs the property tests and the fuzz passes with a fresh random seed and
# more cases than `make test`, to look where the fixed seed of `make test` does not. Prints
# the seed first; on a failure, prints the command that runs exactly the same cases again.
#
# Environment: SEED (a u64; default: a fresh random one), EXPLORE_CASES (cases per property
# test and inputs per fuzz target; default 2000).
#
# A failing property is shrunk and printed, and proptest adds it to the test file's
# .proptest-regressions, which `cargo test` replays first: keep that line, and the shrunk
# input as a named test. A failing fuzz input is saved under target/fuzz/failures/<target>/.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

SEED="${SEED:-$(od -An -N8 -tu8 /dev/urandom | tr -d ' ')}"
CASES="${EXPLORE_CASES:-2000}"
[[ "$SEED" =~ ^[0-9]+$ ]] || die "SEED must be an unsigned integer, not '$SEED'"
[[ "$CASES" =~ ^[1-9][0-9]*$ ]] || die "EXPLORE_CASES must be a positive integer, not '$CASES'"
printf 'explore: seed %s, %s cases each (repeat with SEED=%s EXPLORE_CASES=%s make explore)\n' \
  "$SEED" "$CASES" "$SEED" "$CASES"

# One seed for every randomized test: DIAGRAM_STATE_SEED for the tests that take their
# seed from tests/fuzz/support/seed.rs, proptest's own variables for the others.
export DIAGRAM_STATE_SEED="$SEED" PROPTEST_RNG_SEED="$SEED" PROPTEST_RNG_ALGORITHM=cc
export PROPTEST_CASES="$CASES" FUZZ_CASES="$CASES"
unset FUZZ_SEED FUZZ_SECONDS

step "Rust toolchain"
command -v cargo >/dev/null 2>&1 || die "cargo is not on PATH: install Rust (rustup) first."
note "ok: $(cargo --version)"

step "Property tests and fuzz passes (seed $SEED, $CASES cases each)"
# Every test file with a property test, and the fuzz targets.
targets=(--test fuzz)
for file in $(grep -l 'proptest!' tests/*.rs); do
  targets+=(--test "$(basename "$file" .rs)")
done
note "${targets[*]}"
cargo test --quiet "${targets[@]}" ||
  die "a property or fuzz pass failed with seed $SEED (shrunk input above); run the same cases again with: SEED=$SEED EXPLORE_CASES=$CASES make explore"
printf '\nexplore: seed %s, %s cases each: no failure\n' "$SEED" "$CASES"
