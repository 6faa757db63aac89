//! The directory listing: every readable entry, most recently updated first, and the
//! records that could not be read.

use serde::Serialize;
use serde_json::Value;

use super::corrupt::{CorruptRecord, RecordStore};
use super::entry::DiagramEntry;
use super::records::EntryRecord;

/// The directory, as JavaScript sees it: `{ diagrams: [...], skipped: [...] }`.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Directory {
    /// The diagrams, most recently updated first (then by name).
    pub diagrams: Vec<DiagramEntry>,
    /// Directory records that could not be read (listed, not hidden).
    pub skipped: Vec<CorruptRecord>,
}

/// Assembles the directory from raw directory records in key order; a record that is not
/// an object is given as the error text `found …`.
pub fn collect_directory<'a>(
    records: impl IntoIterator<Item = Result<&'a Value, String>>,
) -> Directory {
    let mut directory = Directory::default();
    for (index, record) in records.into_iter().enumerate() {
        let skipped = |key: Option<&str>, reason: String| CorruptRecord {
            store: RecordStore::Diagrams,
            key: key.map_or_else(|| format!("#{index}"), str::to_owned),
            reason,
        };
        match record {
            Ok(value) => match EntryRecord::decode(value) {
                Ok(record) => directory.diagrams.push(record.entry),
                Err(reason) => {
                    let key = value.get("id").and_then(Value::as_str);
                    directory.skipped.push(skipped(key, reason));
                }
            },
            Err(reason) => directory.skipped.push(skipped(None, reason)),
        }
    }
    directory.diagrams.sort_by(|a, b| {
        b.updated_at
            .total_cmp(&a.updated_at)
            .then_with(|| a.name.cmp(&b.name))
            .then_with(|| a.id.cmp(&b.id))
    });
    directory
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn newest_first_and_unreadable_records_listed() {
        let old = json!({ "id": "a", "name": "Old", "updatedAt": 1 });
        let new = json!({ "id": "b", "name": "New", "updatedAt": 2 });
        let bad = json!({ "id": "c", "name": 5 });
        let directory = collect_directory([
            Ok(&old),
            Ok(&bad),
            Ok(&new),
            Err("not an object (found a number)".to_owned()),
        ]);
        let names: Vec<&str> = directory.diagrams.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["New", "Old"]);
        assert_eq!(directory.skipped[0].key, "c");
        assert_eq!(directory.skipped[1].key, "#3");
    }
}
