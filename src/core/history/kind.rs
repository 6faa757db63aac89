//! Operation kinds, inferred from the changes of an entry.

use serde::{Deserialize, Serialize};

use crate::core::model::{cell_kind, CellKind, Change};

/// What an entry did, as TMI-UX names it. Serialized as the constant's name, e.g.
/// `"NODE_MOVE"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OperationKind {
    /// One node added.
    NodeCreate,
    /// One node removed.
    NodeDelete,
    /// Nodes moved (`position`), possibly with the vertices of edges moving along.
    NodeMove,
    /// Nodes resized (`size`, possibly with `position`).
    NodeResize,
    /// One edge added.
    EdgeCreate,
    /// One edge removed.
    EdgeDelete,
    /// Only edge `vertices` changed.
    EdgeVerticesChange,
    /// Any other update (labels, data, attributes, ports, …) or a mix of adds and removes.
    CellUpdate,
    /// Several cells removed at once (a batch delete).
    CellDeletion,
    /// Several cells added at once.
    GroupCreation,
    /// The diagram was loaded; never an undo entry.
    DiagramLoad,
}

/// The kind of an entry made of `changes`. `kind_of` tells whether the cell with a given id
/// is a node or an edge, for updates (adds and removes carry their cell).
///
/// Removes without adds give `NODE_DELETE`/`EDGE_DELETE` for one cell and `CELL_DELETION`
/// for several (updates alongside, such as a parent's `children`, do not change that);
/// adds without removes likewise give `NODE_CREATE`/`EDGE_CREATE` or `GROUP_CREATION`.
/// Updates alone give `NODE_RESIZE` (node `size`, `position` allowed), `NODE_MOVE` (node
/// `position`, edge `vertices` allowed), `EDGE_VERTICES_CHANGE` (only edge `vertices`),
/// else `CELL_UPDATE`.
pub fn infer_kind(changes: &[Change], kind_of: &dyn Fn(&str) -> Option<CellKind>) -> OperationKind {
    let (mut adds, mut removes) = (Tally::default(), Tally::default());
    for change in changes {
        match change {
            Change::Add { cell } => adds.count(cell_kind(cell)),
            Change::Remove { cell } => removes.count(cell_kind(cell)),
            Change::Update { .. } => {}
        }
    }
    match (adds.cells, removes.cells) {
        (0, 0) => kind_of_updates(changes, kind_of),
        (0, 1) if removes.first == Some(CellKind::Edge) => OperationKind::EdgeDelete,
        (0, 1) => OperationKind::NodeDelete,
        (0, _) => OperationKind::CellDeletion,
        (1, 0) if adds.first == Some(CellKind::Edge) => OperationKind::EdgeCreate,
        (1, 0) => OperationKind::NodeCreate,
        (_, 0) => OperationKind::GroupCreation,
        _ => OperationKind::CellUpdate,
    }
}

/// How many cells were added (or removed), and the kind of the first.
#[derive(Default)]
struct Tally {
    cells: usize,
    first: Option<CellKind>,
}

impl Tally {
    fn count(&mut self, kind: CellKind) {
        self.cells += 1;
        self.first.get_or_insert(kind);
    }
}

fn kind_of_updates(
    changes: &[Change],
    kind_of: &dyn Fn(&str) -> Option<CellKind>,
) -> OperationKind {
    let (mut moves, mut resizes, mut vertices) = (false, false, false);
    for change in changes {
        let Change::Update { id, path, .. } = change else {
            return OperationKind::CellUpdate;
        };
        let property = path.split('/').next().unwrap_or_default();
        let expected = match property {
            "position" | "size" => CellKind::Node,
            "vertices" => CellKind::Edge,
            _ => return OperationKind::CellUpdate,
        };
        if kind_of(id) != Some(expected) {
            return OperationKind::CellUpdate;
        }
        match property {
            "position" => moves = true,
            "size" => resizes = true,
            _ => vertices = true,
        }
    }
    match (moves, resizes, vertices) {
        (_, true, false) => OperationKind::NodeResize,
        (true, false, _) => OperationKind::NodeMove,
        (false, false, true) => OperationKind::EdgeVerticesChange,
        _ => OperationKind::CellUpdate,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn by_prefix(id: &str) -> Option<CellKind> {
        match id.chars().next() {
            Some('e') => Some(CellKind::Edge),
            Some('n') => Some(CellKind::Node),
            _ => None,
        }
    }

    fn kind(changes: &[Change]) -> OperationKind {
        infer_kind(changes, &by_prefix)
    }

    fn set(id: &str, path: &str) -> Change {
        Change::update(id, path, Some(json!(1)), Some(json!(2)))
    }

    #[test]
    fn updates_are_told_apart_by_property_and_cell_kind() {
        assert_eq!(
            kind(&[set("n1", "position/x"), set("n2", "position/y")]),
            OperationKind::NodeMove
        );
        assert_eq!(
            kind(&[set("n1", "position/x"), set("e1", "vertices/0/x")]),
            OperationKind::NodeMove
        );
        assert_eq!(
            kind(&[set("n1", "size/width"), set("n1", "position/x")]),
            OperationKind::NodeResize
        );
        assert_eq!(
            kind(&[set("e1", "vertices")]),
            OperationKind::EdgeVerticesChange
        );
        assert_eq!(
            kind(&[set("n1", "size/width"), set("e1", "vertices")]),
            OperationKind::CellUpdate
        );
        assert_eq!(kind(&[set("e1", "position/x")]), OperationKind::CellUpdate);
        assert_eq!(
            kind(&[set("gone", "position/x")]),
            OperationKind::CellUpdate
        );
        assert_eq!(
            kind(&[set("n1", "attrs/text/text")]),
            OperationKind::CellUpdate
        );
    }

    #[test]
    fn adds_and_removes_count_cells() {
        let node = json!({ "id": "n1" });
        let edge = json!({ "id": "e1", "source": "n1", "target": "n2" });
        assert_eq!(
            kind(&[Change::add(node.clone())]),
            OperationKind::NodeCreate
        );
        assert_eq!(
            kind(&[Change::add(edge.clone())]),
            OperationKind::EdgeCreate
        );
        assert_eq!(
            kind(&[Change::remove(edge.clone())]),
            OperationKind::EdgeDelete
        );
        assert_eq!(
            kind(&[Change::remove(node.clone()), set("n9", "children")]),
            OperationKind::NodeDelete
        );
        assert_eq!(
            kind(&[Change::remove(node.clone()), Change::remove(edge.clone())]),
            OperationKind::CellDeletion
        );
        assert_eq!(
            kind(&[Change::add(node.clone()), Change::add(edge.clone())]),
            OperationKind::GroupCreation
        );
        assert_eq!(
            kind(&[Change::add(node), Change::remove(edge)]),
            OperationKind::CellUpdate
        );
    }

    #[test]
    fn kinds_serialize_as_tmi_names() {
        assert_eq!(
            serde_json::to_value(OperationKind::EdgeVerticesChange).unwrap(),
            json!("EDGE_VERTICES_CHANGE")
        );
        assert_eq!(
            serde_json::to_value(OperationKind::DiagramLoad).unwrap(),
            json!("DIAGRAM_LOAD")
        );
    }
}
