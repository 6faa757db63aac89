//! Leaf-path changes from X6's change events `(cell id, key, previous, current)`.

use serde_json::Value;

use super::change::Change;
use super::shared_str::SharedStr;
use crate::core::path::{checked_segments, PathError, MAX_PATH_LEN};

/// The `update` changes that turn `previous` into `current` under `key` of cell `cell_id`,
/// one per leaf path that differs. `None` means the key was (or becomes) missing.
///
/// How leaves are found:
/// - two objects are compared key by key, recursively;
/// - two arrays of the same length are compared index by index, recursively;
/// - anything else that differs is one leaf: a scalar, a type change, a value that appears
///   or disappears, an array whose length changed (recorded whole, so that indexes
///   never shift under a recorded path), an object with a key that cannot be a path
///   segment (empty, or containing `/`), or a value whose children's paths would be
///   longer than [`MAX_PATH_LEN`].
///
/// Every path produced has a parent that exists both before and after, so each change can
/// be applied and inverted exactly.
///
/// ```
/// use diagram_state::core::model::{diff_change_event, Change};
/// use serde_json::json;
///
/// let before = json!({ "body": { "fill": "#fff", "stroke": "#000" } });
/// let after = json!({ "body": { "fill": "#f00", "stroke": "#000" } });
/// let changes = diff_change_event("n1", "attrs", Some(&before), Some(&after)).unwrap();
/// assert_eq!(changes, [Change::update("n1", "attrs/body/fill", Some(json!("#fff")), Some(json!("#f00")))]);
/// ```
pub fn diff_change_event(
    cell_id: &str,
    key: &str,
    previous: Option<&Value>,
    current: Option<&Value>,
) -> Result<Vec<Change>, PathError> {
    checked_segments(key)?;
    let mut changes = Vec::new();
    let cell_id = SharedStr::from(cell_id);
    let mut path = String::with_capacity(key.len() + 64);
    path.push_str(key);
    diff_into(&cell_id, &mut path, previous, current, &mut changes);
    Ok(changes)
}

fn diff_into(
    cell_id: &SharedStr,
    path: &mut String,
    previous: Option<&Value>,
    current: Option<&Value>,
    changes: &mut Vec<Change>,
) {
    match (previous, current) {
        (Some(Value::Object(before)), Some(Value::Object(after)))
            if before
                .keys()
                .chain(after.keys())
                .all(|key| is_child_segment(path, key)) =>
        {
            for (key, value) in before {
                diff_child(cell_id, path, key, Some(value), after.get(key), changes);
            }
            for (key, value) in after.iter().filter(|(key, _)| !before.contains_key(*key)) {
                diff_child(cell_id, path, key, None, Some(value), changes);
            }
        }
        (Some(Value::Array(before)), Some(Value::Array(after)))
            if before.len() == after.len()
                && is_child_segment(path, &before.len().saturating_sub(1).to_string()) =>
        {
            for (index, (old, new)) in before.iter().zip(after).enumerate() {
                diff_child(
                    cell_id,
                    path,
                    &index.to_string(),
                    Some(old),
                    Some(new),
                    changes,
                );
            }
        }
        _ if previous != current => changes.push(Change::Update {
            id: SharedStr::clone(cell_id),
            path: SharedStr::from(path.as_str()),
            before: previous.cloned(),
            after: current.cloned(),
        }),
        _ => {}
    }
}

/// Whether `segment` can follow `path` in a path that applies: not empty, no `/`, and the
/// whole path within [`MAX_PATH_LEN`].
fn is_child_segment(path: &str, segment: &str) -> bool {
    !segment.is_empty() && !segment.contains('/') && path.len() + 1 + segment.len() <= MAX_PATH_LEN
}

fn diff_child(
    cell_id: &SharedStr,
    path: &mut String,
    segment: &str,
    previous: Option<&Value>,
    current: Option<&Value>,
    changes: &mut Vec<Change>,
) {
    let parent_len = path.len();
    path.push('/');
    path.push_str(segment);
    diff_into(cell_id, path, previous, current, changes);
    path.truncate(parent_len);
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn paths(changes: &[Change]) -> Vec<&str> {
        changes
            .iter()
            .map(|change| match change {
                Change::Update { path, .. } => path.as_ref(),
                _ => "",
            })
            .collect()
    }

    #[test]
    fn equal_values_give_no_change() {
        let value = json!({ "x": 1, "y": [1, 2] });
        assert!(
            diff_change_event("n", "position", Some(&value), Some(&value))
                .unwrap()
                .is_empty()
        );
        assert!(diff_change_event("n", "data", None, None)
            .unwrap()
            .is_empty());
    }

    #[test]
    fn keys_appearing_and_disappearing_are_leaves() {
        let before = json!({ "a": 1, "gone": { "deep": true } });
        let after = json!({ "a": 1, "new": null });
        let changes = diff_change_event("n", "data", Some(&before), Some(&after)).unwrap();
        assert_eq!(
            changes,
            [
                Change::update("n", "data/gone", Some(json!({ "deep": true })), None),
                Change::update("n", "data/new", None, Some(Value::Null)),
            ]
        );
    }

    #[test]
    fn arrays_of_equal_length_recurse_and_others_are_one_leaf() {
        let before = json!({ "items": [{ "id": "p1", "group": "top" }, { "id": "p2" }] });
        let after = json!({ "items": [{ "id": "p1", "group": "left" }, { "id": "p2" }] });
        let changes = diff_change_event("n", "ports", Some(&before), Some(&after)).unwrap();
        assert_eq!(paths(&changes), ["ports/items/0/group"]);

        let grown =
            json!({ "items": [{ "id": "p1", "group": "top" }, { "id": "p2" }, { "id": "p3" }] });
        let changes = diff_change_event("n", "ports", Some(&before), Some(&grown)).unwrap();
        assert_eq!(paths(&changes), ["ports/items"]);
    }

    #[test]
    fn a_whole_key_appearing_is_one_leaf() {
        let after = json!({ "x": 1, "y": 2 });
        let changes = diff_change_event("n", "position", None, Some(&after)).unwrap();
        assert_eq!(
            changes,
            [Change::update("n", "position", None, Some(after))]
        );
    }

    #[test]
    fn a_malformed_key_is_an_invalid_path() {
        assert_eq!(
            diff_change_event("n", "", None, Some(&json!(1))),
            Err(PathError::Empty)
        );
    }
}
