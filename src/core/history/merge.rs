//! Merging a change into the latest entry when it continues it (same paths, soon after).

use super::entry::HistoryEntry;
use super::origin::Origin;
use crate::core::clock::Millis;
use crate::core::model::Change;

/// Folds `changes` into `latest` when they continue it: same origin, at most `interval`
/// milliseconds after it, and updates of exactly the same cell paths in the same order
/// whose `before` values equal the entry's `after` values (so nothing happened to those
/// paths in between). Returns whether they were merged; `latest` is untouched otherwise.
pub(super) fn merge_into(
    latest: &mut HistoryEntry,
    changes: &[Change],
    origin: Origin,
    now: Millis,
    interval: Millis,
) -> bool {
    let continues = latest.origin == origin
        && now - latest.timestamp <= interval
        && latest.changes.len() == changes.len()
        && latest.changes.iter().zip(changes).all(continues_update);
    if !continues {
        return false;
    }
    for (kept, newer) in latest.changes.iter_mut().zip(changes) {
        if let (
            Change::Update { after, .. },
            Change::Update {
                after: newer_after, ..
            },
        ) = (kept, newer)
        {
            after.clone_from(newer_after);
        }
    }
    latest.timestamp = now;
    true
}

fn continues_update((kept, newer): (&Change, &Change)) -> bool {
    match (kept, newer) {
        (
            Change::Update {
                id, path, after, ..
            },
            Change::Update {
                id: newer_id,
                path: newer_path,
                before: newer_before,
                ..
            },
        ) => id == newer_id && path == newer_path && after == newer_before,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::history::OperationKind;
    use serde_json::json;

    fn entry(changes: Vec<Change>) -> HistoryEntry {
        HistoryEntry {
            kind: OperationKind::NodeMove,
            origin: Origin::Local,
            timestamp: 0.0,
            changes,
        }
    }

    fn x(before: i64, after: i64) -> Change {
        Change::update("n1", "position/x", Some(json!(before)), Some(json!(after)))
    }

    #[test]
    fn a_continuation_keeps_the_first_before_and_the_last_after() {
        let mut latest = entry(vec![x(0, 1)]);
        assert!(merge_into(
            &mut latest,
            &[x(1, 2)],
            Origin::Local,
            10.0,
            50.0
        ));
        assert_eq!(latest.changes, [x(0, 2)]);
        assert_eq!(latest.timestamp, 10.0);
    }

    #[test]
    fn a_gap_other_paths_another_origin_or_a_foreign_write_do_not_merge() {
        let mut latest = entry(vec![x(0, 1)]);
        assert!(!merge_into(
            &mut latest,
            &[x(1, 2)],
            Origin::Local,
            60.0,
            50.0
        ));
        assert!(!merge_into(
            &mut latest,
            &[x(1, 2)],
            Origin::Remote,
            1.0,
            50.0
        ));
        assert!(!merge_into(
            &mut latest,
            &[x(5, 6)],
            Origin::Local,
            1.0,
            50.0
        ));
        let y = Change::update("n1", "position/y", Some(json!(1)), Some(json!(2)));
        assert!(!merge_into(&mut latest, &[y], Origin::Local, 1.0, 50.0));
        assert_eq!(latest.changes, [x(0, 1)]);
    }
}
