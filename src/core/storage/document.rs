//! X6 documents (`graph.toJSON()`, i.e. `{ cells: [...] }`): validation before anything is
//! imported, and export in the stored order, so that `import(export(x))` equals `x`.
//!
//! ```
//! use diagram_state::core::storage::{export_document, validate_document};
//! use serde_json::json;
//!
//! let document = json!({ "cells": [
//!     { "id": "a", "shape": "rect" },
//!     { "id": "e", "shape": "edge", "source": { "cell": "a" }, "target": { "cell": "b" } },
//! ] });
//! let problems = validate_document(&document).unwrap_err();
//! assert_eq!(problems[0].problem, "`target` refers to a missing cell 'b'");
//! ```

use std::collections::HashMap;

use serde::Serialize;
use serde_json::{json, Value};

use super::records::type_name;
use crate::core::model::cell_id;

/// One thing wrong with a document, as JavaScript sees it:
/// `{ index: 3, id: 'e1', problem: '`source` refers to a missing cell \'n9\'' }`
/// (`index` and `id` are absent when the problem is with the document itself).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DocumentProblem {
    /// The cell's index in `cells`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index: Option<usize>,
    /// The cell's id, when it has a readable one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// What is wrong.
    pub problem: String,
}

impl DocumentProblem {
    fn document(problem: String) -> Self {
        Self {
            index: None,
            id: None,
            problem,
        }
    }

    /// The problems as one line of text (the first few).
    pub fn summary(problems: &[Self]) -> String {
        const SHOWN: usize = 5;
        let mut text = problems
            .iter()
            .take(SHOWN)
            .map(|problem| match (problem.index, &problem.id) {
                (Some(index), Some(id)) => format!("cells[{index}] '{id}': {}", problem.problem),
                (Some(index), None) => format!("cells[{index}]: {}", problem.problem),
                _ => problem.problem.clone(),
            })
            .collect::<Vec<_>>()
            .join("; ");
        if problems.len() > SHOWN {
            text.push_str(&format!("; and {} more", problems.len() - SHOWN));
        }
        text
    }
}

/// Checks an X6 document and returns its cells, in document order. The document must be
/// an object with a `cells` array and nothing else; every cell must be an object with a
/// unique non-empty string `id`, a string `shape` if any, and `source`, `target`, `parent`
/// and `children` that refer to cells of the document. Every problem is listed.
pub fn validate_document(document: &Value) -> Result<Vec<Value>, Vec<DocumentProblem>> {
    let Some(object) = document.as_object() else {
        return Err(vec![DocumentProblem::document(format!(
            "a document must be an object {{ cells: [...] }} (found {})",
            type_name(document)
        ))]);
    };
    let mut problems: Vec<DocumentProblem> = object
        .keys()
        .filter(|key| *key != "cells")
        .map(|key| {
            DocumentProblem::document(format!(
                "unknown field `{key}`: a graph.toJSON() document has only `cells`"
            ))
        })
        .collect();
    let cells = match object.get("cells") {
        Some(Value::Array(cells)) => cells,
        Some(other) => {
            problems.push(DocumentProblem::document(format!(
                "`cells` must be an array (found {})",
                type_name(other)
            )));
            return Err(problems);
        }
        None => {
            problems.push(DocumentProblem::document("`cells` is missing".into()));
            return Err(problems);
        }
    };
    problems.extend(validate_cells(cells));
    if problems.is_empty() {
        Ok(cells.clone())
    } else {
        Err(problems)
    }
}

/// Checks a list of cells as [`validate_document`] does; empty when they are fine.
pub fn validate_cells(cells: &[Value]) -> Vec<DocumentProblem> {
    let mut problems = Vec::new();
    let mut first_index: HashMap<&str, usize> = HashMap::with_capacity(cells.len());
    for (index, cell) in cells.iter().enumerate() {
        match cell_id(cell) {
            Err(error) => problems.push(DocumentProblem {
                index: Some(index),
                id: None,
                problem: error.to_string(),
            }),
            Ok(id) => {
                if let Some(first) = first_index.get(id) {
                    problems.push(at(
                        index,
                        id,
                        format!("duplicate id (first at index {first})"),
                    ));
                } else {
                    first_index.insert(id, index);
                }
            }
        }
    }
    for (index, cell) in cells.iter().enumerate() {
        let Ok(id) = cell_id(cell) else { continue };
        let mut problem = |text: String| problems.push(at(index, id, text));
        if let Some(shape) = cell.get("shape").filter(|shape| !shape.is_string()) {
            problem(format!(
                "`shape` must be a string (found {})",
                type_name(shape)
            ));
        }
        for end in ["source", "target"] {
            match cell.get(end) {
                None | Some(Value::Null) => {}
                Some(Value::String(target)) => {
                    check_reference(&first_index, end, target, &mut problem)
                }
                Some(Value::Object(terminal)) => match terminal.get("cell") {
                    None => {}
                    Some(Value::String(target)) => {
                        check_reference(&first_index, end, target, &mut problem)
                    }
                    Some(other) => problem(format!(
                        "`{end}.cell` must be a cell id (found {})",
                        type_name(other)
                    )),
                },
                Some(other) => problem(format!(
                    "`{end}` must be a cell id or a terminal object (found {})",
                    type_name(other)
                )),
            }
        }
        match cell.get("parent") {
            None | Some(Value::Null) => {}
            Some(Value::String(parent)) => {
                check_reference(&first_index, "parent", parent, &mut problem)
            }
            Some(other) => problem(format!(
                "`parent` must be a cell id (found {})",
                type_name(other)
            )),
        }
        match cell.get("children") {
            None | Some(Value::Null) => {}
            Some(Value::Array(children)) => {
                for child in children {
                    match child {
                        Value::String(child) => {
                            check_reference(&first_index, "children", child, &mut problem)
                        }
                        other => problem(format!(
                            "`children` must hold cell ids (found {})",
                            type_name(other)
                        )),
                    }
                }
            }
            Some(other) => problem(format!(
                "`children` must be an array of cell ids (found {})",
                type_name(other)
            )),
        }
    }
    problems.sort_by_key(|problem| problem.index);
    problems
}

fn at(index: usize, id: &str, problem: String) -> DocumentProblem {
    DocumentProblem {
        index: Some(index),
        id: Some(id.to_owned()),
        problem,
    }
}

fn check_reference(
    ids: &HashMap<&str, usize>,
    field: &str,
    target: &str,
    problem: &mut impl FnMut(String),
) {
    if !ids.contains_key(target) {
        problem(format!("`{field}` refers to a missing cell '{target}'"));
    }
}

/// The X6 document `{ cells: [...] }` of cells given in stored order.
pub fn export_document<'a>(cells: impl IntoIterator<Item = &'a Value>) -> Value {
    json!({ "cells": cells.into_iter().collect::<Vec<_>>() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_valid_document_keeps_its_order() {
        let document = json!({ "cells": [
            { "id": "z", "shape": "rect", "children": ["a"] },
            { "id": "a", "shape": "rect", "parent": "z" },
            { "id": "e", "shape": "edge", "source": "z", "target": { "x": 1, "y": 2 } },
        ] });
        let cells = validate_document(&document).unwrap();
        assert_eq!(export_document(&cells), document);
    }

    #[test]
    fn every_problem_is_listed_with_index_and_id() {
        let document = json!({ "version": 2, "cells": [
            { "id": "a" },
            { "shape": "rect" },
            { "id": "a", "shape": 7 },
            { "id": "e", "source": { "cell": 3 }, "target": "nope", "parent": "gone" },
        ] });
        let problems = validate_document(&document).unwrap_err();
        let summary: Vec<(Option<usize>, Option<&str>, &str)> = problems
            .iter()
            .map(|p| (p.index, p.id.as_deref(), p.problem.as_str()))
            .collect();
        assert_eq!(
            summary,
            [
                (
                    None,
                    None,
                    "unknown field `version`: a graph.toJSON() document has only `cells`"
                ),
                (Some(1), None, "a cell must have an \"id\""),
                (Some(2), Some("a"), "duplicate id (first at index 0)"),
                (
                    Some(2),
                    Some("a"),
                    "`shape` must be a string (found a number)"
                ),
                (
                    Some(3),
                    Some("e"),
                    "`source.cell` must be a cell id (found a number)"
                ),
                (
                    Some(3),
                    Some("e"),
                    "`target` refers to a missing cell 'nope'"
                ),
                (
                    Some(3),
                    Some("e"),
                    "`parent` refers to a missing cell 'gone'"
                ),
            ]
        );
    }

    #[test]
    fn the_document_itself_must_be_shaped_right() {
        assert!(validate_document(&json!([1])).unwrap_err()[0]
            .problem
            .contains("must be an object"));
        assert_eq!(
            validate_document(&json!({})).unwrap_err()[0].problem,
            "`cells` is missing"
        );
        assert!(validate_document(&json!({ "cells": {} })).unwrap_err()[0]
            .problem
            .contains("must be an array"));
    }
}
