//! [`IndexedDbStore`]: the connection, its lifecycle (`versionchange`, close), and the
//! [`DiagramStore`] implementation, whose operations live in `directory.rs` and
//! `content.rs`.

use std::cell::Cell;
use std::rc::Rc;

use indexed_db_futures::database::Database;
use indexed_db_futures::internals::SystemRepr;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::migration::MigrationReport;
use super::open::{open_database, Notify};
use super::schema::DEFAULT_DB_NAME;
use crate::core::storage::{
    Commit, Committed, DiagramEntry, DiagramStore, Directory, EntryUpdate, LoadedDiagram,
    NewDiagram, OplogSince, OplogWindow, StoreError,
};
use crate::platform::clock::BrowserClock;

/// How to open an [`IndexedDbStore`].
#[derive(Clone)]
pub struct OpenOptions {
    /// The database name (default `diagram-state`).
    pub name: String,
    /// How many versions of op log to keep per diagram.
    pub oplog_window: OplogWindow,
    /// Called when the connection was closed because a newer version of the app opened the
    /// same database in another tab (`versionchange`); the owner should tell the user to
    /// reload. The store is closed by then.
    pub on_version_change: Option<Notify>,
    /// Called when opening needs an upgrade that another tab blocks (then the open fails
    /// with `UPGRADE_BLOCKED`).
    pub on_blocked: Option<Notify>,
}

impl Default for OpenOptions {
    fn default() -> Self {
        Self {
            name: DEFAULT_DB_NAME.to_owned(),
            oplog_window: OplogWindow::default(),
            on_version_change: None,
            on_blocked: None,
        }
    }
}

impl std::fmt::Debug for OpenOptions {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("OpenOptions")
            .field("name", &self.name)
            .field("oplog_window", &self.oplog_window)
            .finish_non_exhaustive()
    }
}

/// Whether the connection is still usable.
#[derive(Debug, Default)]
struct ConnectionState {
    closed: Cell<bool>,
    by_version_change: Cell<bool>,
}

/// Local diagrams in IndexedDB (schema in [`schema`](super::schema)).
///
/// Every operation is one transaction; a commit is one readwrite transaction over
/// `diagrams`, `cells` and `oplog` that checks the stored version first. The connection
/// closes itself when another tab opens the database with a newer version, and when the
/// store is dropped.
pub struct IndexedDbStore {
    pub(super) db: Database,
    pub(super) window: OplogWindow,
    pub(super) clock: BrowserClock,
    name: String,
    state: Rc<ConnectionState>,
    migration: Option<MigrationReport>,
    _on_version_change: Closure<dyn FnMut(web_sys::Event)>,
    _on_close: Closure<dyn FnMut(web_sys::Event)>,
}

impl std::fmt::Debug for IndexedDbStore {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("IndexedDbStore")
            .field("name", &self.name)
            .field("state", &self.state)
            .finish_non_exhaustive()
    }
}

impl IndexedDbStore {
    /// Opens (creating, upgrading or migrating as needed) the database. Fails with
    /// `STORAGE_UNAVAILABLE` when IndexedDB cannot be used, `UPGRADE_BLOCKED` when another
    /// tab blocks the upgrade, `SCHEMA_TOO_NEW` when a newer app version wrote it, and
    /// `MIGRATION_FAILED` when an older layout could not be migrated (it is then unchanged).
    pub async fn open(options: OpenOptions) -> Result<Self, StoreError> {
        let opened = open_database(&options.name, options.on_blocked.clone()).await?;
        let state = Rc::new(ConnectionState::default());
        let raw: web_sys::IdbDatabase = opened.db.as_sys().clone().unchecked_into();
        let on_version_change = Closure::<dyn FnMut(web_sys::Event)>::new({
            let state = Rc::clone(&state);
            let raw = raw.clone();
            let notify = options.on_version_change.clone();
            move |_event: web_sys::Event| {
                raw.close();
                state.closed.set(true);
                state.by_version_change.set(true);
                if let Some(notify) = &notify {
                    notify();
                }
            }
        });
        raw.set_onversionchange(Some(on_version_change.as_ref().unchecked_ref()));
        // The browser may also close the connection itself (site data cleared, storage
        // failure): later calls then fail with `STORE_CLOSED` instead of an obscure error.
        let on_close = Closure::<dyn FnMut(web_sys::Event)>::new({
            let state = Rc::clone(&state);
            move |_event: web_sys::Event| state.closed.set(true)
        });
        raw.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        Ok(Self {
            db: opened.db,
            window: options.oplog_window,
            clock: BrowserClock,
            name: options.name,
            state,
            migration: opened.migration,
            _on_version_change: on_version_change,
            _on_close: on_close,
        })
    }

    /// The database name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Whether the connection was closed because a newer version of the app opened the
    /// database in another tab.
    pub fn closed_by_version_change(&self) -> bool {
        self.state.by_version_change.get()
    }

    /// What opening migrated from the older layout, if it did.
    pub fn migration(&self) -> Option<&MigrationReport> {
        self.migration.as_ref()
    }

    /// Fails with `STORE_CLOSED` once the connection is closed.
    pub(super) fn check_open(&self) -> Result<(), StoreError> {
        if self.state.closed.get() {
            Err(StoreError::Closed)
        } else {
            Ok(())
        }
    }

    /// A fresh diagram id: time and randomness, unique in practice (creation refuses a
    /// taken id rather than overwrite it).
    pub(super) fn fresh_id() -> String {
        let random = |bits: f64| (js_sys::Math::random() * bits) as u64;
        format!(
            "d-{:x}-{:08x}{:06x}",
            js_sys::Date::now() as u64,
            random(4_294_967_296.0),
            random(16_777_216.0)
        )
    }
}

impl Drop for IndexedDbStore {
    fn drop(&mut self) {
        let raw: &web_sys::IdbDatabase = self.db.as_sys();
        raw.set_onversionchange(None);
        raw.set_onclose(None);
        raw.close();
    }
}

impl DiagramStore for IndexedDbStore {
    async fn list(&self) -> Result<Directory, StoreError> {
        self.list_entries().await
    }

    async fn create(&self, diagram: NewDiagram) -> Result<DiagramEntry, StoreError> {
        self.create_diagram(diagram).await
    }

    async fn update_entry(
        &self,
        id: &str,
        update: EntryUpdate,
    ) -> Result<DiagramEntry, StoreError> {
        self.update_diagram_entry(id, update).await
    }

    async fn duplicate(&self, id: &str, name: Option<&str>) -> Result<DiagramEntry, StoreError> {
        self.duplicate_diagram(id, name).await
    }

    async fn delete(&self, id: &str) -> Result<(), StoreError> {
        self.delete_diagram(id).await
    }

    async fn load(&self, id: &str) -> Result<LoadedDiagram, StoreError> {
        self.load_diagram(id).await
    }

    async fn commit(&self, commit: &Commit) -> Result<Committed, StoreError> {
        self.commit_entry(commit).await
    }

    async fn oplog_since(&self, id: &str, after_version: u64) -> Result<OplogSince, StoreError> {
        self.read_oplog_since(id, after_version).await
    }

    async fn claim_handoff(&self, id: &str, from_tab: &str) -> Result<bool, StoreError> {
        self.claim_diagram_handoff(id, from_tab).await
    }

    fn close(&self) {
        if !self.state.closed.replace(true) {
            let raw: &web_sys::IdbDatabase = self.db.as_sys();
            raw.close();
        }
    }

    fn is_closed(&self) -> bool {
        self.state.closed.get()
    }
}
