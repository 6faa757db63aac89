//! The saved server version reaches the other tabs: only the leading tab auto-saves to the
//! server, and when it does, the directory entry records the server version and the store
//! version the save includes, and the other tabs start their next save from it (no false
//! `409` after a hand-over).

use diagram_state::bindings::diagram_state::DiagramStateJs;
use js_sys::{Function, Object, Reflect};
use serde_json::{json, Value};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

use crate::storage_support::{delete_database, js, json_of, STEP_MS};
use crate::support::within;
use crate::sync_pages::{directory, open_tab, until};

/// `openDiagram` options with auto-save (debounced by 300 ms, so the edit is usually
/// committed to the store before the save takes the cells) through a server that answers
/// version 7 after a moment.
fn autosaving() -> JsValue {
    let save = Function::new_with_args(
        "request",
        "return new Promise((resolve) => setTimeout(() => resolve({ status: 'saved', version: 7 }), 50));",
    );
    let autosave = Object::new();
    let options = Object::new();
    let set = |target: &Object, key: &str, value: &JsValue| {
        Reflect::set(target, &key.into(), value).expect("set");
    };
    set(&autosave, "save", &save);
    set(&autosave, "debounceMs", &JsValue::from_f64(300.0));
    set(&options, "autosave", &autosave);
    options.into()
}

fn sync(tab: &DiagramStateJs) -> Value {
    crate::sync_pages::status(tab)
}

fn save(tab: &DiagramStateJs) -> Value {
    json_of(&tab.save_status().expect("status"))
}

#[wasm_bindgen_test]
async fn a_save_of_the_leading_tab_moves_the_other_tabs_and_the_directory_entry() {
    let (name, diagrams, id) = directory("saved", "public").await;
    let first = open_tab(&diagrams, &id, autosaving()).await;
    let second = open_tab(&diagrams, &id, autosaving()).await;
    until("one tab to lead", || {
        sync(&first)["leader"] == true || sync(&second)["leader"] == true
    })
    .await;
    until("the tabs to know each other", || {
        sync(&first)["peers"] == 1 && sync(&second)["peers"] == 1
    })
    .await;
    let (leader, follower) = if sync(&first)["leader"] == true {
        (&first, &second)
    } else {
        (&second, &first)
    };
    assert_eq!(save(follower)["baseVersion"], 0);

    let event = json!({ "type": "changed", "id": "n1", "key": "position",
                        "previous": { "x": 0, "y": 0 }, "current": { "x": 40, "y": 0 } });
    leader
        .handle_event(js(&event), JsValue::UNDEFINED)
        .expect("the edit applies");
    until("the edit to be committed", || {
        sync(leader)["committedVersion"] == 1
    })
    .await;
    // The save includes the committed version when it took the cells after the commit.
    let included = if save(leader)["status"]["state"] == "dirty" {
        1
    } else {
        0
    };
    until("the leader to save", || {
        save(leader)["status"]["state"] == "saved"
    })
    .await;
    until("the other tab to start from the saved version", || {
        save(follower)["baseVersion"] == 7
    })
    .await;

    let listed = within(STEP_MS, "list", diagrams.list())
        .await
        .expect("lists");
    let entry = json_of(&listed)["diagrams"][0].clone();
    assert_eq!(entry["publicVersion"], 7);
    assert_eq!(
        entry["pushedVersion"], included,
        "the committed version the saved cells certainly include"
    );
    assert!(entry["lastPushedAt"].as_f64().is_some());
    for tab in [first, second] {
        tab.dispose();
    }
    diagrams.close();
    delete_database(&name).await;
}
