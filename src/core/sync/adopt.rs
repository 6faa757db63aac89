//! Adopting a closing tab's uncommitted change sets (a hand-off): they are applied to this
//! tab's diagram and become its own pending sets, committed like its edits.
//!
//! The sets were made on an older version than this tab holds, so they are re-applied the
//! way a tab re-applies its pending changes under `laterWins`: the closing tab's value is
//! the later one and overwrites a path another tab changed since. A change that cannot be
//! applied any more is dropped: an update or removal of a cell that is gone, an addition of
//! a cell that exists, a removal of a cell another tab connected an edge to since, an edge
//! whose source or target is gone (an edge never outlives the cells it connects).

use serde::Serialize;

use crate::core::history::{HistoryState, Origin};
use crate::core::model::{cell_id, cell_kind, CellKind, Change, Diagram};
use crate::core::state::{DiagramState, StateError};

/// What adopting a hand-off did. Serialized as `{ applied, dropped, history, version }`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Adoption {
    /// The changes applied to the diagram, as applied: show them with origin `tab` (they
    /// are this tab's to commit, not to undo).
    pub applied: Vec<Change>,
    /// How many changes could not be applied any more and were dropped.
    pub dropped: usize,
    /// The history's observable state afterwards.
    pub history: HistoryState,
    /// The diagram's version afterwards.
    pub version: u64,
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
    for set in sets {
        let mut scratch = state.diagram().clone();
        let mut keep = Vec::with_capacity(set.len());
        for change in set {
            match adoptable(&mut scratch, change) {
                Some(change) => keep.push(change),
                None => dropped += 1,
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
        history: state.history_state(),
        version: state.diagram().version(),
    };
    Ok((adopted, adoption))
}

/// Applies `change` to `scratch` if it can still be applied (see the module), and returns
/// it as applied.
fn adoptable(scratch: &mut Diagram, change: Change) -> Option<Change> {
    match &change {
        Change::Add { cell } if !scratch.has_terminals(cell) => return None,
        Change::Remove { cell } => {
            let id = cell_id(cell).ok()?;
            if scratch.attached_to(id).next().is_some() {
                return None;
            }
        }
        _ => {}
    }
    let mut applied = change;
    scratch.apply(&mut applied).ok()?;
    if let Change::Update { id, .. } = &applied {
        let cut_off = scratch
            .cell(id)
            .is_some_and(|cell| cell_kind(cell) == CellKind::Edge && !scratch.has_terminals(cell));
        if cut_off {
            // The inverse of a change just applied always applies.
            let _ = scratch.apply(&mut applied.inverse());
            return None;
        }
    }
    Some(applied)
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
    fn the_later_value_wins_and_what_cannot_apply_is_dropped() {
        let mut state = state();
        let sets = vec![
            vec![
                // Made on "old"; another tab wrote "theirs" since: the closing tab's wins.
                Change::update("a", "label", Some(json!("old")), Some(json!("mine"))),
                Change::update("gone", "label", None, Some(json!("x"))),
            ],
            vec![
                Change::add(json!({ "id": "f", "source": { "cell": "gone" } })),
                Change::remove(json!({ "id": "b" })), // `e` is attached to it
                Change::add(json!({ "id": "c" })),
            ],
            vec![Change::update(
                "e",
                "target/cell",
                None,
                Some(json!("gone")),
            )],
        ];
        let (adopted, adoption) = adopt_sets(&mut state, sets).unwrap();
        assert_eq!(
            adopted,
            [
                vec![Change::update(
                    "a",
                    "label",
                    Some(json!("theirs")),
                    Some(json!("mine"))
                )],
                vec![Change::add(json!({ "id": "c" }))],
            ]
        );
        assert_eq!(adoption.dropped, 4);
        assert_eq!(adoption.applied.len(), 2);
        assert_eq!(
            state.diagram().get("a", "label").unwrap(),
            Some(&json!("mine"))
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
