//! Bugs the fuzz targets found, pinned as ordinary tests through the public API. (The
//! inputs that found them are also kept in `tests/fuzz/regressions/<target>/` and replayed
//! by each target's `corpus_replays`.)

use diagram_state::core::model::{diff_change_event, Diagram};
use diagram_state::core::path::MAX_PATH_LEN;
use diagram_state::core::storage::{CellRecord, OplogRecord};
use diagram_state::core::sync::{decode_message, Expect, MAX_MESSAGE_BYTES};
use serde_json::{json, Value};

/// Applies the diff of an X6 change event of `key` to a cell holding `previous` there.
fn apply_event(key: &str, previous: Value, current: Value) -> Value {
    let mut diagram = Diagram::from_cells(vec![json!({ "id": "n1", key: previous })], 0).unwrap();
    let changes =
        diff_change_event("n1", key, diagram.get("n1", key).unwrap(), Some(&current)).unwrap();
    diagram.apply_all(changes).unwrap();
    (**diagram.cell("n1").unwrap()).clone()
}

/// `diff` found: a key containing `/` inside an X6 value was written into the path as is,
/// so the update landed on another key (`data/a/b` is `data.a.b`, not `data["a/b"]`).
#[test]
fn a_key_with_a_slash_is_updated_itself_not_the_nested_path_it_spells() {
    let cell = apply_event(
        "data",
        json!({ "a/b": 1, "a": { "b": 5 } }),
        json!({ "a/b": 2, "a": { "b": 5 } }),
    );
    assert_eq!(cell["data"], json!({ "a/b": 2, "a": { "b": 5 } }));
}

/// `diff` found: an empty key inside an X6 value gave a path with an empty segment, which
/// the model refuses, so the whole event failed with `INVALID_PATH`.
#[test]
fn an_empty_key_inside_a_value_does_not_make_the_event_fail() {
    let cell = apply_event(
        "attrs",
        json!({ "body": { "fill": "#fff" } }),
        json!({ "body": { "fill": "#fff" }, "": 1 }),
    );
    assert_eq!(cell["attrs"], json!({ "body": { "fill": "#fff" }, "": 1 }));
}

/// `diff` found: nesting under long keys gave leaf paths longer than `MAX_PATH_LEN`, which
/// the model refuses, so the whole event failed with `INVALID_PATH`.
#[test]
fn leaves_deeper_than_the_path_limit_are_recorded_at_a_shorter_path() {
    let long = "k".repeat(MAX_PATH_LEN / 2 + 100);
    let cell = apply_event(
        "data",
        json!({ &long: { &long: 1 } }),
        json!({ &long: { &long: 2 } }),
    );
    assert_eq!(cell["data"][&long][&long], json!(2));
}

/// Numbers that X6 produces (fractional drag positions, timestamps) and that did not come
/// back bit for bit from JSON text.
const FLOATS: [f64; 4] = [
    0.373_975_990_686_291_17,
    1_810_947.904_761_904_6,
    4.350_234_234_953_548e151,
    1_700_000_299_291.187_7,
];

/// `record` found: serde_json's default float parser is not correctly rounded, so about
/// one stored fractional number in ten came back one unit in the last place off.
#[test]
fn stored_numbers_come_back_exactly() {
    for x in FLOATS {
        let record = CellRecord {
            order: 0,
            cell: json!({ "id": "n1", "position": { "x": x } }).into(),
        };
        let decoded = CellRecord::decode(&record.encode().unwrap()).unwrap();
        assert_eq!(decoded.cell["position"]["x"].as_f64(), Some(x), "{x:e}");
        let oplog = OplogRecord {
            diagram_id: "d1".into(),
            version: 1,
            tab_id: "t".into(),
            committed_at: x,
            changes: vec![],
            hash: None,
            overrides: Vec::new(),
        };
        let decoded = OplogRecord::decode(&oplog.encode().unwrap(), "d1", Some(1)).unwrap();
        assert_eq!(decoded.committed_at, x, "{x:e}");
    }
}

/// `message` found: the same imprecision on the cross-tab channel, so a receiving tab held
/// other numbers than the sending tab.
#[test]
fn numbers_in_cross_tab_messages_arrive_exactly() {
    let expect = Expect {
        diagram_id: "d1",
        tab_id: "me",
        max_bytes: MAX_MESSAGE_BYTES,
    };
    for x in FLOATS {
        let text = json!({ "protocol": 1, "diagramId": "d1", "tabId": "t2", "version": 2, "type": "commit",
            "changes": [{ "type": "update", "id": "n1", "path": "position/x", "after": x }] })
        .to_string();
        let envelope = decode_message(&text, expect).unwrap();
        let after = serde_json::to_value(&envelope).unwrap()["changes"][0]["after"].as_f64();
        assert_eq!(after, Some(x), "{x:e}");
    }
}
