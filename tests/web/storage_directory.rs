//! The directory in IndexedDB: create, list, rename, duplicate, delete; import and export
//! of X6 documents, with invalid documents refused before anything is written.

use diagram_state::core::error::ErrorCode;
use diagram_state::core::storage::{
    DiagramStore, EntryUpdate, NewDiagram, StorageType, StoreError,
};
use serde_json::json;
use wasm_bindgen_test::wasm_bindgen_test;

use crate::storage_support::{
    bounded, create, delete_database, edge, node, open_store, unique_name,
};

#[wasm_bindgen_test]
async fn directory_operations() {
    let name = unique_name("directory");
    let store = open_store(&name).await;
    let first = create(&store, "First", vec![node("a", 1), node("b", 2)]).await;
    let second = create(&store, "Second", vec![]).await;

    let directory = bounded("list", store.list()).await.expect("lists");
    assert!(directory.skipped.is_empty());
    let mut names: Vec<&str> = directory
        .diagrams
        .iter()
        .map(|entry| entry.name.as_str())
        .collect();
    names.sort_unstable();
    assert_eq!(names, ["First", "Second"]);
    assert!(directory
        .diagrams
        .iter()
        .all(|entry| entry.storage_type == StorageType::Local));

    let renamed = bounded("rename", store.rename(&first, "Renamed"))
        .await
        .expect("renames");
    assert_eq!(renamed.name, "Renamed");
    let refused = bounded("rename to nothing", store.rename(&first, " "))
        .await
        .unwrap_err();
    assert_eq!(refused.code(), "INVALID_NAME");

    let copy = bounded("duplicate", store.duplicate(&first, Some("Copy")))
        .await
        .expect("duplicates");
    assert_eq!((copy.name.as_str(), copy.version), ("Copy", 0));
    let copied = bounded("load copy", store.load(&copy.id))
        .await
        .expect("loads");
    assert_eq!(copied.cells, [node("a", 1), node("b", 2)]);

    let update = EntryUpdate {
        public_copy_id: Some(Some("pub-9".into())),
        last_pushed_at: Some(Some(123.0)),
        public_version: Some(Some(4)),
        ..EntryUpdate::default()
    };
    let updated = bounded("update", store.update_entry(&first, update))
        .await
        .expect("updates");
    assert_eq!(updated.public_copy_id.as_deref(), Some("pub-9"));
    assert_eq!(updated.public_version, Some(4));

    bounded("delete", store.delete(&second))
        .await
        .expect("deletes");
    let error = bounded("delete again", store.delete(&second))
        .await
        .unwrap_err();
    assert_eq!(error.code(), "DIAGRAM_NOT_FOUND");
    let error = bounded("load deleted", store.load(&second))
        .await
        .unwrap_err();
    assert_eq!(error.code(), "DIAGRAM_NOT_FOUND");
    assert_eq!(
        bounded("list", store.list())
            .await
            .expect("lists")
            .diagrams
            .len(),
        2
    );

    let taken = NewDiagram {
        id: Some(first.clone()),
        ..NewDiagram::local("Clash")
    };
    let error = bounded("create with a taken id", store.create(taken))
        .await
        .unwrap_err();
    assert_eq!(error, StoreError::DiagramExists { id: first.clone() });
    let loaded = bounded("load", store.load(&first)).await.expect("loads");
    assert_eq!(loaded.entry.name, "Renamed", "the clash overwrote nothing");
    assert_eq!(loaded.cells.len(), 2);
    drop(store);
    delete_database(&name).await;
}

#[wasm_bindgen_test]
async fn import_then_export_gives_back_the_input() {
    let name = unique_name("roundtrip");
    let store = open_store(&name).await;
    let document = json!({ "cells": [
        node("z", 10),
        { "id": "group", "shape": "rect", "children": ["z"], "zIndex": -1, "data": { "note": null } },
        node("a", 20),
        edge("e1", "z", "a"),
        { "id": "e2", "shape": "edge", "source": "a", "target": { "x": 4.25, "y": -1e-7 },
          "vertices": [{ "x": 1, "y": 2 }], "labels": [{ "attrs": { "text": { "text": "é ✓ \"q\"" } } }] },
    ] });
    let entry = bounded(
        "import",
        store.import_document(&document, NewDiagram::local("Imported")),
    )
    .await
    .expect("imports");
    let exported = bounded("export", store.export_document(&entry.id))
        .await
        .expect("exports");
    assert_eq!(exported, document);
    drop(store);
    delete_database(&name).await;
}

#[wasm_bindgen_test]
async fn an_invalid_document_is_refused_and_nothing_is_written() {
    let name = unique_name("invalid");
    let store = open_store(&name).await;
    let document = json!({ "cells": [node("a", 1), { "shape": "rect" }, edge("e", "a", "ghost"), node("a", 2)] });
    let error = bounded(
        "import",
        store.import_document(&document, NewDiagram::local("Bad")),
    )
    .await
    .unwrap_err();
    let StoreError::InvalidDocument { problems } = &error else {
        panic!("expected INVALID_DOCUMENT, got {error:?}");
    };
    let listed: Vec<(Option<usize>, Option<&str>)> = problems
        .iter()
        .map(|problem| (problem.index, problem.id.as_deref()))
        .collect();
    assert_eq!(
        listed,
        [(Some(1), None), (Some(2), Some("e")), (Some(3), Some("a"))]
    );
    let directory = bounded("list", store.list()).await.expect("lists");
    assert!(directory.diagrams.is_empty());
    drop(store);
    delete_database(&name).await;
}
