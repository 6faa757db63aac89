//! A reference model of how a change set applies, written from the documented rules
//! (`core::model`, `value_path`) without the crate's code: the `change` target compares
//! `Diagram::apply_all` with it.
//!
//! Rules: an `add` needs an object with a non-empty string `id` not yet present; a
//! `remove` needs such a cell present and reports the cell as it was; an `update` needs a
//! well-formed path not starting at `id`, an existing cell, and existing parents; arrays are
//! written in place, appended at `len`, and only their last element (or one past the end,
//! which changes nothing) deleted. A set applies all or nothing; updates that change nothing
//! are not reported.

use std::collections::BTreeMap;

use diagram_state::core::model::Change;
use diagram_state::core::path::MAX_PATH_LEN;
use serde_json::Value;

/// The cells of a diagram, by id.
pub struct Model {
    cells: BTreeMap<String, Value>,
}

impl Model {
    /// A model of these cells (assumed valid and unique).
    pub fn new(cells: &[Value]) -> Self {
        let cells = cells
            .iter()
            .filter_map(|cell| Some((id_of(cell)?.to_owned(), cell.clone())))
            .collect();
        Self { cells }
    }

    /// The cells, ordered by id.
    pub fn cells(&self) -> Vec<Value> {
        self.cells.values().cloned().collect()
    }

    /// Applies the set; `Err` (and no change) when one change is refused.
    pub fn apply_all(&mut self, changes: &[Change]) -> Result<Vec<Change>, ()> {
        let mut next = Self {
            cells: self.cells.clone(),
        };
        let mut applied = Vec::new();
        for change in changes {
            let done = next.apply(change)?;
            if !done.is_noop() {
                applied.push(done);
            }
        }
        *self = next;
        Ok(applied)
    }

    fn apply(&mut self, change: &Change) -> Result<Change, ()> {
        match change {
            Change::Add { cell } => {
                let id = id_of(cell).ok_or(())?;
                if self.cells.contains_key(id) {
                    return Err(());
                }
                self.cells.insert(id.to_owned(), (**cell).clone());
                Ok(change.clone())
            }
            Change::Remove { cell } => {
                let removed = self.cells.remove(id_of(cell).ok_or(())?).ok_or(())?;
                Ok(Change::remove(removed))
            }
            Change::Update {
                id, path, after, ..
            } => {
                let well_formed = !path.is_empty()
                    && path.len() <= MAX_PATH_LEN
                    && !path.split('/').any(str::is_empty);
                let segments: Vec<&str> = path.split('/').collect();
                if !well_formed || segments[0] == "id" {
                    return Err(());
                }
                let cell = self.cells.get_mut(&**id).ok_or(())?;
                let before = write(cell, &segments, after.clone())?;
                Ok(Change::update(id, path, before, after.clone()))
            }
        }
    }
}

fn id_of(cell: &Value) -> Option<&str> {
    cell.as_object()?
        .get("id")?
        .as_str()
        .filter(|id| !id.is_empty())
}

fn index(segment: &str) -> Option<usize> {
    let digits = !segment.is_empty() && segment.chars().all(|c| c.is_ascii_digit());
    let canonical = segment == "0" || !segment.starts_with('0');
    if digits && canonical {
        segment.parse().ok()
    } else {
        None
    }
}

fn write(value: &mut Value, segments: &[&str], new: Option<Value>) -> Result<Option<Value>, ()> {
    let (last, parents) = segments.split_last().ok_or(())?;
    let mut parent = value;
    for segment in parents {
        parent = match parent {
            Value::Object(map) => map.get_mut(*segment).ok_or(())?,
            Value::Array(items) => items.get_mut(index(segment).ok_or(())?).ok_or(())?,
            _ => return Err(()),
        };
    }
    match parent {
        Value::Object(map) => Ok(match new {
            Some(new) => map.insert((*last).to_owned(), new),
            None => map.remove(*last),
        }),
        Value::Array(items) => {
            let at = index(last).ok_or(())?;
            match new {
                Some(new) if at < items.len() => Ok(Some(std::mem::replace(&mut items[at], new))),
                Some(new) if at == items.len() => {
                    items.push(new);
                    Ok(None)
                }
                Some(_) => Err(()),
                None if at >= items.len() => Ok(None),
                None if at + 1 == items.len() => Ok(items.pop()),
                None => Err(()),
            }
        }
        _ => Err(()),
    }
}
