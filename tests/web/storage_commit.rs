//! A commit is one readwrite transaction with the stale check: a commit based on an old
//! version fails with STALE_VERSION and writes nothing.

use diagram_state::core::error::ErrorCode;
use diagram_state::core::model::Change;
use diagram_state::core::storage::{ChainHash, Commit, DiagramStore, OplogSince, StoreError};
use serde_json::json;
use wasm_bindgen_test::wasm_bindgen_test;

use crate::storage_support::{
    bounded, create, delete_database, move_commit, node, open_store, unique_name,
};

#[wasm_bindgen_test]
async fn a_stale_base_commit_fails_and_writes_nothing() {
    let name = unique_name("stale");
    let tab_a = open_store(&name).await;
    let tab_b = open_store(&name).await;
    let (a, b) = (node("a", 1), node("b", 2));
    let id = create(&tab_a, "Flow", vec![a.clone(), b.clone()]).await;

    let from_a = move_commit(&id, 0, "tab-a", &a, 10);
    let from_b = move_commit(&id, 0, "tab-b", &b, 20);
    assert_eq!(
        bounded("tab a commits", tab_a.commit(&from_a))
            .await
            .map(|c| c.version),
        Ok(1)
    );
    let refused = bounded("tab b commits", tab_b.commit(&from_b)).await;
    assert_eq!(
        refused,
        Err(StoreError::StaleVersion { base: 0, stored: 1 })
    );
    assert_eq!(refused.unwrap_err().code(), "STALE_VERSION");

    let loaded = bounded("load", tab_b.load(&id)).await.expect("loads");
    assert_eq!(loaded.version, 1);
    assert_eq!(loaded.cells[0]["position"]["x"], 10);
    assert_eq!(
        loaded.cells[1]["position"]["x"], 2,
        "tab b's change was not written"
    );
    match bounded("op log", tab_b.oplog_since(&id, 0))
        .await
        .expect("reads")
    {
        OplogSince::Records { records } => {
            assert_eq!(records.len(), 1, "no op-log record for the refused commit");
            assert_eq!(records[0].tab_id, "tab-a");
        }
        other => panic!("expected records, got {other:?}"),
    }

    // Rebased on the stored version, tab b's change commits.
    let rebased = Commit {
        base_version: 1,
        ..from_b
    };
    assert_eq!(
        bounded("rebased commit", tab_b.commit(&rebased))
            .await
            .map(|c| c.version),
        Ok(2)
    );
    drop(tab_a);
    drop(tab_b);
    delete_database(&name).await;
}

#[wasm_bindgen_test]
async fn a_commit_adds_updates_and_deletes_cells_together() {
    let name = unique_name("commit");
    let store = open_store(&name).await;
    let id = create(&store, "Flow", vec![node("a", 1), node("b", 2)]).await;
    let changes = vec![
        Change::add(node("c", 3)),
        Change::update("a", "position/x", Some(json!(1)), Some(json!(9))),
        Change::remove(node("b", 2)),
    ];
    let commit = Commit::new(&id, 0, "tab", changes);
    let committed = bounded("commit", store.commit(&commit))
        .await
        .expect("commits");
    assert_eq!(committed.version, 1);
    assert_eq!(
        committed.hash,
        ChainHash::start(0).next(1, "tab", &commit.changes, &[])
    );
    let loaded = bounded("load", store.load(&id)).await.expect("loads");
    let ids: Vec<&str> = loaded
        .cells
        .iter()
        .map(|cell| cell["id"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        ids,
        ["a", "c"],
        "a keeps its place; the new cell comes last"
    );
    assert_eq!(loaded.cells[0]["position"]["x"], 9);
    assert_eq!(loaded.entry.version, 1);
    assert_eq!(loaded.head_hash, committed.hash);
    match bounded("op log", store.oplog_since(&id, 0))
        .await
        .expect("reads")
    {
        OplogSince::Records { records } => assert_eq!(records[0].hash, Some(committed.hash)),
        other => panic!("expected records, got {other:?}"),
    }

    let invalid = Commit::new(&id, 1, "tab", vec![Change::add(json!({ "shape": "rect" }))]);
    let error = bounded("invalid commit", store.commit(&invalid))
        .await
        .unwrap_err();
    assert_eq!(error.code(), "INVALID_COMMIT");
    let missing = Commit::new("nope", 0, "tab", vec![]);
    let error = bounded("missing diagram", store.commit(&missing))
        .await
        .unwrap_err();
    assert_eq!(error.code(), "DIAGRAM_NOT_FOUND");
    assert_eq!(
        bounded("load", store.load(&id))
            .await
            .expect("loads")
            .version,
        1
    );
    drop(store);
    delete_database(&name).await;
}

/// The demo's three diagrams: a tab whose copy of a cell is behind writes only the leaf it
/// changed; a change made on a value the store does not hold is refused as out of step.
#[wasm_bindgen_test]
async fn a_commit_writes_leaves_into_the_stored_cell_or_is_out_of_step() {
    let name = unique_name("leaves");
    let store = open_store(&name).await;
    let user = json!({ "id": "user", "position": { "x": 0 }, "label": "User" });
    let id = create(&store, "Flow", vec![user]).await;
    let rename = Change::update("user", "label", Some(json!("User")), Some(json!("second")));
    bounded(
        "rename",
        store.commit(&Commit::new(&id, 0, "tab-a", vec![rename])),
    )
    .await
    .expect("commits");
    let moved = Change::update("user", "position/x", Some(json!(0)), Some(json!(120)));
    bounded(
        "move",
        store.commit(&Commit::new(&id, 1, "tab-b", vec![moved])),
    )
    .await
    .expect("commits");
    let loaded = bounded("load", store.load(&id)).await.expect("loads");
    assert_eq!(
        loaded.cells,
        [json!({ "id": "user", "position": { "x": 120 }, "label": "second" })]
    );

    // B still believes the label is "first": its rename back is out of step.
    let stale = Change::update("user", "label", Some(json!("first")), Some(json!("third")));
    let refused = bounded(
        "stale rename",
        store.commit(&Commit::new(&id, 2, "tab-b", vec![stale])),
    )
    .await
    .unwrap_err();
    assert_eq!(refused.code(), "OUT_OF_STEP");
    let after = bounded("load", store.load(&id)).await.expect("loads");
    assert_eq!((after.version, &after.cells), (2, &loaded.cells));
    drop(store);
    delete_database(&name).await;
}
