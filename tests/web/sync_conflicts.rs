//! Conflicts between tabs through the real bindings: under "later edit wins", the tab
//! whose committed value another tab replaced is told once, with both values, and it is
//! not left in its list of conflicts to settle; under "ask", a listener that reads the list
//! when it hears of a conflict finds it there.

use std::cell::RefCell;
use std::rc::Rc;

use diagram_state::bindings::diagram_state::DiagramStateJs;
use serde_json::Value;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::wasm_bindgen_test;

use crate::storage_support::{delete_database, js, json_of};
use crate::sync_pages::{directory, label, open_tab, rename, status, two_tabs, until};

/// The payloads heard so far.
type Heard = Rc<RefCell<Vec<Value>>>;
/// A listener, kept alive while it is needed.
type Listener = Closure<dyn FnMut(JsValue)>;

/// Collects the payloads of a tab's `conflict` events.
fn conflicts_of(tab: &DiagramStateJs) -> (Heard, Listener) {
    let heard: Heard = Rc::default();
    let listener = {
        let heard = Rc::clone(&heard);
        Closure::<dyn FnMut(JsValue)>::new(move |conflict: JsValue| {
            heard.borrow_mut().push(json_of(&conflict));
        })
    };
    tab.on(
        "conflict".into(),
        listener.as_ref().clone(),
        JsValue::UNDEFINED,
    )
    .expect("listens");
    (heard, listener)
}

#[wasm_bindgen_test]
async fn the_tab_whose_value_lost_gets_one_conflict_event_with_both_values() {
    let (name, diagrams, id) = directory("conflict-told", "local").await;
    let (a, b) = two_tabs(&diagrams, &id).await;
    let (told_a, _keep_a) = conflicts_of(&a);
    let (told_b, _keep_b) = conflicts_of(&b);
    // In one task: A's commit goes first, B's is stale and rebased over it, B's label wins.
    rename(&a, "from A");
    rename(&b, "from B");
    until("both tabs to settle on B's label", || {
        label(&a) == "from B"
            && status(&a)["committedVersion"] == 2
            && status(&b)["committedVersion"] == 2
            && status(&b)["pendingSets"] == 0
    })
    .await;
    assert_eq!(
        *told_b.borrow(),
        [
            serde_json::json!({ "kind": "samePath", "cellId": "n1", "path": "attrs/text/text",
                              "local": "from B", "remote": "from A", "resolution": "keptLocal" })
        ]
    );
    until("A to be told", || !told_a.borrow().is_empty()).await;
    assert_eq!(
        *told_a.borrow(),
        [
            serde_json::json!({ "kind": "samePath", "cellId": "n1", "path": "attrs/text/text",
                              "local": "from A", "remote": "from B", "resolution": "replaced" })
        ]
    );
    assert_eq!(
        json_of(&a.conflicts().expect("conflicts")),
        serde_json::json!([])
    );
    assert_eq!(status(&a)["conflicts"], 1);
    for tab in [a, b] {
        tab.dispose();
    }
    diagrams.close();
    delete_database(&name).await;
}

/// A listener calls back in while the tab announces a conflict: it reads the conflicts
/// left for the user (to show a dialog) and finds the one it is told about.
#[wasm_bindgen_test]
async fn a_conflict_listener_that_reads_the_conflicts_finds_the_new_one() {
    let (name, diagrams, id) = directory("conflict-ask", "local").await;
    let a = open_tab(&diagrams, &id, JsValue::UNDEFINED).await;
    let b = Rc::new(
        open_tab(
            &diagrams,
            &id,
            js(&serde_json::json!({ "conflictPolicy": "ask" })),
        )
        .await,
    );
    until("the tabs to know each other", || {
        status(&a)["peers"] == 1 && status(&b)["peers"] == 1
    })
    .await;
    let seen: Heard = Rc::default();
    let listener = {
        let (seen, tab) = (Rc::clone(&seen), Rc::downgrade(&b));
        Listener::new(move |_conflict: JsValue| {
            if let Some(tab) = tab.upgrade() {
                let listed = tab
                    .conflicts()
                    .map(|list| json_of(&list))
                    .unwrap_or_default();
                seen.borrow_mut().push(listed);
            }
        })
    };
    b.on(
        "conflict".into(),
        listener.as_ref().clone(),
        JsValue::UNDEFINED,
    )
    .expect("listens");
    rename(&a, "from A");
    rename(&b, "from B");
    until("B to hear of the conflict", || !seen.borrow().is_empty()).await;
    let listed = seen.borrow()[0].clone();
    assert_eq!(listed.as_array().map(Vec::len), Some(1), "{listed}");
    assert_eq!(listed[0]["resolution"], "unresolved");
    assert_eq!(listed[0]["local"], "from B");
    assert_eq!(label(&b), "from A", "theirs shown until the user decides");
    drop(listener);
    a.dispose();
    b.dispose();
    diagrams.close();
    delete_database(&name).await;
}
