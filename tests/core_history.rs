#![cfg(not(target_arch = "wasm32"))]
//! The history, one test per box of TMI-UX's "History Operation Types", "Atomic Operation
//! Handling", "Remote Operation History Suppression", "History Management in
//! Collaboration", "Server-side History Operations" and "Memory Management" diagrams, plus
//! safe undo, redo-stack clearing and merging.

use std::cell::Cell;
use std::rc::Rc;

use diagram_state::core::error::ErrorCode;
use diagram_state::core::history::{
    HistoryConfig, NotRecordedReason, OperationKind, Origin, Recording,
};
use diagram_state::core::model::{CellEvent, Change};
use diagram_state::core::state::{DiagramState, SkipReason, Step, StepAction};
use serde_json::{json, Value};

fn node(id: &str, x: i64) -> Value {
    json!({ "id": id, "shape": "rect", "position": { "x": x, "y": 0 }, "size": { "width": 100, "height": 40 },
            "attrs": { "text": { "text": id } } })
}

fn edge(id: &str, source: &str, target: &str) -> Value {
    json!({ "id": id, "shape": "edge", "source": { "cell": source }, "target": { "cell": target },
            "vertices": [{ "x": 1, "y": 1 }] })
}

/// A state with n1, n2 and the edge e1 between them, and a clock the test moves.
fn loaded_with(config: HistoryConfig) -> (DiagramState, Rc<Cell<f64>>) {
    let time = Rc::new(Cell::new(1_000.0));
    let clock_time = Rc::clone(&time);
    let mut state =
        DiagramState::with_settings(move || clock_time.get(), Default::default(), config);
    state
        .load(
            vec![node("n1", 0), node("n2", 200), edge("e1", "n1", "n2")],
            1,
        )
        .unwrap();
    (state, time)
}

fn loaded() -> DiagramState {
    loaded_with(HistoryConfig::default()).0
}

fn change(
    state: &mut DiagramState,
    id: &str,
    key: &str,
    origin: Origin,
    edit: impl FnOnce(&mut Value),
) -> Recording {
    let previous = state.diagram().cell(id).unwrap()[key].clone();
    let mut current = previous.clone();
    edit(&mut current);
    let event = CellEvent::Changed {
        id: id.into(),
        key: key.into(),
        previous: Some(previous),
        current: Some(current),
    };
    state.handle_event(event, origin, None).unwrap().recording
}

fn move_x(state: &mut DiagramState, id: &str, x: i64, origin: Origin) -> Recording {
    change(state, id, "position", origin, |position| {
        position["x"] = json!(x)
    })
}

fn add(state: &mut DiagramState, cell: Value, origin: Origin) -> Recording {
    state
        .handle_event(CellEvent::Added { cell }, origin, None)
        .unwrap()
        .recording
}

fn remove(state: &mut DiagramState, id: &str) -> Recording {
    state
        .handle_event(CellEvent::Removed { id: id.into() }, Origin::Local, None)
        .unwrap()
        .recording
}

fn x_of(state: &DiagramState, id: &str) -> Value {
    state
        .diagram()
        .get(id, "position/x")
        .unwrap()
        .cloned()
        .unwrap_or(Value::Null)
}

fn cells(state: &DiagramState) -> Vec<Value> {
    state
        .diagram()
        .cells()
        .map(|cell| (**cell).clone())
        .collect()
}

fn entry(kind: OperationKind) -> Recording {
    Recording::Entry { kind }
}

fn undone_changes(state: &mut DiagramState) -> Vec<Change> {
    match state.undo().unwrap().step {
        Step::Applied { changes, .. } => changes,
        other => panic!("expected an applied undo, got {other:?}"),
    }
}

// ---- History Operation Types ----

#[test]
fn node_create() {
    assert_eq!(
        add(&mut loaded(), node("n3", 0), Origin::Local),
        entry(OperationKind::NodeCreate)
    );
}

#[test]
fn node_delete() {
    assert_eq!(
        remove(&mut loaded(), "n1"),
        entry(OperationKind::NodeDelete)
    );
}

#[test]
fn node_move() {
    let mut state = loaded();
    let recording = change(&mut state, "n1", "position", Origin::Local, |position| {
        *position = json!({ "x": 5, "y": 6 })
    });
    assert_eq!(recording, entry(OperationKind::NodeMove));
}

#[test]
fn node_resize() {
    let mut state = loaded();
    state.begin_batch();
    change(&mut state, "n1", "size", Origin::Local, |size| {
        size["width"] = json!(150)
    });
    move_x(&mut state, "n1", -50, Origin::Local); // resizing from the left edge moves too
    assert_eq!(state.end_batch().unwrap(), entry(OperationKind::NodeResize));
}

#[test]
fn edge_create() {
    assert_eq!(
        add(&mut loaded(), edge("e2", "n2", "n1"), Origin::Local),
        entry(OperationKind::EdgeCreate)
    );
}

#[test]
fn edge_delete() {
    assert_eq!(
        remove(&mut loaded(), "e1"),
        entry(OperationKind::EdgeDelete)
    );
}

#[test]
fn edge_vertices_change() {
    let mut state = loaded();
    let recording = change(&mut state, "e1", "vertices", Origin::Local, |vertices| {
        vertices[0]["x"] = json!(40)
    });
    assert_eq!(recording, entry(OperationKind::EdgeVerticesChange));
}

#[test]
fn cell_update() {
    let mut state = loaded();
    let recording = change(&mut state, "n1", "attrs", Origin::Local, |attrs| {
        attrs["text"]["text"] = json!("Renamed")
    });
    assert_eq!(recording, entry(OperationKind::CellUpdate));
}

#[test]
fn cell_deletion_batch_delete() {
    let mut state = loaded();
    state.begin_batch();
    remove(&mut state, "e1");
    remove(&mut state, "n1");
    assert_eq!(
        state.end_batch().unwrap(),
        entry(OperationKind::CellDeletion)
    );
}

#[test]
fn group_creation_multiple_adds() {
    let mut state = loaded();
    state.begin_batch();
    add(&mut state, node("n3", 0), Origin::Local);
    add(&mut state, node("n4", 0), Origin::Local);
    add(&mut state, edge("e2", "n3", "n4"), Origin::Local);
    assert_eq!(
        state.end_batch().unwrap(),
        entry(OperationKind::GroupCreation)
    );
}

#[test]
fn diagram_load_initial_state_is_never_undoable() {
    let mut state = loaded();
    let history = state.history_state();
    assert_eq!(history.last_kind, Some(OperationKind::DiagramLoad));
    assert!(!history.can_undo);
    assert_eq!(state.undo().unwrap().step, Step::Empty);
    assert_eq!(state.diagram().len(), 3);
    assert_eq!(
        serde_json::to_value(history).unwrap()["lastKind"],
        json!("DIAGRAM_LOAD")
    );
}

// ---- Atomic Operation Handling ----

#[test]
fn start_atomic_operation_opens_a_batch() {
    let mut state = loaded();
    assert_eq!(state.begin_batch().batch_depth, 1);
    assert_eq!(state.begin_batch().batch_depth, 2);
}

#[test]
fn all_changes_batched() {
    let mut state = loaded();
    state.begin_batch();
    assert_eq!(
        move_x(&mut state, "n1", 10, Origin::Local),
        Recording::Batched
    );
    assert_eq!(
        move_x(&mut state, "n2", 10, Origin::Local),
        Recording::Batched
    );
    // The diagram follows at once; only the entry waits.
    assert_eq!(x_of(&state, "n1"), json!(10));
    assert_eq!(state.history_state().undo_size, 0);
}

#[test]
fn single_history_entry_created() {
    let mut state = loaded();
    let start = cells(&state);
    state.begin_batch();
    move_x(&mut state, "n1", 10, Origin::Local);
    state.begin_batch();
    remove(&mut state, "e1");
    state.end_batch().unwrap();
    move_x(&mut state, "n2", 10, Origin::Local);
    state.end_batch().unwrap();
    assert_eq!(state.history_state().undo_size, 1);
    assert_eq!(undone_changes(&mut state).len(), 3);
    assert_eq!(cells(&state), start);
}

#[test]
fn history_state_change_emits_once_per_batch() {
    let mut state = loaded();
    state.begin_batch();
    let during: Vec<Recording> = (1..4)
        .map(|x| move_x(&mut state, "n1", x, Origin::Local))
        .collect();
    assert!(during
        .iter()
        .all(|recording| *recording == Recording::Batched));
    assert_eq!(state.end_batch().unwrap(), entry(OperationKind::NodeMove));
}

#[test]
fn empty_batch_creates_no_entry() {
    let mut state = loaded();
    state.begin_batch();
    change(&mut state, "n1", "attrs", Origin::Local, |attrs| {
        attrs["body"] = json!({ "stroke": "#39f" })
    });
    let recording = state.end_batch().unwrap();
    assert_eq!(
        recording,
        Recording::NotRecorded {
            reason: NotRecordedReason::EmptyBatch
        }
    );
    assert!(!state.history_state().can_undo);
}

#[test]
fn unbalanced_batch_end_is_a_typed_error() {
    let mut state = loaded();
    let error = state.end_batch().unwrap_err();
    assert_eq!(error.code(), "UNBALANCED_BATCH_END");
    assert_eq!(state.history_state().batch_depth, 0);
}

#[test]
fn undo_during_an_open_batch_is_refused() {
    let mut state = loaded();
    move_x(&mut state, "n1", 5, Origin::Local);
    state.begin_batch();
    assert_eq!(state.undo().unwrap_err().code(), "BATCH_OPEN");
    assert_eq!(state.redo().unwrap_err().code(), "BATCH_OPEN");
    state.end_batch().unwrap();
    assert!(matches!(state.undo().unwrap().step, Step::Applied { .. }));
}

// ---- Remote Operation History Suppression ----

#[test]
fn remote_operation_is_applied_to_the_diagram() {
    let mut state = loaded();
    assert_eq!(
        move_x(&mut state, "n1", 77, Origin::Remote),
        Recording::NotRecorded {
            reason: NotRecordedReason::OriginNotRecorded
        }
    );
    assert_eq!(x_of(&state, "n1"), json!(77));
    assert_eq!(state.diagram().version(), 2);
}

#[test]
fn remote_changes_not_recorded_without_the_preference() {
    let mut state = loaded();
    move_x(&mut state, "n1", 5, Origin::Remote);
    move_x(&mut state, "n2", 5, Origin::Tab);
    assert!(!state.history_state().can_undo);
}

#[test]
fn remote_changes_recorded_in_history_per_user_preference() {
    let (mut state, _) = loaded_with(HistoryConfig {
        record_remote: true,
        ..HistoryConfig::default()
    });
    assert_eq!(
        move_x(&mut state, "n1", 5, Origin::Remote),
        entry(OperationKind::NodeMove)
    );
    assert_eq!(
        move_x(&mut state, "n2", 5, Origin::Tab),
        entry(OperationKind::NodeMove)
    );
    assert_eq!(
        state
            .history()
            .undo_entries()
            .map(|entry| entry.origin)
            .collect::<Vec<_>>(),
        [Origin::Remote, Origin::Tab]
    );
}

#[test]
fn remote_operation_start_and_end_make_one_entry_when_recorded() {
    let (mut state, _) = loaded_with(HistoryConfig {
        record_remote: true,
        ..HistoryConfig::default()
    });
    state.begin_batch();
    state
        .apply_changes(
            vec![Change::add(node("r1", 0)), Change::add(node("r2", 0))],
            Origin::Remote,
        )
        .unwrap();
    assert_eq!(
        state.end_batch().unwrap(),
        entry(OperationKind::GroupCreation)
    );
    assert_eq!(
        state.history().undo_entries().next().unwrap().origin,
        Origin::Remote
    );
}

#[test]
fn history_origin_changes_are_never_recorded_nor_applied_twice() {
    let mut state = loaded();
    move_x(&mut state, "n1", 5, Origin::Local);
    let changes = undone_changes(&mut state);
    let echo = state.apply_changes(changes, Origin::History).unwrap();
    assert_eq!(
        echo.recording,
        Recording::NotRecorded {
            reason: NotRecordedReason::HistoryOrigin
        }
    );
    assert!(echo.applied.is_empty());
    assert_eq!(x_of(&state, "n1"), json!(0));
    assert_eq!(state.history_state().redo_size, 1);
}

// ---- Undo/redo and the redo stack ----

#[test]
fn undo_and_redo_return_changes_for_the_editor() {
    let mut state = loaded();
    move_x(&mut state, "n1", 5, Origin::Local);
    let undo = state.undo().unwrap();
    let expected_undo = vec![Change::update(
        "n1",
        "position/x",
        Some(json!(5)),
        Some(json!(0)),
    )];
    assert_eq!(
        undo.step,
        Step::Applied {
            kind: OperationKind::NodeMove,
            changes: expected_undo,
            skipped: vec![]
        }
    );
    assert_eq!((undo.history.undo_size, undo.history.redo_size), (0, 1));
    let redo = state.redo().unwrap();
    let expected_redo = vec![Change::update(
        "n1",
        "position/x",
        Some(json!(0)),
        Some(json!(5)),
    )];
    assert_eq!(
        redo.step,
        Step::Applied {
            kind: OperationKind::NodeMove,
            changes: expected_redo,
            skipped: vec![]
        }
    );
    assert_eq!(x_of(&state, "n1"), json!(5));
    assert_eq!(state.redo().unwrap().step, Step::Empty);
}

#[test]
fn undo_of_a_delete_restores_the_full_cell() {
    let mut state = loaded();
    let start = cells(&state);
    remove(&mut state, "n1");
    let changes = undone_changes(&mut state);
    assert_eq!(changes, [Change::add(node("n1", 0))]);
    assert_eq!(cells(&state), start);
}

#[test]
fn a_new_local_entry_clears_the_redo_stack() {
    let mut state = loaded();
    move_x(&mut state, "n1", 5, Origin::Local);
    move_x(&mut state, "n1", 6, Origin::Local);
    state.undo().unwrap();
    assert!(state.history_state().can_redo);
    move_x(&mut state, "n2", 9, Origin::Local);
    assert!(!state.history_state().can_redo);
}

#[test]
fn unrecorded_remote_changes_leave_the_redo_stack_alone() {
    let mut state = loaded();
    move_x(&mut state, "n1", 5, Origin::Local);
    state.undo().unwrap();
    move_x(&mut state, "n2", 9, Origin::Remote);
    assert_eq!(state.history_state().redo_size, 1);
    state.redo().unwrap();
    assert_eq!(
        (x_of(&state, "n1"), x_of(&state, "n2")),
        (json!(5), json!(9))
    );
}

// ---- Safe undo ----

#[test]
fn safe_undo_skips_paths_changed_since_and_applies_the_rest() {
    let mut state = loaded();
    state.begin_batch();
    move_x(&mut state, "n1", 10, Origin::Local);
    move_x(&mut state, "n2", 210, Origin::Local);
    state.end_batch().unwrap();
    move_x(&mut state, "n2", 999, Origin::Remote); // a collaborator moves n2 again

    let Step::Applied {
        changes, skipped, ..
    } = state.undo().unwrap().step
    else {
        panic!("undo applied nothing")
    };
    assert_eq!(
        changes,
        [Change::update(
            "n1",
            "position/x",
            Some(json!(10)),
            Some(json!(0))
        )]
    );
    assert_eq!(skipped.len(), 1);
    assert_eq!(
        skipped[0].change,
        Change::update("n2", "position/x", Some(json!(210)), Some(json!(200)))
    );
    assert_eq!(
        skipped[0].reason,
        SkipReason::ValueChanged {
            current: Some(json!(999))
        }
    );
    assert_eq!(
        (x_of(&state, "n1"), x_of(&state, "n2")),
        (json!(0), json!(999))
    );

    // Only what was undone can be redone.
    let Step::Applied { changes, .. } = state.redo().unwrap().step else {
        panic!("redo applied nothing")
    };
    assert_eq!(
        changes,
        [Change::update(
            "n1",
            "position/x",
            Some(json!(0)),
            Some(json!(10))
        )]
    );
    assert_eq!(x_of(&state, "n2"), json!(999));
}

#[test]
fn safe_undo_does_not_resurrect_or_delete_cells_others_touched() {
    let mut state = loaded();
    add(&mut state, node("n3", 0), Origin::Local);
    move_x(&mut state, "n3", 50, Origin::Remote); // changed by someone else since
    let Step::Applied {
        changes, skipped, ..
    } = state.undo().unwrap().step
    else {
        panic!()
    };
    assert!(changes.is_empty());
    assert_eq!(skipped[0].reason, SkipReason::CellChanged);
    assert!(state.diagram().contains("n3"));
    assert!(
        !state.history_state().can_redo,
        "nothing was undone, so nothing to redo"
    );

    remove(&mut state, "n1");
    add(&mut state, node("n1", 7), Origin::Remote); // re-created elsewhere
    let Step::Applied { skipped, .. } = state.undo().unwrap().step else {
        panic!()
    };
    assert_eq!(skipped[0].reason, SkipReason::CellExists);
    assert_eq!(x_of(&state, "n1"), json!(7));
}

#[test]
fn a_batch_that_overwrites_a_collaborators_change_undoes_to_it() {
    let mut state = loaded();
    state.begin_batch();
    move_x(&mut state, "n1", 10, Origin::Local);
    move_x(&mut state, "n1", 999, Origin::Remote); // a collaborator moves n1 mid-drag
    move_x(&mut state, "n1", 0, Origin::Local); // the user drops it where it started
    assert_eq!(state.end_batch().unwrap(), entry(OperationKind::NodeMove));

    // The user overwrote the collaborator's 999: undo gives it back, redo the user's 0.
    assert_eq!(
        undone_changes(&mut state),
        [Change::update(
            "n1",
            "position/x",
            Some(json!(0)),
            Some(json!(999))
        )]
    );
    assert_eq!(x_of(&state, "n1"), json!(999));
    state.redo().unwrap();
    assert_eq!(x_of(&state, "n1"), json!(0));
}

#[test]
fn a_batch_back_to_a_collaborators_value_has_no_effect() {
    let mut state = loaded();
    state.begin_batch();
    move_x(&mut state, "n1", 999, Origin::Remote);
    move_x(&mut state, "n1", 10, Origin::Local);
    move_x(&mut state, "n1", 999, Origin::Local);
    assert_eq!(
        state.end_batch().unwrap(),
        Recording::NotRecorded {
            reason: NotRecordedReason::EmptyBatch
        }
    );
}

#[test]
fn a_batch_that_deletes_a_cell_a_collaborator_changed_undoes_to_their_cell() {
    let mut state = loaded();
    state.begin_batch();
    add(&mut state, node("n3", 0), Origin::Local);
    move_x(&mut state, "n3", 50, Origin::Remote); // a collaborator moves the new node
    remove(&mut state, "n3");
    assert!(matches!(
        state.end_batch().unwrap(),
        Recording::Entry { .. }
    ));

    state.undo().unwrap();
    assert_eq!(
        x_of(&state, "n3"),
        json!(50),
        "back as the collaborator left it"
    );
    state.redo().unwrap();
    assert!(!state.diagram().contains("n3"));
}

// ---- History Management in Collaboration / Server-side History Operations ----

#[test]
fn user_joins_collaboration_and_local_history_is_cleared() {
    let mut state = loaded();
    move_x(&mut state, "n1", 5, Origin::Local);
    move_x(&mut state, "n1", 6, Origin::Local);
    state.undo().unwrap();
    let history = state.join_collaboration();
    assert!(history.collaborating);
    assert_eq!(
        (history.undo_size, history.redo_size, history.last_kind),
        (0, 0, None)
    );
}

#[test]
fn server_manages_canonical_state_so_undo_becomes_a_request() {
    let mut state = loaded();
    state.join_collaboration();
    move_x(&mut state, "n1", 5, Origin::Local);
    let undo = state.undo().unwrap();
    assert_eq!(
        undo.step,
        Step::ServerRequest {
            action: StepAction::Undo
        }
    );
    assert_eq!(x_of(&state, "n1"), json!(5), "no local inverse is applied");
    assert_eq!(
        state.redo().unwrap().step,
        Step::ServerRequest {
            action: StepAction::Redo
        }
    );
}

#[test]
fn request_undo_sends_an_undo_request_message() {
    let mut state = loaded();
    state.join_collaboration();
    let outcome = serde_json::to_value(state.undo().unwrap()).unwrap();
    assert_eq!(
        outcome["step"],
        json!({ "type": "serverRequest", "action": "undo" })
    );
}

#[test]
fn clients_apply_the_server_undo_as_a_remote_operation() {
    let mut state = loaded();
    state.join_collaboration();
    move_x(&mut state, "n1", 5, Origin::Local);
    let from_server = vec![Change::update(
        "n1",
        "position/x",
        Some(json!(5)),
        Some(json!(0)),
    )];
    let outcome = state.apply_changes(from_server, Origin::Remote).unwrap();
    assert_eq!(
        outcome.recording,
        Recording::NotRecorded {
            reason: NotRecordedReason::OriginNotRecorded
        }
    );
    assert_eq!(x_of(&state, "n1"), json!(0));
}

#[test]
fn user_leaves_collaboration_and_history_is_reinitialised() {
    let mut state = loaded();
    state.join_collaboration();
    move_x(&mut state, "n1", 5, Origin::Local);
    let history = state.leave_collaboration();
    assert!(!history.collaborating);
    assert_eq!((history.undo_size, history.redo_size), (0, 0));
}

#[test]
fn local_history_re_enabled_after_leaving() {
    let mut state = loaded();
    state.join_collaboration();
    state.leave_collaboration();
    move_x(&mut state, "n1", 5, Origin::Local);
    assert!(matches!(state.undo().unwrap().step, Step::Applied { .. }));
    assert_eq!(x_of(&state, "n1"), json!(0));
}

// ---- Memory Management ----

#[test]
fn max_history_entries_cap_defaults_to_100() {
    let mut state = loaded();
    for x in 1..=130 {
        move_x(&mut state, "n1", x, Origin::Local);
    }
    assert_eq!(state.history_state().undo_size, 100);
}

#[test]
fn automatic_cleanup_drops_the_oldest_entries() {
    let (mut state, _) = loaded_with(HistoryConfig {
        max_entries: 3,
        ..HistoryConfig::default()
    });
    for x in 1..=5 {
        move_x(&mut state, "n1", x, Origin::Local);
    }
    let afters: Vec<Value> = state
        .history()
        .undo_entries()
        .map(|entry| serde_json::to_value(&entry.changes[0]).unwrap()["after"].clone())
        .collect();
    assert_eq!(afters, [json!(3), json!(4), json!(5)]);
    while let Step::Applied { .. } = state.undo().unwrap().step {}
    assert_eq!(
        x_of(&state, "n1"),
        json!(2),
        "undo stops where the oldest kept entry starts"
    );
    let history = state.set_history_config(HistoryConfig {
        max_entries: 1,
        ..HistoryConfig::default()
    });
    assert_eq!(history.redo_size, 1);
}

#[test]
fn an_update_entry_stores_only_the_changed_leaf() {
    let mut state = loaded();
    change(&mut state, "n1", "attrs", Origin::Local, |attrs| {
        attrs["text"]["text"] = json!("B");
        attrs["body"] = json!({ "fill": "#fff" });
    });
    let entry = state.history().undo_entries().next().unwrap();
    assert_eq!(
        entry.changes,
        [
            Change::update("n1", "attrs/text/text", Some(json!("n1")), Some(json!("B"))),
            Change::update("n1", "attrs/body", None, Some(json!({ "fill": "#fff" }))),
        ]
    );
}

// ---- Merging ----

#[test]
fn merging_is_off_by_default() {
    let mut state = loaded();
    move_x(&mut state, "n1", 1, Origin::Local);
    move_x(&mut state, "n1", 2, Origin::Local);
    assert_eq!(state.history_state().undo_size, 2);
}

#[test]
fn consecutive_changes_to_the_same_paths_merge_within_the_interval() {
    let (mut state, time) = loaded_with(HistoryConfig {
        merge_interval: Some(500.0),
        ..HistoryConfig::default()
    });
    move_x(&mut state, "n1", 1, Origin::Local);
    time.set(time.get() + 400.0);
    assert_eq!(
        move_x(&mut state, "n1", 2, Origin::Local),
        Recording::Merged {
            kind: OperationKind::NodeMove
        }
    );
    time.set(time.get() + 400.0); // the window slides with each merged change
    assert_eq!(
        move_x(&mut state, "n1", 3, Origin::Local),
        Recording::Merged {
            kind: OperationKind::NodeMove
        }
    );
    time.set(time.get() + 501.0);
    assert_eq!(
        move_x(&mut state, "n1", 4, Origin::Local),
        entry(OperationKind::NodeMove)
    );
    move_x(&mut state, "n2", 4, Origin::Local); // other paths: a new entry
    assert_eq!(state.history_state().undo_size, 3);
    state.undo().unwrap();
    state.undo().unwrap();
    state.undo().unwrap();
    assert_eq!(x_of(&state, "n1"), json!(0));
}

#[test]
fn errors_leave_history_and_diagram_unchanged() {
    let mut state = loaded();
    move_x(&mut state, "n1", 5, Origin::Local);
    let history = state.history_state();
    let start = cells(&state);
    let bad = [
        state.handle_event(
            CellEvent::Added {
                cell: json!({ "id": "n1" }),
            },
            Origin::Local,
            None,
        ),
        state.handle_event(CellEvent::Added { cell: json!([]) }, Origin::Local, None),
        state.handle_event(CellEvent::Removed { id: "zz".into() }, Origin::Local, None),
        state.handle_event(
            CellEvent::Changed {
                id: "zz".into(),
                key: "position".into(),
                previous: None,
                current: Some(json!(1)),
            },
            Origin::Local,
            None,
        ),
        state.handle_event(
            CellEvent::Changed {
                id: "n1".into(),
                key: "a//b".into(),
                previous: None,
                current: Some(json!(1)),
            },
            Origin::Local,
            None,
        ),
    ];
    let codes: Vec<&str> = bad
        .iter()
        .map(|result| result.as_ref().unwrap_err().code())
        .collect();
    assert_eq!(
        codes,
        [
            "DUPLICATE_CELL",
            "CELL_NOT_OBJECT",
            "CELL_NOT_FOUND",
            "CELL_NOT_FOUND",
            "INVALID_PATH"
        ]
    );
    assert_eq!(state.history_state(), history);
    assert_eq!(cells(&state), start);
    assert_eq!(
        state.load(vec![json!({ "id": 1 })], 9).unwrap_err().code(),
        "CELL_ID_NOT_STRING"
    );
    assert_eq!(cells(&state), start);
}

#[test]
fn replacing_the_cells_reports_the_changes_and_starts_a_fresh_history() {
    let mut state = loaded();
    move_x(&mut state, "n1", 99, Origin::Local);
    let server = vec![node("n1", 5), node("n3", 7)];
    let changes = state.replace(server.clone(), 42).unwrap();
    assert_eq!(cells(&state), server);
    assert_eq!(state.diagram().version(), 42);
    let history = state.history_state();
    assert!(!history.can_undo && history.last_kind == Some(OperationKind::DiagramLoad));
    // The reported changes turn what the view showed into the new cells.
    assert!(changes
        .iter()
        .any(|change| matches!(change, Change::Add { .. })));
    assert!(changes
        .iter()
        .any(|change| matches!(change, Change::Remove { .. })));
    let before = state.replace(vec![json!({ "no": "id" })], 1).unwrap_err();
    assert_eq!(before.code(), "CELL_ID_MISSING");
    assert_eq!(cells(&state), server, "a refused replace changes nothing");
}
