//! Stored records that cannot be read: skipped and listed, never a panic.

use serde::Serialize;
use thiserror::Error;

use crate::core::error::ErrorCode;

/// The object store (table) a record lives in, as JavaScript sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum RecordStore {
    /// The directory of diagrams.
    Diagrams,
    /// One record per cell per diagram.
    Cells,
    /// One record per committed version per diagram.
    Oplog,
}

impl std::fmt::Display for RecordStore {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(match self {
            Self::Diagrams => "diagrams",
            Self::Cells => "cells",
            Self::Oplog => "oplog",
        })
    }
}

/// One stored record that is corrupt or wrongly shaped (written by an older bug, by hand,
/// or by another app), as JavaScript sees it:
/// `{ store: 'cells', key: 'd1/n7', reason: 'not JSON text: …' }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CorruptRecord {
    /// Where the record is.
    pub store: RecordStore,
    /// Which record: a diagram id, `diagramId/cellId`, `diagramId@version`, or
    /// `diagramId#index` when the key could not be read.
    pub key: String,
    /// What is wrong with it.
    pub reason: String,
}

/// The records an operation skipped because they could not be read (`code`:
/// `CORRUPT_RECORDS`). A load that skipped records says so: it is never presented as
/// complete.
#[derive(Debug, Clone, PartialEq, Eq, Error, Serialize)]
#[serde(rename_all = "camelCase")]
#[error("{} stored record(s) are corrupt and were skipped: {}", .records.len(), summary(.records))]
pub struct CorruptRecords {
    /// The skipped records.
    pub records: Vec<CorruptRecord>,
}

impl ErrorCode for CorruptRecords {
    fn code(&self) -> &'static str {
        "CORRUPT_RECORDS"
    }
}

impl CorruptRecords {
    /// `None` when nothing was skipped, otherwise the report.
    pub fn from_list(records: Vec<CorruptRecord>) -> Option<Self> {
        (!records.is_empty()).then_some(Self { records })
    }
}

fn summary(records: &[CorruptRecord]) -> String {
    const SHOWN: usize = 5;
    let mut text = records
        .iter()
        .take(SHOWN)
        .map(|record| format!("{} '{}' ({})", record.store, record.key, record.reason))
        .collect::<Vec<_>>()
        .join("; ");
    if records.len() > SHOWN {
        text.push_str(&format!("; and {} more", records.len() - SHOWN));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_message_names_the_records_and_stays_short() {
        let records: Vec<CorruptRecord> = (0..7)
            .map(|index| CorruptRecord {
                store: RecordStore::Cells,
                key: format!("d/{index}"),
                reason: "not JSON text".into(),
            })
            .collect();
        let report = CorruptRecords::from_list(records).unwrap();
        let message = report.to_string();
        assert!(message.starts_with("7 stored record(s)"));
        assert!(message.contains("cells 'd/0' (not JSON text)"));
        assert!(message.ends_with("and 2 more"));
        assert_eq!(report.code(), "CORRUPT_RECORDS");
        assert!(CorruptRecords::from_list(Vec::new()).is_none());
    }
}
