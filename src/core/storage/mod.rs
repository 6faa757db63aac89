//! Local diagrams: the storage port ([`DiagramStore`]), its rules, and the in-memory store.
//! The IndexedDB store (platform layer) follows exactly the same rules.
//!
//! - a **directory** of [`DiagramEntry`]s: name, description, [`StorageType`]
//!   (`local | public | private`), times, version, and the sync-tracking fields of
//!   immersive2's plan (`publicCopyId`, `lastPushedAt`, `lastPulledAt`, `publicVersion`),
//!   and `pushedVersion` (the committed version the server copy holds);
//! - the **cells** of each diagram, one record per cell, so a commit writes only what
//!   changed, and a load is one range read;
//! - an **op log** of recent commits per diagram ([`OplogWindow`]), from which another tab
//!   fills a gap in the versions it has seen ([`OplogSince`]);
//! - **commits** ([`Commit`]): written whole or not at all, only on top of the version they
//!   were based on (`STALE_VERSION` otherwise), applied leaf by leaf to the stored cells
//!   (`OUT_OF_STEP` when they do not fit), each a link of a hash chain ([`ChainHash`]);
//! - X6 **documents**: validated before import ([`validate_document`]), exported in the
//!   stored order;
//! - **faults** as typed [`StoreError`]s with stable codes; unreadable records are skipped
//!   and listed ([`CorruptRecords`]), never a panic, never a partial load passed off as
//!   complete. [`FaultyStore`] injects faults in tests.
//!
//! Local diagrams never leave the browser: nothing in this crate sends them anywhere.

mod chain;
mod commit;
mod corrupt;
mod directory;
mod document;
mod entry;
mod error;
mod faulty;
pub mod legacy;
mod load;
mod memory;
mod oplog;
pub mod records;
mod store;

pub use chain::ChainHash;
pub use commit::{check_base, CellWrite, Commit, Committed};
pub use corrupt::{CorruptRecord, CorruptRecords, RecordStore};
pub use directory::{collect_directory, Directory};
pub use document::{export_document, validate_cells, validate_document, DocumentProblem};
pub use entry::{
    checked_id, checked_name, duplicate_entry, new_entry, DiagramEntry, EntryUpdate, NewDiagram,
    StorageType,
};
pub use error::{StoreError, StoreErrorDetails};
pub use faulty::{FaultyStore, Operation};
pub use load::{CellCollector, LoadedDiagram, RawCell};
pub use memory::MemoryStore;
pub use oplog::{collect_since, NotCoveredReason, OplogSince, OplogWindow};
pub use records::{encode_cell, CellRecord, EntryRecord, OplogRecord};
pub use store::DiagramStore;
