//! Pure Rust rules of diagram-state. Nothing here depends on wasm-bindgen, js-sys or
//! web-sys: time, storage, transport and the save call reach the core through traits.
//!
//! - [`model`]: cells, slash paths into them, changes and the diagram they apply to;
//! - [`filter`]: tells semantic changes from visual-only ones, and explains why;
//! - [`history`]: undo/redo entries, batches, origins, cap, merging, collaboration;
//! - [`state`]: [`state::DiagramState`], which ties the three together for the editor;
//! - [`autosave`]: the auto-save decision tree and the sans-IO save scheduler;
//! - [`storage`]: local diagrams: the storage port, commit rules, op log, X6 documents;
//! - [`sync`]: cross-tab sync: protocol, session, merge rules and the fallback election;
//! - [`session`]: the session engine that wires them: commits, other tabs, leadership,
//!   conflicts and auto-save triggers, driven through ports.

pub mod autosave;
pub mod clock;
pub mod error;
pub mod filter;
pub mod history;
pub mod model;
pub mod path;
pub mod session;
pub mod state;
pub mod storage;
pub mod sync;
