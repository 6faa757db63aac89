//! Moving data across the JS boundary as JSON.
//!
//! Input goes through `JSON.stringify` and `serde_json`: a cycle, a `BigInt` or an input
//! nested deeper than serde_json's limit (128 levels) becomes a typed `INVALID_ARGUMENT`
//! error instead of unbounded recursion, and the values the core sees are exactly what
//! X6's `toJSON()` would write (`undefined` properties and functions are dropped, `NaN`
//! and `Infinity` become `null`). Output is plain objects and arrays, never `Map`s.

use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};

use super::error::js_error;
pub(crate) use crate::core::model::serde_forms::Object;

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

/// Writes `value` as plain JS objects and arrays (through JSON text and `JSON.parse`,
/// which keeps the module small: one serializer for every type).
pub(crate) fn to_js<T: Serialize + ?Sized>(value: &T) -> JsValue {
    // The core's own plain data types always serialize, and their JSON always parses;
    // `undefined` would only hide a bug, never crash the module.
    serde_json::to_string(value)
        .ok()
        .and_then(|text| js_sys::JSON::parse(&text).ok())
        .unwrap_or(JsValue::UNDEFINED)
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
