#![cfg(not(target_arch = "wasm32"))]
//! Local diagrams in the in-memory store: the directory, commits and the stale check, the
//! op-log window, corrupt records, X6 documents, injected faults. The IndexedDB store
//! follows the same rules (tests/web/storage_*.rs).

use std::cell::Cell;
use std::future::Future;
use std::rc::Rc;
use std::task::{Context, Poll, RawWaker, RawWakerVTable, Waker};

use diagram_state::core::error::ErrorCode;
use diagram_state::core::model::{Change, Diagram};
use diagram_state::core::storage::{
    ChainHash, Commit, DiagramStore, EntryUpdate, FaultyStore, MemoryStore, NewDiagram,
    NotCoveredReason, Operation, OplogRecord, OplogSince, OplogWindow, RecordStore, StorageType,
    StoreError,
};
use serde_json::{json, Value};

/// Runs a future of the memory store, which never waits.
fn block_on<F: Future>(future: F) -> F::Output {
    fn raw() -> RawWaker {
        RawWaker::new(std::ptr::null(), &VTABLE)
    }
    static VTABLE: RawWakerVTable = RawWakerVTable::new(|_| raw(), |_| {}, |_| {}, |_| {});
    // SAFETY: the vtable's functions do nothing and never touch the data pointer.
    let waker = unsafe { Waker::from_raw(raw()) };
    let mut future = std::pin::pin!(future);
    match future.as_mut().poll(&mut Context::from_waker(&waker)) {
        Poll::Ready(value) => value,
        Poll::Pending => panic!("the memory store never waits"),
    }
}

/// A store whose clock the test moves.
fn store_with_window(window: u64) -> (MemoryStore, Rc<Cell<f64>>) {
    let time = Rc::new(Cell::new(1000.0));
    let clock = Rc::clone(&time);
    (
        MemoryStore::with_window(move || clock.get(), OplogWindow::new(window)),
        time,
    )
}

fn store() -> MemoryStore {
    store_with_window(200).0
}

fn node(id: &str, x: i64) -> Value {
    json!({ "id": id, "shape": "rect", "position": { "x": x, "y": 0 }, "size": { "width": 80, "height": 40 } })
}

fn edge(id: &str, source: &str, target: &str) -> Value {
    json!({ "id": id, "shape": "edge", "source": { "cell": source }, "target": { "cell": target } })
}

fn create(store: &impl DiagramStore, name: &str, cells: Vec<Value>) -> String {
    let diagram = NewDiagram {
        cells,
        ..NewDiagram::local(name)
    };
    block_on(store.create(diagram)).unwrap().id
}

fn ids(cells: &[Value]) -> Vec<&str> {
    cells
        .iter()
        .map(|cell| cell["id"].as_str().unwrap())
        .collect()
}

/// The commit of one position change of `id` in a diagram loaded from `store`.
fn move_commit(store: &impl DiagramStore, diagram_id: &str, id: &str, x: i64) -> Commit {
    let loaded = block_on(store.load(diagram_id)).unwrap();
    let mut diagram = loaded.to_diagram().unwrap();
    let change = Change::update(id, "position/x", None, Some(json!(x)));
    let applied = diagram.apply_all(vec![change]).unwrap();
    Commit::new(diagram_id, loaded.version, "tab-a", applied)
}

/// The op-log records after `after` (which the log must cover).
fn records(store: &impl DiagramStore, id: &str, after: u64) -> Vec<OplogRecord> {
    match block_on(store.oplog_since(id, after)).unwrap() {
        OplogSince::Records { records } => records,
        other => panic!("expected records, got {other:?}"),
    }
}

#[test]
fn the_directory_creates_lists_renames_duplicates_and_deletes() {
    let (store, time) = store_with_window(200);
    let first = create(&store, "First", vec![node("a", 1)]);
    time.set(2000.0);
    let second = create(&store, "Second", vec![]);

    let names = |store: &MemoryStore| -> Vec<String> {
        let directory = block_on(store.list()).unwrap();
        assert!(directory.skipped.is_empty());
        directory
            .diagrams
            .into_iter()
            .map(|entry| entry.name)
            .collect()
    };
    assert_eq!(
        names(&store),
        ["Second", "First"],
        "most recently updated first"
    );

    time.set(3000.0);
    let renamed = block_on(store.rename(&first, "  Renamed ")).unwrap();
    assert_eq!(
        (renamed.name.as_str(), renamed.updated_at),
        ("Renamed", 3000.0)
    );
    assert_eq!(
        block_on(store.rename(&first, "")).unwrap_err().code(),
        "INVALID_NAME"
    );

    time.set(4000.0);
    let copy = block_on(store.duplicate(&first, None)).unwrap();
    assert_eq!(copy.name, "Renamed (copy)");
    assert_eq!(copy.version, 0);
    assert_ne!(copy.id, first);
    let copied = block_on(store.load(&copy.id)).unwrap();
    assert_eq!(copied.cells, [node("a", 1)]);

    block_on(store.delete(&second)).unwrap();
    assert_eq!(names(&store), ["Renamed (copy)", "Renamed"]);
    assert_eq!(
        block_on(store.delete(&second)).unwrap_err().code(),
        "DIAGRAM_NOT_FOUND"
    );
    assert_eq!(
        block_on(store.load(&second)).unwrap_err().code(),
        "DIAGRAM_NOT_FOUND"
    );
}

#[test]
fn new_diagrams_start_at_version_zero_with_their_cells_in_order() {
    let store = store();
    let cells = vec![node("z", 1), node("a", 2), edge("e", "z", "a")];
    let id = create(&store, "Flow", cells.clone());
    let loaded = block_on(store.load(&id)).unwrap();
    assert!(loaded.is_complete());
    assert_eq!(loaded.version, 0);
    assert_eq!(loaded.entry.storage_type, StorageType::Local);
    assert_eq!(loaded.cells, cells, "the creation order, not the id order");
}

#[test]
fn a_commit_writes_the_touched_cells_and_bumps_the_version() {
    let store = store();
    let id = create(&store, "Flow", vec![node("a", 1), node("b", 2)]);
    let commit = move_commit(&store, &id, "a", 50);
    assert_eq!(block_on(store.commit(&commit)).unwrap().version, 1);

    // Add a cell and remove another in the next commit.
    let loaded = block_on(store.load(&id)).unwrap();
    let mut diagram = loaded.to_diagram().unwrap();
    let applied = diagram
        .apply_all(vec![
            Change::add(node("c", 3)),
            Change::remove(node("b", 2)),
        ])
        .unwrap();
    let commit = Commit::new(&id, 1, "tab-a", applied);
    assert_eq!(block_on(store.commit(&commit)).unwrap().version, 2);

    let loaded = block_on(store.load(&id)).unwrap();
    assert_eq!(loaded.version, 2);
    assert_eq!(loaded.entry.version, 2);
    assert_eq!(
        ids(&loaded.cells),
        ["a", "c"],
        "a keeps its place, c comes last"
    );
    assert_eq!(loaded.cells[0]["position"]["x"], json!(50));
}

#[test]
fn a_stale_commit_writes_nothing_and_reports_the_stored_version() {
    let store = store();
    let id = create(&store, "Flow", vec![node("a", 1), node("b", 2)]);
    let tab_a = move_commit(&store, &id, "a", 10);
    let tab_b = move_commit(&store, &id, "b", 20);
    block_on(store.commit(&tab_a)).unwrap();

    let error = block_on(store.commit(&tab_b)).unwrap_err();
    assert_eq!(error, StoreError::StaleVersion { base: 0, stored: 1 });
    assert_eq!(error.code(), "STALE_VERSION");
    let loaded = block_on(store.load(&id)).unwrap();
    assert_eq!(loaded.version, 1);
    assert_eq!(loaded.cells[1]["position"]["x"], json!(2), "b unchanged");
    match block_on(store.oplog_since(&id, 0)).unwrap() {
        OplogSince::Records { records } => {
            assert_eq!(records.len(), 1);
            assert_eq!(records[0].tab_id, "tab-a");
        }
        other => panic!("expected records, got {other:?}"),
    }

    // Rebased on the stored version, the same changes commit.
    let rebased = Commit {
        base_version: 1,
        ..tab_b
    };
    assert_eq!(block_on(store.commit(&rebased)).unwrap().version, 2);
}

#[test]
fn invalid_commits_are_refused_before_anything_is_read_or_written() {
    let store = store();
    let id = create(&store, "Flow", vec![node("a", 1)]);
    let nameless = Commit::new(&id, 0, "t", vec![Change::add(json!({ "shape": "rect" }))]);
    assert_eq!(
        block_on(store.commit(&nameless)).unwrap_err().code(),
        "INVALID_COMMIT"
    );
    let missing = Commit::new("nope", 0, "t", vec![]);
    assert_eq!(
        block_on(store.commit(&missing)).unwrap_err().code(),
        "DIAGRAM_NOT_FOUND"
    );
    assert_eq!(block_on(store.load(&id)).unwrap().version, 0);
}

/// The demo's three diagrams: B's copy of "User" still had the old label when B moved it.
/// Its commit writes the position it changed into the stored cell, not its whole copy.
#[test]
fn a_commit_writes_the_changed_leaves_into_the_stored_cell() {
    let store = store();
    let user = json!({ "id": "user", "position": { "x": 0, "y": 0 }, "label": "User" });
    let id = create(&store, "Flow", vec![user.clone()]);
    let rename = Change::update("user", "label", Some(json!("User")), Some(json!("second")));
    block_on(store.commit(&Commit::new(&id, 0, "tab-a", vec![rename]))).unwrap();
    // B, on version 1, moves the cell.
    let mut b_copy = Diagram::from_cells(vec![user], 1).unwrap();
    let moved = b_copy
        .apply_all(vec![Change::update(
            "user",
            "position/x",
            None,
            Some(json!(120)),
        )])
        .unwrap();
    block_on(store.commit(&Commit::new(&id, 1, "tab-b", moved))).unwrap();
    let loaded = block_on(store.load(&id)).unwrap();
    assert_eq!(
        loaded.cells,
        [json!({ "id": "user", "position": { "x": 120, "y": 0 }, "label": "second" })]
    );
}

#[test]
fn changes_that_do_not_fit_the_stored_cells_are_refused_as_out_of_step() {
    let store = store();
    let id = create(&store, "Flow", vec![node("a", 1), node("b", 2)]);
    let refused = |changes: Vec<Change>| {
        let error = block_on(store.commit(&Commit::new(&id, 0, "t", changes))).unwrap_err();
        assert_eq!(error.code(), "OUT_OF_STEP", "{error}");
        assert!(!error.is_retryable());
        error.to_string()
    };
    // The tab saw x = 7 where the store has 1: it is out of step.
    let stale = Change::update("a", "position/x", Some(json!(7)), Some(json!(8)));
    assert!(refused(vec![stale]).contains("stored as 1, not 7"));
    assert!(refused(vec![Change::add(node("a", 1))]).contains("already stored"));
    assert!(refused(vec![Change::remove(node("b", 99))]).contains("other contents"));
    let ghost = Change::update("ghost", "position/x", None, Some(json!(1)));
    // A later change that does not fit refuses the whole commit: nothing is written.
    let fine = Change::update("a", "position/x", Some(json!(1)), Some(json!(5)));
    assert!(refused(vec![fine, ghost]).contains("'ghost' is not stored"));
    let loaded = block_on(store.load(&id)).unwrap();
    assert_eq!(loaded.version, 0);
    assert_eq!(loaded.cells, [node("a", 1), node("b", 2)]);
    assert!(records(&store, &id, 0).is_empty());
}

#[test]
fn every_commit_is_a_link_of_the_hash_chain() {
    let store = store();
    let id = create(&store, "Flow", vec![node("a", 0)]);
    assert_eq!(
        block_on(store.load(&id)).unwrap().head_hash,
        ChainHash::start(0)
    );
    let first = move_commit(&store, &id, "a", 1);
    let committed = block_on(store.commit(&first)).unwrap();
    let expected = ChainHash::start(0).next(1, "tab-a", &first.changes, &[]);
    assert_eq!(committed.hash, expected);
    let second = move_commit(&store, &id, "a", 2);
    let again = block_on(store.commit(&second)).unwrap();
    assert_eq!(again.hash, expected.next(2, "tab-a", &second.changes, &[]));
    let logged: Vec<Option<ChainHash>> = records(&store, &id, 0).iter().map(|r| r.hash).collect();
    assert_eq!(logged, [Some(committed.hash), Some(again.hash)]);
    assert_eq!(block_on(store.load(&id)).unwrap().head_hash, again.hash);
    // Renaming keeps the head.
    block_on(store.rename(&id, "Renamed")).unwrap();
    assert_eq!(block_on(store.load(&id)).unwrap().head_hash, again.hash);
}

#[test]
fn diagrams_and_records_stored_without_hashes_still_read_and_chain_on() {
    let store = store();
    // As an older build left them: version 2, no head hash, op-log records without one.
    store.put_raw_entry(
        "old",
        json!({ "id": "old", "name": "Old", "version": 2, "nextOrder": 1 }),
    );
    store.put_raw_cell(
        "old",
        "a",
        json!(r#"{"order":0,"cell":{"id":"a","label":"x"}}"#),
    );
    store.put_raw_oplog(
        "old",
        2,
        json!(r#"{"diagramId":"old","version":2,"tabId":"t","committedAt":0,"changes":[]}"#),
    );
    let loaded = block_on(store.load("old")).unwrap();
    assert_eq!(loaded.head_hash, ChainHash::start(2));
    assert_eq!(records(&store, "old", 1)[0].hash, None);
    let rename = Change::update("a", "label", Some(json!("x")), Some(json!("y")));
    let commit = Commit::new("old", 2, "tab-a", vec![rename]);
    let committed = block_on(store.commit(&commit)).unwrap();
    assert_eq!(
        committed.hash,
        ChainHash::start(2).next(3, "tab-a", &commit.changes, &[])
    );
    assert_eq!(
        block_on(store.load("old")).unwrap().head_hash,
        committed.hash
    );
}

#[test]
fn the_op_log_keeps_a_bounded_window_and_says_when_it_cannot_fill_a_gap() {
    let (store, _) = store_with_window(3);
    let id = create(&store, "Flow", vec![node("a", 0)]);
    for x in 1..=5 {
        let commit = move_commit(&store, &id, "a", x);
        block_on(store.commit(&commit)).unwrap();
    }
    let versions = |after: u64| match block_on(store.oplog_since(&id, after)).unwrap() {
        OplogSince::Records { records } => {
            Some(records.iter().map(|r| r.version).collect::<Vec<_>>())
        }
        OplogSince::NotCovered { stored, reason } => {
            assert_eq!(stored, 5);
            assert_eq!(reason, NotCoveredReason::Compacted);
            None
        }
    };
    assert_eq!(versions(2), Some(vec![3, 4, 5]));
    assert_eq!(versions(4), Some(vec![5]));
    assert_eq!(versions(5), Some(vec![]));
    assert_eq!(versions(1), None, "version 2 was compacted away");
    assert!(matches!(
        block_on(store.oplog_since(&id, 9)).unwrap(),
        OplogSince::NotCovered {
            reason: NotCoveredReason::Ahead,
            ..
        }
    ));
    // The records carry the changes, as applied.
    let OplogSince::Records { records } = block_on(store.oplog_since(&id, 4)).unwrap() else {
        panic!("expected records");
    };
    assert_eq!(
        records[0].changes,
        [Change::update(
            "a",
            "position/x",
            Some(json!(4)),
            Some(json!(5))
        )]
    );
}

#[test]
fn corrupt_records_are_skipped_listed_and_never_passed_off_as_complete() {
    let store = store();
    let id = create(&store, "Flow", vec![node("a", 1), node("b", 2)]);
    store.put_raw_cell(&id, "c", json!({ "id": "c" }));
    store.put_raw_cell(&id, "d", json!("{broken"));
    store.put_raw_cell(&id, "e", json!(r#"{"order":9,"cell":{"id":"e"}}"#));

    let loaded = block_on(store.load(&id)).unwrap();
    assert!(!loaded.is_complete());
    assert_eq!(
        ids(&loaded.cells),
        ["a", "b", "e"],
        "a valid raw record reads fine"
    );
    let keys: Vec<String> = loaded
        .skipped
        .iter()
        .map(|r| format!("{}:{}", r.store, r.key))
        .collect();
    assert_eq!(keys, [format!("cells:{id}/c"), format!("cells:{id}/d")]);
    assert_eq!(loaded.corruption().unwrap().code(), "CORRUPT_RECORDS");

    // An incomplete diagram is neither exported nor duplicated.
    assert_eq!(
        block_on(store.export_document(&id)).unwrap_err().code(),
        "CORRUPT_RECORDS"
    );
    assert_eq!(
        block_on(store.duplicate(&id, None)).unwrap_err().code(),
        "CORRUPT_RECORDS"
    );

    // Wrongly shaped directory records are listed, the others still are.
    store.put_raw_entry("bad", json!({ "id": "bad", "name": 42 }));
    store.put_raw_entry("old", json!({ "id": "old", "name": "Old", "createdAt": 1 }));
    let directory = block_on(store.list()).unwrap();
    assert_eq!(directory.diagrams.len(), 2);
    assert_eq!(directory.skipped[0].store, RecordStore::Diagrams);
    assert_eq!(directory.skipped[0].key, "bad");
    assert!(directory.skipped[0].reason.contains("`name`"));
    assert_eq!(
        block_on(store.load("bad")).unwrap_err().code(),
        "CORRUPT_RECORDS"
    );

    // A corrupt op-log record makes the gap uncoverable instead of skipping a version.
    store.put_raw_oplog(&id, 1, json!("not json"));
    store.put_raw_entry(&id, json!({ "id": id, "name": "Flow", "version": 1 }));
    assert!(matches!(
        block_on(store.oplog_since(&id, 0)).unwrap(),
        OplogSince::NotCovered {
            reason: NotCoveredReason::Corrupt,
            ..
        }
    ));

    // Deleting cleans up even a corrupt diagram.
    block_on(store.delete("bad")).unwrap();
    assert!(block_on(store.list()).unwrap().skipped.is_empty());
}

#[test]
fn entries_without_a_storage_type_read_as_public() {
    let store = store();
    store.put_raw_entry(
        "legacy",
        json!({ "id": "legacy", "name": "Shared", "createdAt": 5 }),
    );
    let loaded = block_on(store.load("legacy")).unwrap();
    assert_eq!(loaded.entry.storage_type, StorageType::Public);
    assert!(loaded.cells.is_empty() && loaded.is_complete());
}

#[test]
fn sync_tracking_fields_are_set_and_cleared_without_touching_the_version() {
    let store = store();
    let id = create(&store, "Flow", vec![]);
    let update = EntryUpdate {
        storage_type: Some(StorageType::Public),
        public_copy_id: Some(Some("pub-1".into())),
        last_pushed_at: Some(Some(77.0)),
        public_version: Some(Some(3)),
        pushed_version: Some(Some(0)),
        ..EntryUpdate::default()
    };
    let entry = block_on(store.update_entry(&id, update)).unwrap();
    assert_eq!(entry.public_copy_id.as_deref(), Some("pub-1"));
    assert_eq!(entry.version, 0);
    let listed = &block_on(store.list()).unwrap().diagrams[0];
    assert_eq!(listed, &entry);
    let value = serde_json::to_value(listed).unwrap();
    assert_eq!(value["publicCopyId"], json!("pub-1"));
    assert_eq!(value["lastPushedAt"], json!(77.0));
    assert_eq!(value["pushedVersion"], json!(0));
    assert!(value.get("lastPulledAt").is_none());
    // An entry written before `pushedVersion` existed reads without it.
    store.put_raw_entry(
        "older",
        json!({ "id": "older", "name": "Old", "publicVersion": 4 }),
    );
    let older = block_on(store.load("older")).unwrap().entry;
    assert_eq!(
        (older.public_version, older.pushed_version),
        (Some(4), None)
    );

    let clear = EntryUpdate {
        public_copy_id: Some(None),
        ..EntryUpdate::default()
    };
    assert_eq!(
        block_on(store.update_entry(&id, clear))
            .unwrap()
            .public_copy_id,
        None
    );
}

#[test]
fn import_then_export_gives_back_the_document() {
    let store = store();
    let document = json!({ "cells": [
        node("n2", 10),
        { "id": "g", "shape": "rect", "children": ["n2"], "zIndex": -1 },
        node("n1", 20),
        edge("e1", "n2", "n1"),
        { "id": "e2", "shape": "edge", "source": "n1", "target": { "x": 4.25, "y": -1 },
          "vertices": [{ "x": 1, "y": 2 }], "labels": [{ "attrs": { "text": { "text": "é ✓" } } }] },
    ] });
    let entry = block_on(store.import_document(&document, NewDiagram::local("Imported"))).unwrap();
    assert_eq!(entry.name, "Imported");
    assert_eq!(
        block_on(store.export_document(&entry.id)).unwrap(),
        document
    );
}

#[test]
fn a_bad_document_is_refused_with_every_problem_and_nothing_is_written() {
    let store = store();
    let document =
        json!({ "cells": [node("a", 1), { "shape": "rect" }, edge("e", "a", "zz"), node("a", 2)] });
    let error = block_on(store.import_document(&document, NewDiagram::local("Bad"))).unwrap_err();
    assert_eq!(error.code(), "INVALID_DOCUMENT");
    let StoreError::InvalidDocument { problems } = &error else {
        panic!("expected INVALID_DOCUMENT");
    };
    let listed: Vec<(Option<usize>, Option<&str>)> = problems
        .iter()
        .map(|p| (p.index, p.id.as_deref()))
        .collect();
    assert_eq!(
        listed,
        [(Some(1), None), (Some(2), Some("e")), (Some(3), Some("a"))]
    );
    assert!(error
        .to_string()
        .contains("cells[2] 'e': `target` refers to a missing cell 'zz'"));
    assert_eq!(
        serde_json::to_value(error.details().unwrap()).unwrap()["problems"][0],
        json!({ "index": 1, "problem": "a cell must have an \"id\"" })
    );
    assert!(block_on(store.list()).unwrap().diagrams.is_empty());

    let bad_cells = NewDiagram {
        cells: vec![json!("not a cell")],
        ..NewDiagram::local("Bad")
    };
    assert_eq!(
        block_on(store.create(bad_cells)).unwrap_err().code(),
        "INVALID_DOCUMENT"
    );
    assert!(block_on(store.list()).unwrap().diagrams.is_empty());
}

#[test]
fn a_quota_failure_keeps_the_commit_for_a_retry() {
    let store = FaultyStore::new(store());
    let id = create(&store, "Flow", vec![node("a", 1)]);
    let commit = move_commit(&store, &id, "a", 99);
    store.fail_next(
        Operation::Commit,
        StoreError::QuotaExceeded {
            message: "disk full".into(),
        },
    );
    let error = block_on(store.commit(&commit)).unwrap_err();
    assert_eq!(error.code(), "QUOTA_EXCEEDED");
    assert!(error.is_retryable());
    assert_eq!(
        block_on(store.load(&id)).unwrap().cells[0]["position"]["x"],
        json!(1)
    );

    // Later, the same commit goes through.
    assert_eq!(block_on(store.commit(&commit)).unwrap().version, 1);
    assert_eq!(
        block_on(store.load(&id)).unwrap().cells[0]["position"]["x"],
        json!(99)
    );
}

#[test]
fn a_closed_store_refuses_every_operation() {
    let store = store();
    let id = create(&store, "Flow", vec![]);
    store.close();
    assert!(store.is_closed());
    assert_eq!(block_on(store.list()).unwrap_err().code(), "STORE_CLOSED");
    assert_eq!(
        block_on(store.load(&id)).unwrap_err().code(),
        "STORE_CLOSED"
    );
}

#[test]
fn chosen_ids_must_be_free() {
    let store = store();
    let diagram = NewDiagram {
        id: Some("mine".into()),
        ..NewDiagram::local("Mine")
    };
    assert_eq!(block_on(store.create(diagram.clone())).unwrap().id, "mine");
    assert_eq!(
        block_on(store.create(diagram)).unwrap_err().code(),
        "DIAGRAM_EXISTS"
    );
}

#[test]
fn a_loaded_diagram_becomes_the_model_diagram() {
    let store = store();
    let id = create(&store, "Flow", vec![node("a", 1), edge("e", "a", "a")]);
    let diagram: Diagram = block_on(store.load(&id)).unwrap().to_diagram().unwrap();
    assert_eq!(diagram.len(), 2);
    assert_eq!(diagram.version(), 0);
}
