//! What comes back: save answers and conflict resolutions.

use super::backoff::retry_delay;
use super::conflict::{ConflictResolution, OpenConflict, ResolutionOutcome};
use super::engine::{AutoSaveEngine, Failure, Forced};
use super::error::AutoSaveError;
use super::save::{SaveCause, SaveResult};
use crate::core::clock::Millis;

impl AutoSaveEngine {
    /// Reports the answer to save `attempt`, received at `now`. Returns `false` (and
    /// changes nothing) for an attempt that is not the save in flight: a late answer after
    /// a timeout or a reset.
    ///
    /// - `saved`: the base becomes `version`; the saved changes leave the pending ones, and
    ///   the status is `saved` unless something changed meanwhile (then it stays `dirty`
    ///   and one follow-up save is scheduled);
    /// - `conflict`: auto-save pauses until [`resolve_conflict`](Self::resolve_conflict);
    /// - `failed`: retryable failures retry with exponential backoff and jitter;
    ///   non-retryable ones stop auto-save until a manual save.
    pub fn on_save_result(&mut self, attempt: u64, result: SaveResult, now: Millis) -> bool {
        match self.in_flight {
            Some(flight) if flight.attempt == attempt => {}
            _ => return false,
        }
        let Some(flight) = self.in_flight.take() else {
            return false;
        };
        match result {
            SaveResult::Saved { version } => {
                self.pending.saved();
                self.base_version = version;
                self.saved_edits = flight.edits;
                self.last_saved = Some((now, version));
                self.failure = None;
            }
            SaveResult::Conflict {
                server_version,
                server_cells,
            } => {
                self.pending.unsent();
                self.conflict = Some(OpenConflict {
                    server_version,
                    server_cells,
                    cancelled: false,
                });
                self.failure = None;
                self.forced = None;
            }
            SaveResult::Failed { retryable, message } => {
                self.pending.unsent();
                let failures = self
                    .failure
                    .as_ref()
                    .map_or(0, |failure| failure.failures)
                    .saturating_add(1);
                let next_retry_at = retryable
                    .then(|| now + retry_delay(&self.config, failures, self.jitter.next_unit()));
                self.failure = Some(Failure {
                    failures,
                    next_retry_at,
                    retryable,
                    message,
                });
            }
        }
        true
    }

    /// Resolves the open (or cancelled) conflict at `now`:
    ///
    /// - `refresh`: the base becomes the server's version and the pending changes are set
    ///   aside and returned; load the server's cells into the editor;
    /// - `overwrite`: the base becomes the server's version and a save starts at the next
    ///   poll (merge the server's cells under the unsaved changes first, see
    ///   [`ResolutionOutcome::Overwrite`]);
    /// - `cancel`: the changes stay unsaved and auto-save stays paused until another
    ///   resolution or a manual save.
    ///
    /// Fails with `NO_CONFLICT` when there is none.
    pub fn resolve_conflict(
        &mut self,
        resolution: ConflictResolution,
        now: Millis,
    ) -> Result<ResolutionOutcome, AutoSaveError> {
        let conflict = self.conflict.take().ok_or(AutoSaveError::NoConflict)?;
        Ok(match resolution {
            ConflictResolution::Refresh => {
                self.base_version = conflict.server_version;
                self.saved_edits = self.edits;
                self.wanted = None;
                self.forced = None;
                self.failure = None;
                self.last_saved = None;
                ResolutionOutcome::Refresh {
                    server_version: conflict.server_version,
                    server_cells: conflict.server_cells,
                    set_aside: self.pending.take_all(),
                }
            }
            ConflictResolution::Overwrite => {
                self.base_version = conflict.server_version;
                self.forced = Some(Forced {
                    cause: SaveCause::Overwrite,
                    at: now,
                });
                self.failure = None;
                ResolutionOutcome::Overwrite {
                    base_version: conflict.server_version,
                    server_cells: conflict.server_cells,
                    unsaved: self.pending.as_slice().to_vec(),
                }
            }
            ConflictResolution::Cancel => {
                self.conflict = Some(OpenConflict {
                    cancelled: true,
                    ..conflict
                });
                ResolutionOutcome::Cancel
            }
        })
    }
}
