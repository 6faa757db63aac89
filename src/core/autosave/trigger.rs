//! What asks auto-save to consider a save: a history change, a cell metadata change, an
//! external "dirty" signal from the editor, or a manual save.

use serde::{Deserialize, Serialize};

use crate::core::history::OperationKind;
use crate::core::model::Change;

/// A reason to consider saving, tagged by `type`. Every trigger goes through the same
/// decision tree.
///
/// ```json
/// { "type": "historyChange", "changes": [ … ], "kind": "NODE_MOVE" }
/// { "type": "cellMetadataChange", "cellId": "n1", "changes": [ … ] }
/// { "type": "externalDirty", "label": "threats" }
/// { "type": "manual" }
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum Trigger {
    /// The history recorded (or was given) changes: pass the applied changes of the event.
    #[serde(rename_all = "camelCase")]
    HistoryChange {
        /// The semantic changes applied to the diagram.
        #[serde(default)]
        changes: Vec<Change>,
        /// Whether the change is semantic; when left out, it is semantic if `changes` is
        /// not empty.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        semantic: Option<bool>,
        /// The operation kind, checked against the operation filter.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        kind: Option<OperationKind>,
    },
    /// A cell's metadata (its `data`, e.g. a node's properties) changed.
    #[serde(rename_all = "camelCase")]
    CellMetadataChange {
        /// The cell whose metadata changed.
        cell_id: String,
        /// The changes, if the editor has them.
        #[serde(default)]
        changes: Vec<Change>,
    },
    /// Something the editor saves with the diagram changed outside the cells (e.g. threats).
    ExternalDirty {
        /// What changed, for logs and the status display.
        label: String,
    },
    /// The user asked to save now (`saveNow()`).
    Manual,
}

impl Trigger {
    /// A history change of `changes` with operation `kind`, semantic unless empty.
    pub fn history(changes: Vec<Change>, kind: Option<OperationKind>) -> Self {
        Self::HistoryChange {
            changes,
            semantic: None,
            kind,
        }
    }

    /// Which source this trigger comes from.
    pub fn source(&self) -> TriggerSource {
        match self {
            Self::HistoryChange { .. } => TriggerSource::HistoryChange,
            Self::CellMetadataChange { .. } => TriggerSource::CellMetadataChange,
            Self::ExternalDirty { .. } => TriggerSource::ExternalDirty,
            Self::Manual => TriggerSource::Manual,
        }
    }

    /// Whether the change matters to the document. Metadata changes, external signals and
    /// manual saves always do.
    pub fn is_semantic(&self) -> bool {
        match self {
            Self::HistoryChange {
                changes, semantic, ..
            } => semantic.unwrap_or(!changes.is_empty()),
            _ => true,
        }
    }

    /// The operation kind of a history change.
    pub fn operation_kind(&self) -> Option<OperationKind> {
        match self {
            Self::HistoryChange { kind, .. } => *kind,
            _ => None,
        }
    }

    /// The changes this trigger carries.
    pub fn changes(&self) -> &[Change] {
        match self {
            Self::HistoryChange { changes, .. } | Self::CellMetadataChange { changes, .. } => {
                changes
            }
            _ => &[],
        }
    }

    /// The trigger's changes, moved out.
    pub fn into_changes(self) -> Vec<Change> {
        match self {
            Self::HistoryChange { changes, .. } | Self::CellMetadataChange { changes, .. } => {
                changes
            }
            _ => Vec::new(),
        }
    }
}

/// Where a trigger comes from, as in TMI-UX's "Auto-save Trigger Sources" diagram.
/// Serialized as `"historyChange"`, `"cellMetadataChange"`, `"externalDirty"` or `"manual"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum TriggerSource {
    /// A history change.
    HistoryChange,
    /// A cell metadata change.
    CellMetadataChange,
    /// An external dirty signal.
    ExternalDirty,
    /// A manual save.
    Manual,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn javascript_triggers_are_tagged_by_type() {
        let trigger: Trigger = serde_json::from_value(json!({
            "type": "historyChange",
            "changes": [{ "type": "update", "id": "n1", "path": "position/x", "before": 1, "after": 2 }],
            "kind": "NODE_MOVE"
        }))
        .unwrap();
        assert_eq!(trigger.source(), TriggerSource::HistoryChange);
        assert_eq!(trigger.operation_kind(), Some(OperationKind::NodeMove));
        assert!(trigger.is_semantic());
        assert_eq!(trigger.changes().len(), 1);

        let trigger: Trigger =
            serde_json::from_value(json!({ "type": "externalDirty", "label": "threats" })).unwrap();
        assert!(trigger.is_semantic());
        assert!(trigger.changes().is_empty());
        let trigger: Trigger =
            serde_json::from_value(json!({ "type": "cellMetadataChange", "cellId": "n1" }))
                .unwrap();
        assert_eq!(trigger.source(), TriggerSource::CellMetadataChange);
    }

    #[test]
    fn a_history_change_without_changes_is_not_semantic_unless_told() {
        assert!(!Trigger::history(Vec::new(), None).is_semantic());
        let told = Trigger::HistoryChange {
            changes: Vec::new(),
            semantic: Some(true),
            kind: None,
        };
        assert!(told.is_semantic());
    }
}
