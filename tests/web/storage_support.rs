//! Helpers for the storage tests: unique databases, bounded waits, hand-written records.

use std::future::Future;
use std::task::Poll;

use diagram_state::core::model::Change;
use diagram_state::core::storage::{Commit, DiagramStore, NewDiagram};
use diagram_state::platform::indexed_db::{IndexedDbStore, OpenOptions};
use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::TransactionMode;
use serde_json::{json, Value};
use wasm_bindgen::JsValue;

use crate::support::within;

/// How long any single storage step may take before the test fails instead of hanging.
pub const STEP_MS: i32 = 10_000;

/// A database name no other test uses.
pub fn unique_name(topic: &str) -> String {
    format!(
        "diagram-state-test-{topic}-{}",
        (js_sys::Math::random() * 1e12) as u64
    )
}

/// Awaits `future`, failing the test if it takes longer than [`STEP_MS`].
pub async fn bounded<F: Future>(what: &str, future: F) -> F::Output {
    let never = js_sys::Promise::new(&mut |_resolve, _reject| {});
    let mut timeout = std::pin::pin!(within(STEP_MS, what, never));
    let mut future = std::pin::pin!(future);
    let finished = std::future::poll_fn(|context| {
        if let Poll::Ready(value) = future.as_mut().poll(context) {
            return Poll::Ready(Some(value));
        }
        if timeout.as_mut().poll(context).is_ready() {
            return Poll::Ready(None);
        }
        Poll::Pending
    })
    .await;
    match finished {
        Some(value) => value,
        None => panic!("timed out after {STEP_MS} ms waiting for {what}"),
    }
}

/// Opens the store on database `name` with default options.
pub async fn open_store(name: &str) -> IndexedDbStore {
    open_with(OpenOptions {
        name: name.to_owned(),
        ..OpenOptions::default()
    })
    .await
}

/// Opens the store with `options`.
pub async fn open_with(options: OpenOptions) -> IndexedDbStore {
    bounded("opening the store", IndexedDbStore::open(options))
        .await
        .expect("the store opens")
}

/// Deletes database `name` (an open store closes itself on the `versionchange` this causes).
pub async fn delete_database(name: &str) {
    let request = Database::delete_by_name(name).expect("delete request");
    bounded("deleting the database", request)
        .await
        .expect("the database is deleted");
}

/// An X6 node.
pub fn node(id: &str, x: i64) -> Value {
    json!({ "id": id, "shape": "rect", "position": { "x": x, "y": 0 },
            "size": { "width": 80, "height": 40 }, "attrs": { "text": { "text": id } } })
}

/// An X6 edge.
pub fn edge(id: &str, source: &str, target: &str) -> Value {
    json!({ "id": id, "shape": "edge", "source": { "cell": source }, "target": { "cell": target } })
}

/// Creates a local diagram with these cells and returns its id.
pub async fn create(store: &impl DiagramStore, name: &str, cells: Vec<Value>) -> String {
    let diagram = NewDiagram {
        cells,
        ..NewDiagram::local(name)
    };
    bounded("create", store.create(diagram))
        .await
        .expect("created")
        .id
}

/// The commit of moving cell `id` to `x`, made by `tab` against `base_version`, given the
/// cell as it was.
pub fn move_commit(diagram_id: &str, base_version: u64, tab: &str, cell: &Value, x: i64) -> Commit {
    let id = cell["id"].as_str().expect("a cell id");
    let before = cell["position"]["x"].clone();
    let change = Change::update(id, "position/x", Some(before), Some(json!(x)));
    Commit::new(diagram_id, base_version, tab, vec![change])
}

/// Opens a raw connection to database `name` at its current version (no upgrade).
pub async fn raw_connection(name: &str) -> Database {
    bounded(
        "a raw connection",
        Database::open(name).build().expect("open request"),
    )
    .await
    .expect("raw open")
}

/// Writes `value` under `key` (out-of-line) or under its key path (`key` = `None`) in
/// `store`, as a hand edit in the developer tools would.
pub async fn raw_put(db: &Database, store: &str, key: Option<JsValue>, value: JsValue) {
    let tx = db
        .transaction(store)
        .with_mode(TransactionMode::Readwrite)
        .build()
        .expect("raw transaction");
    let object_store = tx.object_store(store).expect("raw store");
    match key {
        Some(key) => drop(
            object_store
                .put(value)
                .with_key(key)
                .primitive()
                .expect("put"),
        ),
        None => drop(object_store.put(value).primitive().expect("put")),
    }
    drop(object_store);
    bounded("a raw write", tx.commit())
        .await
        .expect("raw commit");
}

/// Every value of `store` in database connection `db`, in key order.
pub async fn raw_values(db: &Database, store: &str) -> Vec<JsValue> {
    let tx = db.transaction(store).build().expect("raw transaction");
    let object_store = tx.object_store(store).expect("raw store");
    let request = object_store
        .get_all::<JsValue>()
        .primitive()
        .expect("getAll");
    bounded("a raw read", request)
        .await
        .expect("raw values")
        .map(|value| value.expect("a value"))
        .collect()
}

/// A key `[diagramId, cellId]` of the `cells` store.
pub fn cell_key(diagram_id: &str, cell_id: &str) -> JsValue {
    js_sys::Array::of2(&diagram_id.into(), &cell_id.into()).into()
}

/// JSON as a JS value.
pub fn js(value: &Value) -> JsValue {
    js_sys::JSON::parse(&value.to_string()).expect("JSON")
}

/// A JS value as JSON.
pub fn json_of(value: &JsValue) -> Value {
    let text = js_sys::JSON::stringify(value)
        .expect("stringify")
        .as_string()
        .expect("text");
    serde_json::from_str(&text).expect("JSON")
}
