//! Errors as JavaScript sees them: a real `Error` named `DiagramStateError` with a stable
//! `code`, so an editor can write `catch (e) { if (e.code === 'INVALID_PATH') … }`.

use wasm_bindgen::JsValue;

use crate::core::error::ErrorCode;

/// The `name` of every error diagram-state throws.
const ERROR_NAME: &str = "DiagramStateError";

/// Builds a `DiagramStateError` with the given code and message.
pub(crate) fn js_error(code: &str, message: &str) -> JsValue {
    let error = js_sys::Error::new(message);
    error.set_name(ERROR_NAME);
    // Setting a property on a fresh Error object cannot fail; if it ever did, the error
    // would still carry its name and message.
    let _ = js_sys::Reflect::set(&error, &JsValue::from_str("code"), &JsValue::from_str(code));
    error.into()
}

/// Converts any core error into a `DiagramStateError`.
pub(crate) fn to_js_error<E: ErrorCode>(error: E) -> JsValue {
    js_error(error.code(), &error.to_string())
}

/// The error for a JS argument of the wrong type.
pub(crate) fn invalid_argument(name: &str, expected: &str) -> JsValue {
    js_error("INVALID_ARGUMENT", &format!("`{name}` must be {expected}"))
}

/// A store error as a `DiagramStateError`, with `details` when the error carries data
/// (the stored version of `STALE_VERSION`, the problems of `INVALID_DOCUMENT`, …).
pub(crate) fn store_error(error: crate::core::storage::StoreError) -> JsValue {
    let details = error
        .details()
        .map(|details| super::convert::to_js(&details));
    let js = to_js_error(error);
    if let Some(details) = details {
        let _ = js_sys::Reflect::set(&js, &JsValue::from_str("details"), &details);
    }
    js
}
