//! `diagram-state`: the client-side state core of diagram editors built on AntV X6.
//!
//! Three layers, with dependencies pointing one way only (bindings → platform → core):
//! - [`core`]: pure Rust rules (model, paths, visual filter, history, auto-save, sync),
//!   tested natively;
//! - `platform` (wasm32 only): IndexedDB, BroadcastChannel, timers and clock for the browser;
//! - `bindings` (wasm32 only): the `#[wasm_bindgen]` API that JavaScript sees.
#![deny(missing_docs)]

pub mod core;

#[cfg(target_arch = "wasm32")]
pub mod platform;

#[cfg(target_arch = "wasm32")]
pub mod bindings;
