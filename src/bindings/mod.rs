//! The JavaScript API: `#[wasm_bindgen]` exports that convert and forward to the core.
//! Each exported class or function group lives in its own file.

mod autosave_options;
mod convert;
pub mod diagram_state;
mod emitter;
mod error;
pub mod local_diagrams;
mod options;
mod path_list;
pub mod paths;
mod types;

use wasm_bindgen::prelude::wasm_bindgen;

/// Runs once when the module is instantiated: routes Rust panics (bugs) to the console
/// with a readable message instead of a bare `unreachable` trap.
#[wasm_bindgen(start)]
fn start() {
    console_error_panic_hook::set_once();
}

/// The version of the diagram-state package, e.g. `"0.1.0"`.
#[wasm_bindgen(js_name = version)]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}
