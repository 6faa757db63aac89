//! An entry as the history keeps it: small enough that 10,000 label edits cost well
//! under a megabyte. An entry of updates only (most entries) packs its changes into one
//! byte string: per change, the number of its interned `(cell id, path)` pair and both leaf
//! values (see `leaf_bytes`). An entry that adds or removes cells keeps its changes as
//! they are, since those share the cell with the diagram. Entries are unpacked into a
//! [`HistoryEntry`] only when undone, redone, merged, rebased or listed.

use serde_json::Value;

use super::entry::HistoryEntry;
use super::kind::OperationKind;
use super::leaf_bytes::{len_len, value_len, write_len, write_value, Reader};
use super::origin::Origin;
use super::path_keys::PathKeys;
use crate::core::clock::Millis;
use crate::core::model::Change;

/// One stored entry.
#[derive(Debug, Clone)]
pub(super) struct CompactEntry {
    timestamp: Millis,
    kind: OperationKind,
    origin: Origin,
    changes: StoredChanges,
}

#[derive(Debug, Clone)]
enum StoredChanges {
    /// Updates only, packed: per change its pair number, `before` and `after`.
    Updates(Box<[u8]>),
    /// Changes that add or remove cells, as they are.
    Plain(Box<[Change]>),
}

impl CompactEntry {
    /// Packs `entry`, interning its pairs in `keys`.
    pub(super) fn pack(entry: HistoryEntry, keys: &mut PathKeys) -> Self {
        let changes = match pack_updates(&entry.changes, keys) {
            Some(bytes) => StoredChanges::Updates(bytes),
            None => StoredChanges::Plain(entry.changes.into_boxed_slice()),
        };
        Self {
            timestamp: entry.timestamp,
            kind: entry.kind,
            origin: entry.origin,
            changes,
        }
    }

    /// The entry as the rest of the core sees it.
    pub(super) fn unpack(&self, keys: &PathKeys) -> HistoryEntry {
        let changes = match &self.changes {
            StoredChanges::Updates(bytes) => unpack_updates(bytes, keys),
            StoredChanges::Plain(changes) => changes.to_vec(),
        };
        HistoryEntry {
            kind: self.kind,
            origin: self.origin,
            timestamp: self.timestamp,
            changes,
        }
    }

    /// Who made it.
    pub(super) fn origin(&self) -> Origin {
        self.origin
    }
}

/// The updates of `changes` packed, or `None` if any change adds or removes a cell.
fn pack_updates(changes: &[Change], keys: &mut PathKeys) -> Option<Box<[u8]>> {
    let mut keyed = Vec::with_capacity(changes.len());
    let mut size = 0;
    for change in changes {
        let Change::Update {
            id,
            path,
            before,
            after,
        } = change
        else {
            return None;
        };
        let key = keys.intern(id, path) as usize;
        size += len_len(key) + value_len(before.as_ref()) + value_len(after.as_ref());
        keyed.push((key, before, after));
    }
    // Sized exactly: one allocation, which the boxed slice keeps.
    let mut bytes = Vec::with_capacity(size);
    for (key, before, after) in keyed {
        write_len(&mut bytes, key);
        write_value(&mut bytes, before.as_ref());
        write_value(&mut bytes, after.as_ref());
    }
    Some(bytes.into_boxed_slice())
}

fn unpack_updates(bytes: &[u8], keys: &PathKeys) -> Vec<Change> {
    let mut reader = Reader::new(bytes);
    let mut changes = Vec::with_capacity(1);
    while !reader.is_done() {
        // The bytes were written by `pack_updates` with pairs from `keys`; reading stops
        // rather than panics if that ever failed to hold.
        let Some(change) = read_update(&mut reader, keys) else {
            debug_assert!(false, "a packed history entry could not be read");
            break;
        };
        changes.push(change);
    }
    changes
}

fn read_update(reader: &mut Reader<'_>, keys: &PathKeys) -> Option<Change> {
    let (id, path) = keys.pair(reader.len()?)?;
    let before: Option<Value> = reader.value()?;
    let after: Option<Value> = reader.value()?;
    Some(Change::Update {
        id: id.clone(),
        path: path.clone(),
        before,
        after,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn entry(changes: Vec<Change>) -> HistoryEntry {
        HistoryEntry {
            kind: OperationKind::CellUpdate,
            origin: Origin::Tab,
            timestamp: 12.5,
            changes,
        }
    }

    #[test]
    fn updates_and_cell_changes_unpack_to_the_entry_packed() {
        let mut keys = PathKeys::default();
        for changes in [
            vec![Change::update(
                "n1",
                "attrs/text/text",
                Some(json!("A")),
                Some(json!("B")),
            )],
            vec![
                Change::update("n1", "position/x", Some(json!(1)), None),
                Change::update("n2", "data", None, Some(json!({ "a": [1, null] }))),
                Change::update("n1", "position/x", None, Some(json!(-2.5))),
            ],
            vec![
                Change::add(json!({ "id": "n3" })),
                Change::update("n3", "zIndex", Some(json!(1)), Some(json!(2))),
            ],
        ] {
            let packed = CompactEntry::pack(entry(changes.clone()), &mut keys);
            assert_eq!(packed.unpack(&keys), entry(changes));
        }
    }

    #[test]
    fn a_label_edit_packs_into_a_few_bytes() {
        let mut keys = PathKeys::default();
        let edit = Change::update(
            "n1",
            "attrs/text/text",
            Some(json!("Label 1")),
            Some(json!("Label 22")),
        );
        let packed = CompactEntry::pack(entry(vec![edit]), &mut keys);
        assert!(
            matches!(packed.changes, StoredChanges::Updates(bytes) if bytes.len() == 1 + 9 + 10)
        );
    }
}
