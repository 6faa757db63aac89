//! Fuzz target `change`: applying change sets to a diagram (`Diagram::apply_all`) and
//! inverting them (`Change::inverse`).
//!
//! Properties, for random diagrams and change sets (valid, stale, malformed, out of range):
//! each change survives its JSON form; `apply_all` accepts exactly the sets that the
//! reference model in `change_model` accepts and ends in the same cells, reporting the same
//! applied changes; a refused set leaves the diagram exactly as it was; the version grows by
//! one when something changed; applying the inverses of the applied changes, newest first,
//! gives back the exact previous diagram, and re-applying the changes gives the same result.

use diagram_state::core::model::{Change, Diagram};
use proptest::prelude::*;
use serde_json::{json, Map, Value};

use crate::change_model;
use crate::ensure;
use crate::support::{self, json as gen, Verdict};

const TARGET: &str = "change";
const IDS: [&str; 5] = ["a", "b", "c", "e1", "ü"];

/// Where an update writes, resolved against the cell it targets.
#[derive(Debug, Clone)]
enum PathPlan {
    /// A path that exists in the cell.
    Existing(usize),
    /// One past the end of an array of the cell.
    Append(usize),
    /// Two past the end of an array of the cell.
    PastEnd(usize),
    /// A new key under an object of the cell.
    Child(usize, String),
    /// Any text.
    Raw(String),
}

#[derive(Debug, Clone)]
enum Plan {
    Add {
        id: usize,
        body: Value,
        shape: u8,
    },
    Remove {
        id: usize,
        stale: Value,
    },
    Update {
        id: usize,
        path: PathPlan,
        before: Option<Value>,
        after: Option<Value>,
    },
}

fn cell_body() -> impl Strategy<Value = Value> {
    (
        (gen::number(), gen::number()),
        prop::collection::vec(gen::value(2, 2), 0..3),
        gen::value(3, 3),
    )
        .prop_map(|((x, y), items, data)| {
            json!({
                "shape": "rect",
                "position": { "x": x, "y": y },
                "attrs": { "body": { "fill": "#fff" }, "label": { "text": "A" } },
                "ports": { "items": items },
                "data": data,
            })
        })
}

fn path_plan() -> impl Strategy<Value = PathPlan> {
    prop_oneof![
        6 => any::<usize>().prop_map(PathPlan::Existing),
        2 => any::<usize>().prop_map(PathPlan::Append),
        1 => any::<usize>().prop_map(PathPlan::PastEnd),
        2 => (any::<usize>(), gen::key()).prop_map(|(at, key)| PathPlan::Child(at, key)),
        1 => prop::sample::select(vec!["id", "id/x", "", "a//b", "/x", "position/", "nope/x"])
            .prop_map(|path| PathPlan::Raw(path.to_owned())),
    ]
}

fn option_value() -> impl Strategy<Value = Option<Value>> {
    prop_oneof![1 => Just(None), 4 => gen::value(2, 3).prop_map(Some)]
}

fn plan() -> impl Strategy<Value = Plan> {
    let id = 0..IDS.len();
    prop_oneof![
        2 => (id, cell_body(), 0u8..30).prop_map(|(id, body, shape)| Plan::Add { id, body, shape }),
        1 => (any::<usize>(), gen::value(1, 2)).prop_map(|(id, stale)| Plan::Remove { id, stale }),
        6 => (any::<usize>(), path_plan(), option_value(), option_value())
            .prop_map(|(id, path, before, after)| Plan::Update { id, path, before, after }),
    ]
}

fn inputs() -> impl Strategy<Value = Value> {
    (
        prop::collection::vec((0..IDS.len(), cell_body()), 0..5),
        0u64..4,
        prop::collection::vec(plan(), 1..6),
    )
        .prop_map(|(cells, version, plans)| {
            let mut by_id = Map::new();
            for (id, body) in cells {
                by_id.insert(IDS[id].to_owned(), with_id(IDS[id], body));
            }
            let changes: Vec<Value> = plans.iter().map(|plan| resolve(plan, &by_id)).collect();
            let cells: Vec<Value> = by_id.into_iter().map(|(_, cell)| cell).collect();
            json!({ "cells": cells, "version": version, "changes": changes })
        })
}

fn with_id(id: &str, body: Value) -> Value {
    let mut cell = Map::from_iter([("id".to_owned(), Value::from(id))]);
    if let Value::Object(fields) = body {
        cell.extend(fields.into_iter().filter(|(key, _)| key != "id"));
    }
    Value::Object(cell)
}

/// Every path inside a value (objects and arrays), in pre-order.
fn paths_in(value: &Value, prefix: &str, out: &mut Vec<(String, Value)>) {
    let children: Vec<(String, &Value)> = match value {
        Value::Object(map) => map
            .iter()
            .map(|(key, child)| (key.clone(), child))
            .collect(),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, child)| (i.to_string(), child))
            .collect(),
        _ => return,
    };
    for (segment, child) in children {
        let path = if prefix.is_empty() {
            segment
        } else {
            format!("{prefix}/{segment}")
        };
        out.push((path.clone(), child.clone()));
        paths_in(child, &path, out);
    }
}

/// The cell a remove or an update is about: mostly one of the diagram's, sometimes any id.
fn target(choice: usize, cells: &Map<String, Value>) -> &'static str {
    let present: Vec<&'static str> = IDS
        .iter()
        .copied()
        .filter(|id| cells.contains_key(*id))
        .collect();
    if choice % 8 == 7 || present.is_empty() {
        IDS[choice % IDS.len()]
    } else {
        present[choice / 8 % present.len()]
    }
}

fn resolve(plan: &Plan, cells: &Map<String, Value>) -> Value {
    let change = match plan {
        Plan::Add { id, body, shape } => Change::add(match shape {
            0 => json!([IDS[*id]]),
            1 => json!({ "shape": "rect" }),
            2 => json!({ "id": 7 }),
            3 => json!({ "id": "" }),
            _ => with_id(IDS[*id], body.clone()),
        }),
        Plan::Remove { id, stale } => {
            Change::remove(with_id(target(*id, cells), json!({ "stale": stale })))
        }
        Plan::Update {
            id,
            path,
            before,
            after,
        } => {
            let mut paths = Vec::new();
            let id = target(*id, cells);
            if let Some(cell) = cells.get(id) {
                paths_in(cell, "", &mut paths);
            }
            let arrays: Vec<&(String, Value)> =
                paths.iter().filter(|(_, v)| v.is_array()).collect();
            let objects: Vec<&(String, Value)> =
                paths.iter().filter(|(_, v)| v.is_object()).collect();
            let pick = |list: &[&(String, Value)], at: usize| {
                list.get(at % list.len().max(1)).map(|p| (*p).clone())
            };
            let path = match path {
                PathPlan::Existing(at) => paths
                    .get(at % paths.len().max(1))
                    .map(|(path, _)| path.clone()),
                PathPlan::Append(at) => pick(&arrays, *at)
                    .map(|(p, v)| format!("{p}/{}", v.as_array().map_or(0, Vec::len))),
                PathPlan::PastEnd(at) => pick(&arrays, *at)
                    .map(|(p, v)| format!("{p}/{}", v.as_array().map_or(0, Vec::len) + 1)),
                PathPlan::Child(at, key) => pick(&objects, *at).map(|(p, _)| format!("{p}/{key}")),
                PathPlan::Raw(path) => Some(path.clone()),
            };
            Change::update(
                id,
                &path.unwrap_or_else(|| "position/x".into()),
                before.clone(),
                after.clone(),
            )
        }
    };
    serde_json::to_value(change).unwrap_or_default()
}

fn cells_of(diagram: &Diagram) -> Vec<Value> {
    diagram.cells().map(|cell| (**cell).clone()).collect()
}

/// Checks one case `{ cells, version, changes }`.
pub fn check(case: &Value) -> Verdict {
    let cells: Vec<Value> =
        serde_json::from_value(case["cells"].clone()).map_err(|e| format!("cells: {e}"))?;
    let version = case["version"].as_u64().unwrap_or(0);
    let changes: Vec<Change> =
        serde_json::from_value(case["changes"].clone()).map_err(|e| format!("changes: {e}"))?;
    for change in &changes {
        let back = serde_json::to_value(change)
            .ok()
            .and_then(|v| serde_json::from_value::<Change>(v).ok());
        ensure!(
            back.as_ref() == Some(change),
            "{change:?} does not survive its JSON form: {back:?}"
        );
    }
    let mut diagram =
        Diagram::from_cells(cells.clone(), version).map_err(|e| format!("cells: {e}"))?;
    let start = cells_of(&diagram);
    let mut model = change_model::Model::new(&cells);
    let expected = model.apply_all(&changes);
    let result = diagram.apply_all(changes.clone());
    let applied = match (result, expected) {
        (Err(error), Err(())) => {
            ensure!(
                cells_of(&diagram) == start,
                "refused ({error}) but the cells changed"
            );
            ensure!(
                diagram.version() == version,
                "refused ({error}) but the version moved"
            );
            support::tally("refused");
            return Ok(());
        }
        (Err(error), Ok(_)) => return Err(format!("refused with {error:?}; the model accepts it")),
        (Ok(applied), Err(())) => {
            return Err(format!("accepted as {applied:?}; the model refuses it"))
        }
        (Ok(applied), Ok(expected)) => {
            ensure!(
                applied == expected,
                "applied {applied:?}, the model applied {expected:?}"
            );
            applied
        }
    };
    let after = cells_of(&diagram);
    ensure!(
        after == model.cells(),
        "cells {after:?} differ from the model's {:?}",
        model.cells()
    );
    let grown = version + u64::from(!applied.is_empty());
    ensure!(
        diagram.version() == grown,
        "version {} after {applied:?}, expected {grown}",
        diagram.version()
    );
    ensure!(
        applied.iter().all(|change| !change.is_noop()),
        "a no-op was reported: {applied:?}"
    );
    support::tally(if applied.is_empty() {
        "applied, nothing changed"
    } else {
        "applied"
    });
    let inverses: Vec<Change> = applied.iter().rev().cloned().map(Change::inverse).collect();
    let undone = diagram
        .apply_all(inverses.clone())
        .map_err(|e| format!("undo refused: {e}"))?;
    ensure!(
        cells_of(&diagram) == start,
        "undo gives {:?}, not the previous {start:?}",
        cells_of(&diagram)
    );
    ensure!(
        undone == inverses,
        "undo applied {undone:?}, not the inverses {inverses:?}"
    );
    diagram
        .apply_all(applied)
        .map_err(|e| format!("redo refused: {e}"))?;
    ensure!(
        cells_of(&diagram) == after,
        "redo gives {:?}, not {after:?}",
        cells_of(&diagram)
    );
    Ok(())
}

#[test]
fn fuzz_loop() {
    support::fuzz(TARGET, inputs(), check);
}

#[test]
fn corpus_replays() {
    assert!(support::replay_corpus(TARGET, support::json_case, check) > 0);
}
