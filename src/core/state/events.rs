//! Events and change sets coming in: screen, apply, record.

use serde_json::Value;

use super::diagram_state::DiagramState;
use super::error::StateError;
use super::outcome::EventOutcome;
use crate::core::filter::{Decision, Reason, Significance};
use crate::core::history::{HistoryState, NotRecordedReason, Origin, Recording};
use crate::core::model::{
    cell_kind, diff_change_event, CellEvent, CellKind, Change, Diagram, ModelError, SharedCell,
};

impl DiagramState {
    /// Handles one X6 cell event from `origin`. `forced` is the editor's explicit
    /// significance, which beats the filter's rules (a stroke set in a property panel is
    /// semantic).
    ///
    /// The event's visual-only paths are dropped; its semantic changes are applied to the
    /// diagram and recorded per origin (`local` always, `tab`/`remote` with the "record
    /// remote changes" preference). Events with origin `history` are echoes of an undo/redo
    /// the state has already applied: they are ignored. On error nothing changes.
    pub fn handle_event(
        &mut self,
        event: CellEvent,
        origin: Origin,
        forced: Option<Significance>,
    ) -> Result<EventOutcome, StateError> {
        if origin == Origin::History {
            return Ok(self.not_applied(Vec::new(), NotRecordedReason::HistoryOrigin));
        }
        let changes = match event {
            CellEvent::Added { cell } => vec![Change::add(cell)],
            CellEvent::Removed { id } if forced == Some(Significance::Visual) => {
                let decision = Decision {
                    cell_id: id.into(),
                    path: None,
                    significance: Significance::Visual,
                    reason: Reason::Override,
                };
                return Ok(self.not_applied(vec![decision], NotRecordedReason::NoSemanticChange));
            }
            CellEvent::Removed { id } => {
                let cell = self.diagram.cell(&id).ok_or(ModelError::CellNotFound(id))?;
                vec![Change::Remove {
                    cell: SharedCell::clone(cell),
                }]
            }
            CellEvent::Changed { id, key, .. }
                if forced.is_none() && self.filter.excludes_event(&key) =>
            {
                let decision = Decision {
                    cell_id: id.into(),
                    path: Some(key.into()),
                    significance: Significance::Visual,
                    reason: Reason::ExcludedEvent,
                };
                return Ok(self.not_applied(vec![decision], NotRecordedReason::NoSemanticChange));
            }
            CellEvent::Changed {
                id,
                key,
                previous,
                current,
            } => diff_change_event(&id, &key, previous.as_ref(), current.as_ref())
                .map_err(ModelError::from)?,
        };
        self.screen_apply_record(changes, origin, forced)
    }

    /// Handles one property of cell `id` set to `current` (`None`: deleted) at `path`, a
    /// slash path that starts with the property's key (`attrs/text/text`, `position`): what
    /// X6 reports as `options.propertyPath` for `cell.attr()` and `setPropByPath`, or the
    /// key of a `cell:change:<key>` event. The changes are the difference between the
    /// diagram's own value at `path` and `current`, so the editor needs no `previous`
    /// snapshot. Screening, applying and recording are those of
    /// [`DiagramState::handle_event`]; on error nothing changes.
    pub fn handle_property(
        &mut self,
        id: &str,
        path: &str,
        current: Option<Value>,
        origin: Origin,
        forced: Option<Significance>,
    ) -> Result<EventOutcome, StateError> {
        if origin == Origin::History {
            return Ok(self.not_applied(Vec::new(), NotRecordedReason::HistoryOrigin));
        }
        let key = path.split('/').next().unwrap_or(path);
        if forced.is_none() && self.filter.excludes_event(key) {
            let decision = Decision {
                cell_id: id.into(),
                path: Some(key.into()),
                significance: Significance::Visual,
                reason: Reason::ExcludedEvent,
            };
            return Ok(self.not_applied(vec![decision], NotRecordedReason::NoSemanticChange));
        }
        let previous = self.diagram.get(id, path)?;
        let changes =
            diff_change_event(id, path, previous, current.as_ref()).map_err(ModelError::from)?;
        self.screen_apply_record(changes, origin, forced)
    }

    /// Applies changes that arrive already computed (another tab, a collaborator, a pulled
    /// server copy), all or nothing. Visual-only updates are dropped; the rest is recorded
    /// per origin as in [`DiagramState::handle_event`].
    pub fn apply_changes(
        &mut self,
        changes: Vec<Change>,
        origin: Origin,
    ) -> Result<EventOutcome, StateError> {
        if origin == Origin::History {
            return Ok(self.not_applied(Vec::new(), NotRecordedReason::HistoryOrigin));
        }
        self.screen_apply_record(changes, origin, None)
    }

    /// Opens an atomic batch (X6 `batch:start`). Batches nest; everything recorded until
    /// the outermost end becomes one entry.
    pub fn begin_batch(&mut self) -> HistoryState {
        self.history.begin_batch();
        self.history.state()
    }

    /// Closes a batch (X6 `batch:stop`). Fails with `UNBALANCED_BATCH_END` when none is open.
    pub fn end_batch(&mut self) -> Result<Recording, StateError> {
        let now = self.clock.now();
        let kind_of = cell_kinds(&self.diagram);
        Ok(self.history.end_batch(now, &kind_of)?)
    }

    fn screen_apply_record(
        &mut self,
        changes: Vec<Change>,
        origin: Origin,
        forced: Option<Significance>,
    ) -> Result<EventOutcome, StateError> {
        let screened = self.filter.screen_changes(changes, forced);
        let applied = self.diagram.apply_all(screened.kept)?;
        let now = self.clock.now();
        let kind_of = cell_kinds(&self.diagram);
        let recording = self.history.record(&applied, origin, now, &kind_of);
        Ok(EventOutcome {
            applied,
            decisions: screened.decisions,
            recording,
            history: self.history.state(),
            version: self.diagram.version(),
        })
    }

    fn not_applied(&self, decisions: Vec<Decision>, reason: NotRecordedReason) -> EventOutcome {
        EventOutcome {
            applied: Vec::new(),
            decisions,
            recording: Recording::NotRecorded { reason },
            history: self.history.state(),
            version: self.diagram.version(),
        }
    }
}

/// Looks up whether a cell of `diagram` is a node or an edge, for operation kinds.
fn cell_kinds(diagram: &Diagram) -> impl Fn(&str) -> Option<CellKind> + '_ {
    |id| diagram.cell(id).map(|cell| cell_kind(cell))
}
