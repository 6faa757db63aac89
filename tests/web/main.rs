//! Browser tests, run by wasm-bindgen-test in headless Chromium (`make test`).
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::wasm_bindgen_test_configure;

wasm_bindgen_test_configure!(run_in_browser);

mod autosave_driver;
mod browser_apis;
mod js_errors;
mod support;
