//! The older layout this crate migrates from: immersive2-style directory records that hold
//! their cells inline and have no `storageType` (stored as IndexedDB version 1, see
//! `platform::indexed_db`). Each such record becomes a directory record plus one record per
//! cell; nothing is dropped.

use serde_json::{Map, Value};

use super::document::{validate_cells, DocumentProblem};
use super::records::{type_name, CellRecord, EntryRecord};
use crate::core::clock::Millis;
use crate::core::model::SharedCell;

/// The fields of an older record that may hold a date as text (ISO 8601).
const TIME_FIELDS: [&str; 4] = ["createdAt", "updatedAt", "lastPushedAt", "lastPulledAt"];

/// An older record, migrated.
#[derive(Debug, Clone, PartialEq)]
pub struct MigratedDiagram {
    /// The new directory record (its unknown fields kept).
    pub record: EntryRecord,
    /// Its cells, in their inline order.
    pub cells: Vec<CellRecord>,
}

/// Migrates one older record `{ id, name, description?, createdAt?, cells?: [...], … }`.
/// Dates given as text are converted with `parse_time` (in the browser, `Date.parse`);
/// a missing `storageType` stays missing and so reads as `public`; a missing `createdAt`
/// becomes `now`. A record that cannot be migrated without loss (no name, malformed cells,
/// an unreadable date) is refused with the reason, and the caller leaves it as it is.
pub fn migrate_legacy_record(
    value: &Value,
    parse_time: impl Fn(&str) -> Option<Millis>,
    now: Millis,
) -> Result<MigratedDiagram, String> {
    let object = value
        .as_object()
        .ok_or_else(|| format!("not an object (found {})", type_name(value)))?;
    let mut fields: Map<String, Value> = object.clone();
    let cells = match fields.remove("cells") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(cells)) => cells,
        Some(other) => {
            return Err(format!(
                "`cells` is not an array (found {})",
                type_name(&other)
            ))
        }
    };
    let problems = validate_cells(&cells);
    if !problems.is_empty() {
        return Err(format!(
            "its cells are malformed: {}",
            DocumentProblem::summary(&problems)
        ));
    }
    for field in TIME_FIELDS {
        if let Some(Value::String(text)) = fields.get(field) {
            let time =
                parse_time(text).ok_or_else(|| format!("`{field}` '{text}' is not a date"))?;
            fields.insert(field.into(), Value::from(time));
        }
    }
    if !fields.contains_key("createdAt") {
        fields.insert("createdAt".into(), Value::from(now));
    }
    let mut record = EntryRecord::decode(&Value::Object(fields))?;
    record.next_order = cells.len() as u64;
    let cells = cells
        .into_iter()
        .enumerate()
        .map(|(order, cell)| CellRecord {
            order: order as u64,
            cell: SharedCell::new(cell),
        })
        .collect();
    Ok(MigratedDiagram { record, cells })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::storage::StorageType;
    use serde_json::json;

    fn parse(text: &str) -> Option<Millis> {
        (text == "2024-01-02T00:00:00Z").then_some(1_704_153_600_000.0)
    }

    #[test]
    fn inline_cells_move_out_and_nothing_else_is_lost() {
        let old = json!({
            "id": "d1", "name": "Flow", "createdAt": "2024-01-02T00:00:00Z", "owner": "ann",
            "cells": [{ "id": "b" }, { "id": "a", "shape": "rect" }]
        });
        let migrated = migrate_legacy_record(&old, parse, 9.0).unwrap();
        let entry = &migrated.record.entry;
        assert_eq!(entry.storage_type, StorageType::Public);
        assert_eq!(entry.created_at, 1_704_153_600_000.0);
        assert_eq!(migrated.record.extra["owner"], json!("ann"));
        assert_eq!(migrated.record.next_order, 2);
        let ids: Vec<&Value> = migrated.cells.iter().map(|c| &c.cell["id"]).collect();
        assert_eq!(ids, [&json!("b"), &json!("a")]);
    }

    #[test]
    fn records_that_would_lose_data_are_refused() {
        let bad_cells = json!({ "id": "d", "name": "n", "cells": [{ "shape": "x" }] });
        assert!(migrate_legacy_record(&bad_cells, parse, 0.0).is_err());
        let bad_date = json!({ "id": "d", "name": "n", "createdAt": "yesterday" });
        assert!(migrate_legacy_record(&bad_date, parse, 0.0)
            .unwrap_err()
            .contains("not a date"));
        let no_name = json!({ "id": "d" });
        assert!(migrate_legacy_record(&no_name, parse, 0.0).is_err());
        let fresh = migrate_legacy_record(&json!({ "id": "d", "name": "n" }), parse, 7.0).unwrap();
        assert_eq!(fresh.record.entry.created_at, 7.0);
    }
}
