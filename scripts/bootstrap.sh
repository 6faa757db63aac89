#!/usr/bin/env bash
# Installs everything the build, the demo and the tests need, and only what is missing:
# a wasm32 standard library, wasm-bindgen-cli (the crate's exact version), wasm-pack,
# wasm-opt, Debian's Chromium and ChromeDriver, and the npm dependencies. Safe to run again;
# on a machine that has everything it only checks and finishes in seconds.
#
# Environment: DIAGRAM_STATE_RUST_ROUTE=rustup|debian forces the wasm32 route (default: detect).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

WASM_PACK_VERSION=0.15.1
BINARYEN_VERSION=132
APT_UPDATED=0

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo -n "$@"
  else die "this step needs root to run: $*  (run scripts/bootstrap.sh as root or with password-less sudo)"
  fi
}

apt_install() {
  command -v apt-get >/dev/null 2>&1 ||
    die "apt-get is not available: install these packages (or their equivalents) by hand: $*"
  if [ "$APT_UPDATED" = 0 ]; then
    note "apt-get update"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null
    APT_UPDATED=1
  fi
  note "apt-get install $* (a minute or two on a new machine)"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" |
    grep -E '^(Setting up|E:)' || true
  for pkg in "$@"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || die "apt-get could not install $pkg; see the messages above"
  done
}

has_wasm_std() { compgen -G "$1/lib/rustlib/wasm32-unknown-unknown/lib/libstd-*.rlib" >/dev/null; }

# --- 1. Rust for wasm32 -----------------------------------------------------------------
step "[1/6] Rust toolchain with a wasm32 standard library"
command -v cargo >/dev/null 2>&1 || die "cargo is not on PATH: install Rust (rustup) first."
rm -rf "$WASM_TOOLCHAIN_BIN"
route="${DIAGRAM_STATE_RUST_ROUTE:-}"
if [ -z "$route" ]; then
  if has_wasm_std "$(rustc --print sysroot)"; then
    route=rustup
  elif [ -x /usr/bin/rustc ] && has_wasm_std "$(/usr/bin/rustc --print sysroot)"; then
    route=debian
  elif command -v rustup >/dev/null 2>&1; then
    note "no wasm32 standard library yet; trying 'rustup target add wasm32-unknown-unknown' (30 s limit)"
    if timeout 30 rustup target add wasm32-unknown-unknown >/dev/null 2>&1 &&
      has_wasm_std "$(rustc --print sysroot)"; then
      route=rustup
    else
      note "rustup cannot fetch the target here: using Debian's Rust and building its wasm32 std"
      route=debian
    fi
  else
    route=debian
  fi
fi

case "$route" in
  rustup)
    has_wasm_std "$(rustc --print sysroot)" || timeout 120 rustup target add wasm32-unknown-unknown ||
      die "rustup target add wasm32-unknown-unknown failed; run it by hand or use DIAGRAM_STATE_RUST_ROUTE=debian"
    note "ok: rustup's $(rustc --version) has wasm32-unknown-unknown"
    ;;
  debian)
    missing=()
    # rust-web-clippy: the same Rust's clippy, so the wasm32-only code is linted here too.
    for pkg in rustc-web cargo-web rust-web-src rust-web-clippy lld-22; do
      dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
    done
    [ ${#missing[@]} = 0 ] || apt_install "${missing[@]}"
    # Symlinks that make Debian's toolchain the one found first for wasm builds; rustc links
    # wasm32 with `rust-lld`, which Debian ships as LLVM's plain `lld`.
    mkdir -p "$WASM_TOOLCHAIN_BIN"
    for tool in cargo rustc rustdoc cargo-clippy clippy-driver; do
      ln -sf "/usr/bin/$tool" "$WASM_TOOLCHAIN_BIN/$tool"
    done
    lld="$(command -v rust-lld || ls /usr/lib/llvm-22/bin/lld 2>/dev/null || true)"
    [ -n "$lld" ] || die "no rust-lld or /usr/lib/llvm-22/bin/lld found after installing lld-22"
    ln -sf "$lld" "$WASM_TOOLCHAIN_BIN/rust-lld"
    sysroot="$(/usr/bin/rustc --print sysroot)"
    if ! has_wasm_std "$sysroot"; then
      note "building the wasm32 standard library from Debian's sources (about 1 minute)"
      scratch="$(mktemp -d)"
      mkdir -p "$scratch/src"
      printf '[package]\nname = "wasm_std_builder"\nversion = "0.0.0"\nedition = "2021"\n[lib]\npath = "src/lib.rs"\n' >"$scratch/Cargo.toml"
      : >"$scratch/src/lib.rs"
      (cd "$scratch" && PATH="$WASM_TOOLCHAIN_BIN:$PATH" RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc RUSTC_BOOTSTRAP=1 \
        /usr/bin/cargo test --release --no-run --quiet --target wasm32-unknown-unknown \
        -Zbuild-std=std,panic_abort) ||
        die "building the wasm32 std failed; check that rust-web-src matches rustc-web ($(/usr/bin/rustc --version))"
      as_root mkdir -p "$sysroot/lib/rustlib/wasm32-unknown-unknown/lib"
      for rlib in "$scratch"/target/wasm32-unknown-unknown/release/deps/lib*.rlib; do
        case "$(basename "$rlib")" in libwasm_std_builder-*) continue ;; esac
        as_root cp "$rlib" "$sysroot/lib/rustlib/wasm32-unknown-unknown/lib/"
      done
      rm -rf "$scratch"
      has_wasm_std "$sysroot" || die "the wasm32 std was built but not found in $sysroot"
    fi
    note "ok: Debian's $(/usr/bin/rustc --version) has wasm32-unknown-unknown (used via .tools/wasm-bin)"
    ;;
  *) die "DIAGRAM_STATE_RUST_ROUTE must be 'rustup' or 'debian', not '$route'" ;;
esac

# --- 2. wasm-bindgen-cli, exactly the crate's version -----------------------------------
step "[2/6] wasm-bindgen-cli"
want="$(pinned_wasm_bindgen_version)"
[ -n "$want" ] || die "Cargo.toml must pin wasm-bindgen as \"=X.Y.Z\""
have="$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)"
if [ "$have" = "$want" ]; then
  note "ok: wasm-bindgen $have"
else
  note "installing wasm-bindgen-cli $want with cargo (about 3 minutes on 2 cores)"
  cargo install --quiet --force wasm-bindgen-cli --version "$want" ||
    die "cargo install wasm-bindgen-cli --version $want failed; see the compiler output above"
fi

# --- 3. wasm-pack ------------------------------------------------------------------------
step "[3/6] wasm-pack"
if command -v wasm-pack >/dev/null 2>&1; then
  note "ok: $(wasm-pack --version)"
else
  note "installing wasm-pack $WASM_PACK_VERSION with cargo (about 2 minutes on 2 cores)"
  cargo install --quiet wasm-pack --version "$WASM_PACK_VERSION" ||
    die "cargo install wasm-pack failed; see the compiler output above"
fi

# --- 4. wasm-opt (wasm-pack would otherwise try to download binaryen) --------------------
step "[4/6] wasm-opt"
if command -v wasm-opt >/dev/null 2>&1; then
  note "ok: $(wasm-opt --version)"
else
  command -v npm >/dev/null 2>&1 || die "npm is missing: install Node.js 20+ first"
  note "npm install -g binaryen@$BINARYEN_VERSION"
  npm install -g --no-audit --no-fund --loglevel=error "binaryen@$BINARYEN_VERSION" >/dev/null
  command -v wasm-opt >/dev/null 2>&1 || die "binaryen installed but wasm-opt is not on PATH ($(npm prefix -g)/bin)"
fi

# --- 5. Chromium and ChromeDriver (Debian's; nothing downloads a browser) ----------------
step "[5/6] Chromium and ChromeDriver"
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
  note "ok: $(/usr/bin/chromium --version 2>/dev/null | head -n 1)"
else
  apt_install chromium chromium-driver
fi

# --- 6. npm dependencies -----------------------------------------------------------------
step "[6/6] npm dependencies"
command -v node >/dev/null 2>&1 || die "node is missing: install Node.js 20 or newer"
node_major="$(node -p 'process.versions.node.split(".")[0]')"
[ "$node_major" -ge 20 ] || die "Node.js 20 or newer is needed (found $(node --version))"
for dir in js www tests/e2e; do
  [ -f "$dir/package.json" ] || continue
  stamp="$dir/node_modules/.package-lock.json"
  if [ -f "$stamp" ] && [ "$stamp" -nt "$dir/package.json" ] && [ "$stamp" -nt "$dir/package-lock.json" ]; then
    note "ok: $dir/node_modules"
  else
    note "npm ci in $dir"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) ||
      die "npm ci failed in $dir; check that $dir/package-lock.json matches $dir/package.json"
  fi
done

printf '\nbootstrap: everything is installed.\n'
