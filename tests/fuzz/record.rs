//! Fuzz target `record`: decoding stored records — directory records
//! (`EntryRecord::decode`), cell records (`CellRecord::decode`, and a diagram's cell
//! records loaded together by `MemoryStore::load` through `CellCollector`), op-log records
//! (`OplogRecord::decode`) and older inline-cell records (`migrate_legacy_record`).
//!
//! The IndexedDB codec (`platform::indexed_db::codec`) is wasm-only: it turns a stored
//! JavaScript value into JSON with `JSON.stringify` and hands it to these same core
//! decoders, so they are fuzzed here on the JSON text that codec would produce.
//!
//! Inputs: seed records of each kind mutated at the byte and JSON level, and records the
//! encoders wrote from generated values. Properties (see `record_checks`): a record either
//! decodes to a value that re-encodes identically and loses nothing, or the store reports it
//! corrupt, naming it, and never presents the load as complete; a record the encoder wrote
//! always decodes back to itself.

use diagram_state::core::model::Change;
use diagram_state::core::storage::{
    encode_cell, ChainHash, DiagramEntry, EntryRecord, OplogRecord, StorageType,
};
use proptest::prelude::*;
use serde_json::{json, Map, Value};

use crate::record_checks;
use crate::support::{self, json as gen, Verdict};

const TARGET: &str = "record";
const MAX_SAFE: u64 = (1 << 53) - 1;
/// The record kinds, each with its own seed folder `seeds/record/<kind>/`.
const KINDS: [&str; 4] = ["entry", "cell", "oplog", "legacy"];

/// The fields a directory record gives a meaning to (an extra field never has these names).
const KNOWN: [&str; 16] = [
    "id",
    "name",
    "description",
    "storageType",
    "createdAt",
    "updatedAt",
    "version",
    "publicCopyId",
    "lastPushedAt",
    "lastPulledAt",
    "publicVersion",
    "pushedVersion",
    "nextOrder",
    "headHash",
    "handoffs",
    "cells",
];

fn seeds(kind: &str) -> Vec<String> {
    support::seed_texts(&format!("{TARGET}/{kind}"))
}

fn case(kind: &str, text: String) -> Value {
    json!({ "kind": kind, "text": text })
}

/// Counts (versions, order keys) up to 2^53 - 1, the largest JavaScript holds exactly.
fn count() -> impl Strategy<Value = u64> {
    prop_oneof![0u64..1000, Just(MAX_SAFE), 0..=MAX_SAFE]
}

fn finite() -> impl Strategy<Value = f64> {
    gen::number().prop_map(|number| number.as_f64().unwrap_or(0.0))
}

fn entry_record() -> impl Strategy<Value = Value> {
    let storage = prop::sample::select(vec![
        StorageType::Local,
        StorageType::Public,
        StorageType::Private,
    ]);
    let extra = prop::collection::vec((gen::key(), gen::value(1, 2)), 0..3);
    (
        (
            gen::text().prop_filter("an id", |id| !id.is_empty()),
            gen::text(),
            gen::text(),
            storage,
        ),
        (finite(), finite(), count(), prop::option::of(gen::text())),
        (
            prop::option::of(finite()),
            prop::option::of(finite()),
            prop::option::of(count()),
            prop::option::of(count()),
        ),
        (
            count(),
            prop::option::of(any::<u64>()),
            prop::collection::vec(gen::text(), 0..3),
        ),
        extra,
    )
        .prop_map(
            |(
                (id, name, description, storage_type),
                (created_at, updated_at, version, public_copy_id),
                (last_pushed_at, last_pulled_at, public_version, pushed_version),
                (next_order, head_hash, handoffs),
                extra,
            )| {
                let entry = DiagramEntry {
                    id,
                    name,
                    description,
                    storage_type,
                    created_at,
                    updated_at,
                    version,
                    public_copy_id,
                    last_pushed_at,
                    last_pulled_at,
                    public_version,
                    pushed_version,
                };
                let mut record = EntryRecord::new(entry, next_order);
                record.head_hash =
                    head_hash.and_then(|hash| ChainHash::parse(&format!("{hash:016x}")));
                record.handoffs = handoffs;
                record.extra = extra
                    .into_iter()
                    .filter(|(key, _)| !KNOWN.contains(&key.as_str()))
                    .collect::<Map<_, _>>();
                json!({ "kind": "entry", "text": record.encode().to_string(), "written": true })
            },
        )
}

fn cell_record() -> impl Strategy<Value = Value> {
    (
        count(),
        gen::text().prop_filter("an id", |id| !id.is_empty()),
        gen::value(3, 3),
    )
        .prop_map(|(order, id, data)| {
            let text = encode_cell(order, &json!({ "id": id, "data": data })).unwrap_or_default();
            json!({ "kind": "cell", "text": text, "written": true })
        })
}

fn oplog_record() -> impl Strategy<Value = Value> {
    let change = prop_oneof![
        gen::value(2, 3).prop_map(|data| Change::add(json!({ "id": "n1", "data": data }))),
        (
            prop::option::of(gen::value(2, 2)),
            prop::option::of(gen::value(2, 2))
        )
            .prop_map(|(before, after)| Change::update("n1", "data/x", before, after)),
    ];
    (
        count(),
        gen::text(),
        finite(),
        prop::collection::vec(change, 0..3),
        prop::option::of(any::<u64>()),
    )
        .prop_map(|(version, tab_id, committed_at, changes, hash)| {
            let record = OplogRecord {
                diagram_id: "d1".into(),
                version,
                tab_id,
                committed_at,
                changes,
                // Records written before hashes existed have none.
                hash: hash.and_then(|hash| ChainHash::parse(&format!("{hash:016x}"))),
                overrides: Vec::new(),
            };
            let text = record.encode().unwrap_or_default();
            json!({ "kind": "oplog", "text": text, "version": version, "written": true })
        })
}

/// Several cell records of one diagram, loaded together (duplicates and corrupt ones mixed in).
fn cell_records() -> impl Strategy<Value = Value> {
    let record = prop_oneof![
        3 => support::mutated(seeds("cell")).prop_map(Value::String),
        2 => prop::sample::select(seeds("cell")).prop_map(Value::String),
        1 => gen::scalar(),
    ];
    prop::collection::vec(record, 1..6)
        .prop_map(|records| json!({ "kind": "cells", "records": records }))
}

fn inputs() -> impl Strategy<Value = Value> {
    let mutated =
        |kind: &'static str| support::mutated(seeds(kind)).prop_map(move |text| case(kind, text));
    prop_oneof![
        3 => mutated("entry"),
        3 => mutated("cell"),
        3 => mutated("oplog"),
        3 => mutated("legacy"),
        1 => entry_record(),
        1 => cell_record(),
        1 => oplog_record(),
        2 => cell_records(),
    ]
}

/// Checks one case `{ kind, text, version?, written? }` or `{ kind: "cells", records }`.
pub fn check(case: &Value) -> Verdict {
    let text = case["text"].as_str().unwrap_or_default();
    let written = case["written"] == true;
    match case["kind"].as_str() {
        Some("entry") => record_checks::entry(text, written),
        Some("cell") => record_checks::cell(text, written),
        Some("oplog") => record_checks::oplog(text, case["version"].as_u64(), written),
        Some("legacy") => record_checks::legacy(text),
        Some("cells") => record_checks::cells(
            case["records"]
                .as_array()
                .ok_or("`records` is not an array")?,
        ),
        other => Err(format!("unknown record kind {other:?}")),
    }
}

#[test]
fn fuzz_loop() {
    support::fuzz(TARGET, inputs(), check);
}

#[test]
fn corpus_replays() {
    let seed_cases: [fn(&str) -> Value; 4] = [
        |text| case(KINDS[0], text.into()),
        |text| case(KINDS[1], text.into()),
        |text| case(KINDS[2], text.into()),
        |text| case(KINDS[3], text.into()),
    ];
    let mut replayed = support::replay_corpus(TARGET, |text| Value::from(text), check);
    for (kind, seed_case) in KINDS.iter().zip(seed_cases) {
        let count = support::replay_corpus(&format!("{TARGET}/{kind}"), seed_case, check);
        assert!(count > 0, "no {kind} seeds");
        replayed += count;
    }
    assert!(replayed > 0);
}
