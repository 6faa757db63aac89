//! `DiagramState`: the class an editor creates per open diagram. It owns the core state
//! (diagram, visual filter, history) and emits typed events.
//!
//! Its methods live in one file per concern: [`editing`] (X6 events, batches, undo/redo),
//! [`rules`] (the visual filter), [`history`] (history settings and entries) and
//! [`saving`] (auto-save to the editor's server).

mod editing;
mod history;
mod rules;
mod saving;
mod sync_api;
mod tab_sync;

use std::cell::{RefCell, RefMut};
use std::rc::Rc;

use wasm_bindgen::prelude::*;

use super::convert::{document_to_js, from_js_object, to_js};
use super::emitter::Emitter;
use super::error::store_error;
use super::error::{js_error, to_js_error};
use super::options::OpenOptions;
use crate::core::autosave::Trigger;
use crate::core::history::HistoryState;
use crate::core::model::Change;
use crate::core::session::{open_stored, SessionEngine, SharedEngine};
use crate::core::state::DiagramState as CoreState;
use crate::core::sync::{SessionConfig, SyncSession};
use crate::platform::autosave_driver::random_seed;
use crate::platform::clock::BrowserClock;
use crate::platform::indexed_db::{IndexedDbStore, LocalStore, OpenOptions as StoreOptions};

/// The client-side state of one open diagram: what each X6 change means (semantic or
/// visual-only), its undo/redo history and its version.
///
/// ```js
/// import init, { DiagramState } from 'diagram-state';
/// await init();
/// const state = await DiagramState.open({ diagramId: 'd1', cells: graph.toJSON().cells });
/// const off = state.on('history', (h) => render(h.canUndo, h.canRedo));
/// // … use bindGraph(graph, state) from 'diagram-state/x6' to forward X6 events …
/// off();
/// state.dispose();
/// ```
///
/// Every method throws a `DiagramStateError` (an `Error` with a stable `code`) on bad
/// input and then changes nothing. After `dispose()` every method throws `DISPOSED`.
#[wasm_bindgen(js_name = DiagramState)]
pub struct DiagramStateJs {
    inner: Rc<Inner>,
    /// What the latest undo or redo did, for `lastStep`.
    last_step: RefCell<Option<crate::core::state::StepOutcome>>,
}

/// What the class holds, shared with its timers and asynchronous tasks (which hold it
/// weakly, so a disposed or collected state stops them).
pub(super) struct Inner {
    /// The session engine (core state, cross-tab sync, conflicts); `None` once disposed.
    session: SharedEngine,
    emitter: Emitter,
    /// Auto-save to the editor's server, when `autosave` was given.
    autosave: RefCell<Option<saving::AutoSave>>,
    /// The store, the channel and the leader election, for a diagram in local storage.
    link: RefCell<Option<Rc<tab_sync::Link>>>,
}

#[wasm_bindgen(js_class = DiagramState)]
impl DiagramStateJs {
    /// Opens a diagram. `options`:
    /// - `diagramId` (string, required);
    /// - `cells`, `version`: the state to start from (`graph.toJSON().cells`), default empty at 0;
    /// - `maxHistory` (default 100), `recordRemoteChanges` (default `false`),
    ///   `mergeIntervalMs` (merge consecutive edits of the same paths; off by default);
    /// - `filter`: `{ defaults?: boolean, rules?: { id, pattern }[], excludedEvents?: string[] }`;
    /// - `autosave`: `{ save, debounceMs?, maxWaitMs?, retryInitialDelayMs?, retryMaxDelayMs?,
    ///   retryJitter?, saveTimeoutMs?, baseVersion?, requiredIds?, ids?, excludedKinds? }` —
    ///   `save(request)` receives `{ diagramId, baseVersion, cells, changesSinceBase, cause,
    ///   attempt }` and answers (or resolves to) `{ status: 'saved', version }`,
    ///   `{ status: 'conflict', serverVersion, serverCells? }` or
    ///   `{ status: 'failed', retryable, message }`;
    /// - `storage: 'indexeddb'` (and `dbName`): load the diagram from IndexedDB, commit every
    ///   change to it as it happens and follow other tabs on the same diagram
    ///   (`LocalDiagrams.openDiagram` does the same on the directory's connection);
    ///   `conflictPolicy`: `'laterWins'` (default) or `'ask'`.
    ///
    /// Throws `INVALID_ARGUMENT` for missing or mistyped options (unknown option names
    /// included), `INVALID_PATTERN`/`DUPLICATE_RULE` for bad rules, and the cell error codes
    /// (`CELL_ID_MISSING`, `DUPLICATE_CELL`, …) for bad cells.
    ///
    /// ```js
    /// const state = await DiagramState.open({ diagramId: 'd1', maxHistory: 200 });
    /// ```
    pub async fn open(
        #[wasm_bindgen(unchecked_param_type = "OpenOptions")] options: JsValue,
    ) -> Result<DiagramStateJs, JsValue> {
        let save = super::autosave_options::save_callback(&options)?;
        let options: OpenOptions = from_js_object(&options, "options")?;
        match options.storage.as_deref() {
            None => Self::open_with(options, save, None).await,
            Some("indexeddb") => {
                let mut store_options = StoreOptions::default();
                if let Some(name) = &options.db_name {
                    store_options.name.clone_from(name);
                }
                let store = IndexedDbStore::open(store_options)
                    .await
                    .map_err(store_error)?;
                Self::open_with(options, save, Some(Rc::new(LocalStore::IndexedDb(store)))).await
            }
            Some(other) => Err(js_error(
                "INVALID_ARGUMENT",
                &format!(
                    "`options.storage` must be 'indexeddb' (or open through LocalDiagrams.openDiagram), not '{other}'"
                ),
            )),
        }
    }

    /// The id of the diagram.
    #[wasm_bindgen(getter, js_name = diagramId)]
    pub fn diagram_id(&self) -> Result<String, JsValue> {
        Ok(self.inner.session()?.diagram_id().to_owned())
    }

    /// The diagram's version: it grows by one with every applied change set, undo or redo.
    #[wasm_bindgen(getter)]
    pub fn version(&self) -> Result<f64, JsValue> {
        // Versions stay far below 2^53, where numbers are exact.
        Ok(self.inner.session()?.core.diagram().version() as f64)
    }

    /// The history's state: `{ canUndo, canRedo, undoSize, redoSize, lastKind,
    /// collaborating, batchDepth }`.
    #[wasm_bindgen(getter, js_name = historyState, unchecked_return_type = "HistoryState")]
    pub fn history_state(&self) -> Result<JsValue, JsValue> {
        Ok(to_js(&self.inner.session()?.core.history_state()))
    }

    /// The semantic cells, ordered by id: what is saved and synced (no visual-only state).
    #[wasm_bindgen(unchecked_return_type = "Cell[]")]
    pub fn cells(&self) -> Result<JsValue, JsValue> {
        let session = self.inner.session()?;
        let cells: Vec<_> = session.core.diagram().cells().map(|cell| &**cell).collect();
        Ok(document_to_js(&cells))
    }

    /// The semantic diagram as `{ version, cells }`.
    #[wasm_bindgen(js_name = toJSON, unchecked_return_type = "DiagramSnapshot")]
    pub fn to_json(&self) -> Result<JsValue, JsValue> {
        Ok(super::convert::document_to_js(
            self.inner.session()?.core.diagram(),
        ))
    }

    /// Listens to an event and returns a function that stops listening. `options`:
    /// `{ skipReported: true }` (`change` only) leaves out the changes of `handleEvent` and
    /// `handleProperty`, which the caller already has (the X6 adapter uses it: its graph
    /// made them). The events:
    /// - `history`: the history state (`HistoryState`) after every change to it;
    /// - `change`: `{ origin, changes, version }` after every applied change set
    ///   (edits, undo/redo, other tabs) — what is saved and synced;
    /// - `decision`: the `EventOutcome` of every `handleEvent`, visual-only ones included:
    ///   which filter rule dropped which path, plus `autosave`, the auto-save decision tree's
    ///   verdict and path (for a debugging or decision panel);
    /// - `save`: the auto-save status (`AutoSaveStatus`) whenever it changes;
    /// - `sync`: the cross-tab and local-storage status (`SyncStatus`) whenever it changes;
    /// - `conflict`: each conflict with another tab (`TabConflict`), settled or not;
    /// - `dispose`: the state was disposed (once, with `null`; every listener is dropped
    ///   right after).
    ///
    /// Throws `UNKNOWN_EVENT` for another name and `INVALID_ARGUMENT` when `listener` is
    /// not a function.
    ///
    /// ```js
    /// const off = state.on('change', ({ changes, version }) => console.log(version, changes));
    /// ```
    #[wasm_bindgen(unchecked_return_type = "() => void")]
    pub fn on(
        &self,
        #[wasm_bindgen(unchecked_param_type = "DiagramStateEventName")] event: JsValue,
        #[wasm_bindgen(unchecked_param_type = "(payload: any) => void")] listener: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "{ skipReported?: boolean }")]
        options: JsValue,
    ) -> Result<JsValue, JsValue> {
        self.inner.session()?;
        let event = super::convert::required_string(&event, "event")?;
        self.inner.emitter.subscribe(&event, listener, &options)
    }

    /// Releases the diagram: listeners, auto-save timers and page listeners are dropped
    /// (a save in flight finishes, its answer is ignored) and every later call throws
    /// `DISPOSED`. Call `flush()` first to attempt a last save.
    /// Call `free()` afterwards (or let the garbage collector do it) to release the wasm
    /// memory of the object itself. Calling `dispose()` twice is harmless.
    pub fn dispose(&self) {
        if self.disposed() {
            return;
        }
        self.inner.close_link();
        self.inner.autosave.borrow_mut().take();
        self.inner.session.borrow_mut().take();
        self.inner.emitter.emit("dispose", &());
        self.inner.emitter.clear();
    }

    /// Whether `dispose()` was called.
    #[wasm_bindgen(getter)]
    pub fn disposed(&self) -> bool {
        self.inner.session.borrow().is_none()
    }
}

impl DiagramStateJs {
    /// Opens a diagram from `options`, loading it from `store` when there is one (and then
    /// committing every change to it and following other tabs).
    pub(crate) async fn open_with(
        mut options: OpenOptions,
        save: Option<js_sys::Function>,
        store: Option<Rc<LocalStore>>,
    ) -> Result<DiagramStateJs, JsValue> {
        if options.diagram_id.is_empty() {
            return Err(js_error(
                "INVALID_ARGUMENT",
                "`options.diagramId` must not be empty",
            ));
        }
        let config = options
            .history_config()
            .map_err(|message| js_error("INVALID_ARGUMENT", &message))?;
        let filter = options.filter.build().map_err(to_js_error)?;
        let mut core = CoreState::with_settings(BrowserClock, filter, config);
        let opening = match &store {
            None => None,
            Some(store) => {
                if !options.cells.is_empty() || options.version != 0 {
                    return Err(js_error(
                        "INVALID_ARGUMENT",
                        "`cells` and `version` come from the store when it is given; create the diagram with LocalDiagrams first",
                    ));
                }
                let carry = options.autosave.is_some();
                let opening = open_stored(&**store, &options.diagram_id, carry)
                    .await
                    .map_err(store_error)?;
                Some(opening)
            }
        };
        let (cells, version) = match &opening {
            Some(opening) => (opening.cells.clone(), opening.version),
            None => (std::mem::take(&mut options.cells), options.version),
        };
        core.load(cells, version).map_err(to_js_error)?;
        let autosave = match (&options.autosave, save) {
            (Some(autosave), Some(save)) => {
                let base = opening
                    .as_ref()
                    .and_then(|opening| opening.public_version)
                    .unwrap_or(version);
                Some((autosave.engine(&options.diagram_id, base)?, save))
            }
            _ => None,
        };
        let pushed = opening.as_ref().and_then(|opening| opening.pushed);
        let mut engine = SessionEngine::new(options.diagram_id.clone(), core, pushed);
        let tab_id = format!("tab-{:013x}", random_seed());
        if let Some(opening) = &opening {
            let mut config = SessionConfig::new(options.diagram_id.clone(), tab_id.clone());
            config.policy = options.conflict_policy;
            engine = engine.follow_tabs(SyncSession::new(config, version, opening.head));
        }
        let state = Self {
            last_step: RefCell::new(None),
            inner: Rc::new(Inner {
                session: Rc::new(RefCell::new(Some(engine))),
                emitter: Emitter::default(),
                autosave: RefCell::new(None),
                link: RefCell::new(None),
            }),
        };
        if let Some(store) = store {
            let link = tab_sync::Link::start(&state.inner, store, &options.diagram_id, &tab_id);
            link.driver.hello();
            state.inner.link.replace(Some(link));
        }
        if let Some((engine, save)) = autosave {
            state.start_autosave(engine, save);
            let carried = opening.filter(|opening| opening.unpushed);
            if let (Some(opening), Some(driver)) = (carried, state.inner.driver()) {
                // An earlier session may have closed before the server had everything.
                if !opening.carried.is_empty() {
                    driver.trigger(Trigger::history(opening.carried, None));
                }
                driver.carry_over_unsaved();
            }
        }
        Ok(state)
    }
}

impl Inner {
    /// The open session, or `DISPOSED`.
    fn session(&self) -> Result<RefMut<'_, SessionEngine>, JsValue> {
        RefMut::filter_map(self.session.borrow_mut(), Option::as_mut)
            .map_err(|_| js_error("DISPOSED", "this DiagramState was disposed"))
    }

    /// Tells `change` listeners about applied changes. Call with no session borrowed:
    /// listeners may call back in.
    fn announce_changes(&self, origin: &str, changes: &[Change], version: u64) {
        self.announce_changes_of(origin, changes, version, false);
    }

    /// [`Inner::announce_changes`] for changes the editor reported itself (`handleEvent`,
    /// `handleProperty`): listeners with `skipReported` are left out.
    fn announce_reported_changes(&self, origin: &str, changes: &[Change], version: u64) {
        self.announce_changes_of(origin, changes, version, true);
    }

    fn announce_changes_of(&self, origin: &str, changes: &[Change], version: u64, reported: bool) {
        if !changes.is_empty() {
            self.emitter.emit_built("change", reported, || {
                super::convert::change_event_to_js(origin, changes, version)
            });
        }
    }

    /// Tells `history` listeners the new history state when it differs from `before`.
    /// Call with no session borrowed.
    fn announce_history(&self, before: HistoryState, after: HistoryState) {
        if before != after {
            self.emitter.emit("history", &after);
        }
    }
}
