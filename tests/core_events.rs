#![cfg(not(target_arch = "wasm32"))]
//! X6 change events are read against the state's own copy of the cell, not X6's
//! `previous`, which is a snapshot from the start of the outermost mutation.

use diagram_state::core::history::Origin;
use diagram_state::core::model::{CellEvent, Change};
use diagram_state::core::state::DiagramState;
use serde_json::{json, Value};

fn changed(key: &str, previous: Value, current: Value) -> CellEvent {
    CellEvent::Changed {
        id: "n1".into(),
        key: key.into(),
        previous: Some(previous),
        current: Some(current),
    }
}

fn loaded() -> DiagramState {
    let mut state = DiagramState::new(|| 0.0);
    let cell = json!({ "id": "n1", "shape": "rect", "position": { "x": 0, "y": 0 } });
    state.load(vec![cell], 1).unwrap();
    state
}

#[test]
fn a_key_changed_back_within_one_mutation_is_seen() {
    let mut state = loaded();
    let start = json!({ "x": 0, "y": 0 });
    // Both events carry X6's snapshot from the start of the outer mutation.
    state
        .handle_event(
            changed("position", start.clone(), json!({ "x": 40, "y": 0 })),
            Origin::Local,
            None,
        )
        .unwrap();
    let back = state
        .handle_event(
            changed("position", start, json!({ "x": 0, "y": 0 })),
            Origin::Local,
            None,
        )
        .unwrap();
    assert_eq!(
        back.applied,
        [Change::update(
            "n1",
            "position/x",
            Some(json!(40)),
            Some(json!(0))
        )]
    );
    assert_eq!(
        state.diagram().get("n1", "position/x").unwrap(),
        Some(&json!(0))
    );
}

#[test]
fn the_second_change_of_a_key_records_only_its_own_leaves() {
    let mut state = loaded();
    let start = json!({ "x": 0, "y": 0 });
    state
        .handle_event(
            changed("position", start.clone(), json!({ "x": 40, "y": 0 })),
            Origin::Local,
            None,
        )
        .unwrap();
    let second = state
        .handle_event(
            changed("position", start, json!({ "x": 40, "y": 9 })),
            Origin::Local,
            None,
        )
        .unwrap();
    assert_eq!(
        second.applied,
        [Change::update(
            "n1",
            "position/y",
            Some(json!(0)),
            Some(json!(9))
        )]
    );
}
