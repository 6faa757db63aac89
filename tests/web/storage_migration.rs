//! Opening a database in the older layout (IndexedDB version 1: a `diagrams` store whose
//! records hold their cells inline and may lack `storageType`) migrates it without loss.

use diagram_state::core::error::ErrorCode;
use diagram_state::core::storage::{DiagramStore, StorageType};
use diagram_state::platform::indexed_db::{schema, IndexedDbStore, OpenOptions};
use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use indexed_db_futures::KeyPath;
use serde_json::{json, Value};
use wasm_bindgen_test::wasm_bindgen_test;

use crate::storage_support::{
    bounded, delete_database, edge, js, json_of, node, open_store, raw_connection, raw_put,
    raw_values, unique_name,
};

/// Creates database `name` at version 1 with the older layout and these records.
async fn older_layout(name: &str, keyed_by_id: bool, records: &[Value]) {
    let request = Database::open(name)
        .with_version(1u32)
        .with_on_upgrade_needed(move |_event, db| {
            let builder = db.create_object_store("diagrams");
            if keyed_by_id {
                builder.with_key_path(KeyPath::from("id")).build()?;
            } else {
                builder.build()?;
            }
            Ok(())
        })
        .build()
        .expect("open request");
    let db = bounded("creating the older layout", request)
        .await
        .expect("opens");
    for record in records {
        let key = (!keyed_by_id).then(|| js(&record["id"]));
        raw_put(&db, "diagrams", key, js(record)).await;
    }
    db.close();
}

#[wasm_bindgen_test]
async fn an_older_layout_is_migrated_without_loss() {
    let name = unique_name("migrate");
    let alpha_cells = vec![node("n2", 1), node("n1", 2), edge("e", "n2", "n1")];
    let records = [
        json!({ "id": "alpha", "name": "Alpha", "description": "first",
                "createdAt": "2024-01-02T03:04:05.000Z", "owner": "ann", "cells": alpha_cells }),
        json!({ "id": "beta", "name": "Beta", "storageType": "local", "createdAt": 1_700_000_000_000u64,
                "cells": [] }),
        json!({ "id": "broken", "name": "Broken", "cells": [{ "shape": "rect" }] }),
    ];
    older_layout(&name, true, &records).await;

    let store = open_store(&name).await;
    let report = store.migration().expect("a migration ran").clone();
    assert_eq!(report.migrated, 2);
    assert_eq!(report.left_as_is.len(), 1);
    assert_eq!(report.left_as_is[0].key, "broken");

    let directory = bounded("list", store.list()).await.expect("lists");
    let mut entries = directory.diagrams.clone();
    entries.sort_by(|a, b| a.id.cmp(&b.id));
    assert_eq!(entries.len(), 2);
    let (alpha, beta) = (&entries[0], &entries[1]);
    assert_eq!(
        alpha.storage_type,
        StorageType::Public,
        "no storageType reads as public"
    );
    assert_eq!(beta.storage_type, StorageType::Local);
    assert_eq!(alpha.description, "first");
    assert_eq!(
        alpha.created_at,
        js_sys::Date::parse("2024-01-02T03:04:05.000Z")
    );
    assert_eq!(beta.created_at, 1_700_000_000_000.0);
    assert_eq!(alpha.version, 0);
    // The record that could not be migrated is kept as it was, and listed.
    assert_eq!(directory.skipped.len(), 1);
    assert_eq!(directory.skipped[0].key, "broken");
    assert!(directory.skipped[0].reason.contains("inline"));

    let loaded = bounded("load", store.load("alpha")).await.expect("loads");
    assert!(loaded.is_complete());
    assert_eq!(loaded.cells, alpha_cells, "every cell, in the inline order");
    drop(store);

    // Unknown fields survive; the inline cells moved out; the broken record is untouched.
    let raw = raw_connection(&name).await;
    assert_eq!(raw.version(), f64::from(schema::DB_VERSION));
    let stored: Vec<Value> = raw_values(&raw, schema::DIAGRAMS)
        .await
        .iter()
        .map(json_of)
        .collect();
    let alpha = stored
        .iter()
        .find(|record| record["id"] == "alpha")
        .expect("alpha");
    assert_eq!(alpha["owner"], "ann");
    assert!(alpha.get("cells").is_none());
    let broken = stored
        .iter()
        .find(|record| record["id"] == "broken")
        .expect("broken");
    assert_eq!(broken, &records[2]);
    let meta: Vec<Value> = raw_values(&raw, schema::META)
        .await
        .iter()
        .map(json_of)
        .collect();
    assert_eq!(meta[0]["schemaVersion"], schema::SCHEMA_VERSION);
    assert_eq!(meta[0]["migratedFrom"], 1);
    raw.close();

    // Reopening does not migrate again and reads the same diagrams.
    let again = open_store(&name).await;
    assert!(again.migration().is_none());
    let reloaded = bounded("load", again.load("alpha")).await.expect("loads");
    assert_eq!(reloaded.cells, alpha_cells);
    drop(again);
    delete_database(&name).await;
}

#[wasm_bindgen_test]
async fn a_migration_that_cannot_run_changes_nothing() {
    let name = unique_name("migrate-fail");
    let record = json!({ "id": "alpha", "name": "Alpha", "cells": [node("n", 1)] });
    older_layout(&name, false, std::slice::from_ref(&record)).await;

    let opened = bounded(
        "opening",
        IndexedDbStore::open(OpenOptions {
            name: name.clone(),
            ..OpenOptions::default()
        }),
    )
    .await;
    let error = opened.expect_err("the migration fails");
    assert_eq!(error.code(), "MIGRATION_FAILED");

    let raw = raw_connection(&name).await;
    assert_eq!(raw.version(), 1.0, "still the older layout");
    let stored: Vec<Value> = raw_values(&raw, "diagrams")
        .await
        .iter()
        .map(json_of)
        .collect();
    assert_eq!(stored, [record]);
    raw.close();
    delete_database(&name).await;
}
