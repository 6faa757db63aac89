//! The diagram: its cells by id and its version.

use std::collections::BTreeMap;

use serde::ser::{Serialize, SerializeStruct, Serializer};
use serde_json::Value;

use super::cell::{cell_id, terminal_ids, SharedCell};
use super::change::Change;
use super::error::ModelError;
use super::value_path;
use crate::core::path::checked_segments;

/// The semantic state of one diagram: its cells by id, plus a `version` that grows by one
/// each time a set of changes is applied.
///
/// Cells are kept in a `BTreeMap` ordered by id. Iteration order therefore depends only on
/// which cells exist, never on the order they were added or re-added by undo, so two tabs
/// that apply the same changes in a different order list identical cells; lookups, inserts
/// and removals stay `O(log n)` for large batches. X6 draws by `zIndex`, not by list order.
///
/// Serialized for JavaScript as `{ "version": 3, "cells": [ … ] }`.
#[derive(Debug, Clone, Default)]
pub struct Diagram {
    cells: BTreeMap<String, SharedCell>,
    version: u64,
}

impl Diagram {
    /// An empty diagram at version 0.
    pub fn new() -> Self {
        Self::default()
    }

    /// A diagram with the given cells and version, e.g. as loaded from a server. Fails on
    /// the first malformed cell or duplicate id.
    pub fn from_cells(cells: Vec<Value>, version: u64) -> Result<Self, ModelError> {
        let mut diagram = Self {
            cells: BTreeMap::new(),
            version,
        };
        for cell in cells {
            let id = cell_id(&cell)?.to_owned();
            if diagram.cells.contains_key(&id) {
                return Err(ModelError::DuplicateCell(id));
            }
            diagram.cells.insert(id, SharedCell::new(cell));
        }
        Ok(diagram)
    }

    /// The version: it grows by one with every applied set of changes.
    pub fn version(&self) -> u64 {
        self.version
    }

    /// How many cells the diagram has.
    pub fn len(&self) -> usize {
        self.cells.len()
    }

    /// Whether the diagram has no cells.
    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }

    /// Whether a cell with this id exists.
    pub fn contains(&self, id: &str) -> bool {
        self.cells.contains_key(id)
    }

    /// The cell with this id.
    pub fn cell(&self, id: &str) -> Option<&SharedCell> {
        self.cells.get(id)
    }

    /// All cells, ordered by id.
    pub fn cells(&self) -> impl Iterator<Item = &SharedCell> {
        self.cells.values()
    }

    /// The other cells attached to cell `id`: the edges whose source or target it is.
    pub fn attached_to<'a>(&'a self, id: &'a str) -> impl Iterator<Item = &'a SharedCell> {
        self.cells
            .iter()
            .filter(move |(other, cell)| *other != id && terminal_ids(cell).any(|end| end == id))
            .map(|(_, cell)| cell)
    }

    /// Whether every cell that `cell` (an edge) is attached to exists.
    pub fn has_terminals(&self, cell: &Value) -> bool {
        terminal_ids(cell).all(|end| self.cells.contains_key(end))
    }

    /// The value at `path` in cell `id`: `Ok(None)` when the path is missing, an error when
    /// the cell does not exist or the path is malformed.
    pub fn get(&self, id: &str, path: &str) -> Result<Option<&Value>, ModelError> {
        let segments = checked_segments(path)?;
        let cell = self
            .cells
            .get(id)
            .ok_or_else(|| ModelError::CellNotFound(id.to_owned()))?;
        Ok(value_path::get(cell, segments))
    }

    /// Applies the changes in order, all or nothing: on the first refused change every
    /// change before it is reverted and the error returned. On success the changes that
    /// changed something are returned (an update that writes the value already there is
    /// left out), the version grows by one when there is at least one, and each is as applied:
    /// an `update`'s `before` and a `remove`'s `cell` are what the diagram actually held,
    /// so inverting them restores this diagram exactly.
    pub fn apply_all(&mut self, mut changes: Vec<Change>) -> Result<Vec<Change>, ModelError> {
        let refused = changes
            .iter_mut()
            .enumerate()
            .find_map(|(index, change)| self.apply(change).err().map(|error| (index, error)));
        if let Some((index, error)) = refused {
            self.revert(changes.get(..index).unwrap_or_default());
            return Err(error);
        }
        changes.retain(|change| !change.is_noop());
        if !changes.is_empty() {
            self.bump_version();
        }
        Ok(changes)
    }

    /// Applies one change, leaving the diagram unchanged when it is refused. On success
    /// the change is updated to what was applied (see [`Diagram::apply_all`]). Does not
    /// touch the version.
    pub(crate) fn apply(&mut self, change: &mut Change) -> Result<(), ModelError> {
        match change {
            Change::Add { cell } => {
                let id = cell_id(cell)?;
                if self.cells.contains_key(id) {
                    return Err(ModelError::DuplicateCell(id.to_owned()));
                }
                self.cells.insert(id.to_owned(), SharedCell::clone(cell));
            }
            Change::Remove { cell } => {
                let id = cell_id(cell)?;
                let removed = self
                    .cells
                    .remove(id)
                    .ok_or_else(|| ModelError::CellNotFound(id.to_owned()))?;
                *cell = removed;
            }
            Change::Update {
                id,
                path,
                before,
                after,
            } => *before = self.write(id, path, after.clone())?,
        }
        Ok(())
    }

    /// Counts one more applied set of changes.
    pub(crate) fn bump_version(&mut self) {
        self.version = self.version.saturating_add(1);
    }

    fn write(
        &mut self,
        id: &str,
        path: &str,
        value: Option<Value>,
    ) -> Result<Option<Value>, ModelError> {
        let segments = checked_segments(path)?;
        if segments.clone().next() == Some("id") {
            return Err(ModelError::ImmutableId(id.to_owned()));
        }
        let cell = self
            .cells
            .get_mut(id)
            .ok_or_else(|| ModelError::CellNotFound(id.to_owned()))?;
        value_path::write(SharedCell::make_mut(cell), segments, value).map_err(|reason| {
            ModelError::PathNotFound {
                id: id.to_owned(),
                path: path.to_owned(),
                reason,
            }
        })
    }

    /// Reverts changes just applied by [`Diagram::apply`], newest first.
    fn revert(&mut self, applied: &[Change]) {
        for change in applied.iter().rev() {
            // The exact inverse of a change just applied always applies.
            let reverted = self.apply(&mut change.clone().inverse());
            debug_assert!(
                reverted.is_ok(),
                "reverting an applied change failed: {reverted:?}"
            );
        }
    }
}

impl Serialize for Diagram {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let cells: Vec<&Value> = self.cells.values().map(|cell| cell.as_ref()).collect();
        let mut state = serializer.serialize_struct("Diagram", 2)?;
        state.serialize_field("version", &self.version)?;
        state.serialize_field("cells", &cells)?;
        state.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn diagram() -> Diagram {
        Diagram::from_cells(vec![json!({ "id": "a", "position": { "x": 1 } })], 7).unwrap()
    }

    #[test]
    fn a_refused_change_reverts_the_whole_set() {
        let mut diagram = diagram();
        let changes = vec![
            Change::update("a", "position/x", None, Some(json!(2))),
            Change::add(json!({ "id": "b" })),
            Change::update("missing", "position/x", None, Some(json!(3))),
        ];
        assert_eq!(
            diagram.apply_all(changes),
            Err(ModelError::CellNotFound("missing".into()))
        );
        assert_eq!(diagram.get("a", "position/x").unwrap(), Some(&json!(1)));
        assert!(!diagram.contains("b"));
        assert_eq!(diagram.version(), 7);
    }

    #[test]
    fn applied_changes_report_what_the_diagram_held() {
        let mut diagram = diagram();
        let stale = Change::update("a", "position/x", Some(json!(99)), Some(json!(2)));
        let applied = diagram.apply_all(vec![stale]).unwrap();
        assert_eq!(
            applied,
            [Change::update(
                "a",
                "position/x",
                Some(json!(1)),
                Some(json!(2))
            )]
        );
        assert_eq!(diagram.version(), 8);
    }

    #[test]
    fn ids_cannot_be_updated() {
        let mut diagram = diagram();
        let change = Change::update("a", "id", None, Some(json!("z")));
        assert_eq!(
            diagram.apply_all(vec![change]),
            Err(ModelError::ImmutableId("a".into()))
        );
    }

    #[test]
    fn serializes_as_version_and_cells() {
        let value = serde_json::to_value(diagram()).unwrap();
        assert_eq!(
            value,
            json!({ "version": 7, "cells": [{ "id": "a", "position": { "x": 1 } }] })
        );
    }

    #[test]
    fn loading_refuses_duplicates() {
        let cells = vec![json!({ "id": "a" }), json!({ "id": "a" })];
        assert_eq!(
            Diagram::from_cells(cells, 0).unwrap_err(),
            ModelError::DuplicateCell("a".into())
        );
    }
}
