//! `DiagramState::handle_property`: one property set at a slash path (what the X6 adapter
//! forwards from `options.propertyPath`), diffed against the diagram's own copy.

use diagram_state::core::error::ErrorCode;
use diagram_state::core::filter::{Reason, Significance};
use diagram_state::core::history::{NotRecordedReason, OperationKind, Origin, Recording};
use diagram_state::core::model::Change;
use diagram_state::core::state::{DiagramState, Step};
use serde_json::{json, Value};

fn loaded() -> DiagramState {
    let mut state = DiagramState::new(|| 1_000.0);
    let node = json!({ "id": "n1", "shape": "rect", "position": { "x": 0, "y": 0 },
        "attrs": { "text": { "text": "a" }, "body": { "fill": "#fff", "stroke": "#000" } } });
    state.load(vec![node], 1).unwrap();
    state
}

fn value_at(state: &DiagramState, path: &str) -> Option<Value> {
    state.diagram().get("n1", path).unwrap().cloned()
}

fn update(path: &str, before: Option<Value>, after: Option<Value>) -> Change {
    Change::Update {
        id: "n1".into(),
        path: path.into(),
        before,
        after,
    }
}

#[test]
fn a_leaf_set_is_one_update_whose_before_comes_from_the_diagram() {
    let mut state = loaded();
    let outcome = state
        .handle_property(
            "n1",
            "attrs/text/text",
            Some(json!("b")),
            Origin::Local,
            None,
        )
        .unwrap();
    assert_eq!(
        outcome.applied,
        vec![update(
            "attrs/text/text",
            Some(json!("a")),
            Some(json!("b"))
        )]
    );
    assert!(matches!(outcome.recording, Recording::Entry { .. }));
    assert_eq!(outcome.version, 2);
    let Step::Applied { changes, kind, .. } = state.undo().unwrap().step else {
        panic!("nothing undone");
    };
    assert_eq!(kind, OperationKind::CellUpdate);
    assert_eq!(
        changes,
        vec![update(
            "attrs/text/text",
            Some(json!("b")),
            Some(json!("a"))
        )]
    );
    assert_eq!(value_at(&state, "attrs/text/text"), Some(json!("a")));
}

#[test]
fn an_object_set_at_a_path_records_only_the_leaves_that_changed() {
    let mut state = loaded();
    let body = json!({ "fill": "#f00", "stroke": "#000" });
    let outcome = state
        .handle_property("n1", "attrs/body", Some(body), Origin::Local, None)
        .unwrap();
    assert_eq!(
        outcome.applied,
        vec![update(
            "attrs/body/fill",
            Some(json!("#fff")),
            Some(json!("#f00"))
        )]
    );
}

#[test]
fn the_same_value_again_changes_nothing() {
    let mut state = loaded();
    let outcome = state
        .handle_property("n1", "position/x", Some(json!(0)), Origin::Local, None)
        .unwrap();
    assert!(outcome.applied.is_empty());
    assert_eq!(outcome.version, 1);
    assert!(!state.history_state().can_undo);
}

#[test]
fn no_value_deletes_the_path_and_undo_brings_it_back() {
    let mut state = loaded();
    let outcome = state
        .handle_property("n1", "attrs/body/fill", None, Origin::Local, None)
        .unwrap();
    assert_eq!(
        outcome.applied,
        vec![update("attrs/body/fill", Some(json!("#fff")), None)]
    );
    assert_eq!(value_at(&state, "attrs/body/fill"), None);
    state.undo().unwrap();
    assert_eq!(value_at(&state, "attrs/body/fill"), Some(json!("#fff")));
}

#[test]
fn visual_paths_are_screened_and_an_override_makes_them_semantic() {
    let mut state = loaded();
    // The selection highlight (`attrs/body/stroke` by default rule) is visual…
    let visual = state
        .handle_property(
            "n1",
            "attrs/body/stroke",
            Some(json!("#f00")),
            Origin::Local,
            None,
        )
        .unwrap();
    assert!(visual.applied.is_empty());
    assert_eq!(visual.decisions[0].significance, Significance::Visual);
    // …unless the editor says the user set it.
    let forced = state
        .handle_property(
            "n1",
            "attrs/body/stroke",
            Some(json!("#f00")),
            Origin::Local,
            Some(Significance::Semantic),
        )
        .unwrap();
    assert_eq!(forced.applied.len(), 1);
}

#[test]
fn an_excluded_key_is_dropped_whole() {
    let mut state = loaded();
    let outcome = state
        .handle_property(
            "n1",
            "tools/items",
            Some(json!(["button"])),
            Origin::Local,
            None,
        )
        .unwrap();
    assert!(outcome.applied.is_empty());
    assert_eq!(outcome.decisions[0].reason, Reason::ExcludedEvent);
}

#[test]
fn an_echo_of_an_undo_is_ignored() {
    let mut state = loaded();
    let outcome = state
        .handle_property(
            "n1",
            "attrs/text/text",
            Some(json!("b")),
            Origin::History,
            None,
        )
        .unwrap();
    assert!(outcome.applied.is_empty());
    assert_eq!(
        outcome.recording,
        Recording::NotRecorded {
            reason: NotRecordedReason::HistoryOrigin
        }
    );
}

#[test]
fn a_missing_cell_or_a_bad_path_is_refused_and_changes_nothing() {
    let mut state = loaded();
    let missing = state
        .handle_property(
            "n9",
            "attrs/text/text",
            Some(json!("b")),
            Origin::Local,
            None,
        )
        .unwrap_err();
    assert_eq!(missing.code(), "CELL_NOT_FOUND");
    let bad = state
        .handle_property("n1", "attrs//text", Some(json!("b")), Origin::Local, None)
        .unwrap_err();
    assert_eq!(bad.code(), "INVALID_PATH");
    assert_eq!(state.diagram().version(), 1);
    assert_eq!(value_at(&state, "attrs/text/text"), Some(json!("a")));
}
