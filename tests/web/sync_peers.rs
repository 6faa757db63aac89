//! The session's clock in the browser: a tab posts its `here` heartbeat unasked, and
//! answers a flood of `hello`s with a few `here`s only.

use std::cell::RefCell;
use std::rc::Rc;

use diagram_state::core::sync::{MAX_PEERS, PROTOCOL_VERSION};
use diagram_state::platform::broadcast::{BroadcastTransport, Incoming};
use serde_json::{json, Value};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

use crate::storage_support::delete_database;
use crate::sync_pages::{directory, open_tab, status, until};
use crate::sync_support::sleep;

#[wasm_bindgen_test]
async fn a_tab_beats_unasked_and_answers_a_flood_of_hellos_with_few_heres() {
    let (name, diagrams, id) = directory("peers", "local").await;
    let heard: Rc<RefCell<Vec<Value>>> = Rc::default();
    let channel = {
        let heard = Rc::clone(&heard);
        BroadcastTransport::open(&id, move |incoming| {
            if let Incoming::Text(text) = incoming {
                heard
                    .borrow_mut()
                    .push(serde_json::from_str(&text).unwrap_or_default());
            }
        })
        .expect("a channel")
    };
    let tab = open_tab(&diagrams, &id, JsValue::UNDEFINED).await;
    let tab_id = status(&tab)["tabId"].clone();
    let heres = || {
        heard
            .borrow()
            .iter()
            .filter(|message| message["tabId"] == tab_id && message["type"] == "here")
            .count()
    };
    until("a heartbeat nobody asked for", || heres() >= 1).await;

    // 300 hellos from fresh tab ids in one go.
    let before = heres();
    for index in 0..300 {
        let hello = json!({ "protocol": PROTOCOL_VERSION, "diagramId": id, "tabId": format!("ghost-{index}"),
                            "version": 0, "type": "hello" });
        channel.post(&hello.to_string()).expect("posted");
    }
    until("the hellos to be read", || {
        status(&tab)["peers"] == MAX_PEERS
    })
    .await;
    sleep(1_200).await; // the answers owed go out at the next tick
    let answers = heres() - before;
    assert!(
        (1..=2).contains(&answers),
        "{answers} answers to 300 hellos"
    );
    assert_eq!(status(&tab)["peers"], MAX_PEERS, "the table is bounded");
    drop(channel);
    tab.dispose();
    diagrams.close();
    delete_database(&name).await;
}
