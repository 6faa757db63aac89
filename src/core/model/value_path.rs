//! Get, set and delete inside a JSON value by path segments (from
//! [`parse_path`](crate::core::path::parse_path) or
//! [`checked_segments`](crate::core::path::checked_segments)), objects and arrays alike.
//!
//! The rules keep every write exactly reversible, so a change and its inverse round-trip:
//! - a parent must already exist: setting `attrs/body/fill` on a cell without `attrs/body`
//!   is refused, never half-created;
//! - an array element is replaced in place, appended at index `len`, and only the last one
//!   can be deleted, so indexes never shift under other paths;
//! - missing, `null` and a value are distinct: `get` returns `None` only for missing.
//!
//! ```
//! use diagram_state::core::model::value_path::{delete, get, set};
//! use serde_json::json;
//!
//! let mut cell = json!({ "ports": { "items": [{ "id": "p1" }] } });
//! let previous = set(&mut cell, ["ports", "items", "0", "group"], json!("top")).unwrap();
//! assert_eq!(previous, None);
//! assert_eq!(get(&cell, ["ports", "items", "0", "group"]), Some(&json!("top")));
//! assert_eq!(delete(&mut cell, ["ports", "items", "0", "group"]).unwrap(), Some(json!("top")));
//! ```

use serde_json::Value;
use thiserror::Error;

use crate::core::error::ErrorCode;

/// Why a path cannot be written in a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum PathAccessError {
    /// A segment before the last is missing or is neither an object nor an array, or an
    /// array segment is not a plain index (`code`: `PATH_NOT_FOUND`).
    #[error("a parent is missing, or is not an object or an array")]
    Unreachable,
    /// An array index beyond the end; only `len` (append) is allowed (`code`: `PATH_NOT_FOUND`).
    #[error("the array index is past the end of the array")]
    IndexPastEnd,
    /// Deleting an array element other than the last (`code`: `ARRAY_DELETE_NOT_LAST`).
    #[error("only the last element of an array can be deleted")]
    NotLastElement,
}

impl ErrorCode for PathAccessError {
    fn code(&self) -> &'static str {
        match self {
            Self::Unreachable | Self::IndexPastEnd => "PATH_NOT_FOUND",
            Self::NotLastElement => "ARRAY_DELETE_NOT_LAST",
        }
    }
}

/// The value at `segments`, or `None` when it is missing.
pub fn get<'a, 's>(
    value: &'a Value,
    segments: impl IntoIterator<Item = &'s str>,
) -> Option<&'a Value> {
    segments
        .into_iter()
        .try_fold(value, |current, segment| child(current, segment))
}

/// Writes `new` at `segments` and returns what was there before (`None`: missing).
pub fn set<'s>(
    value: &mut Value,
    segments: impl IntoIterator<Item = &'s str>,
    new: Value,
) -> Result<Option<Value>, PathAccessError> {
    write(value, segments, Some(new))
}

/// Deletes the value at `segments` and returns it (`None`: it was already missing).
pub fn delete<'s>(
    value: &mut Value,
    segments: impl IntoIterator<Item = &'s str>,
) -> Result<Option<Value>, PathAccessError> {
    write(value, segments, None)
}

/// Writes `new` (`None`: delete) at `segments`, returning the previous value. Checks
/// everything before changing anything, so an error leaves `value` untouched.
pub fn write<'s>(
    value: &mut Value,
    segments: impl IntoIterator<Item = &'s str>,
    new: Option<Value>,
) -> Result<Option<Value>, PathAccessError> {
    let mut segments = segments.into_iter().peekable();
    let mut parent = value;
    let last = loop {
        let segment = segments.next().ok_or(PathAccessError::Unreachable)?;
        if segments.peek().is_none() {
            break segment;
        }
        parent = child_mut(parent, segment).ok_or(PathAccessError::Unreachable)?;
    };
    match parent {
        Value::Object(map) => Ok(match (new, map.get_mut(last)) {
            (Some(new), Some(slot)) => Some(std::mem::replace(slot, new)),
            (Some(new), None) => map.insert(last.to_owned(), new),
            (None, _) => map.remove(last),
        }),
        Value::Array(items) => {
            let index = array_index(last).ok_or(PathAccessError::Unreachable)?;
            write_element(items, index, new)
        }
        _ => Err(PathAccessError::Unreachable),
    }
}

fn write_element(
    items: &mut Vec<Value>,
    index: usize,
    new: Option<Value>,
) -> Result<Option<Value>, PathAccessError> {
    let len = items.len();
    match new {
        Some(new) if index < len => Ok(Some(std::mem::replace(&mut items[index], new))),
        Some(new) if index == len => {
            items.push(new);
            Ok(None)
        }
        Some(_) => Err(PathAccessError::IndexPastEnd),
        None if index >= len => Ok(None),
        None if index + 1 == len => Ok(items.pop()),
        None => Err(PathAccessError::NotLastElement),
    }
}

fn child<'a>(value: &'a Value, segment: &str) -> Option<&'a Value> {
    match value {
        Value::Object(map) => map.get(segment),
        Value::Array(items) => items.get(array_index(segment)?),
        _ => None,
    }
}

fn child_mut<'a>(value: &'a mut Value, segment: &str) -> Option<&'a mut Value> {
    match value {
        Value::Object(map) => map.get_mut(segment),
        Value::Array(items) => items.get_mut(array_index(segment)?),
        _ => None,
    }
}

/// A plain decimal index (`0`, `12`); `01`, `+1` and `-1` are not indexes.
fn array_index(segment: &str) -> Option<usize> {
    let plain = segment.bytes().all(|byte| byte.is_ascii_digit())
        && (segment == "0" || !segment.starts_with('0'));
    if plain {
        segment.parse().ok()
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn missing_null_and_present_are_distinct() {
        let mut value = json!({ "a": null });
        assert_eq!(get(&value, ["a"]), Some(&Value::Null));
        assert_eq!(get(&value, ["b"]), None);
        assert_eq!(delete(&mut value, ["a"]), Ok(Some(Value::Null)));
        assert_eq!(value, json!({}));
    }

    #[test]
    fn arrays_append_at_len_and_pop_only_the_last() {
        let mut value = json!({ "v": [1, 2] });
        assert_eq!(set(&mut value, ["v", "2"], json!(3)), Ok(None));
        assert_eq!(
            set(&mut value, ["v", "4"], json!(5)),
            Err(PathAccessError::IndexPastEnd)
        );
        assert_eq!(
            delete(&mut value, ["v", "0"]),
            Err(PathAccessError::NotLastElement)
        );
        assert_eq!(delete(&mut value, ["v", "2"]), Ok(Some(json!(3))));
        assert_eq!(delete(&mut value, ["v", "7"]), Ok(None));
        assert_eq!(value, json!({ "v": [1, 2] }));
    }

    #[test]
    fn parents_are_never_created() {
        let mut value = json!({ "attrs": 3 });
        assert_eq!(
            set(&mut value, ["attrs", "body", "fill"], json!("red")),
            Err(PathAccessError::Unreachable)
        );
        assert_eq!(
            set(&mut value, ["size", "width"], json!(1)),
            Err(PathAccessError::Unreachable)
        );
        assert_eq!(value, json!({ "attrs": 3 }));
    }

    #[test]
    fn only_plain_decimal_segments_index_arrays() {
        let value = json!([10, 11]);
        assert_eq!(get(&value, ["1"]), Some(&json!(11)));
        for segment in ["01", "+1", "-1", "x", ""] {
            assert_eq!(get(&value, [segment]), None, "{segment}");
        }
    }
}
