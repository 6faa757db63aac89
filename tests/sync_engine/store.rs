//! The store the tabs of a test share: the in-memory store (with the rules of the IndexedDB
//! one) behind a [`FaultyStore`], so a test can make the next commit or load fail. For the
//! tests' checks it also keeps every commit ever made, and a mark below which the op log
//! counts as compacted away.

use std::cell::{Cell, Ref, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use diagram_state::core::model::{Change, Diagram};
use diagram_state::core::storage::{
    Commit, Committed, DiagramEntry, DiagramStore, Directory, EntryUpdate, FaultyStore,
    LoadedDiagram, MemoryStore, NewDiagram, NotCoveredReason, Operation, OplogSince, StoreError,
};
use diagram_state::core::sync::CommittedSet;
use serde_json::{json, Value};

use super::block_on;

/// The diagram of every test.
pub const DIAGRAM: &str = "d1";

pub struct Store {
    /// The diagram's id.
    id: String,
    inner: FaultyStore<MemoryStore>,
    compacted: Cell<u64>,
    all: RefCell<Vec<CommittedSet>>,
    /// The tab whose commits wait until released (they are in flight meanwhile).
    held: RefCell<Option<String>>,
    loads: Cell<usize>,
}

/// A commit of the held tab, waiting to be released.
struct Held<'a>(&'a RefCell<Option<String>>, &'a str);

impl Future for Held<'_> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<()> {
        if self.0.borrow().as_deref() == Some(self.1) {
            Poll::Pending
        } else {
            Poll::Ready(())
        }
    }
}

impl Store {
    /// Diagram `id` at version 1, stored as a build without hashes left it: its hash chain
    /// starts there.
    pub fn with_id(id: &str, cells: Vec<Value>) -> Self {
        let memory = MemoryStore::new(|| 0.0);
        let count = cells.len();
        let diagram = NewDiagram {
            id: Some(id.into()),
            cells,
            ..NewDiagram::local("Flow")
        };
        let entry = block_on(memory.create(diagram)).unwrap();
        let mut older = serde_json::to_value(&entry).unwrap();
        older["version"] = json!(1);
        older["nextOrder"] = json!(count);
        memory.put_raw_entry(id, older);
        Self {
            id: id.to_owned(),
            inner: FaultyStore::new(memory),
            compacted: Cell::new(1),
            all: RefCell::new(Vec::new()),
            held: RefCell::new(None),
            loads: Cell::new(0),
        }
    }

    /// A new store, to share between tabs.
    pub fn shared(cells: Vec<Value>) -> Rc<Self> {
        Self::shared_as(DIAGRAM, cells)
    }

    /// The op-log records after `after`, or `None` when the log no longer covers them.
    pub fn read_log(&self, after: u64) -> Option<Vec<CommittedSet>> {
        match block_on(DiagramStore::oplog_since(self, &self.id, after)).unwrap() {
            OplogSince::Records { records } => {
                Some(records.into_iter().map(CommittedSet::from).collect())
            }
            OplogSince::NotCovered { .. } => None,
        }
    }

    /// A new store of diagram `id`, to share between tabs.
    pub fn shared_as(id: &str, cells: Vec<Value>) -> Rc<Self> {
        Rc::new(Self::with_id(id, cells))
    }

    /// Holds the commits of `tab` in flight until [`Store::release`] (and the runtime's
    /// next turn).
    pub fn hold_commits_of(&self, tab: &str) {
        self.held.replace(Some(tab.to_owned()));
    }

    /// Lets held commits through.
    pub fn release(&self) {
        self.held.replace(None);
    }

    /// How many times the diagram was loaded through the store port.
    pub fn loads(&self) -> usize {
        self.loads.get()
    }

    /// Makes the next call of `operation` fail with `error`.
    pub fn fail_next(&self, operation: Operation, error: StoreError) {
        self.inner.fail_next(operation, error);
    }

    /// The stored diagram (not counted in [`Store::loads`]).
    pub fn load(&self) -> LoadedDiagram {
        block_on(self.inner.load(&self.id)).unwrap()
    }

    pub fn version(&self) -> u64 {
        self.load().version
    }

    /// Another writer's commit (or one of a tab made by hand).
    pub fn commit(
        &self,
        base: u64,
        changes: Vec<Change>,
        tab: &str,
    ) -> Result<Committed, StoreError> {
        self.write(Commit::new(&self.id, base, tab, changes))
    }

    pub fn write(&self, commit: Commit) -> Result<Committed, StoreError> {
        block_on(DiagramStore::commit(self, &commit))
    }

    /// Every commit ever made, oldest first.
    pub fn all(&self) -> Ref<'_, Vec<CommittedSet>> {
        self.all.borrow()
    }

    /// The op log no longer covers what is stored now.
    pub fn compact(&self) {
        self.compacted.set(self.version());
    }

    /// The stored diagram, cells ordered by id (as a tab's diagram lists them).
    pub fn diagram(&self) -> Diagram {
        self.load().to_diagram().unwrap()
    }

    pub fn cells(&self) -> Vec<Value> {
        self.diagram()
            .cells()
            .map(|cell| (**cell).clone())
            .collect()
    }
}

impl DiagramStore for Store {
    async fn list(&self) -> Result<Directory, StoreError> {
        self.inner.list().await
    }

    async fn create(&self, diagram: NewDiagram) -> Result<DiagramEntry, StoreError> {
        self.inner.create(diagram).await
    }

    async fn update_entry(
        &self,
        id: &str,
        update: EntryUpdate,
    ) -> Result<DiagramEntry, StoreError> {
        self.inner.update_entry(id, update).await
    }

    async fn duplicate(&self, id: &str, name: Option<&str>) -> Result<DiagramEntry, StoreError> {
        self.inner.duplicate(id, name).await
    }

    async fn delete(&self, id: &str) -> Result<(), StoreError> {
        self.inner.delete(id).await
    }

    async fn load(&self, id: &str) -> Result<LoadedDiagram, StoreError> {
        self.loads.set(self.loads.get() + 1);
        self.inner.load(id).await
    }

    async fn commit(&self, commit: &Commit) -> Result<Committed, StoreError> {
        Held(&self.held, &commit.tab_id).await;
        let committed = self.inner.commit(commit).await?;
        self.all.borrow_mut().push(CommittedSet {
            version: committed.version,
            tab_id: commit.tab_id.clone(),
            changes: commit.changes.clone(),
            hash: Some(committed.hash),
            overrides: commit.overrides.clone(),
        });
        Ok(committed)
    }

    async fn claim_handoff(&self, id: &str, from_tab: &str) -> Result<bool, StoreError> {
        self.inner.claim_handoff(id, from_tab).await
    }

    async fn oplog_since(&self, id: &str, after_version: u64) -> Result<OplogSince, StoreError> {
        if after_version < self.compacted.get() {
            let stored = self.inner.load(id).await?.version;
            return Ok(OplogSince::NotCovered {
                stored,
                reason: NotCoveredReason::Compacted,
            });
        }
        self.inner.oplog_since(id, after_version).await
    }

    fn close(&self) {
        self.inner.close();
    }

    fn is_closed(&self) -> bool {
        self.inner.is_closed()
    }
}
