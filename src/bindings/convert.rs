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

/// The payload of a `change` event, `{ origin, changes, version }`. Every edit, undo and
/// redo sends one, so it is built by small JS functions given the parts (one call per
/// change, no JS value made and dropped per property, cell ids and paths made into JS
/// strings once), several times faster than a general serializer.
pub(crate) fn change_event_to_js(origin: &str, changes: &[Change], version: u64) -> JsValue {
    let list = js_sys::Array::new_with_length(changes.len() as u32);
    for (index, change) in changes.iter().enumerate() {
        list.set(index as u32, change_to_js(change));
    }
    with_short_name(origin, |origin| {
        make_change_event(origin, &list, version as f64)
    })
}

/// One change as a plain object, the same as serializing it would give.
fn change_to_js(change: &Change) -> JsValue {
    match change {
        Change::Add { cell } => make_cell_change("add", &to_js(&**cell)),
        Change::Remove { cell } => make_cell_change("remove", &to_js(&**cell)),
        Change::Update {
            id,
            path,
            before,
            after,
        } => {
            let before = before.as_ref().map_or(JsValue::UNDEFINED, value_to_js);
            let after = after.as_ref().map_or(JsValue::UNDEFINED, value_to_js);
            with_names(id, path, |id, path| make_update(id, path, &before, &after))
        }
    }
}

#[wasm_bindgen(inline_js = "
export function make_update(id, path, before, after) {
  if (before === undefined) return after === undefined ? { type: 'update', id, path } : { type: 'update', id, path, after };
  return after === undefined ? { type: 'update', id, path, before } : { type: 'update', id, path, before, after };
}
export function make_cell_change(type, cell) { return { type, cell }; }
export function make_change_event(origin, changes, version) { return { origin, changes, version }; }
")]
extern "C" {
    /// `{ type: 'update', id, path, before?, after? }`; an `undefined` part is left out.
    fn make_update(id: &JsValue, path: &JsValue, before: &JsValue, after: &JsValue) -> JsValue;
    /// `{ type, cell }` for an add or a remove.
    fn make_cell_change(kind: &str, cell: &JsValue) -> JsValue;
    /// `{ origin, changes, version }`.
    fn make_change_event(origin: &JsValue, changes: &JsValue, version: f64) -> JsValue;
}

/// The package's own short names (origins, step types), made into JS strings once.
const SHORT_NAMES: [&str; 8] = [
    "local",
    "tab",
    "remote",
    "history",
    "server",
    "applied",
    "empty",
    "serverRequest",
];

thread_local! {
    static SHORT: Vec<JsValue> = SHORT_NAMES.iter().map(|name| JsValue::from_str(name)).collect();
}

/// Calls `work` with `name` as a JS string, made once for the package's own short names.
fn with_short_name<R>(name: &str, work: impl FnOnce(&JsValue) -> R) -> R {
    match SHORT_NAMES.iter().position(|short| *short == name) {
        Some(index) => SHORT.with(|names| work(&names[index])),
        None => work(&JsValue::from_str(name)),
    }
}

/// One of the package's own short names (an origin, a step type) as a JS string.
pub(crate) fn static_name(name: &'static str) -> JsValue {
    with_short_name(name, JsValue::clone)
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

/// Cell ids and paths recur in every change (the same few paths, the cells being edited):
/// each is made into a JS string once and reused, which saves decoding its UTF-8 every
/// time. The cache is emptied when it reaches [`MAX_CACHED_NAMES`].
const MAX_CACHED_NAMES: usize = 4096;

thread_local! {
    static NAMES: std::cell::RefCell<std::collections::HashMap<std::sync::Arc<str>, JsValue>> =
        std::cell::RefCell::default();
}

/// Calls `work` with a cell id and a path as JS strings, from the cache when they are
/// there.
fn with_names<R>(
    id: &std::sync::Arc<str>,
    path: &std::sync::Arc<str>,
    work: impl FnOnce(&JsValue, &JsValue) -> R,
) -> R {
    NAMES.with(|names| {
        let mut names = names.borrow_mut();
        if names.len() + 2 > MAX_CACHED_NAMES {
            names.clear();
        }
        for name in [id, path] {
            if !names.contains_key(name) {
                names.insert(std::sync::Arc::clone(name), JsValue::from_str(name));
            }
        }
        work(&names[id], &names[path])
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
