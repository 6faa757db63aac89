//! What the history did with a set of changes.

use serde::Serialize;

use super::kind::OperationKind;

/// What the history did with changes it was given. Serialized with a `type` tag, e.g.
/// `{ "type": "entry", "kind": "NODE_MOVE" }` or `{ "type": "notRecorded", "reason": "originNotRecorded" }`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum Recording {
    /// A new undo entry (the redo stack was cleared).
    Entry {
        /// Its operation kind.
        kind: OperationKind,
    },
    /// Merged into the latest entry (see `mergeInterval`).
    Merged {
        /// The latest entry's operation kind.
        kind: OperationKind,
    },
    /// Joined the open batch; the entry is made when the outermost batch ends.
    Batched,
    /// Not recorded.
    NotRecorded {
        /// Why.
        reason: NotRecordedReason,
    },
}

/// Why changes were not recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum NotRecordedReason {
    /// Nothing semantic was left: visual-only, excluded, or no actual difference.
    NoSemanticChange,
    /// A `tab` or `remote` change while "record remote changes" is off.
    OriginNotRecorded,
    /// An undo/redo echo (origin `history`): never recorded.
    HistoryOrigin,
    /// The outermost batch ended without any recorded change.
    EmptyBatch,
}
