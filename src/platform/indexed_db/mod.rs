//! Local diagrams in IndexedDB: the [`DiagramStore`](crate::core::storage::DiagramStore)
//! of the browser, built on `indexed_db_futures`.
//!
//! The schema and its IndexedDB versions are described in [`schema`]: version 2 is this
//! crate's schema 1; version 1 is the older layout (cells inline, no `storageType`), which
//! opening migrates. [`IndexedDbStore`] is the store; [`LocalStore`] chooses between it and
//! the in-memory store at run time (the explicit in-memory mode).

mod codec;
mod content;
mod directory;
mod errors;
mod keys;
mod local_store;
mod migration;
mod open;
mod records;
pub mod schema;
mod store;
mod transaction;

pub use errors::store_error_from_dom_exception;
pub use local_store::LocalStore;
pub use migration::MigrationReport;
pub use open::Notify;
pub use store::{IndexedDbStore, OpenOptions};
