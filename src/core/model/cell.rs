//! What the model needs to know about an X6 cell: its id and whether it is an edge.

use std::sync::Arc;

use serde_json::Value;

use super::error::ModelError;

/// A cell's JSON, shared copy-on-write between the diagram and the history: recording or
/// undoing the deletion of a cell never copies it, and a cell is only copied when it is
/// updated while the history still holds the old version.
pub type SharedCell = Arc<Value>;

/// Whether a cell is a node or an edge, which decides the history's operation kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellKind {
    /// A node (any cell that is not an edge).
    Node,
    /// An edge: a cell with `source` or `target`, or whose `shape` is `"edge"`.
    Edge,
}

/// The id of a cell, checking that the cell is an object with a non-empty string `id`.
///
/// ```
/// use diagram_state::core::model::cell_id;
/// use serde_json::json;
/// assert_eq!(cell_id(&json!({ "id": "n1" })).unwrap(), "n1");
/// assert!(cell_id(&json!({ "id": 7 })).is_err());
/// ```
pub fn cell_id(cell: &Value) -> Result<&str, ModelError> {
    let object = cell.as_object().ok_or(ModelError::CellNotObject)?;
    match object.get("id") {
        None => Err(ModelError::CellIdMissing),
        Some(Value::String(id)) if id.is_empty() => Err(ModelError::CellIdEmpty),
        Some(Value::String(id)) => Ok(id),
        Some(_) => Err(ModelError::CellIdNotString),
    }
}

/// Tells an edge from a node: X6 edges have a `source` or a `target`, or the `edge` shape.
///
/// ```
/// use diagram_state::core::model::{cell_kind, CellKind};
/// use serde_json::json;
/// assert_eq!(cell_kind(&json!({ "id": "e", "source": { "cell": "a" } })), CellKind::Edge);
/// assert_eq!(cell_kind(&json!({ "id": "n", "shape": "rect" })), CellKind::Node);
/// ```
pub fn cell_kind(cell: &Value) -> CellKind {
    let is_edge = cell.get("source").is_some()
        || cell.get("target").is_some()
        || cell.get("shape").and_then(Value::as_str) == Some("edge");
    if is_edge {
        CellKind::Edge
    } else {
        CellKind::Node
    }
}

/// The ids of the cells an edge is attached to: its `source` and `target` when they name a
/// cell (`"n1"` or `{ "cell": "n1", … }`), not when they are points. Empty for a node.
///
/// ```
/// use diagram_state::core::model::terminal_ids;
/// use serde_json::json;
/// let edge = json!({ "id": "e", "source": { "cell": "a", "port": "p" }, "target": { "x": 1, "y": 2 } });
/// assert_eq!(terminal_ids(&edge).collect::<Vec<_>>(), ["a"]);
/// ```
pub fn terminal_ids(cell: &Value) -> impl Iterator<Item = &str> {
    ["source", "target"]
        .into_iter()
        .filter_map(move |end| match cell.get(end)? {
            Value::String(id) => Some(id.as_str()),
            Value::Object(terminal) => terminal.get("cell")?.as_str(),
            _ => None,
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_malformed_cell_has_its_own_error() {
        assert_eq!(cell_id(&json!([1])), Err(ModelError::CellNotObject));
        assert_eq!(
            cell_id(&json!({ "shape": "rect" })),
            Err(ModelError::CellIdMissing)
        );
        assert_eq!(
            cell_id(&json!({ "id": null })),
            Err(ModelError::CellIdNotString)
        );
        assert_eq!(cell_id(&json!({ "id": "" })), Err(ModelError::CellIdEmpty));
    }

    #[test]
    fn edge_shape_alone_makes_an_edge() {
        assert_eq!(
            cell_kind(&json!({ "id": "e", "shape": "edge" })),
            CellKind::Edge
        );
        assert_eq!(
            cell_kind(&json!({ "id": "e", "target": "n1" })),
            CellKind::Edge
        );
    }
}
