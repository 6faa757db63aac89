//! Reading and writing directory records and raw cell values of IndexedDB with the core's
//! codecs.

use wasm_bindgen::JsValue;

use super::codec;
use crate::core::storage::{CorruptRecord, CorruptRecords, EntryRecord, RecordStore, StoreError};

/// The directory record read for `id`: `DIAGRAM_NOT_FOUND` when there is none,
/// `CORRUPT_RECORDS` (naming it) when it cannot be read.
pub(super) fn entry_record(id: &str, stored: Option<JsValue>) -> Result<EntryRecord, StoreError> {
    let Some(value) = stored else {
        return Err(StoreError::DiagramNotFound { id: id.to_owned() });
    };
    codec::to_json(&value)
        .and_then(|json| EntryRecord::decode(&json))
        .map_err(|reason| {
            StoreError::CorruptRecords(CorruptRecords {
                records: vec![CorruptRecord {
                    store: RecordStore::Diagrams,
                    key: id.to_owned(),
                    reason,
                }],
            })
        })
}

/// A directory record as the object IndexedDB stores.
pub(super) fn entry_value(record: &EntryRecord) -> Result<JsValue, StoreError> {
    codec::to_js(&record.encode())
}
