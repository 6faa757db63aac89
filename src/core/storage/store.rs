//! The storage port: what the editor needs from wherever diagrams are kept. Implemented by
//! [`MemoryStore`](super::MemoryStore) here and by the IndexedDB store of the platform
//! layer, with the same semantics.

use serde_json::Value;

use super::commit::{Commit, Committed};
use super::directory::Directory;
use super::document::validate_document;
use super::entry::{DiagramEntry, EntryUpdate, NewDiagram};
use super::error::StoreError;
use super::load::LoadedDiagram;
use super::oplog::OplogSince;
use crate::core::storage::document::export_document;

/// A store of local diagrams: a directory of entries, the cells of each diagram, and a
/// bounded op log of recent commits.
///
/// Methods are `async` because the browser's storage is; futures are not `Send` (wasm is
/// single-threaded) and the trait is not object-safe: consumers are generic over it.
/// Every method that fails leaves the stored data as it was.
#[allow(async_fn_in_trait)]
pub trait DiagramStore {
    /// Every diagram in the directory (see [`Directory`]); unreadable directory records are
    /// listed in `skipped`.
    async fn list(&self) -> Result<Directory, StoreError>;

    /// Creates a diagram with its initial cells in one write. Refuses an empty name
    /// (`INVALID_NAME`) and malformed cells (`INVALID_DOCUMENT`, listing every problem).
    async fn create(&self, diagram: NewDiagram) -> Result<DiagramEntry, StoreError>;

    /// Changes an entry's metadata (name, description, storage type, sync-tracking
    /// fields); never its content or version.
    async fn update_entry(&self, id: &str, update: EntryUpdate)
        -> Result<DiagramEntry, StoreError>;

    /// Renames a diagram.
    async fn rename(&self, id: &str, name: &str) -> Result<DiagramEntry, StoreError> {
        let update = EntryUpdate {
            name: Some(name.to_owned()),
            ..EntryUpdate::default()
        };
        self.update_entry(id, update).await
    }

    /// Copies a diagram and all its cells in one write, as a new diagram at version 0 named
    /// `name` (default: "<name> (copy)"). Refuses to copy a diagram with corrupt cell
    /// records (`CORRUPT_RECORDS`): a partial copy would look complete.
    async fn duplicate(&self, id: &str, name: Option<&str>) -> Result<DiagramEntry, StoreError>;

    /// Deletes a diagram, its cells and its op log in one write. Works even when the
    /// diagram's records are corrupt, so it also cleans them up.
    async fn delete(&self, id: &str) -> Result<(), StoreError>;

    /// Loads a diagram: its entry and all its cells, read in one range read. Unreadable
    /// cell records are skipped and listed; the result then says it is incomplete.
    async fn load(&self, id: &str) -> Result<LoadedDiagram, StoreError>;

    /// Commits one set of changes in one write (see [`Commit`] for the rules), and returns
    /// the new version with its link of the hash chain. Commit each entry as it is recorded,
    /// not after a debounce: once the returned future resolves the change is durable
    /// (closing the tab cannot lose it) and visible to other tabs. Fails with
    /// `STALE_VERSION` (carrying the stored version) when the stored version is not
    /// `commit.base_version`, and with `OUT_OF_STEP` when the changes do not fit the stored
    /// cells; nothing is written then, nor on any other failure, so the caller keeps
    /// `commit` and may retry it (after `QUOTA_EXCEEDED`), rebase it or reload.
    async fn commit(&self, commit: &Commit) -> Result<Committed, StoreError>;

    /// Claims the hand-off of closing tab `from_tab` on diagram `id` (its uncommitted
    /// change sets, posted to every other tab): `true` for the first claim, so that exactly
    /// one tab commits them, `false` once claimed. The directory record remembers the last
    /// claims; it is one small readwrite transaction.
    async fn claim_handoff(&self, id: &str, from_tab: &str) -> Result<bool, StoreError>;

    /// The op-log records committed after `after_version`, up to the stored version, in
    /// order; or [`OplogSince::NotCovered`] when the log no longer has them all (reload).
    async fn oplog_since(&self, id: &str, after_version: u64) -> Result<OplogSince, StoreError>;

    /// Closes the store; later calls fail with `STORE_CLOSED`.
    fn close(&self);

    /// Whether the store is closed (by [`DiagramStore::close`], or by the browser because
    /// a newer version of the app opened the same storage).
    fn is_closed(&self) -> bool;

    /// Imports an X6 `graph.toJSON()` document as a new diagram described by `diagram`
    /// (whose `cells` are replaced by the document's). A document with problems is refused
    /// with `INVALID_DOCUMENT` listing every problem; nothing is written.
    async fn import_document(
        &self,
        document: &Value,
        mut diagram: NewDiagram,
    ) -> Result<DiagramEntry, StoreError> {
        diagram.cells = validate_document(document)
            .map_err(|problems| StoreError::InvalidDocument { problems })?;
        self.create(diagram).await
    }

    /// Exports a diagram as an X6 document `{ cells }`, cells in stored order (so importing
    /// the export gives back the same document). Refuses an incomplete diagram
    /// (`CORRUPT_RECORDS`).
    async fn export_document(&self, id: &str) -> Result<Value, StoreError> {
        let loaded = self.load(id).await?.into_complete()?;
        Ok(export_document(&loaded.cells))
    }
}
