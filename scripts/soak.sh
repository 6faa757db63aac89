#!/usr/bin/env bash
# `make soak`: installs what is missing, builds the package and the demo editor when their
# sources are newer than the build, then runs the multi-tab soak (scripts/soak.mjs) against
# the built demo: a local diagram, then a Public one auto-saved to the demo server, each for
# SOAK_SECONDS. Environment: SOAK_SECONDS (default 60), SOAK_SEED (default random),
# SOAK_DIAGRAMS (default local,public), SOAK_REPLAY (default 1).
# Exits non-zero if an acknowledged edit was lost (store or server), the tabs, the store or
# the server copy diverged, or a tab reported an error; the figures are in
# target/soak/summary.json.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

# Whether `output` is missing or any file under the `sources` is newer than it.
stale() {
  local output=$1
  shift
  [ ! -e "$output" ] || [ -n "$(find "$@" -newer "$output" -type f -print -quit 2>/dev/null)" ]
}

bash "$ROOT/scripts/bootstrap.sh"
if stale pkg/diagram_state_bg.wasm src Cargo.toml Cargo.lock js/src || stale pkg/x6.js js/src; then
  bash "$ROOT/scripts/pkg.sh"
fi
if stale www/dist/index.html www/src www/index.html www/vite.config.js pkg; then
  step "Build the demo editor (www/)"
  npm --prefix www run --silent build >/dev/null || die "vite build failed in www/; run 'npm --prefix www run build' to see why"
fi
step "Soak (${SOAK_DIAGRAMS:-local,public}): 3 tabs edit one diagram of each kind for ${SOAK_SECONDS:-60} s, with reloads, closes and replayed messages"
node scripts/soak.mjs || die "the soak found a problem (see above and target/soak/summary.json)"
