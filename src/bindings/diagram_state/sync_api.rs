//! Cross-tab sync as JavaScript sees it: its status and the conflicts left for the user.

use serde::Deserialize;
use wasm_bindgen::prelude::*;

use super::DiagramStateJs;
use crate::bindings::convert::{from_js, to_js};
use crate::bindings::error::{js_error, to_js_error};

/// How the user settles a conflict with another tab.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "camelCase")]
enum Choice {
    /// Apply this tab's value over the other tab's (a new local change, undoable).
    Mine,
    /// Keep the other tab's value.
    Theirs,
}

#[wasm_bindgen(js_class = DiagramState)]
impl DiagramStateJs {
    /// Cross-tab sync and local storage as a status line shows them, or `null` for a
    /// state without storage: `{ tabId, committedVersion, pendingSets, committing, peers,
    /// ignored, resyncs, conflicts, lastMessageAt, leader, channel, storage, error }`.
    /// `peers` counts the other tabs on this diagram; `leader` says whether this tab is
    /// the one that auto-saves to the server; `error` is the last commit error (e.g.
    /// `QUOTA_EXCEEDED`: the changes are kept and the commit is retried) until a commit
    /// succeeds. The `sync` event sends it whenever it changes.
    #[wasm_bindgen(getter, js_name = syncStatus, unchecked_return_type = "SyncStatus | null")]
    pub fn sync_status(&self) -> Result<JsValue, JsValue> {
        self.inner.session()?;
        Ok(self
            .inner
            .sync_event()
            .map_or(JsValue::NULL, |event| to_js(&event)))
    }

    /// The conflicts with other tabs waiting for the user (policy `ask`), oldest first:
    /// `[{ kind, cellId, path?, local?, remote?, resolution: 'unresolved' }]`. The other
    /// tab's value is in the diagram until the user keeps theirs or mine.
    #[wasm_bindgen(getter, unchecked_return_type = "TabConflict[]")]
    pub fn conflicts(&self) -> Result<JsValue, JsValue> {
        Ok(to_js(self.inner.session()?.conflicts()))
    }

    /// Settles the conflict at `index` of `conflicts`: `'mine'` applies this tab's value
    /// (a local change: committed, synced and undoable), `'theirs'` keeps the other tab's.
    /// Returns the outcome of the change for `'mine'`, `null` for `'theirs'`. Throws
    /// `NO_CONFLICT` for an index out of range.
    #[wasm_bindgen(js_name = resolveTabConflict, unchecked_return_type = "EventOutcome | null")]
    pub fn resolve_tab_conflict(
        &self,
        #[wasm_bindgen(unchecked_param_type = "number")] index: JsValue,
        #[wasm_bindgen(unchecked_param_type = "'mine' | 'theirs'")] choice: JsValue,
    ) -> Result<JsValue, JsValue> {
        let index: usize = from_js(&index, "index")?;
        let choice: Choice = from_js(&choice, "choice")?;
        let (outcome, before) = {
            let mut session = self.inner.session()?;
            let before = session.core.history_state();
            let settled = session
                .settle_conflict(index, matches!(choice, Choice::Mine))
                .ok_or_else(|| {
                    js_error(
                        "NO_CONFLICT",
                        &format!("there is no conflict #{index} (see `conflicts`)"),
                    )
                })?;
            (settled.map_err(to_js_error)?, before)
        };
        let Some(outcome) = outcome else {
            return Ok(JsValue::NULL);
        };
        self.inner.after_local_change(&outcome.applied);
        self.inner
            .announce_changes("local", &outcome.applied, outcome.version);
        self.inner.announce_history(before, outcome.history);
        self.inner.trigger_autosave(&outcome.applied, None);
        Ok(to_js(&outcome))
    }
}
