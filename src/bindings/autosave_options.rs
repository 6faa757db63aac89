//! The `autosave` option of `DiagramState.open(...)`: the editor's save callback and the
//! scheduling settings, turned into an auto-save engine.

use std::collections::BTreeMap;

use serde::Deserialize;
use wasm_bindgen::{JsCast, JsValue};

use super::error::{invalid_argument, to_js_error};
use crate::core::autosave::{AutoSaveConfig, AutoSaveEngine, EditorContext, OperationFilter};
use crate::core::clock::Millis;
use crate::core::history::OperationKind;
use crate::platform::autosave_driver::random_seed;

/// `autosave` options as JSON (`save` is a function and is read apart).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct AutoSaveOptions {
    /// Quiet time after the latest change before a save, default 1000.
    debounce_ms: Option<Millis>,
    /// A save at least this often during continuous editing, default 10000.
    max_wait_ms: Option<Millis>,
    /// First retry delay after a failed save, default 1000 (doubling).
    retry_initial_delay_ms: Option<Millis>,
    /// Longest retry delay, default 60000.
    retry_max_delay_ms: Option<Millis>,
    /// Retry jitter as a fraction, default 0.2.
    retry_jitter: Option<f64>,
    /// An unanswered save fails after this long, default 60000.
    save_timeout_ms: Option<Millis>,
    /// The server version the diagram was loaded at; default: the diagram's version.
    pub base_version: Option<u64>,
    /// Ids a save needs (e.g. `threatModelId`); their values go in `ids`.
    #[serde(default)]
    required_ids: Vec<String>,
    /// The ids the editor has, by name.
    #[serde(default)]
    ids: BTreeMap<String, Option<String>>,
    /// Operation kinds that never trigger a save (default `['DIAGRAM_LOAD']`).
    excluded_kinds: Option<Vec<OperationKind>>,
    /// The save callback: only present here when it is not a function (JSON drops
    /// functions), and then [`save_callback`] explains what is wrong.
    #[serde(default, rename = "save")]
    _save: Option<serde::de::IgnoredAny>,
}

impl AutoSaveOptions {
    /// The engine these options describe, for diagram `diagram_id` loaded at `version`.
    pub(crate) fn engine(&self, diagram_id: &str, version: u64) -> Result<AutoSaveEngine, JsValue> {
        let defaults = AutoSaveConfig::default();
        let config = AutoSaveConfig {
            debounce: self.debounce_ms.unwrap_or(defaults.debounce),
            max_wait: self.max_wait_ms.unwrap_or(defaults.max_wait),
            retry_initial_delay: self
                .retry_initial_delay_ms
                .unwrap_or(defaults.retry_initial_delay),
            retry_max_delay: self.retry_max_delay_ms.unwrap_or(defaults.retry_max_delay),
            retry_jitter: self.retry_jitter.unwrap_or(defaults.retry_jitter),
            save_timeout: self.save_timeout_ms.or(defaults.save_timeout),
        };
        let mut engine = AutoSaveEngine::with_seed(config, random_seed()).map_err(to_js_error)?;
        let mut context = EditorContext::ready(diagram_id);
        context.required_ids = self.required_ids.clone();
        context.ids = self.ids.clone();
        if let Some(kinds) = &self.excluded_kinds {
            context.operation_filter = OperationFilter {
                excluded_kinds: kinds.clone(),
            };
        }
        engine.set_context(context);
        engine.reset(self.base_version.unwrap_or(version));
        Ok(engine)
    }
}

/// The `autosave.save` function of the raw options, if `autosave` is given.
pub(crate) fn save_callback(options: &JsValue) -> Result<Option<js_sys::Function>, JsValue> {
    let autosave = js_sys::Reflect::get(options, &JsValue::from_str("autosave"))
        .map_err(|_| invalid_argument("options", "an object"))?;
    if autosave.is_undefined() || autosave.is_null() {
        return Ok(None);
    }
    js_sys::Reflect::get(&autosave, &JsValue::from_str("save"))
        .ok()
        .and_then(|save| save.dyn_into::<js_sys::Function>().ok())
        .map(Some)
        .ok_or_else(|| {
            invalid_argument(
                "options.autosave.save",
                "a function (request) => answer or Promise<answer>",
            )
        })
}
