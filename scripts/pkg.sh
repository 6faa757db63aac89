#!/usr/bin/env bash
# Builds the npm package into pkg/ (wasm-pack, release profile, wasm-opt; then the TypeScript
# entries of js/ and the package.json exports) and reports its size.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

step "Build the package (pkg/) with wasm-pack"
with_wasm_toolchain wasm-pack --log-level error build --release --target web --out-dir pkg --out-name diagram_state ||
  die "wasm-pack build failed; the compiler output above says why (run scripts/bootstrap.sh if a tool is missing)"
step "Compile the X6 adapter and the React hook (js/) into pkg/"
npm --prefix js run --silent build || die "the TypeScript build in js/ failed (see above)"
wasm_bytes=$(wc -c <pkg/diagram_state_bg.wasm)
wasm_gzip=$(gzip -9 -c pkg/diagram_state_bg.wasm | wc -c)
js_gzip=$(gzip -9 -c pkg/diagram_state.js | wc -c)
note "pkg/diagram_state_bg.wasm: $wasm_bytes bytes ($wasm_gzip gzipped); JS glue: $js_gzip bytes gzipped"
