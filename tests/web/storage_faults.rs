//! Faults: a newer version in another tab (`versionchange`), a blocked upgrade, a full
//! disk, corrupt records, and IndexedDB missing altogether.

use std::cell::Cell;
use std::rc::Rc;

use diagram_state::core::error::ErrorCode;
use diagram_state::core::storage::{DiagramStore, FaultyStore, Operation, StoreError};
use diagram_state::platform::indexed_db::{
    schema, store_error_from_dom_exception, IndexedDbStore, OpenOptions,
};
use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use js_sys::Reflect;
use serde_json::json;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

use crate::storage_support::{
    bounded, cell_key, create, delete_database, js, move_commit, node, open_store, open_with,
    raw_connection, raw_put, unique_name,
};

fn counter() -> (Rc<Cell<u32>>, Rc<dyn Fn()>) {
    let count = Rc::new(Cell::new(0));
    let notify = {
        let count = Rc::clone(&count);
        Rc::new(move || count.set(count.get() + 1)) as Rc<dyn Fn()>
    };
    (count, notify)
}

#[wasm_bindgen_test]
async fn a_newer_version_in_another_tab_closes_the_store_and_notifies() {
    let name = unique_name("versionchange");
    let (notified, notify) = counter();
    let store = open_with(OpenOptions {
        name: name.clone(),
        on_version_change: Some(notify),
        ..OpenOptions::default()
    })
    .await;
    create(&store, "Flow", vec![]).await;

    // "Another tab" opens the same database with a newer version.
    let newer = Database::open(name.as_str())
        .with_version(schema::DB_VERSION + 1)
        .build()
        .expect("open request");
    let newer = bounded("the newer version opens (not blocked)", newer)
        .await
        .expect("opens");
    assert_eq!(notified.get(), 1);
    assert!(store.is_closed());
    assert!(store.closed_by_version_change());
    let error = bounded("list", store.list()).await.unwrap_err();
    assert_eq!(error.code(), "STORE_CLOSED");
    newer.close();
    drop(store);

    // This version of the app cannot open what the newer one wrote.
    let opened = bounded(
        "opening a newer schema",
        IndexedDbStore::open(OpenOptions {
            name: name.clone(),
            ..OpenOptions::default()
        }),
    )
    .await;
    assert_eq!(opened.unwrap_err().code(), "SCHEMA_TOO_NEW");
    delete_database(&name).await;
}

#[wasm_bindgen_test]
async fn a_blocked_upgrade_is_reported_not_waited_for() {
    let name = unique_name("blocked");
    // An old tab holds version 1 open and ignores `versionchange`.
    let old_tab = Database::open(name.as_str())
        .with_version(1u32)
        .build()
        .expect("open request");
    let old_tab = bounded("the old tab opens", old_tab).await.expect("opens");

    let (blocked, notify) = counter();
    let opened = bounded(
        "opening while blocked",
        IndexedDbStore::open(OpenOptions {
            name: name.clone(),
            on_blocked: Some(notify),
            ..OpenOptions::default()
        }),
    )
    .await;
    assert_eq!(opened.unwrap_err(), StoreError::UpgradeBlocked);
    assert_eq!(blocked.get(), 1);

    // Once the old tab goes, the upgrade completes and opening works.
    old_tab.close();
    let store = open_store(&name).await;
    create(&store, "Flow", vec![]).await;
    assert_eq!(
        bounded("list", store.list())
            .await
            .expect("lists")
            .diagrams
            .len(),
        1
    );
    drop(store);
    delete_database(&name).await;
}

#[wasm_bindgen_test]
fn quota_exceeded_maps_to_its_own_code() {
    let exception = web_sys::DomException::new_with_message_and_name(
        "The quota has been exceeded.",
        "QuotaExceededError",
    )
    .expect("a DOMException");
    let error = store_error_from_dom_exception(&exception);
    assert_eq!(error.code(), "QUOTA_EXCEEDED");
    assert!(error.is_retryable());
}

#[wasm_bindgen_test]
async fn a_quota_failure_writes_nothing_and_the_commit_can_be_retried() {
    let name = unique_name("quota");
    let store = FaultyStore::new(open_store(&name).await);
    let cell = node("a", 1);
    let id = create(&store, "Flow", vec![cell.clone()]).await;
    let commit = move_commit(&id, 0, "tab", &cell, 42);
    store.fail_next(
        Operation::Commit,
        StoreError::QuotaExceeded {
            message: "The quota has been exceeded.".into(),
        },
    );
    let error = bounded("commit", store.commit(&commit)).await.unwrap_err();
    assert_eq!(error.code(), "QUOTA_EXCEEDED");
    let loaded = bounded("load", store.load(&id)).await.expect("loads");
    assert_eq!(
        (loaded.version, &loaded.cells[0]),
        (0, &cell),
        "nothing was written"
    );

    // The caller kept the commit (the diagram stays dirty) and retries it later.
    assert_eq!(
        bounded("retry", store.commit(&commit))
            .await
            .map(|c| c.version),
        Ok(1)
    );
    let loaded = bounded("load", store.load(&id)).await.expect("loads");
    assert_eq!(loaded.cells[0]["position"]["x"], 42);
    drop(store);
    delete_database(&name).await;
}

#[wasm_bindgen_test]
async fn corrupt_records_are_skipped_and_listed_never_half_loaded() {
    let name = unique_name("corrupt");
    let store = open_store(&name).await;
    let id = create(&store, "Flow", vec![node("a", 1), node("b", 2)]).await;

    let raw = raw_connection(&name).await;
    raw_put(
        &raw,
        schema::CELLS,
        Some(cell_key(&id, "x1")),
        js(&json!({ "id": "x1" })),
    )
    .await;
    raw_put(
        &raw,
        schema::CELLS,
        Some(cell_key(&id, "x2")),
        JsValue::from_str("{not json"),
    )
    .await;
    raw_put(
        &raw,
        schema::DIAGRAMS,
        None,
        js(&json!({ "id": "hand", "name": 7 })),
    )
    .await;
    raw.close();

    let loaded = bounded("load", store.load(&id))
        .await
        .expect("loads what it can");
    assert!(!loaded.is_complete());
    assert_eq!(loaded.cells.len(), 2);
    let keys: Vec<String> = loaded
        .skipped
        .iter()
        .map(|record| record.key.clone())
        .collect();
    assert_eq!(keys, [format!("{id}/x1"), format!("{id}/x2")]);
    assert!(loaded.skipped[0].reason.contains("found an object"));
    assert_eq!(
        loaded.corruption().expect("a report").code(),
        "CORRUPT_RECORDS"
    );

    let error = bounded("export", store.export_document(&id))
        .await
        .unwrap_err();
    assert_eq!(error.code(), "CORRUPT_RECORDS");

    let directory = bounded("list", store.list()).await.expect("lists");
    assert_eq!(directory.diagrams.len(), 1);
    assert_eq!(directory.skipped[0].key, "hand");
    assert!(directory.skipped[0].reason.contains("`name`"));
    let error = bounded("load hand", store.load("hand")).await.unwrap_err();
    assert_eq!(error.code(), "CORRUPT_RECORDS");

    // Deleting cleans up a corrupt diagram.
    bounded("delete", store.delete("hand"))
        .await
        .expect("deletes");
    assert!(bounded("list", store.list())
        .await
        .expect("lists")
        .skipped
        .is_empty());
    drop(store);
    delete_database(&name).await;
}

#[wasm_bindgen_test]
async fn without_indexed_db_opening_fails_with_storage_unavailable() {
    let window: js_sys::Object = web_sys::window().expect("a window").unchecked_into();
    let key = JsValue::from_str("indexedDB");
    let own: JsValue = js_sys::Object::get_own_property_descriptor(&window, &key);
    let hidden = js_sys::Object::new();
    Reflect::set(&hidden, &"value".into(), &JsValue::UNDEFINED).expect("set");
    Reflect::set(&hidden, &"configurable".into(), &JsValue::TRUE).expect("set");
    js_sys::Object::define_property(&window, &key, &hidden);

    let opened = IndexedDbStore::open(OpenOptions {
        name: unique_name("unavailable"),
        ..OpenOptions::default()
    })
    .await;

    // Put indexedDB back before asserting anything.
    if own.is_undefined() {
        Reflect::delete_property(&window, &key).expect("restore");
    } else {
        js_sys::Object::define_property(&window, &key, own.unchecked_ref());
    }
    assert!(web_sys::window()
        .expect("a window")
        .indexed_db()
        .expect("readable")
        .is_some());
    assert_eq!(opened.unwrap_err().code(), "STORAGE_UNAVAILABLE");
}
