//! JSON value generators that favour the inputs decoders get wrong: numbers at the edges
//! of `u64`, `i64` and `f64`, `-0.0` and whole floats, unicode (astral, combining, RTL,
//! NUL), keys that look like path separators or array indexes, and nesting.

use proptest::prelude::*;
use serde_json::{Map, Number, Value};

/// Numbers at the edges of what JSON, JavaScript and Rust disagree on.
pub fn number() -> impl Strategy<Value = Value> {
    prop_oneof![
        (-3i64..300).prop_map(Value::from),
        prop::sample::select(vec![
            Value::from(u64::MAX),
            Value::from(i64::MIN),
            Value::from(i64::MAX),
            Value::from(9_007_199_254_740_993_u64),
            Value::from(4_294_967_296_u64),
            Value::from(4_294_967_295_u64),
            Value::from(-1),
        ]),
        prop::sample::select(vec![
            0.5,
            -0.0,
            1.0,
            3.0,
            1e21,
            1e308,
            -1e308,
            5e-324,
            9_007_199_254_740_992.0,
            1.8446744073709552e19,
        ])
        .prop_map(|number| Value::Number(Number::from_f64(number).unwrap_or_else(|| 0.into()))),
        any::<f64>().prop_filter_map("finite", |number| Number::from_f64(number)
            .map(Value::Number)),
    ]
}

/// Text: ordinary words, separators, and unicode that breaks byte-length assumptions.
pub fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(vec![
            "", "a", "n1", "x", "rect", "edge", "hello world", "ü", "日本語", "🙂", "e\u{301}",
            "\u{202e}rtl", "\0", "a/b", "/", "//", " ", "\\", "\"", "%2F", "0", "01", "-1",
            "null", "true", "1e999",
        ])
        .prop_map(str::to_owned),
        1 => "\\PC{0,12}",
        1 => any::<String>(),
    ]
}

/// Object keys: X6's own, plus empty keys, keys with `/`, keys that look like indexes, and
/// keys long enough that two or three of them exceed the path length limit.
pub fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => prop::sample::select(vec![
            "id", "x", "y", "attrs", "body", "fill", "text", "data", "items", "position", "a",
            "b", "0", "1",
        ])
        .prop_map(str::to_owned),
        1 => prop::sample::select(vec!["", "a/b", "/", "01", "ü", "🙂", " ", "%2F", "__proto__"])
            .prop_map(str::to_owned),
        1 => "\\PC{0,6}",
        1 => (1usize..4).prop_map(|unit| "k".repeat(unit * 300)),
    ]
}

/// A scalar JSON value.
pub fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        1 => Just(Value::Null),
        1 => any::<bool>().prop_map(Value::Bool),
        3 => number(),
        3 => text().prop_map(Value::String),
    ]
}

/// Any JSON value up to `depth` levels of nesting, objects and arrays up to `width` long.
pub fn value(depth: u32, width: usize) -> impl Strategy<Value = Value> {
    scalar().prop_recursive(depth, 64, width as u32, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..=width).prop_map(Value::Array),
            prop::collection::vec((key(), inner), 0..=width)
                .prop_map(|entries| Value::Object(entries.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// Counts the nodes of a value (the value itself, and everything inside it).
pub fn node_count(value: &Value) -> usize {
    1 + match value {
        Value::Array(items) => items.iter().map(node_count).sum(),
        Value::Object(map) => map.values().map(node_count).sum(),
        _ => 0,
    }
}

/// The node at `index` in pre-order (0 is the value itself).
pub fn node_mut(value: &mut Value, mut index: usize) -> Option<&mut Value> {
    if index == 0 {
        return Some(value);
    }
    index -= 1;
    let children: Vec<&mut Value> = match value {
        Value::Array(items) => items.iter_mut().collect(),
        Value::Object(map) => map.values_mut().collect(),
        _ => return None,
    };
    for child in children {
        let size = node_count(child);
        if index < size {
            return node_mut(child, index);
        }
        index -= size;
    }
    None
}
