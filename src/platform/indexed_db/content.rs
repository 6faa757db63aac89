//! The content operations of [`IndexedDbStore`]: load (one range read), commit (one
//! readwrite transaction with the stale check, the changes applied to the stored cells it
//! reads, and the next link of the hash chain), and the op log since a version.

use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::TransactionMode;
use wasm_bindgen::JsValue;

use super::codec;
use super::errors::from_idb;
use super::keys;
use super::records::{entry_record, entry_value};
use super::schema::{CELLS, DIAGRAMS, OPLOG};
use super::store::IndexedDbStore;
use super::transaction::{begin, finish, issued, store};
use crate::core::clock::Clock;
use crate::core::storage::records::record_key;
use crate::core::storage::{
    check_base, collect_since, CellCollector, CellRecord, CellWrite, Commit, Committed,
    CorruptRecord, CorruptRecords, LoadedDiagram, OplogRecord, OplogSince, RawCell, RecordStore,
    StoreError,
};

/// Reads the cell records of one `getAll` into a collector, with the cell ids of their keys
/// (one `getAllKeys` over the same range): text records are decoded, anything else, or a
/// record that holds another cell than its key names, is kept as corrupt.
pub(super) fn collect_cells(
    id: &str,
    values: impl ExactSizeIterator<Item = Result<JsValue, indexed_db_futures::error::Error>>,
    keys: &[Option<String>],
) -> Result<CellCollector, StoreError> {
    let mut collector = CellCollector::new(id, values.len());
    for (index, value) in values.enumerate() {
        let value = value.map_err(from_idb)?;
        let key = keys.get(index).and_then(Option::as_deref);
        match value.as_string() {
            Some(text) => collector.push(key, RawCell::Text(&text)),
            None => collector.push(key, RawCell::NotText(codec::js_type(&value))),
        }
    }
    Ok(collector)
}

/// The cell ids of the keys of one `getAllKeys` over a diagram's range (`None` for a key
/// that is not `[diagramId, cellId]`).
pub(super) fn cell_ids(
    keys: impl Iterator<Item = Result<JsValue, indexed_db_futures::error::Error>>,
) -> Vec<Option<String>> {
    keys.map(|key| key.ok().and_then(|key| second_of(&key)))
        .collect()
}

impl IndexedDbStore {
    pub(super) async fn load_diagram(&self, id: &str) -> Result<LoadedDiagram, StoreError> {
        self.check_open()?;
        let tx = begin(&self.db, &[DIAGRAMS, CELLS], TransactionMode::Readonly)?;
        let diagrams = store(&tx, DIAGRAMS)?;
        let cells = store(&tx, CELLS)?;
        let range = keys::whole_diagram(id)?;
        // Both requests go out at once; the cells are one getAll over the diagram's range.
        let stored = diagrams
            .get::<JsValue, _, _>(JsValue::from_str(id))
            .primitive()
            .map_err(from_idb)?;
        let values = cells
            .get_all::<JsValue>()
            .with_query::<JsValue, _>(range.clone())
            .primitive()
            .map_err(from_idb)?;
        let stored_keys = cells
            .get_all_keys::<JsValue>()
            .with_query::<JsValue, _>(range)
            .primitive()
            .map_err(from_idb)?;
        let record = entry_record(id, stored.await.map_err(from_idb)?)?;
        let values = values.await.map_err(from_idb)?;
        let keys = cell_ids(stored_keys.await.map_err(from_idb)?);
        let collector = collect_cells(id, values, &keys)?;
        let (cells, skipped) = collector.finish(|_| None);
        Ok(LoadedDiagram {
            version: record.entry.version,
            head_hash: record.head(),
            entry: record.entry,
            cells,
            skipped,
        })
    }

    pub(super) async fn commit_entry(&self, commit: &Commit) -> Result<Committed, StoreError> {
        commit.validate()?;
        self.check_open()?;
        let id = commit.diagram_id.as_str();
        let now = self.clock.now();
        let version = commit.new_version()?;
        let touched = commit.touched();

        let tx = begin(
            &self.db,
            &[DIAGRAMS, CELLS, OPLOG],
            TransactionMode::Readwrite,
        )?;
        let hash = {
            let diagrams = store(&tx, DIAGRAMS)?;
            let cells = store(&tx, CELLS)?;
            let oplog = store(&tx, OPLOG)?;
            // Every read goes out at once; the writes follow in the callbacks, so the
            // transaction stays active and nothing can slip in between.
            let stored = diagrams
                .get::<JsValue, _, _>(JsValue::from_str(id))
                .primitive()
                .map_err(from_idb)?;
            let mut reads = Vec::with_capacity(touched.len());
            for cell_id in &touched {
                reads.push(
                    cells
                        .get::<JsValue, _, _>(keys::cell(id, cell_id))
                        .primitive()
                        .map_err(from_idb)?,
                );
            }
            let mut record = entry_record(id, stored.await.map_err(from_idb)?)?;
            // Stale: return before writing anything; dropping the transaction aborts it.
            check_base(record.entry.version, commit.base_version)?;
            let mut stored_cells = Vec::with_capacity(reads.len());
            for (cell_id, read) in touched.iter().zip(reads) {
                let value = read.await.map_err(from_idb)?;
                stored_cells.push(
                    value
                        .map(|value| stored_cell(id, cell_id, &value))
                        .transpose()?,
                );
            }
            let writes = commit.writes(stored_cells, &mut record.next_order)?;
            let hash = commit.link(record.head())?;
            let oplog_text = commit.oplog_record(now, hash)?.encode()?;
            for write in writes {
                match write {
                    CellWrite::Put {
                        id: cell_id,
                        record,
                    } => issued(
                        cells
                            .put(JsValue::from_str(&record.encode()?))
                            .with_key(keys::cell(id, &cell_id))
                            .primitive(),
                    )?,
                    CellWrite::Delete { id: cell_id } => {
                        issued(cells.delete(keys::cell(id, &cell_id)).primitive())?
                    }
                }
            }
            issued(
                oplog
                    .put(JsValue::from_str(&oplog_text))
                    .with_key(keys::oplog(id, version))
                    .primitive(),
            )?;
            if let Some(through) = self.window.compact_through(version) {
                issued(oplog.delete(keys::oplog_through(id, through)?).primitive())?;
            }
            record.entry.version = version;
            record.entry.updated_at = now;
            record.head_hash = Some(hash);
            issued(diagrams.put(entry_value(&record)?).primitive())?;
            hash
        };
        finish(tx).await?;
        Ok(Committed { version, hash })
    }

    pub(super) async fn read_oplog_since(
        &self,
        id: &str,
        after_version: u64,
    ) -> Result<OplogSince, StoreError> {
        self.check_open()?;
        let tx = begin(&self.db, &[DIAGRAMS, OPLOG], TransactionMode::Readonly)?;
        let diagrams = store(&tx, DIAGRAMS)?;
        let oplog = store(&tx, OPLOG)?;
        let stored = diagrams
            .get::<JsValue, _, _>(JsValue::from_str(id))
            .primitive()
            .map_err(from_idb)?;
        let values = oplog
            .get_all::<JsValue>()
            .with_query::<JsValue, _>(keys::oplog_after(id, after_version)?)
            .primitive()
            .map_err(from_idb)?;
        let stored_version = entry_record(id, stored.await.map_err(from_idb)?)?
            .entry
            .version;
        let mut read = Vec::new();
        for (index, value) in values.await.map_err(from_idb)?.enumerate() {
            let value = value.map_err(from_idb)?;
            let decoded = match value.as_string() {
                Some(text) => OplogRecord::decode(&text, id, None),
                None => Err(format!(
                    "not an op-log record (found {})",
                    codec::js_type(&value)
                )),
            };
            read.push(decoded.map_err(|reason| CorruptRecord {
                store: RecordStore::Oplog,
                key: record_key::position(id, index),
                reason,
            }));
        }
        Ok(collect_since(after_version, stored_version, read))
    }
}

/// A stored cell record a commit touches, read as text; one that cannot be read stops the
/// commit (`CORRUPT_RECORDS`).
fn stored_cell(diagram_id: &str, cell_id: &str, value: &JsValue) -> Result<CellRecord, StoreError> {
    let decoded = match value.as_string() {
        Some(text) => CellRecord::decode_for(&text, cell_id),
        None => Err(format!(
            "not a cell record (found {})",
            codec::js_type(value)
        )),
    };
    decoded.map_err(|reason| {
        StoreError::CorruptRecords(CorruptRecords {
            records: vec![CorruptRecord {
                store: RecordStore::Cells,
                key: record_key::cell(diagram_id, cell_id),
                reason,
            }],
        })
    })
}

/// The second element of an array key (the cell id of `[diagramId, cellId]`).
fn second_of(key: &JsValue) -> Option<String> {
    js_sys::Reflect::get_u32(key, 1)
        .ok()
        .and_then(|cell| cell.as_string())
}
