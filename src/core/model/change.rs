//! A change to a diagram: a cell added, a cell removed, or one leaf path updated.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::cell::{cell_id, SharedCell};
use super::serde_forms::{present, shared_cell, shared_str};
use super::shared_str::SharedStr;

/// One change to a diagram, as JavaScript sees it (tagged by `type`):
///
/// ```json
/// { "type": "add", "cell": { "id": "n1", "shape": "rect" } }
/// { "type": "remove", "cell": { "id": "n1", "shape": "rect" } }
/// { "type": "update", "id": "n1", "path": "attrs/text/text", "before": "A", "after": "B" }
/// ```
///
/// In an `update`, an absent `before`/`after` means the path was/becomes missing, which is
/// not the same as `null`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum Change {
    /// A cell is added.
    Add {
        /// The full cell JSON.
        #[serde(with = "shared_cell")]
        cell: SharedCell,
    },
    /// A cell is removed; the full cell is kept so the removal can be undone.
    Remove {
        /// The full cell JSON as it was before the removal.
        #[serde(with = "shared_cell")]
        cell: SharedCell,
    },
    /// One path of one cell changes value.
    Update {
        /// The cell's id.
        #[serde(with = "shared_str")]
        id: SharedStr,
        /// The slash path inside the cell, e.g. `attrs/body/fill`.
        #[serde(with = "shared_str")]
        path: SharedStr,
        /// The value before; `None` (absent in JSON) when the path was missing.
        #[serde(
            default,
            skip_serializing_if = "Option::is_none",
            deserialize_with = "present"
        )]
        before: Option<Value>,
        /// The value after; `None` (absent in JSON) when the path is deleted.
        #[serde(
            default,
            skip_serializing_if = "Option::is_none",
            deserialize_with = "present"
        )]
        after: Option<Value>,
    },
}

impl Change {
    /// An `add` of the given cell JSON (checked when applied).
    pub fn add(cell: Value) -> Self {
        Self::Add {
            cell: SharedCell::new(cell),
        }
    }

    /// A `remove` of the given cell JSON (checked when applied).
    pub fn remove(cell: Value) -> Self {
        Self::Remove {
            cell: SharedCell::new(cell),
        }
    }

    /// An `update` of `path` in cell `id` from `before` to `after`.
    pub fn update(id: &str, path: &str, before: Option<Value>, after: Option<Value>) -> Self {
        Self::Update {
            id: id.into(),
            path: path.into(),
            before,
            after,
        }
    }

    /// The change that undoes this one: `add` ⇄ `remove`, `before` ⇄ `after`.
    pub fn inverse(self) -> Self {
        match self {
            Self::Add { cell } => Self::Remove { cell },
            Self::Remove { cell } => Self::Add { cell },
            Self::Update {
                id,
                path,
                before,
                after,
            } => Self::Update {
                id,
                path,
                before: after,
                after: before,
            },
        }
    }

    /// Whether this is an update whose `before` and `after` are the same: applying it
    /// changes nothing.
    pub fn is_noop(&self) -> bool {
        matches!(self, Self::Update { before, after, .. } if before == after)
    }

    /// The id of the cell this change is about, or `None` for an `add`/`remove` whose
    /// cell JSON is malformed.
    pub fn cell_id(&self) -> Option<&str> {
        match self {
            Self::Add { cell } | Self::Remove { cell } => cell_id(cell).ok(),
            Self::Update { id, .. } => Some(id),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn serializes_with_a_type_tag_and_keeps_null_apart_from_missing() {
        let change = Change::update("n1", "data/note", None, Some(Value::Null));
        let text = serde_json::to_string(&change).unwrap();
        assert_eq!(
            text,
            r#"{"type":"update","id":"n1","path":"data/note","after":null}"#
        );
        assert_eq!(serde_json::from_str::<Change>(&text).unwrap(), change);
    }

    #[test]
    fn add_and_remove_carry_the_plain_cell() {
        let change = Change::remove(json!({ "id": "n1" }));
        let value = serde_json::to_value(&change).unwrap();
        assert_eq!(value, json!({ "type": "remove", "cell": { "id": "n1" } }));
        assert_eq!(serde_json::from_value::<Change>(value).unwrap(), change);
    }

    #[test]
    fn inverse_twice_is_the_identity() {
        let change = Change::update("n1", "position/x", Some(json!(1)), None);
        assert_eq!(change.clone().inverse().inverse(), change);
        assert!(matches!(
            Change::add(json!({ "id": "a" })).inverse(),
            Change::Remove { .. }
        ));
    }
}
