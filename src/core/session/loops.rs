//! The driver's two loops: the commit loop (one commit at a time until nothing is
//! pending, rebasing on `STALE_VERSION`, reloading on `OUT_OF_STEP`, retrying later on a
//! retryable failure) and the action runner (what the sync session asked, in order,
//! reading the store where needed).

use std::collections::VecDeque;
use std::future::Future;
use std::rc::{Rc, Weak};

use super::announce::{Announcement, ProblemKind, StoreProblem};
use super::driver::Driver;
use super::engine::SessionEngine;
use crate::core::storage::{DiagramStore, OplogSince, StoreError};
use crate::core::sync::{Action, CommittedSet};

impl<S: DiagramStore + 'static> Driver<S> {
    /// Commits the pending change sets, one commit at a time, until none are left. A
    /// rebase or reload that fails (e.g. `CORRUPT_RECORDS`) is a failed commit too:
    /// committing again at once would only fail the same way, in a loop.
    pub fn commit(self: &Rc<Self>) -> impl Future<Output = ()> + 'static {
        commit_loop(Rc::downgrade(self))
    }

    /// Does what the sync session asked, in order, reading the store where needed, then
    /// announces the status. Returns why a reload of the diagram failed, if one did.
    pub fn run(
        self: &Rc<Self>,
        actions: Vec<Action>,
    ) -> impl Future<Output = Option<StoreProblem>> + 'static {
        run_actions(Rc::downgrade(self), actions)
    }

    /// The op-log records after `after`; `None` when the log no longer covers them or
    /// cannot be read (the answer is then a reload).
    async fn read_oplog(&self, after: u64) -> Option<Vec<CommittedSet>> {
        let diagram_id = self.diagram_id();
        match self.ports.store.oplog_since(&diagram_id, after).await {
            Ok(OplogSince::Records { records }) => {
                Some(records.into_iter().map(CommittedSet::from).collect())
            }
            Ok(OplogSince::NotCovered { .. }) | Err(_) => None,
        }
    }
}

async fn commit_loop<S: DiagramStore + 'static>(weak: Weak<Driver<S>>) {
    loop {
        let Some(driver) = weak.upgrade() else { return };
        let Some(Some(commit)) = driver.with_engine(SessionEngine::next_commit) else {
            return;
        };
        driver.announce(vec![Announcement::Status]);
        let result = driver.ports.store.commit(&commit).await;
        let actions = match result {
            Ok(committed) => {
                match driver.with_engine(|engine| engine.commit_landed(&committed)) {
                    Some(Ok(Some(message))) => driver.post(&message),
                    Some(Ok(None)) | None => {}
                    Some(Err(problem)) => driver.announce(vec![Announcement::Problem(problem)]),
                }
                let resync = driver.with_engine(SessionEngine::take_wanted_resync);
                // Runs the wanted resync, and reports the status either way.
                driver
                    .run(if resync == Some(true) {
                        vec![Action::Resync]
                    } else {
                        Vec::new()
                    })
                    .await;
                continue;
            }
            Err(StoreError::StaleVersion { stored, .. }) => {
                driver.with_engine(|engine| engine.commit_stale(stored))
            }
            Err(error @ StoreError::OutOfStep { .. }) => {
                // This tab holds something the store does not: reload, keeping the pending
                // changes (rebased on what is stored), then commit them again.
                driver.problem(ProblemKind::OutOfStep, &error);
                driver.with_engine(SessionEngine::commit_out_of_step)
            }
            Err(error) => {
                driver.commit_failed(StoreProblem::from(&error));
                return;
            }
        };
        if let Some(problem) = driver.run(actions.unwrap_or_default()).await {
            driver.commit_failed(problem);
            return;
        }
    }
}

async fn run_actions<S: DiagramStore + 'static>(
    weak: Weak<Driver<S>>,
    actions: Vec<Action>,
) -> Option<StoreProblem> {
    let mut failed = None;
    let mut queue: VecDeque<Action> = actions.into();
    while let Some(action) = queue.pop_front() {
        let Some(driver) = weak.upgrade() else {
            return failed;
        };
        match action {
            Action::Ignore { .. } | Action::PeerJoined { .. } | Action::PeerLeft { .. } => {}
            Action::Post { message } => driver.post(&message),
            Action::SavedElsewhere {
                server_version,
                store_version,
            } => {
                let announcements = driver
                    .with_engine(|engine| engine.saved_elsewhere(server_version, store_version));
                driver.announce(announcements.unwrap_or_default());
            }
            Action::Integrate { set } => {
                let Some((announcements, resync)) =
                    driver.with_engine(|engine| engine.integrate(set))
                else {
                    return failed;
                };
                driver.announce(announcements);
                if let Some(resync) = resync {
                    // Done first: what comes after assumes it.
                    queue.push_front(resync);
                }
            }
            Action::RepairGap { after, .. } | Action::CheckStore { after } => {
                let read = driver.read_oplog(after).await;
                let more = driver.with_engine(|engine| engine.oplog_read(read));
                queue.extend(more.unwrap_or_default());
            }
            Action::TakeOver { handoff } => {
                let Some(after) = driver.with_engine(|engine| engine.takeover_from(&handoff))
                else {
                    return failed;
                };
                let read = driver.read_oplog(after).await;
                let more = driver.with_engine(|engine| engine.takeover_read(handoff, read));
                queue.extend(more.unwrap_or_default());
            }
            Action::Claim { handoff } => {
                let diagram_id = driver.diagram_id();
                let claimed = driver
                    .ports
                    .store
                    .claim_handoff(&diagram_id, &handoff.tab_id)
                    .await;
                match claimed {
                    Ok(true) => {
                        let adopted = driver.with_engine(|engine| engine.adopt(handoff));
                        let (announcements, commit) = adopted.unwrap_or_default();
                        driver.announce(announcements);
                        if commit {
                            driver.spawn(Box::pin(driver.commit()));
                        }
                    }
                    Ok(false) => {}
                    Err(error) => driver.problem(ProblemKind::Claim, &error),
                }
            }
            Action::Resync => {
                if driver.with_engine(SessionEngine::defer_resync) != Some(false) {
                    continue;
                }
                let diagram_id = driver.diagram_id();
                let loaded = driver.ports.store.load(&diagram_id).await;
                match loaded.and_then(|loaded| loaded.into_complete()) {
                    Ok(loaded) => {
                        let announcements = driver.with_engine(|engine| {
                            engine.resynced(loaded.version, loaded.head_hash, loaded.cells)
                        });
                        driver.announce(announcements.unwrap_or_default());
                    }
                    Err(error) => {
                        driver.problem(ProblemKind::Reload, &error);
                        failed = Some(StoreProblem::from(&error));
                    }
                }
            }
        }
    }
    if let Some(driver) = weak.upgrade() {
        driver.announce(vec![Announcement::Status]);
    }
    failed
}
