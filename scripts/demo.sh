#!/usr/bin/env bash
# `make demo`: installs what is missing, builds the package and the demo editor, and serves
# it on 127.0.0.1. Environment: PORT (default 5173), IDLE_MINUTES (default 120).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

bash "$ROOT/scripts/bootstrap.sh"
bash "$ROOT/scripts/pkg.sh"
step "Build the demo editor (www/)"
npm --prefix www run --silent build >/dev/null || die "vite build failed in www/; run 'npm --prefix www run build' to see why"
step "Serve the demo editor"
exec node scripts/serve.mjs www/dist --port "${PORT:-5173}" --idle-minutes "${IDLE_MINUTES:-120}"
