//! The visual-attribute filter: which paths are visual-only, and why.

use serde::Serialize;
use wasm_bindgen::prelude::*;

use super::DiagramStateJs;
use crate::bindings::convert::{from_js, required_string, to_js};
use crate::bindings::error::{js_error, to_js_error};
use crate::bindings::path_list::PathList;

/// How one path is classified: `{ path, significance, ruleId?, pattern? }`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PathVerdict<'a> {
    path: &'a str,
    significance: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pattern: Option<&'a str>,
}

#[wasm_bindgen(js_class = DiagramState)]
impl DiagramStateJs {
    /// The visual rules in the order they are tried: `[{ id, pattern }]`.
    #[wasm_bindgen(unchecked_return_type = "VisualRule[]")]
    pub fn rules(&self) -> Result<JsValue, JsValue> {
        Ok(to_js(self.inner.session()?.core.filter().rules()))
    }

    /// Adds a visual rule: paths its pattern covers (`*` = one segment, `**` = any number;
    /// everything beneath a matched path too) are visual-only from now on. Throws
    /// `INVALID_PATTERN`, `INVALID_RULE_ID` or `DUPLICATE_RULE`.
    ///
    /// ```js
    /// state.addRule('hover-label', 'attrs/label/opacity');
    /// ```
    #[wasm_bindgen(js_name = addRule)]
    pub fn add_rule(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] pattern: JsValue,
    ) -> Result<(), JsValue> {
        let id = required_string(&id, "id")?;
        let pattern = required_string(&pattern, "pattern")?;
        self.inner
            .session()?
            .core
            .filter_mut()
            .add_rule(&id, &pattern)
            .map_err(to_js_error)
    }

    /// Removes the visual rule with this id. Throws `UNKNOWN_RULE`.
    #[wasm_bindgen(js_name = removeRule)]
    pub fn remove_rule(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] id: JsValue,
    ) -> Result<(), JsValue> {
        let id = required_string(&id, "id")?;
        self.inner
            .session()?
            .core
            .filter_mut()
            .remove_rule(&id)
            .map(drop)
            .map_err(to_js_error)
    }

    /// Classifies cell paths with the current rules, in one call:
    /// `[{ path, significance: 'visual' | 'semantic', ruleId?, pattern? }]`. Paths are not
    /// checked for well-formedness (a malformed path matches no rule).
    ///
    /// ```js
    /// state.classifyPaths(['attrs/body/stroke', 'attrs/text/text']);
    /// // [{ path: 'attrs/body/stroke', significance: 'visual', ruleId: 'selection-stroke', … },
    /// //  { path: 'attrs/text/text', significance: 'semantic' }]
    /// ```
    #[wasm_bindgen(js_name = classifyPaths, unchecked_return_type = "PathVerdict[]")]
    pub fn classify_paths(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string[]")] paths: JsValue,
    ) -> Result<JsValue, JsValue> {
        let paths: Vec<String> = from_js(&paths, "paths")?;
        let session = self.inner.session()?;
        let filter = session.core.filter();
        let verdicts: Vec<PathVerdict<'_>> = paths
            .iter()
            .map(|path| {
                let rule = filter.classify_path(path);
                PathVerdict {
                    path,
                    significance: if rule.is_some() { "visual" } else { "semantic" },
                    rule_id: rule.map(|rule| rule.id()),
                    pattern: rule.map(|rule| rule.pattern().as_str()),
                }
            })
            .collect();
        Ok(to_js(&verdicts))
    }

    /// Classifies many paths in one call and returns one number per path, in order:
    /// `0` when the path is semantic, `i + 1` when it is visual-only by `rules()[i]` (the
    /// first rule covering it). The fast path for bulk classification: `paths` may be an
    /// array of strings or one string of paths joined with `'\n'` (the cheapest to pass:
    /// one copy; `''` holds no paths, so give the empty path in an array). Paths are not
    /// checked for well-formedness (a malformed path matches no rule). Throws
    /// `INVALID_ARGUMENT` for anything else, `INPUT_TOO_LARGE` beyond 64 MiB of paths, and
    /// `TOO_MANY_RULES` if more than 65,535 rules are set (a code would not fit).
    ///
    /// ```js
    /// const rules = state.rules();
    /// const codes = state.classifyPathsCompact(['attrs/body/stroke', 'attrs/text/text']);
    /// // Uint16Array [3, 0]: rules[2] ('selection-stroke') made the first visual
    /// const visual = codes[0] > 0 ? rules[codes[0] - 1].id : null;
    /// state.classifyPathsCompact('attrs/body/stroke\nattrs/text/text'); // the same
    /// ```
    #[wasm_bindgen(js_name = classifyPathsCompact)]
    pub fn classify_paths_compact(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string[] | string")] paths: JsValue,
    ) -> Result<Vec<u16>, JsValue> {
        let paths = PathList::from_js(&paths, "paths")?;
        let session = self.inner.session()?;
        let filter = session.core.filter();
        if filter.rules().len() >= usize::from(u16::MAX) {
            return Err(js_error(
                "TOO_MANY_RULES",
                "compact verdicts number at most 65,535 rules; remove some or use classifyPaths",
            ));
        }
        let mut codes = Vec::new();
        paths.classify(filter, |position| {
            let code = position.map_or(0, |position| position + 1);
            // Fits: the rule count was checked above.
            codes.push(u16::try_from(code).unwrap_or(u16::MAX));
        });
        Ok(codes)
    }

    /// Counts how many of `paths` are visual-only under the current rules: no per-path
    /// result is built. `paths` is an array of strings or one string of paths joined with
    /// `'\n'`, as for `classifyPathsCompact`.
    ///
    /// ```js
    /// state.countVisualPaths(['attrs/body/stroke', 'attrs/text/text']); // 1
    /// ```
    #[wasm_bindgen(js_name = countVisualPaths)]
    pub fn count_visual_paths(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string[] | string")] paths: JsValue,
    ) -> Result<u32, JsValue> {
        let paths = PathList::from_js(&paths, "paths")?;
        let session = self.inner.session()?;
        let filter = session.core.filter();
        let mut visual = 0u32;
        paths.classify(filter, |position| {
            if position.is_some() {
                visual = visual.saturating_add(1);
            }
        });
        Ok(visual)
    }
}
