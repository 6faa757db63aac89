//! The op log keeps one record per committed version, compacted to a window; reading past
//! the window says so instead of returning a gap.

use diagram_state::core::model::Change;
use diagram_state::core::storage::{DiagramStore, NotCoveredReason, OplogSince, OplogWindow};
use diagram_state::platform::indexed_db::{schema, OpenOptions};
use serde_json::json;
use wasm_bindgen_test::wasm_bindgen_test;

use crate::storage_support::{
    bounded, create, delete_database, move_commit, node, open_with, raw_connection, raw_values,
    unique_name,
};

#[wasm_bindgen_test]
async fn the_op_log_is_compacted_to_its_window() {
    let name = unique_name("oplog");
    let store = open_with(OpenOptions {
        name: name.clone(),
        oplog_window: OplogWindow::new(3),
        ..OpenOptions::default()
    })
    .await;
    let mut cell = node("a", 0);
    let id = create(&store, "Flow", vec![cell.clone()]).await;
    for version in 0..5 {
        let commit = move_commit(
            &id,
            version,
            &format!("tab-{version}"),
            &cell,
            version as i64 + 1,
        );
        bounded("commit", store.commit(&commit))
            .await
            .expect("commits");
        cell["position"]["x"] = json!(version + 1);
    }

    let versions = |since: OplogSince| match since {
        OplogSince::Records { records } => Some(
            records
                .iter()
                .map(|record| record.version)
                .collect::<Vec<_>>(),
        ),
        OplogSince::NotCovered { stored, reason } => {
            assert_eq!((stored, reason), (5, NotCoveredReason::Compacted));
            None
        }
    };
    let since = |after: u64| bounded("op log", store.oplog_since(&id, after));
    assert_eq!(
        versions(since(2).await.expect("reads")),
        Some(vec![3, 4, 5])
    );
    assert_eq!(versions(since(5).await.expect("reads")), Some(vec![]));
    assert_eq!(
        versions(since(1).await.expect("reads")),
        None,
        "version 2 was compacted"
    );

    let OplogSince::Records { records } = since(4).await.expect("reads") else {
        panic!("expected records");
    };
    assert_eq!(records[0].tab_id, "tab-4");
    assert_eq!(
        records[0].changes,
        [Change::update(
            "a",
            "position/x",
            Some(json!(4)),
            Some(json!(5))
        )]
    );

    // Only the window is stored.
    let raw = raw_connection(&name).await;
    assert_eq!(raw_values(&raw, schema::OPLOG).await.len(), 3);
    raw.close();
    drop(store);
    delete_database(&name).await;
}

#[wasm_bindgen_test]
async fn a_version_ahead_of_the_store_is_not_covered() {
    let name = unique_name("ahead");
    let store = crate::storage_support::open_store(&name).await;
    let id = create(&store, "Flow", vec![]).await;
    let since = bounded("op log", store.oplog_since(&id, 7))
        .await
        .expect("reads");
    assert!(matches!(
        since,
        OplogSince::NotCovered {
            stored: 0,
            reason: NotCoveredReason::Ahead
        }
    ));
    drop(store);
    delete_database(&name).await;
}
