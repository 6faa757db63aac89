//! X6's cell events, as the editor reports them to the core.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::serde_forms::present;

/// A cell event from X6, tagged by `type`:
///
/// ```json
/// { "type": "added", "cell": { "id": "n1", "shape": "rect" } }
/// { "type": "removed", "id": "n1" }
/// { "type": "changed", "id": "n1", "key": "attrs", "previous": { … }, "current": { … } }
/// ```
///
/// A removal needs only the id: the core keeps the full cell itself. In `changed`, `key`
/// is the X6 property (`cell:change:attrs` → `attrs`), and an absent `previous`/`current`
/// means the property was/becomes missing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum CellEvent {
    /// `cell:added`: a new cell.
    Added {
        /// The cell JSON (`cell.toJSON()`).
        cell: Value,
    },
    /// `cell:removed`: a cell is gone.
    Removed {
        /// The removed cell's id.
        id: String,
    },
    /// `cell:change:<key>`: a property of a cell changed.
    Changed {
        /// The cell's id.
        id: String,
        /// The property (a slash path is accepted too, e.g. `attrs/body`).
        key: String,
        /// The value before; `None` (absent) when it was missing.
        #[serde(
            default,
            skip_serializing_if = "Option::is_none",
            deserialize_with = "present"
        )]
        previous: Option<Value>,
        /// The value after; `None` (absent) when it was deleted.
        #[serde(
            default,
            skip_serializing_if = "Option::is_none",
            deserialize_with = "present"
        )]
        current: Option<Value>,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_the_editor_json() {
        let event: CellEvent = serde_json::from_value(json!({
            "type": "changed", "id": "n1", "key": "data", "current": null
        }))
        .unwrap();
        let expected = CellEvent::Changed {
            id: "n1".into(),
            key: "data".into(),
            previous: None,
            current: Some(Value::Null),
        };
        assert_eq!(event, expected);
    }
}
