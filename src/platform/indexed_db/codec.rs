//! Between JavaScript values and JSON: directory records are plain objects, converted
//! through `JSON.stringify`/`JSON.parse` (one call each way, numbers kept exact); cell and
//! op-log records are JSON text already.

use serde_json::Value;
use wasm_bindgen::JsValue;

use crate::core::storage::StoreError;

/// A stored JavaScript value as JSON, or why it cannot be read.
pub(super) fn to_json(value: &JsValue) -> Result<Value, String> {
    let text = js_sys::JSON::stringify(value)
        .map_err(|_| format!("cannot be read as JSON (found {})", js_type(value)))?;
    let text = text
        .as_string()
        .ok_or_else(|| format!("cannot be read as JSON (found {})", js_type(value)))?;
    serde_json::from_str(&text).map_err(|error| format!("cannot be read as JSON: {error}"))
}

/// JSON as a plain JavaScript value (objects, arrays, strings, numbers).
pub(super) fn to_js(value: &Value) -> Result<JsValue, StoreError> {
    let text = serde_json::to_string(value).map_err(|error| StoreError::InvalidArgument {
        reason: format!("cannot be written as JSON: {error}"),
    })?;
    js_sys::JSON::parse(&text).map_err(|_| StoreError::InvalidArgument {
        reason: "cannot be written as JSON".into(),
    })
}

/// The JavaScript type of a value, for reasons: `an object`, `a number`, `undefined`, …
pub(super) fn js_type(value: &JsValue) -> &'static str {
    if value.is_undefined() {
        "undefined"
    } else if value.is_null() {
        "null"
    } else if value.is_string() {
        "a string"
    } else if value.as_f64().is_some() {
        "a number"
    } else if value.as_bool().is_some() {
        "a boolean"
    } else if js_sys::Array::is_array(value) {
        "an array"
    } else if value.is_object() {
        "an object"
    } else {
        "another value"
    }
}
