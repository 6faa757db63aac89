//! The visual-attribute filter: which paths are visual-only, and why.

use serde::Serialize;
use wasm_bindgen::prelude::*;

use super::DiagramStateJs;
use crate::bindings::convert::{from_js, required_string, to_js};
use crate::bindings::error::to_js_error;

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

    /// Counts how many of `paths` are visual-only under the current rules. The fast path
    /// for bulk classification: no per-path result objects are built.
    #[wasm_bindgen(js_name = countVisualPaths)]
    pub fn count_visual_paths(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string[]")] paths: JsValue,
    ) -> Result<u32, JsValue> {
        let paths: Vec<String> = from_js(&paths, "paths")?;
        let session = self.inner.session()?;
        let filter = session.core.filter();
        let visual = paths
            .iter()
            .filter(|path| filter.classify_path(path).is_some())
            .count();
        Ok(u32::try_from(visual).unwrap_or(u32::MAX))
    }
}
