//! Squashing a batch before it becomes an entry: a drag sends one position update per
//! mouse move, and an edge dragged from a port and dropped on the blank canvas is added and
//! removed again; the entry keeps only the net effect.

use std::collections::HashMap;

use crate::core::model::Change;
use crate::core::path::overlaps;

/// `changes` without those of cells that the batch both added first and removed last:
/// such a cell did not exist before the batch and does not exist after it, so all its
/// changes together change nothing.
pub(super) fn drop_transient_cells(changes: Vec<Change>) -> Vec<Change> {
    // For each cell: (was its first change an add, is its last change a remove).
    let mut spans: HashMap<&str, (bool, bool)> = HashMap::new();
    for change in &changes {
        let Some(id) = change.cell_id() else { continue };
        let is_remove = matches!(change, Change::Remove { .. });
        spans
            .entry(id)
            .and_modify(|span| span.1 = is_remove)
            .or_insert((matches!(change, Change::Add { .. }), is_remove));
    }
    let transient: Vec<String> = spans
        .into_iter()
        .filter(|(_, (added_first, removed_last))| *added_first && *removed_last)
        .map(|(id, _)| id.to_owned())
        .collect();
    if transient.is_empty() {
        return changes;
    }
    changes
        .into_iter()
        .filter(|change| !matches!(change.cell_id(), Some(id) if transient.iter().any(|gone| gone == id)))
        .collect()
}

/// `changes` with repeated updates of the same cell path folded into the first one (its
/// `before`, the last `after`), and updates that end where they started dropped. An update
/// is folded only across changes that cannot interact with it: other cells, or other paths
/// of the same cell that neither contain nor lie inside its path.
pub(super) fn fold_repeated_updates(changes: Vec<Change>) -> Vec<Change> {
    let mut kept: Vec<Option<Change>> = Vec::with_capacity(changes.len());
    // Positions in `kept` of each cell's changes, oldest first.
    let mut by_cell: HashMap<String, Vec<usize>> = HashMap::new();
    for change in changes {
        let Change::Update {
            id, path, after, ..
        } = &change
        else {
            if let Some(id) = change.cell_id() {
                by_cell.entry(id.to_owned()).or_default().push(kept.len());
            }
            kept.push(Some(change));
            continue;
        };
        let positions = by_cell.entry(id.to_string()).or_default();
        if let Some(earlier) = foldable_into(&kept, positions, path) {
            if let Some(Change::Update {
                after: earlier_after,
                ..
            }) = kept.get_mut(earlier).and_then(Option::as_mut)
            {
                earlier_after.clone_from(after);
                continue;
            }
        }
        positions.push(kept.len());
        kept.push(Some(change));
    }
    kept.into_iter()
        .flatten()
        .filter(|change| !change.is_noop())
        .collect()
}

/// The position of the latest update of `path` among a cell's earlier changes, if nothing
/// in between could interact with it.
fn foldable_into(kept: &[Option<Change>], positions: &[usize], path: &str) -> Option<usize> {
    for &position in positions.iter().rev() {
        match kept.get(position).and_then(Option::as_ref) {
            Some(Change::Update { path: earlier, .. }) if **earlier == *path => {
                return Some(position)
            }
            Some(Change::Update { path: earlier, .. }) if !overlaps(earlier, path) => continue,
            _ => return None,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_cell_added_and_removed_in_the_batch_leaves_nothing() {
        let edge = json!({ "id": "e", "source": "a" });
        let changes = vec![
            Change::add(edge.clone()),
            Change::update("e", "target", None, Some(json!({ "x": 5 }))),
            Change::update("a", "position/x", Some(json!(1)), Some(json!(2))),
            Change::remove(edge),
        ];
        assert_eq!(
            drop_transient_cells(changes),
            [Change::update(
                "a",
                "position/x",
                Some(json!(1)),
                Some(json!(2))
            )]
        );
    }

    fn x(id: &str, before: i64, after: i64) -> Change {
        Change::update(id, "position/x", Some(json!(before)), Some(json!(after)))
    }

    #[test]
    fn a_drag_folds_into_one_update_per_path() {
        let y = |before: i64, after: i64| {
            Change::update("a", "position/y", Some(json!(before)), Some(json!(after)))
        };
        let drag = vec![x("a", 0, 1), y(0, 1), x("b", 5, 6), x("a", 1, 2), y(1, 2)];
        assert_eq!(
            fold_repeated_updates(drag),
            [x("a", 0, 2), y(0, 2), x("b", 5, 6)]
        );
        assert!(fold_repeated_updates(vec![x("a", 0, 1), x("a", 1, 0)]).is_empty());
    }

    #[test]
    fn updates_are_not_folded_across_an_overlapping_path_or_a_remove() {
        let whole = Change::update(
            "a",
            "position",
            Some(json!({ "x": 1 })),
            Some(json!({ "x": 2 })),
        );
        let overlapped = vec![x("a", 0, 1), whole.clone(), x("a", 2, 3)];
        assert_eq!(fold_repeated_updates(overlapped.clone()), overlapped);
        let removed = vec![
            x("a", 0, 1),
            Change::remove(json!({ "id": "a" })),
            Change::add(json!({ "id": "a" })),
            x("a", 1, 2),
        ];
        assert_eq!(fold_repeated_updates(removed.clone()), removed);
    }

    #[test]
    fn a_cell_removed_then_added_back_or_only_added_stays() {
        let cell = json!({ "id": "n" });
        let replaced = vec![Change::remove(cell.clone()), Change::add(cell.clone())];
        assert_eq!(drop_transient_cells(replaced.clone()), replaced);
        let added = vec![Change::add(cell)];
        assert_eq!(drop_transient_cells(added.clone()), added);
    }
}
