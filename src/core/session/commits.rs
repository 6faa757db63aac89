//! The commit steps of [`SessionEngine`]: what to commit next, and what each answer of the
//! store means (landed, stale, out of step, failed and retried later).

use super::announce::{Problem, ProblemKind, StoreProblem};
use super::engine::SessionEngine;
use crate::core::autosave::backoff_ceiling;
use crate::core::model::Change;
use crate::core::storage::{Commit, Committed};
use crate::core::sync::Action;

/// The wait before the first retry of a failed commit; it doubles with every failure.
const FIRST_RETRY_DELAY_MS: f64 = 2_000.0;

/// The longest wait before retrying a failed commit (quota, a transient error).
const MAX_RETRY_DELAY_MS: f64 = 30_000.0;

impl SessionEngine {
    /// Queues a local change set (an edit, an undo, a redo, as applied) for the store.
    /// Returns whether there is a store to commit it to.
    pub fn record_local(&mut self, changes: Vec<Change>) -> bool {
        let Some(tabs) = self.tabs() else {
            return false;
        };
        tabs.sync.record_local(changes);
        true
    }

    /// The next commit to make: every pending change on top of the committed version, or
    /// `None` when there is nothing to commit or a commit is in flight.
    pub fn next_commit(&mut self) -> Option<Commit> {
        let diagram_id = self.diagram_id.clone();
        let sync = &mut self.tabs()?.sync;
        let request = sync.next_commit()?;
        let commit = Commit::new(
            &diagram_id,
            request.base,
            &sync.config().tab_id,
            request.changes,
        );
        Some(commit.overriding(request.overrides))
    }

    /// The store committed the commit in flight: returns the message to post, or the
    /// problem when the answer does not match the request (a resync then follows the
    /// commit loop).
    pub fn commit_landed(&mut self, committed: &Committed) -> Result<Option<String>, Problem> {
        let Some(tabs) = self.tabs() else {
            return Ok(None);
        };
        tabs.failures = 0;
        tabs.error = None;
        tabs.sync
            .on_commit_ok(committed.version, committed.hash)
            .map_err(|error| {
                tabs.resync_wanted = true;
                Problem::new(ProblemKind::CommitAnswer, &error)
            })
    }

    /// The store refused the commit as `STALE_VERSION` (it holds `stored`): what to do to
    /// rebase the pending changes before committing again. A resync wanted meanwhile is
    /// covered by that.
    pub fn commit_stale(&mut self, stored: u64) -> Vec<Action> {
        let Some(tabs) = self.tabs() else {
            return Vec::new();
        };
        tabs.resync_wanted = false;
        tabs.sync.on_stale(stored)
    }

    /// The store refused the commit as `OUT_OF_STEP`: this tab holds something the store
    /// does not. The answer reloads the diagram, keeping the pending changes (rebased on
    /// what is stored), to commit again.
    pub fn commit_out_of_step(&mut self) -> Vec<Action> {
        self.tabs()
            .map_or_else(Vec::new, |tabs| tabs.sync.on_out_of_step())
    }

    /// The commit failed with `problem` (nothing was written): the pending changes stay
    /// and the status shows why. Returns how many milliseconds to wait before trying again
    /// when the failure may pass: 2 s, doubling up to 30 s.
    pub fn commit_failed(&mut self, problem: StoreProblem) -> Option<u32> {
        let tabs = self.tabs()?;
        tabs.sync.on_commit_failed();
        let retryable = problem.retryable;
        tabs.error = Some(problem);
        if !retryable {
            return None;
        }
        tabs.failures = tabs.failures.saturating_add(1);
        let delay = backoff_ceiling(FIRST_RETRY_DELAY_MS, MAX_RETRY_DELAY_MS, tabs.failures);
        Some(delay as u32)
    }

    /// Whether a resync was asked for while a commit was in flight (it is then due, and no
    /// longer wanted).
    pub fn take_wanted_resync(&mut self) -> bool {
        self.tabs()
            .is_some_and(|tabs| std::mem::take(&mut tabs.resync_wanted))
    }

    /// A resync is asked for: returns whether it must wait for the commit in flight (it is
    /// then remembered, and runs when the commit settles).
    pub fn defer_resync(&mut self) -> bool {
        let Some(tabs) = self.tabs() else {
            return false;
        };
        let committing = tabs.sync.status().committing;
        if committing {
            tabs.resync_wanted = true;
        }
        committing
    }
}
