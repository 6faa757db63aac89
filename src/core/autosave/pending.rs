//! The semantic changes since the last saved base: accumulated, squashed per path, and
//! split between those sent with the save in flight and those made since.

use crate::core::model::Change;
use crate::core::path::overlaps;

/// How far back a new update looks for an earlier update of the same path to squash into.
const SQUASH_WINDOW: usize = 256;

/// The unsaved changes, oldest first. The first `sent` of them went out with the save in
/// flight; they are dropped when it succeeds and never squashed into.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct PendingChanges {
    changes: Vec<Change>,
    sent: usize,
}

impl PendingChanges {
    /// Adds a change. An update of a path that an earlier unsent update of the same cell
    /// and path already covers replaces that update's `after`, unless a change in between
    /// touched the cell's existence or an ancestor or descendant of the path.
    pub(super) fn push(&mut self, change: Change) {
        if let Change::Update {
            id, path, after, ..
        } = &change
        {
            if let Some(index) = self.squash_target(id, path) {
                if let Some(Change::Update { after: earlier, .. }) = self.changes.get_mut(index) {
                    earlier.clone_from(after);
                    return;
                }
            }
        }
        self.changes.push(change);
    }

    /// Marks every change as sent with a new save, and returns them.
    pub(super) fn send(&mut self) -> Vec<Change> {
        self.sent = self.changes.len();
        self.changes.clone()
    }

    /// The save in flight succeeded: its changes are saved.
    pub(super) fn saved(&mut self) {
        self.changes.drain(..self.sent.min(self.changes.len()));
        self.sent = 0;
    }

    /// The save in flight did not succeed: its changes are unsent again.
    pub(super) fn unsent(&mut self) {
        self.sent = 0;
    }

    /// Removes and returns every change.
    pub(super) fn take_all(&mut self) -> Vec<Change> {
        self.sent = 0;
        std::mem::take(&mut self.changes)
    }

    /// The changes, oldest first.
    pub(super) fn as_slice(&self) -> &[Change] {
        &self.changes
    }

    fn squash_target(&self, id: &str, path: &str) -> Option<usize> {
        let floor = self
            .sent
            .max(self.changes.len().saturating_sub(SQUASH_WINDOW));
        for index in (floor..self.changes.len()).rev() {
            match &self.changes[index] {
                Change::Update {
                    id: other,
                    path: other_path,
                    ..
                } if &**other == id => {
                    if &**other_path == path {
                        return Some(index);
                    }
                    if overlaps(other_path, path) {
                        return None;
                    }
                }
                Change::Update { .. } => {}
                other => {
                    // An add or remove of this cell (or of a malformed cell) ends the search.
                    if other.cell_id().is_none() || other.cell_id() == Some(id) {
                        return None;
                    }
                }
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn set(id: &str, path: &str, before: i64, after: i64) -> Change {
        Change::update(id, path, Some(json!(before)), Some(json!(after)))
    }

    #[test]
    fn a_drag_squashes_into_one_update_per_path() {
        let mut pending = PendingChanges::default();
        for step in 0..100 {
            pending.push(set("n1", "position/x", step, step + 1));
            pending.push(set("n1", "position/y", step, step + 1));
        }
        assert_eq!(
            pending.as_slice(),
            [
                set("n1", "position/x", 0, 100),
                set("n1", "position/y", 0, 100)
            ]
        );
    }

    #[test]
    fn squashing_stops_at_sent_changes_related_paths_and_cell_existence() {
        let mut pending = PendingChanges::default();
        pending.push(set("n1", "position/x", 0, 1));
        let sent = pending.send();
        assert_eq!(sent.len(), 1);
        pending.push(set("n1", "position/x", 1, 2));
        assert_eq!(
            pending.as_slice().len(),
            2,
            "never squashed into a sent change"
        );

        pending.push(Change::update(
            "n1",
            "position",
            None,
            Some(json!({ "x": 5 })),
        ));
        pending.push(set("n1", "position/x", 5, 6));
        assert_eq!(pending.as_slice().len(), 4, "an ancestor path in between");

        pending.push(Change::remove(json!({ "id": "n1" })));
        pending.push(Change::add(json!({ "id": "n1" })));
        pending.push(set("n1", "position/x", 0, 7));
        assert_eq!(
            pending.as_slice().len(),
            7,
            "the cell was re-created in between"
        );

        pending.saved();
        assert_eq!(pending.as_slice().len(), 6);
        assert_eq!(pending.as_slice()[0], set("n1", "position/x", 1, 2));
    }

    #[test]
    fn a_failed_save_makes_its_changes_squashable_again() {
        let mut pending = PendingChanges::default();
        pending.push(set("n1", "size/width", 1, 2));
        pending.send();
        pending.unsent();
        pending.push(set("n1", "size/width", 2, 3));
        assert_eq!(pending.as_slice(), [set("n1", "size/width", 1, 3)]);
        assert_eq!(pending.take_all().len(), 1);
        assert!(pending.as_slice().is_empty());
    }
}
