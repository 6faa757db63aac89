//! The changes that turn a diagram into another set of cells: a refresh from the server or
//! a reload from the store reaches the editor as ordinary changes, so the X6 view follows
//! with the same code path as undo and other tabs.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::cell::cell_id;
use super::change::Change;
use super::diagram::Diagram;
use super::diff::diff_change_event;
use super::error::ModelError;

impl Diagram {
    /// The changes from this diagram's cells to `cells`: a `remove` for each cell that is
    /// gone, leaf-path `update`s for each cell that changed (`id` never changes), and an
    /// `add` for each new cell, in that order. Fails on a malformed cell or a duplicate id,
    /// like [`Diagram::from_cells`].
    ///
    /// ```
    /// use diagram_state::core::model::{Change, Diagram};
    /// use serde_json::json;
    ///
    /// let diagram = Diagram::from_cells(vec![json!({ "id": "a", "x": 1 })], 1).unwrap();
    /// let changes = diagram.changes_to(&[json!({ "id": "a", "x": 2 })]).unwrap();
    /// assert_eq!(changes, [Change::update("a", "x", Some(json!(1)), Some(json!(2)))]);
    /// ```
    pub fn changes_to(&self, cells: &[Value]) -> Result<Vec<Change>, ModelError> {
        let mut target: BTreeMap<&str, &Value> = BTreeMap::new();
        for cell in cells {
            let id = cell_id(cell)?;
            if target.insert(id, cell).is_some() {
                return Err(ModelError::DuplicateCell(id.to_owned()));
            }
        }
        let mut changes: Vec<Change> = self
            .cells()
            .filter(|cell| cell_id(cell).is_ok_and(|id| !target.contains_key(id)))
            .map(|cell| Change::Remove {
                cell: std::sync::Arc::clone(cell),
            })
            .collect();
        for (id, new) in &target {
            let Some(old) = self.cell(id) else { continue };
            let keys: BTreeSet<&String> = object_keys(old).chain(object_keys(new)).collect();
            for key in keys.into_iter().filter(|key| key.as_str() != "id") {
                changes.extend(diff_change_event(id, key, old.get(key), new.get(key))?);
            }
        }
        changes.extend(
            target
                .iter()
                .filter(|(id, _)| !self.contains(id))
                .map(|(_, cell)| Change::add((*cell).clone())),
        );
        Ok(changes)
    }
}

fn object_keys(value: &Value) -> impl Iterator<Item = &String> {
    value
        .as_object()
        .into_iter()
        .flat_map(|object| object.keys())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn applying_the_changes_gives_exactly_the_target_cells() {
        let mut diagram = Diagram::from_cells(
            vec![
                json!({ "id": "kept", "attrs": { "text": { "text": "A" } }, "gone": 1 }),
                json!({ "id": "removed" }),
            ],
            3,
        )
        .unwrap();
        let target = vec![
            json!({ "id": "kept", "attrs": { "text": { "text": "B" } }, "new": [1] }),
            json!({ "id": "added", "shape": "rect" }),
        ];
        let changes = diagram.changes_to(&target).unwrap();
        diagram.apply_all(changes).unwrap();
        let cells: Vec<Value> = diagram.cells().map(|cell| (**cell).clone()).collect();
        assert_eq!(cells, [target[1].clone(), target[0].clone()]);
    }

    #[test]
    fn identical_cells_need_no_change_and_bad_cells_are_refused() {
        let cells = vec![json!({ "id": "a", "x": { "y": 1 } })];
        let diagram = Diagram::from_cells(cells.clone(), 1).unwrap();
        assert!(diagram.changes_to(&cells).unwrap().is_empty());
        assert_eq!(
            diagram.changes_to(&[json!({ "x": 1 })]),
            Err(ModelError::CellIdMissing)
        );
        assert_eq!(
            diagram.changes_to(&[json!({ "id": "b" }), json!({ "id": "b" })]),
            Err(ModelError::DuplicateCell("b".into()))
        );
    }
}
