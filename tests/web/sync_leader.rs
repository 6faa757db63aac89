//! The saving tab: leader election per diagram with Web Locks, and the heartbeat fallback,
//! in one page: one leader at a time, hand-over within a second when it goes.

use std::cell::Cell;
use std::rc::Rc;

use diagram_state::platform::leader::{lock_name, LeaderElection, LeaderMode};
use js_sys::{Array, Function, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

use crate::support::within;
use crate::sync_support::{sleep, unique_diagram, Signal};

/// Waits until `count` requests for the lock `name` wait in the browser's queue (the
/// browser answers `query()` asynchronously), failing after a second.
async fn waiting_count_is(name: &str, count: usize) {
    let mut seen = 0;
    for _ in 0..100 {
        seen = waiting(name).await;
        if seen == count {
            return;
        }
        sleep(10).await;
    }
    panic!("{seen} requests for {name} wait, expected {count}");
}

/// How many requests for the lock `name` are waiting (`navigator.locks.query()`).
async fn waiting(name: &str) -> usize {
    let navigator = web_sys::window().expect("window").navigator();
    let locks = Reflect::get(&navigator, &"locks".into()).expect("locks");
    let query: Function = Reflect::get(&locks, &"query".into())
        .expect("query")
        .unchecked_into();
    let snapshot: Promise = query.call0(&locks).expect("query()").unchecked_into();
    let snapshot = within(1_000, "the lock snapshot", snapshot)
        .await
        .expect("snapshot");
    let pending: Array = Reflect::get(&snapshot, &"pending".into())
        .expect("pending")
        .unchecked_into();
    pending
        .iter()
        .filter(|request| {
            Reflect::get(request, &"name".into()).ok() == Some(JsValue::from_str(name))
        })
        .count()
}

/// An election whose changes wake `signal`.
fn candidate(
    start: impl FnOnce(Box<dyn FnMut(bool)>) -> LeaderElection,
    signal: &Signal,
) -> (LeaderElection, Rc<Cell<u32>>) {
    let gained = Rc::new(Cell::new(0));
    let (count, signal) = (Rc::clone(&gained), signal.clone());
    let election = start(Box::new(move |leading| {
        if leading {
            count.set(count.get() + 1);
        }
        signal.notify();
    }));
    (election, gained)
}

#[wasm_bindgen_test]
async fn start_uses_web_locks_where_the_browser_has_them() {
    let id = unique_diagram("mode");
    let election = LeaderElection::start(&id, "t1", |_| {}).expect("start");
    assert_eq!(election.mode(), LeaderMode::WebLocks);
}

#[wasm_bindgen_test]
async fn web_locks_elect_one_leader_and_hand_over_within_a_second() {
    let id = unique_diagram("locks");
    let signal = Signal::default();
    let start = |on_change| LeaderElection::start_web_locks(&id, on_change).expect("locks");
    let (first, first_gained) = candidate(start, &signal);
    signal
        .until(1_000, "the first tab to lead", || first.is_leader())
        .await;
    let (second, second_gained) = candidate(start, &signal);
    let (third, _) = candidate(start, &signal);
    // Both requests wait in the browser's queue: neither tab leads.
    waiting_count_is(&lock_name(&id), 2).await;
    assert!(!second.is_leader() && !third.is_leader());

    // A waiting tab that closes gives up its place in the queue.
    drop(third);
    waiting_count_is(&lock_name(&id), 1).await;
    drop(first);
    signal
        .until(1_000, "the second tab to take over", || second.is_leader())
        .await;
    assert_eq!((first_gained.get(), second_gained.get()), (1, 1));

    let (fourth, _) = candidate(start, &signal);
    drop(second);
    signal
        .until(1_000, "the fourth tab to take over", || fourth.is_leader())
        .await;
}

#[wasm_bindgen_test]
async fn the_heartbeat_fallback_elects_the_oldest_tab_and_hands_over_within_a_second() {
    let id = unique_diagram("heartbeat");
    let signal = Signal::default();
    let (first, _) = candidate(
        |on_change| LeaderElection::start_heartbeat(&id, "one", on_change).expect("heartbeat"),
        &signal,
    );
    assert_eq!(first.mode(), LeaderMode::Heartbeat);
    signal
        .until(2_000, "the first tab to lead", || first.is_leader())
        .await;
    let (second, _) = candidate(
        |on_change| {
            LeaderElection::start_heartbeat(&id, "0-younger", on_change).expect("heartbeat")
        },
        &signal,
    );
    sleep(1_000).await;
    assert!(first.is_leader());
    assert!(
        !second.is_leader(),
        "a younger tab never displaces the leader"
    );
    drop(first);
    signal
        .until(1_000, "the second tab to take over", || second.is_leader())
        .await;
}
