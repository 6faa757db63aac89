//! The undo and redo stacks, the open batch, the cap and collaboration mode.

use std::collections::VecDeque;

use super::compact::CompactEntry;
use super::config::HistoryConfig;
use super::entry::HistoryEntry;
use super::error::HistoryError;
use super::kind::{infer_kind, OperationKind};
use super::merge::merge_into;
use super::origin::Origin;
use super::path_keys::PathKeys;
use super::recording::{NotRecordedReason, Recording};
use super::snapshot::HistoryState;
use super::squash::{drop_transient_cells, fold_repeated_updates};
use crate::core::clock::Millis;
use crate::core::model::{CellKind, Change};

/// Tells whether the cell with a given id is a node or an edge (for operation kinds).
pub type CellKindLookup<'a> = &'a dyn Fn(&str) -> Option<CellKind>;

/// The undo/redo history of one diagram. It stores entries; applying undo and redo to the
/// diagram is [`DiagramState`](crate::core::state::DiagramState)'s job.
///
/// Entries are kept packed (see `compact.rs`): each update names its `(cell id, path)`
/// pair by a number from `keys` and holds its two leaf values as bytes.
#[derive(Debug, Clone, Default)]
pub struct History {
    config: HistoryConfig,
    undo: VecDeque<CompactEntry>,
    redo: Vec<CompactEntry>,
    keys: PathKeys,
    batch: OpenBatch,
    last_kind: Option<OperationKind>,
    collaborating: bool,
    /// Whether the latest undo entry was the last thing recorded, so a change may merge
    /// into it (no undo, redo, batch or clear since).
    mergeable: bool,
}

#[derive(Debug, Clone, Default)]
struct OpenBatch {
    depth: usize,
    changes: Vec<Change>,
    origin: Option<Origin>,
}

impl History {
    /// An empty history with these settings.
    pub fn new(config: HistoryConfig) -> Self {
        Self {
            config,
            ..Self::default()
        }
    }

    /// The settings.
    pub fn config(&self) -> &HistoryConfig {
        &self.config
    }

    /// Changes the settings; a smaller `max_entries` drops the oldest entries at once.
    pub fn set_config(&mut self, config: HistoryConfig) {
        self.config = config;
        self.trim();
        let excess_redo = self.redo.len().saturating_sub(config.max_entries);
        self.redo.drain(..excess_redo);
    }

    /// Whether changes of this origin are recorded: `local` always, `tab` and `remote` per
    /// the "record remote changes" preference, `history` never.
    pub fn records(&self, origin: Origin) -> bool {
        match origin {
            Origin::Local => true,
            Origin::Tab | Origin::Remote => self.config.record_remote,
            Origin::History => false,
        }
    }

    /// Records a copy of applied changes: into the open batch if there is one, else as a
    /// new entry (which clears the redo stack), or merged into the latest entry when merging
    /// is on and they continue it. `now` stamps the entry; `kind_of` helps infer its kind.
    /// Nothing is recorded for origin `history`, for `tab`/`remote` without the preference,
    /// or for no changes.
    pub fn record(
        &mut self,
        changes: &[Change],
        origin: Origin,
        now: Millis,
        kind_of: CellKindLookup<'_>,
    ) -> Recording {
        if origin == Origin::History {
            return not_recorded(NotRecordedReason::HistoryOrigin);
        }
        if changes.is_empty() {
            return not_recorded(NotRecordedReason::NoSemanticChange);
        }
        if !self.records(origin) {
            return not_recorded(NotRecordedReason::OriginNotRecorded);
        }
        if self.batch.depth > 0 {
            self.batch.changes.extend_from_slice(changes);
            self.batch.origin = Some(match self.batch.origin {
                Some(Origin::Local) => Origin::Local,
                Some(first) if origin != Origin::Local => first,
                _ => origin,
            });
            return Recording::Batched;
        }
        if let Some(kind) = self.merge(changes, origin, now) {
            return Recording::Merged { kind };
        }
        let kind = infer_kind(changes, kind_of);
        self.push_new(HistoryEntry {
            kind,
            origin,
            timestamp: now,
            changes: changes.to_vec(),
        });
        self.mergeable = true;
        Recording::Entry { kind }
    }

    /// Opens a batch (X6 `batch:start`); batches nest.
    pub fn begin_batch(&mut self) {
        self.batch.depth += 1;
    }

    /// Closes a batch (X6 `batch:stop`). Closing the outermost one turns everything it
    /// collected into one entry, squashed to its net effect (repeated updates of a path
    /// folded, cells added and removed again dropped); a batch with no net effect makes none.
    pub fn end_batch(
        &mut self,
        now: Millis,
        kind_of: CellKindLookup<'_>,
    ) -> Result<Recording, HistoryError> {
        if self.batch.depth == 0 {
            return Err(HistoryError::UnbalancedBatchEnd);
        }
        self.batch.depth -= 1;
        if self.batch.depth > 0 {
            return Ok(Recording::Batched);
        }
        let changes = fold_repeated_updates(drop_transient_cells(std::mem::take(
            &mut self.batch.changes,
        )));
        let origin = self.batch.origin.take().unwrap_or(Origin::Local);
        self.mergeable = false;
        if changes.is_empty() {
            return Ok(not_recorded(NotRecordedReason::EmptyBatch));
        }
        let kind = infer_kind(&changes, kind_of);
        self.push_new(HistoryEntry {
            kind,
            origin,
            timestamp: now,
            changes,
        });
        Ok(Recording::Entry { kind })
    }

    /// How many batches are open.
    pub fn batch_depth(&self) -> usize {
        self.batch.depth
    }

    /// Forgets every entry, and what an open batch collected so far (the batch itself
    /// stays open, so its end still balances).
    pub fn clear(&mut self) {
        self.undo.clear();
        self.redo.clear();
        self.keys.clear();
        self.batch.changes.clear();
        self.batch.origin = None;
        self.last_kind = None;
        self.mergeable = false;
    }

    /// Clears the history for a freshly loaded diagram: `lastKind` becomes `DIAGRAM_LOAD`,
    /// which is never an undo entry.
    pub fn reset_for_load(&mut self) {
        self.clear();
        self.last_kind = Some(OperationKind::DiagramLoad);
    }

    /// Joins collaboration: the local history is cleared for a fresh start, and from now on
    /// undo and redo are requests for the collaboration server.
    pub fn join_collaboration(&mut self) {
        self.clear();
        self.collaborating = true;
    }

    /// Leaves collaboration: the history is re-initialised, empty, and local undo/redo work
    /// again.
    pub fn leave_collaboration(&mut self) {
        self.clear();
        self.collaborating = false;
    }

    /// Whether collaboration mode is on.
    pub fn is_collaborating(&self) -> bool {
        self.collaborating
    }

    /// The observable state for the UI.
    pub fn state(&self) -> HistoryState {
        HistoryState {
            can_undo: !self.undo.is_empty(),
            can_redo: !self.redo.is_empty(),
            undo_size: self.undo.len(),
            redo_size: self.redo.len(),
            last_kind: self.last_kind,
            collaborating: self.collaborating,
            batch_depth: self.batch.depth,
        }
    }

    /// The undo entries, oldest first (the last one is undone next), each unpacked into a
    /// copy.
    pub fn undo_entries(&self) -> impl Iterator<Item = HistoryEntry> + '_ {
        self.undo.iter().map(|entry| entry.unpack(&self.keys))
    }

    /// The redo entries, farthest first (the last one is redone next), each unpacked into
    /// a copy.
    pub fn redo_entries(&self) -> impl Iterator<Item = HistoryEntry> + '_ {
        self.redo.iter().map(|entry| entry.unpack(&self.keys))
    }

    /// Takes the entry to undo next.
    pub(crate) fn take_undo(&mut self) -> Option<HistoryEntry> {
        self.mergeable = false;
        let entry = self.undo.pop_back()?.unpack(&self.keys);
        self.forget_keys_if_empty();
        Some(entry)
    }

    /// Takes the entry to redo next.
    pub(crate) fn take_redo(&mut self) -> Option<HistoryEntry> {
        self.mergeable = false;
        let entry = self.redo.pop()?.unpack(&self.keys);
        self.forget_keys_if_empty();
        Some(entry)
    }

    /// Puts an undone entry (its changes as now applicable forward) on the redo stack.
    pub(crate) fn push_undone(&mut self, entry: HistoryEntry) {
        let entry = CompactEntry::pack(entry, &mut self.keys);
        self.redo.push(entry);
    }

    /// Puts a redone entry back on the undo stack, without touching the redo stack.
    pub(crate) fn push_redone(&mut self, entry: HistoryEntry) {
        let entry = CompactEntry::pack(entry, &mut self.keys);
        self.undo.push_back(entry);
        self.trim();
    }

    /// With no entry left, no pair is referred to: the interned pairs go (so cells edited
    /// long ago do not stay in memory). An entry just taken is unpacked already.
    fn forget_keys_if_empty(&mut self) {
        if self.undo.is_empty() && self.redo.is_empty() {
            self.keys.clear();
        }
    }

    /// Notes the kind of an entry just undone or redone.
    pub(crate) fn note_step(&mut self, kind: OperationKind) {
        self.last_kind = Some(kind);
    }

    /// After another tab's changes were integrated under this tab's pending ones (see
    /// [`DiagramState::integrate_remote`](crate::core::state::DiagramState::integrate_remote)),
    /// makes the recorded change `old` hold its re-applied form `new`, so undoing it restores
    /// the other tab's value rather than the one it replaced. Looks through the open batch,
    /// then the local undo entries, newest first: an exact match first, else (for an entry
    /// merged from several updates) an update of the same path from the same `before`.
    /// Only `before` (of an update) or the cell (of an add or remove) changes. Returns
    /// whether a change was found.
    pub(crate) fn rebase_change(&mut self, old: &Change, new: &Change) -> bool {
        // The local undo entries, newest first, unpacked so their changes can be searched
        // and edited in place; the one edited is packed again.
        let mut entries: Vec<(usize, HistoryEntry)> = self
            .undo
            .iter()
            .enumerate()
            .rev()
            .filter(|(_, entry)| entry.origin() == Origin::Local)
            .map(|(index, entry)| (index, entry.unpack(&self.keys)))
            .collect();
        let mut recorded: Vec<(Option<usize>, &mut Change)> = self
            .batch
            .changes
            .iter_mut()
            .rev()
            .map(|change| (None, change))
            .chain(entries.iter_mut().flat_map(|(index, entry)| {
                let index = *index;
                entry
                    .changes
                    .iter_mut()
                    .rev()
                    .map(move |change| (Some(index), change))
            }))
            .collect();
        let found = match recorded.iter().position(|(_, change)| **change == *old) {
            Some(index) => Some(index),
            None => recorded
                .iter()
                .position(|(_, change)| same_update_start(change, old)),
        };
        let Some((entry_index, slot)) = found.and_then(|index| recorded.get_mut(index)) else {
            return false;
        };
        let entry_index = *entry_index;
        match (&mut **slot, new) {
            (
                Change::Update { before, .. },
                Change::Update {
                    before: rebased, ..
                },
            ) => {
                before.clone_from(rebased);
            }
            (Change::Add { cell }, Change::Add { cell: rebased })
            | (Change::Remove { cell }, Change::Remove { cell: rebased }) => {
                *cell = rebased.clone();
            }
            _ => return false,
        }
        drop(recorded);
        if let Some(index) = entry_index {
            let edited = entries
                .into_iter()
                .find_map(|(at, entry)| (at == index).then_some(entry));
            if let (Some(edited), Some(slot)) = (edited, self.undo.get_mut(index)) {
                *slot = CompactEntry::pack(edited, &mut self.keys);
            }
        }
        true
    }

    /// Merges `changes` into the latest entry when merging is on and they continue it.
    fn merge(&mut self, changes: &[Change], origin: Origin, now: Millis) -> Option<OperationKind> {
        let interval = self.config.merge_interval.filter(|_| self.mergeable)?;
        let mut latest = self.undo.back()?.unpack(&self.keys);
        if !merge_into(&mut latest, changes, origin, now, interval) {
            return None;
        }
        let kind = latest.kind;
        let packed = CompactEntry::pack(latest, &mut self.keys);
        if let Some(slot) = self.undo.back_mut() {
            *slot = packed;
        }
        self.last_kind = Some(kind);
        Some(kind)
    }

    fn push_new(&mut self, entry: HistoryEntry) {
        self.redo.clear();
        self.last_kind = Some(entry.kind);
        let entry = CompactEntry::pack(entry, &mut self.keys);
        self.undo.push_back(entry);
        self.trim();
    }

    fn trim(&mut self) {
        let excess = self.undo.len().saturating_sub(self.config.max_entries);
        self.undo.drain(..excess);
    }
}

/// Whether `recorded` is an update of the same cell path as `old`, starting from the same
/// `before` value.
fn same_update_start(recorded: &Change, old: &Change) -> bool {
    match (recorded, old) {
        (
            Change::Update {
                id, path, before, ..
            },
            Change::Update {
                id: old_id,
                path: old_path,
                before: old_before,
                ..
            },
        ) => id == old_id && path == old_path && before == old_before,
        _ => false,
    }
}

fn not_recorded(reason: NotRecordedReason) -> Recording {
    Recording::NotRecorded { reason }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn nodes(_: &str) -> Option<CellKind> {
        Some(CellKind::Node)
    }

    fn x(before: i64, after: i64) -> Vec<Change> {
        vec![Change::update(
            "n1",
            "position/x",
            Some(json!(before)),
            Some(json!(after)),
        )]
    }

    #[test]
    fn the_cap_drops_the_oldest_entries() {
        let mut history = History::new(HistoryConfig {
            max_entries: 2,
            ..HistoryConfig::default()
        });
        for step in 0..3 {
            history.record(&x(step, step + 1), Origin::Local, 0.0, &nodes);
        }
        let kept: Vec<_> = history.undo_entries().map(|entry| entry.changes).collect();
        assert_eq!(kept, [x(1, 2), x(2, 3)]);
        history.set_config(HistoryConfig {
            max_entries: 1,
            ..HistoryConfig::default()
        });
        assert_eq!(history.state().undo_size, 1);
    }

    #[test]
    fn nested_batches_make_one_entry_and_empty_ones_none() {
        let mut history = History::default();
        history.begin_batch();
        history.begin_batch();
        assert_eq!(
            history.record(&x(0, 1), Origin::Local, 0.0, &nodes),
            Recording::Batched
        );
        assert_eq!(history.end_batch(0.0, &nodes), Ok(Recording::Batched));
        assert_eq!(
            history.record(&x(1, 2), Origin::Local, 0.0, &nodes),
            Recording::Batched
        );
        assert_eq!(history.state().undo_size, 0);
        assert_eq!(
            history.end_batch(0.0, &nodes),
            Ok(Recording::Entry {
                kind: OperationKind::NodeMove
            })
        );
        assert_eq!(history.state().undo_size, 1);
        history.begin_batch();
        assert_eq!(
            history.end_batch(0.0, &nodes),
            Ok(Recording::NotRecorded {
                reason: NotRecordedReason::EmptyBatch
            })
        );
        assert_eq!(
            history.end_batch(0.0, &nodes),
            Err(HistoryError::UnbalancedBatchEnd)
        );
    }

    #[test]
    fn merging_needs_an_interval_and_stops_after_an_undo() {
        let config = HistoryConfig {
            merge_interval: Some(100.0),
            ..HistoryConfig::default()
        };
        let mut history = History::new(config);
        history.record(&x(0, 1), Origin::Local, 0.0, &nodes);
        assert!(matches!(
            history.record(&x(1, 2), Origin::Local, 50.0, &nodes),
            Recording::Merged { .. }
        ));
        assert_eq!(history.state().undo_size, 1);
        history.take_undo();
        history.record(&x(0, 1), Origin::Local, 60.0, &nodes);
        assert!(matches!(
            history.record(&x(1, 2), Origin::Local, 70.0, &nodes),
            Recording::Merged { .. }
        ));
        history.begin_batch();
        history.record(&x(2, 3), Origin::Local, 80.0, &nodes);
        history.end_batch(80.0, &nodes).unwrap();
        assert!(matches!(
            history.record(&x(3, 4), Origin::Local, 90.0, &nodes),
            Recording::Entry { .. }
        ));
    }
}
