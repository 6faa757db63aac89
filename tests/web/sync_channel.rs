//! Cross-tab sync over real BroadcastChannels, several "tabs" in one page: commits reach
//! every tab, gaps are repaired from the op log, a compacted log means a resync, concurrent
//! edits merge, and garbage on the channel is counted, never applied.

use std::rc::Rc;

use diagram_state::core::sync::{ConflictKind, IgnoredReason, Resolution, PROTOCOL_VERSION};
use diagram_state::platform::broadcast::channel_name;
use serde_json::json;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;
use web_sys::BroadcastChannel;

use crate::sync_support::{node, unique_diagram, PageTab, Store};

#[wasm_bindgen_test]
async fn three_tabs_editing_concurrently_end_identical() {
    let id = unique_diagram("three");
    let store = Store::shared_as(&id, vec![node("n1"), node("n2")]);
    let a = PageTab::open(&id, "A", &store);
    let b = PageTab::open(&id, "B", &store);
    let c = PageTab::open(&id, "C", &store);

    a.set("n1", "data/x", json!("abc"));
    a.commit(true);
    b.reaches(2).await;
    c.reaches(2).await;
    assert_eq!(b.get("n1", "data/x"), Some(json!("abc")));

    // B and C edit at once; C's commit is stale and rebases over B's.
    b.set("n1", "data/y", json!("xyz"));
    c.set("n2", "attrs/text/text", json!("renamed"));
    b.commit(true);
    c.commit(true);
    for tab in [&a, &b, &c] {
        tab.reaches(4).await;
    }
    let stored = store.cells();
    for tab in [&a, &b, &c] {
        assert_eq!(tab.cells(), stored);
    }
    assert_eq!(a.get("n1", "data/y"), Some(json!("xyz")));
    assert_eq!(a.get("n2", "attrs/text/text"), Some(json!("renamed")));
}

#[wasm_bindgen_test]
async fn hello_is_answered_and_peers_are_counted() {
    let id = unique_diagram("hello");
    let store = Store::shared_as(&id, vec![node("n1")]);
    let a = PageTab::open(&id, "A", &store);
    let b = PageTab::open(&id, "B", &store);
    let hello = a.session().hello_message();
    a.post(&hello);
    b.signal
        .until(2_000, "B to hear A", || b.session().status().peers == 1)
        .await;
    // B's engine answers `here` on the channel by itself.
    a.signal
        .until(2_000, "A to hear B", || a.session().status().peers == 1)
        .await;
    let bye = a.session().bye_message();
    a.post(&bye);
    b.signal
        .until(2_000, "B to see A leave", || {
            b.session().status().peers == 0
        })
        .await;
}

#[wasm_bindgen_test]
async fn garbage_on_the_channel_is_counted_not_applied() {
    let id = unique_diagram("garbage");
    let store = Store::shared_as(&id, vec![node("n1")]);
    let tab = PageTab::open(&id, "T", &store);
    let raw = BroadcastChannel::new(&channel_name(&id)).expect("raw channel");
    let envelope = |protocol: u32, diagram: &str, kind: &str| {
        json!({ "protocol": protocol, "diagramId": diagram, "tabId": "W", "version": 2, "type": kind,
                "changes": [{ "type": "update", "id": "n1", "path": "data/x", "after": "evil" }] })
        .to_string()
    };
    let texts = [
        "not json".to_owned(),
        "[]".to_owned(),
        "x".repeat((1 << 20) + 1),
        envelope(PROTOCOL_VERSION + 1, &id, "commit"),
        envelope(PROTOCOL_VERSION, "another-diagram", "commit"),
        envelope(PROTOCOL_VERSION, &id, "teleport"),
        envelope(PROTOCOL_VERSION, &id, "commit").replace("\"update\"", "\"explode\""),
    ];
    raw.post_message(&JsValue::from_f64(42.0))
        .expect("post a number");
    raw.post_message(&js_sys::Object::new())
        .expect("post an object");
    for text in &texts {
        raw.post_message(&JsValue::from_str(text))
            .expect("post garbage");
    }
    let good = json!({ "protocol": PROTOCOL_VERSION, "diagramId": id, "tabId": "W", "version": 2, "type": "commit",
                       "changes": [{ "type": "update", "id": "n1", "path": "data/y", "before": "b", "after": "good" }] });
    store
        .commit(
            1,
            serde_json::from_value(good["changes"].clone()).expect("changes"),
            "W",
        )
        .expect("store");
    raw.post_message(&JsValue::from_str(&good.to_string()))
        .expect("post the real one");
    tab.reaches(2).await;

    let status = tab.session().status();
    let count = |reason| status.ignored.get(&reason).copied().unwrap_or(0);
    assert_eq!(count(IgnoredReason::Garbled), 5); // number, object, text, array, bad change
    assert_eq!(count(IgnoredReason::Oversized), 1);
    assert_eq!(count(IgnoredReason::WrongProtocol), 1);
    assert_eq!(count(IgnoredReason::OtherDiagram), 1);
    assert_eq!(count(IgnoredReason::UnknownType), 1);
    assert_eq!(tab.get("n1", "data/x"), Some(json!("a")));
    assert_eq!(tab.get("n1", "data/y"), Some(json!("good")));
    raw.close();
}

#[wasm_bindgen_test]
async fn a_missed_commit_is_read_from_the_op_log_and_a_compacted_one_resyncs() {
    let id = unique_diagram("gap");
    let store = Store::shared_as(&id, vec![node("n1"), node("n2")]);
    let writer = PageTab::open(&id, "W", &store);
    let reader = PageTab::open(&id, "R", &store);

    writer.set("n1", "data/x", json!("missed"));
    writer.commit(false); // version 2 never reaches the channel
    writer.set("n1", "data/y", json!("heard"));
    writer.commit(true); // version 3 does: a gap
    reader.reaches(3).await;
    assert_eq!(reader.get("n1", "data/x"), Some(json!("missed")));
    assert_eq!(reader.session().status().resyncs, 0);

    reader.set("n2", "data/x", json!("pending in R"));
    writer.set("n1", "data/x", json!("compacted away"));
    writer.commit(false);
    store.compact();
    writer.set("n1", "data/y", json!("after compaction"));
    writer.commit(true);
    reader.reaches(5).await;
    assert_eq!(reader.session().status().resyncs, 1);
    assert_eq!(reader.get("n1", "data/x"), Some(json!("compacted away")));
    assert_eq!(reader.get("n2", "data/x"), Some(json!("pending in R")));
    reader.commit(true);
    writer.reaches(6).await;
    assert_eq!(writer.cells(), store.cells());
    assert_eq!(reader.cells(), store.cells());
}

#[wasm_bindgen_test]
async fn the_same_path_edited_in_two_tabs_is_a_reported_conflict() {
    let id = unique_diagram("conflict");
    let store = Store::shared_as(&id, vec![node("n1")]);
    let a = PageTab::open(&id, "A", &store);
    let b = PageTab::open(&id, "B", &store);
    b.set("n1", "attrs/text/text", json!("from B"));
    b.set("n1", "data/y", json!("B's y"));
    a.set("n1", "attrs/text/text", json!("from A"));
    a.commit(true);
    b.reaches(2).await; // integrated under B's pending edits
    {
        let conflicts = b.conflicts();
        assert_eq!(conflicts.len(), 1);
        assert_eq!(conflicts[0].kind, ConflictKind::SamePath);
        assert_eq!(conflicts[0].resolution, Resolution::KeptLocal);
        assert_eq!(conflicts[0].remote, Some(json!("from A")));
        assert_eq!(b.session().pending().len(), 2);
    }
    b.commit(true);
    a.reaches(3).await;
    assert_eq!(a.get("n1", "attrs/text/text"), Some(json!("from B")));
    assert_eq!(a.get("n1", "data/y"), Some(json!("B's y")));
    assert_eq!(a.cells(), b.cells());
    // A closed channel delivers nothing more: a tab still listening gets the next commit,
    // the closed one's state never hears of it.
    let closed = Rc::clone(&b.engine);
    let committed = move || {
        closed
            .borrow()
            .as_ref()
            .map(|engine| engine.committed_version())
    };
    let version_when_closed = committed().expect("open");
    drop(b);
    let c = PageTab::open(&id, "C", &store);
    a.set("n1", "data/x", json!("alone"));
    a.commit(true);
    c.reaches(version_when_closed + 1).await;
    assert_eq!(
        committed(),
        Some(version_when_closed),
        "the closed channel delivered a message"
    );
}
