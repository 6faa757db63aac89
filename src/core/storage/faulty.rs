//! [`FaultyStore`]: wraps any store and fails chosen operations with chosen errors, to test
//! how the editor copes with a full disk, a closed connection or corrupt data without
//! having to provoke them in a real browser.

use std::cell::RefCell;

use serde_json::Value;

use super::commit::{Commit, Committed};
use super::directory::Directory;
use super::entry::{DiagramEntry, EntryUpdate, NewDiagram};
use super::error::StoreError;
use super::load::LoadedDiagram;
use super::oplog::OplogSince;
use super::store::DiagramStore;

/// A store operation that a [`FaultyStore`] can make fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    /// [`DiagramStore::list`].
    List,
    /// [`DiagramStore::create`] (and imports).
    Create,
    /// [`DiagramStore::update_entry`] (and renames).
    UpdateEntry,
    /// [`DiagramStore::duplicate`].
    Duplicate,
    /// [`DiagramStore::delete`].
    Delete,
    /// [`DiagramStore::load`] (and exports).
    Load,
    /// [`DiagramStore::commit`].
    Commit,
    /// [`DiagramStore::oplog_since`].
    OplogSince,
    /// [`DiagramStore::claim_handoff`].
    ClaimHandoff,
}

/// A store that forwards to `inner`, except that the next call of an operation chosen with
/// [`FaultyStore::fail_next`] fails with the chosen error without reaching `inner` (so,
/// like a real failure, it writes nothing).
///
/// ```
/// use diagram_state::core::storage::{FaultyStore, MemoryStore, Operation, StoreError};
/// let store = FaultyStore::new(MemoryStore::new(|| 0.0));
/// store.fail_next(Operation::Commit, StoreError::QuotaExceeded { message: "full".into() });
/// ```
#[derive(Debug)]
pub struct FaultyStore<S> {
    inner: S,
    faults: RefCell<Vec<(Operation, StoreError)>>,
}

impl<S> FaultyStore<S> {
    /// Wraps `inner`, failing nothing yet.
    pub fn new(inner: S) -> Self {
        Self {
            inner,
            faults: RefCell::new(Vec::new()),
        }
    }

    /// Makes the next call of `operation` fail with `error` (faults queue up in order).
    pub fn fail_next(&self, operation: Operation, error: StoreError) {
        self.faults.borrow_mut().push((operation, error));
    }

    /// The wrapped store.
    pub fn inner(&self) -> &S {
        &self.inner
    }

    fn fault(&self, operation: Operation) -> Result<(), StoreError> {
        let mut faults = self.faults.borrow_mut();
        match faults.iter().position(|(chosen, _)| *chosen == operation) {
            Some(index) => Err(faults.remove(index).1),
            None => Ok(()),
        }
    }
}

impl<S: DiagramStore> DiagramStore for FaultyStore<S> {
    async fn list(&self) -> Result<Directory, StoreError> {
        self.fault(Operation::List)?;
        self.inner.list().await
    }

    async fn create(&self, diagram: NewDiagram) -> Result<DiagramEntry, StoreError> {
        self.fault(Operation::Create)?;
        self.inner.create(diagram).await
    }

    async fn update_entry(
        &self,
        id: &str,
        update: EntryUpdate,
    ) -> Result<DiagramEntry, StoreError> {
        self.fault(Operation::UpdateEntry)?;
        self.inner.update_entry(id, update).await
    }

    async fn duplicate(&self, id: &str, name: Option<&str>) -> Result<DiagramEntry, StoreError> {
        self.fault(Operation::Duplicate)?;
        self.inner.duplicate(id, name).await
    }

    async fn delete(&self, id: &str) -> Result<(), StoreError> {
        self.fault(Operation::Delete)?;
        self.inner.delete(id).await
    }

    async fn load(&self, id: &str) -> Result<LoadedDiagram, StoreError> {
        self.fault(Operation::Load)?;
        self.inner.load(id).await
    }

    async fn commit(&self, commit: &Commit) -> Result<Committed, StoreError> {
        self.fault(Operation::Commit)?;
        self.inner.commit(commit).await
    }

    async fn oplog_since(&self, id: &str, after_version: u64) -> Result<OplogSince, StoreError> {
        self.fault(Operation::OplogSince)?;
        self.inner.oplog_since(id, after_version).await
    }

    async fn claim_handoff(&self, id: &str, from_tab: &str) -> Result<bool, StoreError> {
        self.fault(Operation::ClaimHandoff)?;
        self.inner.claim_handoff(id, from_tab).await
    }

    fn close(&self) {
        self.inner.close();
    }

    fn is_closed(&self) -> bool {
        self.inner.is_closed()
    }

    async fn import_document(
        &self,
        document: &Value,
        diagram: NewDiagram,
    ) -> Result<DiagramEntry, StoreError> {
        self.fault(Operation::Create)?;
        self.inner.import_document(document, diagram).await
    }

    async fn export_document(&self, id: &str) -> Result<Value, StoreError> {
        self.fault(Operation::Load)?;
        self.inner.export_document(id).await
    }
}
