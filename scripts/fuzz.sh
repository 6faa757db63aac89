#!/usr/bin/env bash
# `make fuzz`: runs every fuzz target of tests/fuzz/ (change application and inversion, X6
# change-event diffing, path parsing, cross-tab message decoding, stored-record decoding,
# JSON import) for a time budget each, one after another, in release mode with debug
# assertions and overflow checks on, and writes a summary table to target/fuzz/summary.md.
# Not part of `make test` (which runs each target for 0.3 s only, plus the corpus replays).
#
# The fuzzer runs on the stable toolchain (proptest strategies plus byte- and JSON-level
# mutation of the seeds in tests/fuzz/seeds/); cargo-fuzz would need a nightly toolchain.
# A failing input is shrunk, printed, and saved under target/fuzz/failures/<target>/; move
# it to tests/fuzz/regressions/<target>/ to replay it in every `cargo test`.
#
# Environment: FUZZ_SECONDS (budget per target, default 60), FUZZ_SEED (a u64; default
# from the clock; the seed of each target is in its log), FUZZ_TARGETS (space-separated
# names, default: every target).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

SECONDS_EACH="${FUZZ_SECONDS:-60}"
OUT="$ROOT/target/fuzz"
# Its own target dir and profile: optimized for speed (not size), with the checks of a
# debug build, so an overflow or a debug assertion counts as a failure.
export CARGO_TARGET_DIR="$OUT/build"
export CARGO_PROFILE_RELEASE_OPT_LEVEL=3
export CARGO_PROFILE_RELEASE_LTO=false
export CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16
export CARGO_PROFILE_RELEASE_DEBUG_ASSERTIONS=true
export CARGO_PROFILE_RELEASE_OVERFLOW_CHECKS=true
export FUZZ_SECONDS="$SECONDS_EACH"
mkdir -p "$OUT"

step "[1/4] Rust toolchain (native only: the fuzz targets test the pure core)"
command -v cargo >/dev/null 2>&1 || die "cargo is not on PATH: install Rust (rustup) first."
awk -v s="$SECONDS_EACH" 'BEGIN { exit !(s ~ /^[0-9]+(\.[0-9]+)?$/) }' ||
  die "FUZZ_SECONDS must be a number of seconds, not '$SECONDS_EACH'"
note "ok: $(cargo --version)"

step "[2/4] Build the fuzz targets (release, debug assertions on)"
cargo test --quiet --release --test fuzz --no-run 2>&1 | tail -n 20
cargo_test() { cargo test --quiet --release --test fuzz -- "$@"; }
mapfile -t all_targets < <(cargo_test --list 2>/dev/null | sed -nE 's/^([a-z_]+)::fuzz_loop: test$/\1/p')
[ ${#all_targets[@]} -gt 0 ] || die "no fuzz target found (tests named <target>::fuzz_loop in tests/fuzz/)"
read -r -a targets <<<"${FUZZ_TARGETS:-${all_targets[*]}}"
note "targets: ${targets[*]}"

step "[3/4] Replay the seeds and the regression inputs"
cargo_test --test-threads=2 corpus_replays
cargo_test --test-threads=2 regressions::

step "[4/4] Fuzz each target for ${SECONDS_EACH} s"
rows=()
failed=0
for target in "${targets[@]}"; do
  log="$OUT/$target.log"
  status=0
  cargo_test --exact "$target::fuzz_loop" --nocapture --test-threads=1 >"$log" 2>&1 || status=$?
  line="$(grep -E "^fuzz $target: [0-9]+ executions in " "$log" | tail -n 1 || true)"
  outcomes="$(sed -nE "s/^fuzz $target: outcomes: //p" "$log" | tail -n 1)"
  if [[ "$line" =~ :\ ([0-9]+)\ executions\ in\ ([0-9.]+)\ s,\ ([0-9]+)\ failures ]]; then
    executions="${BASH_REMATCH[1]}" seconds="${BASH_REMATCH[2]}" failures="${BASH_REMATCH[3]}"
  else
    executions="?" seconds="?" failures="crashed"
  fi
  if [ "$status" != 0 ] || [ "$failures" != 0 ]; then
    failed=$((failed + 1))
    note "FAILED: $target (log: $log)"
    grep -E '^- |^  input: |^  saved as ' "$log" | head -n 30 | sed 's/^/    /' || tail -n 20 "$log"
  fi
  printf '    %s\n' "${line:-fuzz $target: no summary line (see $log)}"
  rows+=("| $target | $executions | $seconds | $failures | ${outcomes:-} |")
done

{
  printf '# Fuzz summary\n\n'
  printf '%s; %s s per target; release build with debug assertions and overflow checks.\n\n' \
    "$(date -u '+%Y-%m-%d %H:%M UTC')" "$SECONDS_EACH"
  printf '| target | executions | seconds | failures | outcomes |\n'
  printf '| --- | ---: | ---: | ---: | --- |\n'
  printf '%s\n' "${rows[@]}"
  printf '\nLogs (with each target'"'"'s seed): target/fuzz/<target>.log. Failing inputs: target/fuzz/failures/.\n'
} >"$OUT/summary.md"

printf '\n==> Summary (target/fuzz/summary.md)\n\n'
cat "$OUT/summary.md"
printf '\nfuzz: %s passed, %s failed\n' "$((${#targets[@]} - failed))" "$failed"
[ "$failed" = 0 ] || die "$failed fuzz target(s) found failures; the shrunk inputs are listed above"
