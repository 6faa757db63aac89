//! Squashing a batch before it becomes an entry: a drag sends one position update per
//! mouse move, and an edge dragged from a port and dropped on the blank canvas is added and
//! removed again; the entry keeps only the net effect.
//!
//! The batch holds only the changes recorded, not those of collaborators or other tabs
//! (unless "record remote changes" is on), which may come in between. A recorded change
//! that does not start where the batch's previous change of the same cell or path ended
//! shows one: the net effect that counts is then the one on what the other person wrote,
//! so that undo gives it back and never overwrites it.

use std::collections::HashMap;

use crate::core::model::{Change, Diagram};
use crate::core::path::overlaps;

/// `changes` without those of cells that the batch both added first and removed last, when
/// the batch's own changes account for the cell it removed: such a cell did not exist
/// before the batch and does not exist after it, so all its changes together change
/// nothing. When someone else changed the cell in between, its removal deleted their
/// change: its changes stay, so that undo brings it back as they left it.
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
        .filter(|id| replays_on_its_own(&changes, id))
        .collect();
    if transient.is_empty() {
        return changes;
    }
    changes
        .into_iter()
        .filter(|change| !matches!(change.cell_id(), Some(id) if transient.iter().any(|gone| gone == id)))
        .collect()
}

/// Whether the changes of cell `id`, which the batch added first, replay one after the
/// other from nothing: each update finds its `before`, the removal the very cell the
/// batch's changes built. When one does not, someone else changed the cell in between.
fn replays_on_its_own(changes: &[Change], id: &str) -> bool {
    let mut scratch = Diagram::new();
    changes
        .iter()
        .filter(|change| change.cell_id() == Some(id))
        .all(|change| {
            let mut replayed = change.clone();
            scratch.apply(&mut replayed).is_ok() && replayed == *change
        })
}

/// `changes` with repeated updates of the same cell path folded into the first one, and
/// updates that end where they started dropped. An update is folded only across changes
/// that cannot interact with it: other cells, or other paths of the same cell that neither
/// contain nor lie inside its path. One that continues the earlier update (its `before` is
/// the earlier `after`) extends it: the first `before`, the last `after`. One that does not
/// replaces it: someone else wrote the path in between, so the earlier update's effect is
/// gone, and undoing it could only overwrite what they wrote.
pub(super) fn fold_repeated_updates(changes: Vec<Change>) -> Vec<Change> {
    let mut kept: Vec<Option<Change>> = Vec::with_capacity(changes.len());
    // Positions in `kept` of each cell's changes, oldest first.
    let mut by_cell: HashMap<String, Vec<usize>> = HashMap::new();
    for change in changes {
        let Change::Update { id, path, .. } = &change else {
            if let Some(id) = change.cell_id() {
                by_cell.entry(id.to_owned()).or_default().push(kept.len());
            }
            kept.push(Some(change));
            continue;
        };
        let positions = by_cell.entry(id.to_string()).or_default();
        let earlier = foldable_into(&kept, positions, path)
            .and_then(|position| kept.get_mut(position))
            .and_then(Option::as_mut);
        match earlier {
            Some(earlier) => fold_into(earlier, change),
            None => {
                positions.push(kept.len());
                kept.push(Some(change));
            }
        }
    }
    kept.into_iter()
        .flatten()
        .filter(|change| !change.is_noop())
        .collect()
}

/// Folds `newer` into `earlier`, an update of the same path: extends it when `newer`
/// continues it, else replaces it.
fn fold_into(earlier: &mut Change, newer: Change) {
    match (&mut *earlier, newer) {
        (
            Change::Update { after, .. },
            Change::Update {
                before,
                after: newer_after,
                ..
            },
        ) if *after == before => *after = newer_after,
        (_, newer) => *earlier = newer,
    }
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
        let changes = vec![
            Change::add(json!({ "id": "e", "source": "a" })),
            Change::update("e", "target", None, Some(json!({ "x": 5 }))),
            Change::update("a", "position/x", Some(json!(1)), Some(json!(2))),
            Change::remove(json!({ "id": "e", "source": "a", "target": { "x": 5 } })),
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

    #[test]
    fn a_cell_someone_else_changed_before_the_batch_removed_it_stays() {
        let moved_by_someone_else = vec![
            Change::add(json!({ "id": "n", "position": { "x": 0 } })),
            Change::remove(json!({ "id": "n", "position": { "x": 50 } })),
        ];
        assert_eq!(
            drop_transient_cells(moved_by_someone_else.clone()),
            moved_by_someone_else
        );
        let renamed_over_someone_else = vec![
            Change::add(json!({ "id": "n", "text": "a" })),
            Change::update("n", "text", Some(json!("b")), Some(json!("c"))),
            Change::remove(json!({ "id": "n", "text": "c" })),
        ];
        assert_eq!(
            drop_transient_cells(renamed_over_someone_else.clone()),
            renamed_over_someone_else
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
    fn an_update_after_someone_elses_write_replaces_the_one_it_overwrote() {
        // 0 → 1 → 2 by the user, 2 → 5 by someone else, 5 → 6 → 0 by the user.
        let overwritten = vec![
            x("a", 0, 1),
            x("a", 1, 2),
            x("b", 0, 1),
            x("a", 5, 6),
            x("a", 6, 0),
        ];
        assert_eq!(
            fold_repeated_updates(overwritten),
            [x("a", 5, 0), x("b", 0, 1)]
        );
        // Back where someone else left it: no net effect.
        assert!(fold_repeated_updates(vec![x("a", 0, 1), x("a", 5, 6), x("a", 6, 5)]).is_empty());
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
