//! What a load returns, and how both stores assemble it from the raw cell records of one
//! range read: decoded, corrupt ones skipped and listed, sorted into the stored order.

use std::collections::HashSet;

use serde::Serialize;
use serde_json::Value;

use super::chain::ChainHash;
use super::corrupt::{CorruptRecord, CorruptRecords, RecordStore};
use super::entry::DiagramEntry;
use super::error::StoreError;
use super::records::{record_key, CellRecord};
use crate::core::model::{cell_id, Diagram, ModelError};

/// A loaded diagram, as JavaScript sees it: `{ entry, cells, version, headHash, skipped }`.
///
/// When a cell record could not be read it is left out of `cells` and listed in `skipped`:
/// the load is then incomplete ([`LoadedDiagram::is_complete`] is `false`) and must not be
/// presented as the whole diagram, nor saved over it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LoadedDiagram {
    /// The directory entry.
    pub entry: DiagramEntry,
    /// The cells in stored order: the imported order, then the order of addition.
    pub cells: Vec<Value>,
    /// The committed version (the same as `entry.version`).
    pub version: u64,
    /// The hash chain's link of that version: what a tab's sync session starts from.
    pub head_hash: ChainHash,
    /// The cell records that could not be read; empty when the load is complete.
    pub skipped: Vec<CorruptRecord>,
}

impl LoadedDiagram {
    /// Whether every stored cell was read.
    pub fn is_complete(&self) -> bool {
        self.skipped.is_empty()
    }

    /// The report of the skipped records (`CORRUPT_RECORDS`), or `None` when complete.
    pub fn corruption(&self) -> Option<CorruptRecords> {
        CorruptRecords::from_list(self.skipped.clone())
    }

    /// The cells, only when the load is complete; otherwise the `CORRUPT_RECORDS` error.
    pub fn into_complete(self) -> Result<Self, StoreError> {
        match self.corruption() {
            None => Ok(self),
            Some(report) => Err(report.into()),
        }
    }

    /// The model's [`Diagram`] of these cells at this version.
    pub fn to_diagram(&self) -> Result<Diagram, ModelError> {
        Diagram::from_cells(self.cells.clone(), self.version)
    }
}

/// A raw cell record as a store read it.
#[derive(Debug)]
pub enum RawCell<'a> {
    /// Stored text (IndexedDB, or a raw record in memory).
    Text(&'a str),
    /// A record the memory store kept decoded.
    Decoded(&'a CellRecord),
    /// A value that is not text: its JSON type (`an object`, `a number`, …).
    NotText(&'a str),
}

/// Collects the cell records of one diagram, read in key order.
#[derive(Debug)]
pub struct CellCollector {
    diagram_id: String,
    cells: Vec<(u64, Value)>,
    seen: HashSet<String>,
    corrupt: Vec<(usize, Option<String>, String)>,
    index: usize,
}

impl CellCollector {
    /// A collector for `diagram_id` expecting about `capacity` records.
    pub fn new(diagram_id: &str, capacity: usize) -> Self {
        Self {
            diagram_id: diagram_id.to_owned(),
            cells: Vec::with_capacity(capacity),
            seen: HashSet::with_capacity(capacity),
            corrupt: Vec::new(),
            index: 0,
        }
    }

    /// Adds the next record in key order; `key` is its cell id when the store knows it, and
    /// a record holding another cell than its key names is corrupt.
    pub fn push(&mut self, key: Option<&str>, raw: RawCell<'_>) {
        let index = self.index;
        self.index += 1;
        let decoded = match raw {
            RawCell::Text(text) => CellRecord::decode(text),
            RawCell::Decoded(record) => Ok(record.clone()),
            RawCell::NotText(found) => Err(format!("not a cell record (found {found})")),
        };
        let record = match decoded {
            Ok(record) => record,
            Err(reason) => {
                self.corrupt.push((index, key.map(str::to_owned), reason));
                return;
            }
        };
        let id = cell_id(&record.cell).unwrap_or_default().to_owned();
        if let Some(key) = key.filter(|key| *key != id) {
            let reason = format!("stored under cell '{key}' but holds cell '{id}'");
            self.corrupt.push((index, Some(key.to_owned()), reason));
            return;
        }
        if !self.seen.insert(id.clone()) {
            let reason = format!("a second record for cell '{id}'");
            self.corrupt.push((index, key.map(str::to_owned), reason));
            return;
        }
        let cell =
            std::sync::Arc::try_unwrap(record.cell).unwrap_or_else(|shared| (*shared).clone());
        self.cells.push((record.order, cell));
    }

    /// The positions (in key order) of the records that could not be read.
    pub fn corrupt_positions(&self) -> Vec<usize> {
        self.corrupt.iter().map(|(index, _, _)| *index).collect()
    }

    /// The cells in stored order (order key, then id) and the skipped records. A skipped
    /// record is named by its cell id, or by `key_at(position)` when the store can look it
    /// up, or else by its position.
    pub fn finish(
        mut self,
        key_at: impl Fn(usize) -> Option<String>,
    ) -> (Vec<Value>, Vec<CorruptRecord>) {
        self.cells.sort_by(|(a_order, a), (b_order, b)| {
            a_order
                .cmp(b_order)
                .then_with(|| cell_id(a).ok().cmp(&cell_id(b).ok()))
        });
        let diagram_id = self.diagram_id;
        let skipped = self
            .corrupt
            .into_iter()
            .map(|(index, key, reason)| CorruptRecord {
                store: RecordStore::Cells,
                key: match key.or_else(|| key_at(index)) {
                    Some(cell) => record_key::cell(&diagram_id, &cell),
                    None => record_key::position(&diagram_id, index),
                },
                reason,
            })
            .collect();
        (
            self.cells.into_iter().map(|(_, cell)| cell).collect(),
            skipped,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::model::SharedCell;
    use serde_json::json;

    #[test]
    fn cells_come_back_in_stored_order_and_bad_records_are_named() {
        let first = CellRecord {
            order: 0,
            cell: SharedCell::new(json!({ "id": "z" })),
        };
        let second = CellRecord {
            order: 1,
            cell: SharedCell::new(json!({ "id": "a" })),
        }
        .encode()
        .unwrap();
        let mut collector = CellCollector::new("d", 4);
        collector.push(None, RawCell::Text(&second));
        collector.push(None, RawCell::NotText("an object"));
        collector.push(Some("q"), RawCell::Text("{oops"));
        collector.push(None, RawCell::Decoded(&first));
        assert_eq!(collector.corrupt_positions(), [1, 2]);
        let (cells, skipped) = collector.finish(|_| None);
        assert_eq!(cells, [json!({ "id": "z" }), json!({ "id": "a" })]);
        let keys: Vec<&str> = skipped.iter().map(|record| record.key.as_str()).collect();
        assert_eq!(keys, ["d#1", "d/q"]);
    }

    #[test]
    fn a_record_holding_another_cell_than_its_key_names_is_skipped() {
        let text = CellRecord {
            order: 0,
            cell: SharedCell::new(json!({ "id": "y" })),
        }
        .encode()
        .unwrap();
        let mut collector = CellCollector::new("d", 2);
        collector.push(Some("x"), RawCell::Text(&text));
        collector.push(Some("y"), RawCell::Text(&text));
        let (cells, skipped) = collector.finish(|_| None);
        assert_eq!(cells, [json!({ "id": "y" })]);
        assert_eq!(skipped[0].key, "d/x");
        assert!(skipped[0].reason.contains("holds cell 'y'"));
    }
}
