//! History settings, entries and collaboration mode.

use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

use super::DiagramStateJs;
use crate::bindings::convert::{from_js_object, to_js};
use crate::bindings::error::js_error;
use crate::core::clock::Millis;
use crate::core::history::{HistoryConfig, HistoryEntry, OperationKind, Origin};

/// `configureHistory` options; absent fields keep their current value.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct HistoryOptions {
    max_history: Option<usize>,
    record_remote_changes: Option<bool>,
    /// `null` turns merging off.
    #[serde(default, deserialize_with = "crate::core::model::serde_forms::present")]
    merge_interval_ms: Option<serde_json::Value>,
}

/// One entry as the history list shows it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct EntrySummary {
    kind: OperationKind,
    origin: Origin,
    timestamp: Millis,
    change_count: usize,
}

impl From<&HistoryEntry> for EntrySummary {
    fn from(entry: &HistoryEntry) -> Self {
        Self {
            kind: entry.kind,
            origin: entry.origin,
            timestamp: entry.timestamp,
            change_count: entry.changes.len(),
        }
    }
}

/// `historyEntries()`: both stacks, oldest first.
#[derive(Serialize)]
struct Entries {
    undo: Vec<EntrySummary>,
    redo: Vec<EntrySummary>,
}

#[wasm_bindgen(js_class = DiagramState)]
impl DiagramStateJs {
    /// Changes history settings: `{ maxHistory?, recordRemoteChanges?, mergeIntervalMs? }`
    /// (`mergeIntervalMs: null` turns merging off). A smaller `maxHistory` drops the
    /// oldest entries at once. Returns the history state.
    #[wasm_bindgen(js_name = configureHistory, unchecked_return_type = "HistoryState")]
    pub fn configure_history(
        &self,
        #[wasm_bindgen(unchecked_param_type = "HistoryOptions")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let options: HistoryOptions = from_js_object(&options, "options")?;
        let (before, after) = {
            let mut session = self.inner.session()?;
            let current = *session.core.history().config();
            let merge_interval = match options.merge_interval_ms {
                None => current.merge_interval,
                Some(serde_json::Value::Null) => None,
                Some(value) => match value.as_f64() {
                    Some(ms) if ms.is_finite() && ms >= 0.0 => Some(ms),
                    _ => {
                        return Err(js_error(
                            "INVALID_ARGUMENT",
                            "`mergeIntervalMs` must be a finite number >= 0 or null",
                        ))
                    }
                },
            };
            let config = HistoryConfig {
                max_entries: options.max_history.unwrap_or(current.max_entries),
                record_remote: options
                    .record_remote_changes
                    .unwrap_or(current.record_remote),
                merge_interval,
            };
            let before = session.core.history_state();
            (before, session.core.set_history_config(config))
        };
        self.inner.announce_history(before, after);
        Ok(to_js(&after))
    }

    /// The undo and redo entries, oldest first: `{ undo: Entry[], redo: Entry[] }` with
    /// `{ kind, origin, timestamp, changeCount }` each (the next undo is the last of `undo`,
    /// the next redo the last of `redo`).
    #[wasm_bindgen(js_name = historyEntries, unchecked_return_type = "HistoryEntries")]
    pub fn history_entries(&self) -> Result<JsValue, JsValue> {
        let session = self.inner.session()?;
        let history = session.core.history();
        Ok(to_js(&Entries {
            undo: history
                .undo_entries()
                .map(|entry| EntrySummary::from(&entry))
                .collect(),
            redo: history
                .redo_entries()
                .map(|entry| EntrySummary::from(&entry))
                .collect(),
        }))
    }

    /// Forgets every history entry. Returns the history state.
    #[wasm_bindgen(js_name = clearHistory, unchecked_return_type = "HistoryState")]
    pub fn clear_history(&self) -> Result<JsValue, JsValue> {
        self.change_history(|core| core.clear_history())
    }

    /// Joins a collaboration session: the local history is cleared, and `undo()`/`redo()`
    /// return `{ type: 'serverRequest', action }` for the collaboration server.
    #[wasm_bindgen(js_name = joinCollaboration, unchecked_return_type = "HistoryState")]
    pub fn join_collaboration(&self) -> Result<JsValue, JsValue> {
        self.change_history(|core| core.join_collaboration())
    }

    /// Leaves the collaboration session: the history starts again, empty, and undo/redo
    /// are local again.
    #[wasm_bindgen(js_name = leaveCollaboration, unchecked_return_type = "HistoryState")]
    pub fn leave_collaboration(&self) -> Result<JsValue, JsValue> {
        self.change_history(|core| core.leave_collaboration())
    }
}

impl DiagramStateJs {
    fn change_history(
        &self,
        change: impl FnOnce(&mut crate::core::state::DiagramState) -> crate::core::history::HistoryState,
    ) -> Result<JsValue, JsValue> {
        let (before, after) = {
            let mut session = self.inner.session()?;
            let before = session.core.history_state();
            (before, change(&mut session.core))
        };
        self.inner.announce_history(before, after);
        Ok(to_js(&after))
    }
}
