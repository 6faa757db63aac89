//! Helpers for the cross-tab tests through the real bindings: a directory in IndexedDB,
//! several `DiagramState`s of one page on one of its diagrams (each with its own tab id and
//! BroadcastChannel, as tabs have), and waits that fail instead of hanging.

use diagram_state::bindings::diagram_state::DiagramStateJs;
use diagram_state::bindings::local_diagrams::LocalDiagrams;
use serde_json::{json, Value};
use wasm_bindgen::convert::TryFromJsValue;
use wasm_bindgen::JsValue;

use crate::storage_support::{js, json_of, node, unique_name, STEP_MS};
use crate::support::within;
use crate::sync_support::sleep;

/// Polls `done` every few milliseconds; fails the test after 3 s.
pub async fn until(what: &str, done: impl Fn() -> bool) {
    for _ in 0..300 {
        if done() {
            return;
        }
        sleep(10).await;
    }
    panic!("timed out waiting for {what}");
}

/// Waits microtask by microtask (no timer: the state of interest may last less than one)
/// until `done` holds; fails the test after many.
pub async fn until_microtask(what: &str, done: impl Fn() -> bool) {
    for _ in 0..1000 {
        if done() {
            return;
        }
        let tick = js_sys::Promise::resolve(&JsValue::NULL);
        let _ = wasm_bindgen_futures::JsFuture::from(tick).await;
    }
    panic!("never saw {what}");
}

/// A directory in a fresh database with one diagram of node `n1` stored as
/// `storage_type`: the database name, the directory and the diagram id.
pub async fn directory(topic: &str, storage_type: &str) -> (String, LocalDiagrams, String) {
    let name = unique_name(topic);
    let opened = within(
        STEP_MS,
        "LocalDiagrams.open",
        LocalDiagrams::open(js(&json!({ "dbName": name }))),
    )
    .await
    .expect("opens");
    let diagrams = LocalDiagrams::try_from_js_value(opened).expect("a LocalDiagrams");
    let created = within(
        STEP_MS,
        "create",
        diagrams.create(js(
            &json!({ "name": "Flow", "storageType": storage_type, "cells": [node("n1", 0)] }),
        )),
    )
    .await
    .expect("created");
    let id = json_of(&created)["id"].as_str().expect("an id").to_owned();
    (name, diagrams, id)
}

/// A tab on diagram `id` (`openDiagram` with `options`, `undefined` for none).
pub async fn open_tab(diagrams: &LocalDiagrams, id: &str, options: JsValue) -> DiagramStateJs {
    let opened = within(
        STEP_MS,
        "openDiagram",
        diagrams.open_diagram(id.into(), options),
    )
    .await
    .expect("opens");
    DiagramStateJs::try_from_js_value(opened).expect("a DiagramState")
}

/// Two tabs on diagram `id` that know each other.
pub async fn two_tabs(diagrams: &LocalDiagrams, id: &str) -> (DiagramStateJs, DiagramStateJs) {
    let a = open_tab(diagrams, id, JsValue::UNDEFINED).await;
    let b = open_tab(diagrams, id, JsValue::UNDEFINED).await;
    until("the tabs to know each other", || {
        status(&a)["peers"] == 1 && status(&b)["peers"] == 1
    })
    .await;
    (a, b)
}

/// A tab's `syncStatus`.
pub fn status(tab: &DiagramStateJs) -> Value {
    json_of(&tab.sync_status().expect("status"))
}

/// The label of node `n1` in a tab.
pub fn label(tab: &DiagramStateJs) -> Value {
    let cells = json_of(&tab.cells().expect("cells"));
    cells[0]["attrs"]["text"]["text"].clone()
}

/// A local edit in a tab: node `n1`'s label becomes `to`.
pub fn rename(tab: &DiagramStateJs, to: &str) {
    let event = json!({ "type": "changed", "id": "n1", "key": "attrs",
                        "previous": { "text": { "text": "n1" } }, "current": { "text": { "text": to } } });
    tab.handle_event(js(&event), JsValue::UNDEFINED)
        .expect("the edit applies");
}
