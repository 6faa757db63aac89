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

use std::cell::{RefCell, RefMut};
use std::rc::Rc;

use serde::Serialize;
use wasm_bindgen::prelude::*;

use super::convert::{from_js, to_js};
use super::emitter::Emitter;
use super::error::{js_error, to_js_error};
use super::options::OpenOptions;
use crate::core::history::HistoryState;
use crate::core::model::Change;
use crate::core::state::DiagramState as CoreState;
use crate::platform::clock::BrowserClock;

/// What an open diagram holds.
struct Session {
    diagram_id: String,
    core: CoreState,
}

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
    session: Rc<RefCell<Option<Session>>>,
    emitter: Emitter,
    /// Auto-save to the editor's server, when `autosave` was given.
    autosave: RefCell<Option<saving::AutoSave>>,
}

/// The payload of a `change` event.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ChangeEvent<'a> {
    origin: &'a str,
    changes: &'a [Change],
    version: u64,
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
    ///   `{ status: 'failed', retryable, message }`.
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
        let options: OpenOptions = from_js(&options, "options")?;
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
        core.load(options.cells, options.version)
            .map_err(to_js_error)?;
        let engine = match (&options.autosave, save) {
            (Some(autosave), Some(save)) => {
                Some((autosave.engine(&options.diagram_id, options.version)?, save))
            }
            _ => None,
        };
        let state = Self {
            session: Rc::new(RefCell::new(Some(Session {
                diagram_id: options.diagram_id,
                core,
            }))),
            emitter: Emitter::default(),
            autosave: RefCell::new(None),
        };
        if let Some((engine, save)) = engine {
            state.start_autosave(engine, save);
        }
        Ok(state)
    }

    /// The id of the diagram.
    #[wasm_bindgen(getter, js_name = diagramId)]
    pub fn diagram_id(&self) -> Result<String, JsValue> {
        Ok(self.session()?.diagram_id.clone())
    }

    /// The diagram's version: it grows by one with every applied change set, undo or redo.
    #[wasm_bindgen(getter)]
    pub fn version(&self) -> Result<f64, JsValue> {
        // Versions stay far below 2^53, where numbers are exact.
        Ok(self.session()?.core.diagram().version() as f64)
    }

    /// The history's state: `{ canUndo, canRedo, undoSize, redoSize, lastKind,
    /// collaborating, batchDepth }`.
    #[wasm_bindgen(getter, js_name = historyState, unchecked_return_type = "HistoryState")]
    pub fn history_state(&self) -> Result<JsValue, JsValue> {
        Ok(to_js(&self.session()?.core.history_state()))
    }

    /// The semantic cells, ordered by id: what is saved and synced (no visual-only state).
    #[wasm_bindgen(unchecked_return_type = "Cell[]")]
    pub fn cells(&self) -> Result<JsValue, JsValue> {
        let session = self.session()?;
        let cells: Vec<_> = session.core.diagram().cells().map(|cell| &**cell).collect();
        Ok(to_js(&cells))
    }

    /// The semantic diagram as `{ version, cells }`.
    #[wasm_bindgen(js_name = toJSON, unchecked_return_type = "DiagramSnapshot")]
    pub fn to_json(&self) -> Result<JsValue, JsValue> {
        Ok(to_js(self.session()?.core.diagram()))
    }

    /// Listens to an event and returns a function that stops listening:
    /// - `history`: the history state (`HistoryState`) after every change to it;
    /// - `change`: `{ origin, changes, version }` after every applied change set
    ///   (edits, undo/redo, other tabs) — what is saved and synced;
    /// - `decision`: the `EventOutcome` of every `handleEvent`, visual-only ones included:
    ///   which filter rule dropped which path, plus `autosave`, the auto-save decision tree's
    ///   verdict and path (for a debugging or decision panel);
    /// - `save`: the auto-save status (`AutoSaveStatus`) whenever it changes.
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
    ) -> Result<JsValue, JsValue> {
        self.session()?;
        let event = super::convert::required_string(&event, "event")?;
        self.emitter.subscribe(&event, listener)
    }

    /// Releases the diagram: listeners, auto-save timers and page listeners are dropped
    /// (a save in flight finishes, its answer is ignored) and every later call throws
    /// `DISPOSED`. Call `flush()` first to attempt a last save.
    /// Call `free()` afterwards (or let the garbage collector do it) to release the wasm
    /// memory of the object itself. Calling `dispose()` twice is harmless.
    pub fn dispose(&self) {
        self.emitter.clear();
        self.autosave.borrow_mut().take();
        self.session.borrow_mut().take();
    }

    /// Whether `dispose()` was called.
    #[wasm_bindgen(getter)]
    pub fn disposed(&self) -> bool {
        self.session.borrow().is_none()
    }
}

impl DiagramStateJs {
    /// The open session, or `DISPOSED`.
    fn session(&self) -> Result<RefMut<'_, Session>, JsValue> {
        RefMut::filter_map(self.session.borrow_mut(), Option::as_mut)
            .map_err(|_| js_error("DISPOSED", "this DiagramState was disposed"))
    }

    /// Tells `change` listeners about applied changes. Call with no session borrowed:
    /// listeners may call back in.
    fn announce_changes(&self, origin: &str, changes: &[Change], version: u64) {
        if !changes.is_empty() && self.emitter.has_listeners("change") {
            let payload = ChangeEvent {
                origin,
                changes,
                version,
            };
            self.emitter.emit("change", &to_js(&payload));
        }
    }

    /// Tells `history` listeners the new history state when it differs from `before`.
    /// Call with no session borrowed.
    fn announce_history(&self, before: HistoryState, after: HistoryState) {
        if before != after {
            self.emitter.emit("history", &to_js(&after));
        }
    }
}
