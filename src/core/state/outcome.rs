//! What the diagram state reports back to the editor after an event or an undo/redo.

use serde::Serialize;
use serde_json::Value;

use crate::core::filter::Decision;
use crate::core::history::{HistoryState, OperationKind, Recording};
use crate::core::model::Change;

/// What became of an event or a set of changes. Serialized as
/// `{ applied, decisions, recording, history, version }`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EventOutcome {
    /// The semantic changes applied to the diagram, as applied: what to save and sync.
    /// Empty when the event was visual-only or changed nothing.
    pub applied: Vec<Change>,
    /// The filter's verdict for each change or path, with the rule that decided.
    pub decisions: Vec<Decision>,
    /// What the history did with the applied changes.
    pub recording: Recording,
    /// The history's observable state afterwards.
    pub history: HistoryState,
    /// The diagram's version afterwards.
    pub version: u64,
}

/// What an undo or redo did. Serialized as `{ step, history, version }`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StepOutcome {
    /// The step itself.
    pub step: Step,
    /// The history's observable state afterwards.
    pub history: HistoryState,
    /// The diagram's version afterwards.
    pub version: u64,
}

/// An undo or redo, tagged by `type`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum Step {
    /// There was nothing to undo (or redo).
    Empty,
    /// The changes were applied to the diagram; apply them to X6 with origin `history`.
    /// Changes that would have overwritten someone else's later edit were skipped.
    Applied {
        /// The kind of the entry undone or redone.
        kind: OperationKind,
        /// The changes applied, in order.
        changes: Vec<Change>,
        /// The changes not applied, and why.
        skipped: Vec<SkippedChange>,
    },
    /// Collaboration mode: send this request to the collaboration server, which applies the
    /// step and broadcasts the result to every client as remote changes.
    ServerRequest {
        /// `undo` or `redo`.
        action: StepAction,
    },
}

/// Which way a history step goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum StepAction {
    /// Undo.
    Undo,
    /// Redo.
    Redo,
}

/// A change an undo or redo did not apply, because what it would overwrite is no longer
/// what the history wrote.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SkippedChange {
    /// The change that was not applied.
    pub change: Change,
    /// Why.
    pub reason: SkipReason,
}

/// Why a change of an undo or redo was skipped. Serialized with a `type` tag.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum SkipReason {
    /// The path holds another value than the history left there (`current` absent: missing).
    ValueChanged {
        /// The value the path holds now.
        #[serde(skip_serializing_if = "Option::is_none")]
        current: Option<Value>,
    },
    /// The cell no longer exists.
    CellMissing,
    /// A cell with this id exists again, so it cannot be re-added.
    CellExists,
    /// The cell was changed since, so removing it would lose that change.
    CellChanged,
    /// The path can no longer be written (a parent is gone).
    PathUnreachable,
    /// The cell has an edge attached to it that the entry does not remove (another tab or
    /// a collaborator connected it since): removing the cell would leave that edge without
    /// its source or target.
    CellConnected,
    /// The cell is an edge whose source or target cell no longer exists.
    TerminalMissing,
}
