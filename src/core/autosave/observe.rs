//! What the editor can observe: the status and a full snapshot.

use super::engine::AutoSaveEngine;
use super::status::{AutoSaveSnapshot, AutoSaveStatus};

impl AutoSaveEngine {
    /// The status: `saving` while a save is in flight; else `conflict` while a conflict
    /// waits for its resolution; else `error` after a failed save (until one succeeds);
    /// else `dirty` with unsaved changes; else `saved` after a save; else `idle`.
    pub fn status(&self) -> AutoSaveStatus {
        if self.in_flight.is_some() {
            return AutoSaveStatus::Saving;
        }
        if let Some(conflict) = self.conflict.as_ref().filter(|c| !c.cancelled) {
            return AutoSaveStatus::Conflict {
                server_version: conflict.server_version,
            };
        }
        if let Some(failure) = &self.failure {
            return AutoSaveStatus::Error {
                attempt: failure.failures,
                next_retry_at: failure.next_retry_at,
                retryable: failure.retryable,
                message: failure.message.clone(),
            };
        }
        if self.is_dirty() {
            return AutoSaveStatus::Dirty;
        }
        match self.last_saved {
            Some((at, version)) => AutoSaveStatus::Saved { at, version },
            None => AutoSaveStatus::Idle,
        }
    }

    /// Whether auto-save is paused until a resolution or a manual save: an open or
    /// cancelled conflict, or a non-retryable failure.
    pub fn is_paused(&self) -> bool {
        let stopped = self
            .failure
            .as_ref()
            .is_some_and(|failure| failure.next_retry_at.is_none());
        self.conflict.is_some() || stopped
    }

    /// Whether a conflict waits, dismissed with `cancel` ("decide later"): the next manual
    /// save resolves it.
    pub fn has_deferred_conflict(&self) -> bool {
        self.conflict
            .as_ref()
            .is_some_and(|conflict| conflict.cancelled)
    }

    /// The status with everything around it, for display.
    pub fn snapshot(&self) -> AutoSaveSnapshot {
        AutoSaveSnapshot {
            status: self.status(),
            last_decision: self.last_decision.clone(),
            online: self.online,
            paused: self.is_paused(),
            base_version: self.base_version,
            pending_changes: self.pending.as_slice().len(),
            next_save_at: match (&self.in_flight, self.online) {
                (None, true) => self.due().map(|(at, _)| at),
                _ => None,
            },
        }
    }
}
