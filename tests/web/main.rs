//! Browser tests, run by wasm-bindgen-test in headless Chromium (`make test`).
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::wasm_bindgen_test_configure;

wasm_bindgen_test_configure!(run_in_browser);

mod autosave_driver;
mod browser_apis;
mod js_errors;
mod storage_bindings;
mod storage_commit;
mod storage_directory;
mod storage_faults;
mod storage_migration;
mod storage_oplog;
mod storage_persistence;
mod storage_support;
mod support;
mod sync_channel;
mod sync_conflicts;
mod sync_handoff;
mod sync_leader;
mod sync_pages;
mod sync_peers;
mod sync_saved;
mod sync_support;
