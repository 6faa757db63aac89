//! A tab that goes away hands over what it has not committed, through the real bindings
//! and IndexedDB: two `DiagramState`s of one page on one diagram (each its own tab id and
//! BroadcastChannel), one disposed or hidden right after an edit.

use std::cell::RefCell;
use std::rc::Rc;

use diagram_state::bindings::diagram_state::DiagramStateJs;
use diagram_state::bindings::local_diagrams::LocalDiagrams;
use diagram_state::core::storage::{DiagramStore, OplogSince};
use diagram_state::platform::broadcast::{BroadcastTransport, Incoming};
use serde_json::{json, Value};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

use crate::storage_support::{bounded, delete_database, json_of, open_store};
use crate::sync_pages::{
    directory, label, open_tab, rename, status, two_tabs, until, until_microtask,
};
use crate::sync_support::sleep;

/// A directory with one diagram (node `n1`) and two tabs on it that know each other.
async fn two_tabs_on(
    topic: &str,
) -> (
    String,
    String,
    LocalDiagrams,
    DiagramStateJs,
    DiagramStateJs,
) {
    let (name, diagrams, id) = directory(topic, "local").await;
    let (a, b) = two_tabs(&diagrams, &id).await;
    (name, id, diagrams, a, b)
}

/// What the store holds: version, `n1`'s label and the tab of each op-log record.
async fn stored(name: &str, id: &str) -> (u64, Value, Vec<String>) {
    let store = open_store(name).await;
    let loaded = bounded("load", store.load(id)).await.expect("loads");
    let tabs = match bounded("op log", store.oplog_since(id, 0)).await {
        Ok(OplogSince::Records { records }) => records.into_iter().map(|r| r.tab_id).collect(),
        other => panic!("expected records, got {other:?}"),
    };
    (
        loaded.version,
        loaded.cells[0]["attrs"]["text"]["text"].clone(),
        tabs,
    )
}

#[wasm_bindgen_test]
async fn a_tab_disposed_with_an_uncommitted_edit_hands_it_to_the_tab_that_stays() {
    let (name, id, diagrams, a, b) = two_tabs_on("handoff-pending").await;
    rename(&a, "renamed");
    // Closed at once: its commit never started.
    a.dispose();
    until("the tab that stays to commit the edit", || {
        let s = status(&b);
        label(&b) == "renamed" && s["committedVersion"] == 1 && s["pendingSets"] == 0
    })
    .await;
    assert_eq!(status(&b)["peers"], 0);
    let b_id = status(&b)["tabId"].as_str().unwrap_or_default().to_owned();
    let (version, stored_label, tabs) = stored(&name, &id).await;
    assert_eq!((version, stored_label), (1, json!("renamed")));
    assert_eq!(tabs, [b_id], "committed once, by the tab that stays");
    // Not an edit of the tab that stays: nothing to undo there.
    assert_eq!(
        json_of(&b.history_state().expect("history"))["canUndo"],
        false
    );
    let reopened = open_tab(&diagrams, &id, JsValue::UNDEFINED).await;
    assert_eq!(label(&reopened), "renamed");
    for tab in [b, reopened] {
        tab.dispose();
    }
    diagrams.close();
    delete_database(&name).await;
}

#[wasm_bindgen_test]
async fn a_tab_disposed_with_a_commit_in_flight_is_committed_once_and_shown() {
    let (name, id, diagrams, a, b) = two_tabs_on("handoff-flight").await;
    let a_id = status(&a)["tabId"].as_str().unwrap_or_default().to_owned();
    rename(&a, "renamed");
    until_microtask("the commit in flight", || status(&a)["committing"] == true).await;
    // Its transaction completes, but the message is never posted.
    a.dispose();
    until("the tab that stays to show the edit", || {
        label(&b) == "renamed" && status(&b)["committedVersion"] == 1
    })
    .await;
    sleep(200).await; // nothing more may happen: the hand-off's set landed already
    let (version, stored_label, tabs) = stored(&name, &id).await;
    assert_eq!((version, stored_label), (1, json!("renamed")));
    assert_eq!(tabs, [a_id], "the closing tab's own commit, once");
    assert_eq!(status(&b)["pendingSets"], 0);
    b.dispose();
    diagrams.close();
    delete_database(&name).await;
}

#[wasm_bindgen_test]
async fn pagehide_posts_the_hand_off_then_bye() {
    let (name, id, diagrams, a, b) = two_tabs_on("handoff-pagehide").await;
    let heard: Rc<RefCell<Vec<Value>>> = Rc::default();
    let listener = {
        let heard = Rc::clone(&heard);
        BroadcastTransport::open(&id, move |incoming| {
            if let Incoming::Text(text) = incoming {
                heard
                    .borrow_mut()
                    .push(serde_json::from_str(&text).unwrap_or_default());
            }
        })
        .expect("a listening channel")
    };
    let a_id = status(&a)["tabId"].clone();
    rename(&a, "renamed");
    let window = web_sys::window().expect("a window");
    let pagehide = web_sys::Event::new("pagehide").expect("an event");
    window.dispatch_event(&pagehide).expect("dispatched");
    until("the hand-off and the bye", || {
        let heard = heard.borrow();
        let from_a: Vec<&str> = heard
            .iter()
            .filter(|message| message["tabId"] == a_id)
            .filter_map(|message| message["type"].as_str())
            .collect();
        from_a.windows(2).any(|pair| pair == ["handoff", "bye"])
    })
    .await;
    {
        let heard = heard.borrow();
        let handoff = heard
            .iter()
            .find(|message| message["type"] == "handoff")
            .expect("a hand-off");
        assert_eq!(handoff["sets"][0][0]["after"], "renamed");
        assert_eq!(handoff["version"], 0);
    }
    // The page stayed (the back-forward cache): both tabs may commit the rename; the store
    // and both tabs still end with it once.
    until("both tabs to settle on the rename", || {
        label(&b) == "renamed"
            && status(&a)["pendingSets"] == 0
            && status(&b)["pendingSets"] == 0
            && status(&a)["committedVersion"] == status(&b)["committedVersion"]
    })
    .await;
    let (version, stored_label, _) = stored(&name, &id).await;
    assert_eq!((version, stored_label), (1, json!("renamed")));
    drop(listener);
    for tab in [a, b] {
        tab.dispose();
    }
    diagrams.close();
    delete_database(&name).await;
}
