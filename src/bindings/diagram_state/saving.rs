//! Auto-save to the editor's server: the driver, its triggers, its status and the
//! conflict resolutions.

use std::rc::Rc;

use gloo::events::EventListener;
use serde::Deserialize;
use serde_json::Value;
use wasm_bindgen::prelude::*;

use super::{DiagramStateJs, Inner};
use crate::bindings::convert::{from_js, from_js_object, required_string, to_js};
use crate::bindings::error::{js_error, to_js_error};
use crate::core::autosave::{
    AutoSaveDecision, AutoSaveEngine, AutoSaveStatus, ConflictResolution, ResolutionOutcome,
    Trigger,
};
use crate::core::history::OperationKind;
use crate::core::model::Change;
use crate::platform::autosave_driver::AutoSaveDriver;

/// The running auto-save: the driver and the page listeners that flush it.
pub(super) struct AutoSave {
    driver: Rc<AutoSaveDriver>,
    _page_listeners: Vec<EventListener>,
}

/// `updateEditorContext` options; absent fields keep their value.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ContextUpdate {
    initial_load_in_progress: Option<bool>,
    collaborating: Option<bool>,
    graph_initialized: Option<bool>,
    loading: Option<bool>,
    required_ids: Option<Vec<String>>,
    ids: Option<std::collections::BTreeMap<String, Option<String>>>,
}

impl DiagramStateJs {
    /// Starts auto-saving with `engine` through the editor's `save` callback.
    pub(super) fn start_autosave(&self, engine: AutoSaveEngine, save: js_sys::Function) {
        let inner = Rc::downgrade(&self.inner);
        let cells = move || -> Option<Vec<Value>> {
            let inner = inner.upgrade()?;
            let session = inner.session.try_borrow().ok()?;
            let cells = session.as_ref()?.core.diagram().cells();
            Some(cells.map(|cell| (**cell).clone()).collect())
        };
        let emitter = self.inner.emitter.clone();
        let weak = Rc::downgrade(&self.inner);
        let on_status = move |status: &AutoSaveStatus| {
            if let (AutoSaveStatus::Saved { at, version }, Some(inner)) = (status, weak.upgrade()) {
                inner.record_push(*at, *version, inner.saved_store_version());
            }
            emitter.emit("save", status);
        };
        let driver = Rc::new(AutoSaveDriver::new(engine, save, cells, on_status));
        let _page_listeners = flush_on_page_hide(&driver);
        self.inner.autosave.replace(Some(AutoSave {
            driver,
            _page_listeners,
        }));
    }
}

impl Inner {
    /// Tells auto-save about applied changes, and returns its decision (`None` without
    /// auto-save).
    pub(super) fn trigger_autosave(
        &self,
        changes: &[Change],
        kind: Option<OperationKind>,
    ) -> Option<AutoSaveDecision> {
        let driver = self.driver()?;
        Some(driver.trigger(Trigger::history(changes.to_vec(), kind)))
    }

    pub(super) fn saved_elsewhere(&self, server_version: u64, _store_version: u64) {
        if let Some(driver) = self.driver() {
            driver.reset(server_version);
        }
    }

    pub(super) fn driver(&self) -> Option<Rc<AutoSaveDriver>> {
        self.autosave
            .borrow()
            .as_ref()
            .map(|autosave| Rc::clone(&autosave.driver))
    }

    fn require_driver(&self) -> Result<Rc<AutoSaveDriver>, JsValue> {
        self.session()?;
        self.driver().ok_or_else(|| {
            js_error(
                "AUTOSAVE_NOT_CONFIGURED",
                "this DiagramState was opened without `autosave: { save }`",
            )
        })
    }
}

/// Flushes on `pagehide` and when the page becomes hidden: the last chance to save before
/// the tab closes (the changes are in the local store already either way).
fn flush_on_page_hide(driver: &Rc<AutoSaveDriver>) -> Vec<EventListener> {
    let Some(window) = web_sys::window() else {
        return Vec::new();
    };
    let mut listeners = Vec::new();
    let weak = Rc::downgrade(driver);
    listeners.push(EventListener::new(&window, "pagehide", move |_| {
        if let Some(driver) = weak.upgrade() {
            driver.flush();
        }
    }));
    if let Some(document) = window.document() {
        let weak = Rc::downgrade(driver);
        let watched = document.clone();
        listeners.push(EventListener::new(
            &document,
            "visibilitychange",
            move |_| {
                let hidden = watched.visibility_state() == web_sys::VisibilityState::Hidden;
                if let Some(driver) = weak.upgrade().filter(|_| hidden) {
                    driver.flush();
                }
            },
        ));
    }
    listeners
}

#[wasm_bindgen(js_class = DiagramState)]
impl DiagramStateJs {
    /// Auto-save as the status bar shows it: `{ status, lastDecision, online, paused,
    /// baseVersion, pendingChanges, nextSaveAt }`, or `null` without `autosave`. `status`
    /// is `{ state: 'idle' | 'dirty' | 'saving' }`, `{ state: 'saved', at, version }`,
    /// `{ state: 'error', attempt, nextRetryAt, retryable, message }` or
    /// `{ state: 'conflict', serverVersion }`; the `save` event sends it on every change.
    #[wasm_bindgen(getter, js_name = saveStatus, unchecked_return_type = "AutoSaveSnapshot | null")]
    pub fn save_status(&self) -> Result<JsValue, JsValue> {
        self.inner.session()?;
        Ok(self
            .inner
            .driver()
            .map_or(JsValue::NULL, |driver| to_js(&driver.snapshot())))
    }

    /// Saves now, skipping the debounce and any retry wait (a manual save also resumes
    /// auto-save after a `cancel`led conflict or a failure that stopped it). Throws
    /// `AUTOSAVE_NOT_CONFIGURED`, `VERSION_CONFLICT` while a conflict is open, or
    /// `SAVE_SKIPPED` with the decision's reason (e.g. collaborating).
    #[wasm_bindgen(js_name = saveNow)]
    pub fn save_now(&self) -> Result<(), JsValue> {
        self.inner.require_driver()?.save_now().map_err(to_js_error)
    }

    /// Starts a last save at once if there are unsaved changes (the package calls it on
    /// `pagehide` and when the page is hidden). Returns whether a save was started.
    pub fn flush(&self) -> Result<bool, JsValue> {
        Ok(self.inner.require_driver()?.flush())
    }

    /// Resolves a version conflict: `'refresh'` adopts the server's state (its cells, when
    /// the conflict answer carried `serverCells`, replace the diagram and reach the graph
    /// as remote changes; the history starts afresh), `'overwrite'` saves again on top of
    /// the server's version, `'cancel'` keeps the changes unsaved and pauses auto-save
    /// until the next resolution or `saveNow()`. Returns `{ type: 'refresh', serverVersion,
    /// serverCells, setAside }` (the local changes that were not saved), `{ type:
    /// 'overwrite', baseVersion }` or `{ type: 'cancel' }`. Throws `NO_CONFLICT`.
    #[wasm_bindgen(js_name = resolveConflict, unchecked_return_type = "ResolutionOutcome")]
    pub fn resolve_conflict(
        &self,
        #[wasm_bindgen(unchecked_param_type = "'refresh' | 'overwrite' | 'cancel'")]
        resolution: JsValue,
    ) -> Result<JsValue, JsValue> {
        let resolution: ConflictResolution = from_js(&resolution, "resolution")?;
        let driver = self.inner.require_driver()?;
        let outcome = driver.resolve_conflict(resolution).map_err(to_js_error)?;
        if let ResolutionOutcome::Refresh {
            server_version,
            server_cells: Some(cells),
            ..
        } = &outcome
        {
            self.inner.replace_cells(cells.clone(), *server_version)?;
        }
        Ok(to_js(&outcome))
    }

    /// Tells auto-save that something it saves with the diagram changed outside the cells
    /// (e.g. `markDirty('threats')`); it goes through the same decision tree. Returns the
    /// decision.
    #[wasm_bindgen(js_name = markDirty, unchecked_return_type = "AutoSaveDecision")]
    pub fn mark_dirty(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] label: JsValue,
    ) -> Result<JsValue, JsValue> {
        let label = required_string(&label, "label")?;
        let driver = self.inner.require_driver()?;
        Ok(to_js(&driver.trigger(Trigger::ExternalDirty { label })))
    }

    /// Updates what the auto-save decision tree knows about the editor: `{
    /// initialLoadInProgress?, collaborating?, graphInitialized?, loading?, requiredIds?,
    /// ids? }` (absent fields keep their value). `bindGraph` keeps `graphInitialized` and
    /// `initialLoadInProgress` right by itself.
    #[wasm_bindgen(js_name = updateEditorContext)]
    pub fn update_editor_context(
        &self,
        #[wasm_bindgen(unchecked_param_type = "EditorContextUpdate")] update: JsValue,
    ) -> Result<(), JsValue> {
        let update: ContextUpdate = from_js_object(&update, "update")?;
        let Some(driver) = self.inner.driver() else {
            self.inner.session()?;
            return Ok(());
        };
        let mut context = driver.context();
        let flags = [
            (
                update.initial_load_in_progress,
                &mut context.initial_load_in_progress,
            ),
            (update.collaborating, &mut context.collaborating),
            (update.graph_initialized, &mut context.graph_initialized),
            (update.loading, &mut context.loading),
        ];
        for (new, field) in flags {
            if let Some(new) = new {
                *field = new;
            }
        }
        if let Some(required) = update.required_ids {
            context.required_ids = required;
        }
        if let Some(ids) = update.ids {
            context.ids = ids;
        }
        driver.set_context(context);
        Ok(())
    }
}

impl Inner {
    /// Replaces the cells (a refresh) and tells listeners: the changes reach the graph as
    /// `remote` ones, and the history starts afresh.
    fn replace_cells(self: &Rc<Self>, cells: Vec<Value>, version: u64) -> Result<(), JsValue> {
        let (changes, before, after) = {
            let mut session = self.session()?;
            let before = session.core.history_state();
            let changes = session.core.replace(cells, version).map_err(to_js_error)?;
            (changes, before, session.core.history_state())
        };
        self.after_local_change(&changes);
        self.announce_changes("remote", &changes, version);
        self.announce_history(before, after);
        Ok(())
    }
}
