//! Adopting a closing tab's uncommitted change sets (a hand-off): they are applied to this
//! tab's diagram and become its pending sets, committed with its edits.
//!
//! The sets were made before the tab closed, so they are older than anything committed
//! since (and than this tab's own pending edits): an orphaned change never replaces a value
//! changed after it was made. An update applies only where the path still holds the value
//! it was made on (its `before`); a removal only while the cell is as the closing tab last
//! saw it. Otherwise the value in the diagram stays, and the orphaned change is given away
//! and reported (`keptRemote`). A change whose effect is already there (a commit of the
//! closing tab that landed unannounced) is left out. A change that cannot be applied any
//! more is dropped: an update or removal of a cell that is gone, an addition of a cell that
//! exists, a removal of a cell another tab connected an edge to since, an edge whose source
//! or target is gone (an edge never outlives the cells it connects).
//!
//! Adopted sets keep giving way once pending: see [`SyncSession::adopt`](super::SyncSession::adopt).

use std::collections::HashMap;

use serde::Serialize;

use super::merge::{Conflict, ConflictKind, Resolution};
use crate::core::history::{HistoryState, Origin};
use crate::core::model::{cell_id, cell_kind, CellKind, Change, Diagram};
use crate::core::state::{DiagramState, StateError};

/// What adopting a hand-off did. Serialized as
/// `{ applied, dropped, conflicts, history, version }`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Adoption {
    /// The changes applied to the diagram, as applied: show them with origin `tab` (they
    /// are this tab's to commit, not to undo).
    pub applied: Vec<Change>,
    /// How many changes could not be applied any more (or gave way) and were dropped.
    pub dropped: usize,
    /// The orphaned changes that gave way to a value changed after they were made, each
    /// with both values (`local`: the closing tab's, `remote`: the one that stays),
    /// settled as `keptRemote`.
    pub conflicts: Vec<Conflict>,
    /// The history's observable state afterwards.
    pub history: HistoryState,
    /// The diagram's version afterwards.
    pub version: u64,
}

/// What becomes of one orphaned change.
enum Fate {
    /// Applied (as applied).
    Applied(Change),
    /// Its effect is already there: nothing to do.
    Present,
    /// It cannot apply any more, or gives way (then reported).
    Dropped,
}

/// Applies `sets` to `state` with origin `tab` (recorded in history only with the "record
/// remote changes" preference), each set as one change set, and returns each set as
/// applied (empty sets left out) with the adoption's outcome.
pub(crate) fn adopt_sets(
    state: &mut DiagramState,
    sets: Vec<Vec<Change>>,
) -> Result<(Vec<Vec<Change>>, Adoption), StateError> {
    let mut adopted = Vec::new();
    let mut applied = Vec::new();
    let mut dropped = 0;
    let mut conflicts = Conflicts::default();
    for set in sets {
        let mut scratch = state.diagram().clone();
        let mut keep = Vec::with_capacity(set.len());
        for change in set {
            match adoptable(&mut scratch, change, &mut conflicts) {
                Fate::Applied(change) => keep.push(change),
                Fate::Present => {}
                Fate::Dropped => dropped += 1,
            }
        }
        if keep.is_empty() {
            continue;
        }
        let outcome = state.apply_changes(keep, Origin::Tab)?;
        if !outcome.applied.is_empty() {
            applied.extend(outcome.applied.iter().cloned());
            adopted.push(outcome.applied);
        }
    }
    let adoption = Adoption {
        applied,
        dropped,
        conflicts: conflicts.list,
        history: state.history_state(),
        version: state.diagram().version(),
    };
    Ok((adopted, adoption))
}

/// The conflicts of an adoption: one per path (its `local` the last orphaned value) or
/// cell.
#[derive(Default)]
struct Conflicts {
    list: Vec<Conflict>,
    /// (cell, path) → index in `list`; path `None` for a whole cell.
    index: HashMap<(String, Option<String>), usize>,
}

impl Conflicts {
    fn gave_way(&mut self, conflict: Conflict) {
        let key = (conflict.cell_id.clone(), conflict.path.clone());
        match self.index.get(&key).and_then(|&at| self.list.get_mut(at)) {
            Some(known) => known.local = conflict.local,
            None => {
                self.index.insert(key, self.list.len());
                self.list.push(conflict);
            }
        }
    }
}

/// Applies `change` to `scratch` if it can still be applied and replaces nothing changed
/// since it was made (see the module); a change that gives way is added to `conflicts`.
fn adoptable(scratch: &mut Diagram, change: Change, conflicts: &mut Conflicts) -> Fate {
    match &change {
        Change::Add { cell } => {
            let Ok(id) = cell_id(cell) else {
                return Fate::Dropped;
            };
            if let Some(existing) = scratch.cell(id) {
                if existing == cell {
                    return Fate::Present;
                }
                conflicts.gave_way(Conflict {
                    kind: ConflictKind::AddedTwice,
                    cell_id: id.to_owned(),
                    path: None,
                    local: Some(cell.as_ref().clone()),
                    remote: Some(existing.as_ref().clone()),
                    resolution: Resolution::KeptRemote,
                });
                return Fate::Dropped;
            }
            if !scratch.has_terminals(cell) {
                return Fate::Dropped;
            }
        }
        Change::Remove { cell } => {
            let Ok(id) = cell_id(cell) else {
                return Fate::Dropped;
            };
            let Some(current) = scratch.cell(id) else {
                return Fate::Present;
            };
            if current != cell {
                // Changed since the closing tab removed it: the change stays.
                conflicts.gave_way(Conflict {
                    kind: ConflictKind::UpdatedRemotely,
                    cell_id: id.to_owned(),
                    path: None,
                    local: None,
                    remote: Some(current.as_ref().clone()),
                    resolution: Resolution::KeptRemote,
                });
                return Fate::Dropped;
            }
            if scratch.attached_to(id).next().is_some() {
                return Fate::Dropped;
            }
        }
        Change::Update {
            id,
            path,
            before,
            after,
        } => {
            let Ok(current) = scratch.get(id, path) else {
                return Fate::Dropped;
            };
            if current == after.as_ref() {
                return Fate::Present;
            }
            if current != before.as_ref() {
                // Changed since the closing tab made this change: the later value stays.
                conflicts.gave_way(Conflict {
                    kind: ConflictKind::SamePath,
                    cell_id: id.to_string(),
                    path: Some(path.to_string()),
                    local: after.clone(),
                    remote: current.cloned(),
                    resolution: Resolution::KeptRemote,
                });
                return Fate::Dropped;
            }
        }
    }
    let mut applied = change;
    if scratch.apply(&mut applied).is_err() {
        return Fate::Dropped;
    }
    if let Change::Update { id, .. } = &applied {
        let cut_off = scratch
            .cell(id)
            .is_some_and(|cell| cell_kind(cell) == CellKind::Edge && !scratch.has_terminals(cell));
        if cut_off {
            // The inverse of a change just applied always applies.
            let _ = scratch.apply(&mut applied.inverse());
            return Fate::Dropped;
        }
    }
    Fate::Applied(applied)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn state() -> DiagramState {
        let mut state = DiagramState::new(|| 0.0);
        let cells = vec![
            json!({ "id": "a", "label": "theirs" }),
            json!({ "id": "b" }),
            json!({ "id": "e", "source": { "cell": "a" }, "target": { "cell": "b" } }),
        ];
        state.load(cells, 4).unwrap();
        state
    }

    #[test]
    fn an_orphan_gives_way_to_what_changed_since_and_what_cannot_apply_is_dropped() {
        let mut state = state();
        let sets = vec![
            vec![
                // Made on "old"; another tab wrote "theirs" since: theirs stays.
                Change::update("a", "label", Some(json!("old")), Some(json!("mine"))),
                Change::update("gone", "label", None, Some(json!("x"))),
                // Made on what is still there: applies.
                Change::update("b", "label", None, Some(json!("new"))),
            ],
            vec![
                Change::add(json!({ "id": "f", "source": { "cell": "gone" } })),
                Change::remove(json!({ "id": "b", "label": "new" })), // `e` is attached to it
                Change::add(json!({ "id": "c" })),
                // Already there (a commit that landed unannounced): left out.
                Change::update("a", "size", None, None),
            ],
            vec![
                Change::update("e", "target/cell", Some(json!("b")), Some(json!("gone"))),
                // The closing tab removed `a` as it was before "theirs": `a` stays.
                Change::remove(json!({ "id": "a", "label": "old" })),
                // The second orphaned value of a path reported once, as the last one.
                Change::update("a", "label", Some(json!("mine")), Some(json!("later"))),
            ],
        ];
        let (adopted, adoption) = adopt_sets(&mut state, sets).unwrap();
        assert_eq!(
            adopted,
            [
                vec![Change::update("b", "label", None, Some(json!("new")))],
                vec![Change::add(json!({ "id": "c" }))],
            ]
        );
        assert_eq!(adoption.dropped, 7);
        assert_eq!(adoption.applied.len(), 2);
        assert_eq!(
            serde_json::to_value(&adoption.conflicts).unwrap(),
            json!([
                { "kind": "samePath", "cellId": "a", "path": "label", "local": "later",
                  "remote": "theirs", "resolution": "keptRemote" },
                { "kind": "updatedRemotely", "cellId": "a",
                  "remote": { "id": "a", "label": "theirs" }, "resolution": "keptRemote" },
            ])
        );
        assert_eq!(
            state.diagram().get("a", "label").unwrap(),
            Some(&json!("theirs"))
        );
        assert!(state.diagram().contains("b"));
        assert_eq!(
            state.diagram().get("e", "target/cell").unwrap(),
            Some(&json!("b"))
        );
        // Another tab's changes: not undoable here.
        assert!(!adoption.history.can_undo);
    }
}
