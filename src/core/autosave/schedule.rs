//! When the next save starts: debounce, max wait, retries, forced saves, and the one
//! save in flight.

use super::decision::readiness;
use super::engine::{AutoSaveEngine, InFlight};
use super::save::{SaveCause, SaveRequest, SaveResult};
use crate::core::clock::Millis;

impl AutoSaveEngine {
    /// When the driver should call [`poll`](Self::poll) next, if nothing else happens
    /// first: a save's due time, a retry's time, or the save timeout of the save in
    /// flight. `None` when nothing is scheduled or nothing can start (offline, paused,
    /// editor not ready). Once passed, a poll at that time always acts, so a timer armed
    /// for it never spins.
    pub fn next_deadline(&self) -> Option<Millis> {
        if let Some(flight) = &self.in_flight {
            return self
                .config
                .save_timeout
                .map(|timeout| flight.started_at + timeout);
        }
        if !self.online {
            return None;
        }
        self.due().map(|(at, _)| at)
    }

    /// Starts the save that is due at `now`, if any: the caller sends it with the editor's
    /// save callback and reports the answer with [`on_save_result`](Self::on_save_result).
    /// A save in flight longer than the save timeout fails (retryable) first.
    pub fn poll(&mut self, now: Millis) -> Option<SaveRequest> {
        self.expire_in_flight(now);
        if self.in_flight.is_some() || !self.online {
            return None;
        }
        let (due, cause) = self.due()?;
        if now < due {
            return None;
        }
        let diagram_id = readiness(&self.context).ok()?.to_owned();
        let attempt = self.next_attempt;
        self.next_attempt += 1;
        self.in_flight = Some(InFlight {
            attempt,
            edits: self.edits,
            started_at: now,
        });
        self.wanted = None;
        self.forced = None;
        Some(SaveRequest {
            attempt,
            diagram_id,
            base_version: self.base_version,
            changes_since_base: self.pending.send(),
            cause,
        })
    }

    /// When the next save may start and why, ignoring the save in flight and being
    /// offline; `None` when none is scheduled or auto-save is paused or not ready.
    pub(super) fn due(&self) -> Option<(Millis, SaveCause)> {
        let open_conflict = self.conflict.as_ref().is_some_and(|c| !c.cancelled);
        if open_conflict || readiness(&self.context).is_err() {
            return None;
        }
        if let Some(forced) = self.forced {
            return Some((forced.at, forced.cause));
        }
        if self.conflict.is_some() {
            return None; // cancelled: paused until a resolution or a manual save
        }
        if let Some(failure) = &self.failure {
            // Not retryable: stopped until a manual save.
            return failure.next_retry_at.map(|at| (at, SaveCause::Retry));
        }
        let wanted = self.wanted?;
        let debounced = wanted.last_at + self.config.debounce;
        let capped = wanted.first_at + self.config.max_wait;
        Some(if capped < debounced {
            (capped, SaveCause::MaxWait)
        } else {
            (debounced, SaveCause::Debounce)
        })
    }

    /// Fails the save in flight if it has outlived the save timeout.
    fn expire_in_flight(&mut self, now: Millis) {
        let (Some(flight), Some(timeout)) = (self.in_flight, self.config.save_timeout) else {
            return;
        };
        if now >= flight.started_at + timeout {
            let message = format!("the save callback did not answer within {timeout} ms");
            self.on_save_result(flight.attempt, SaveResult::failed(true, message), now);
        }
    }
}
