//! The history's observable state, for the editor's undo/redo buttons.

use serde::Serialize;

use super::kind::OperationKind;

/// The history as the UI sees it, after every change. Serialized as
/// `{ canUndo, canRedo, undoSize, redoSize, lastKind, collaborating, batchDepth }`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HistoryState {
    /// Whether there is a local entry to undo.
    pub can_undo: bool,
    /// Whether there is a local entry to redo.
    pub can_redo: bool,
    /// How many entries can be undone.
    pub undo_size: usize,
    /// How many entries can be redone.
    pub redo_size: usize,
    /// The kind of the entry last recorded, undone or redone; `DIAGRAM_LOAD` after a load;
    /// `null` after a clear.
    pub last_kind: Option<OperationKind>,
    /// Whether collaboration mode is on: undo and redo then go to the server.
    pub collaborating: bool,
    /// How many batches are open (0 when none).
    pub batch_depth: usize,
}
