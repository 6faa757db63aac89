#![cfg(not(target_arch = "wasm32"))]
//! Time-bounded fuzz targets, one file each, on the stable toolchain (proptest strategies
//! plus byte- and JSON-level mutation of seed inputs; see `support`).
//!
//! Under `cargo test` each `fuzz_loop` runs for `FUZZ_SECONDS` (default 0.3 s) and each
//! `corpus_replays` re-checks the target's seeds and regression inputs; `make fuzz`
//! (`scripts/fuzz.sh`) runs every `fuzz_loop` for a longer budget in release mode.

mod support;

mod change;
mod change_model;
mod diff;
mod import;
mod message;
mod path;
mod record;
mod record_checks;
mod regressions;
