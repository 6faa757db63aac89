//! Editing: X6 events in, batches, changes from elsewhere, undo and redo.

use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

use super::DiagramStateJs;
use crate::bindings::convert::{
    from_js, from_js_object, required_string, static_name, to_js, value_from_js, Object,
};
use crate::bindings::error::to_js_error;
use crate::core::autosave::AutoSaveDecision;
use crate::core::filter::{Reason, Significance};
use crate::core::history::{HistoryState, OperationKind, Origin, Recording};
use crate::core::model::{CellEvent, Change};
use crate::core::state::{EventOutcome, Step, StepOutcome};

/// The optional second argument of `handleEvent`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct EventOptions {
    /// Who made the change, default `local`.
    origin: Option<Origin>,
    /// The editor's explicit verdict, which beats the filter's rules.
    significance: Option<Significance>,
}

/// The payload of a `decision` event: the event's outcome and auto-save's decision.
#[derive(Serialize)]
struct DecisionEvent<'a> {
    #[serde(flatten)]
    outcome: &'a EventOutcome,
    /// `null` without auto-save.
    autosave: Option<AutoSaveDecision>,
}

/// The operation kind of what the history just recorded, if it made or grew an entry.
fn recorded_kind(recording: &Recording) -> Option<OperationKind> {
    match recording {
        Recording::Entry { kind } | Recording::Merged { kind } => Some(*kind),
        Recording::Batched | Recording::NotRecorded { .. } => None,
    }
}

fn origin_name(origin: Origin) -> &'static str {
    match origin {
        Origin::Local => "local",
        Origin::Tab => "tab",
        Origin::Remote => "remote",
        Origin::History => "history",
    }
}

#[wasm_bindgen(js_class = DiagramState)]
impl DiagramStateJs {
    /// Reports one X6 cell event: `{ type: 'added', cell }`, `{ type: 'removed', id }` or
    /// `{ type: 'changed', id, key, previous?, current? }` (an absent `previous`/`current`
    /// means the property was/becomes missing). `options`: `{ origin?: 'local' | 'tab' |
    /// 'remote', significance?: 'semantic' | 'visual' }` (default origin `local`;
    /// `significance` overrides the visual filter, e.g. for a stroke set in a property panel).
    ///
    /// Visual-only paths are dropped; the rest is applied and recorded. Returns
    /// `{ applied, decisions, recording, history, version }`: `decisions` says, per path,
    /// which rule (if any) made it visual.
    ///
    /// ```js
    /// state.handleEvent({ type: 'changed', id: 'n1', key: 'attrs',
    ///   previous: { body: { fill: '#fff' } }, current: { body: { fill: '#f00' } } });
    /// ```
    #[wasm_bindgen(js_name = handleEvent, unchecked_return_type = "EventOutcome")]
    pub fn handle_event(
        &self,
        #[wasm_bindgen(unchecked_param_type = "CellEvent")] event: JsValue,
        #[wasm_bindgen(unchecked_param_type = "EventOptions | undefined")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let event: CellEvent = from_js_object(&event, "event")?;
        let options: EventOptions = if options.is_undefined() || options.is_null() {
            EventOptions::default()
        } else {
            from_js_object(&options, "options")?
        };
        let origin = options.origin.unwrap_or(Origin::Local);
        let (outcome, before) = {
            let mut session = self.inner.session()?;
            let before = session.core.history_state();
            let outcome = session
                .core
                .handle_event(event, origin, options.significance)
                .map_err(to_js_error)?;
            (outcome, before)
        };
        let outcome = self.after_event(outcome, before, origin);
        Ok(to_js(&outcome))
    }

    /// Reports that cell `id`'s property at `path` became `value` (`undefined`: deleted): the
    /// fast form of a `changed` event, for editors that know which leaf changed. `path` is a
    /// slash path starting with the property's key — X6 gives it as `options.propertyPath`
    /// for `cell.attr('text/text', …)` and `setPropByPath` (`attrs/text/text`) — or a whole
    /// key (`position`). The state diffs `value` against its own copy, so no `previous` is
    /// needed. `significance` overrides the visual filter as in `handleEvent`. Returns
    /// nothing; listen to `decision` for the filter's verdicts. Origin is `local`.
    ///
    /// ```js
    /// graph.on('cell:change:*', ({ cell, options }) => options.propertyPath &&
    ///   state.handleProperty(cell.id, options.propertyPath, cell.getPropByPath(options.propertyPath)));
    /// ```
    #[wasm_bindgen(js_name = handleProperty)]
    pub fn handle_property(
        &self,
        id: JsValue,
        path: JsValue,
        value: JsValue,
        #[wasm_bindgen(unchecked_param_type = "'semantic' | 'visual' | undefined")]
        significance: JsValue,
    ) -> Result<(), JsValue> {
        let id = required_string(&id, "id")?;
        let path = required_string(&path, "path")?;
        let value = value_from_js(&value, "value")?;
        let significance = if significance.is_undefined() || significance.is_null() {
            None
        } else {
            Some(from_js(&significance, "significance")?)
        };
        let (outcome, before) = {
            let mut session = self.inner.session()?;
            let before = session.core.history_state();
            let outcome = session
                .core
                .handle_property(&id, &path, value, Origin::Local, significance)
                .map_err(to_js_error)?;
            (outcome, before)
        };
        self.after_event(outcome, before, Origin::Local);
        Ok(())
    }

    /// Applies changes computed elsewhere (a collaborator's, a pulled server copy), all or
    /// nothing: `[{ type: 'add', cell } | { type: 'remove', cell } | { type: 'update', id,
    /// path, before?, after? }]`. `origin` is `'remote'` (default) or `'tab'`; they are
    /// undoable only with `recordRemoteChanges`. Returns the same outcome as `handleEvent`.
    #[wasm_bindgen(js_name = applyChanges, unchecked_return_type = "EventOutcome")]
    pub fn apply_changes(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Change[]")] changes: JsValue,
        #[wasm_bindgen(unchecked_param_type = "'remote' | 'tab' | undefined")] origin: JsValue,
    ) -> Result<JsValue, JsValue> {
        let changes: Vec<Object<Change>> = from_js(&changes, "changes")?;
        let changes: Vec<Change> = changes.into_iter().map(|change| change.0).collect();
        let origin: Origin = if origin.is_undefined() || origin.is_null() {
            Origin::Remote
        } else {
            from_js(&origin, "origin")?
        };
        let (outcome, before) = {
            let mut session = self.inner.session()?;
            let before = session.core.history_state();
            let outcome = session
                .core
                .apply_changes(changes, origin)
                .map_err(to_js_error)?;
            (outcome, before)
        };
        if origin == Origin::Tab {
            // Another tab's edit is not on the server yet either; a collaborator's is.
            self.inner
                .trigger_autosave(&outcome.applied, recorded_kind(&outcome.recording));
        }
        self.inner.after_local_change(&outcome.applied);
        self.inner
            .announce_changes(origin_name(origin), &outcome.applied, outcome.version);
        self.inner.announce_history(before, outcome.history);
        Ok(to_js(&outcome))
    }

    /// Opens an atomic batch (X6 `batch:start`): everything recorded until the outermost
    /// `endBatch()` becomes one undo entry. Batches nest. Returns the history state.
    #[wasm_bindgen(js_name = beginBatch, unchecked_return_type = "HistoryState")]
    pub fn begin_batch(&self) -> Result<JsValue, JsValue> {
        let (before, after) = {
            let mut session = self.inner.session()?;
            let before = session.core.history_state();
            (before, session.core.begin_batch())
        };
        self.inner.announce_history(before, after);
        Ok(to_js(&after))
    }

    /// Closes a batch (X6 `batch:stop`) and returns what the history did:
    /// `{ type: 'entry', kind }`, `{ type: 'batched' }` (an outer batch is still open) or
    /// `{ type: 'notRecorded', reason: 'emptyBatch' }`. Throws `UNBALANCED_BATCH_END` when
    /// no batch is open.
    #[wasm_bindgen(js_name = endBatch, unchecked_return_type = "Recording")]
    pub fn end_batch(&self) -> Result<JsValue, JsValue> {
        let (recording, before, after) = {
            let mut session = self.inner.session()?;
            let before = session.core.history_state();
            let recording = session.core.end_batch().map_err(to_js_error)?;
            (recording, before, session.core.history_state())
        };
        self.inner.announce_history(before, after);
        Ok(to_js(&recording))
    }

    /// Undoes the latest entry and returns what the step was: `'applied'` (the diagram
    /// changed; `change` listeners get the changes with origin `history`, and the X6
    /// adapter applies them to the graph), `'empty'` (nothing to undo) or, while
    /// collaborating, `'serverRequest'` (send `{ action: 'undo' }` to the collaboration
    /// server). The whole outcome — the changes, the changes skipped and why, the history
    /// state and the version — is `lastStep`, built only when read.
    ///
    /// Safe undo: a path another tab or a collaborator changed since is not overwritten;
    /// it is listed in `lastStep.step.skipped` with the value it holds now. Throws
    /// `BATCH_OPEN` inside a batch.
    #[wasm_bindgen(unchecked_return_type = "StepType")]
    pub fn undo(&self) -> Result<JsValue, JsValue> {
        self.step(true)
    }

    /// Redoes the latest undone entry; the same result (and `lastStep`) and safety as
    /// `undo()`.
    #[wasm_bindgen(unchecked_return_type = "StepType")]
    pub fn redo(&self) -> Result<JsValue, JsValue> {
        self.step(false)
    }

    /// What the latest `undo()` or `redo()` did, `{ step, history, version }` (`step`:
    /// `{ type: 'applied', kind, changes, skipped }`, `{ type: 'empty' }` or `{ type:
    /// 'serverRequest', action }`), or `null` before the first one.
    #[wasm_bindgen(getter, js_name = lastStep, unchecked_return_type = "StepOutcome | null")]
    pub fn last_step(&self) -> Result<JsValue, JsValue> {
        self.inner.session()?;
        Ok(self
            .last_step
            .borrow()
            .as_ref()
            .map_or(JsValue::NULL, to_js))
    }
}

impl DiagramStateJs {
    /// What follows an event the state handled: auto-save's decision, the `decision`
    /// event, the store, the `change` and `history` events. Returns the outcome.
    fn after_event(
        &self,
        outcome: EventOutcome,
        before: HistoryState,
        origin: Origin,
    ) -> EventOutcome {
        // An event excluded whole (`cell:change:tools`) is no change to the diagram at all:
        // it does not go through auto-save's decision tree.
        let excluded = !outcome.decisions.is_empty()
            && outcome
                .decisions
                .iter()
                .all(|decision| decision.reason == Reason::ExcludedEvent);
        let autosave = if excluded {
            None
        } else {
            self.inner
                .trigger_autosave(&outcome.applied, recorded_kind(&outcome.recording))
        };
        if self.inner.emitter.has_listeners("decision") {
            let payload = DecisionEvent {
                outcome: &outcome,
                autosave,
            };
            self.inner.emitter.emit("decision", &payload);
        }
        self.inner.after_local_change(&outcome.applied);
        self.inner.announce_reported_changes(
            origin_name(origin),
            &outcome.applied,
            outcome.version,
        );
        self.inner.announce_history(before, outcome.history);
        outcome
    }

    fn step(&self, undo: bool) -> Result<JsValue, JsValue> {
        let (outcome, before): (StepOutcome, _) = {
            let mut session = self.inner.session()?;
            let before = session.core.history_state();
            let outcome = if undo {
                session.core.undo()
            } else {
                session.core.redo()
            };
            (outcome.map_err(to_js_error)?, before)
        };
        let (changes, kind) = match &outcome.step {
            Step::Applied { changes, kind, .. } => (changes.as_slice(), Some(*kind)),
            Step::Empty | Step::ServerRequest { .. } => (&[][..], None),
        };
        if !changes.is_empty() {
            self.inner.after_local_change(changes);
            self.inner.trigger_autosave(changes, kind);
        }
        self.inner
            .announce_changes("history", changes, outcome.version);
        self.inner.announce_history(before, outcome.history);
        let step_type = match outcome.step {
            Step::Applied { .. } => "applied",
            Step::Empty => "empty",
            Step::ServerRequest { .. } => "serverRequest",
        };
        self.last_step.replace(Some(outcome));
        Ok(static_name(step_type))
    }
}
