//! The IndexedDB schema: store names, versions, and the upgrade that creates the stores.
//!
//! | IndexedDB version | Layout |
//! |---|---|
//! | 1 | the older layout: a `diagrams` store keyed by `id` whose records hold their cells inline (`cells: [...]`) and may lack `storageType` (immersive2-style) |
//! | 2 | schema 1 of this crate: `diagrams`, `cells`, `oplog`, `meta` (below) |
//!
//! - `diagrams`: key path `id`; one directory record per diagram (see
//!   [`EntryRecord`](crate::core::storage::EntryRecord)).
//! - `cells`: out-of-line key `[diagramId, cellId]`; the value is JSON text
//!   `{"order":n,"cell":{…}}`. All cells of a diagram lie in the key range
//!   `[diagramId] … [diagramId, []]`, so a load is one `getAll` over that range.
//! - `oplog`: out-of-line key `[diagramId, version]`; the value is JSON text of an
//!   [`OplogRecord`](crate::core::storage::OplogRecord). Compacted to a window at each
//!   commit with one range delete.
//! - `meta`: out-of-line string keys; `schema` holds `{ schemaVersion, idbVersion,
//!   migratedFrom?, migratedAt?, migrated?, leftAsIs? }`.

use indexed_db_futures::database::{Database, VersionChangeEvent};
use indexed_db_futures::internals::SystemRepr;
use indexed_db_futures::prelude::*;
use indexed_db_futures::KeyPath;
use serde_json::json;
use wasm_bindgen::{JsCast, JsValue};

use super::codec;
use super::migration::{self, Migration};

/// The IndexedDB version of this crate's schema 1.
pub const DB_VERSION: u32 = 2;
/// The version of this crate's schema, recorded in `meta`.
pub const SCHEMA_VERSION: u32 = 1;
/// The IndexedDB version of the older layout that is migrated.
pub const LEGACY_VERSION: u32 = 1;
/// The directory store.
pub const DIAGRAMS: &str = "diagrams";
/// The cell store.
pub const CELLS: &str = "cells";
/// The op-log store.
pub const OPLOG: &str = "oplog";
/// The metadata store.
pub const META: &str = "meta";
/// The key of the schema record in `meta`.
pub const SCHEMA_KEY: &str = "schema";
/// The database name used when none is given.
pub const DEFAULT_DB_NAME: &str = "diagram-state";

/// Runs in `upgradeneeded`: creates the missing stores, records the schema, and starts the
/// migration of an older layout (which finishes inside the same upgrade transaction, so
/// the database only opens once it is done; if it fails, the upgrade is rolled back).
pub(super) fn upgrade(
    event: &VersionChangeEvent,
    db: &Database,
    migration: &Migration,
) -> indexed_db_futures::Result<()> {
    let old_version = event.old_version() as u64;
    let existing: Vec<String> = db.object_store_names().collect();
    let has = |name: &str| existing.iter().any(|store| store == name);
    let legacy = old_version == u64::from(LEGACY_VERSION) && has(DIAGRAMS);

    let mut upgrade_tx: Option<web_sys::IdbTransaction> = None;
    let mut remember = |store: &indexed_db_futures::object_store::ObjectStore<'_>| {
        if upgrade_tx.is_none() {
            upgrade_tx = Some(store.transaction().as_sys().clone().unchecked_into());
        }
    };
    if !has(DIAGRAMS) {
        let store = db
            .create_object_store(DIAGRAMS)
            .with_key_path(KeyPath::from("id"))
            .build()?;
        remember(&store);
    }
    for name in [CELLS, OPLOG, META] {
        if !has(name) {
            let store = db.create_object_store(name).build()?;
            remember(&store);
        }
    }
    let Some(tx) = upgrade_tx else {
        return Ok(());
    };
    if legacy {
        migration::start(&tx, migration)?;
    } else {
        let record = json!({ "schemaVersion": SCHEMA_VERSION, "idbVersion": DB_VERSION });
        let value = codec::to_js(&record).map_err(|error| JsValue::from_str(&error.to_string()))?;
        tx.object_store(META)?
            .put_with_key(&value, &JsValue::from_str(SCHEMA_KEY))?;
    }
    Ok(())
}
