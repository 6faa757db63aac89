//! Undo and redo: safe steps that never overwrite what someone else changed since.

use super::diagram_state::DiagramState;
use super::error::StateError;
use super::guarded::{apply_guarded, Guarded};
use super::outcome::{Step, StepAction, StepOutcome};
use crate::core::history::{HistoryEntry, HistoryError};
use crate::core::model::Change;

impl DiagramState {
    /// Undoes the latest entry: applies its inverse to the diagram and returns the changes
    /// for the editor to apply to X6 with origin `history`.
    ///
    /// Safe undo: a change whose target no longer holds what the entry left there (another
    /// tab or a collaborator changed it since) is skipped and reported; the rest is applied.
    /// What was applied can be redone; when every change is skipped the entry is dropped
    /// and there is nothing to redo. While collaborating, returns a server request instead.
    /// Fails with `BATCH_OPEN` while a batch is open.
    pub fn undo(&mut self) -> Result<StepOutcome, StateError> {
        self.step(StepAction::Undo)
    }

    /// Redoes the latest undone entry, with the same safety as [`DiagramState::undo`].
    pub fn redo(&mut self) -> Result<StepOutcome, StateError> {
        self.step(StepAction::Redo)
    }

    fn step(&mut self, action: StepAction) -> Result<StepOutcome, StateError> {
        if self.history.batch_depth() > 0 {
            return Err(HistoryError::BatchOpen.into());
        }
        let step = if self.history.is_collaborating() {
            Step::ServerRequest { action }
        } else {
            let entry = match action {
                StepAction::Undo => self.history.take_undo(),
                StepAction::Redo => self.history.take_redo(),
            };
            match entry {
                None => Step::Empty,
                Some(entry) => self.apply_entry(entry, action),
            }
        };
        Ok(StepOutcome {
            step,
            history: self.history.state(),
            version: self.diagram.version(),
        })
    }

    /// Applies an entry backwards (undo) or forwards (redo), keeping on the opposite stack
    /// only the changes that were applied.
    fn apply_entry(&mut self, entry: HistoryEntry, action: StepAction) -> Step {
        let HistoryEntry {
            kind,
            origin,
            timestamp,
            changes,
        } = entry;
        let to_apply: Vec<Change> = match action {
            StepAction::Undo => changes.into_iter().rev().map(Change::inverse).collect(),
            StepAction::Redo => changes,
        };
        let mut applied = Vec::with_capacity(to_apply.len());
        let mut done = Vec::with_capacity(to_apply.len());
        let mut skipped = Vec::new();
        for change in to_apply {
            match apply_guarded(&mut self.diagram, change) {
                Guarded::Applied(change) => {
                    done.push(change.clone());
                    applied.push(change);
                }
                Guarded::Skipped(skip) => skipped.push(skip),
            }
        }
        if !done.is_empty() {
            self.diagram.bump_version();
            match action {
                StepAction::Undo => {
                    let forward = done.into_iter().rev().map(Change::inverse).collect();
                    self.history.push_undone(HistoryEntry {
                        kind,
                        origin,
                        timestamp,
                        changes: forward,
                    });
                }
                StepAction::Redo => {
                    self.history.push_redone(HistoryEntry {
                        kind,
                        origin,
                        timestamp,
                        changes: done,
                    });
                }
            }
        }
        self.history.note_step(kind);
        Step::Applied {
            kind,
            changes: applied,
            skipped,
        }
    }
}
