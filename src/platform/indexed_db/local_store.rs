//! [`LocalStore`]: IndexedDB or memory, chosen when the editor opens its storage, behind
//! one [`DiagramStore`].

use crate::core::storage::{
    Commit, Committed, DiagramEntry, DiagramStore, Directory, EntryUpdate, LoadedDiagram,
    MemoryStore, NewDiagram, OplogSince, StoreError,
};
use serde_json::Value;

use super::store::IndexedDbStore;

/// Where local diagrams are kept: IndexedDB, or memory (the explicit in-memory mode, for
/// when IndexedDB is unavailable: nothing survives a reload).
#[derive(Debug)]
pub enum LocalStore {
    /// In IndexedDB.
    IndexedDb(IndexedDbStore),
    /// In memory.
    Memory(MemoryStore),
}

macro_rules! forward {
    ($self:ident, $store:ident => $call:expr) => {
        match $self {
            LocalStore::IndexedDb($store) => $call.await,
            LocalStore::Memory($store) => $call.await,
        }
    };
}

impl DiagramStore for LocalStore {
    async fn list(&self) -> Result<Directory, StoreError> {
        forward!(self, store => store.list())
    }

    async fn create(&self, diagram: NewDiagram) -> Result<DiagramEntry, StoreError> {
        forward!(self, store => store.create(diagram))
    }

    async fn update_entry(
        &self,
        id: &str,
        update: EntryUpdate,
    ) -> Result<DiagramEntry, StoreError> {
        forward!(self, store => store.update_entry(id, update))
    }

    async fn duplicate(&self, id: &str, name: Option<&str>) -> Result<DiagramEntry, StoreError> {
        forward!(self, store => store.duplicate(id, name))
    }

    async fn delete(&self, id: &str) -> Result<(), StoreError> {
        forward!(self, store => store.delete(id))
    }

    async fn load(&self, id: &str) -> Result<LoadedDiagram, StoreError> {
        forward!(self, store => store.load(id))
    }

    async fn commit(&self, commit: &Commit) -> Result<Committed, StoreError> {
        forward!(self, store => store.commit(commit))
    }

    async fn oplog_since(&self, id: &str, after_version: u64) -> Result<OplogSince, StoreError> {
        forward!(self, store => store.oplog_since(id, after_version))
    }

    async fn claim_handoff(&self, id: &str, from_tab: &str) -> Result<bool, StoreError> {
        forward!(self, store => store.claim_handoff(id, from_tab))
    }

    fn close(&self) {
        match self {
            Self::IndexedDb(store) => store.close(),
            Self::Memory(store) => store.close(),
        }
    }

    fn is_closed(&self) -> bool {
        match self {
            Self::IndexedDb(store) => store.is_closed(),
            Self::Memory(store) => store.is_closed(),
        }
    }

    async fn import_document(
        &self,
        document: &Value,
        diagram: NewDiagram,
    ) -> Result<DiagramEntry, StoreError> {
        forward!(self, store => store.import_document(document, diagram))
    }

    async fn export_document(&self, id: &str) -> Result<Value, StoreError> {
        forward!(self, store => store.export_document(id))
    }
}
