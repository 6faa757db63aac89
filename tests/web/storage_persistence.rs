//! Diagrams in IndexedDB survive closing and reopening, and a commit is visible to another
//! connection as soon as it resolves.

use diagram_state::core::storage::DiagramStore;
use wasm_bindgen_test::wasm_bindgen_test;

use crate::storage_support::{
    bounded, create, delete_database, edge, move_commit, node, open_store, unique_name,
};

#[wasm_bindgen_test]
async fn a_committed_change_survives_reopening() {
    let name = unique_name("persist");
    let store = open_store(&name).await;
    let cells = vec![node("b", 1), node("a", 2), edge("e", "b", "a")];
    let id = create(&store, "Flow", cells.clone()).await;
    let commit = move_commit(&id, 0, "tab-1", &cells[1], 75);
    assert_eq!(
        bounded("commit", store.commit(&commit))
            .await
            .map(|c| c.version),
        Ok(1)
    );
    store.close();
    drop(store);

    let reopened = open_store(&name).await;
    let loaded = bounded("load", reopened.load(&id)).await.expect("loads");
    assert!(loaded.is_complete());
    assert_eq!(loaded.version, 1);
    assert_eq!(loaded.entry.name, "Flow");
    let ids: Vec<&str> = loaded
        .cells
        .iter()
        .map(|cell| cell["id"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(ids, ["b", "a", "e"], "the creation order is kept");
    assert_eq!(loaded.cells[1]["position"]["x"], 75);
    assert_eq!(loaded.cells[0], cells[0]);
    drop(reopened);
    delete_database(&name).await;
}

#[wasm_bindgen_test]
async fn a_commit_is_visible_to_another_tab_as_soon_as_it_resolves() {
    let name = unique_name("visible");
    let tab_a = open_store(&name).await;
    let tab_b = open_store(&name).await;
    let cell = node("n", 0);
    let id = create(&tab_a, "Flow", vec![cell.clone()]).await;
    let commit = move_commit(&id, 0, "tab-a", &cell, 10);
    bounded("commit", tab_a.commit(&commit))
        .await
        .expect("commits");
    // No debounce, no flush: the other connection reads it right away.
    let seen = bounded("load in tab b", tab_b.load(&id))
        .await
        .expect("loads");
    assert_eq!(seen.version, 1);
    assert_eq!(seen.cells[0]["position"]["x"], 10);
    drop(tab_a);
    drop(tab_b);
    delete_database(&name).await;
}

#[wasm_bindgen_test]
async fn a_large_first_save_loads_back_whole_and_in_order() {
    let name = unique_name("large");
    let store = open_store(&name).await;
    // Ids in reverse order of creation, so key order and creation order differ.
    let cells: Vec<_> = (0..2000)
        .rev()
        .map(|index| node(&format!("n{index:05}"), index))
        .collect();
    let id = create(&store, "Big", cells.clone()).await;
    let loaded = bounded("load", store.load(&id)).await.expect("loads");
    assert!(loaded.is_complete());
    assert_eq!(loaded.cells, cells);
    drop(store);
    delete_database(&name).await;
}
