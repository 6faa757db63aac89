//! One undoable step.

use serde::Serialize;

use super::kind::OperationKind;
use super::origin::Origin;
use crate::core::clock::Millis;
use crate::core::model::Change;

/// One undoable step: the changes as applied, in order. An update keeps only its path and
/// leaf values, so an entry's memory grows with the paths changed, not with the cell size;
/// adds and removes share the cell with the diagram instead of copying it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HistoryEntry {
    /// What the step did, e.g. `NODE_MOVE`.
    pub kind: OperationKind,
    /// Who made it (`local` for a batch that has any local change).
    pub origin: Origin,
    /// When its latest change was recorded, in milliseconds (from the injected clock).
    pub timestamp: Millis,
    /// The changes, oldest first. Never empty.
    pub changes: Vec<Change>,
}
