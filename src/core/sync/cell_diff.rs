//! The changes that turn one version of some cells into another: what the view must do
//! after an integration, and what a resync from a stored copy amounts to.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::core::model::{cell_kind, diff_change_event, CellKind, Change, Diagram, SharedCell};

/// The changes that turn each cell of `before` (id → cell, `None`: absent) into what
/// `after` holds now: `remove`s (edges first), then `add`s (nodes first), then leaf
/// `update`s. A cell whose keys cannot be written as slash paths (a key with `/`, or an
/// empty key) is replaced whole (`remove` + `add`) instead of updated.
pub(crate) fn changes_between(
    before: &BTreeMap<String, Option<SharedCell>>,
    after: &Diagram,
) -> Vec<Change> {
    let mut removes = Vec::new();
    let mut adds = Vec::new();
    let mut updates = Vec::new();
    for (id, old) in before {
        match (old, after.cell(id)) {
            (None, None) => {}
            (Some(old), None) => removes.push(SharedCell::clone(old)),
            (None, Some(new)) => adds.push(SharedCell::clone(new)),
            (Some(old), Some(new)) => {
                if SharedCell::ptr_eq(old, new) || old == new {
                    continue;
                }
                match leaf_updates(id, old, new) {
                    Some(changes) => updates.extend(changes),
                    None => {
                        removes.push(SharedCell::clone(old));
                        adds.push(SharedCell::clone(new));
                    }
                }
            }
        }
    }
    removes.sort_by_key(|cell| cell_kind(cell) == CellKind::Node);
    adds.sort_by_key(|cell| cell_kind(cell) == CellKind::Edge);
    removes
        .into_iter()
        .map(|cell| Change::Remove { cell })
        .chain(adds.into_iter().map(|cell| Change::Add { cell }))
        .chain(updates)
        .collect()
}

/// The changes that turn `from` into `to` (every cell of either).
pub(crate) fn diagram_changes(from: &Diagram, to: &Diagram) -> Vec<Change> {
    let ids: BTreeSet<&str> = from
        .cells()
        .chain(to.cells())
        .filter_map(|cell| cell.get("id").and_then(Value::as_str))
        .collect();
    let before = ids
        .into_iter()
        .map(|id| (id.to_owned(), from.cell(id).cloned()))
        .collect();
    changes_between(&before, to)
}

/// The leaf updates from `old` to `new` (same id), or `None` when a key cannot be a path.
fn leaf_updates(id: &str, old: &Value, new: &Value) -> Option<Vec<Change>> {
    if !path_safe(old) || !path_safe(new) {
        return None;
    }
    let (old, new) = (old.as_object()?, new.as_object()?);
    let keys: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    let mut changes = Vec::new();
    for key in keys.into_iter().filter(|key| key.as_str() != "id") {
        changes.extend(diff_change_event(id, key, old.get(key), new.get(key)).ok()?);
    }
    Some(changes)
}

/// Whether every object key inside `value` is a usable path segment.
fn path_safe(value: &Value) -> bool {
    match value {
        Value::Object(map) => map
            .iter()
            .all(|(key, child)| !key.is_empty() && !key.contains('/') && path_safe(child)),
        Value::Array(items) => items.iter().all(path_safe),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn removes_then_adds_then_updates() {
        let from = Diagram::from_cells(
            vec![
                json!({ "id": "a", "position": { "x": 1 } }),
                json!({ "id": "e", "source": { "cell": "a" } }),
                json!({ "id": "odd", "data": { "a/b": 1 } }),
            ],
            0,
        )
        .unwrap();
        let to = Diagram::from_cells(
            vec![
                json!({ "id": "a", "position": { "x": 2 } }),
                json!({ "id": "b" }),
                json!({ "id": "odd", "data": { "a/b": 2 } }),
            ],
            0,
        )
        .unwrap();
        let changes = diagram_changes(&from, &to);
        assert_eq!(
            changes,
            [
                Change::remove(json!({ "id": "e", "source": { "cell": "a" } })),
                Change::remove(json!({ "id": "odd", "data": { "a/b": 1 } })),
                Change::add(json!({ "id": "b" })),
                Change::add(json!({ "id": "odd", "data": { "a/b": 2 } })),
                Change::update("a", "position/x", Some(json!(1)), Some(json!(2))),
            ]
        );
        let mut replayed = from.clone();
        replayed.apply_all(changes).unwrap();
        assert!(diagram_changes(&replayed, &to).is_empty());
    }
}
