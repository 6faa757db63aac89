//! Migration of the older layout (IndexedDB version 1, see [`schema`](super::schema)) inside
//! the upgrade transaction: every older record whose cells can be moved out without loss
//! becomes a directory record plus one record per cell; a record that cannot (malformed
//! cells, no name, an unreadable date) is left exactly as it was and listed, and reads as a
//! corrupt record afterwards. If a write fails, the upgrade transaction is aborted, so the
//! database stays at the older layout and opening fails with `MIGRATION_FAILED`.

use std::cell::RefCell;
use std::rc::Rc;

use serde::Serialize;
use serde_json::json;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::codec;
use super::keys;
use super::schema::{
    CELLS, DB_VERSION, DIAGRAMS, LEGACY_VERSION, META, SCHEMA_KEY, SCHEMA_VERSION,
};
use crate::core::model::cell_id;
use crate::core::storage::legacy::migrate_legacy_record;
use crate::core::storage::{CorruptRecord, RecordStore};

/// What a migration did, as JavaScript sees it: `{ migrated: 3, leftAsIs: [...] }`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MigrationReport {
    /// How many older records were migrated.
    pub migrated: usize,
    /// The older records left as they were, with the reason.
    pub left_as_is: Vec<CorruptRecord>,
}

/// The state of a migration, shared between the upgrade callbacks and the opener.
#[derive(Debug, Default)]
pub(super) struct MigrationState {
    /// Set once the migration started.
    pub started: bool,
    /// Set when it completed its writes.
    pub report: Option<MigrationReport>,
    /// Set when it failed (the upgrade is then aborted).
    pub failure: Option<String>,
}

/// Shared migration state.
pub(super) type Migration = Rc<RefCell<MigrationState>>;

/// Starts the migration in the upgrade transaction `tx`: reads every older record, and
/// writes the new ones when the read completes.
pub(super) fn start(tx: &web_sys::IdbTransaction, migration: &Migration) -> Result<(), JsValue> {
    migration.borrow_mut().started = true;
    let diagrams = tx.object_store(DIAGRAMS)?;
    if diagrams.key_path()?.as_string().as_deref() != Some("id") {
        let reason = "the older `diagrams` store is not keyed by `id`".to_owned();
        migration.borrow_mut().failure = Some(reason);
        // Aborting rolls the upgrade back; an error thrown from the upgrade handler would
        // do the same but also reach the page as an uncaught error.
        let _ = tx.abort();
        return Ok(());
    }
    let request = diagrams.get_all()?;
    let on_read = {
        let tx = tx.clone();
        let request = request.clone();
        let migration = Rc::clone(migration);
        move |_event: web_sys::Event| {
            let outcome = migrate_all(&tx, &request);
            let mut state = migration.borrow_mut();
            match outcome {
                Ok(report) => state.report = Some(report),
                Err(reason) => {
                    state.failure = Some(reason);
                    let _ = tx.abort();
                }
            }
        }
    };
    request.set_onsuccess(Some(Closure::once_into_js(on_read).unchecked_ref()));
    Ok(())
}

fn describe(error: JsValue) -> String {
    super::errors::from_js(error).to_string()
}

fn migrate_all(
    tx: &web_sys::IdbTransaction,
    request: &web_sys::IdbRequest,
) -> Result<MigrationReport, String> {
    let records: js_sys::Array = request
        .result()
        .map_err(describe)?
        .dyn_into()
        .map_err(|_| "the older records could not be read".to_owned())?;
    let diagrams = tx.object_store(DIAGRAMS).map_err(describe)?;
    let cells = tx.object_store(CELLS).map_err(describe)?;
    let now = js_sys::Date::now();
    let parse_time = |text: &str| Some(js_sys::Date::parse(text)).filter(|time| time.is_finite());
    let mut report = MigrationReport::default();
    for (index, value) in records.iter().enumerate() {
        let key =
            match js_sys::Reflect::get(&value, &JsValue::from_str("id")).map(|id| id.as_string()) {
                Ok(Some(id)) => id,
                _ => format!("#{index}"),
            };
        let migrated =
            codec::to_json(&value).and_then(|json| migrate_legacy_record(&json, parse_time, now));
        let migrated = match migrated {
            Ok(migrated) => migrated,
            Err(reason) => {
                report.left_as_is.push(CorruptRecord {
                    store: RecordStore::Diagrams,
                    key,
                    reason,
                });
                continue;
            }
        };
        let id = migrated.record.entry.id.clone();
        let entry = codec::to_js(&migrated.record.encode()).map_err(|error| error.to_string())?;
        diagrams.put(&entry).map_err(describe)?;
        for cell in &migrated.cells {
            // Migrated cells were validated: each has an id.
            let Ok(cell_id) = cell_id(&cell.cell) else {
                continue;
            };
            let text = cell.encode().map_err(|error| error.to_string())?;
            let cell_key = keys::cell(&id, cell_id);
            cells
                .put_with_key(&JsValue::from_str(&text), &cell_key)
                .map_err(describe)?;
        }
        report.migrated += 1;
    }
    let meta = json!({
        "schemaVersion": SCHEMA_VERSION,
        "idbVersion": DB_VERSION,
        "migratedFrom": LEGACY_VERSION,
        "migratedAt": now,
        "migrated": report.migrated,
        "leftAsIs": report.left_as_is,
    });
    let meta = codec::to_js(&meta).map_err(|error| error.to_string())?;
    tx.object_store(META)
        .map_err(describe)?
        .put_with_key(&meta, &JsValue::from_str(SCHEMA_KEY))
        .map_err(describe)?;
    Ok(report)
}
