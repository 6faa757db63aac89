//! Fuzz target `import`: JSON import of X6 documents (`validate_document`, and
//! `DiagramStore::import_document` / `export_document` on the in-memory store).
//!
//! Inputs: generated documents (valid, then with random edits) and seed documents mutated
//! at the byte and JSON level. Properties: a document is accepted exactly when the
//! reference rules below find nothing wrong; an accepted one imports, loads complete and
//! exports back as the same document; a refused one is `INVALID_DOCUMENT` with a non-empty
//! list of problems that names exactly the cells the reference rules find wrong (with their
//! index and id) and the document-level problems, and nothing is stored.

use std::collections::{BTreeSet, HashMap};

use diagram_state::core::error::ErrorCode;
use diagram_state::core::model::Diagram;
use diagram_state::core::storage::{
    export_document, validate_document, DiagramStore, MemoryStore, NewDiagram, StoreError,
};
use proptest::prelude::*;
use serde_json::{json, Value};

use crate::ensure;
use crate::support::{self, block_on, mutate, Verdict};

const TARGET: &str = "import";

/// A valid document: nodes, edges between them, and parent/children links.
fn document() -> impl Strategy<Value = Value> {
    let cell = (
        0u8..4,
        any::<usize>(),
        any::<usize>(),
        crate::support::json::value(2, 2),
    );
    prop::collection::vec(cell, 0..7).prop_map(|plans| {
        let count = plans.len();
        let ids: Vec<String> = (0..count).map(|index| format!("c{index}")).collect();
        let cells: Vec<Value> = plans
            .iter()
            .enumerate()
            .map(|(index, (kind, a, b, data))| {
                let (a, b) = (&ids[a % count], &ids[b % count]);
                match kind {
                    0 => json!({ "id": ids[index], "shape": "edge", "source": { "cell": a, "port": "p1" }, "target": b }),
                    1 => json!({ "id": ids[index], "shape": "rect", "parent": a, "data": data }),
                    2 => json!({ "id": ids[index], "shape": "group", "children": [a, b] }),
                    _ => json!({ "id": ids[index], "shape": "rect", "position": { "x": 1, "y": 2 }, "data": data }),
                }
            })
            .collect();
        json!({ "cells": cells })
    })
}

fn inputs() -> impl Strategy<Value = Value> {
    let edited = (document(), prop::collection::vec(mutate::json_edit(), 1..4))
        .prop_map(|(document, edits)| mutate::apply(&document.to_string(), &edits));
    prop_oneof![
        1 => document().prop_map(|document| document.to_string()),
        2 => edited,
        2 => support::mutated(support::seed_texts(TARGET)),
    ]
    .prop_map(|text| json!({ "text": text }))
}

/// The reference rules: the document-level problems, and the index of every cell with a
/// problem; written from the documentation of `validate_document`.
fn reference(document: &Value) -> (usize, BTreeSet<usize>) {
    let Some(object) = document.as_object() else {
        return (1, BTreeSet::new());
    };
    let unknown = object.keys().filter(|key| *key != "cells").count();
    let Some(cells) = object.get("cells").and_then(Value::as_array) else {
        return (unknown + 1, BTreeSet::new());
    };
    fn id_of(cell: &Value) -> Option<&str> {
        cell.as_object()?
            .get("id")?
            .as_str()
            .filter(|id| !id.is_empty())
    }
    let mut first: HashMap<&str, usize> = HashMap::new();
    for (index, cell) in cells.iter().enumerate() {
        if let Some(id) = id_of(cell) {
            first.entry(id).or_insert(index);
        }
    }
    let known = |target: &Value| target.as_str().is_some_and(|id| first.contains_key(id));
    let reference_ok = |value: Option<&Value>| match value {
        None | Some(Value::Null) => true,
        Some(Value::String(_)) => known(value.unwrap_or(&Value::Null)),
        Some(Value::Object(terminal)) => terminal.get("cell").is_none_or(known),
        Some(_) => false,
    };
    let bad = cells
        .iter()
        .enumerate()
        .filter(|(index, cell)| {
            let Some(id) = id_of(cell) else { return true };
            let duplicate = first[id] != *index;
            let shape = cell.get("shape").is_some_and(|shape| !shape.is_string());
            let ends = !reference_ok(cell.get("source")) || !reference_ok(cell.get("target"));
            let parent = match cell.get("parent") {
                None | Some(Value::Null) => false,
                Some(parent) => !known(parent),
            };
            let children = match cell.get("children") {
                None | Some(Value::Null) => false,
                Some(Value::Array(children)) => !children.iter().all(known),
                Some(_) => true,
            };
            duplicate || shape || ends || parent || children
        })
        .map(|(index, _)| index)
        .collect();
    (unknown, bad)
}

/// Checks one case `{ text }`.
pub fn check(case: &Value) -> Verdict {
    let text = case["text"].as_str().ok_or("case without `text`")?;
    let Ok(document) = serde_json::from_str::<Value>(text) else {
        support::tally("not JSON");
        return Ok(());
    };
    let (document_problems, bad_cells) = reference(&document);
    let store = MemoryStore::new(|| 1.0);
    let imported = block_on(store.import_document(&document, NewDiagram::local("Imported")));
    match validate_document(&document) {
        Ok(cells) => {
            support::tally("imported");
            ensure!(document_problems == 0 && bad_cells.is_empty(), "accepted, but the reference finds {document_problems} document problems and bad cells {bad_cells:?}");
            ensure!(
                Some(&Value::Array(cells.clone())) == document.get("cells"),
                "the cells changed: {cells:?}"
            );
            ensure!(
                export_document(&cells) == document,
                "export gives {}",
                export_document(&cells)
            );
            let diagram = Diagram::from_cells(cells.clone(), 0)
                .map_err(|e| format!("the model refuses the cells: {e}"))?;
            ensure!(
                diagram.len() == cells.len(),
                "the model holds {} of {} cells",
                diagram.len(),
                cells.len()
            );
            let entry = imported.map_err(|e| format!("import failed: {e}"))?;
            let loaded =
                block_on(store.load(&entry.id)).map_err(|e| format!("load failed: {e}"))?;
            ensure!(
                loaded.is_complete() && loaded.cells == cells,
                "loaded {loaded:?}"
            );
            let exported = block_on(store.export_document(&entry.id))
                .map_err(|e| format!("export failed: {e}"))?;
            ensure!(exported == document, "the store exports {exported}");
        }
        Err(problems) => {
            support::tally("refused");
            ensure!(!problems.is_empty(), "refused with no problem listed");
            let cells = document.get("cells").and_then(Value::as_array);
            let mut indexes = BTreeSet::new();
            let mut at_document = 0;
            for problem in &problems {
                ensure!(
                    !problem.problem.is_empty(),
                    "a problem without text: {problem:?}"
                );
                match problem.index {
                    None => at_document += 1,
                    Some(index) => {
                        let cell = cells
                            .and_then(|cells| cells.get(index))
                            .ok_or(format!("{problem:?} names no cell"))?;
                        let id = cell
                            .get("id")
                            .and_then(Value::as_str)
                            .filter(|id| !id.is_empty());
                        ensure!(
                            problem.id.as_deref() == id,
                            "{problem:?} names the wrong id (cell {cell})"
                        );
                        indexes.insert(index);
                    }
                }
            }
            ensure!(
                problems
                    .windows(2)
                    .all(|pair| pair[0].index <= pair[1].index),
                "problems out of order: {problems:?}"
            );
            ensure!(at_document == document_problems, "{at_document} document problems listed, the reference finds {document_problems}: {problems:?}");
            ensure!(
                indexes == bad_cells,
                "problems name cells {indexes:?}, the reference finds {bad_cells:?}: {problems:?}"
            );
            let code = match imported {
                Err(StoreError::InvalidDocument { problems: listed }) => {
                    ensure!(
                        listed == problems,
                        "the store lists other problems: {listed:?}"
                    );
                    StoreError::InvalidDocument { problems: listed }.code()
                }
                other => return Err(format!("the store imported a refused document: {other:?}")),
            };
            ensure!(code == "INVALID_DOCUMENT", "code {code}");
            let listing = block_on(store.list()).map_err(|e| e.to_string())?;
            ensure!(
                listing.diagrams.is_empty(),
                "a refused import stored {listing:?}"
            );
        }
    }
    Ok(())
}

fn seed_case(text: &str) -> Value {
    json!({ "text": text })
}

#[test]
fn fuzz_loop() {
    support::fuzz(TARGET, inputs(), check);
}

#[test]
fn corpus_replays() {
    assert!(support::replay_corpus(TARGET, seed_case, check) > 0);
}
