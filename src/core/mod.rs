//! Pure Rust rules of diagram-state. Nothing here depends on wasm-bindgen, js-sys or
//! web-sys: time, storage, transport and the save call reach the core through traits.

pub mod clock;
pub mod error;
pub mod path;
