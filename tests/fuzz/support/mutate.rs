//! Mutators of seed inputs, at two levels:
//! - JSON: replace a node (type swaps, edge numbers, unicode), remove, add or rename a key,
//!   write an integer as a float, nest a node deeper, write a key twice, a very long string;
//! - bytes: truncate, flip a bit, insert a token, delete or repeat a span, nest the whole
//!   text past the parser's depth limit.
//!
//! Each input is a seed plus a list of edits, so proptest shrinks a failure to the fewest
//! edits that still fail.

use proptest::prelude::*;
use serde_json::{Map, Value};

use super::json::{self, node_count, node_mut};

/// One edit of an input.
#[derive(Debug, Clone)]
pub enum Edit {
    /// Replace a node with another value.
    Replace { node: usize, with: Value },
    /// Remove one key of an object node.
    RemoveKey { node: usize, key: usize },
    /// Add (or overwrite) a key of an object node.
    AddKey {
        node: usize,
        key: String,
        value: Value,
    },
    /// Rename one key of an object node.
    RenameKey { node: usize, key: usize, to: String },
    /// Write an integer node as a float (`3` → `3.0`).
    WholeFloat { node: usize },
    /// Put a node inside `depth` arrays or objects.
    Wrap {
        node: usize,
        depth: usize,
        object: bool,
    },
    /// Write the first key of an object node a second time, with another value.
    DuplicateKey { node: usize, value: Value },
    /// Replace a node with a string of `len` bytes.
    LongString { node: usize, len: usize },
    /// Cut the text at a byte.
    Truncate { at: usize },
    /// Flip one bit of one byte (invalid UTF-8 becomes U+FFFD, as a JavaScript string would).
    FlipBit { at: usize, bit: u8 },
    /// Insert a token at a byte.
    Insert { at: usize, token: String },
    /// Delete a span of bytes.
    Delete { at: usize, len: usize },
    /// Repeat a span of bytes.
    Repeat { at: usize, len: usize },
    /// Wrap the whole text in `depth` arrays.
    DeepNest { depth: usize },
}

/// Tokens that JSON parsers trip on.
const TOKENS: [&str; 18] = [
    "\"",
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    "null",
    "-0",
    "1e999",
    "18446744073709551616",
    "\\u0000",
    "\\ud800",
    "\\",
    "🙂",
    "\u{feff}",
    " ",
    "\"\":",
];

/// One edit.
pub fn edit() -> impl Strategy<Value = Edit> {
    let node = any::<usize>();
    prop_oneof![
        4 => (node, json::value(2, 3)).prop_map(|(node, with)| Edit::Replace { node, with }),
        2 => (node, any::<usize>()).prop_map(|(node, key)| Edit::RemoveKey { node, key }),
        2 => (node, json::key(), json::value(1, 2))
            .prop_map(|(node, key, value)| Edit::AddKey { node, key, value }),
        1 => (node, any::<usize>(), json::key())
            .prop_map(|(node, key, to)| Edit::RenameKey { node, key, to }),
        1 => node.prop_map(|node| Edit::WholeFloat { node }),
        1 => (node, prop::sample::select(vec![1usize, 2, 20, 126, 127, 128, 129]), any::<bool>())
            .prop_map(|(node, depth, object)| Edit::Wrap { node, depth, object }),
        2 => (node, json::scalar()).prop_map(|(node, value)| Edit::DuplicateKey { node, value }),
        1 => (node, prop::sample::select(vec![1000usize, 70_000, (1 << 20) + 1]))
            .prop_map(|(node, len)| Edit::LongString { node, len }),
        2 => any::<usize>().prop_map(|at| Edit::Truncate { at }),
        2 => (any::<usize>(), 0u8..8).prop_map(|(at, bit)| Edit::FlipBit { at, bit }),
        2 => (any::<usize>(), prop::sample::select(TOKENS.to_vec()))
            .prop_map(|(at, token)| Edit::Insert { at, token: token.to_owned() }),
        1 => (any::<usize>(), 1usize..16).prop_map(|(at, len)| Edit::Delete { at, len }),
        1 => (any::<usize>(), 1usize..16).prop_map(|(at, len)| Edit::Repeat { at, len }),
        1 => prop::sample::select(vec![100usize, 128, 129, 5000])
            .prop_map(|depth| Edit::DeepNest { depth }),
    ]
}

/// One JSON-level edit that keeps the text valid JSON (no duplicate keys, no deep nesting).
pub fn json_edit() -> impl Strategy<Value = Edit> {
    let node = any::<usize>();
    prop_oneof![
        4 => (node, json::value(2, 3)).prop_map(|(node, with)| Edit::Replace { node, with }),
        2 => (node, any::<usize>()).prop_map(|(node, key)| Edit::RemoveKey { node, key }),
        2 => (node, json::key(), json::value(1, 2))
            .prop_map(|(node, key, value)| Edit::AddKey { node, key, value }),
        1 => (node, any::<usize>(), json::key())
            .prop_map(|(node, key, to)| Edit::RenameKey { node, key, to }),
        1 => node.prop_map(|node| Edit::WholeFloat { node }),
        1 => (node, 1usize..3, any::<bool>())
            .prop_map(|(node, depth, object)| Edit::Wrap { node, depth, object }),
    ]
}

/// A seed (chosen among `seeds`) with 1 to 4 edits applied.
pub fn mutated(seeds: Vec<String>) -> impl Strategy<Value = String> {
    let count = seeds.len();
    (0..count, prop::collection::vec(edit(), 1..5))
        .prop_map(move |(seed, edits)| apply(&seeds[seed], &edits))
}

/// The seed text after the edits, in order.
pub fn apply(seed: &str, edits: &[Edit]) -> String {
    edits.iter().fold(seed.to_owned(), apply_one)
}

fn apply_one(text: String, edit: &Edit) -> String {
    match edit {
        Edit::Truncate { at } => {
            let mut bytes = text.into_bytes();
            bytes.truncate(at % (bytes.len() + 1));
            lossy(bytes)
        }
        Edit::FlipBit { at, bit } => {
            let mut bytes = text.into_bytes();
            if !bytes.is_empty() {
                let at = at % bytes.len();
                bytes[at] ^= 1 << bit;
            }
            lossy(bytes)
        }
        Edit::Insert { at, token } => {
            let mut bytes = text.into_bytes();
            let at = at % (bytes.len() + 1);
            bytes.splice(at..at, token.bytes());
            lossy(bytes)
        }
        Edit::Delete { at, len } => {
            let mut bytes = text.into_bytes();
            let at = at % (bytes.len() + 1);
            let end = (at + len).min(bytes.len());
            bytes.drain(at..end);
            lossy(bytes)
        }
        Edit::Repeat { at, len } => {
            let mut bytes = text.into_bytes();
            let at = at % (bytes.len() + 1);
            let end = (at + len).min(bytes.len());
            let span: Vec<u8> = bytes[at..end].to_vec();
            bytes.splice(at..at, span);
            lossy(bytes)
        }
        Edit::DeepNest { depth } => format!("{}{text}{}", "[".repeat(*depth), "]".repeat(*depth)),
        json_edit => apply_json(text, json_edit),
    }
}

fn lossy(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes)
        .unwrap_or_else(|error| String::from_utf8_lossy(error.as_bytes()).into_owned())
}

/// A JSON-level edit; the text is left as it is when it is not JSON.
fn apply_json(text: String, edit: &Edit) -> String {
    let Ok(mut value) = serde_json::from_str::<Value>(&text) else {
        return text;
    };
    let count = node_count(&value);
    let pick = |node: &usize| node % count;
    match edit {
        Edit::Replace { node, with } => set(&mut value, pick(node), |_| with.clone()),
        Edit::RemoveKey { node, key } => {
            if let Some(Value::Object(map)) = node_mut(&mut value, pick(node)) {
                if let Some(name) = nth_key(map, *key) {
                    map.remove(&name);
                }
            }
        }
        Edit::AddKey {
            node,
            key,
            value: added,
        } => {
            if let Some(Value::Object(map)) = node_mut(&mut value, pick(node)) {
                map.insert(key.clone(), added.clone());
            }
        }
        Edit::RenameKey { node, key, to } => {
            if let Some(Value::Object(map)) = node_mut(&mut value, pick(node)) {
                if let Some(name) = nth_key(map, *key) {
                    if let Some(moved) = map.remove(&name) {
                        map.insert(to.clone(), moved);
                    }
                }
            }
        }
        Edit::WholeFloat { node } => set(&mut value, pick(node), |old| match old.as_i64() {
            Some(number) => Value::from(number as f64),
            None => old,
        }),
        Edit::Wrap {
            node,
            depth,
            object,
        } => set(&mut value, pick(node), |old| {
            (0..*depth).fold(old, |inner, _| {
                if *object {
                    Value::Object(Map::from_iter([("a".to_owned(), inner)]))
                } else {
                    Value::Array(vec![inner])
                }
            })
        }),
        Edit::LongString { node, len } => set(&mut value, pick(node), |_| "x".repeat(*len).into()),
        Edit::DuplicateKey {
            node,
            value: second,
        } => {
            let mut out = String::with_capacity(text.len() + 16);
            let mut index = 0;
            write_with_duplicate(&value, pick(node), second, &mut index, &mut out);
            return out;
        }
        _ => return text,
    }
    serde_json::to_string(&value).unwrap_or(text)
}

fn set(value: &mut Value, node: usize, with: impl FnOnce(Value) -> Value) {
    if let Some(slot) = node_mut(value, node) {
        *slot = with(std::mem::take(slot));
    }
}

fn nth_key(map: &Map<String, Value>, index: usize) -> Option<String> {
    (!map.is_empty()).then(|| map.keys().nth(index % map.len()).cloned())?
}

/// Writes `value` as JSON text; the object at pre-order index `target` gets its first key
/// written again at its end, with `second` as the value.
fn write_with_duplicate(
    value: &Value,
    target: usize,
    second: &Value,
    index: &mut usize,
    out: &mut String,
) {
    let here = *index;
    *index += 1;
    match value {
        Value::Array(items) => {
            out.push('[');
            for (position, item) in items.iter().enumerate() {
                if position > 0 {
                    out.push(',');
                }
                write_with_duplicate(item, target, second, index, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (position, (key, item)) in map.iter().enumerate() {
                if position > 0 {
                    out.push(',');
                }
                out.push_str(&Value::from(key.as_str()).to_string());
                out.push(':');
                write_with_duplicate(item, target, second, index, out);
            }
            if let (true, Some(first)) = (here == target, map.keys().next()) {
                out.push(',');
                out.push_str(&Value::from(first.as_str()).to_string());
                out.push(':');
                out.push_str(&second.to_string());
            }
            out.push('}');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}
