//! Cell-path helpers exported to JavaScript.

use wasm_bindgen::prelude::*;

use super::error::{invalid_argument, to_js_error};
use crate::core::path::parse_path;

/// Splits an X6 cell path into its segments.
///
/// Throws a `DiagramStateError` with code `INVALID_PATH` for an empty or malformed path
/// and `INVALID_ARGUMENT` when `path` is not a string.
///
/// ```js
/// parsePath('attrs/body/fill'); // ['attrs', 'body', 'fill']
/// ```
#[wasm_bindgen(js_name = parsePath, unchecked_return_type = "string[]")]
pub fn parse_path_js(
    #[wasm_bindgen(unchecked_param_type = "string")] path: JsValue,
) -> Result<Vec<String>, JsValue> {
    let path = path
        .as_string()
        .ok_or_else(|| invalid_argument("path", "a string"))?;
    let segments = parse_path(&path).map_err(to_js_error)?;
    Ok(segments.into_iter().map(str::to_owned).collect())
}
