//! Integrating another tab's committed changes under this tab's pending ones (cross-tab
//! sync): revert the pending changes, apply the other tab's, re-apply the pending ones
//! rebased over them with the merge rules of [`crate::core::sync::merge`], all or nothing.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Serialize;
use serde_json::Value;

use super::diagram_state::DiagramState;
use super::error::StateError;
use super::outcome::EventOutcome;
use crate::core::history::{HistoryState, Origin, Recording};
use crate::core::model::{cell_id, cell_kind, Change, Diagram, ModelError, SharedCell};
use crate::core::sync::cell_diff::{changes_between, diagram_changes};
use crate::core::sync::journal::Journal;
use crate::core::sync::merge::{dropped, keepable, path_rule, LocalNet, PathRule, RemoteFootprint};
use crate::core::sync::{Conflict, ConflictKind, ConflictPolicy, Resolution};

/// What integrating another tab's changes did. Serialized as
/// `{ view, pending, conflicts, recording, history, version }`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Integration {
    /// What to apply to the X6 graph, without reporting it back (like an undo's changes):
    /// the net difference between what the view showed and the diagram now. Another tab's
    /// change hidden by a kept local value does not appear; a dropped local change appears
    /// as its reversal.
    pub view: Vec<Change>,
    /// This tab's pending change sets, rebased over the other tab's changes: what to commit
    /// next, on top of the new committed version. Sets left empty are gone.
    pub pending: Vec<Vec<Change>>,
    /// Per set of `pending`, whether it is adopted (a closed tab's, see `adopted` of
    /// [`DiagramState::integrate_remote`]).
    #[serde(skip)]
    pub adopted: Vec<bool>,
    /// The conflicts, each with both values and how it was settled.
    pub conflicts: Vec<Conflict>,
    /// What the history did with the other tab's changes (origin `tab`: recorded only with
    /// the "record remote changes" preference).
    pub recording: Recording,
    /// The history's observable state afterwards.
    pub history: HistoryState,
    /// The diagram's (local) version counter afterwards.
    pub version: u64,
}

impl DiagramState {
    /// Integrates `remote`, a set of changes another tab committed, under this tab's
    /// `pending` change sets (applied here but not committed yet, oldest first).
    ///
    /// The pending changes are reverted (exact inverses, newest first), `remote` is applied
    /// with origin `tab`, and the pending changes are re-applied over it following the
    /// merge rules and `policy` (see the table in [`crate::core::sync::merge`]): different
    /// cells and different paths merge; the same path changed on both sides is a conflict.
    /// With no pending changes this is simply applying `remote`.
    ///
    /// `adopted[i]` tells whether pending set `i` is adopted: a closed tab's change set this
    /// tab took over (missing: not adopted). An adopted change was made before anything
    /// committed after its tab closed, so it never replaces another tab's value: in a
    /// conflict it gives way, whatever the policy (`keptRemote`), unless this tab's own
    /// later change of the path wins it.
    ///
    /// History stays consistent: an entry whose change was rebased now starts from the other
    /// tab's value, so undoing it restores that value, and safe undo never overwrites a
    /// path changed since. `remote` is not screened by the visual filter: it was screened
    /// by the tab that committed it.
    ///
    /// All or nothing: on error (a pending set that does not match the diagram, or a remote
    /// change that does not apply: this tab is out of step with the store, reload it)
    /// nothing changes.
    pub fn integrate_remote(
        &mut self,
        pending: &[Vec<Change>],
        adopted: &[bool],
        remote: Vec<Change>,
        policy: ConflictPolicy,
    ) -> Result<Integration, StateError> {
        // With nothing pending the view is the remote changes as applied: skip the
        // snapshot of the touched cells and the diff that a rebase needs.
        let before = if pending.is_empty() {
            BTreeMap::new()
        } else {
            touched_cells(&self.diagram, pending, &remote)
        };
        let mut journal = Journal::new(&mut self.diagram);
        let plan = match rebase(&mut journal, pending, adopted, remote, policy, &before) {
            Ok(plan) => plan,
            Err(error) => {
                journal.rollback();
                return Err(error.into());
            }
        };
        let changed = journal.changed();
        if changed {
            self.diagram.bump_version();
        }
        for (old, new) in &plan.rebased {
            self.history.rebase_change(old, new);
        }
        let view = if pending.is_empty() {
            plan.remote.clone()
        } else {
            changes_between(&before, &self.diagram)
        };
        let now = self.clock.now();
        let diagram = &self.diagram;
        let kind_of = |id: &str| diagram.cell(id).map(|cell| cell_kind(cell));
        let recording = self
            .history
            .record(&plan.remote, Origin::Tab, now, &kind_of);
        Ok(Integration {
            view,
            pending: plan.pending,
            adopted: plan.adopted,
            conflicts: plan.conflicts,
            recording,
            history: self.history.state(),
            version: self.diagram.version(),
        })
    }

    /// Resyncs from a stored copy (`cells`, e.g. read from the store when the op log could
    /// not fill a gap) without losing this tab's `pending` change sets: the difference
    /// between the diagram without them and `cells` is integrated like another tab's
    /// commit (see [`DiagramState::integrate_remote`], also for `adopted`). On error
    /// nothing changes.
    pub fn integrate_snapshot(
        &mut self,
        pending: &[Vec<Change>],
        adopted: &[bool],
        cells: Vec<Value>,
        policy: ConflictPolicy,
    ) -> Result<Integration, StateError> {
        let target = Diagram::from_cells(cells, 0)?;
        let mut base = self.diagram.clone();
        let mut journal = Journal::new(&mut base);
        for change in pending.iter().rev().flat_map(|set| set.iter().rev()) {
            journal.apply(change.clone().inverse())?;
        }
        let remote = diagram_changes(journal.diagram(), &target);
        self.integrate_remote(pending, adopted, remote, policy)
    }

    /// "Keep mine" for a conflict: applies its `local` side as a new local change (recorded
    /// in history, to be committed like any edit). Nothing happens when the diagram already
    /// holds it. On error nothing changes.
    pub fn keep_mine(&mut self, conflict: &Conflict) -> Result<EventOutcome, StateError> {
        let changes = conflict.keep_mine_changes(&self.diagram);
        self.apply_changes(changes, Origin::Local)
    }
}

/// The cells any of the changes is about, as the diagram holds them now.
fn touched_cells(
    diagram: &Diagram,
    pending: &[Vec<Change>],
    remote: &[Change],
) -> BTreeMap<String, Option<SharedCell>> {
    pending
        .iter()
        .flatten()
        .chain(remote)
        .filter_map(Change::cell_id)
        .map(|id| (id.to_owned(), diagram.cell(id).cloned()))
        .collect()
}

/// Re-applies a pending update, unless it fails or would leave its cell (an edge) attached
/// to a cell that is gone; then the diagram is left as it was and the answer is `None`.
fn apply_keeping_terminals(journal: &mut Journal<'_>, change: &Change) -> Option<Change> {
    let applied = journal.apply(change.clone()).ok()?;
    let id = applied.cell_id()?;
    let diagram = journal.diagram();
    if diagram
        .cell(id)
        .is_some_and(|cell| !diagram.has_terminals(cell))
    {
        journal.apply(applied.inverse()).ok()?;
        return None;
    }
    Some(applied)
}

/// The outcome of a rebase, before the history sees it.
struct Plan {
    remote: Vec<Change>,
    pending: Vec<Vec<Change>>,
    /// Per set of `pending`, whether it is adopted.
    adopted: Vec<bool>,
    conflicts: Vec<Conflict>,
    /// Pending changes whose applied form changed: (as recorded, as re-applied).
    rebased: Vec<(Change, Change)>,
}

fn rebase(
    journal: &mut Journal<'_>,
    pending: &[Vec<Change>],
    adopted: &[bool],
    remote: Vec<Change>,
    policy: ConflictPolicy,
    before: &BTreeMap<String, Option<SharedCell>>,
) -> Result<Plan, ModelError> {
    for change in pending.iter().rev().flat_map(|set| set.iter().rev()) {
        journal.apply(change.clone().inverse())?;
    }
    let remote = remote
        .into_iter()
        .map(|change| journal.apply(change))
        .collect::<Result<Vec<_>, _>>()?;
    let mut replay = Replay {
        policy,
        footprint: RemoteFootprint::of(&remote),
        local: LocalNet::of(pending, adopted),
        before,
        rules: HashMap::new(),
        held: HashSet::new(),
        reported_cells: HashSet::new(),
        conflicts: Vec::new(),
        rebased: Vec::new(),
    };
    let mut sets = Vec::with_capacity(pending.len());
    let mut kept_adopted = Vec::with_capacity(pending.len());
    for (index, set) in pending.iter().enumerate() {
        let adopted = adopted.get(index).copied().unwrap_or(false);
        let mut out = Vec::with_capacity(set.len());
        for change in set {
            replay.change(journal, change, adopted, &mut out)?;
        }
        if !out.is_empty() {
            sets.push(out);
            kept_adopted.push(adopted);
        }
    }
    Ok(Plan {
        remote,
        pending: sets,
        adopted: kept_adopted,
        conflicts: replay.conflicts,
        rebased: replay.rebased,
    })
}

/// The state of re-applying pending changes one by one.
struct Replay<'a> {
    policy: ConflictPolicy,
    footprint: RemoteFootprint,
    local: LocalNet,
    /// The touched cells as the view showed them (the conflicts' `local` whole cells).
    before: &'a BTreeMap<String, Option<SharedCell>>,
    /// The rule per (cell, path), and the index of its conflict if any.
    rules: HashMap<(String, String), (PathRule, Option<usize>)>,
    /// Cells whose pending changes are held back or dropped from here on.
    held: HashSet<String>,
    /// Cells that already have a whole-cell conflict.
    reported_cells: HashSet<String>,
    conflicts: Vec<Conflict>,
    rebased: Vec<(Change, Change)>,
}

impl Replay<'_> {
    /// Re-applies one pending change; `adopted`: it is in an adopted set, and gives way in
    /// a conflict.
    fn change(
        &mut self,
        journal: &mut Journal<'_>,
        change: &Change,
        adopted: bool,
        out: &mut Vec<Change>,
    ) -> Result<(), ModelError> {
        match change {
            Change::Update { id, path, .. } => {
                self.update(journal, change, id, path, out);
                Ok(())
            }
            Change::Remove { cell } => self.remove(journal, change, cell_id(cell)?, adopted, out),
            Change::Add { cell } => self.add(journal, change, cell, adopted, out),
        }
    }

    fn update(
        &mut self,
        journal: &mut Journal<'_>,
        change: &Change,
        id: &str,
        path: &str,
        out: &mut Vec<Change>,
    ) {
        if self.held.contains(id) {
            return;
        }
        if !journal.diagram().contains(id) {
            self.held.insert(id.to_owned());
            let resolution = dropped(self.policy);
            self.cell_conflict(ConflictKind::RemovedRemotely, id, None, resolution);
            return;
        }
        let key = (id.to_owned(), path.to_owned());
        let (rule, conflict) = match self.rules.get(&key) {
            Some(known) => *known,
            None => {
                let remote = journal.diagram().get(id, path).ok().flatten().cloned();
                let mut rule = path_rule(&self.footprint, &self.local, id, path, remote.as_ref());
                let conflict = (rule == PathRule::Conflict).then(|| {
                    let local = self.local.last_after(id, path).cloned().flatten();
                    let resolution = if self.local.last_is_adopted(id, path) {
                        // A closed tab's older value: the other tab's stays.
                        rule = PathRule::Drop;
                        Resolution::KeptRemote
                    } else {
                        keepable(self.policy)
                    };
                    self.path_conflict(id, path, local, remote, resolution)
                });
                self.rules.insert(key.clone(), (rule, conflict));
                (rule, conflict)
            }
        };
        let replays = match rule {
            PathRule::Replay => true,
            PathRule::Drop => false,
            PathRule::Conflict => self.policy == ConflictPolicy::LaterWins,
        };
        if !replays {
            return;
        }
        match apply_keeping_terminals(journal, change) {
            Some(applied) => self.keep(change, applied, out),
            None => {
                // A parent of the path is gone, or the edge would be attached to a cell
                // the other tab removed: the other tab's version stays.
                let resolution = dropped(self.policy);
                match conflict {
                    Some(index) => {
                        if let Some(existing) = self.conflicts.get_mut(index) {
                            existing.resolution = resolution;
                        }
                    }
                    None => {
                        let local = self.local.last_after(id, path).cloned().flatten();
                        let remote = journal.diagram().get(id, path).ok().flatten().cloned();
                        let index = self.path_conflict(id, path, local, remote, resolution);
                        self.rules.insert(key, (PathRule::Drop, Some(index)));
                    }
                }
            }
        }
    }

    fn remove(
        &mut self,
        journal: &mut Journal<'_>,
        change: &Change,
        id: &str,
        adopted: bool,
        out: &mut Vec<Change>,
    ) -> Result<(), ModelError> {
        if self.held.contains(id) {
            return Ok(());
        }
        let Some(current) = journal.diagram().cell(id).cloned() else {
            return Ok(()); // removed on both sides
        };
        // Edges still attached here were connected by the other tab (this tab's own were
        // removed before the cell): the cell was changed there, and its removal takes them.
        let attached: Vec<SharedCell> = journal.diagram().attached_to(id).cloned().collect();
        let changed_there = self.footprint.touches_cell(id) || !attached.is_empty();
        if changed_there && !self.reported_cells.contains(id) {
            let resolution = self.cell_resolution(adopted);
            self.cell_conflict(
                ConflictKind::UpdatedRemotely,
                id,
                Some(current.as_ref().clone()),
                resolution,
            );
            if resolution != Resolution::KeptLocal {
                self.held.insert(id.to_owned());
                return Ok(());
            }
        }
        for edge in attached {
            out.push(journal.apply(Change::Remove { cell: edge })?);
        }
        let applied = journal.apply(change.clone())?;
        self.keep(change, applied, out);
        Ok(())
    }

    fn add(
        &mut self,
        journal: &mut Journal<'_>,
        change: &Change,
        cell: &SharedCell,
        adopted: bool,
        out: &mut Vec<Change>,
    ) -> Result<(), ModelError> {
        let id = cell_id(cell)?;
        if self.held.contains(id) {
            return Ok(());
        }
        if !journal.diagram().has_terminals(cell) {
            // An edge to a cell the other tab removed: it cannot exist, so there is nothing
            // to keep, whatever the policy.
            self.held.insert(id.to_owned());
            self.cell_conflict(
                ConflictKind::RemovedRemotely,
                id,
                None,
                Resolution::KeptRemote,
            );
            return Ok(());
        }
        let Some(existing) = journal.diagram().cell(id).cloned() else {
            let applied = journal.apply(change.clone())?;
            self.keep(change, applied, out);
            return Ok(());
        };
        if existing == *cell {
            return Ok(()); // the same cell added on both sides
        }
        let resolution = self.cell_resolution(adopted);
        self.cell_conflict(
            ConflictKind::AddedTwice,
            id,
            Some(existing.as_ref().clone()),
            resolution,
        );
        if resolution != Resolution::KeptLocal {
            self.held.insert(id.to_owned());
            return Ok(());
        }
        out.push(journal.apply(Change::Remove { cell: existing })?);
        let applied = journal.apply(change.clone())?;
        self.keep(change, applied, out);
        Ok(())
    }

    /// How a whole-cell conflict whose local side can be kept is settled: by the policy, but
    /// an adopted change gives way.
    fn cell_resolution(&self, adopted: bool) -> Resolution {
        if adopted {
            Resolution::KeptRemote
        } else {
            keepable(self.policy)
        }
    }

    /// Keeps a re-applied pending change, noting it for the history when it changed.
    fn keep(&mut self, original: &Change, applied: Change, out: &mut Vec<Change>) {
        if applied != *original {
            self.rebased.push((original.clone(), applied.clone()));
        }
        out.push(applied);
    }

    fn path_conflict(
        &mut self,
        id: &str,
        path: &str,
        local: Option<Value>,
        remote: Option<Value>,
        resolution: Resolution,
    ) -> usize {
        self.conflicts.push(Conflict {
            kind: ConflictKind::SamePath,
            cell_id: id.to_owned(),
            path: Some(path.to_owned()),
            local,
            remote,
            resolution,
        });
        self.conflicts.len() - 1
    }

    /// Reports a whole-cell conflict once per cell; `local` is the cell as the view showed
    /// it.
    fn cell_conflict(
        &mut self,
        kind: ConflictKind,
        id: &str,
        remote: Option<Value>,
        resolution: Resolution,
    ) {
        if !self.reported_cells.insert(id.to_owned()) {
            return;
        }
        let local = self
            .before
            .get(id)
            .cloned()
            .flatten()
            .map(|cell| cell.as_ref().clone());
        self.conflicts.push(Conflict {
            kind,
            cell_id: id.to_owned(),
            path: None,
            local,
            remote,
            resolution,
        });
    }
}
