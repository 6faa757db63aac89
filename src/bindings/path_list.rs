//! Reading many cell paths from JavaScript in one copy: the bulk classification calls take
//! an array of strings or one newline-joined string, and hand the core `&str`s.
//!
//! Copying 200,000 JS strings one by one (or through `JSON.stringify` and `serde_json`)
//! costs more than classifying them; one joined string crosses as a single copy. An array
//! is checked and joined on the JS side (`joinPaths` below, one pass, no call into wasm per
//! element); an array it refuses (an element that is not a string, or a path that contains
//! a newline) is read element by element instead, so every path keeps its place and a bad
//! element is a typed `INVALID_ARGUMENT`.

use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::JsValue;

use super::convert::{from_js, is_array, required_string};
use super::error::invalid_argument;
use crate::core::filter::VisualFilter;

#[wasm_bindgen(inline_js = r#"
export function joinPaths(paths) {
  for (let i = 0; i < paths.length; i += 1) {
    const path = paths[i];
    if (typeof path !== 'string' || path.includes('\n')) return undefined;
  }
  return paths.join('\n');
}
"#)]
extern "C" {
    /// `paths.join('\n')` when every element is a string without a newline, else
    /// `undefined`. Throws what a throwing getter or `Proxy` trap throws.
    #[wasm_bindgen(catch, js_name = joinPaths)]
    fn join_paths(paths: &JsValue) -> Result<JsValue, JsValue>;
}

/// Paths read from JS: one newline-joined text, or (for an array that could not be joined)
/// each path on its own.
pub(crate) enum PathList {
    /// Paths separated by `\n`; the empty text holds no paths.
    Joined(String),
    /// Paths one by one.
    Each(Vec<String>),
}

impl PathList {
    /// Reads `value` (the argument called `name`): an array of strings, or one string of
    /// paths joined with `\n` (`''` is no paths). Anything else is `INVALID_ARGUMENT`; more
    /// than 64 MiB of text is `INPUT_TOO_LARGE`.
    pub(crate) fn from_js(value: &JsValue, name: &str) -> Result<Self, JsValue> {
        if value.is_string() {
            return required_string(value, name).map(Self::Joined);
        }
        if !is_array(value, name)? {
            return Err(invalid_argument(name, "an array of strings or a string"));
        }
        let joined =
            join_paths(value).map_err(|_| invalid_argument(name, "an array that can be read"))?;
        if joined.is_undefined() {
            return from_js(value, name).map(Self::Each);
        }
        required_string(&joined, name).map(Self::Joined)
    }

    /// Classifies each path with `filter`, in order: `visit` gets each one's
    /// [`VisualFilter::classify_position`].
    pub(crate) fn classify(&self, filter: &VisualFilter, mut visit: impl FnMut(Option<usize>)) {
        match self {
            Self::Joined(text) if text.is_empty() => {}
            Self::Joined(text) => filter.classify_lines(text, visit),
            Self::Each(paths) => paths
                .iter()
                .for_each(|path| visit(filter.classify_position(path))),
        }
    }
}
