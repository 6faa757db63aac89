# Shared by the project's scripts: progress output, failures that say what to do, and the
# PATH/target settings that pick the right Rust toolchain for native and for wasm32 builds.
# Source it; do not run it.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SCRIPT_NAME="$(basename "$0")"
STEP="start"

# Tools installed by `cargo install` (wasm-bindgen, wasm-pack) live in ~/.cargo/bin.
case ":$PATH:" in *":$HOME/.cargo/bin:"*) ;; *) export PATH="$HOME/.cargo/bin:$PATH" ;; esac

step() { STEP="$*"; printf '\n==> %s\n' "$*"; }
note() { printf '    %s\n' "$*"; }
die() {
  printf '\n%s: FAILED during "%s"\n    %s\n' "$SCRIPT_NAME" "$STEP" "$*" >&2
  exit 1
}
on_error() {
  local status=$? cmd=$BASH_COMMAND
  trap - ERR
  die "'$cmd' exited with status $status; its output is above. Fix that and run the command again."
}
trap on_error ERR
set -Eeuo pipefail

# The folder of rustc/cargo/rustdoc symlinks that scripts/bootstrap.sh creates when the
# Debian toolchain is the one with a wasm32 standard library (see the README).
WASM_TOOLCHAIN_BIN="$ROOT/.tools/wasm-bin"

# Runs a command with the toolchain that can build wasm32, in its own target directory so
# native and wasm builds (possibly by different rustc versions) never invalidate each other.
with_wasm_toolchain() {
  local path="$PATH"
  [ -d "$WASM_TOOLCHAIN_BIN" ] && path="$WASM_TOOLCHAIN_BIN:$PATH"
  PATH="$path" CARGO_TARGET_DIR="$ROOT/target/wasm" "$@"
}

# The exact wasm-bindgen version pinned in Cargo.toml (`wasm-bindgen = "=X.Y.Z"`).
pinned_wasm_bindgen_version() {
  sed -nE 's/^wasm-bindgen = "=([0-9.]+)".*/\1/p' "$ROOT/Cargo.toml" | head -n 1
}
