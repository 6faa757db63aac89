//! [`Driver`]: runs a [`SessionEngine`] against its ports. It never holds a borrow of the
//! engine across an `.await` nor while it announces (listeners call back in); work that
//! finds the engine in use waits in a queue and is done, in order, as soon as it is free.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::{Rc, Weak};

use super::announce::{Announcement, Problem, ProblemKind, StoreProblem};
use super::engine::SessionEngine;
use super::ports::{Ports, Task};
use crate::core::model::Change;
use crate::core::storage::DiagramStore;
use crate::core::sync::Action;

/// The engine as the binding and the driver's tasks share it; `None` once disposed.
pub type SharedEngine = Rc<RefCell<Option<SessionEngine>>>;

/// Work on the engine, to do when it is free.
type Deferred<S> = Box<dyn FnOnce(&Rc<Driver<S>>)>;

/// Drives the cross-tab sync of one open diagram kept in store `S`: commits local changes
/// (rebasing, reloading, retrying with backoff), follows the other tabs' messages, hands
/// over what it has not committed when it goes away, and tells the editor through the
/// sink. Tasks hold it weakly: once the binding drops it (or the engine is disposed) they
/// stop.
///
/// Entry points: [`Driver::hello`], [`Driver::record_local`], [`Driver::receive`],
/// [`Driver::tick`], [`Driver::set_leading`], [`Driver::saved`], [`Driver::leave`]; the
/// loops themselves ([`Driver::commit`], [`Driver::run`]) are public for tests that step
/// through them.
pub struct Driver<S> {
    pub(super) engine: SharedEngine,
    pub(super) ports: Ports<S>,
    deferred: RefCell<VecDeque<Deferred<S>>>,
    draining: Cell<bool>,
    /// The generation of the commit retry waiting: a later one replaces it.
    pub(super) retry: Cell<u64>,
}

impl<S: DiagramStore + 'static> Driver<S> {
    /// A driver of `engine` through `ports`.
    pub fn new(engine: SharedEngine, ports: Ports<S>) -> Rc<Self> {
        Rc::new(Self {
            engine,
            ports,
            deferred: RefCell::new(VecDeque::new()),
            draining: Cell::new(false),
            retry: Cell::new(0),
        })
    }

    /// The store.
    pub fn store(&self) -> &Rc<S> {
        &self.ports.store
    }

    /// Runs `work` on the engine if it is free and still there.
    pub fn with_engine<R>(&self, work: impl FnOnce(&mut SessionEngine) -> R) -> Option<R> {
        let mut engine = self.engine.try_borrow_mut().ok()?;
        Some(work(engine.as_mut()?))
    }

    /// Announces this tab (its committed version) to the others: on open, and when the
    /// page becomes visible again.
    pub fn hello(self: &Rc<Self>) {
        self.when_free(|driver| {
            if let Some(Some(hello)) = driver.with_engine(|engine| engine.hello()) {
                driver.post(&hello);
            }
        });
    }

    /// Queues a local change set (an edit, an undo, a redo, as applied) for the store and
    /// starts committing.
    pub fn record_local(self: &Rc<Self>, changes: Vec<Change>) {
        if changes.is_empty() {
            return;
        }
        self.when_free(move |driver| {
            if driver.with_engine(|engine| engine.record_local(changes)) == Some(true) {
                driver.spawn(Box::pin(driver.commit()));
            }
        });
    }

    /// A message from another tab (`None`: one that could not be read as text), received
    /// now.
    pub fn receive(self: &Rc<Self>, text: Option<String>) {
        let now = self.ports.clock.now();
        self.when_free(move |driver| {
            let actions = driver.with_engine(|engine| engine.on_message(text.as_deref(), now));
            if let Some(actions) = actions {
                // A failed reload here is reported; the next commit shows it in the status.
                let run = driver.run(actions);
                driver.spawn(Box::pin(async move {
                    run.await;
                }));
            }
        });
    }

    /// One tick of the session's clock (every [`TICK_INTERVAL`](crate::core::sync::TICK_INTERVAL)
    /// ms): posts the heartbeat when due (without a status change: nothing changed), and
    /// forgets tabs gone silent (then reads the store).
    pub fn tick(self: &Rc<Self>) {
        let now = self.ports.clock.now();
        self.when_free(move |driver| {
            let Some(actions) = driver.with_engine(|engine| engine.tick(now)) else {
                return;
            };
            let mut rest = Vec::new();
            for action in actions {
                match action {
                    Action::Post { message } => driver.post(&message),
                    other => rest.push(other),
                }
            }
            if !rest.is_empty() {
                let run = driver.run(rest);
                driver.spawn(Box::pin(async move {
                    run.await;
                }));
            }
        });
    }

    /// This tab now leads (or no longer leads) the diagram's tabs.
    pub fn set_leading(self: &Rc<Self>, leading: bool) {
        self.when_free(move |driver| {
            if let Some(announcements) = driver.with_engine(|engine| engine.set_leading(leading)) {
                driver.announce(announcements);
            }
        });
    }

    /// This tab saved the diagram to the server as `server_version`, with the changes of
    /// store version `store_version`: records it in the directory entry, then tells the
    /// other tabs (`saved`). A failed write only means a later session saves once more.
    pub fn saved(self: &Rc<Self>, server_version: u64, store_version: u64) {
        let at = self.ports.clock.now();
        self.when_free(move |driver| {
            let Some(saved) =
                driver.with_engine(|engine| engine.saved(at, server_version, store_version))
            else {
                return;
            };
            let task = Rc::clone(driver);
            driver.spawn(Box::pin(async move {
                let diagram_id = task.diagram_id();
                let written = task.ports.store.update_entry(&diagram_id, saved.update);
                if let Err(error) = written.await {
                    task.problem(ProblemKind::RecordSave, &error);
                }
                if let Some(message) = saved.message {
                    task.post(&message);
                }
            }));
        });
    }

    /// Tells the other tabs this one goes away (`pagehide`, dispose): a `handoff` of the
    /// change sets it has not committed, then `bye`, posted at once, so they leave even as
    /// the page closes. The page may come back (the back-forward cache): the sets then stay
    /// pending here too, and committing them twice changes nothing the second time.
    pub fn leave(&self) {
        for message in self
            .with_engine(|engine| engine.leave())
            .unwrap_or_default()
        {
            self.post(&message);
        }
    }

    /// Tells the sink, with no borrow of the engine held.
    pub(super) fn announce(&self, announcements: Vec<Announcement>) {
        for announcement in announcements {
            self.ports.sink.announce(announcement);
        }
    }

    pub(super) fn problem(&self, kind: ProblemKind, error: &impl std::fmt::Display) {
        self.announce(vec![Announcement::Problem(Problem::new(kind, error))]);
    }

    pub(super) fn post(&self, text: &str) {
        self.ports.transport.post(text);
    }

    pub(super) fn spawn(&self, task: Task) {
        self.ports.scheduler.spawn(task);
    }

    pub(super) fn diagram_id(&self) -> String {
        self.with_engine(|engine| engine.diagram_id().to_owned())
            .unwrap_or_default()
    }

    /// Keeps the pending changes after a failed commit, shows why in the status and, when
    /// the failure may pass, tries again later with a growing delay (replacing any retry
    /// still waiting).
    pub(super) fn commit_failed(self: &Rc<Self>, problem: StoreProblem) {
        let delay = self
            .with_engine(|engine| engine.commit_failed(problem))
            .flatten();
        if let Some(delay) = delay {
            let generation = self.retry.get() + 1;
            self.retry.set(generation);
            let sleep = self.ports.scheduler.sleep(delay);
            let weak = Rc::downgrade(self);
            self.spawn(Box::pin(async move {
                sleep.await;
                let Some(driver) = weak.upgrade() else { return };
                if driver.retry.get() == generation {
                    driver.commit().await;
                }
            }));
        }
        self.announce(vec![Announcement::Status]);
    }

    /// Does `work` now if the engine is free, in order after any work still waiting;
    /// otherwise (a listener called back in while it is borrowed) queues it and does it as
    /// soon as the borrow ends, in a task of its own. Nothing is dropped.
    fn when_free(self: &Rc<Self>, work: impl FnOnce(&Rc<Self>) + 'static) {
        let free = self.engine.try_borrow_mut().is_ok();
        if free && self.deferred.borrow().is_empty() {
            work(self);
            return;
        }
        self.deferred.borrow_mut().push_back(Box::new(work));
        if !self.draining.replace(true) {
            self.spawn(Box::pin(drain(Rc::downgrade(self))));
        }
    }
}

/// Does the work that found the engine in use, in order, once it is free again.
async fn drain<S: DiagramStore + 'static>(weak: Weak<Driver<S>>) {
    loop {
        let Some(driver) = weak.upgrade() else { return };
        if driver.engine.try_borrow_mut().is_err() {
            // Still in use (a borrow held across tasks would be a bug): try again later.
            let later = driver.ports.scheduler.sleep(0);
            drop(driver);
            later.await;
            continue;
        }
        let next = driver.deferred.borrow_mut().pop_front();
        match next {
            Some(work) => work(&driver),
            None => {
                driver.draining.set(false);
                return;
            }
        }
    }
}
