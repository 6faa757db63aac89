//! Auto-save to the editor's server: the driver, its triggers, its status and the
//! conflict resolutions.

use std::cell::Cell;
use std::rc::Rc;

use gloo::events::EventListener;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use wasm_bindgen::prelude::*;

use super::{DiagramStateJs, Inner};
use crate::bindings::convert::{from_js, from_js_object, required_string, to_js};
use crate::bindings::error::{js_error, to_js_error};
use crate::core::autosave::{
    merge_server_copy, AutoSaveDecision, AutoSaveEngine, AutoSaveStatus, ConflictResolution,
    Overridden, Prefer, ResolutionOutcome, ServerMerge, Trigger,
};
use crate::core::history::{OperationKind, Origin};
use crate::core::model::{Change, Diagram};
use crate::platform::autosave_driver::AutoSaveDriver;
use crate::platform::page::page_lifecycle;

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
    /// Starts auto-saving with `engine` through the editor's `save` callback. With other
    /// tabs on the diagram, only the leader saves.
    pub(super) fn start_autosave(&self, engine: AutoSaveEngine, save: js_sys::Function) {
        // The store version the cells of the save in flight include (at least).
        let sending = Rc::new(Cell::new(0));
        let inner = Rc::downgrade(&self.inner);
        let sent = Rc::clone(&sending);
        let cells = move || -> Option<Vec<Value>> {
            let inner = inner.upgrade()?;
            let session = inner.session.try_borrow().ok()?;
            let session = session.as_ref()?;
            sent.set(session.committed_version());
            let cells = session.core.diagram().cells();
            Some(cells.map(|cell| (**cell).clone()).collect())
        };
        let emitter = self.inner.emitter.clone();
        let on_status = move |status: &AutoSaveStatus| emitter.emit("save", status);
        let leading = self
            .inner
            .session()
            .is_ok_and(|session| session.is_leader());
        let driver = Rc::new(AutoSaveDriver::new(engine, save, cells, on_status, leading));
        // Every accepted save, also one answered while the user kept editing: the
        // directory and the other tabs learn the server version and what it includes.
        let weak = Rc::downgrade(&self.inner);
        driver.on_saved(move |version| {
            if let Some(inner) = weak.upgrade() {
                inner.record_push(version, sending.get());
            }
        });
        let _page_listeners = flush_on_page_hide(&driver);
        self.inner.autosave.replace(Some(AutoSave {
            driver,
            _page_listeners,
        }));
    }
}

impl DiagramStateJs {
    /// Resolves the conflict and merges the server's copy as `resolution` says (see
    /// `resolveConflict`).
    fn resolve(
        &self,
        driver: &AutoSaveDriver,
        resolution: ConflictResolution,
    ) -> Result<JsValue, JsValue> {
        let outcome = driver.resolve_conflict(resolution).map_err(to_js_error)?;
        let (server_version, cells, unsaved, prefer) = match &outcome {
            ResolutionOutcome::Refresh {
                server_version,
                server_cells: Some(cells),
                set_aside,
            } => (*server_version, cells, set_aside, Prefer::Server),
            ResolutionOutcome::Overwrite {
                base_version,
                server_cells: Some(cells),
                unsaved,
            } => (*base_version, cells, unsaved, Prefer::Local),
            _ => return Ok(to_js(&outcome)),
        };
        let merged = self
            .inner
            .merge_server_copy(cells.clone(), server_version, unsaved, prefer);
        let merge = match merged {
            Ok(merge) => merge,
            Err(error) => {
                // Nothing was merged: the unsaved changes stay unsaved.
                driver.rebase_unsaved(unsaved.clone());
                return Err(error);
            }
        };
        match prefer {
            // Refresh set the unsaved changes aside: what the server lacked is saved again.
            Prefer::Server => {
                driver.trigger(Trigger::history(merge.kept.clone(), None));
            }
            // Overwrite saves at once: with the changes as rebased over the server's copy.
            Prefer::Local => driver.rebase_unsaved(merge.kept.clone()),
        }
        Ok(to_js(&MergedOutcome {
            outcome: &outcome,
            kept: &merge.kept,
            overridden: &merge.overridden,
        }))
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

    /// This tab now leads (or no longer leads) the diagram's tabs: only the leader saves;
    /// with `carry_over`, a new leader saves at once what the server copy may lack.
    pub(super) fn lead_autosave(&self, leading: bool, carry_over: bool) {
        let Some(driver) = self.driver() else { return };
        driver.set_leading(leading);
        if carry_over {
            driver.carry_over_unsaved();
        }
    }

    /// Another tab saved the diagram as `server_version`: this tab's auto-save takes that
    /// as its base (it saves on it when it leads next).
    pub(super) fn saved_elsewhere(&self, server_version: u64) {
        if let Some(driver) = self.driver() {
            driver.saved_elsewhere(server_version);
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
    let leaving = Rc::downgrade(driver);
    let hiding = Rc::downgrade(driver);
    page_lifecycle(
        move || {
            if let Some(driver) = leaving.upgrade() {
                driver.flush();
            }
        },
        move |visible| {
            if let Some(driver) = hiding.upgrade().filter(|_| !visible) {
                driver.flush();
            }
        },
    )
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
    /// auto-save after a failure that stopped it). After a conflict answered `'cancel'`
    /// ("decide later"), it resolves that conflict as `'overwrite'` does: yours where both
    /// sides changed the same thing, the server's other edits kept. Throws
    /// `AUTOSAVE_NOT_CONFIGURED`, `VERSION_CONFLICT` while a conflict is open, or
    /// `SAVE_SKIPPED` with the decision's reason (e.g. collaborating).
    #[wasm_bindgen(js_name = saveNow)]
    pub fn save_now(&self) -> Result<(), JsValue> {
        let driver = self.inner.require_driver()?;
        if driver.has_deferred_conflict() {
            return self
                .resolve(&driver, ConflictResolution::Overwrite)
                .map(drop);
        }
        driver.save_now().map_err(to_js_error)
    }

    /// Starts a last save at once if there are unsaved changes (the package calls it on
    /// `pagehide` and when the page is hidden). Returns whether a save was started.
    pub fn flush(&self) -> Result<bool, JsValue> {
        Ok(self.inner.require_driver()?.flush())
    }

    /// Resolves a version conflict without losing anyone's work: the server's copy (when
    /// the conflict answer carried `serverCells`) is merged into the diagram. What only the
    /// server changed comes in (as remote changes); what only this browser changed since
    /// the base stays and is saved on top of the server's version, so an older server copy
    /// never reverts an edit made here. Where both changed the same thing, `'refresh'`
    /// ("load theirs") takes the server's value (both values are reported in `overridden`)
    /// and `'overwrite'` ("keep mine") keeps this browser's. `'cancel'` ("decide later")
    /// keeps the changes unsaved and pauses auto-save until the next resolution or
    /// `saveNow()`.
    ///
    /// Returns `{ type: 'refresh', serverVersion, serverCells, setAside, kept, overridden }`
    /// (`setAside`: the unsaved changes at the time of the conflict; `kept`: those kept over
    /// the server's copy, to be saved), `{ type: 'overwrite', baseVersion, kept,
    /// overridden }` or `{ type: 'cancel' }` (`kept` and `overridden` are absent when the
    /// answer carried no `serverCells`). Throws `NO_CONFLICT`.
    #[wasm_bindgen(js_name = resolveConflict, unchecked_return_type = "ResolutionOutcome")]
    pub fn resolve_conflict(
        &self,
        #[wasm_bindgen(unchecked_param_type = "'refresh' | 'overwrite' | 'cancel'")]
        resolution: JsValue,
    ) -> Result<JsValue, JsValue> {
        let resolution: ConflictResolution = from_js(&resolution, "resolution")?;
        let driver = self.inner.require_driver()?;
        self.resolve(&driver, resolution)
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

/// The answer of a resolution that merged the server's copy.
#[derive(Serialize)]
struct MergedOutcome<'a> {
    #[serde(flatten)]
    outcome: &'a ResolutionOutcome,
    kept: &'a [Change],
    overridden: &'a [Overridden],
}

impl Inner {
    /// Merges the server's copy (`cells` at `server_version`) into the diagram given the
    /// changes not saved yet (see [`merge_server_copy`]) and tells listeners: the server's
    /// side reaches the graph as `remote` changes and is committed like any change (other
    /// tabs follow). Returns what was kept and what was overridden.
    fn merge_server_copy(
        self: &Rc<Self>,
        cells: Vec<Value>,
        server_version: u64,
        unsaved: &[Change],
        prefer: Prefer,
    ) -> Result<ServerMerge, JsValue> {
        let server = Diagram::from_cells(cells, server_version).map_err(to_js_error)?;
        let (merge, outcome, before) = {
            let mut session = self.session()?;
            let merge = merge_server_copy(session.core.diagram(), &server, unsaved, prefer);
            let before = session.core.history_state();
            let outcome = session
                .core
                .apply_changes(merge.apply.clone(), Origin::Remote)
                .map_err(to_js_error)?;
            (merge, outcome, before)
        };
        self.after_local_change(&outcome.applied);
        self.announce_changes("remote", &outcome.applied, outcome.version);
        self.announce_history(before, outcome.history);
        Ok(merge)
    }
}
