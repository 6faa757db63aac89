//! The browser APIs the platform layer stands on work in the test browser.

use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::TransactionMode;
use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::wasm_bindgen_test;
use web_sys::{BroadcastChannel, MessageEvent};

use crate::support::within;

#[wasm_bindgen_test]
async fn indexed_db_stores_and_reads_back_a_record() {
    let name = format!("diagram-state-probe-{}", js_sys::Math::random());
    let db = Database::open(name.as_str())
        .with_version(1u8)
        .with_on_upgrade_needed(|_event, db| {
            db.create_object_store("probe").build()?;
            Ok(())
        })
        .await
        .expect("open IndexedDB");

    let tx = db
        .transaction("probe")
        .with_mode(TransactionMode::Readwrite)
        .build()
        .expect("readwrite transaction");
    let store = tx.object_store("probe").expect("store");
    store
        .put("a diagram")
        .with_key("k1")
        .primitive()
        .expect("put request")
        .await
        .expect("put");
    tx.commit().await.expect("commit");

    let tx = db.transaction("probe").build().expect("read transaction");
    let store = tx.object_store("probe").expect("store");
    let value: Option<String> = store
        .get("k1")
        .primitive()
        .expect("get request")
        .await
        .expect("get");
    drop(store);
    drop(tx);
    assert_eq!(value.as_deref(), Some("a diagram"));
    db.close();
}

#[wasm_bindgen_test]
async fn broadcast_channel_delivers_to_another_channel_of_the_same_name() {
    let name = format!("diagram-state-probe-{}", js_sys::Math::random());
    let sender = BroadcastChannel::new(&name).expect("sender channel");
    let receiver = BroadcastChannel::new(&name).expect("receiver channel");

    let received = Promise::new(&mut |resolve, _reject| {
        let on_message = Closure::once_into_js(move |event: MessageEvent| {
            let _ = resolve.call1(&JsValue::NULL, &event.data());
        });
        receiver.set_onmessage(Some(on_message.unchecked_ref()));
    });
    sender
        .post_message(&JsValue::from_str("version 7"))
        .expect("post");

    let data = within(2000, "the broadcast message", received)
        .await
        .expect("message arrives");
    assert_eq!(data.as_string().as_deref(), Some("version 7"));
    sender.close();
    receiver.close();
}
