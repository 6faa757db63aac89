//! Undo/redo of semantic changes: entries with an inferred operation kind, nested atomic
//! batches, origins, a size cap, optional merging, and a collaboration mode.
//!
//! [`History`] only keeps the entries; [`DiagramState`](crate::core::state::DiagramState)
//! applies undo and redo to the diagram, so it can check what changed in between.

mod compact;
mod config;
mod entry;
mod error;
mod kind;
mod leaf_bytes;
mod merge;
mod origin;
mod path_keys;
mod recording;
mod snapshot;
mod squash;
mod stack;

pub use config::HistoryConfig;
pub use entry::HistoryEntry;
pub use error::HistoryError;
pub use kind::{infer_kind, OperationKind};
pub use origin::Origin;
pub use recording::{NotRecordedReason, Recording};
pub use snapshot::HistoryState;
pub use stack::{CellKindLookup, History};
