//! Every path the session engine decides, driven natively through its driver: several
//! tabs over an in-memory channel, stale commits, failed commits and their retry with
//! backoff (fake time), `OUT_OF_STEP` reloads, a resync asked for during a commit,
//! leadership, conflicts left for the user, a closing tab's hand-off, `saved` messages,
//! and work that finds the engine in use.

use diagram_state::core::session::{Announcement, ProblemKind};
use diagram_state::core::storage::{Operation, StoreError};
use diagram_state::core::sync::{Action, ConflictPolicy, Resolution};
use serde_json::{json, Value};

use crate::sync_engine::store::Store;
use crate::sync_engine::tab::{settle, Tab};

fn node(id: &str) -> Value {
    json!({ "id": id, "shape": "rect", "attrs": { "text": { "text": id } }, "data": { "x": "a", "y": "b" } })
}

fn store() -> std::rc::Rc<Store> {
    Store::shared(vec![node("n1"), node("n2")])
}

fn open(id: &str, store: &std::rc::Rc<Store>) -> Tab {
    Tab::open(id, store, ConflictPolicy::LaterWins)
}

fn quota() -> StoreError {
    StoreError::QuotaExceeded {
        message: "full".into(),
    }
}

/// The store's answer to a commit that does not fit the stored cells.
fn out_of_step() -> StoreError {
    StoreError::OutOfStep {
        detail: "n9 is not stored".into(),
    }
}

/// What a tab's status says about its last commit error.
fn error_code(tab: &Tab) -> Option<&'static str> {
    tab.engine().status().unwrap().error.map(|error| error.code)
}

#[test]
fn three_tabs_editing_at_once_through_the_driver_end_identical_to_the_store() {
    let store = store();
    let (a, b, c) = (open("A", &store), open("B", &store), open("C", &store));
    a.edit("n1", "data/x", json!("from A"));
    b.edit("n1", "data/y", json!("from B"));
    c.edit("n2", "attrs/text/text", json!("from C"));
    settle(&[&a, &b, &c]);
    assert_eq!(store.version(), 4, "three commits, two of them rebased");
    for tab in [&a, &b, &c] {
        assert_eq!(tab.cells(), store.cells());
        assert!(tab.session().pending().is_empty());
        assert_eq!(tab.session().status().resyncs, 0);
        assert!(tab.conflicts().is_empty());
    }
    assert_eq!(a.get("n1", "data/y"), Some(json!("from B")));
    // Each tab showed the others' edits as `tab` changes, and auto-save heard of them.
    let shown = |tab: &Tab| {
        tab.heard()
            .iter()
            .filter(|heard| matches!(heard, Announcement::AutoSave { .. }))
            .count()
    };
    assert!(shown(&a) >= 1 && shown(&b) >= 1 && shown(&c) >= 1);
}

#[test]
fn a_failed_commit_keeps_the_changes_and_is_retried_with_a_growing_delay() {
    let store = store();
    let a = open("A", &store);
    store.fail_next(Operation::Commit, quota());
    store.fail_next(Operation::Commit, quota());
    a.edit("n1", "data/x", json!("kept"));
    a.runtime.run();
    assert_eq!(error_code(&a), Some("QUOTA_EXCEEDED"));
    assert_eq!(a.session().pending().len(), 1);
    assert_eq!(a.runtime.sleeps(), [2_000]);
    a.runtime.advance(1_999.0);
    assert_eq!(store.version(), 1, "not before the delay");
    a.runtime.advance(1.0); // the retry fails again: the wait doubles
    assert_eq!(a.runtime.sleeps(), [2_000, 4_000]);
    assert_eq!(store.version(), 1);
    a.runtime.advance(4_000.0);
    assert_eq!(store.version(), 2);
    assert_eq!(error_code(&a), None);
    assert!(a.session().pending().is_empty());
    assert_eq!(
        a.take_outbox().len(),
        1,
        "the commit is posted once it lands"
    );
    assert_eq!(a.runtime.waiting(), 0);
}

#[test]
fn a_later_retry_replaces_the_one_waiting() {
    let store = store();
    let a = open("A", &store);
    store.fail_next(Operation::Commit, quota());
    a.edit("n1", "data/x", json!("1"));
    a.runtime.run();
    store.fail_next(Operation::Commit, quota());
    a.edit("n1", "data/y", json!("2")); // fails too: its retry replaces the first
    a.runtime.run();
    assert_eq!(a.runtime.sleeps(), [2_000, 4_000]);
    a.runtime.advance(2_000.0);
    assert_eq!(store.version(), 1, "the replaced retry does nothing");
    a.runtime.advance(2_000.0);
    assert_eq!(store.version(), 2);
    assert_eq!(a.cells(), store.cells());
}

#[test]
fn a_failure_that_will_not_pass_is_shown_and_not_retried() {
    let store = store();
    let a = open("A", &store);
    store.fail_next(Operation::Commit, StoreError::Closed);
    a.edit("n1", "data/x", json!("kept"));
    a.runtime.run();
    assert_eq!(error_code(&a), Some("STORE_CLOSED"));
    assert!(a.runtime.sleeps().is_empty());
    assert_eq!(
        a.session().pending().len(),
        1,
        "the change stays, in memory"
    );
    a.edit("n1", "data/y", json!("next")); // the next edit commits both
    a.runtime.run();
    assert_eq!(store.version(), 2);
    assert_eq!(error_code(&a), None);
}

#[test]
fn out_of_step_reloads_keeping_the_pending_changes_and_commits_them() {
    let store = store();
    let a = open("A", &store);
    store.fail_next(Operation::Commit, out_of_step());
    a.edit("n1", "data/x", json!("mine"));
    a.runtime.run();
    assert_eq!(a.problems(ProblemKind::OutOfStep), 1);
    assert_eq!(a.session().status().resyncs, 1);
    assert_eq!(store.version(), 2);
    assert_eq!(a.get("n1", "data/x"), Some(json!("mine")));
    assert_eq!(a.cells(), store.cells());
    assert_eq!(error_code(&a), None);
}

#[test]
fn a_reload_that_fails_during_a_rebase_is_a_failed_commit_retried_later() {
    let store = store();
    let a = open("A", &store);
    store.fail_next(Operation::Commit, out_of_step());
    store.fail_next(Operation::Load, quota());
    a.edit("n1", "data/x", json!("mine"));
    a.runtime.run();
    assert_eq!(a.problems(ProblemKind::Reload), 1);
    assert_eq!(error_code(&a), Some("QUOTA_EXCEEDED"));
    assert_eq!(store.version(), 1);
    a.runtime.advance(2_000.0);
    assert_eq!(store.version(), 2);
    assert_eq!(a.cells(), store.cells());
}

#[test]
fn a_resync_asked_for_during_a_commit_waits_for_its_answer() {
    let store = store();
    let mut a = open("A", &store);
    store.hold_commits_of("A");
    a.edit("n1", "data/x", json!("mine"));
    a.runtime.run();
    assert!(a.session().status().committing);
    a.run(vec![Action::Resync]);
    assert_eq!(store.loads(), 0, "no reload under a commit in flight");
    store.release();
    a.runtime.advance(0.0);
    assert_eq!(store.loads(), 1, "the reload runs once the commit settled");
    assert_eq!(store.version(), 2);
    assert_eq!(a.cells(), store.cells());
    assert!(!a.session().status().committing);
}

#[test]
fn a_stale_commit_in_flight_rebases_over_the_newer_version() {
    let store = store();
    let (mut a, b) = (open("A", &store), open("B", &store));
    store.hold_commits_of("A");
    a.edit("n1", "data/x", json!("A's"));
    a.runtime.run();
    b.edit("n1", "data/y", json!("B's"));
    b.runtime.run(); // lands first
    store.release();
    a.runtime.advance(0.0); // stale: reads B's version, rebases, commits again
    assert_eq!(store.version(), 3);
    assert_eq!(a.cells(), store.cells());
    assert_eq!(a.views().len(), 1, "B's edit shown in A");
    for message in b.take_outbox() {
        a.receive(&message); // the late message is a duplicate now
    }
    assert_eq!(a.cells(), store.cells());
}

#[test]
fn leadership_gates_auto_save_and_a_new_leader_carries_over_what_the_server_lacks() {
    let store = store();
    let a = open("A", &store);
    let leads = |tab: &Tab| -> Vec<(bool, bool)> {
        tab.heard()
            .iter()
            .filter_map(|heard| match *heard {
                Announcement::Lead {
                    leading,
                    carry_over,
                } => Some((leading, carry_over)),
                _ => None,
            })
            .collect()
    };
    assert!(!a.engine().is_leader());
    // Never saved: the server copy may lack everything.
    a.driver.set_leading(true);
    assert!(a.engine().is_leader());
    assert_eq!(leads(&a), [(true, true)]);
    assert!(matches!(a.heard().last(), Some(Announcement::Status)));
    // A save of everything committed: a later leadership has nothing to carry over.
    a.driver.saved(7, 1);
    a.runtime.run();
    a.driver.set_leading(false);
    a.driver.set_leading(true);
    assert_eq!(leads(&a)[1..], [(false, false), (true, false)]);
    // An edit not committed yet is something the server lacks.
    store.hold_commits_of("A");
    a.edit("n1", "data/x", json!("new"));
    a.runtime.run();
    a.driver.set_leading(true);
    assert_eq!(leads(&a).last(), Some(&(true, true)));
    assert!(a.engine().status().unwrap().leader);
}

#[test]
fn a_save_is_recorded_in_the_directory_and_told_to_the_followers_only() {
    let store = store();
    let (a, b, c) = (open("A", &store), open("B", &store), open("C", &store));
    a.driver.set_leading(true);
    c.driver.set_leading(true); // (a stale leader, as during a hand-over)
    a.edit("n1", "data/x", json!("saved"));
    settle(&[&a, &b, &c]);
    a.driver.saved(7, 2);
    settle(&[&a, &b, &c]);
    let entry = store.load().entry;
    assert_eq!(entry.public_version, Some(7));
    assert_eq!(entry.pushed_version, Some(2));
    assert!(entry.last_pushed_at.is_some());
    let elsewhere = |tab: &Tab| {
        tab.heard()
            .iter()
            .filter(|heard| matches!(heard, Announcement::SavedElsewhere { server_version: 7 }))
            .count()
    };
    assert_eq!(
        elsewhere(&b),
        1,
        "the follower takes the server version as its base"
    );
    assert_eq!(elsewhere(&c), 0, "a leader keeps its own base");
    assert_eq!(elsewhere(&a), 0);
    // B now knows the server holds version 2: leading, it has nothing to carry over.
    b.driver.set_leading(true);
    assert!(b.heard().contains(&Announcement::Lead {
        leading: true,
        carry_over: false
    }));
}

#[test]
fn a_failed_directory_write_after_a_save_is_reported_and_the_others_still_hear_of_it() {
    let store = store();
    let (a, b) = (open("A", &store), open("B", &store));
    store.fail_next(Operation::UpdateEntry, quota());
    a.driver.saved(3, 1);
    settle(&[&a, &b]);
    assert_eq!(a.problems(ProblemKind::RecordSave), 1);
    assert_eq!(store.load().entry.public_version, None);
    assert!(b
        .heard()
        .contains(&Announcement::SavedElsewhere { server_version: 3 }));
}

#[test]
fn conflicts_under_ask_are_listed_until_the_user_settles_them() {
    let store = store();
    let a = open("A", &store);
    let b = Tab::open("B", &store, ConflictPolicy::Ask);
    store.hold_commits_of("B");
    b.edit("n1", "attrs/text/text", json!("from B"));
    b.runtime.run();
    a.edit("n1", "attrs/text/text", json!("from A"));
    settle(&[&a, &b]);
    // B integrated A's commit under its own edit: the user decides.
    assert_eq!(b.engine().conflicts().len(), 1);
    assert_eq!(b.engine().conflicts()[0].resolution, Resolution::Unresolved);
    assert_eq!(b.conflicts().len(), 1, "announced too");
    assert_eq!(b.get("n1", "attrs/text/text"), Some(json!("from A")));
    store.release();
    b.runtime.advance(0.0);
    settle(&[&a, &b]);
    assert_eq!(b.cells(), store.cells());
    // Keep mine: a local change, committed and followed by A.
    let outcome = b
        .engine()
        .settle_conflict(0, true)
        .unwrap()
        .unwrap()
        .unwrap();
    assert!(b.engine().conflicts().is_empty());
    b.driver.record_local(outcome.applied);
    settle(&[&a, &b]);
    assert_eq!(a.get("n1", "attrs/text/text"), Some(json!("from B")));
    assert_eq!(a.cells(), store.cells());
    assert!(
        b.engine().settle_conflict(0, false).is_none(),
        "no such conflict"
    );
}

#[test]
fn a_closing_tab_hands_over_what_it_did_not_commit_and_one_tab_commits_it() {
    let store = store();
    let (a, b, c) = (open("A", &store), open("B", &store), open("C", &store));
    for tab in [&a, &b, &c] {
        tab.driver.hello();
    }
    settle(&[&a, &b, &c]);
    store.hold_commits_of("A");
    a.edit("n1", "data/x", json!("orphan"));
    a.runtime.run(); // in flight when the page goes away
    a.driver.leave();
    let posted = a.take_outbox();
    assert_eq!(posted.len(), 2, "handoff, then bye");
    drop(a);
    for message in posted {
        b.driver.receive(Some(message.clone()));
        c.driver.receive(Some(message));
    }
    settle(&[&b, &c]);
    let committed = store.all();
    assert_eq!(committed.len(), 1, "exactly once: {committed:?}");
    assert_ne!(committed[0].tab_id, "A");
    drop(committed);
    for tab in [&b, &c] {
        assert_eq!(tab.get("n1", "data/x"), Some(json!("orphan")));
        assert_eq!(tab.cells(), store.cells());
        assert_eq!(tab.session().status().peers, 1);
    }
}

#[test]
fn work_that_finds_the_engine_in_use_waits_and_is_never_dropped() {
    let store = store();
    let a = open("A", &store);
    let change =
        diagram_state::core::model::Change::update("n1", "data/x", None, Some(json!("late")));
    let outcome = a
        .engine()
        .core
        .apply_changes(vec![change], diagram_state::core::history::Origin::Local)
        .unwrap();
    {
        let _busy = a.engine.borrow_mut(); // a listener holds it, say
        a.driver.record_local(outcome.applied);
        a.driver.set_leading(true);
    }
    assert_eq!(store.version(), 1, "nothing happened under the borrow");
    a.runtime.run();
    assert_eq!(store.version(), 2);
    assert!(a.engine().is_leader());
    assert_eq!(a.cells(), store.cells());
}
