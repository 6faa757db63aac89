//! The browser driver of the auto-save engine: one `setTimeout` armed for the engine's
//! next deadline, the editor's JavaScript save callback, and `online`/`offline` events.
//!
//! The engine ([`AutoSaveEngine`]) decides everything; this driver only tells it the time,
//! wakes it, and carries saves to JavaScript and answers back. It never holds its own
//! borrow while calling JavaScript or the owner's callbacks, and it starts saves and
//! reports status changes from a timer or a microtask, never from inside the caller's
//! call: callbacks may call back into the driver (or its owner) safely.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use gloo::events::EventListener;
use gloo::timers::callback::Timeout;
use js_sys::{Function, Promise};
use serde::Serialize;
use serde_json::Value;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::{spawn_local, JsFuture};

use crate::core::autosave::{
    AutoSaveConfig, AutoSaveDecision, AutoSaveEngine, AutoSaveError, AutoSaveSnapshot,
    AutoSaveStatus, ConflictResolution, EditorContext, ResolutionOutcome, SaveCause, SaveRequest,
    SaveResult, Trigger,
};
use crate::core::clock::{Clock, Millis};
use crate::core::model::Change;
use crate::platform::clock::BrowserClock;

/// The longest delay `setTimeout` takes (larger ones fire at once).
const MAX_TIMEOUT_MS: Millis = 2_147_483_647.0;

/// Drives an [`AutoSaveEngine`] in the browser. Dropping the driver clears its timer and
/// removes its `online`/`offline` listeners; the answer of a save in flight is then ignored.
///
/// The save callback is called as `save({ diagramId, baseVersion, cells, changesSinceBase,
/// cause, attempt })` and answers (or resolves to) `{ status: 'saved', version }`,
/// `{ status: 'conflict', serverVersion, serverCells? }` or
/// `{ status: 'failed', retryable, message }`. A throw, a rejection or any other answer is
/// a failed save with a clear message.
#[must_use = "the driver stops auto-saving when dropped"]
pub struct AutoSaveDriver {
    shared: Rc<RefCell<Shared>>,
    _listeners: Vec<EventListener>,
}

/// What the timer, the save futures and the listeners share (they hold it weakly).
struct Shared {
    engine: AutoSaveEngine,
    save: Function,
    cells: Rc<dyn Fn() -> Option<Vec<Value>>>,
    on_status: Rc<dyn Fn(&AutoSaveStatus)>,
    /// Told every accepted `saved` answer (its version), even when edits made meanwhile
    /// keep the status `dirty`.
    on_saved: Option<Rc<dyn Fn(u64)>>,
    timer: Option<Timeout>,
    armed_for: Option<Millis>,
    pump_queued: bool,
    last_status: Option<AutoSaveStatus>,
    /// What `navigator.onLine` and the window's `online`/`offline` events last said.
    browser_online: bool,
    /// Whether this tab may save (it leads its diagram's tabs, or it is alone).
    leading: bool,
}

impl Shared {
    /// The engine saves only when the browser is online and this tab leads.
    fn apply_online(&mut self) {
        let online = self.browser_online && self.leading;
        self.engine.set_online(online, BrowserClock.now());
    }
}

/// The object the save callback receives.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SavePayload<'a> {
    diagram_id: &'a str,
    base_version: u64,
    cells: Vec<Value>,
    changes_since_base: &'a [Change],
    cause: SaveCause,
    attempt: u64,
}

impl AutoSaveDriver {
    /// Starts driving `engine`: `save` is the editor's save callback, `cells` gives the
    /// diagram's current cells for each save (`None` when they cannot be read right now:
    /// that save fails as retryable, it never sends an empty diagram), and `on_status` is called (from a timer or a
    /// microtask) whenever the status changes. The engine saves while the browser is
    /// online (`navigator.onLine`, then the window's `online`/`offline` events) and this
    /// tab leads: `leading` is where it starts, [`AutoSaveDriver::set_leading`] changes it.
    pub fn new(
        engine: AutoSaveEngine,
        save: Function,
        cells: impl Fn() -> Option<Vec<Value>> + 'static,
        on_status: impl Fn(&AutoSaveStatus) + 'static,
        leading: bool,
    ) -> Self {
        let window = web_sys::window();
        let browser_online = window
            .as_ref()
            .is_none_or(|window| window.navigator().on_line());
        let shared = Rc::new(RefCell::new(Shared {
            engine,
            save,
            cells: Rc::new(cells),
            on_status: Rc::new(on_status),
            on_saved: None,
            timer: None,
            armed_for: None,
            pump_queued: false,
            last_status: None,
            browser_online,
            leading,
        }));
        shared.borrow_mut().apply_online();
        let mut listeners = Vec::new();
        if let Some(window) = &window {
            for (event, online) in [("online", true), ("offline", false)] {
                let weak = Rc::downgrade(&shared);
                listeners.push(EventListener::new(window, event, move |_event| {
                    if let Some(shared) = weak.upgrade() {
                        set_online(&shared, online);
                    }
                }));
            }
        }
        queue_pump(&shared);
        Self {
            shared,
            _listeners: listeners,
        }
    }

    /// Runs `trigger` through the decision tree and returns the decision; a save, if
    /// decided, is scheduled.
    pub fn trigger(&self, trigger: Trigger) -> AutoSaveDecision {
        self.input(|engine, now| engine.on_trigger(trigger, now))
    }

    /// The stored copy may hold changes the server copy lacks (see
    /// [`AutoSaveEngine::carry_over_unsaved`]): schedules a save.
    pub fn carry_over_unsaved(&self) {
        self.input(|engine, now| engine.carry_over_unsaved(now));
    }

    /// Replaces the editor's context.
    pub fn set_context(&self, context: EditorContext) {
        self.input(|engine, _now| engine.set_context(context));
    }

    /// Changes the settings (`INVALID_AUTOSAVE_CONFIG` on a setting out of range).
    pub fn set_config(&self, config: AutoSaveConfig) -> Result<(), AutoSaveError> {
        self.input(|engine, _now| engine.set_config(config))
    }

    /// A manual save, started in a microtask (see [`AutoSaveEngine::save_now`]).
    pub fn save_now(&self) -> Result<(), AutoSaveError> {
        self.input(|engine, now| engine.save_now(now))
    }

    /// For `pagehide`/`visibilitychange`: requests a final save, started in a microtask,
    /// before the page goes (see [`AutoSaveEngine::flush`]). Returns whether one was
    /// requested.
    pub fn flush(&self) -> bool {
        self.input(|engine, now| engine.flush(now))
    }

    /// Tells the engine the browser is online or offline (the window's events do this too).
    pub fn set_online(&self, online: bool) {
        set_online(&self.shared, online);
    }

    /// Calls `on_saved(version)` (from a microtask) for every save the server accepted,
    /// also when edits made meanwhile keep the status `dirty`.
    pub fn on_saved(&self, on_saved: impl Fn(u64) + 'static) {
        self.shared.borrow_mut().on_saved = Some(Rc::new(on_saved));
    }

    /// Whether this tab leads its diagram's tabs: only the leader saves (a follower waits
    /// as if offline, whatever the browser's connection).
    pub fn set_leading(&self, leading: bool) {
        {
            let mut shared = self.shared.borrow_mut();
            shared.leading = leading;
            shared.apply_online();
        }
        queue_pump(&self.shared);
    }

    /// Whether this tab may save now (it leads, and the browser is online).
    pub fn is_leading(&self) -> bool {
        self.shared.borrow().leading
    }

    /// Resolves a version conflict; on `refresh`, the outcome says what to load and which
    /// local changes were set aside.
    pub fn resolve_conflict(
        &self,
        resolution: ConflictResolution,
    ) -> Result<ResolutionOutcome, AutoSaveError> {
        self.input(|engine, now| engine.resolve_conflict(resolution, now))
    }

    /// The unsaved changes were rebased over the server's copy (see
    /// [`AutoSaveEngine::rebase_unsaved`]).
    pub fn rebase_unsaved(&self, changes: Vec<Change>) {
        self.input(|engine, _now| engine.rebase_unsaved(changes));
    }

    /// Whether a conflict waits, dismissed with `cancel` (see
    /// [`AutoSaveEngine::has_deferred_conflict`]).
    pub fn has_deferred_conflict(&self) -> bool {
        self.shared.borrow().engine.has_deferred_conflict()
    }

    /// Another tab saved the diagram as `server_version` (see
    /// [`AutoSaveEngine::saved_elsewhere`]).
    pub fn saved_elsewhere(&self, server_version: u64) {
        self.input(|engine, _now| engine.saved_elsewhere(server_version));
    }

    /// The diagram was (re)loaded at `base_version` (see [`AutoSaveEngine::reset`]).
    pub fn reset(&self, base_version: u64) {
        self.input(|engine, _now| engine.reset(base_version));
    }

    /// What the decision tree knows about the editor.
    pub fn context(&self) -> EditorContext {
        self.shared.borrow().engine.context().clone()
    }

    /// The status.
    pub fn status(&self) -> AutoSaveStatus {
        self.shared.borrow().engine.status()
    }

    /// The status with the last decision and everything around it.
    pub fn snapshot(&self) -> AutoSaveSnapshot {
        self.shared.borrow().engine.snapshot()
    }

    /// The decision tree's latest decision.
    pub fn last_decision(&self) -> Option<AutoSaveDecision> {
        self.shared.borrow().engine.last_decision().cloned()
    }

    /// Applies an input to the engine, then lets a microtask start what is due, re-arm
    /// the timer and report the status.
    fn input<R>(&self, apply: impl FnOnce(&mut AutoSaveEngine, Millis) -> R) -> R {
        let result = apply(&mut self.shared.borrow_mut().engine, BrowserClock.now());
        queue_pump(&self.shared);
        result
    }
}

impl std::fmt::Debug for AutoSaveDriver {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("AutoSaveDriver")
            .field(
                "engine",
                &self.shared.try_borrow().map(|s| s.engine.snapshot()),
            )
            .finish_non_exhaustive()
    }
}

/// A seed for the engine's retry jitter, from `Math.random()`.
pub fn random_seed() -> u64 {
    (js_sys::Math::random() * 9_007_199_254_740_992.0) as u64
}

fn set_online(shared: &Rc<RefCell<Shared>>, online: bool) {
    let Ok(mut inner) = shared.try_borrow_mut() else {
        // Never dropped: tried again once the current borrow has ended.
        let weak = Rc::downgrade(shared);
        spawn_local(async move {
            if let Some(shared) = weak.upgrade() {
                set_online(&shared, online);
            }
        });
        return;
    };
    inner.browser_online = online;
    inner.apply_online();
    drop(inner);
    queue_pump(shared);
}

/// Runs [`pump`] in a microtask, once however many inputs arrive before it runs.
fn queue_pump(shared: &Rc<RefCell<Shared>>) {
    let Ok(mut inner) = shared.try_borrow_mut() else {
        return;
    };
    if inner.pump_queued {
        return;
    }
    inner.pump_queued = true;
    let weak = Rc::downgrade(shared);
    spawn_local(async move {
        if let Some(shared) = weak.upgrade() {
            pump(&shared);
        }
    });
}

/// Starts the save that is due, re-arms the timer for the next deadline, and reports a
/// changed status.
fn pump(shared: &Rc<RefCell<Shared>>) {
    let started = {
        let Ok(mut inner) = shared.try_borrow_mut() else {
            return;
        };
        inner.pump_queued = false;
        let request = inner.engine.poll(BrowserClock.now());
        request.map(|request| (request, inner.save.clone(), Rc::clone(&inner.cells)))
    };
    if let Some((request, save, cells)) = started {
        start_save(shared, &request, &save, cells.as_ref());
    }
    rearm(shared);
    notify(shared);
}

/// Calls the save callback and, when its answer settles, reports it to the engine.
fn start_save(
    shared: &Rc<RefCell<Shared>>,
    request: &SaveRequest,
    save: &Function,
    cells: &dyn Fn() -> Option<Vec<Value>>,
) {
    let attempt = request.attempt;
    let Some(cells) = cells() else {
        let busy = SaveResult::failed(true, "the diagram's cells could not be read; retrying");
        finish(shared, attempt, busy);
        return;
    };
    let payload = SavePayload {
        diagram_id: &request.diagram_id,
        base_version: request.base_version,
        cells,
        changes_since_base: &request.changes_since_base,
        cause: request.cause,
        attempt,
    };
    // Through JSON text and `JSON.parse`, like the rest of the package: one serializer.
    let called = serde_json::to_string(&payload)
        .ok()
        .and_then(|text| js_sys::JSON::parse(&text).ok())
        .ok_or(())
        .map_err(|()| {
            SaveResult::failed(
                false,
                "the save request could not be converted for JavaScript",
            )
        })
        .and_then(|payload| {
            save.call1(&JsValue::NULL, &payload)
                .map_err(|thrown| SaveResult::callback_threw(&describe(&thrown)))
        });
    match called {
        Err(result) => finish(shared, attempt, result),
        Ok(answer) => {
            let weak = Rc::downgrade(shared);
            spawn_local(async move {
                let result = match JsFuture::from(Promise::resolve(&answer)).await {
                    Ok(value) => read_answer(value),
                    Err(reason) => SaveResult::callback_rejected(&describe(&reason)),
                };
                if let Some(shared) = weak.upgrade() {
                    finish(&shared, attempt, result);
                }
            });
        }
    }
}

/// Reports a save's result, then lets a microtask start a follow-up or report the status.
fn finish(shared: &Rc<RefCell<Shared>>, attempt: u64, result: SaveResult) {
    let Ok(mut inner) = shared.try_borrow_mut() else {
        // A save's answer is never dropped: reported once the current borrow has ended.
        let weak = Rc::downgrade(shared);
        spawn_local(async move {
            if let Some(shared) = weak.upgrade() {
                finish(&shared, attempt, result);
            }
        });
        return;
    };
    let saved = match result {
        SaveResult::Saved { version } => Some(version),
        _ => None,
    };
    let accepted = inner
        .engine
        .on_save_result(attempt, result, BrowserClock.now());
    let on_saved = inner.on_saved.clone().filter(|_| accepted);
    drop(inner);
    if let (Some(on_saved), Some(version)) = (on_saved, saved) {
        on_saved(version);
    }
    queue_pump(shared);
}

/// Converts the callback's settled answer: plain data is read by
/// [`SaveResult::from_answer`]; `undefined` and values that are not plain data fail.
fn read_answer(value: JsValue) -> SaveResult {
    if value.is_undefined() {
        return SaveResult::no_answer();
    }
    // Through JSON text, like every value the package reads: cycles, BigInts and deep
    // nesting fail here instead of recursing.
    let answer = js_sys::JSON::stringify(&value)
        .ok()
        .and_then(|text| text.as_string())
        .ok_or_else(|| "it cannot be written as JSON".to_owned())
        .and_then(|text| serde_json::from_str::<Value>(&text).map_err(|error| error.to_string()));
    match answer {
        Ok(answer) => SaveResult::from_answer(&answer),
        Err(error) => SaveResult::failed(
            false,
            format!("the save callback answered a value that is not plain data: {error}"),
        ),
    }
}

/// Arms one timer for the engine's next deadline, replacing the previous one if the
/// deadline moved. The timer only queues a pump, so the timer is never dropped while its
/// own callback runs.
fn rearm(shared: &Rc<RefCell<Shared>>) {
    let Ok(mut inner) = shared.try_borrow_mut() else {
        return;
    };
    let deadline = inner.engine.next_deadline();
    if deadline == inner.armed_for {
        return;
    }
    inner.armed_for = deadline;
    inner.timer = deadline.map(|at| {
        let delay = (at - BrowserClock.now()).clamp(0.0, MAX_TIMEOUT_MS).ceil() as u32;
        let weak: Weak<RefCell<Shared>> = Rc::downgrade(shared);
        Timeout::new(delay, move || {
            if let Some(shared) = weak.upgrade() {
                if let Ok(mut inner) = shared.try_borrow_mut() {
                    inner.armed_for = None; // fired: the next pump arms a new one
                }
                queue_pump(&shared);
            }
        })
    });
}

/// Calls the owner's status callback if the status changed since the last call.
fn notify(shared: &Rc<RefCell<Shared>>) {
    let changed = {
        let Ok(mut inner) = shared.try_borrow_mut() else {
            return;
        };
        let status = inner.engine.status();
        if inner.last_status.as_ref() == Some(&status) {
            return;
        }
        inner.last_status = Some(status.clone());
        (Rc::clone(&inner.on_status), status)
    };
    let (on_status, status) = changed;
    on_status(&status);
}

/// A thrown or rejected JavaScript value, as text: `Name: message` for errors.
fn describe(value: &JsValue) -> String {
    if let Some(error) = value.dyn_ref::<js_sys::Error>() {
        return format!(
            "{}: {}",
            String::from(error.name()),
            String::from(error.message())
        );
    }
    if let Some(text) = value.as_string() {
        return text;
    }
    js_sys::JSON::stringify(value)
        .ok()
        .and_then(|json| json.as_string())
        .unwrap_or_else(|| format!("{value:?}"))
}
