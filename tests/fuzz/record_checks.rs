//! The properties of the `record` target, one function per record kind.

use diagram_state::core::clock::Millis;
use diagram_state::core::error::ErrorCode;
use diagram_state::core::model::cell_id;
use diagram_state::core::storage::legacy::migrate_legacy_record;
use diagram_state::core::storage::{
    validate_cells, CellRecord, DiagramStore, EntryRecord, LoadedDiagram, MemoryStore, NewDiagram,
    OplogRecord, RecordStore,
};
use std::collections::BTreeMap;

use serde_json::Value;

use crate::ensure;
use crate::support::{block_on, tally, Verdict};

const TIME_FIELDS: [&str; 4] = ["createdAt", "updatedAt", "lastPushedAt", "lastPulledAt"];
const COUNT_FIELDS: [&str; 4] = ["version", "publicVersion", "pushedVersion", "nextOrder"];
const TEXT_FIELDS: [&str; 4] = ["id", "name", "description", "publicCopyId"];
const NOW: Millis = 5.0;

/// A directory record: decodes to a record that re-encodes identically and keeps every
/// field, or the directory listing skips it and names it.
pub fn entry(text: &str, written: bool) -> Verdict {
    let Ok(value) = serde_json::from_str::<Value>(text) else {
        tally("entry: not JSON");
        ensure!(!written, "the encoder wrote text that is not JSON: {text}");
        return Ok(());
    };
    let decoded = EntryRecord::decode(&value);
    let store = MemoryStore::new(|| NOW);
    store.put_raw_entry("key", value.clone());
    let listing = block_on(store.list()).map_err(|e| format!("list failed: {e}"))?;
    let record = match decoded {
        Err(reason) => {
            tally("entry: corrupt");
            ensure!(!written, "a record the encoder wrote is refused: {reason}");
            ensure!(!reason.is_empty(), "refused without a reason");
            ensure!(
                listing.diagrams.is_empty(),
                "listed a record that does not decode"
            );
            ensure!(
                listing.skipped.len() == 1
                    && listing.skipped[0].reason == reason
                    && listing.skipped[0].store == RecordStore::Diagrams,
                "the listing does not report it corrupt: {:?}",
                listing.skipped
            );
            return Ok(());
        }
        Ok(record) => record,
    };
    tally("entry: decoded");
    ensure!(
        listing.skipped.is_empty() && listing.diagrams == [record.entry.clone()],
        "listing {listing:?}"
    );
    ensure!(!record.entry.id.is_empty(), "decoded an empty id");
    let encoded = record.encode();
    let again = EntryRecord::decode(&encoded);
    ensure!(
        again.as_ref() == Ok(&record),
        "re-encoded as {encoded}, which decodes to {again:?}"
    );
    ensure!(
        again.map(|again| again.encode()) == Ok(encoded.clone()),
        "re-encoding is not stable"
    );
    if written {
        ensure!(
            encoded == value,
            "the encoder wrote {value}, which re-encodes as {encoded}"
        );
    }
    keeps_every_field(&value, &encoded)
}

/// Every field of `original` that carries a value is in `encoded`, with the same value.
fn keeps_every_field(original: &Value, encoded: &Value) -> Verdict {
    let Some(fields) = original.as_object() else {
        return Err(format!(
            "decoded a record that is not an object: {original}"
        ));
    };
    for (key, value) in fields {
        let kept = &encoded[key];
        let same = if value.is_null()
            && (TIME_FIELDS.contains(&key.as_str())
                || COUNT_FIELDS.contains(&key.as_str())
                || TEXT_FIELDS.contains(&key.as_str())
                || key == "storageType")
        {
            true
        } else if TIME_FIELDS.contains(&key.as_str()) || COUNT_FIELDS.contains(&key.as_str()) {
            kept.as_f64() == value.as_f64()
        } else if key == "headHash" {
            // Hex digits in either case read the same; they are written in lower case.
            kept.as_str().map(str::to_ascii_lowercase)
                == value.as_str().map(str::to_ascii_lowercase)
        } else {
            kept == value
        };
        ensure!(same, "field `{key}` was {value}, re-encoded as {kept}");
    }
    Ok(())
}

/// A cell record: decodes to a record that re-encodes identically, or a load skips it,
/// names it and is incomplete.
pub fn cell(text: &str, written: bool) -> Verdict {
    let decoded = CellRecord::decode(text);
    let loaded = load_raw(&[Value::from(text)])?;
    let record = match decoded {
        Err(reason) => {
            tally("cell: corrupt");
            ensure!(!written, "a record the encoder wrote is refused: {reason}");
            ensure!(!reason.is_empty(), "refused without a reason");
            ensure!(
                loaded.cells.is_empty() && !loaded.is_complete(),
                "a load kept it: {loaded:?}"
            );
            ensure!(
                loaded.skipped.len() == 1 && loaded.skipped[0].reason == reason,
                "skipped {:?}",
                loaded.skipped
            );
            let error = loaded.into_complete().err().map(|error| error.code());
            ensure!(
                error == Some("CORRUPT_RECORDS"),
                "an incomplete load is not an error: {error:?}"
            );
            return Ok(());
        }
        Ok(record) => record,
    };
    tally("cell: decoded");
    ensure!(
        cell_id(&record.cell).is_ok(),
        "decoded a cell without a valid id"
    );
    ensure!(
        loaded.is_complete() && loaded.cells == [(*record.cell).clone()],
        "loaded {loaded:?}"
    );
    let encoded = record
        .encode()
        .map_err(|e| format!("cannot re-encode: {e}"))?;
    let again = CellRecord::decode(&encoded);
    ensure!(
        again.as_ref() == Ok(&record),
        "re-encoded as {encoded}, which decodes to {again:?}"
    );
    let held = cell_id(&record.cell).unwrap_or_default();
    ensure!(
        CellRecord::decode_for(text, held).as_ref() == Ok(&record),
        "decode_for disagrees on {text}"
    );
    if written {
        ensure!(
            encoded == text,
            "the encoder wrote {text}, which re-encodes as {encoded}"
        );
    }
    Ok(())
}

/// The key a raw cell record is stored under: its cell's id when it has one (as every
/// writer does), except for every fourth record, which lands under `k<index>` (a record
/// holding another cell than its key names).
fn stored_key(index: usize, record: &Value) -> String {
    let id = record
        .as_str()
        .and_then(|text| CellRecord::decode(text).ok())
        .and_then(|record| cell_id(&record.cell).ok().map(str::to_owned));
    match id {
        Some(id) if index % 4 != 3 => id,
        _ => format!("k{index}"),
    }
}

/// Raw cell records of one diagram, each written under [`stored_key`] (a later record under
/// the same key replaces the earlier one), loaded together: every stored record is either a
/// cell of the load (it decodes and holds the cell its key names) or skipped and named; the
/// cells come in stored order; a load that skipped any is incomplete.
pub fn cells(records: &[Value]) -> Verdict {
    let loaded = load_raw(records)?;
    tally(if loaded.is_complete() {
        "cells: load complete"
    } else {
        "cells: load incomplete"
    });
    let stored: BTreeMap<String, &Value> = records
        .iter()
        .enumerate()
        .map(|(index, record)| (stored_key(index, record), record))
        .collect();
    ensure!(
        loaded.cells.len() + loaded.skipped.len() == stored.len(),
        "{} stored records gave {loaded:?}",
        stored.len()
    );
    let mut expected = Vec::new();
    for (key, record) in &stored {
        let decoded = record
            .as_str()
            .and_then(|text| CellRecord::decode(text).ok());
        let name = format!("d/{key}");
        let skipped = loaded.skipped.iter().any(|record| record.key == name);
        match decoded {
            Some(record) if cell_id(&record.cell).ok() == Some(key.as_str()) => {
                ensure!(!skipped, "{name} decodes but was skipped");
                expected.push((record.order, (*record.cell).clone()));
            }
            _ => ensure!(
                skipped,
                "{name} does not decode (or holds another cell) but was not skipped"
            ),
        }
    }
    expected.sort_by(|(a, x), (b, y)| a.cmp(b).then_with(|| cell_id(x).ok().cmp(&cell_id(y).ok())));
    let expected: Vec<Value> = expected.into_iter().map(|(_, cell)| cell).collect();
    ensure!(
        loaded.cells == expected,
        "loaded {:?}, expected {expected:?}",
        loaded.cells
    );
    ensure!(
        loaded.is_complete() == loaded.skipped.is_empty(),
        "completeness is misreported"
    );
    Ok(())
}

/// Loads a diagram whose cell records are `records`, each written under [`stored_key`];
/// skipped records are named `d/<key>`.
fn load_raw(records: &[Value]) -> Result<LoadedDiagram, String> {
    let store = MemoryStore::new(|| NOW);
    let entry = block_on(store.create(NewDiagram::local("Fuzz"))).map_err(|e| e.to_string())?;
    for (index, record) in records.iter().enumerate() {
        store.put_raw_cell(&entry.id, &stored_key(index, record), record.clone());
    }
    let mut loaded = block_on(store.load(&entry.id)).map_err(|e| format!("load failed: {e}"))?;
    for skipped in &mut loaded.skipped {
        ensure!(
            skipped.store == RecordStore::Cells,
            "skipped in the wrong store: {skipped:?}"
        );
        skipped.key = skipped.key.replacen(&entry.id, "d", 1);
    }
    Ok(loaded)
}

/// An op-log record: decodes (for diagram `d1` and its version) to a record that
/// re-encodes identically, or is refused with a reason.
pub fn oplog(text: &str, version: Option<u64>, written: bool) -> Verdict {
    let record = match OplogRecord::decode(text, "d1", version) {
        Err(reason) => {
            tally("oplog: corrupt");
            ensure!(!written, "a record the encoder wrote is refused: {reason}");
            ensure!(!reason.is_empty(), "refused without a reason");
            return Ok(());
        }
        Ok(record) => record,
    };
    tally("oplog: decoded");
    ensure!(
        record.diagram_id == "d1",
        "decoded a record of {}",
        record.diagram_id
    );
    ensure!(
        version.is_none_or(|version| version == record.version),
        "decoded version {}",
        record.version
    );
    let encoded = record
        .encode()
        .map_err(|e| format!("cannot re-encode: {e}"))?;
    let again = OplogRecord::decode(&encoded, "d1", Some(record.version));
    ensure!(
        again.as_ref() == Ok(&record),
        "re-encoded as {encoded}, which decodes to {again:?}"
    );
    if written {
        ensure!(
            encoded == text,
            "the encoder wrote {text}, which re-encodes as {encoded}"
        );
    }
    Ok(())
}

/// `Date.parse` stand-in: ISO dates of 2024 and plain numbers of milliseconds.
fn parse_time(text: &str) -> Option<Millis> {
    if text == "2024-01-02T00:00:00Z" {
        return Some(1_704_153_600_000.0);
    }
    text.parse::<f64>().ok().filter(|time| time.is_finite())
}

/// An older record with inline cells: migrates without losing a cell or a field, or is
/// refused with a reason.
pub fn legacy(text: &str) -> Verdict {
    let Ok(value) = serde_json::from_str::<Value>(text) else {
        tally("legacy: not JSON");
        return Ok(());
    };
    let migrated = match migrate_legacy_record(&value, parse_time, NOW) {
        Err(reason) => {
            tally("legacy: refused");
            ensure!(!reason.is_empty(), "refused without a reason");
            return Ok(());
        }
        Ok(migrated) => migrated,
    };
    tally("legacy: migrated");
    let cells: Vec<Value> = match &value["cells"] {
        Value::Array(cells) => cells.clone(),
        _ => Vec::new(),
    };
    ensure!(
        validate_cells(&cells).is_empty(),
        "migrated malformed cells"
    );
    let stored: Vec<Value> = migrated
        .cells
        .iter()
        .map(|record| (*record.cell).clone())
        .collect();
    ensure!(
        stored == cells,
        "the cells moved out as {stored:?}, not {cells:?}"
    );
    let orders: Vec<u64> = migrated.cells.iter().map(|record| record.order).collect();
    ensure!(
        orders == (0..cells.len() as u64).collect::<Vec<_>>(),
        "orders {orders:?}"
    );
    ensure!(
        migrated.record.next_order == cells.len() as u64,
        "nextOrder {}",
        migrated.record.next_order
    );
    for record in &migrated.cells {
        let text = record.encode().map_err(|e| e.to_string())?;
        ensure!(
            CellRecord::decode(&text).as_ref() == Ok(record),
            "cell record {text} does not decode back"
        );
    }
    let encoded = migrated.record.encode();
    let again = EntryRecord::decode(&encoded);
    ensure!(
        again.as_ref() == Ok(&migrated.record),
        "migrated entry {encoded} decodes to {again:?}"
    );
    let mut expected = value.clone();
    if let Some(fields) = expected.as_object_mut() {
        fields.remove("cells");
        fields.remove("nextOrder");
        for field in TIME_FIELDS {
            if let Some(Value::String(text)) = fields.get(field) {
                let time = parse_time(text).ok_or("a date that does not parse was migrated")?;
                fields.insert(field.into(), Value::from(time));
            }
        }
        if !fields.contains_key("createdAt") {
            fields.insert("createdAt".into(), Value::from(NOW));
        }
    }
    keeps_every_field(&expected, &encoded)
}
