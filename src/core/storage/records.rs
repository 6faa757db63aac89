//! How diagrams are stored: one directory record per diagram, one record per cell and one
//! op-log record per committed version, with the codecs both stores share. The codecs
//! never panic: a record they cannot read yields a reason, and the caller lists it as a
//! [`CorruptRecord`](super::CorruptRecord).
//!
//! - A **directory record** is a plain object: the [`DiagramEntry`] fields plus
//!   `nextOrder` (the order key the next new cell gets), `headHash` (the hash chain's link
//!   of the stored version; absent before the first commit and in older records),
//!   `handoffs` (the closing tabs whose uncommitted changes a tab has claimed, newest last)
//!   plus any field this version does not know, which is kept as it is.
//! - A **cell record** is JSON text `{"order":12,"cell":{…}}`: text is the cheapest value
//!   for IndexedDB to clone and for Rust to read (one parse, no per-field calls into
//!   JavaScript). `order` keeps the order in which cells were imported or added, which is
//!   the order X6 gets them back in.
//! - An **op-log record** is JSON text of an [`OplogRecord`].

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::chain::ChainHash;
use super::entry::{DiagramEntry, StorageType};
use super::error::StoreError;
use crate::core::clock::Millis;
use crate::core::model::serde_forms::{objects, Object};
use crate::core::model::{cell_id, Change, SharedCell};
use crate::core::sync::Override;

/// Fields of a directory record that are not entry fields but known to this version.
const NEXT_ORDER: &str = "nextOrder";
const HEAD_HASH: &str = "headHash";
const HANDOFFS: &str = "handoffs";

/// How many claimed hand-offs a directory record remembers (the oldest are forgotten).
pub const MAX_HANDOFF_CLAIMS: usize = 64;

/// The stored form of a directory entry.
#[derive(Debug, Clone, PartialEq)]
pub struct EntryRecord {
    /// The entry.
    pub entry: DiagramEntry,
    /// The order key the next new cell of this diagram gets.
    pub next_order: u64,
    /// The hash chain's link of the stored version, `None` before the first commit (and in
    /// records written before hashes existed): see [`EntryRecord::head`].
    pub head_hash: Option<ChainHash>,
    /// The closing tabs whose hand-off was claimed, oldest first (at most
    /// [`MAX_HANDOFF_CLAIMS`]).
    pub handoffs: Vec<String>,
    /// Fields this version does not know, kept as they are.
    pub extra: Map<String, Value>,
}

impl EntryRecord {
    /// The record of a new entry.
    pub fn new(entry: DiagramEntry, next_order: u64) -> Self {
        Self {
            entry,
            next_order,
            head_hash: None,
            handoffs: Vec::new(),
            extra: Map::new(),
        }
    }

    /// Claims the hand-off of closing tab `from_tab`: `true` the first time, `false` once
    /// it is claimed.
    pub fn claim_handoff(&mut self, from_tab: &str) -> bool {
        if self.handoffs.iter().any(|claimed| claimed == from_tab) {
            return false;
        }
        if self.handoffs.len() >= MAX_HANDOFF_CLAIMS {
            self.handoffs.remove(0);
        }
        self.handoffs.push(from_tab.to_owned());
        true
    }

    /// The hash of the stored version: the stored one, or the chain's start at this version
    /// when none is stored.
    pub fn head(&self) -> ChainHash {
        self.head_hash
            .unwrap_or_else(|| ChainHash::start(self.entry.version))
    }

    /// Reads a stored directory record. Missing optional fields get their defaults (a
    /// missing `storageType` reads as `public`); fields of the wrong type are reasons to
    /// skip the record.
    pub fn decode(value: &Value) -> Result<Self, String> {
        let object = value
            .as_object()
            .ok_or_else(|| format!("not an object (found {})", type_name(value)))?;
        if object.contains_key("cells") {
            return Err("holds its cells inline (an older record that was not migrated)".into());
        }
        let text = |key: &str| -> Result<Option<String>, String> {
            match object.get(key) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(text)) => Ok(Some(text.clone())),
                Some(other) => Err(format!(
                    "`{key}` is not a string (found {})",
                    type_name(other)
                )),
            }
        };
        let time = |key: &str| -> Result<Option<Millis>, String> {
            match object.get(key) {
                None | Some(Value::Null) => Ok(None),
                Some(value) => match value.as_f64() {
                    Some(time) if time.is_finite() => Ok(Some(time)),
                    _ => Err(format!(
                        "`{key}` is not a time in milliseconds (found {})",
                        type_name(value)
                    )),
                },
            }
        };
        let count = |key: &str| -> Result<Option<u64>, String> {
            match object.get(key) {
                None | Some(Value::Null) => Ok(None),
                Some(value) => as_count(value).map(Some).ok_or_else(|| {
                    format!("`{key}` is not a non-negative integer (found {value})")
                }),
            }
        };
        let id = text("id")?
            .filter(|id| !id.is_empty())
            .ok_or("`id` is missing or empty")?;
        let name = text("name")?.ok_or("`name` is missing")?;
        let storage_type = match text("storageType")? {
            None => StorageType::Public,
            Some(text) => StorageType::parse(&text)
                .ok_or_else(|| format!("`storageType` '{text}' is not local, public or private"))?,
        };
        let created_at = time("createdAt")?.unwrap_or(0.0);
        let entry = DiagramEntry {
            id,
            name,
            description: text("description")?.unwrap_or_default(),
            storage_type,
            created_at,
            updated_at: time("updatedAt")?.unwrap_or(created_at),
            version: count("version")?.unwrap_or(0),
            public_copy_id: text("publicCopyId")?,
            last_pushed_at: time("lastPushedAt")?,
            last_pulled_at: time("lastPulledAt")?,
            public_version: count("publicVersion")?,
            pushed_version: count("pushedVersion")?,
        };
        let next_order = count(NEXT_ORDER)?.unwrap_or(0);
        let head_hash = match text(HEAD_HASH)? {
            None => None,
            Some(text) => Some(
                ChainHash::parse(&text)
                    .ok_or_else(|| format!("`{HEAD_HASH}` '{text}' is not a chain hash"))?,
            ),
        };
        let handoffs = match object.get(HANDOFFS) {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) => items
                .iter()
                .map(|item| item.as_str().map(str::to_owned))
                .collect::<Option<Vec<String>>>()
                .ok_or_else(|| format!("`{HANDOFFS}` holds something else than tab ids"))?,
            Some(other) => {
                return Err(format!(
                    "`{HANDOFFS}` is not an array (found {})",
                    type_name(other)
                ))
            }
        };
        let extra = object
            .iter()
            .filter(|(key, _)| !is_known_field(key))
            .map(|(key, value)| (key.clone(), value.clone()))
            .collect();
        Ok(Self {
            entry,
            next_order,
            head_hash,
            handoffs,
            extra,
        })
    }

    /// The stored object: the unknown fields, then the entry's fields, `nextOrder` and
    /// `headHash`.
    pub fn encode(&self) -> Value {
        let mut object = self.extra.clone();
        if let Ok(Value::Object(fields)) = serde_json::to_value(&self.entry) {
            object.extend(fields);
        }
        object.insert(NEXT_ORDER.into(), Value::from(self.next_order));
        if let Some(hash) = self.head_hash {
            object.insert(HEAD_HASH.into(), Value::from(hash.to_string()));
        }
        if !self.handoffs.is_empty() {
            object.insert(HANDOFFS.into(), Value::from(self.handoffs.clone()));
        }
        Value::Object(object)
    }
}

fn is_known_field(key: &str) -> bool {
    matches!(
        key,
        "id" | "name"
            | "description"
            | "storageType"
            | "createdAt"
            | "updatedAt"
            | "version"
            | "publicCopyId"
            | "lastPushedAt"
            | "lastPulledAt"
            | "publicVersion"
            | "pushedVersion"
            | NEXT_ORDER
            | HEAD_HASH
            | HANDOFFS
    )
}

/// A non-negative integer that JavaScript holds exactly (at most 2^53 - 1), whether JSON
/// wrote it as an integer or as a float like `3.0`.
pub(crate) fn as_count(value: &Value) -> Option<u64> {
    const MAX_SAFE: u64 = 9_007_199_254_740_991;
    value
        .as_u64()
        .filter(|count| *count <= MAX_SAFE)
        .or_else(|| {
            value
                .as_f64()
                .filter(|number| number.fract() == 0.0 && (0.0..=MAX_SAFE as f64).contains(number))
                .map(|number| number as u64)
        })
}

/// The JSON type of a value, for reasons.
pub(crate) fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// One stored cell: its order key and its JSON.
#[derive(Debug, Clone, PartialEq)]
pub struct CellRecord {
    /// Where the cell comes in the diagram's order (import order, then addition order).
    pub order: u64,
    /// The cell's JSON.
    pub cell: SharedCell,
}

#[derive(Serialize)]
struct CellText<'a> {
    order: u64,
    cell: &'a Value,
}

#[derive(Deserialize)]
struct StoredCell {
    order: u64,
    cell: Value,
}

impl CellRecord {
    /// The stored text.
    pub fn encode(&self) -> Result<String, StoreError> {
        encode_cell(self.order, &self.cell)
    }

    /// Reads stored text (an object, not an array); the cell must have a non-empty string id.
    pub fn decode(text: &str) -> Result<Self, String> {
        let Object(stored) = serde_json::from_str::<Object<StoredCell>>(text)
            .map_err(|error| format!("not a cell record: {error}"))?;
        cell_id(&stored.cell).map_err(|error| format!("the cell is malformed: {error}"))?;
        Ok(Self {
            order: stored.order,
            cell: SharedCell::new(stored.cell),
        })
    }

    /// Reads the stored text of cell `cell_id`: like [`CellRecord::decode`], and the record
    /// must hold that very cell.
    pub fn decode_for(text: &str, cell_id: &str) -> Result<Self, String> {
        let record = Self::decode(text)?;
        let held = crate::core::model::cell_id(&record.cell).unwrap_or_default();
        if held != cell_id {
            return Err(format!(
                "stored under cell '{cell_id}' but holds cell '{held}'"
            ));
        }
        Ok(record)
    }
}

/// The stored text of a cell with this order key.
pub fn encode_cell(order: u64, cell: &Value) -> Result<String, StoreError> {
    serde_json::to_string(&CellText { order, cell }).map_err(|error| StoreError::InvalidArgument {
        reason: format!("a cell cannot be written as JSON: {error}"),
    })
}

/// One committed version of one diagram: what changed, which tab committed it, and its
/// link of the hash chain. Read by other tabs to fill a gap in the versions they have seen.
///
/// ```json
/// { "diagramId": "d1", "version": 8, "tabId": "tab-2", "committedAt": 1700000000000,
///   "changes": [{ "type": "update", "id": "n1", "path": "position/x", "before": 0, "after": 40 }],
///   "hash": "9f3c0a4d1e2b7788" }
/// ```
///
/// A record written before hashes existed has no `hash`; its chain link counts as
/// [`ChainHash::start`] of its version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OplogRecord {
    /// The diagram.
    pub diagram_id: String,
    /// The version this commit produced.
    pub version: u64,
    /// The tab that committed it.
    pub tab_id: String,
    /// When.
    pub committed_at: Millis,
    /// The changes, as applied (each an object: see [`Object`]).
    #[serde(deserialize_with = "objects")]
    pub changes: Vec<Change>,
    /// The chain link: `H(previous link, version, tabId, changes[, overrides])`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hash: Option<ChainHash>,
    /// The values of other tabs this commit replaced (absent when none).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub overrides: Vec<Override>,
}

impl OplogRecord {
    /// The stored text.
    pub fn encode(&self) -> Result<String, StoreError> {
        serde_json::to_string(self).map_err(|error| StoreError::InvalidArgument {
            reason: format!("the changes cannot be written as JSON: {error}"),
        })
    }

    /// Reads stored text (an object, not an array) written for `diagram_id` at `version`.
    pub fn decode(text: &str, diagram_id: &str, version: Option<u64>) -> Result<Self, String> {
        let Object(record) = serde_json::from_str::<Object<Self>>(text)
            .map_err(|error| format!("not an op-log record: {error}"))?;
        if record.diagram_id != diagram_id || version.is_some_and(|v| v != record.version) {
            return Err(format!(
                "written for {}@{}, stored under another key",
                record.diagram_id, record.version
            ));
        }
        Ok(record)
    }
}

/// How a record is named in a [`CorruptRecord`](super::CorruptRecord).
pub mod record_key {
    /// A cell: `diagramId/cellId`.
    pub fn cell(diagram_id: &str, cell_id: &str) -> String {
        format!("{diagram_id}/{cell_id}")
    }

    /// An op-log record: `diagramId@version`.
    pub fn oplog(diagram_id: &str, version: u64) -> String {
        format!("{diagram_id}@{version}")
    }

    /// A record whose key could not be read: `diagramId#index` (its position in the range).
    pub fn position(diagram_id: &str, index: usize) -> String {
        format!("{diagram_id}#{index}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_record_without_storage_type_reads_as_public_and_keeps_unknown_fields() {
        let stored = json!({ "id": "d1", "name": "Old", "createdAt": 3, "thumbnail": "x.png" });
        let record = EntryRecord::decode(&stored).unwrap();
        assert_eq!(record.entry.storage_type, StorageType::Public);
        assert_eq!(record.entry.updated_at, 3.0);
        assert_eq!(record.entry.version, 0);
        assert_eq!(record.encode()["thumbnail"], json!("x.png"));
        assert_eq!(EntryRecord::decode(&record.encode()).unwrap(), record);
        // Without a head hash, the chain starts at the stored version.
        assert_eq!(record.head(), ChainHash::start(0));
        let hashed = EntryRecord {
            head_hash: Some(ChainHash::start(9)),
            ..record
        };
        assert_eq!(
            hashed.encode()["headHash"],
            json!(ChainHash::start(9).to_string())
        );
        assert_eq!(EntryRecord::decode(&hashed.encode()).unwrap(), hashed);
    }

    #[test]
    fn a_hand_off_is_claimed_once_and_old_claims_are_forgotten() {
        let mut record = EntryRecord::decode(&json!({ "id": "d", "name": "n" })).unwrap();
        assert!(record.claim_handoff("tab-1"));
        assert!(!record.claim_handoff("tab-1"));
        let stored = EntryRecord::decode(&record.encode()).unwrap();
        assert_eq!(stored.handoffs, ["tab-1"]);
        for index in 0..MAX_HANDOFF_CLAIMS {
            assert!(record.claim_handoff(&format!("other-{index}")));
        }
        assert_eq!(record.handoffs.len(), MAX_HANDOFF_CLAIMS);
        assert!(record.claim_handoff("tab-1"), "forgotten after so many");
    }

    #[test]
    fn wrongly_shaped_entries_give_reasons() {
        let reason = |value: Value| EntryRecord::decode(&value).unwrap_err();
        assert!(reason(json!(7)).contains("not an object"));
        assert!(reason(json!({ "id": "d", "name": 3 })).contains("`name` is not a string"));
        assert!(reason(json!({ "id": "d", "name": "n", "version": -1 })).contains("`version`"));
        assert!(
            reason(json!({ "id": "d", "name": "n", "storageType": "cloud" })).contains("cloud")
        );
        // Beyond 2^53 a version is not exact in JavaScript.
        assert!(
            reason(json!({ "id": "d", "name": "n", "version": 1u64 << 60 })).contains("`version`")
        );
        assert!(reason(json!({ "id": "d", "name": "n", "cells": [] })).contains("inline"));
        assert!(reason(json!({ "id": "d", "name": "n", "headHash": "x" })).contains("headHash"));
        assert!(reason(json!({ "id": "d", "name": "n", "handoffs": [1] })).contains("handoffs"));
    }

    #[test]
    fn cell_records_round_trip_and_refuse_malformed_text() {
        let record = CellRecord {
            order: 4,
            cell: SharedCell::new(json!({ "id": "n1", "position": { "x": 1.5 } })),
        };
        let text = record.encode().unwrap();
        assert_eq!(CellRecord::decode(&text).unwrap(), record);
        assert_eq!(CellRecord::decode_for(&text, "n1").unwrap(), record);
        assert!(CellRecord::decode_for(&text, "n2")
            .unwrap_err()
            .contains("holds cell 'n1'"));
        assert!(CellRecord::decode("{not json").is_err());
        assert!(CellRecord::decode(r#"{"order":1,"cell":{"shape":"rect"}}"#)
            .unwrap_err()
            .contains("malformed"));
        assert!(CellRecord::decode(r#"[4,{"id":"n1"}]"#).is_err());
    }

    #[test]
    fn oplog_records_must_match_their_key() {
        let record = OplogRecord {
            diagram_id: "d1".into(),
            version: 2,
            tab_id: "t".into(),
            committed_at: 0.0,
            changes: vec![Change::add(json!({ "id": "n" }))],
            hash: Some(ChainHash::start(1)),
            overrides: Vec::new(),
        };
        let text = record.encode().unwrap();
        assert_eq!(OplogRecord::decode(&text, "d1", Some(2)).unwrap(), record);
        assert!(OplogRecord::decode(&text, "d1", Some(3)).is_err());
        assert!(OplogRecord::decode(&text, "d2", None).is_err());
        assert!(OplogRecord::decode(r#"["d1",2,"t",0,[]]"#, "d1", Some(2)).is_err());
        let array_change = text.replace(
            r#"{"type":"add","cell":{"id":"n"}}"#,
            r#"["add",{"id":"n"}]"#,
        );
        assert_ne!(array_change, text);
        assert!(OplogRecord::decode(&array_change, "d1", Some(2)).is_err());
    }
}
