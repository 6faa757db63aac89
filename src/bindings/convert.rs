//! Moving data across the JS boundary: the one place that does it, choosing per kind of
//! data what measures fastest (bench/RESULTS.md):
//!
//! - Input objects go through `JSON.stringify` and `serde_json`: a cycle, a `BigInt` or an
//!   input nested deeper than serde_json's limit (128 levels) becomes a typed
//!   `INVALID_ARGUMENT` error instead of unbounded recursion, and the values the core sees
//!   are exactly what X6's `toJSON()` would write (`undefined` properties and functions
//!   are dropped, `NaN` and `Infinity` become `null`). Leaves (one label, one coordinate)
//!   are read directly ([`value_from_js`]).
//! - Small results and event payloads are built directly by serde-wasm-bindgen
//!   ([`to_js`]); the `change` event, sent for every edit, undo and redo, property by
//!   property with cached names ([`change_event_to_js`]).
//! - Whole documents (thousands of cells) go through JSON text and `JSON.parse`
//!   ([`document_to_js`]), which is faster at that size.
//!
//! Output is plain objects and arrays, never `Map`s.

use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};

use super::error::js_error;
pub(crate) use crate::core::model::serde_forms::Object;
use crate::core::model::Change;

/// The largest JSON text accepted in one call (64 MiB): far above a 10,000-cell diagram,
/// small enough that a runaway input cannot exhaust the module's memory.
pub(crate) const MAX_INPUT_BYTES: usize = 64 * 1024 * 1024;

/// Reads `value` (the argument called `name`) as `T`, or explains what is wrong with it.
pub(crate) fn from_js<T: DeserializeOwned>(value: &JsValue, name: &str) -> Result<T, JsValue> {
    let text = stringify(value, name)?;
    serde_json::from_str(&text).map_err(|error| {
        js_error(
            "INVALID_ARGUMENT",
            &format!("`{name}` is not valid: {error}"),
        )
    })
}

/// Reads `value` (the argument called `name`) as `T`, which must be given as an object:
/// serde would also read a struct or a `type`-tagged enum from an array (`['removed', 'n1']`
/// as a removal), which no caller means.
pub(crate) fn from_js_object<T: DeserializeOwned>(
    value: &JsValue,
    name: &str,
) -> Result<T, JsValue> {
    from_js::<Object<T>>(value, name).map(|object| object.0)
}

/// A field that must be an object, never an array (see [`Object`]).
pub(crate) fn object<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    serde::Deserialize::deserialize(deserializer).map(|object: Object<T>| object.0)
}

/// An optional field that must be an object or `null`, never an array (see [`Object`]).
pub(crate) fn optional_object<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    serde::Deserialize::deserialize(deserializer)
        .map(|object: Option<Object<T>>| object.map(|object| object.0))
}

#[wasm_bindgen]
extern "C" {
    /// `Array.isArray`, which throws for a revoked `Proxy`.
    #[wasm_bindgen(catch, js_namespace = Array, js_name = isArray)]
    fn array_is_array(value: &JsValue) -> Result<bool, JsValue>;
}

/// Whether `value` is an array; a value that cannot even be asked (a revoked `Proxy`) is
/// an `INVALID_ARGUMENT` for the argument called `name`.
pub(crate) fn is_array(value: &JsValue, name: &str) -> Result<bool, JsValue> {
    array_is_array(value).map_err(|_| {
        js_error(
            "INVALID_ARGUMENT",
            &format!("`{name}` cannot be read (a revoked Proxy?)"),
        )
    })
}

/// The JSON text of `value`, checking that it can be written as JSON and is not too large.
pub(crate) fn stringify(value: &JsValue, name: &str) -> Result<String, JsValue> {
    if value.is_undefined() {
        return Err(js_error(
            "INVALID_ARGUMENT",
            &format!("`{name}` is missing (undefined)"),
        ));
    }
    let text = js_sys::JSON::stringify(value).map_err(|error| {
        let reason = error
            .dyn_ref::<js_sys::Error>()
            .map(|error| String::from(error.message()))
            .unwrap_or_else(|| "it cannot be written as JSON".to_owned());
        js_error(
            "INVALID_ARGUMENT",
            &format!("`{name}` cannot be read as JSON: {reason}"),
        )
    })?;
    let text = text.as_string().ok_or_else(|| {
        js_error(
            "INVALID_ARGUMENT",
            &format!("`{name}` cannot be read as JSON (a function or a symbol?)"),
        )
    })?;
    if text.len() > MAX_INPUT_BYTES {
        return Err(js_error(
            "INPUT_TOO_LARGE",
            &format!(
                "`{name}` is {} bytes as JSON; at most {MAX_INPUT_BYTES} are accepted in one call",
                text.len()
            ),
        ));
    }
    Ok(text)
}

/// Writes `value` as plain JS objects and arrays, built directly by serde-wasm-bindgen
/// (maps as plain objects, 64-bit integers as numbers): for the small results and event
/// payloads of every call this is several times faster than JSON text.
pub(crate) fn to_js<T: Serialize + ?Sized>(value: &T) -> JsValue {
    // The core's own plain data types always serialize; `undefined` would only hide a
    // bug, never crash the module.
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .unwrap_or(JsValue::UNDEFINED)
}

/// Writes a whole document (thousands of cells) as plain JS data through JSON text and
/// `JSON.parse`, which is faster than building it object by object at that size.
pub(crate) fn document_to_js<T: Serialize + ?Sized>(value: &T) -> JsValue {
    serde_json::to_string(value)
        .ok()
        .and_then(|text| js_sys::JSON::parse(&text).ok())
        .unwrap_or(JsValue::UNDEFINED)
}

/// The payload of a `change` event, `{ origin, changes, version }`, built property by
/// property: every undo, redo and edit sends one, and this is several times faster than
/// a general serializer for these few small objects.
pub(crate) fn change_event_to_js(origin: &str, changes: &[Change], version: u64) -> JsValue {
    KEYS.with(|keys| {
        let list = js_sys::Array::new_with_length(changes.len() as u32);
        for (index, change) in changes.iter().enumerate() {
            list.set(index as u32, change_to_js(keys, change));
        }
        let event = js_sys::Object::new();
        set(&event, &keys.origin, &keys.short_name(origin));
        set(&event, &keys.changes, &list);
        set(&event, &keys.version, &JsValue::from_f64(version as f64));
        event.into()
    })
}

/// The property names of a change, made into JS strings once.
struct Keys {
    kind: JsValue,
    id: JsValue,
    path: JsValue,
    before: JsValue,
    after: JsValue,
    cell: JsValue,
    add: JsValue,
    remove: JsValue,
    update: JsValue,
    origin: JsValue,
    changes: JsValue,
    version: JsValue,
    /// The origins a `change` event names, and the step types `undo()` returns.
    names: [(&'static str, JsValue); 8],
}

impl Keys {
    /// `origin` (one of the few the package sends) as a JS string.
    fn short_name(&self, origin: &str) -> JsValue {
        self.names
            .iter()
            .find(|(name, _)| *name == origin)
            .map_or_else(|| JsValue::from_str(origin), |(_, value)| value.clone())
    }
}

/// One of the package's own short names (an origin, a step type) as a JS string, made
/// once.
pub(crate) fn static_name(name: &'static str) -> JsValue {
    KEYS.with(|keys| keys.short_name(name))
}

thread_local! {
    static KEYS: Keys = Keys {
        kind: JsValue::from_str("type"),
        id: JsValue::from_str("id"),
        path: JsValue::from_str("path"),
        before: JsValue::from_str("before"),
        after: JsValue::from_str("after"),
        cell: JsValue::from_str("cell"),
        add: JsValue::from_str("add"),
        remove: JsValue::from_str("remove"),
        update: JsValue::from_str("update"),
        origin: JsValue::from_str("origin"),
        changes: JsValue::from_str("changes"),
        version: JsValue::from_str("version"),
        names: ["local", "tab", "remote", "history", "server", "applied", "empty", "serverRequest"]
            .map(|name| (name, JsValue::from_str(name))),
    };
}

/// One change as a plain object, the same as serializing it would give.
fn change_to_js(keys: &Keys, change: &Change) -> JsValue {
    let object = js_sys::Object::new();
    match change {
        Change::Add { cell } | Change::Remove { cell } => {
            let kind = if matches!(change, Change::Add { .. }) {
                &keys.add
            } else {
                &keys.remove
            };
            set(&object, &keys.kind, kind);
            set(&object, &keys.cell, &to_js(&**cell));
        }
        Change::Update {
            id,
            path,
            before,
            after,
        } => {
            set(&object, &keys.kind, &keys.update);
            set(&object, &keys.id, &cached_name(id));
            set(&object, &keys.path, &cached_name(path));
            if let Some(before) = before {
                set(&object, &keys.before, &value_to_js(before));
            }
            if let Some(after) = after {
                set(&object, &keys.after, &value_to_js(after));
            }
        }
    }
    object.into()
}

/// A JSON value as plain JS data: leaves directly, objects and arrays through [`to_js`].
fn value_to_js(value: &serde_json::Value) -> JsValue {
    use serde_json::Value;
    match value {
        Value::String(text) => JsValue::from_str(text),
        Value::Number(number) => JsValue::from_f64(number.as_f64().unwrap_or(f64::NAN)),
        Value::Bool(flag) => JsValue::from_bool(*flag),
        Value::Null => JsValue::NULL,
        Value::Array(_) | Value::Object(_) => to_js(value),
    }
}

/// Sets a property of a fresh plain object, which cannot throw: bound without the
/// exception wrapper of `js_sys::Reflect::set`, which costs more than the call itself.
fn set(object: &js_sys::Object, key: &JsValue, value: &JsValue) {
    reflect_set(object, key, value);
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = Reflect, js_name = set)]
    fn reflect_set(target: &js_sys::Object, key: &JsValue, value: &JsValue) -> bool;
}

/// Cell ids and paths recur in every change (the same few paths, the cells being edited):
/// each is made into a JS string once and reused, which saves decoding its UTF-8 every
/// time. The cache is emptied when it reaches [`MAX_CACHED_NAMES`].
const MAX_CACHED_NAMES: usize = 4096;

thread_local! {
    static NAMES: std::cell::RefCell<std::collections::HashMap<std::sync::Arc<str>, JsValue>> =
        std::cell::RefCell::default();
}

/// `name` as a JS string, from the cache when it is there.
fn cached_name(name: &std::sync::Arc<str>) -> JsValue {
    NAMES.with(|names| {
        let mut names = names.borrow_mut();
        if let Some(value) = names.get(name) {
            return value.clone();
        }
        if names.len() >= MAX_CACHED_NAMES {
            names.clear();
        }
        let value = JsValue::from_str(name);
        names.insert(std::sync::Arc::clone(name), value.clone());
        value
    })
}

/// Reads a JSON value given as `value` (the argument called `name`): `undefined` is `None`
/// (a deleted property); strings, numbers, booleans and `null` are read directly (the hot
/// path: one label or coordinate), anything else through JSON like [`from_js`]. A number
/// becomes what `JSON.stringify` then `serde_json` would make of it, so it compares equal
/// to the same value loaded from a document (`3` is an integer, `NaN` is `null`).
pub(crate) fn value_from_js(
    value: &JsValue,
    name: &str,
) -> Result<Option<serde_json::Value>, JsValue> {
    use serde_json::Value;
    if value.is_undefined() {
        return Ok(None);
    }
    if let Some(text) = value.as_string() {
        return Ok(Some(Value::String(text)));
    }
    if let Some(number) = value.as_f64() {
        return Ok(Some(json_number(number)));
    }
    if let Some(flag) = value.as_bool() {
        return Ok(Some(Value::Bool(flag)));
    }
    if value.is_null() {
        return Ok(Some(Value::Null));
    }
    from_js(value, name).map(Some)
}

/// A JS number as JSON text would carry it: integers below 1e21 as integers (what
/// `JSON.stringify` writes in full digits and `serde_json` reads back as one), the rest as
/// floats, `NaN` and the infinities as `null`.
fn json_number(number: f64) -> serde_json::Value {
    use serde_json::{Number, Value};
    const TWO_POW_64: f64 = 18_446_744_073_709_551_616.0;
    const TWO_POW_63: f64 = 9_223_372_036_854_775_808.0;
    if !number.is_finite() {
        return Value::Null;
    }
    if number.fract() == 0.0 {
        if (0.0..TWO_POW_64).contains(&number) || number == 0.0 {
            return Value::Number(Number::from(number as u64));
        }
        if (-TWO_POW_63..0.0).contains(&number) {
            return Value::Number(Number::from(number as i64));
        }
    }
    Number::from_f64(number).map_or(Value::Null, Value::Number)
}

/// Reads a required string argument (at most [`MAX_INPUT_BYTES`] long).
pub(crate) fn required_string(value: &JsValue, name: &str) -> Result<String, JsValue> {
    let text = value
        .as_string()
        .ok_or_else(|| super::error::invalid_argument(name, "a string"))?;
    if text.len() > MAX_INPUT_BYTES {
        return Err(js_error(
            "INPUT_TOO_LARGE",
            &format!(
                "`{name}` is {} bytes; at most {MAX_INPUT_BYTES} are accepted in one call",
                text.len()
            ),
        ));
    }
    Ok(text)
}
