#![cfg(not(target_arch = "wasm32"))]
//! The diagram model: slash paths, leaf diffs of X6 change events, exact round trips and
//! typed errors that leave the diagram unchanged.

use diagram_state::core::error::ErrorCode;
use diagram_state::core::model::{diff_change_event, value_path, Change, Diagram, ModelError};
use diagram_state::core::path::parse_path;
use serde_json::{json, Value};

fn node(id: &str) -> Value {
    json!({
        "id": id,
        "shape": "rect",
        "position": { "x": 10, "y": 20 },
        "size": { "width": 120, "height": 60 },
        "attrs": { "body": { "fill": "#fff", "stroke": "#333" }, "text": { "text": "Process" } },
        "ports": { "items": [
            { "id": "p0", "group": "top" },
            { "id": "p1", "group": "left" },
            { "id": "p2", "group": "right", "attrs": { "circle": { "style": { "visibility": "hidden" } } } }
        ] },
        "data": { "note": null }
    })
}

fn diagram() -> Diagram {
    Diagram::from_cells(vec![node("n1"), node("n2")], 1).unwrap()
}

fn snapshot(diagram: &Diagram) -> Value {
    serde_json::to_value(diagram).unwrap()
}

fn cells(diagram: &Diagram) -> Vec<Value> {
    diagram.cells().map(|cell| (**cell).clone()).collect()
}

#[test]
fn paths_reach_any_depth_including_array_elements() {
    let mut cell = node("n1");
    let visibility = parse_path("ports/items/2/attrs/circle/style/visibility").unwrap();
    assert_eq!(
        value_path::get(&cell, visibility.iter().copied()),
        Some(&json!("hidden"))
    );
    assert_eq!(
        value_path::set(&mut cell, visibility.iter().copied(), json!("visible")),
        Ok(Some(json!("hidden")))
    );
    assert_eq!(
        value_path::get(&cell, visibility.iter().copied()),
        Some(&json!("visible"))
    );
    assert_eq!(
        value_path::delete(&mut cell, visibility.iter().copied()),
        Ok(Some(json!("visible")))
    );
    assert_eq!(value_path::get(&cell, visibility.iter().copied()), None);
    assert_eq!(
        value_path::get(
            &cell,
            parse_path("ports/items/2/attrs/circle/style").unwrap()
        ),
        Some(&json!({}))
    );
}

#[test]
fn missing_null_and_present_are_three_different_states() {
    let diagram = diagram();
    assert_eq!(diagram.get("n1", "data/note").unwrap(), Some(&Value::Null));
    assert_eq!(diagram.get("n1", "data/other").unwrap(), None);
    assert_eq!(diagram.get("n1", "position/x").unwrap(), Some(&json!(10)));
}

#[test]
fn an_attrs_event_yields_exactly_the_leaf_paths_that_differ() {
    let previous = json!({ "body": { "fill": "#fff", "stroke": "#333" }, "text": { "text": "A", "fontSize": 12 } });
    let current = json!({ "body": { "fill": "#fff", "stroke": "#f00" }, "text": { "text": "B" }, "label": { "x": 1 } });
    let changes = diff_change_event("n1", "attrs", Some(&previous), Some(&current)).unwrap();
    assert_eq!(
        changes,
        [
            Change::update(
                "n1",
                "attrs/body/stroke",
                Some(json!("#333")),
                Some(json!("#f00"))
            ),
            Change::update("n1", "attrs/text/fontSize", Some(json!(12)), None),
            Change::update("n1", "attrs/text/text", Some(json!("A")), Some(json!("B"))),
            Change::update("n1", "attrs/label", None, Some(json!({ "x": 1 }))),
        ]
    );
}

#[test]
fn arrays_recurse_per_index_when_lengths_match_and_are_one_leaf_otherwise() {
    let before = json!([{ "x": 1, "y": 1 }, { "x": 2, "y": 2 }]);
    let moved = json!([{ "x": 1, "y": 1 }, { "x": 5, "y": 2 }]);
    let changes = diff_change_event("e1", "vertices", Some(&before), Some(&moved)).unwrap();
    assert_eq!(
        changes,
        [Change::update(
            "e1",
            "vertices/1/x",
            Some(json!(2)),
            Some(json!(5))
        )]
    );

    let fewer = json!([{ "x": 1, "y": 1 }]);
    let changes = diff_change_event("e1", "vertices", Some(&before), Some(&fewer)).unwrap();
    assert_eq!(
        changes,
        [Change::update("e1", "vertices", Some(before), Some(fewer))]
    );
}

#[test]
fn applying_a_diff_and_its_inverse_round_trips_exactly() {
    let mut diagram = diagram();
    let start = cells(&diagram);
    let previous = diagram.cell("n1").unwrap()["ports"].clone();
    let mut current = previous.clone();
    current["items"][2]["attrs"]["circle"]["style"] =
        json!({ "visibility": null, "cursor": "move" });
    current["items"][0]["group"] = Value::Null;
    current["items"][1].as_object_mut().unwrap().remove("group");
    let changes = diff_change_event("n1", "ports", Some(&previous), Some(&current)).unwrap();
    assert_eq!(changes.len(), 4);

    let applied = diagram.apply_all(changes).unwrap();
    assert_eq!(diagram.cell("n1").unwrap()["ports"], current);
    let inverse: Vec<Change> = applied.into_iter().rev().map(Change::inverse).collect();
    diagram.apply_all(inverse).unwrap();
    assert_eq!(cells(&diagram), start);
}

#[test]
fn add_remove_and_array_appends_round_trip_exactly() {
    let mut diagram = diagram();
    let start = cells(&diagram);
    let changes = vec![
        Change::add(node("n3")),
        Change::update("n3", "ports/items/3", None, Some(json!({ "id": "p3" }))),
        Change::update("n2", "data/note", Some(Value::Null), None),
        Change::remove(json!({ "id": "n1" })),
    ];
    let applied = diagram.apply_all(changes).unwrap();
    assert_eq!(
        diagram.get("n3", "ports/items/3/id").unwrap(),
        Some(&json!("p3"))
    );
    assert_eq!(diagram.get("n2", "data/note").unwrap(), None);
    // The remove kept the full cell, not the stub it was given.
    assert_eq!(applied[3], Change::remove(node("n1")));
    let inverse: Vec<Change> = applied.into_iter().rev().map(Change::inverse).collect();
    diagram.apply_all(inverse).unwrap();
    assert_eq!(cells(&diagram), start);
}

#[test]
fn every_bad_input_has_a_stable_code_and_leaves_the_diagram_unchanged() {
    let cases: Vec<(Change, &str)> = vec![
        (Change::add(json!("n9")), "CELL_NOT_OBJECT"),
        (Change::add(json!({ "shape": "rect" })), "CELL_ID_MISSING"),
        (Change::add(json!({ "id": 9 })), "CELL_ID_NOT_STRING"),
        (Change::add(json!({ "id": "" })), "CELL_ID_EMPTY"),
        (Change::add(node("n1")), "DUPLICATE_CELL"),
        (Change::remove(json!({ "id": "n9" })), "CELL_NOT_FOUND"),
        (
            Change::update("n9", "position/x", None, Some(json!(1))),
            "CELL_NOT_FOUND",
        ),
        (
            Change::update("n1", "position//x", None, Some(json!(1))),
            "INVALID_PATH",
        ),
        (
            Change::update("n1", "", None, Some(json!(1))),
            "INVALID_PATH",
        ),
        (
            Change::update("n1", "labels/0/text", None, Some(json!("a"))),
            "PATH_NOT_FOUND",
        ),
        (
            Change::update("n1", "ports/items/7", None, Some(json!({}))),
            "PATH_NOT_FOUND",
        ),
        (
            Change::update("n1", "ports/items/0", None, None),
            "ARRAY_DELETE_NOT_LAST",
        ),
        (
            Change::update("n1", "id", None, Some(json!("x"))),
            "IMMUTABLE_ID",
        ),
    ];
    for (bad, code) in cases {
        let mut diagram = diagram();
        let before = snapshot(&diagram);
        // A good change first, so the refusal must also undo it.
        let good = Change::update("n2", "attrs/text/text", None, Some(json!("changed")));
        let error = diagram.apply_all(vec![good, bad.clone()]).unwrap_err();
        assert_eq!(error.code(), code, "{bad:?}: {error}");
        assert_eq!(snapshot(&diagram), before, "{bad:?} changed the diagram");
    }
}

#[test]
fn loading_refuses_malformed_cells_with_their_codes() {
    let error = Diagram::from_cells(vec![node("a"), json!({ "id": ["a"] })], 0).unwrap_err();
    assert_eq!(error, ModelError::CellIdNotString);
    assert_eq!(error.code(), "CELL_ID_NOT_STRING");
}

#[test]
fn changes_travel_as_plain_json_with_camel_case_and_a_type_tag() {
    let from_js = json!([
        { "type": "add", "cell": { "id": "n3" } },
        { "type": "update", "id": "n1", "path": "position/x", "before": 10, "after": 30 },
        { "type": "update", "id": "n1", "path": "data/note", "before": null },
        { "type": "remove", "cell": { "id": "n2" } }
    ]);
    let changes: Vec<Change> = serde_json::from_value(from_js.clone()).unwrap();
    assert_eq!(
        changes[2],
        Change::update("n1", "data/note", Some(Value::Null), None)
    );
    assert_eq!(serde_json::to_value(&changes).unwrap(), from_js);
    assert!(serde_json::from_value::<Change>(json!({ "type": "move", "id": "n1" })).is_err());
}

#[test]
fn the_version_grows_once_per_applied_set() {
    let mut diagram = diagram();
    diagram
        .apply_all(vec![
            Change::update("n1", "position/x", None, Some(json!(1))),
            Change::update("n1", "position/y", None, Some(json!(2))),
        ])
        .unwrap();
    assert_eq!(diagram.version(), 2);
    diagram.apply_all(Vec::new()).unwrap();
    assert_eq!(diagram.version(), 2);
}

#[test]
fn an_update_to_the_value_already_there_changes_nothing() {
    let mut diagram = diagram();
    let version = diagram.version();
    let same = Change::update("n1", "position/x", Some(json!(0)), Some(json!(10)));
    let applied = diagram.apply_all(vec![same]).unwrap();
    assert!(applied.is_empty(), "{applied:?}");
    assert_eq!(diagram.version(), version, "no new version for no change");
}
