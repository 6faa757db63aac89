//! Fuzz target `diff`: X6 change events turned into leaf-path updates
//! (`diff_change_event`).
//!
//! Properties, for an event `(cell id, key, previous, current)` on a cell that holds
//! `previous` under `key`: a malformed key is refused with the path parser's error; every
//! change is an update of that cell under `key`, whose `before` is what the cell holds
//! there and differs from its `after`, and no two changes touch overlapping paths; there is
//! no change exactly when nothing changed; applying the changes yields the event's
//! after-state (the cell holds `current` under `key`, the rest untouched), and applying
//! their inverses gives back the cell as it was.

use diagram_state::core::model::{diff_change_event, Change, Diagram};
use diagram_state::core::path::{checked_segments, overlaps};
use proptest::prelude::*;
use serde_json::{json, Map, Value};

use crate::ensure;
use crate::support::{self, json as gen, mutate, Verdict};

const TARGET: &str = "diff";

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => prop::sample::select(vec![
            "attrs", "position", "size", "data", "ports", "zIndex", "attrs/body", "ports/items",
            "data/0",
        ])
        .prop_map(str::to_owned),
        1 => prop::sample::select(vec!["", "/attrs", "attrs/", "attrs//body"]).prop_map(str::to_owned),
    ]
}

fn option_value() -> impl Strategy<Value = Option<Value>> {
    prop_oneof![1 => Just(None), 6 => gen::value(4, 4).prop_map(Some)]
}

/// `previous`, and `current` either unrelated to it or `previous` with a few edits, so
/// that the diff recurses.
fn inputs() -> impl Strategy<Value = Value> {
    (
        key(),
        option_value(),
        option_value(),
        prop::collection::vec(mutate::json_edit(), 1..4),
        0u8..4,
    )
        .prop_map(|(key, previous, unrelated, edits, mode)| {
            let current = match (&previous, mode) {
                (Some(previous), 1..=3) => {
                    serde_json::from_str(&mutate::apply(&previous.to_string(), &edits)).ok()
                }
                _ => unrelated,
            };
            let mut case = json!({ "id": "n1", "key": key });
            if let Some(previous) = previous {
                case["previous"] = previous;
            }
            if let Some(current) = current {
                case["current"] = current;
            }
            case
        })
}

/// The cell `{ id, <key segments as nested objects>: value }`; `None` leaves the last
/// segment out.
fn cell_holding(id: &str, key: &str, value: Option<&Value>) -> Value {
    let segments: Vec<&str> = key.split('/').collect();
    let (last, parents) = segments
        .split_last()
        .expect("split gives one segment at least");
    let mut inner = Map::new();
    if let Some(value) = value {
        inner.insert((*last).to_owned(), value.clone());
    }
    let nested = parents
        .iter()
        .rev()
        .fold(Value::Object(inner), |inner, segment| {
            Value::Object(Map::from_iter([((*segment).to_owned(), inner)]))
        });
    let mut cell = nested;
    cell["id"] = Value::from(id);
    cell
}

/// Checks one case `{ id, key, previous?, current? }`.
pub fn check(case: &Value) -> Verdict {
    let id = case["id"].as_str().ok_or("case without `id`")?;
    let key = case["key"].as_str().ok_or("case without `key`")?;
    let (previous, current) = (case.get("previous"), case.get("current"));
    let diffed = diff_change_event(id, key, previous, current);
    if let Err(error) = checked_segments(key) {
        ensure!(
            diffed == Err(error.clone()),
            "key {key:?} is malformed ({error:?}) but the diff gave {diffed:?}"
        );
        support::tally("malformed key");
        return Ok(());
    }
    let changes =
        diffed.map_err(|error| format!("the diff refused a well-formed key: {error:?}"))?;
    let before = cell_holding(id, key, previous);
    let diagram_before = Diagram::from_cells(vec![before.clone()], 0).map_err(|e| e.to_string())?;
    ensure!(
        changes.is_empty() == (previous == current),
        "{} changes, but previous == current is {}",
        changes.len(),
        previous == current
    );
    for (index, change) in changes.iter().enumerate() {
        let Change::Update {
            id: changed,
            path,
            before: old,
            after: new,
        } = change
        else {
            return Err(format!("not an update: {change:?}"));
        };
        ensure!(&**changed == id, "{change:?} is about another cell");
        ensure!(
            overlaps(key, path) && path.len() >= key.len(),
            "{path:?} is not under the key {key:?}"
        );
        ensure!(old != new, "{change:?} changes nothing");
        let held = diagram_before.get(id, path).map(|value| value.cloned());
        ensure!(
            held == Ok(old.clone()),
            "{change:?}: the cell holds {held:?} at {path:?}"
        );
        for other in &changes[index + 1..] {
            if let Change::Update { path: other, .. } = other {
                ensure!(
                    !overlaps(path, other),
                    "two changes touch overlapping paths {path:?} and {other:?}"
                );
            }
        }
    }
    let mut diagram = diagram_before.clone();
    let applied = diagram
        .apply_all(changes.clone())
        .map_err(|error| format!("applying the diff failed: {error}"))?;
    let expected = cell_holding(id, key, current);
    let after = diagram.cell(id).map(|cell| (**cell).clone());
    ensure!(
        after.as_ref() == Some(&expected),
        "applying the diff gave {after:?}, not the event's after-state {expected}"
    );
    let undo: Vec<Change> = applied.into_iter().rev().map(Change::inverse).collect();
    diagram
        .apply_all(undo)
        .map_err(|error| format!("undoing the diff failed: {error}"))?;
    let restored = diagram.cell(id).map(|cell| (**cell).clone());
    ensure!(
        restored.as_ref() == Some(&before),
        "undoing the diff gave {restored:?}, not {before}"
    );
    support::tally(match changes.len() {
        0 => "no change",
        1 => "one change",
        _ => "several changes",
    });
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
