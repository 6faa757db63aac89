//! The directory operations of [`IndexedDbStore`]: list, create, update, claim a hand-off,
//! duplicate, delete.

use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::TransactionMode;
use serde_json::Value;
use wasm_bindgen::JsValue;

use super::codec;
use super::errors::from_idb;
use super::keys;
use super::records::{entry_record, entry_value};
use super::schema::{CELLS, DIAGRAMS, OPLOG};
use super::store::IndexedDbStore;
use super::transaction::{begin, finish, issued, store};
use crate::core::clock::Clock;
use crate::core::model::cell_id;
use crate::core::storage::{
    checked_id, collect_directory, duplicate_entry, encode_cell, new_entry, validate_cells,
    CorruptRecords, DiagramEntry, Directory, EntryRecord, EntryUpdate, NewDiagram, StoreError,
};

impl IndexedDbStore {
    pub(super) async fn list_entries(&self) -> Result<Directory, StoreError> {
        self.check_open()?;
        let tx = begin(&self.db, &[DIAGRAMS], TransactionMode::Readonly)?;
        let diagrams = store(&tx, DIAGRAMS)?;
        let values = diagrams
            .get_all::<JsValue>()
            .primitive()
            .map_err(from_idb)?
            .await
            .map_err(from_idb)?;
        let mut records: Vec<Result<Value, String>> = Vec::with_capacity(values.len());
        for value in values {
            records.push(codec::to_json(&value.map_err(from_idb)?));
        }
        Ok(collect_directory(
            records
                .iter()
                .map(|record| record.as_ref().map_err(Clone::clone)),
        ))
    }

    pub(super) async fn create_diagram(
        &self,
        diagram: NewDiagram,
    ) -> Result<DiagramEntry, StoreError> {
        let problems = validate_cells(&diagram.cells);
        if !problems.is_empty() {
            return Err(StoreError::InvalidDocument { problems });
        }
        let id = match &diagram.id {
            Some(id) => {
                checked_id(id)?;
                id.clone()
            }
            None => Self::fresh_id(),
        };
        let entry = EntryRecord::new(
            new_entry(id.clone(), &diagram, self.clock.now())?,
            diagram.cells.len() as u64,
        );
        let mut texts = Vec::with_capacity(diagram.cells.len());
        for (order, cell) in diagram.cells.iter().enumerate() {
            let Ok(cell_id) = cell_id(cell) else { continue };
            texts.push((keys::cell(&id, cell_id), encode_cell(order as u64, cell)?));
        }
        self.check_open()?;
        self.write_new(&id, &entry, texts).await?;
        Ok(entry.entry)
    }

    /// Writes a new diagram in one transaction: its entry (refused if the id is taken) and
    /// its cells, after clearing any orphaned records under the same id.
    async fn write_new(
        &self,
        id: &str,
        entry: &EntryRecord,
        cells: Vec<(JsValue, String)>,
    ) -> Result<(), StoreError> {
        let tx = begin(
            &self.db,
            &[DIAGRAMS, CELLS, OPLOG],
            TransactionMode::Readwrite,
        )?;
        {
            let diagrams = store(&tx, DIAGRAMS)?;
            let cell_store = store(&tx, CELLS)?;
            let oplog = store(&tx, OPLOG)?;
            issued(diagrams.add(entry_value(entry)?).primitive())?;
            let whole = keys::whole_diagram(id)?;
            issued(cell_store.delete(whole.clone()).primitive())?;
            issued(oplog.delete(whole).primitive())?;
            for (key, text) in cells {
                issued(
                    cell_store
                        .put(JsValue::from_str(&text))
                        .with_key(key)
                        .primitive(),
                )?;
            }
        }
        finish(tx).await.map_err(|error| match error {
            StoreError::Backend { name, .. } if name == "ConstraintError" => {
                StoreError::DiagramExists { id: id.to_owned() }
            }
            other => other,
        })
    }

    pub(super) async fn update_diagram_entry(
        &self,
        id: &str,
        update: EntryUpdate,
    ) -> Result<DiagramEntry, StoreError> {
        self.check_open()?;
        let tx = begin(&self.db, &[DIAGRAMS], TransactionMode::Readwrite)?;
        let entry = {
            let diagrams = store(&tx, DIAGRAMS)?;
            let stored = diagrams
                .get::<JsValue, _, _>(JsValue::from_str(id))
                .primitive()
                .map_err(from_idb)?
                .await
                .map_err(from_idb)?;
            let mut record = entry_record(id, stored)?;
            update.apply(&mut record.entry, self.clock.now())?;
            issued(diagrams.put(entry_value(&record)?).primitive())?;
            record.entry
        };
        finish(tx).await?;
        Ok(entry)
    }

    pub(super) async fn claim_diagram_handoff(
        &self,
        id: &str,
        from_tab: &str,
    ) -> Result<bool, StoreError> {
        self.check_open()?;
        let tx = begin(&self.db, &[DIAGRAMS], TransactionMode::Readwrite)?;
        let claimed = {
            let diagrams = store(&tx, DIAGRAMS)?;
            let stored = diagrams
                .get::<JsValue, _, _>(JsValue::from_str(id))
                .primitive()
                .map_err(from_idb)?
                .await
                .map_err(from_idb)?;
            let mut record = entry_record(id, stored)?;
            let claimed = record.claim_handoff(from_tab);
            if claimed {
                issued(diagrams.put(entry_value(&record)?).primitive())?;
            }
            claimed
        };
        finish(tx).await?;
        Ok(claimed)
    }

    pub(super) async fn duplicate_diagram(
        &self,
        id: &str,
        name: Option<&str>,
    ) -> Result<DiagramEntry, StoreError> {
        self.check_open()?;
        let tx = begin(&self.db, &[DIAGRAMS, CELLS], TransactionMode::Readwrite)?;
        let entry = {
            let diagrams = store(&tx, DIAGRAMS)?;
            let cell_store = store(&tx, CELLS)?;
            let stored = diagrams
                .get::<JsValue, _, _>(JsValue::from_str(id))
                .primitive()
                .map_err(from_idb)?;
            let values = cell_store
                .get_all::<JsValue>()
                .with_query::<JsValue, _>(keys::whole_diagram(id)?)
                .primitive()
                .map_err(from_idb)?;
            let stored_keys = cell_store
                .get_all_keys::<JsValue>()
                .with_query::<JsValue, _>(keys::whole_diagram(id)?)
                .primitive()
                .map_err(from_idb)?;
            let source = entry_record(id, stored.await.map_err(from_idb)?)?;
            let values = values.await.map_err(from_idb)?;
            let cell_ids = super::content::cell_ids(stored_keys.await.map_err(from_idb)?);
            let collector = super::content::collect_cells(id, values, &cell_ids)?;
            let (cells, skipped) = collector.finish(|_| None);
            if let Some(report) = CorruptRecords::from_list(skipped) {
                return Err(report.into());
            }
            let new_id = Self::fresh_id();
            let entry = EntryRecord::new(
                duplicate_entry(&source.entry, new_id.clone(), name, self.clock.now())?,
                cells.len() as u64,
            );
            issued(diagrams.add(entry_value(&entry)?).primitive())?;
            for (order, cell) in cells.iter().enumerate() {
                let Ok(cell_id) = cell_id(cell) else { continue };
                let text = encode_cell(order as u64, cell)?;
                issued(
                    cell_store
                        .put(JsValue::from_str(&text))
                        .with_key(keys::cell(&new_id, cell_id))
                        .primitive(),
                )?;
            }
            entry.entry
        };
        finish(tx).await?;
        Ok(entry)
    }

    pub(super) async fn delete_diagram(&self, id: &str) -> Result<(), StoreError> {
        self.check_open()?;
        let tx = begin(
            &self.db,
            &[DIAGRAMS, CELLS, OPLOG],
            TransactionMode::Readwrite,
        )?;
        let existed = {
            let diagrams = store(&tx, DIAGRAMS)?;
            let stored = diagrams
                .get::<JsValue, _, _>(JsValue::from_str(id))
                .primitive()
                .map_err(from_idb)?;
            let whole = keys::whole_diagram(id)?;
            issued(diagrams.delete(JsValue::from_str(id)).primitive())?;
            issued(store(&tx, CELLS)?.delete(whole.clone()).primitive())?;
            issued(store(&tx, OPLOG)?.delete(whole).primitive())?;
            stored.await.map_err(from_idb)?.is_some()
        };
        finish(tx).await?;
        if existed {
            Ok(())
        } else {
            Err(StoreError::DiagramNotFound { id: id.to_owned() })
        }
    }
}
