#![cfg(not(target_arch = "wasm32"))]
//! Cross-tab sync: the protocol's garbage classes, the receiver's actions (next, duplicate,
//! older, gap → repair → integrate, gap not covered → resync), the two-tab data-loss
//! timeline of the multi-tab plan, conflicts under both policies, remove-vs-update, undo
//! after a rebase, and a property test of random interleavings of several tabs.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::rc::Rc;

use diagram_state::core::error::ErrorCode;
use diagram_state::core::history::{HistoryConfig, Recording};
use diagram_state::core::model::{Change, Diagram};
use diagram_state::core::session::ProblemKind;
use diagram_state::core::state::{DiagramState, SkipReason, Step};
use diagram_state::core::storage::{ChainHash, StoreError};
use diagram_state::core::sync::{
    Action, CommittedSet, ConflictKind, ConflictPolicy, IgnoredReason, Resolution, SessionConfig,
    SyncError, SyncSession, HERE_INTERVAL, MAX_PEERS, PEER_TIMEOUT, TICK_INTERVAL,
};
use proptest::prelude::*;
use serde_json::{json, Value};

#[path = "sync_engine/paths.rs"]
mod engine_paths;
#[path = "fuzz/support/seed.rs"]
mod seed;
#[path = "sync_engine/mod.rs"]
mod sync_engine;

use sync_engine::store::Store;
use sync_engine::tab::Tab;

// ---- The store and the tabs (see `sync_engine`: the real session engine) ----

fn node(id: &str) -> Value {
    json!({ "id": id, "shape": "rect", "attrs": { "text": { "text": id } }, "data": { "x": "a", "y": "b" } })
}

fn store() -> Rc<Store> {
    Store::shared(vec![node("n1"), node("n2")])
}

/// A `commit` message of `version` as a tab at the previous version (whose chain starts
/// there) can verify it.
fn commit_message(session: &SyncSession, version: u64, changes: Vec<Change>) -> String {
    let hash = ChainHash::start(version - 1).next(version, &session.config().tab_id, &changes, &[]);
    session.commit_message(version, changes, hash)
}

fn sender() -> SyncSession {
    SyncSession::new(SessionConfig::new("d1", "other"), 0, ChainHash::start(0))
}

fn session(tab: &str, version: u64) -> SyncSession {
    SyncSession::new(
        SessionConfig::new("d1", tab),
        version,
        ChainHash::start(version),
    )
}

fn x(value: &str) -> Vec<Change> {
    vec![Change::update("n1", "data/x", None, Some(json!(value)))]
}

// ---- Protocol handling in the session ----

#[test]
fn every_garbage_class_is_counted_and_never_applied() {
    let mut session = session("me", 1);
    let valid = json!({ "protocol": 1, "diagramId": "d1", "tabId": "t2", "version": 2, "type": "commit",
                        "changes": [{ "type": "update", "id": "n1", "path": "data/x", "after": "z" }] });
    let with = |field: &str, value: Value| {
        let mut message = valid.clone();
        message[field] = value;
        message.to_string()
    };
    let cases = vec![
        ("x".repeat(2 << 20), IgnoredReason::Oversized),
        ("{\"protocol\":".to_owned(), IgnoredReason::Garbled),
        ("null".to_owned(), IgnoredReason::Garbled),
        (
            with("changes", json!([{ "type": "teleport" }])),
            IgnoredReason::Garbled,
        ),
        (with("version", json!("2")), IgnoredReason::Garbled),
        (with("protocol", json!(0)), IgnoredReason::WrongProtocol),
        (with("diagramId", json!("d9")), IgnoredReason::OtherDiagram),
        (with("tabId", json!("me")), IgnoredReason::OwnMessage),
        (with("type", json!("selection")), IgnoredReason::UnknownType),
    ];
    for (text, reason) in &cases {
        assert_eq!(
            session.on_message(text, 5.0),
            [Action::Ignore { reason: *reason }],
            "{reason:?}"
        );
    }
    assert_eq!(
        session.on_unreadable(),
        [Action::Ignore {
            reason: IgnoredReason::Garbled
        }]
    );
    let status = session.status();
    assert_eq!(status.ignored[&IgnoredReason::Garbled], 5);
    assert_eq!(status.ignored[&IgnoredReason::OwnMessage], 1);
    assert_eq!(status.committed_version, 1);
    assert_eq!(status.peers, 0);
    assert_eq!(status.last_message_at, None);
    let json = serde_json::to_value(&status).unwrap();
    assert_eq!(json["ignored"]["wrongProtocol"], 1);
    assert_eq!(json["committedVersion"], 1);
}

#[test]
fn next_duplicate_and_older_versions() {
    let mut receiver = session("me", 4);
    let sender = sender();
    let next = receiver.on_message(&commit_message(&sender, 5, x("5")), 1.0);
    assert_eq!(
        next,
        [
            Action::PeerJoined {
                tab_id: "other".into(),
                version: 5
            },
            Action::Integrate {
                set: CommittedSet {
                    version: 5,
                    tab_id: "other".into(),
                    changes: x("5"),
                    hash: Some(ChainHash::start(4).next(5, "other", &x("5"), &[])),
                    overrides: Vec::new(),
                }
            },
        ]
    );
    assert_eq!(
        receiver.on_message(&commit_message(&sender, 4, x("4")), 2.0),
        [Action::Ignore {
            reason: IgnoredReason::Duplicate
        }]
    );
    assert_eq!(
        receiver.on_message(&commit_message(&sender, 2, x("2")), 3.0),
        [Action::Ignore {
            reason: IgnoredReason::Older
        }]
    );
    assert_eq!(receiver.status().last_message_at, Some(3.0));
}

#[test]
fn a_gap_is_repaired_from_the_op_log() {
    let store = store();
    let mut writer = Tab::open("w", &store, ConflictPolicy::LaterWins);
    let mut reader = Tab::open("r", &store, ConflictPolicy::LaterWins);
    for value in ["1", "2", "3"] {
        writer.set("n1", "data/x", json!(value));
        writer.commit();
    }
    // The reader missed versions 2 and 3 and hears 4.
    let last = writer.outbox().pop().unwrap();
    let actions = reader.engine().on_message(Some(&last), 0.0);
    assert!(actions.contains(&Action::RepairGap { after: 1, up_to: 4 }));
    let records = store.read_log(1).unwrap();
    let integrate = reader.engine().oplog_read(Some(records));
    assert_eq!(integrate.len(), 3);
    assert!(integrate
        .iter()
        .all(|action| matches!(action, Action::Integrate { .. })));
    reader.run(integrate);
    assert_eq!(reader.session().committed_version(), 4);
    assert_eq!(reader.get("n1", "data/x"), Some(json!("3")));
    // The older messages arriving late are ignored.
    for message in writer.outbox().clone() {
        let actions = reader.receive(&message);
        assert!(actions
            .iter()
            .any(|action| matches!(action, Action::Ignore { .. })));
    }
    assert_eq!(reader.cells(), store.cells());
}

#[test]
fn a_gap_the_op_log_no_longer_covers_resyncs_and_keeps_local_edits() {
    let store = store();
    let mut writer = Tab::open("w", &store, ConflictPolicy::LaterWins);
    let mut reader = Tab::open("r", &store, ConflictPolicy::LaterWins);
    writer.set("n1", "data/x", json!("w1"));
    writer.commit();
    writer.local(vec![Change::add(node("n3"))]);
    writer.commit();
    store.compact();
    reader.set("n2", "data/y", json!("mine")); // pending in the reader
    let last = writer.outbox().pop().unwrap();
    reader.receive(&last);
    assert_eq!(reader.session().status().resyncs, 1);
    assert_eq!(reader.session().committed_version(), 3);
    assert_eq!(reader.get("n1", "data/x"), Some(json!("w1")));
    assert!(reader.state().diagram().contains("n3"));
    assert_eq!(reader.get("n2", "data/y"), Some(json!("mine")));
    let view = &reader.views()[0];
    assert!(view.contains(&Change::add(node("n3"))));
    assert!(!view.iter().any(|change| change.cell_id() == Some("n2")));
    reader.commit();
    assert_eq!(reader.cells(), store.cells());
}

#[test]
fn a_commit_without_changes_and_a_peer_ahead_both_repair_from_the_log() {
    let store = store();
    let mut writer = Tab::open("w", &store, ConflictPolicy::LaterWins);
    let mut reader = Tab::open("r", &store, ConflictPolicy::LaterWins);
    writer.set("n1", "data/x", json!("big"));
    writer.commit();
    let slim =
        json!({ "protocol": 1, "diagramId": "d1", "tabId": "w", "version": 2, "type": "commit" });
    let actions = reader.receive(&slim.to_string());
    assert!(actions.contains(&Action::RepairGap { after: 1, up_to: 2 }));
    assert_eq!(reader.get("n1", "data/x"), Some(json!("big")));

    writer.set("n1", "data/x", json!("bigger"));
    writer.commit();
    let actions = reader.receive(&writer.session().hello_message());
    assert!(matches!(&actions[0], Action::Post { message } if message.contains("\"here\"")));
    assert!(actions.contains(&Action::RepairGap { after: 2, up_to: 3 }));
    assert_eq!(reader.get("n1", "data/x"), Some(json!("bigger")));
}

#[test]
fn hello_here_and_bye_track_the_peers() {
    let mut a = session("a", 0);
    let mut b = session("b", 0);
    let actions = b.on_message(&a.hello_message(), 1.0);
    assert_eq!(
        actions[0],
        Action::PeerJoined {
            tab_id: "a".into(),
            version: 0
        }
    );
    let Action::Post { message: here } = &actions[1] else {
        panic!("{actions:?}")
    };
    assert_eq!(
        a.on_message(here, 2.0),
        [Action::PeerJoined {
            tab_id: "b".into(),
            version: 0
        }]
    );
    assert_eq!(a.status().peers, 1);
    assert_eq!(
        b.on_message(&a.bye_message(), 3.0),
        [
            Action::PeerLeft { tab_id: "a".into() },
            Action::CheckStore { after: 0 }
        ]
    );
    assert_eq!(b.status().peers, 0);
    assert_eq!(
        a.forget_silent_peers(5_000.0, 1_000.0),
        [Action::PeerLeft { tab_id: "b".into() }]
    );
}

#[test]
fn integrating_out_of_order_is_refused() {
    let mut state = DiagramState::new(|| 0.0);
    state.load(vec![node("n1")], 1).unwrap();
    let mut session = session("me", 1);
    let set = CommittedSet {
        version: 3,
        tab_id: "t".into(),
        changes: x("3"),
        hash: None,
        overrides: Vec::new(),
    };
    let error = session.integrate(&mut state, set).unwrap_err();
    assert_eq!(error.code(), "SYNC_VERSION_GAP");
    let stale = CommittedSet {
        version: 1,
        tab_id: "t".into(),
        changes: x("1"),
        hash: None,
        overrides: Vec::new(),
    };
    assert_eq!(session.integrate(&mut state, stale), Ok(None));
    let broken = CommittedSet {
        version: 2,
        tab_id: "t".into(),
        changes: vec![Change::update("ghost", "data/x", None, Some(json!(1)))],
        hash: None,
        overrides: Vec::new(),
    };
    let error = session.integrate(&mut state, broken).unwrap_err();
    assert_eq!(error.code(), "CELL_NOT_FOUND");
    assert!(matches!(error, SyncError::State(_)));
    assert_eq!(session.committed_version(), 1);
    assert_eq!(
        state.diagram().get("n1", "data/x").unwrap(),
        Some(&json!("a"))
    );
}

// ---- The two-tab scenario of the multi-tab plan ----

#[test]
fn tab_b_saving_y_never_reverts_tab_a_x() {
    let store = store();
    let mut a = Tab::open("A", &store, ConflictPolicy::LaterWins);
    let mut b = Tab::open("B", &store, ConflictPolicy::LaterWins);
    a.set("n1", "data/x", json!("abc")); // t=2
    assert!(a.commit()); // t=4: A saves X
    b.set("n1", "data/y", json!("xyz")); // t=4: B types Y on stale data
    assert!(b.commit()); // t=5: B's save is stale → rebase → commit again
    for message in a.outbox().clone() {
        b.receive(&message);
    }
    for message in b.outbox().clone() {
        a.receive(&message);
    }
    for tab in [&a, &b] {
        assert_eq!(tab.get("n1", "data/x"), Some(json!("abc")));
        assert_eq!(tab.get("n1", "data/y"), Some(json!("xyz")));
        assert_eq!(tab.cells(), store.cells());
        assert!(tab.conflicts().is_empty());
    }
    assert_eq!(store.version(), 3);
    // B showed A's X without touching its own Y.
    assert_eq!(
        b.views()[0],
        [Change::update(
            "n1",
            "data/x",
            Some(json!("a")),
            Some(json!("abc"))
        )]
    );
}

#[test]
fn a_message_arriving_before_the_commit_rebases_the_pending_edit() {
    let store = store();
    let mut a = Tab::open("A", &store, ConflictPolicy::LaterWins);
    let mut b = Tab::open("B", &store, ConflictPolicy::LaterWins);
    b.set("n1", "data/y", json!("xyz"));
    a.set("n1", "data/x", json!("abc"));
    a.commit();
    b.receive(&a.outbox()[0]); // integrated under B's pending Y
    assert_eq!(
        b.session().pending(),
        [vec![Change::update(
            "n1",
            "data/y",
            Some(json!("b")),
            Some(json!("xyz"))
        )]]
    );
    b.commit();
    a.receive(&b.outbox()[0]);
    assert_eq!(a.cells(), store.cells());
    assert_eq!(b.cells(), store.cells());
    assert_eq!(store.version(), 3);
}

#[test]
fn a_stale_answer_after_the_newer_version_arrived_commits_again() {
    let store = store();
    let mut a = Tab::open("A", &store, ConflictPolicy::LaterWins);
    let mut b = Tab::open("B", &store, ConflictPolicy::LaterWins);
    a.set("n1", "data/x", json!("abc"));
    b.set("n1", "data/y", json!("xyz"));
    let request = b.engine().next_commit().unwrap(); // B's commit is in flight…
    assert!(b.session().status().committing);
    a.commit(); // …when A's goes through
    b.receive(&a.outbox()[0]); // and reaches B first
    assert_eq!(
        store.commit(request.base_version, request.changes, "B"),
        Err(StoreError::StaleVersion { base: 1, stored: 2 })
    );
    assert!(b.engine().commit_stale(2).is_empty()); // nothing to read: commit again
    assert!(b.commit());
    a.receive(&b.outbox()[0]);
    assert_eq!(a.cells(), store.cells());
    assert_eq!(b.cells(), store.cells());
    // A store behind this tab was replaced: reload it.
    assert_eq!(b.engine().commit_stale(1), [Action::Resync]);
}

#[test]
fn an_own_commit_seen_in_the_op_log_before_its_answer_counts_as_committed() {
    let store = store();
    let mut a = Tab::open("A", &store, ConflictPolicy::LaterWins);
    let mut b = Tab::open("B", &store, ConflictPolicy::LaterWins);
    a.set("n1", "data/x", json!("mine"));
    let request = a.engine().next_commit().unwrap();
    let committed = store
        .commit(request.base_version, request.changes, "A")
        .unwrap(); // answer delayed
    assert_eq!(committed.version, 2);
    b.set("n1", "data/y", json!("theirs"));
    b.commit(); // stale, rebased over A's version 2, committed as 3
    a.receive(&b.outbox()[0]); // a gap: A reads 2 (its own) and 3
    assert_eq!(a.session().committed_version(), 3);
    assert!(a.session().pending().is_empty());
    // The late answer still yields A's commit message, for the other tabs.
    let message = a.engine().commit_landed(&committed).unwrap().unwrap();
    assert!(message.contains("\"version\":2"));
    assert_eq!(a.engine().commit_landed(&committed), Ok(None));
    assert_eq!(a.cells(), store.cells());
}

// ---- Messages are hints: replays and forgeries ----

/// A message posted earlier, posted again by another page of the origin: with `version`,
/// and in one of three shapes (0: as it was, 1: without its changes, 2: as a `hello` from
/// a tab nobody knows).
fn forge(text: &str, version: u64, shape: u8) -> String {
    let mut message: Value = serde_json::from_str(text).unwrap();
    message["version"] = json!(version);
    match shape {
        1 => {
            message.as_object_mut().unwrap().remove("changes");
        }
        2 => {
            message["type"] = json!("hello");
            message["tabId"] = json!(format!("ghost-{version}"));
        }
        _ => {}
    }
    message.to_string()
}

fn label(id: &str) -> Value {
    json!({ "id": id, "shape": "rect", "position": { "x": 0, "y": 0 }, "attrs": { "text": { "text": id } } })
}

/// The demo's replay: A's acknowledged "first" commit is posted again as the next version,
/// just before A's real commit of that version. B must not take it for the real one.
#[test]
fn a_replayed_commit_message_is_only_a_hint() {
    let store = Store::shared(vec![label("User"), label("Web app")]);
    let mut a = Tab::open("A", &store, ConflictPolicy::LaterWins);
    let mut b = Tab::open("B", &store, ConflictPolicy::LaterWins);
    a.set("User", "attrs/text/text", json!("first"));
    a.commit();
    let first = a.outbox()[0].clone();
    a.set("User", "attrs/text/text", json!("second"));
    a.commit();
    deliver(&mut a, &mut b);
    assert_eq!(b.get("User", "attrs/text/text"), Some(json!("second")));

    let replay = forge(&first, store.version() + 1, 0);
    let actions = b.receive(&replay);
    assert!(actions
        .iter()
        .all(|a| !matches!(a, Action::Integrate { .. })));
    assert_eq!(b.get("User", "attrs/text/text"), Some(json!("second")));

    a.set("Web app", "attrs/text/text", json!("Web app 2"));
    a.commit(); // the real commit of the version the replay claimed
    deliver(&mut a, &mut b);
    b.set("User", "position/x", json!(120));
    b.commit();
    deliver(&mut b, &mut a);

    let stored = store.cells();
    for tab in [&a, &b] {
        assert_eq!(tab.cells(), stored, "{}", tab.session().config().tab_id);
        assert_eq!(tab.session().status().resyncs, 0);
        assert_eq!(tab.problems(ProblemKind::OutOfStep), 0);
    }
    assert_eq!(
        store.diagram().get("User", "attrs/text/text").unwrap(),
        Some(&json!("second"))
    );
    assert_eq!(
        store.diagram().get("Web app", "attrs/text/text").unwrap(),
        Some(&json!("Web app 2"))
    );
    assert_eq!(b.session().status().ignored[&IgnoredReason::Unverified], 1);
    assert!(b.conflicts().is_empty());
}

#[test]
fn a_commit_message_is_integrated_only_when_it_continues_the_chain() {
    let store = store();
    let mut a = Tab::open("A", &store, ConflictPolicy::LaterWins);
    let mut b = Tab::open("B", &store, ConflictPolicy::LaterWins);
    a.set("n1", "data/x", json!("real"));
    a.commit();
    let real = a.outbox().pop().unwrap();
    // Other changes under the real hash: read from the op log instead, which has the real ones.
    let mut tampered: Value = serde_json::from_str(&real).unwrap();
    tampered["changes"][0]["after"] = json!("forged");
    let actions = b.receive(&tampered.to_string());
    assert!(actions.contains(&Action::RepairGap { after: 1, up_to: 2 }));
    assert_eq!(b.get("n1", "data/x"), Some(json!("real")));
    // The real message is now a duplicate.
    assert_eq!(
        b.engine().on_message(Some(&real), 0.0).last(),
        Some(&Action::Ignore {
            reason: IgnoredReason::Duplicate
        })
    );
    // A message without a hash (an older build) is a hint too.
    a.set("n1", "data/x", json!("again"));
    a.commit();
    let mut unhashed: Value = serde_json::from_str(&a.outbox().pop().unwrap()).unwrap();
    unhashed.as_object_mut().unwrap().remove("hash");
    let actions = b.receive(&unhashed.to_string());
    assert!(actions.contains(&Action::RepairGap { after: 2, up_to: 3 }));
    assert_eq!(b.get("n1", "data/x"), Some(json!("again")));
    assert_eq!(b.session().head(), store.load().head_hash);
}

#[test]
fn hints_the_op_log_does_not_reach_are_ignored_one_read_at_a_time() {
    let store = store();
    let b = Tab::open("B", &store, ConflictPolicy::LaterWins);
    let hello = |version: u64| forge(&b_hello(), version, 2);
    // The first hint asks for a read; those that come while it is in flight wait for it.
    let first = b.engine().on_message(Some(&hello(9)), 0.0);
    assert!(first.contains(&Action::RepairGap { after: 1, up_to: 9 }));
    for version in [12, 5, 40] {
        let actions = b.engine().on_message(Some(&hello(version)), 0.0);
        assert!(!actions
            .iter()
            .any(|a| matches!(a, Action::RepairGap { .. })));
    }
    // The read finds nothing new: one more read for the three queued hints, then nothing.
    let next = b.engine().oplog_read(store.read_log(1));
    assert_eq!(
        next,
        [Action::RepairGap {
            after: 1,
            up_to: 40
        }]
    );
    assert!(b.engine().oplog_read(store.read_log(1)).is_empty());
    let status = b.session().status();
    assert_eq!(status.ignored[&IgnoredReason::Unverified], 4);
    assert_eq!(status.resyncs, 0);
    assert_eq!(status.committed_version, 1);
}

fn b_hello() -> String {
    session("someone", 1).hello_message()
}

#[derive(Debug, Clone)]
enum Storm {
    /// Tab edits its own cell.
    Edit(usize, usize),
    Commit(usize),
    Deliver(usize),
    Miss(usize),
    /// Tab receives a replay of the n-th message posted so far, as version store + shift,
    /// in one of the shapes of `forge`.
    Replay(usize, usize, u64, u8),
}

fn storm_op() -> impl Strategy<Value = Storm> {
    let tab = 0..3usize;
    prop_oneof![
        4 => (tab.clone(), 0..2usize).prop_map(|(t, f)| Storm::Edit(t, f)),
        3 => tab.clone().prop_map(Storm::Commit),
        3 => tab.clone().prop_map(Storm::Deliver),
        1 => tab.clone().prop_map(Storm::Miss),
        6 => (tab, 0..64usize, 0..3u64, 0..3u8).prop_map(|(t, n, s, f)| Storm::Replay(t, n, s, f)),
    ]
}

proptest! {
    #![proptest_config(seed::config(256, seed::seed()))]

    /// Under a storm of replayed messages, tabs that edit disjoint cells end identical to the
    /// store, with no conflict, no reload and no refused commit.
    #[test]
    fn a_storm_of_replays_never_makes_tabs_diverge_nor_reload(ops in prop::collection::vec(storm_op(), 1..80)) {
        let mut world = World::new(3, ConflictPolicy::LaterWins);
        let mut sent: Vec<String> = Vec::new();
        for op in &ops {
            let mapped = match *op {
                Storm::Edit(t, f) => Op::Edit(t, t, f),
                Storm::Commit(t) => Op::Commit(t),
                Storm::Deliver(t) => Op::Deliver(t),
                Storm::Miss(t) => Op::Miss(t),
                Storm::Replay(t, n, shift, shape) => {
                    if !sent.is_empty() {
                        let text = forge(&sent[n % sent.len()], world.store.version() + shift, shape);
                        world.tabs[t].receive(&text);
                        world.tabs[t].outbox().clear(); // `here` answers
                    }
                    continue;
                }
            };
            for inbox in &world.inboxes {
                sent.extend(inbox.iter().cloned());
            }
            world.apply(&mapped);
            for inbox in &world.inboxes {
                sent.extend(inbox.iter().cloned());
            }
            sent.dedup();
        }
        world.settle();
        let stored = world.store.cells();
        for tab in &world.tabs {
            prop_assert_eq!(&tab.cells(), &stored);
            prop_assert!(tab.conflicts().is_empty());
            prop_assert_eq!(tab.session().status().resyncs, 0);
            prop_assert_eq!(tab.problems(ProblemKind::OutOfStep), 0);
        }
        for (id, path, value) in &world.edits {
            let kept = world.store.all().iter().any(|set| set.changes.iter().any(|change| {
                matches!(change, Change::Update { id: i, path: p, after: Some(Value::String(v)), .. }
                    if &**i == id && &**p == *path && v == value)
            }));
            prop_assert!(kept, "edit {}/{} = {} was lost", id, path, value);
        }
    }
}

// ---- A closing tab hands over what it has not committed ----

/// Delivers `messages` to every tab of `tabs`, in order.
fn deliver_all(messages: &[String], tabs: &mut [&mut Tab]) {
    for message in messages {
        for tab in tabs.iter_mut() {
            tab.receive(message);
        }
    }
}

/// Commits what each tab has and delivers what it posts to the others, until all are idle.
fn settle_tabs(tabs: &mut [Tab]) {
    for _ in 0..10 {
        let mut busy = false;
        for index in 0..tabs.len() {
            busy |= tabs[index].commit();
            let outbox = tabs[index].take_outbox();
            for message in &outbox {
                for (other, tab) in tabs.iter_mut().enumerate() {
                    if other != index {
                        tab.receive(message);
                        tab.outbox().retain(|text| !text.contains("\"here\""));
                    }
                }
            }
        }
        if !busy {
            return;
        }
    }
    panic!("the tabs never settled");
}

/// Three tabs; the first renames "n1" and closes in one of the ways of `close`, the other
/// two stay. Returns the store and the two tabs, settled.
fn close_after_rename(close: impl FnOnce(&mut Tab, &Store)) -> (Rc<Store>, Vec<Tab>) {
    let store = store();
    let mut closing = Tab::open("A", &store, ConflictPolicy::LaterWins);
    let mut b = Tab::open("B", &store, ConflictPolicy::LaterWins);
    let mut c = Tab::open("C", &store, ConflictPolicy::LaterWins);
    // They know each other.
    for (from, to) in [(0, 1), (0, 2), (1, 2), (2, 1)] {
        let hello = [&closing, &b, &c][from].session().hello_message();
        [&mut closing, &mut b, &mut c][to].receive(&hello);
    }
    closing.set("n1", "attrs/text/text", json!("renamed"));
    close(&mut closing, &store);
    let posted = closing.close();
    deliver_all(&posted, &mut [&mut b, &mut c]);
    let mut tabs = vec![b, c];
    settle_tabs(&mut tabs);
    (store, tabs)
}

fn assert_renamed_once(store: &Store, tabs: &[Tab]) {
    assert_eq!(
        store.diagram().get("n1", "attrs/text/text").unwrap(),
        Some(&json!("renamed"))
    );
    let renames = store
        .all()
        .iter()
        .filter(|set| set.changes.iter().any(|c| c.cell_id() == Some("n1")))
        .count();
    assert_eq!(renames, 1, "committed exactly once: {:?}", store.all());
    let stored = store.cells();
    for tab in tabs {
        assert_eq!(tab.cells(), stored, "{}", tab.session().config().tab_id);
        assert!(tab.session().pending().is_empty());
        assert_eq!(tab.session().status().resyncs, 0);
        assert_eq!(tab.session().status().peers, 1, "the closing tab is gone");
    }
    assert!(adopted(store).len() <= 1);
}

/// The sets the tabs that stay committed for the closing tab "A" (they edit nothing
/// themselves).
fn adopted(store: &Store) -> Vec<CommittedSet> {
    let all = store.all();
    all.iter()
        .filter(|set| set.tab_id != "A")
        .cloned()
        .collect()
}

#[test]
fn a_tab_closing_with_a_commit_in_flight_that_never_landed_hands_it_over() {
    let (store, tabs) = close_after_rename(|closing, _| {
        closing.engine().next_commit().unwrap(); // the page dies before the store has it
    });
    assert_renamed_once(&store, &tabs);
    assert_eq!(
        adopted(&store).len(),
        1,
        "exactly one tab commits the orphaned set"
    );
    let adopter: Vec<&Tab> = tabs
        .iter()
        .filter(|tab| tab.session().config().tab_id == store.all()[0].tab_id)
        .collect();
    assert_eq!(adopter.len(), 1);
    // The adopter showed it as another tab's change, not its own undoable edit.
    assert!(!adopter[0].state().history_state().can_undo);
}

#[test]
fn a_tab_closing_after_its_commit_landed_unannounced_hands_over_nothing_twice() {
    let (store, tabs) = close_after_rename(|closing, store| {
        let request = closing.engine().next_commit().unwrap();
        // The transaction completes; the page dies before it posts the commit.
        store
            .commit(request.base_version, request.changes, "A")
            .unwrap();
    });
    assert_renamed_once(&store, &tabs);
    assert_eq!(store.all()[0].tab_id, "A");
    assert!(adopted(&store).is_empty());
}

#[test]
fn a_tab_closing_with_only_pending_sets_hands_them_over() {
    let (store, tabs) = close_after_rename(|closing, _| {
        closing.set("n2", "data/x", json!("second set"));
    });
    assert_renamed_once(&store, &tabs);
    assert_eq!(
        store.diagram().get("n2", "data/x").unwrap(),
        Some(&json!("second set"))
    );
    let adopted = adopted(&store);
    assert_eq!(adopted.len(), 1);
    assert_eq!(adopted[0].changes.len(), 2);
}

#[test]
fn a_tab_closing_with_a_landed_commit_and_more_pending_hands_over_only_the_rest() {
    let (store, tabs) = close_after_rename(|closing, store| {
        let request = closing.engine().next_commit().unwrap();
        store
            .commit(request.base_version, request.changes, "A")
            .unwrap();
        closing.set("n2", "data/x", json!("pending"));
    });
    assert_renamed_once(&store, &tabs);
    assert_eq!(
        store.diagram().get("n2", "data/x").unwrap(),
        Some(&json!("pending"))
    );
    assert_eq!(
        store.version(),
        3,
        "A's landed commit, then the adopted set"
    );
    let adopted = adopted(&store);
    assert_eq!(adopted.len(), 1);
    assert_eq!(
        adopted[0].changes,
        [Change::update(
            "n2",
            "data/x",
            Some(json!("a")),
            Some(json!("pending"))
        )]
    );
}

/// Three tabs; A renames "n1" to "old" and closes before its commit lands. What A left is
/// older than anything committed after it was made.
fn orphaned_rename() -> (Rc<Store>, Tab, Tab, Vec<String>) {
    let store = store();
    let mut a = Tab::open("A", &store, ConflictPolicy::LaterWins);
    let b = Tab::open("B", &store, ConflictPolicy::LaterWins);
    let c = Tab::open("C", &store, ConflictPolicy::LaterWins);
    a.set("n1", "attrs/text/text", json!("old"));
    a.engine().next_commit().unwrap(); // the page dies before the store has it
    let posted = a.close();
    (store, b, c, posted)
}

/// The orphan lost: the committed value stays everywhere, the adopter reports the orphan it
/// gave away, and nobody's committed value is claimed to be replaced.
fn assert_orphan_gave_way(store: &Store, b: Tab, c: Tab) {
    let mut tabs = vec![b, c];
    settle_tabs(&mut tabs);
    assert_eq!(
        store.diagram().get("n1", "attrs/text/text").unwrap(),
        Some(&json!("new")),
        "{:?}",
        store.all()
    );
    for tab in &tabs {
        assert_eq!(
            tab.cells(),
            store.cells(),
            "{}",
            tab.session().config().tab_id
        );
        assert!(tab.session().pending().is_empty());
    }
    assert!(store.all().iter().all(|set| set.overrides.is_empty()));
    let [b, c] = &tabs[..] else { unreachable!() };
    assert!(
        b.conflicts().is_empty(),
        "B's value did not lose: {:?}",
        b.conflicts()
    );
    // What the adoption and the integrations reported.
    let reported = c.conflicts();
    assert_eq!(reported.len(), 1, "{reported:?}");
    assert_eq!(
        serde_json::to_value(&reported[0]).unwrap(),
        json!({ "kind": "samePath", "cellId": "n1", "path": "attrs/text/text",
                "local": "old", "remote": "new", "resolution": "keptRemote" })
    );
}

/// B renames the label after A closed and commits; C takes A's hand-off over only then (it
/// reads B's commit first): A's older rename must not overwrite B's.
#[test]
fn an_orphan_never_overwrites_a_value_committed_before_it_is_adopted() {
    for b_heard_first in [true, false] {
        let (store, mut b, mut c, posted) = orphaned_rename();
        b.set("n1", "attrs/text/text", json!("new"));
        b.commit();
        if b_heard_first {
            deliver(&mut b, &mut c);
        } else {
            b.outbox().clear(); // C reads B's commit in the take-over's op-log read
        }
        deliver_all(&posted, &mut [&mut c]);
        assert_orphan_gave_way(&store, b, c);
    }
}

/// C adopts A's orphan, but B's rename of the same label lands before C commits it: C's
/// rebase must not let the orphan win as if it were C's own later edit.
#[test]
fn an_adopted_orphan_never_overwrites_a_value_committed_before_the_adopter_commits() {
    let (store, mut b, mut c, posted) = orphaned_rename();
    for message in &posted {
        c.receive_holding_tasks(message); // C adopts; its commit waits…
    }
    assert_eq!(c.get("n1", "attrs/text/text"), Some(json!("old")));
    assert_eq!(c.session().pending().len(), 1);
    b.set("n1", "attrs/text/text", json!("new"));
    b.commit();
    c.commit(); // …and is stale: it rebases over B's commit
    assert_orphan_gave_way(&store, b, c);
}

/// The adopter's own edit made after the adoption is a later edit like any other: it still
/// wins over a commit it meets, and the orphan's other paths are kept.
#[test]
fn the_adopters_own_later_edit_of_an_adopted_path_still_wins() {
    let (store, mut b, mut c, posted) = orphaned_rename();
    deliver_all(&posted, &mut [&mut c]);
    c.set("n1", "attrs/text/text", json!("mine"));
    b.set("n1", "attrs/text/text", json!("new"));
    b.commit();
    c.commit();
    assert_eq!(
        store.diagram().get("n1", "attrs/text/text").unwrap(),
        Some(&json!("mine"))
    );
    assert_eq!(c.conflicts()[0].resolution, Resolution::KeptLocal);
}

#[test]
fn a_hand_off_is_taken_over_once_however_often_it_arrives() {
    let store = store();
    let mut a = Tab::open("A", &store, ConflictPolicy::LaterWins);
    let mut b = Tab::open("B", &store, ConflictPolicy::LaterWins);
    a.set("n1", "data/x", json!("orphan"));
    let handoff = a.session().handoff_message().unwrap();
    b.receive(&handoff);
    let again = b.receive(&handoff);
    assert_eq!(
        again,
        [Action::Ignore {
            reason: IgnoredReason::Duplicate
        }]
    );
    b.commit(); // (the adoption committed the set at once)
    assert_eq!(store.all().len(), 1);
    assert_eq!(store.all()[0].tab_id, "B");
    // A reloaded B (a new tab id) hearing a replay of it: the store says it is claimed.
    let mut b2 = Tab::open("B2", &store, ConflictPolicy::LaterWins);
    b2.receive(&handoff);
    assert!(b2.views().is_empty());
    assert!(!b2.commit());
    assert_eq!(store.version(), 2);
    assert_eq!(b2.cells(), store.cells());
}

#[test]
fn a_bye_makes_the_tabs_that_stay_read_a_commit_that_was_never_posted() {
    let store = store();
    let mut a = Tab::open("A", &store, ConflictPolicy::LaterWins);
    let mut b = Tab::open("B", &store, ConflictPolicy::LaterWins);
    a.set("n1", "data/x", json!("landed"));
    a.commit();
    a.outbox().clear(); // the commit message was never posted
    let posted = a.close();
    assert_eq!(posted.len(), 1, "nothing to hand over: only a bye");
    let actions = b.receive(&posted[0]);
    assert!(actions.contains(&Action::CheckStore { after: 1 }));
    assert_eq!(b.get("n1", "data/x"), Some(json!("landed")));
    assert_eq!(b.session().status().resyncs, 0);
}

// ---- The saved server version reaches the other tabs ----

#[test]
fn a_save_reaches_the_other_tabs_and_replays_of_older_saves_do_not() {
    let mut saver = session("saver", 3);
    let mut other = session("other", 3);
    let saved = saver.saved_message(12, 3);
    let value: Value = serde_json::from_str(&saved).unwrap();
    assert_eq!(value["type"], "saved");
    assert_eq!(
        (
            value["serverVersion"].clone(),
            value["storeVersion"].clone()
        ),
        (json!(12), json!(3))
    );
    let actions = other.on_message(&saved, 1.0);
    assert!(actions.contains(&Action::SavedElsewhere {
        server_version: 12,
        store_version: 3
    }));
    // A replay of it, or of an older save, must not move the next save's base back.
    let reason = |actions: Vec<Action>| {
        actions.into_iter().find_map(|action| match action {
            Action::Ignore { reason } => Some(reason),
            _ => None,
        })
    };
    assert_eq!(
        reason(other.on_message(&saved, 2.0)),
        Some(IgnoredReason::Duplicate)
    );
    let older = saver.saved_message(11, 2);
    assert_eq!(
        reason(other.on_message(&older, 3.0)),
        Some(IgnoredReason::Older)
    );
    let newer = saver.saved_message(13, 3);
    assert!(other
        .on_message(&newer, 4.0)
        .contains(&Action::SavedElsewhere {
            server_version: 13,
            store_version: 3
        }));
    // This tab's own saves count too.
    let mut third = session("third", 3);
    third.saved_message(20, 3);
    assert_eq!(
        reason(third.on_message(&newer, 5.0)),
        Some(IgnoredReason::Older)
    );
}

// ---- Ghost tabs: heartbeats, silence, floods ----

/// The messages among `actions` that are to be posted.
fn posts(actions: &[Action]) -> Vec<String> {
    actions
        .iter()
        .filter_map(|action| match action {
            Action::Post { message } => Some(message.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn a_tab_gone_without_a_bye_is_forgotten_after_three_heartbeats() {
    let mut a = session("a", 1);
    let mut b = session("b", 1);
    b.on_message(&a.hello_message(), 0.0);
    let mut now = 0.0;
    let mut last_heard = 0.0;
    // Both tick; A's heartbeats reach B, which keeps counting it.
    while now < 60_000.0 {
        now += TICK_INTERVAL;
        for here in posts(&a.tick(now)) {
            b.on_message(&here, now);
            last_heard = now;
        }
        assert!(b
            .tick(now)
            .iter()
            .all(|action| !matches!(action, Action::PeerLeft { .. })));
    }
    assert_eq!(b.status().peers, 1);
    // A's page is discarded: no bye. B forgets it within three heartbeats and a tick,
    // and checks the store for a last commit that was never announced.
    let crashed = last_heard;
    let left = loop {
        now += TICK_INTERVAL;
        let actions = b.tick(now);
        if actions.contains(&Action::PeerLeft { tab_id: "a".into() }) {
            break actions;
        }
        assert!(now - crashed < 2.0 * PEER_TIMEOUT, "never forgotten");
    };
    assert!(now - crashed <= PEER_TIMEOUT + TICK_INTERVAL);
    assert!(now - crashed > 3.0 * HERE_INTERVAL);
    assert!(left.contains(&Action::CheckStore { after: 1 }));
    assert_eq!(b.status().peers, 0);
}

#[test]
fn a_heartbeat_is_posted_every_five_seconds() {
    let mut a = session("a", 1);
    let mut posted = Vec::new();
    let mut now = 0.0;
    while now <= 30_000.0 {
        if !posts(&a.tick(now)).is_empty() {
            posted.push(now);
        }
        now += TICK_INTERVAL;
    }
    assert_eq!(
        posted,
        [0.0, 5_000.0, 10_000.0, 15_000.0, 20_000.0, 25_000.0, 30_000.0]
    );
}

/// A replaying page floods the channel with `hello`s from fresh tab ids (the demo showed
/// "887 other tabs"): the count stays bounded, the live tab stays counted, answers are at
/// most one a second, and the count falls back once the flood stops.
#[test]
fn a_flood_of_hellos_from_fresh_tabs_is_bounded() {
    let mut live = session("live", 1);
    let mut b = session("b", 1);
    b.on_message(&live.hello_message(), 0.0);
    let mut answers = 0;
    let mut now = 0.0;
    let mut fresh = 0;
    while now < 20_000.0 {
        // 100 forged hellos per tick…
        for _ in 0..100 {
            fresh += 1;
            let ghost = session(&format!("ghost-{fresh}"), 1).hello_message();
            answers += posts(&b.on_message(&ghost, now)).len();
        }
        now += TICK_INTERVAL;
        // …while a live tab keeps beating.
        for here in posts(&live.tick(now)) {
            b.on_message(&here, now);
        }
        answers += posts(&b.tick(now)).len();
        assert!(b.status().peers <= MAX_PEERS);
        assert!(
            b.peer_ids().any(|id| id == "live"),
            "the live tab is pushed out at {now}"
        );
    }
    assert!(answers <= 21, "{answers} answers to 2000 hellos in 20 s");
    assert_eq!(b.status().resyncs, 0);
    // The flood stops: the ghosts are forgotten, the live tab stays.
    let stopped = now;
    while now < stopped + PEER_TIMEOUT + TICK_INTERVAL {
        now += TICK_INTERVAL;
        for here in posts(&live.tick(now)) {
            b.on_message(&here, now);
        }
        b.tick(now);
    }
    assert_eq!(b.peer_ids().collect::<Vec<_>>(), ["live"]);
}

// ---- Conflicts ----

fn same_label(policy: ConflictPolicy) -> (Rc<Store>, Tab, Tab) {
    let store = store();
    let mut a = Tab::open("A", &store, policy);
    let mut b = Tab::open("B", &store, policy);
    a.set("n1", "attrs/text/text", json!("from A"));
    b.set("n1", "attrs/text/text", json!("from B"));
    a.commit();
    b.commit();
    (store, a, b)
}

#[test]
fn later_wins_keeps_the_later_commit_and_reports_both_values() {
    let (store, mut a, b) = same_label(ConflictPolicy::LaterWins);
    assert_eq!(store.version(), 3);
    let conflicts = b.conflicts();
    assert_eq!(conflicts.len(), 1);
    let conflict = &conflicts[0];
    assert_eq!(conflict.kind, ConflictKind::SamePath);
    assert_eq!(
        (conflict.cell_id.as_str(), conflict.path.as_deref()),
        ("n1", Some("attrs/text/text"))
    );
    assert_eq!(conflict.local, Some(json!("from B")));
    assert_eq!(conflict.remote, Some(json!("from A")));
    assert_eq!(conflict.resolution, Resolution::KeptLocal);
    assert_eq!(
        serde_json::to_value(conflict).unwrap(),
        json!({ "kind": "samePath", "cellId": "n1", "path": "attrs/text/text",
                "local": "from B", "remote": "from A", "resolution": "keptLocal" })
    );
    // B's view never showed A's label: nothing to redraw.
    assert!(b.views().is_empty());
    for message in b.outbox().clone() {
        a.receive(&message);
    }
    assert_eq!(a.get("n1", "attrs/text/text"), Some(json!("from B")));
    assert_eq!(b.get("n1", "attrs/text/text"), Some(json!("from B")));
    assert_eq!(a.cells(), store.cells());
    a.commit();
    assert_eq!(b.session().status().conflicts, 1);
}

/// A's label lost to B's later edit: A is told once, with both values, whether it hears
/// B's commit or reads it from the op log; it is not left for the user to decide.
#[test]
fn the_tab_whose_committed_value_lost_is_told_once_with_both_values() {
    for from_the_log in [false, true] {
        let (store, mut a, b) = same_label(ConflictPolicy::LaterWins);
        let mut message: Value = serde_json::from_str(&b.outbox()[0]).unwrap();
        if from_the_log {
            for field in ["changes", "hash", "overrides"] {
                message.as_object_mut().unwrap().remove(field);
            }
        }
        a.receive(&message.to_string());
        let told = a.conflicts();
        assert_eq!(told.len(), 1, "{told:?}");
        assert_eq!(
            serde_json::to_value(&told[0]).unwrap(),
            json!({ "kind": "samePath", "cellId": "n1", "path": "attrs/text/text",
                    "local": "from A", "remote": "from B", "resolution": "replaced" })
        );
        assert_eq!(a.session().status().conflicts, 1);
        assert_eq!(a.get("n1", "attrs/text/text"), Some(json!("from B")));
        // The record carries it, for a tab that reads it later.
        assert_eq!(store.all()[1].overrides[0].tab_id, "A");
    }
}

#[test]
fn a_tab_whose_value_did_not_lose_is_told_nothing() {
    let store = store();
    let mut a = Tab::open("A", &store, ConflictPolicy::LaterWins);
    let mut b = Tab::open("B", &store, ConflictPolicy::LaterWins);
    let mut d = Tab::open("D", &store, ConflictPolicy::LaterWins);
    a.set("n1", "attrs/text/text", json!("from A"));
    b.set("n1", "attrs/text/text", json!("from B"));
    a.commit();
    b.commit(); // B's value replaces A's
    deliver(&mut b, &mut d); // D reads both commits from the op log
    assert_eq!(d.get("n1", "attrs/text/text"), Some(json!("from B")));
    assert!(d.conflicts().is_empty(), "{:?}", d.conflicts());
    assert_eq!(d.cells(), store.cells());
}

#[test]
fn an_override_is_not_claimed_once_the_winning_change_is_gone() {
    let store = store();
    let mut a = Tab::open("A", &store, ConflictPolicy::LaterWins);
    let mut b = Tab::open("B", &store, ConflictPolicy::LaterWins);
    a.set("n1", "data/x", json!("from A"));
    b.set("n1", "data/x", json!("from B"));
    a.commit();
    b.receive(&a.outbox()[0]); // B wins under its pending edit…
    b.set("n2", "data/x", json!("unrelated"));
    b.engine().record_local(Vec::new());
    // …then puts A's value back before committing.
    b.set("n1", "data/x", json!("from A"));
    b.commit();
    deliver(&mut b, &mut a);
    assert!(a.conflicts().is_empty(), "{:?}", a.conflicts());
    assert_eq!(a.cells(), store.cells());
}

#[test]
fn ask_keeps_theirs_until_the_user_keeps_mine() {
    let (store, mut a, mut b) = same_label(ConflictPolicy::Ask);
    assert_eq!(store.version(), 2); // B had nothing left to commit
    let conflicts = b.conflicts();
    assert_eq!(conflicts.len(), 1);
    assert_eq!(conflicts[0].resolution, Resolution::Unresolved);
    assert_eq!(b.get("n1", "attrs/text/text"), Some(json!("from A")));
    assert_eq!(
        b.views()[0],
        [Change::update(
            "n1",
            "attrs/text/text",
            Some(json!("from B")),
            Some(json!("from A"))
        )]
    );
    // Keep mine: a new local change, committed like any edit.
    let outcome = b.engine().core.keep_mine(&conflicts[0]).unwrap();
    assert_eq!(
        outcome.applied,
        [Change::update(
            "n1",
            "attrs/text/text",
            Some(json!("from A")),
            Some(json!("from B"))
        )]
    );
    b.engine().record_local(outcome.applied);
    b.commit();
    for message in b.outbox().clone() {
        a.receive(&message);
    }
    assert_eq!(a.get("n1", "attrs/text/text"), Some(json!("from B")));
    assert_eq!(a.cells(), store.cells());
    assert_eq!(b.cells(), store.cells());
}

#[test]
fn the_same_value_or_an_edit_undone_before_saving_is_no_conflict() {
    let store = store();
    let mut a = Tab::open("A", &store, ConflictPolicy::LaterWins);
    let mut b = Tab::open("B", &store, ConflictPolicy::LaterWins);
    a.set("n1", "data/x", json!("same"));
    a.set("n1", "data/y", json!("theirs"));
    b.set("n1", "data/x", json!("same"));
    b.set("n1", "data/y", json!("gone"));
    b.set("n1", "data/y", json!("b")); // back to where it was
    a.commit();
    b.commit();
    assert!(b.conflicts().is_empty());
    assert_eq!(b.get("n1", "data/y"), Some(json!("theirs")));
    assert_eq!(store.version(), 2); // nothing of B's was left to commit
}

#[test]
fn an_update_of_a_cell_removed_in_another_tab_is_dropped_and_reported() {
    for policy in [ConflictPolicy::LaterWins, ConflictPolicy::Ask] {
        let store = store();
        let mut a = Tab::open("A", &store, policy);
        let mut b = Tab::open("B", &store, policy);
        a.local(vec![Change::remove(node("n1"))]);
        b.set("n1", "data/x", json!("edited"));
        a.commit();
        b.commit();
        assert!(!b.state().diagram().contains("n1"));
        let conflicts = b.conflicts();
        assert_eq!(conflicts.len(), 1, "{policy:?}");
        assert_eq!(conflicts[0].kind, ConflictKind::RemovedRemotely);
        assert_eq!(conflicts[0].local.as_ref().unwrap()["data"]["x"], "edited");
        assert_eq!(conflicts[0].remote, None);
        let expected = match policy {
            ConflictPolicy::LaterWins => Resolution::KeptRemote,
            ConflictPolicy::Ask => Resolution::Unresolved,
        };
        assert_eq!(conflicts[0].resolution, expected);
        assert!(matches!(&b.views()[0][..], [Change::Remove { .. }]));
        assert_eq!(b.cells(), store.cells());
        // Keep mine brings the cell back as this tab had it.
        let outcome = b.engine().core.keep_mine(&conflicts[0]).unwrap();
        assert_eq!(b.get("n1", "data/x"), Some(json!("edited")));
        assert!(matches!(outcome.recording, Recording::Entry { .. }));
    }
}

#[test]
fn a_remove_of_a_cell_updated_in_another_tab_wins_or_waits() {
    for policy in [ConflictPolicy::LaterWins, ConflictPolicy::Ask] {
        let store = store();
        let mut a = Tab::open("A", &store, policy);
        let mut b = Tab::open("B", &store, policy);
        a.set("n1", "data/x", json!("edited"));
        b.local(vec![Change::remove(node("n1"))]);
        a.commit();
        b.commit();
        let conflicts = b.conflicts();
        assert_eq!(conflicts.len(), 1);
        assert_eq!(conflicts[0].kind, ConflictKind::UpdatedRemotely);
        assert_eq!(conflicts[0].local, None);
        assert_eq!(conflicts[0].remote.as_ref().unwrap()["data"]["x"], "edited");
        match policy {
            ConflictPolicy::LaterWins => {
                assert_eq!(conflicts[0].resolution, Resolution::KeptLocal);
                assert!(!b.state().diagram().contains("n1"));
                // The committed removal carries the cell as the store had it.
                let removal = store.all().last().unwrap().changes[0].clone();
                assert!(
                    matches!(&removal, Change::Remove { cell } if cell["data"]["x"] == "edited")
                );
                // Undo of the removal brings back A's edit too.
                b.undo();
                assert_eq!(b.get("n1", "data/x"), Some(json!("edited")));
                b.commit();
            }
            ConflictPolicy::Ask => {
                assert_eq!(conflicts[0].resolution, Resolution::Unresolved);
                assert_eq!(b.get("n1", "data/x"), Some(json!("edited")));
                assert!(b.views()[0].iter().any(|c| matches!(c, Change::Add { .. })));
            }
        }
        assert_eq!(b.cells(), store.cells());
    }
}

#[test]
fn both_tabs_adding_the_same_id() {
    let store = store();
    let start = |by: &str| Change::add(json!({ "id": "start", "data": { "by": by } }));
    let mut a = Tab::open("A", &store, ConflictPolicy::LaterWins);
    let mut b = Tab::open("B", &store, ConflictPolicy::LaterWins);
    let mut c = Tab::open("C", &store, ConflictPolicy::Ask);
    let mut d = Tab::open("D", &store, ConflictPolicy::LaterWins);
    a.local(vec![start("A")]);
    b.local(vec![start("B")]);
    c.local(vec![start("C")]);
    d.local(vec![start("A")]);
    a.commit();
    b.commit(); // later wins: B's cell replaces A's
    assert_eq!(b.conflicts().len(), 1);
    assert_eq!(b.conflicts()[0].kind, ConflictKind::AddedTwice);
    assert_eq!(b.conflicts()[0].resolution, Resolution::KeptLocal);
    assert_eq!(
        b.conflicts()[0].remote,
        Some(json!({ "id": "start", "data": { "by": "A" } }))
    );
    assert_eq!(
        store.diagram().get("start", "data/by").unwrap(),
        Some(&json!("B"))
    );
    // Ask: theirs stays, mine waits.
    c.commit();
    assert_eq!(c.conflicts().len(), 1);
    assert_eq!(c.conflicts()[0].resolution, Resolution::Unresolved);
    assert_eq!(
        c.conflicts()[0].local,
        Some(json!({ "id": "start", "data": { "by": "C" } }))
    );
    assert_eq!(c.get("start", "data/by"), Some(json!("B")));
    // An identical cell merges silently.
    d.commit();
    assert!(d.conflicts().is_empty());
    assert_eq!(store.version(), 3);
    for tab in [&b, &c, &d] {
        assert_eq!(tab.cells(), store.cells());
    }
}

// ---- Undo across tabs ----

#[test]
fn undo_after_a_rebase_restores_the_other_tabs_value() {
    let (store, mut a, mut b) = same_label(ConflictPolicy::LaterWins);
    // B's entry now starts from A's value: undo restores "from A", not the original.
    let Step::Applied {
        changes, skipped, ..
    } = b.undo()
    else {
        panic!()
    };
    assert!(skipped.is_empty());
    assert_eq!(
        changes,
        [Change::update(
            "n1",
            "attrs/text/text",
            Some(json!("from B")),
            Some(json!("from A"))
        )]
    );
    b.commit();
    for message in b.outbox().clone() {
        a.receive(&message);
    }
    assert_eq!(a.get("n1", "attrs/text/text"), Some(json!("from A")));
    assert_eq!(a.cells(), store.cells());
}

#[test]
fn undo_never_overwrites_what_another_tab_changed_since() {
    let (store, mut a, mut b) = same_label(ConflictPolicy::LaterWins);
    for message in b.outbox().clone() {
        a.receive(&message);
    }
    // A changes the label again after B's commit; B then undoes its label edit.
    a.set("n1", "attrs/text/text", json!("A again"));
    a.set("n2", "data/x", json!("A too"));
    a.commit();
    for message in a.outbox().clone() {
        b.receive(&message);
    }
    let Step::Applied {
        changes, skipped, ..
    } = b.undo()
    else {
        panic!()
    };
    assert!(changes.is_empty());
    assert_eq!(skipped.len(), 1);
    assert_eq!(b.get("n1", "attrs/text/text"), Some(json!("A again")));
    assert!(!b.commit());
    assert_eq!(b.cells(), store.cells());
}

#[test]
fn a_stale_undo_is_a_reported_conflict_never_a_silent_overwrite() {
    let store = store();
    let mut a = Tab::open("A", &store, ConflictPolicy::LaterWins);
    let mut b = Tab::open("B", &store, ConflictPolicy::Ask);
    b.set("n1", "data/x", json!("B"));
    b.commit();
    a.receive(&b.outbox()[0]);
    // B undoes while A's newer edit of the same path is not integrated yet.
    a.set("n1", "data/x", json!("A"));
    a.commit();
    b.undo();
    b.commit();
    assert_eq!(b.get("n1", "data/x"), Some(json!("A")));
    assert_eq!(b.conflicts()[0].resolution, Resolution::Unresolved);
    assert_eq!(b.cells(), store.cells());
}

// ---- Flows between tabs: an edge never outlives the cells it connects ----
//
// X6 cannot draw an edge whose source or target cell is missing (it throws when it loads
// one, and removing a node removes its edges from the graph only), so the diagram must
// never hold one. Found by the soak (scripts/soak.mjs): a tab undid the addition of a node
// another tab had just connected a flow to.

fn flow(id: &str, source: &str, target: &str) -> Value {
    json!({ "id": id, "shape": "edge", "source": { "cell": source, "port": "right" }, "target": { "cell": target } })
}

/// The edges of `cells` whose source or target cell is not among them.
fn dangling(cells: &[Value]) -> Vec<String> {
    let ids: BTreeSet<&str> = cells
        .iter()
        .filter_map(|cell| cell["id"].as_str())
        .collect();
    cells
        .iter()
        .filter(|cell| {
            ["source", "target"].iter().any(|end| {
                cell[end]["cell"]
                    .as_str()
                    .is_some_and(|id| !ids.contains(id))
            })
        })
        .map(|cell| cell["id"].as_str().unwrap_or_default().to_owned())
        .collect()
}

fn deliver(from: &mut Tab, to: &mut Tab) {
    for message in from.take_outbox() {
        to.receive(&message);
    }
}

#[test]
fn undoing_an_added_node_keeps_it_while_another_tabs_flow_is_attached() {
    let store = store();
    let mut a = Tab::open("A", &store, ConflictPolicy::LaterWins);
    let mut b = Tab::open("B", &store, ConflictPolicy::LaterWins);
    a.local(vec![Change::add(node("n3"))]);
    a.commit();
    deliver(&mut a, &mut b);
    b.local(vec![Change::add(flow("f1", "n3", "n1"))]);
    b.commit();
    deliver(&mut b, &mut a);
    let Step::Applied {
        changes, skipped, ..
    } = a.undo()
    else {
        panic!()
    };
    assert!(changes.is_empty(), "{changes:?}");
    assert_eq!(skipped[0].reason, SkipReason::CellConnected);
    assert!(a.state().diagram().contains("n3"));
    assert!(!a.commit());
    assert_eq!(dangling(&store.cells()), Vec::<String>::new());
    assert_eq!(a.cells(), store.cells());
}

#[test]
fn undoing_a_flow_removal_skips_it_once_its_node_is_gone() {
    let store = Store::shared(vec![node("n1"), node("n2"), flow("f1", "n1", "n2")]);
    let mut a = Tab::open("A", &store, ConflictPolicy::LaterWins);
    let mut b = Tab::open("B", &store, ConflictPolicy::LaterWins);
    a.local(vec![Change::remove(flow("f1", "n1", "n2"))]);
    a.commit();
    deliver(&mut a, &mut b);
    b.local(vec![Change::remove(node("n2"))]);
    b.commit();
    deliver(&mut b, &mut a);
    let Step::Applied {
        changes, skipped, ..
    } = a.undo()
    else {
        panic!()
    };
    assert!(changes.is_empty(), "{changes:?}");
    assert_eq!(skipped[0].reason, SkipReason::TerminalMissing);
    assert!(!a.state().diagram().contains("f1"));
    assert_eq!(dangling(&a.cells()), Vec::<String>::new());
}

#[test]
fn a_flow_added_to_a_node_removed_meanwhile_is_dropped_and_reported() {
    for policy in [ConflictPolicy::LaterWins, ConflictPolicy::Ask] {
        let store = store();
        let mut a = Tab::open("A", &store, policy);
        let mut b = Tab::open("B", &store, policy);
        a.local(vec![Change::remove(node("n1"))]);
        b.local(vec![Change::add(flow("f1", "n2", "n1"))]);
        a.commit();
        b.commit();
        assert_eq!(dangling(&store.cells()), Vec::<String>::new(), "{policy:?}");
        assert!(!b.state().diagram().contains("f1"));
        let conflicts = b.conflicts();
        assert_eq!(conflicts.len(), 1, "{policy:?}");
        assert_eq!(conflicts[0].kind, ConflictKind::RemovedRemotely);
        assert_eq!(conflicts[0].cell_id, "f1");
        // Nothing to keep: the flow cannot exist without its target.
        assert_eq!(conflicts[0].resolution, Resolution::KeptRemote);
        assert_eq!(b.cells(), store.cells());
    }
}

#[test]
fn removing_a_node_another_tab_just_connected_removes_the_new_flow_too_or_waits() {
    for policy in [ConflictPolicy::LaterWins, ConflictPolicy::Ask] {
        let store = store();
        let mut a = Tab::open("A", &store, policy);
        let mut b = Tab::open("B", &store, policy);
        a.local(vec![Change::add(flow("f1", "n2", "n1"))]);
        b.local(vec![Change::remove(node("n1"))]);
        a.commit();
        b.commit();
        assert_eq!(dangling(&store.cells()), Vec::<String>::new(), "{policy:?}");
        let conflicts = b.conflicts();
        assert_eq!(conflicts.len(), 1, "{policy:?}");
        assert_eq!(conflicts[0].kind, ConflictKind::UpdatedRemotely);
        assert_eq!(conflicts[0].cell_id, "n1");
        match policy {
            ConflictPolicy::LaterWins => {
                assert_eq!(conflicts[0].resolution, Resolution::KeptLocal);
                assert!(!b.state().diagram().contains("n1"));
                assert!(!b.state().diagram().contains("f1"));
            }
            ConflictPolicy::Ask => {
                assert_eq!(conflicts[0].resolution, Resolution::Unresolved);
                assert!(b.state().diagram().contains("f1"));
                // Keep mine removes the node with the flow now attached to it.
                let outcome = b.engine().core.keep_mine(&conflicts[0]).unwrap();
                b.engine().record_local(outcome.applied);
                assert!(!b.state().diagram().contains("n1"));
                assert_eq!(dangling(&b.cells()), Vec::<String>::new());
                b.commit();
            }
        }
        assert_eq!(b.cells(), store.cells());
        deliver(&mut b, &mut a);
        assert_eq!(a.cells(), store.cells());
    }
}

#[test]
fn remote_changes_join_the_history_only_with_the_preference() {
    let store = store();
    let record = HistoryConfig {
        record_remote: true,
        ..HistoryConfig::default()
    };
    let mut a = Tab::open("A", &store, ConflictPolicy::LaterWins);
    let mut b = Tab::open_with("B", &store, ConflictPolicy::LaterWins, record);
    let mut c = Tab::open("C", &store, ConflictPolicy::LaterWins);
    a.set("n1", "data/x", json!("A"));
    a.commit();
    b.receive(&a.outbox()[0]);
    c.receive(&a.outbox()[0]);
    assert_eq!(b.views(), c.views());
    assert!(b.state().history_state().can_undo);
    assert!(!c.state().history_state().can_undo);
}

// ---- Property: random interleavings converge and lose nothing ----

#[derive(Debug, Clone)]
enum Op {
    /// Tab sets a field of a cell to a fresh value.
    Edit(usize, usize, usize),
    Remove(usize, usize),
    /// Tab adds the cell back if it does not have it.
    Restore(usize, usize),
    Commit(usize),
    /// Tab reads the next message of its inbox.
    Deliver(usize),
    /// Tab misses the next message of its inbox.
    Miss(usize),
    Undo(usize),
    Compact,
}

fn op(tabs: usize) -> impl Strategy<Value = Op> {
    let tab = 0..tabs;
    prop_oneof![
        6 => (tab.clone(), 0..3usize, 0..2usize).prop_map(|(t, c, f)| Op::Edit(t, c, f)),
        1 => (tab.clone(), 0..3usize).prop_map(|(t, c)| Op::Remove(t, c)),
        1 => (tab.clone(), 0..3usize).prop_map(|(t, c)| Op::Restore(t, c)),
        3 => tab.clone().prop_map(Op::Commit),
        4 => tab.clone().prop_map(Op::Deliver),
        1 => tab.clone().prop_map(Op::Miss),
        1 => tab.prop_map(Op::Undo),
        1 => Just(Op::Compact),
    ]
}

const FIELDS: [&str; 2] = ["data/x", "attrs/text/text"];

fn cell_name(index: usize) -> String {
    format!("c{index}")
}

fn cell(index: usize, tag: &str) -> Value {
    json!({ "id": cell_name(index), "attrs": { "text": { "text": tag } }, "data": { "x": tag } })
}

struct World {
    store: Rc<Store>,
    tabs: Vec<Tab>,
    inboxes: Vec<VecDeque<String>>,
    next_value: u64,
    /// Every edit's unique value, with its cell and field.
    edits: Vec<(String, &'static str, String)>,
    /// The values undo steps took back.
    undone: BTreeSet<String>,
}

impl World {
    fn new(tabs: usize, policy: ConflictPolicy) -> Self {
        let store = Store::shared((0..3).map(|index| cell(index, "init")).collect());
        let tabs = (0..tabs)
            .map(|index| Tab::open(&format!("tab{index}"), &store, policy))
            .collect();
        let inboxes = vec![VecDeque::new(); 3];
        Self {
            store,
            tabs,
            inboxes,
            next_value: 0,
            edits: Vec::new(),
            undone: BTreeSet::new(),
        }
    }

    fn post(&mut self, from: usize) {
        let outbox = self.tabs[from].take_outbox();
        for message in outbox {
            for (index, inbox) in self.inboxes.iter_mut().enumerate().take(self.tabs.len()) {
                if index != from {
                    inbox.push_back(message.clone());
                }
            }
        }
    }

    fn apply(&mut self, op: &Op) {
        match *op {
            Op::Edit(t, c, f) => {
                let id = cell_name(c);
                if self.tabs[t].state().diagram().contains(&id) {
                    self.next_value += 1;
                    let value = format!("v{}", self.next_value);
                    self.tabs[t].set(&id, FIELDS[f], json!(value));
                    self.edits.push((id, FIELDS[f], value));
                }
            }
            Op::Remove(t, c) => {
                let existing = self.tabs[t].state().diagram().cell(&cell_name(c)).cloned();
                if let Some(cell) = existing {
                    self.tabs[t].local(vec![Change::Remove { cell }]);
                }
            }
            Op::Restore(t, c) => {
                if !self.tabs[t].state().diagram().contains(&cell_name(c)) {
                    self.tabs[t].local(vec![Change::add(cell(c, &format!("tab{t}")))]);
                }
            }
            Op::Commit(t) => {
                self.tabs[t].commit();
            }
            Op::Deliver(t) => {
                if let Some(message) = self.inboxes[t].pop_front() {
                    self.tabs[t].receive(&message);
                }
            }
            Op::Miss(t) => {
                self.inboxes[t].pop_front();
            }
            Op::Undo(t) => {
                if let Step::Applied { changes, .. } = self.tabs[t].undo() {
                    for change in changes {
                        if let Change::Update {
                            before: Some(Value::String(value)),
                            ..
                        } = change
                        {
                            self.undone.insert(value);
                        }
                    }
                }
            }
            Op::Compact => self.store.compact(),
        }
        for from in 0..self.tabs.len() {
            self.post(from);
        }
    }

    /// Commits and delivers until every tab is idle.
    fn settle(&mut self) {
        for _ in 0..20 {
            let mut busy = false;
            for t in 0..self.tabs.len() {
                busy |= self.tabs[t].commit();
                self.post(t);
            }
            for t in 0..self.tabs.len() {
                while let Some(message) = self.inboxes[t].pop_front() {
                    busy = true;
                    self.tabs[t].receive(&message);
                    self.post(t);
                }
            }
            if !busy {
                // Re-announce, as a tab does when it becomes visible again: a tab that
                // missed the last commit learns it is behind.
                let hellos: Vec<String> = self
                    .tabs
                    .iter()
                    .map(|tab| tab.session().hello_message())
                    .collect();
                let mut behind = false;
                for (from, hello) in hellos.iter().enumerate() {
                    for t in 0..self.tabs.len() {
                        if t != from {
                            let before = self.tabs[t].session().committed_version();
                            self.tabs[t].receive(hello);
                            behind |= self.tabs[t].session().committed_version() != before;
                        }
                    }
                }
                for tab in &mut self.tabs {
                    tab.outbox().clear(); // the `here` answers
                }
                if !behind {
                    return;
                }
            }
        }
        panic!("the tabs never settled");
    }
}

fn check(ops: Vec<Op>, tabs: usize, policy: ConflictPolicy) -> Result<(), TestCaseError> {
    let mut world = World::new(tabs, policy);
    for op in &ops {
        world.apply(op);
    }
    world.settle();
    let stored = world.store.cells();
    for tab in &world.tabs {
        prop_assert_eq!(
            &tab.cells(),
            &stored,
            "tab {}",
            tab.session().config().tab_id
        );
        prop_assert!(tab.session().pending().is_empty());
        prop_assert_eq!(tab.session().committed_version(), world.store.version());
        // A tab that only integrates what the store backs never holds what it does not.
        prop_assert_eq!(tab.problems(ProblemKind::OutOfStep), 0);
    }
    // No edit is lost: each one was committed, unless its cell was removed or replaced,
    // an undo took it back, or it lost a conflict (reported).
    let committed: BTreeSet<(String, String, String)> = world
        .store
        .all()
        .iter()
        .flat_map(|set| set.changes.iter())
        .filter_map(|change| match change {
            Change::Update {
                id,
                path,
                after: Some(Value::String(after)),
                ..
            } => Some((id.to_string(), path.to_string(), after.clone())),
            _ => None,
        })
        .collect();
    let churned: BTreeSet<String> = world
        .store
        .all()
        .iter()
        .flat_map(|set| set.changes.iter())
        .filter(|change| !matches!(change, Change::Update { .. }))
        .filter_map(|change| change.cell_id().map(str::to_owned))
        .chain(
            world
                .tabs
                .iter()
                .flat_map(|tab| tab.conflicts())
                .map(|conflict| conflict.cell_id),
        )
        .collect();
    for (id, path, value) in &world.edits {
        let kept = committed.contains(&(id.clone(), path.to_string(), value.clone()));
        let excused = churned.contains(id) || world.undone.contains(value);
        prop_assert!(kept || excused, "edit {id}/{path} = {value} was lost");
    }
    // Every value in the store was written by someone.
    let written: BTreeMap<&str, ()> = world
        .edits
        .iter()
        .map(|(_, _, value)| (value.as_str(), ()))
        .collect();
    for cell in &stored {
        for field in [&cell["data"]["x"], &cell["attrs"]["text"]["text"]] {
            let text = field.as_str().unwrap_or_default();
            prop_assert!(text == "init" || text.starts_with("tab") || written.contains_key(text));
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(seed::config(256, seed::seed()))]

    #[test]
    fn tabs_converge_under_later_wins(tabs in 2..=3usize, ops in prop::collection::vec(op(3), 1..60)) {
        let ops: Vec<Op> = ops.into_iter().filter(|op| tab_of(op) < tabs).collect();
        check(ops, tabs, ConflictPolicy::LaterWins)?;
    }

    #[test]
    fn tabs_converge_under_ask(tabs in 2..=3usize, ops in prop::collection::vec(op(3), 1..60)) {
        let ops: Vec<Op> = ops.into_iter().filter(|op| tab_of(op) < tabs).collect();
        check(ops, tabs, ConflictPolicy::Ask)?;
    }

    #[test]
    fn edits_alone_are_never_lost(
        tabs in 2..=3usize,
        ops in prop::collection::vec(
            prop_oneof![
                4 => (0..3usize, 0..3usize, 0..2usize).prop_map(|(t, c, f)| Op::Edit(t, c, f)),
                2 => (0..3usize).prop_map(Op::Commit),
                3 => (0..3usize).prop_map(Op::Deliver),
                1 => (0..3usize).prop_map(Op::Miss),
            ],
            1..60,
        ),
    ) {
        let ops: Vec<Op> = ops.into_iter().filter(|op| tab_of(op) < tabs).collect();
        let mut world = World::new(tabs, ConflictPolicy::LaterWins);
        for op in &ops {
            world.apply(op);
        }
        world.settle();
        // Each path ends with the value of its last committed edit, and every edit was
        // committed (under `laterWins` a pending edit always survives a rebase).
        let mut last: BTreeMap<(String, String), Value> = BTreeMap::new();
        let mut committed = BTreeSet::new();
        for set in world.store.all().iter() {
            for change in &set.changes {
                if let Change::Update { id, path, after: Some(after), .. } = change {
                    last.insert((id.to_string(), path.to_string()), after.clone());
                    committed.insert(after.to_string());
                }
            }
        }
        for (id, path, value) in &world.edits {
            prop_assert!(committed.contains(&json!(value).to_string()), "edit {}/{} = {} was lost", id, path, value);
        }
        let stored = world.store.diagram();
        for ((id, path), value) in &last {
            prop_assert_eq!(stored.get(id, path).unwrap(), Some(value));
        }
        for tab in &world.tabs {
            prop_assert_eq!(tab.cells(), world.store.cells());
        }
    }
}

fn tab_of(op: &Op) -> usize {
    match *op {
        Op::Edit(t, ..)
        | Op::Remove(t, _)
        | Op::Restore(t, _)
        | Op::Commit(t)
        | Op::Deliver(t)
        | Op::Miss(t)
        | Op::Undo(t) => t,
        Op::Compact => 0,
    }
}

#[test]
fn with_nothing_pending_the_view_redraws_exactly_the_remote_set() {
    let cells = vec![
        json!({ "id": "n1", "data": { "x": 1 } }),
        json!({ "id": "n2", "data": { "x": 2 } }),
    ];
    let mut state = DiagramState::with_settings(|| 0.0, Default::default(), Default::default());
    state.load(cells.clone(), 1).unwrap();
    let remote = vec![
        Change::update("n1", "data/x", Some(json!(1)), Some(json!(10))),
        Change::update("n1", "data/x", Some(json!(10)), Some(json!(11))),
        Change::add(json!({ "id": "n3", "data": { "x": 3 } })),
        Change::update("n3", "data/x", Some(json!(3)), Some(json!(30))),
        Change::remove(json!({ "id": "n2", "data": { "x": 2 } })),
    ];
    let integration = state
        .integrate_remote(&[], &[], remote, ConflictPolicy::LaterWins)
        .unwrap();
    let mut graph = Diagram::from_cells(cells, 1).unwrap();
    graph.apply_all(integration.view).unwrap();
    let shown: Vec<Value> = graph.cells().map(|cell| (**cell).clone()).collect();
    let held: Vec<Value> = state
        .diagram()
        .cells()
        .map(|cell| (**cell).clone())
        .collect();
    assert_eq!(shown, held);
    assert_eq!(held.len(), 2);
}
