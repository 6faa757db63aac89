//! A tab of a native test: the real session engine and its driver, with the shared
//! store, an outbox as its transport (the test delivers what it posted), a recorder as its
//! sink, and the test's runtime as its scheduler and clock.

use std::cell::{Ref, RefCell, RefMut};
use std::rc::Rc;

use diagram_state::core::history::{HistoryConfig, Origin};
use diagram_state::core::model::Change;
use diagram_state::core::session::{
    Announcement, Driver, Ports, ProblemKind, SessionEngine, SharedEngine, Sink, Transport,
};
use diagram_state::core::state::{DiagramState, Step};
use diagram_state::core::sync::{Action, Conflict, ConflictPolicy, SessionConfig, SyncSession};
use serde_json::Value;

use super::block_on;
use super::runtime::Runtime;
use super::store::{Store, DIAGRAM};

/// What a tab posted, for the test to deliver.
#[derive(Default)]
pub struct Outbox(RefCell<Vec<String>>);

impl Transport for Outbox {
    fn post(&self, text: &str) {
        self.0.borrow_mut().push(text.to_owned());
    }
}

/// What a tab told its editor.
#[derive(Default)]
pub struct Recorder(RefCell<Vec<Announcement>>);

impl Sink for Recorder {
    fn announce(&self, announcement: Announcement) {
        self.0.borrow_mut().push(announcement);
    }
}

pub struct Tab {
    pub engine: SharedEngine,
    pub driver: Rc<Driver<Store>>,
    outbox: Rc<Outbox>,
    heard: Rc<Recorder>,
    pub runtime: Rc<Runtime>,
}

impl Tab {
    pub fn open(id: &str, store: &Rc<Store>, policy: ConflictPolicy) -> Self {
        Self::open_with(id, store, policy, HistoryConfig::default())
    }

    pub fn open_with(
        id: &str,
        store: &Rc<Store>,
        policy: ConflictPolicy,
        config: HistoryConfig,
    ) -> Self {
        let runtime = Runtime::new();
        let mut state = DiagramState::with_settings(|| 0.0, Default::default(), config);
        let loaded = store.load();
        state.load(loaded.cells, loaded.version).unwrap();
        let mut session_config = SessionConfig::new(DIAGRAM, id);
        session_config.policy = policy;
        let sync = SyncSession::new(session_config, loaded.version, loaded.head_hash);
        let engine = SessionEngine::new(DIAGRAM, state, loaded.entry.pushed_version);
        let engine: SharedEngine = Rc::new(RefCell::new(Some(engine.follow_tabs(sync))));
        let outbox = Rc::new(Outbox::default());
        let heard = Rc::new(Recorder::default());
        let ports = Ports {
            store: Rc::clone(store),
            transport: outbox.clone(),
            scheduler: runtime.clone(),
            clock: runtime.clone(),
            sink: heard.clone(),
        };
        let driver = Driver::new(Rc::clone(&engine), ports);
        Self {
            engine,
            driver,
            outbox,
            heard,
            runtime,
        }
    }

    /// The engine.
    pub fn engine(&self) -> RefMut<'_, SessionEngine> {
        RefMut::map(self.engine.borrow_mut(), |engine| engine.as_mut().unwrap())
    }

    /// The sync session.
    pub fn session(&self) -> Ref<'_, SyncSession> {
        Ref::map(self.engine.borrow(), |engine| {
            engine.as_ref().unwrap().sync().unwrap()
        })
    }

    /// The diagram state.
    pub fn state(&self) -> Ref<'_, DiagramState> {
        Ref::map(self.engine.borrow(), |engine| {
            &engine.as_ref().unwrap().core
        })
    }

    /// A local edit, applied at once and committed when the test says so.
    pub fn set(&mut self, id: &str, path: &str, value: Value) {
        self.local(vec![Change::update(id, path, None, Some(value))]);
    }

    pub fn local(&mut self, changes: Vec<Change>) {
        let outcome = self
            .engine()
            .core
            .apply_changes(changes, Origin::Local)
            .unwrap();
        self.engine().record_local(outcome.applied);
    }

    pub fn undo(&mut self) -> Step {
        let outcome = self.engine().core.undo().unwrap();
        if let Step::Applied { changes, .. } = &outcome.step {
            self.engine().record_local(changes.clone());
        }
        outcome.step
    }

    /// An edit as the editor makes it: applied, then handed to the driver, which commits
    /// it at once (in the runtime's next turn).
    pub fn edit(&self, id: &str, path: &str, value: Value) {
        let change = Change::update(id, path, None, Some(value));
        let outcome = self
            .engine()
            .core
            .apply_changes(vec![change], Origin::Local)
            .unwrap();
        self.driver.record_local(outcome.applied);
    }

    /// Starts the engine's commit loop and runs the runtime, whatever the store answers.
    pub fn commit_attempt(&self) {
        self.runtime.spawn_task(self.driver.commit());
        self.runtime.run();
    }

    /// Runs the engine's commit loop until nothing is pending (rebasing on a stale
    /// version, reloading when out of step). Returns whether there was something to
    /// commit; panics when the store refused it.
    pub fn commit(&mut self) -> bool {
        let had = !self.session().pending().is_empty();
        self.commit_attempt();
        let error = self.engine().status().unwrap().error;
        assert!(error.is_none(), "the store refused a commit: {error:?}");
        had
    }

    /// Reads one message as the engine does, runs what it asks for, and returns that.
    pub fn receive(&mut self, message: &str) -> Vec<Action> {
        let now = self.runtime_now();
        let actions = self.engine().on_message(Some(message), now);
        self.run(actions.clone());
        actions
    }

    /// Reads one message and runs what it asks for, but none of the tasks that spawns
    /// (e.g. the commit of an adopted hand-off): they run at the next [`Tab::commit`].
    pub fn receive_holding_tasks(&mut self, message: &str) {
        let now = self.runtime_now();
        let actions = self.engine().on_message(Some(message), now);
        block_on(self.driver.run(actions));
    }

    /// Runs actions through the engine's action runner.
    pub fn run(&mut self, actions: Vec<Action>) {
        let run = self.driver.run(actions);
        self.runtime.spawn_task(async move {
            run.await;
        });
        self.runtime.run();
    }

    fn runtime_now(&self) -> f64 {
        diagram_state::core::clock::Clock::now(&*self.runtime)
    }

    /// The messages posted and not delivered yet.
    pub fn outbox(&self) -> RefMut<'_, Vec<String>> {
        self.outbox.0.borrow_mut()
    }

    /// Takes the messages posted and not delivered yet.
    pub fn take_outbox(&self) -> Vec<String> {
        std::mem::take(&mut *self.outbox())
    }

    /// Everything the tab told its editor.
    pub fn heard(&self) -> Ref<'_, Vec<Announcement>> {
        self.heard.0.borrow()
    }

    /// Another tab's changes shown on the graph, in order (empty ones are not shown).
    pub fn views(&self) -> Vec<Vec<Change>> {
        self.heard()
            .iter()
            .filter_map(|heard| match heard {
                Announcement::TabChanges { changes, .. } => Some(changes.clone()),
                _ => None,
            })
            .collect()
    }

    /// The conflicts reported, in order.
    pub fn conflicts(&self) -> Vec<Conflict> {
        self.heard()
            .iter()
            .filter_map(|heard| match heard {
                Announcement::Conflict(conflict) => Some(conflict.clone()),
                _ => None,
            })
            .collect()
    }

    /// How many problems of `kind` were reported.
    pub fn problems(&self, kind: ProblemKind) -> usize {
        self.heard()
            .iter()
            .filter(|heard| matches!(heard, Announcement::Problem(problem) if problem.kind == kind))
            .count()
    }

    pub fn get(&self, id: &str, path: &str) -> Option<Value> {
        self.state().diagram().get(id, path).ok().flatten().cloned()
    }

    /// Closes the tab (`pagehide`): the messages it posts, a hand-off of what it has not
    /// committed first.
    pub fn close(self) -> Vec<String> {
        self.engine().leave()
    }

    pub fn cells(&self) -> Vec<Value> {
        self.state()
            .diagram()
            .cells()
            .map(|cell| (**cell).clone())
            .collect()
    }
}

/// Delivers what each tab posts to every other tab through its driver (as the
/// BroadcastChannel does) and runs the tabs' tasks, until nobody posts any more.
pub fn settle(tabs: &[&Tab]) {
    for _ in 0..50 {
        for tab in tabs {
            tab.runtime.run();
        }
        let mut moved = false;
        for (from, tab) in tabs.iter().enumerate() {
            for message in tab.take_outbox() {
                moved = true;
                for (to, other) in tabs.iter().enumerate() {
                    if to != from {
                        other.driver.receive(Some(message.clone()));
                    }
                }
            }
        }
        if !moved {
            return;
        }
    }
    panic!("the tabs never settled");
}
