//! `LocalDiagrams` as JavaScript sees it: every method returns a Promise; wrong arguments
//! reject with INVALID_ARGUMENT (never a panic), storage errors with their codes.

use diagram_state::bindings::local_diagrams::LocalDiagrams;
use js_sys::{Promise, Reflect};
use serde_json::{json, Value};
use wasm_bindgen::convert::TryFromJsValue;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

use crate::storage_support::{delete_database, js, json_of, node, unique_name, STEP_MS};
use crate::support::within;

async fn settle(what: &str, promise: Promise) -> Result<JsValue, JsValue> {
    within(STEP_MS, what, promise).await
}

async fn ok(what: &str, promise: Promise) -> JsValue {
    match settle(what, promise).await {
        Ok(value) => value,
        Err(error) => panic!("{what} failed: {:?}", json_of(&error_summary(&error))),
    }
}

fn error_summary(error: &JsValue) -> JsValue {
    let summary = js_sys::Object::new();
    for key in ["name", "code", "message"] {
        let value = Reflect::get(error, &key.into()).unwrap_or(JsValue::UNDEFINED);
        let _ = Reflect::set(&summary, &key.into(), &value);
    }
    summary.into()
}

async fn code_of(what: &str, promise: Promise) -> String {
    let error = settle(what, promise).await.expect_err("must reject");
    let name = Reflect::get(&error, &"name".into()).expect("name");
    assert_eq!(
        name.as_string().as_deref(),
        Some("DiagramStateError"),
        "{what}"
    );
    Reflect::get(&error, &"code".into())
        .expect("code")
        .as_string()
        .expect("a string code")
}

async fn open(options: Value) -> LocalDiagrams {
    let value = ok("open", LocalDiagrams::open(js(&options))).await;
    LocalDiagrams::try_from_js_value(value).expect("a LocalDiagrams")
}

#[wasm_bindgen_test]
async fn the_directory_works_from_javascript_in_memory() {
    let diagrams = open(json!({ "storage": "memory" })).await;
    assert_eq!(diagrams.storage(), "memory");
    let entry = json_of(
        &ok(
            "create",
            diagrams.create(js(&json!({ "name": "Flow", "cells": [node("a", 1)] }))),
        )
        .await,
    );
    assert_eq!(entry["storageType"], "local");
    assert_eq!(entry["version"], 0);
    let id = JsValue::from_str(entry["id"].as_str().expect("an id"));

    let renamed = json_of(&ok("rename", diagrams.rename(id.clone(), "Renamed".into())).await);
    assert_eq!(renamed["name"], "Renamed");
    let copy = json_of(
        &ok(
            "duplicate",
            diagrams.duplicate(id.clone(), JsValue::UNDEFINED),
        )
        .await,
    );
    assert_eq!(copy["name"], "Renamed (copy)");
    let listed = json_of(&ok("list", diagrams.list()).await);
    assert_eq!(listed["diagrams"].as_array().map(Vec::len), Some(2));
    assert_eq!(listed["skipped"], json!([]));

    let document = json!({ "cells": [node("b", 1), node("a", 2)] });
    let imported = json_of(
        &ok(
            "import",
            diagrams.import_document(js(&document), js(&json!({ "name": "Doc" }))),
        )
        .await,
    );
    let imported_id = JsValue::from_str(imported["id"].as_str().expect("an id"));
    let exported = ok("export", diagrams.export_document(imported_id.clone())).await;
    assert_eq!(json_of(&exported), document);
    // JSON text is accepted too.
    let text = JsValue::from_str(&document.to_string());
    ok(
        "import text",
        diagrams.import_document(text, js(&json!({ "name": "Text" }))),
    )
    .await;

    ok("delete", diagrams.delete(imported_id.clone())).await;
    assert_eq!(
        code_of("export deleted", diagrams.export_document(imported_id)).await,
        "DIAGRAM_NOT_FOUND"
    );

    diagrams.close();
    assert!(diagrams.closed());
    assert_eq!(
        code_of("list closed", diagrams.list()).await,
        "STORE_CLOSED"
    );
}

#[wasm_bindgen_test]
async fn wrong_arguments_reject_with_invalid_argument() {
    for options in [
        JsValue::from_f64(42.0),
        js(&json!({ "storage": "disk" })),
        js(&json!({ "bogus": 1 })),
        js(&json!({ "dbName": "" })),
        js(&json!({ "onVersionChange": 5 })),
    ] {
        assert_eq!(
            code_of("open", LocalDiagrams::open(options)).await,
            "INVALID_ARGUMENT"
        );
    }
    let diagrams = open(json!({ "storage": "memory" })).await;
    for options in [
        JsValue::UNDEFINED,
        JsValue::from_str("Flow"),
        js(&json!({ "name": 5 })),
        js(&json!({ "name": "x", "color": "red" })),
        js(&json!({ "name": "x", "storageType": "cloud" })),
    ] {
        assert_eq!(
            code_of("create", diagrams.create(options)).await,
            "INVALID_ARGUMENT"
        );
    }
    assert_eq!(
        code_of(
            "rename",
            diagrams.rename(JsValue::from_f64(1.0), "x".into())
        )
        .await,
        "INVALID_ARGUMENT"
    );
    assert_eq!(
        code_of("rename", diagrams.rename("d".into(), JsValue::NULL)).await,
        "INVALID_ARGUMENT"
    );
    assert_eq!(
        code_of(
            "duplicate",
            diagrams.duplicate("d".into(), JsValue::from_f64(3.0))
        )
        .await,
        "INVALID_ARGUMENT"
    );
    assert_eq!(
        code_of("delete", diagrams.delete(JsValue::NULL)).await,
        "INVALID_ARGUMENT"
    );
    assert_eq!(
        code_of("export", diagrams.export_document(JsValue::UNDEFINED)).await,
        "INVALID_ARGUMENT"
    );
    assert_eq!(
        code_of(
            "import",
            diagrams.import_document(JsValue::UNDEFINED, js(&json!({ "name": "x" })))
        )
        .await,
        "INVALID_ARGUMENT"
    );
    assert_eq!(
        code_of(
            "import",
            diagrams.import_document(js(&json!({ "cells": [] })), JsValue::NULL)
        )
        .await,
        "INVALID_ARGUMENT"
    );
    assert_eq!(
        code_of(
            "create empty name",
            diagrams.create(js(&json!({ "name": " " })))
        )
        .await,
        "INVALID_NAME"
    );

    // The module keeps working.
    ok(
        "create",
        diagrams.create(js(&json!({ "name": "Still fine" }))),
    )
    .await;
}

#[wasm_bindgen_test]
async fn an_invalid_document_rejects_with_every_problem_in_details() {
    let diagrams = open(json!({ "storage": "memory" })).await;
    let bad = json!({ "cells": [{ "shape": "rect" }, node("a", 1), node("a", 2)] });
    let error = settle(
        "import",
        diagrams.import_document(js(&bad), js(&json!({ "name": "Bad" }))),
    )
    .await
    .expect_err("rejects");
    assert_eq!(
        Reflect::get(&error, &"code".into())
            .ok()
            .and_then(|code| code.as_string())
            .as_deref(),
        Some("INVALID_DOCUMENT")
    );
    let details = json_of(&Reflect::get(&error, &"details".into()).expect("details"));
    assert_eq!(
        details["problems"],
        json!([
            { "index": 0, "problem": "a cell must have an \"id\"" },
            { "index": 2, "id": "a", "problem": "duplicate id (first at index 1)" },
        ])
    );
    assert_eq!(
        code_of(
            "import text",
            diagrams.import_document("{oops".into(), js(&json!({ "name": "Bad" })))
        )
        .await,
        "INVALID_DOCUMENT"
    );
    let listed = json_of(&ok("list", diagrams.list()).await);
    assert_eq!(listed["diagrams"], json!([]), "nothing was written");
}

#[wasm_bindgen_test]
async fn diagrams_persist_across_opens_in_indexed_db() {
    let name = unique_name("binding");
    let options = json!({ "dbName": name });
    let diagrams = open(options.clone()).await;
    assert_eq!(diagrams.storage(), "indexeddb");
    ok(
        "create",
        diagrams.create(js(&json!({ "name": "Kept", "storageType": "private" }))),
    )
    .await;
    diagrams.close();
    drop(diagrams);

    let reopened = open(options).await;
    let listed = json_of(&ok("list", reopened.list()).await);
    assert_eq!(listed["diagrams"][0]["name"], "Kept");
    assert_eq!(listed["diagrams"][0]["storageType"], "private");
    reopened.close();
    drop(reopened);
    delete_database(&name).await;
}
