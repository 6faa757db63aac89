//! [`MemoryStore`]: the [`DiagramStore`] kept in memory, with exactly the rules of the
//! IndexedDB store. Used by native tests, and in the browser as the explicit in-memory mode
//! (when IndexedDB is unavailable, or for throw-away diagrams): nothing survives a reload.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;

use serde_json::Value;

use super::commit::{check_base, CellWrite, Commit, Committed};
use super::corrupt::{CorruptRecord, CorruptRecords, RecordStore};
use super::directory::{collect_directory, Directory};
use super::document::validate_cells;
use super::entry::{checked_id, duplicate_entry, new_entry, DiagramEntry, EntryUpdate, NewDiagram};
use super::error::StoreError;
use super::load::{CellCollector, LoadedDiagram, RawCell};
use super::oplog::{collect_since, OplogSince, OplogWindow};
use super::records::{record_key, type_name, CellRecord, EntryRecord, OplogRecord};
use super::store::DiagramStore;
use crate::core::clock::Clock;
use crate::core::model::SharedCell;

/// A stored record: normally kept decoded; a raw one (written by hand through the
/// `put_raw_*` methods) is decoded on every read, as IndexedDB records are.
#[derive(Debug, Clone)]
enum Slot<T> {
    Decoded(T),
    Raw(Value),
}

#[derive(Debug, Default)]
struct Data {
    entries: BTreeMap<String, Value>,
    cells: BTreeMap<String, BTreeMap<String, Slot<CellRecord>>>,
    oplog: BTreeMap<String, BTreeMap<u64, Slot<OplogRecord>>>,
    next_id: u64,
}

/// Diagrams in memory.
///
/// ```
/// # fn block_on<F: std::future::Future>(future: F) -> F::Output {
/// #     use std::task::{Context, Poll, RawWaker, RawWakerVTable, Waker};
/// #     fn raw() -> RawWaker { RawWaker::new(std::ptr::null(), &VTABLE) }
/// #     static VTABLE: RawWakerVTable = RawWakerVTable::new(|_| raw(), |_| {}, |_| {}, |_| {});
/// #     let waker = unsafe { Waker::from_raw(raw()) };
/// #     let mut future = std::pin::pin!(future);
/// #     match future.as_mut().poll(&mut Context::from_waker(&waker)) {
/// #         Poll::Ready(value) => value,
/// #         Poll::Pending => unreachable!("the memory store never waits"),
/// #     }
/// # }
/// use diagram_state::core::model::Change;
/// use diagram_state::core::storage::{Commit, DiagramStore, MemoryStore, NewDiagram};
/// use serde_json::json;
///
/// let store = MemoryStore::new(|| 0.0);
/// let entry = block_on(store.create(NewDiagram::local("Flow"))).unwrap();
/// let commit = Commit::new(&entry.id, 0, "tab-1", vec![Change::add(json!({ "id": "n1" }))]);
/// assert_eq!(block_on(store.commit(&commit)).unwrap().version, 1);
/// // The same base again is stale: another commit got there first.
/// assert!(block_on(store.commit(&commit)).is_err());
/// ```
pub struct MemoryStore {
    data: RefCell<Data>,
    clock: Box<dyn Clock>,
    window: OplogWindow,
    closed: Cell<bool>,
}

impl std::fmt::Debug for MemoryStore {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("MemoryStore")
            .field("data", &self.data)
            .field("window", &self.window)
            .field("closed", &self.closed)
            .finish_non_exhaustive()
    }
}

impl MemoryStore {
    /// An empty store; `clock` gives the time of creations and commits.
    pub fn new(clock: impl Clock + 'static) -> Self {
        Self::with_window(clock, OplogWindow::default())
    }

    /// An empty store keeping `window` versions of op log per diagram.
    pub fn with_window(clock: impl Clock + 'static, window: OplogWindow) -> Self {
        Self {
            data: RefCell::new(Data::default()),
            clock: Box::new(clock),
            window,
            closed: Cell::new(false),
        }
    }

    /// Writes a directory record as it is, bypassing every rule, like a hand edit in the
    /// browser's developer tools (for tests of corrupt records).
    pub fn put_raw_entry(&self, id: &str, record: Value) {
        self.data.borrow_mut().entries.insert(id.to_owned(), record);
    }

    /// Writes a cell record as it is (normally JSON text; see
    /// [`records`](super::records)), bypassing every rule.
    pub fn put_raw_cell(&self, diagram_id: &str, cell_id: &str, record: Value) {
        self.data
            .borrow_mut()
            .cells
            .entry(diagram_id.to_owned())
            .or_default()
            .insert(cell_id.to_owned(), Slot::Raw(record));
    }

    /// Writes an op-log record as it is, bypassing every rule.
    pub fn put_raw_oplog(&self, diagram_id: &str, version: u64, record: Value) {
        self.data
            .borrow_mut()
            .oplog
            .entry(diagram_id.to_owned())
            .or_default()
            .insert(version, Slot::Raw(record));
    }

    fn open(&self) -> Result<(), StoreError> {
        if self.closed.get() {
            Err(StoreError::Closed)
        } else {
            Ok(())
        }
    }

    fn fresh_id(data: &mut Data) -> String {
        loop {
            data.next_id += 1;
            let id = format!("diagram-{}", data.next_id);
            if !data.entries.contains_key(&id) {
                return id;
            }
        }
    }
}

fn entry_record(data: &Data, id: &str) -> Result<EntryRecord, StoreError> {
    let raw = data
        .entries
        .get(id)
        .ok_or_else(|| StoreError::DiagramNotFound { id: id.to_owned() })?;
    EntryRecord::decode(raw).map_err(|reason| {
        StoreError::CorruptRecords(CorruptRecords {
            records: vec![CorruptRecord {
                store: RecordStore::Diagrams,
                key: id.to_owned(),
                reason,
            }],
        })
    })
}

fn collect_cells(data: &Data, id: &str) -> (Vec<Value>, Vec<CorruptRecord>) {
    let Some(cells) = data.cells.get(id) else {
        return (Vec::new(), Vec::new());
    };
    let mut collector = CellCollector::new(id, cells.len());
    for (cell_id, slot) in cells {
        let raw = match slot {
            Slot::Decoded(record) => RawCell::Decoded(record),
            Slot::Raw(Value::String(text)) => RawCell::Text(text),
            Slot::Raw(other) => RawCell::NotText(type_name(other)),
        };
        collector.push(Some(cell_id), raw);
    }
    collector.finish(|_| None)
}

/// A stored cell record a commit touches; one that cannot be read stops the commit.
fn decode_cell(
    diagram_id: &str,
    cell_id: &str,
    slot: &Slot<CellRecord>,
) -> Result<CellRecord, StoreError> {
    let decoded = match slot {
        Slot::Decoded(record) => Ok(record.clone()),
        Slot::Raw(Value::String(text)) => CellRecord::decode_for(text, cell_id),
        Slot::Raw(other) => Err(format!("not a cell record (found {})", type_name(other))),
    };
    decoded.map_err(|reason| {
        StoreError::CorruptRecords(CorruptRecords {
            records: vec![CorruptRecord {
                store: RecordStore::Cells,
                key: record_key::cell(diagram_id, cell_id),
                reason,
            }],
        })
    })
}

fn decode_oplog(
    diagram_id: &str,
    version: u64,
    slot: &Slot<OplogRecord>,
) -> Result<OplogRecord, CorruptRecord> {
    let decoded = match slot {
        Slot::Decoded(record) => Ok(record.clone()),
        Slot::Raw(Value::String(text)) => OplogRecord::decode(text, diagram_id, Some(version)),
        Slot::Raw(other) => Err(format!("not an op-log record (found {})", type_name(other))),
    };
    decoded.map_err(|reason| CorruptRecord {
        store: RecordStore::Oplog,
        key: record_key::oplog(diagram_id, version),
        reason,
    })
}

impl DiagramStore for MemoryStore {
    async fn list(&self) -> Result<Directory, StoreError> {
        self.open()?;
        let data = self.data.borrow();
        Ok(collect_directory(data.entries.values().map(Ok)))
    }

    async fn create(&self, diagram: NewDiagram) -> Result<DiagramEntry, StoreError> {
        self.open()?;
        let problems = validate_cells(&diagram.cells);
        if !problems.is_empty() {
            return Err(StoreError::InvalidDocument { problems });
        }
        let mut data = self.data.borrow_mut();
        let id = match &diagram.id {
            Some(id) => {
                checked_id(id)?;
                if data.entries.contains_key(id) {
                    return Err(StoreError::DiagramExists { id: id.clone() });
                }
                id.clone()
            }
            None => Self::fresh_id(&mut data),
        };
        let entry = new_entry(id.clone(), &diagram, self.clock.now())?;
        let cells = diagram
            .cells
            .into_iter()
            .enumerate()
            .map(|(order, cell)| {
                let record = CellRecord {
                    order: order as u64,
                    cell: SharedCell::new(cell),
                };
                let cell_id = crate::core::model::cell_id(&record.cell)
                    .unwrap_or_default()
                    .to_owned();
                (cell_id, Slot::Decoded(record))
            })
            .collect::<BTreeMap<_, _>>();
        let record = EntryRecord::new(entry.clone(), cells.len() as u64);
        data.entries.insert(id.clone(), record.encode());
        data.cells.insert(id.clone(), cells);
        data.oplog.remove(&id);
        Ok(entry)
    }

    async fn update_entry(
        &self,
        id: &str,
        update: EntryUpdate,
    ) -> Result<DiagramEntry, StoreError> {
        self.open()?;
        let mut data = self.data.borrow_mut();
        let mut record = entry_record(&data, id)?;
        update.apply(&mut record.entry, self.clock.now())?;
        data.entries.insert(id.to_owned(), record.encode());
        Ok(record.entry)
    }

    async fn duplicate(&self, id: &str, name: Option<&str>) -> Result<DiagramEntry, StoreError> {
        self.open()?;
        let mut data = self.data.borrow_mut();
        let source = entry_record(&data, id)?;
        let (cells, skipped) = collect_cells(&data, id);
        if let Some(report) = CorruptRecords::from_list(skipped) {
            return Err(report.into());
        }
        let new_id = Self::fresh_id(&mut data);
        let entry = duplicate_entry(&source.entry, new_id.clone(), name, self.clock.now())?;
        let copies = cells
            .into_iter()
            .enumerate()
            .map(|(order, cell)| {
                let cell_id = crate::core::model::cell_id(&cell)
                    .unwrap_or_default()
                    .to_owned();
                let record = CellRecord {
                    order: order as u64,
                    cell: SharedCell::new(cell),
                };
                (cell_id, Slot::Decoded(record))
            })
            .collect::<BTreeMap<_, _>>();
        let record = EntryRecord::new(entry.clone(), copies.len() as u64);
        data.entries.insert(new_id.clone(), record.encode());
        data.cells.insert(new_id, copies);
        Ok(entry)
    }

    async fn delete(&self, id: &str) -> Result<(), StoreError> {
        self.open()?;
        let mut data = self.data.borrow_mut();
        let had_entry = data.entries.remove(id).is_some();
        // Orphaned cells and op-log records go too, even without an entry.
        data.cells.remove(id);
        data.oplog.remove(id);
        if had_entry {
            Ok(())
        } else {
            Err(StoreError::DiagramNotFound { id: id.to_owned() })
        }
    }

    async fn load(&self, id: &str) -> Result<LoadedDiagram, StoreError> {
        self.open()?;
        let data = self.data.borrow();
        let record = entry_record(&data, id)?;
        let (cells, skipped) = collect_cells(&data, id);
        Ok(LoadedDiagram {
            version: record.entry.version,
            head_hash: record.head(),
            entry: record.entry,
            cells,
            skipped,
        })
    }

    async fn commit(&self, commit: &Commit) -> Result<Committed, StoreError> {
        commit.validate()?;
        self.open()?;
        let now = self.clock.now();
        let mut data = self.data.borrow_mut();
        let id = commit.diagram_id.as_str();
        let mut record = entry_record(&data, id)?;
        check_base(record.entry.version, commit.base_version)?;
        let version = commit.new_version()?;
        let stored_cells = data.cells.get(id);
        let mut stored = Vec::new();
        for cell_id in commit.touched() {
            let slot = stored_cells.and_then(|cells| cells.get(cell_id));
            stored.push(
                slot.map(|slot| decode_cell(id, cell_id, slot))
                    .transpose()?,
            );
        }
        let writes = commit.writes(stored, &mut record.next_order)?;
        let hash = commit.link(record.head())?;
        let oplog_record = commit.oplog_record(now, hash)?;
        // Every check has passed: from here on the commit is written as a whole.
        let cells = data.cells.entry(id.to_owned()).or_default();
        for write in writes {
            match write {
                CellWrite::Put { id, record } => {
                    cells.insert(id, Slot::Decoded(record));
                }
                CellWrite::Delete { id } => {
                    cells.remove(&id);
                }
            }
        }
        let log = data.oplog.entry(id.to_owned()).or_default();
        log.insert(version, Slot::Decoded(oplog_record));
        if let Some(through) = self.window.compact_through(version) {
            *log = log.split_off(&(through + 1));
        }
        record.entry.version = version;
        record.entry.updated_at = now;
        record.head_hash = Some(hash);
        data.entries.insert(id.to_owned(), record.encode());
        Ok(Committed { version, hash })
    }

    async fn claim_handoff(&self, id: &str, from_tab: &str) -> Result<bool, StoreError> {
        self.open()?;
        let mut data = self.data.borrow_mut();
        let mut record = entry_record(&data, id)?;
        let claimed = record.claim_handoff(from_tab);
        if claimed {
            data.entries.insert(id.to_owned(), record.encode());
        }
        Ok(claimed)
    }

    async fn oplog_since(&self, id: &str, after_version: u64) -> Result<OplogSince, StoreError> {
        self.open()?;
        let data = self.data.borrow();
        let stored = entry_record(&data, id)?.entry.version;
        let read: Vec<Result<OplogRecord, CorruptRecord>> = match data.oplog.get(id) {
            None => Vec::new(),
            Some(log) => log
                .range(after_version.saturating_add(1)..)
                .map(|(version, slot)| decode_oplog(id, *version, slot))
                .collect(),
        };
        Ok(collect_since(after_version, stored, read))
    }

    fn close(&self) {
        self.closed.set(true);
    }

    fn is_closed(&self) -> bool {
        self.closed.get()
    }
}
