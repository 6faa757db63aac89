//! The sans-IO sync session of one tab on one diagram: committed version, pending local
//! change sets, peers and counters. It reads messages and op-log records and says what to
//! do; the driver does the I/O (channel, store) and calls back.

use std::collections::VecDeque;

use super::action::{Action, CommitRequest, CommittedSet, Handoff};
use super::adopt::{adopt_sets, Adoption};
use super::error::SyncError;
use super::ignored::{IgnoredCounts, IgnoredReason};
use super::merge::ConflictPolicy;
use super::overrides::Override;
use super::peers::{Peers, Seen, PEER_TIMEOUT};
use super::protocol::PROTOCOL_VERSION;
use super::protocol::{decode_message, Envelope, Expect, Message, MAX_MESSAGE_BYTES};
use super::status::SyncStatus;
use crate::core::clock::Millis;
use crate::core::model::Change;
use crate::core::state::{DiagramState, Integration};
use crate::core::storage::ChainHash;

/// How many announced versions wait for the op log at most; more are counted `unverified`
/// at once (a flood of hints is not worth remembering).
const MAX_HINTS: usize = 256;

/// How many closing tabs' hand-offs a session remembers having taken over (a repeat is a
/// duplicate).
const MAX_TAKEN_OVER: usize = 64;

/// Who this session is and how it settles conflicts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionConfig {
    /// The diagram.
    pub diagram_id: String,
    /// This tab's id, unique per tab and page load (e.g. `crypto.randomUUID()`).
    pub tab_id: String,
    /// How conflicts are settled (default `laterWins`).
    pub policy: ConflictPolicy,
    /// The size cap of a message in bytes (default [`MAX_MESSAGE_BYTES`]). Larger incoming
    /// messages are ignored; larger commits are sent without their changes.
    pub max_message_bytes: usize,
}

impl SessionConfig {
    /// The defaults for this diagram and tab.
    pub fn new(diagram_id: impl Into<String>, tab_id: impl Into<String>) -> Self {
        Self {
            diagram_id: diagram_id.into(),
            tab_id: tab_id.into(),
            policy: ConflictPolicy::default(),
            max_message_bytes: MAX_MESSAGE_BYTES,
        }
    }
}

#[derive(Debug, Clone)]
struct InFlight {
    base: u64,
    sets: usize,
    /// The values of other tabs this commit replaces.
    overrides: Vec<Override>,
}

/// Cross-tab sync for one tab on one diagram, without any I/O.
///
/// The store (IndexedDB) serializes commits: each commit checks the stored version equals
/// its base and bumps it by one. This session tracks the last store version this tab has
/// integrated (`committedVersion`) and its link of the hash chain, the local change sets
/// applied to the diagram but not committed yet (pending, oldest first), the peers, and
/// what was ignored.
///
/// A message is only a hint. A `commit` of the next version is integrated as it stands
/// only when its hash continues this tab's chain; any other message that announces a
/// version this tab lacks makes it read the op log (one read at a time), and what the log
/// does not reach is ignored as `unverified`, never a reload: a storm of replayed or forged
/// messages can neither make the tab diverge from the store nor make it reload.
///
/// The driver's loop:
/// - local edit applied to the [`DiagramState`] → [`SyncSession::record_local`];
/// - [`SyncSession::next_commit`] → commit it to the store → on success
///   [`SyncSession::on_commit_ok`] gives the message to post; on `STALE_VERSION`
///   [`SyncSession::on_stale`];
/// - a channel message → [`SyncSession::on_message`] → do the [`Action`]s in order
///   (`integrate` → [`SyncSession::integrate`], `repairGap` → read the op log →
///   [`SyncSession::on_oplog`] or [`SyncSession::on_oplog_missing`], `resync` → reload →
///   [`SyncSession::resynced`], `post` → post it);
/// - every [`TICK_INTERVAL`](super::TICK_INTERVAL) ms → [`SyncSession::tick`];
/// - on open post [`SyncSession::hello_message`]; on close (`pagehide`, dispose) post
///   [`SyncSession::handoff_message`] if any, then [`SyncSession::bye_message`].
///
/// ```
/// use diagram_state::core::model::Change;
/// use diagram_state::core::state::DiagramState;
/// use diagram_state::core::storage::ChainHash;
/// use diagram_state::core::sync::{Action, SessionConfig, SyncSession};
/// use serde_json::json;
///
/// let head = ChainHash::start(0);
/// let mut tab_a = SyncSession::new(SessionConfig::new("d1", "tab-a"), 0, head);
/// let mut tab_b = SyncSession::new(SessionConfig::new("d1", "tab-b"), 0, head);
/// let mut state_b = DiagramState::new(|| 0.0);
///
/// // Tab A commits version 1 (the store answers its hash) and posts it; tab B integrates it.
/// tab_a.record_local(vec![Change::add(json!({ "id": "n1" }))]);
/// let request = tab_a.next_commit().unwrap();
/// assert_eq!(request.base, 0);
/// let hash = head.next(1, "tab-a", &request.changes, &request.overrides);
/// let message = tab_a.on_commit_ok(1, hash).unwrap().unwrap();
/// let actions = tab_b.on_message(&message, 10.0);
/// let Some(Action::Integrate { set }) = actions.into_iter().find(|a| matches!(a, Action::Integrate { .. })) else { panic!() };
/// let integration = tab_b.integrate(&mut state_b, set).unwrap().unwrap();
/// assert_eq!(integration.view, [Change::add(json!({ "id": "n1" }))]);
/// assert_eq!(tab_b.committed_version(), 1);
/// ```
#[derive(Debug, Clone)]
pub struct SyncSession {
    config: SessionConfig,
    committed: u64,
    /// The hash chain's link of `committed`.
    head: ChainHash,
    pending: Vec<Vec<Change>>,
    /// Per pending set, whether it is adopted (a closed tab's): it gives way in conflicts.
    adopted: Vec<bool>,
    /// The values of other tabs the pending changes replaced (conflicts won under
    /// `laterWins`), for the next commit to carry.
    overrides: Vec<Override>,
    in_flight: Option<InFlight>,
    /// A commit of this tab confirmed through the op log before its answer arrived: its
    /// version and the message still to post.
    unposted: Option<(u64, String)>,
    /// The version an op-log read in flight was asked up to.
    repairing: Option<u64>,
    /// Versions announced by messages, waiting for the read in flight to confirm them.
    hints: Vec<u64>,
    /// Versions announced while a read was in flight: the next read confirms them.
    queued: Vec<u64>,
    /// A tab went away while a read was in flight: read again once it is back.
    recheck: bool,
    /// The closing tabs whose hand-off this session took over, oldest first.
    taken_over: VecDeque<String>,
    /// The latest server version a `saved` message (or this tab) announced.
    server_version: Option<u64>,
    peers: Peers,
    ignored: IgnoredCounts,
    resyncs: u64,
    conflicts: u64,
    last_message_at: Option<Millis>,
}

impl SyncSession {
    /// A session for a diagram loaded from the store at version `committed`, whose link of
    /// the hash chain is `head` (the load's `headHash`).
    pub fn new(config: SessionConfig, committed: u64, head: ChainHash) -> Self {
        Self {
            config,
            committed,
            head,
            pending: Vec::new(),
            adopted: Vec::new(),
            overrides: Vec::new(),
            in_flight: None,
            unposted: None,
            repairing: None,
            hints: Vec::new(),
            queued: Vec::new(),
            recheck: false,
            taken_over: VecDeque::new(),
            server_version: None,
            peers: Peers::default(),
            ignored: IgnoredCounts::new(),
            resyncs: 0,
            conflicts: 0,
            last_message_at: None,
        }
    }

    /// The settings.
    pub fn config(&self) -> &SessionConfig {
        &self.config
    }

    /// Changes how conflicts are settled from now on.
    pub fn set_policy(&mut self, policy: ConflictPolicy) {
        self.config.policy = policy;
    }

    /// The last store version this tab has integrated.
    pub fn committed_version(&self) -> u64 {
        self.committed
    }

    /// The local change sets not committed yet, oldest first.
    pub fn pending(&self) -> &[Vec<Change>] {
        &self.pending
    }

    /// The ids of the other tabs known to have the diagram open.
    pub fn peer_ids(&self) -> impl Iterator<Item = &str> {
        self.peers.ids()
    }

    /// The hash chain's link of the committed version.
    pub fn head(&self) -> ChainHash {
        self.head
    }

    /// Starts over from a fresh load of the store at `committed` (with link `head`):
    /// pending changes, any commit in flight and any repair are forgotten (peers and
    /// counters stay).
    pub fn reset(&mut self, committed: u64, head: ChainHash) {
        self.settle_hints(committed);
        self.committed = committed;
        self.head = head;
        self.pending.clear();
        self.adopted.clear();
        self.overrides.clear();
        self.in_flight = None;
        self.unposted = None;
        self.repairing = None;
        self.recheck = false;
    }

    /// Queues a local change set, as the diagram state applied it (an outcome's `applied`),
    /// for the next commit. Empty sets are ignored.
    pub fn record_local(&mut self, changes: Vec<Change>) {
        if !changes.is_empty() {
            self.pending.push(changes);
            self.adopted.push(false);
        }
    }

    /// The next commit to make: every pending change on top of the committed version, with
    /// the values of other tabs they still replace, or `None` when there is nothing to
    /// commit or a commit is already in flight.
    pub fn next_commit(&mut self) -> Option<CommitRequest> {
        if self.in_flight.is_some() || self.pending.is_empty() {
            return None;
        }
        let sets = self.pending.len();
        let changes: Vec<Change> = self.pending.iter().flatten().cloned().collect();
        let overrides: Vec<Override> = std::mem::take(&mut self.overrides)
            .into_iter()
            .filter_map(|overridden| overridden.still_in(&changes))
            .collect();
        self.in_flight = Some(InFlight {
            base: self.committed,
            sets,
            overrides: overrides.clone(),
        });
        Some(CommitRequest {
            base: self.committed,
            changes,
            sets,
            overrides,
        })
    }

    /// The store committed the request as `version` with link `hash`: the committed sets
    /// leave the pending queue and the returned message is to be posted on the channel
    /// (`None` when there is nothing to post any more). Fails with `SYNC_OUT_OF_STEP` when
    /// the answer does not match the request (reload the diagram).
    pub fn on_commit_ok(
        &mut self,
        version: u64,
        hash: ChainHash,
    ) -> Result<Option<String>, SyncError> {
        match self.in_flight.take() {
            Some(flight) if flight.base == self.committed && version == flight.base + 1 => {
                Ok(Some(self.confirm(flight, version, hash)))
            }
            Some(flight) => {
                let base = flight.base;
                self.in_flight = Some(flight);
                Err(SyncError::OutOfStep {
                    detail: format!(
                        "a commit on version {base} was answered with version {version}"
                    ),
                })
            }
            None => match self.unposted.take() {
                Some((confirmed, message)) if confirmed == version => Ok(Some(message)),
                unposted => {
                    self.unposted = unposted;
                    if version <= self.committed {
                        Ok(None)
                    } else {
                        Err(SyncError::OutOfStep {
                            detail: format!("version {version} was committed without a request"),
                        })
                    }
                }
            },
        }
    }

    /// The store refused the commit with `STALE_VERSION` (`stored` is its version): do the
    /// returned `repairGap` (read the newer versions and integrate them), then ask
    /// [`SyncSession::next_commit`] again: the pending changes are rebased by then. No
    /// action means this tab integrated `stored` while the commit was in flight: commit
    /// again at once. A store older than the committed version was reset or replaced: the
    /// answer is a `resync`.
    pub fn on_stale(&mut self, stored: u64) -> Vec<Action> {
        self.take_back_in_flight();
        if stored < self.committed {
            return self.on_oplog_missing();
        }
        if stored == self.committed {
            return Vec::new();
        }
        self.repairing = self.repairing.or(Some(stored));
        vec![Action::RepairGap {
            after: self.committed,
            up_to: stored,
        }]
    }

    /// The store refused the commit with `OUT_OF_STEP`: its changes do not fit the stored
    /// cells, so this tab holds something the store does not. The answer is a `resync`:
    /// reload the diagram (the pending changes are kept, rebased on what is stored, and
    /// committed again).
    pub fn on_out_of_step(&mut self) -> Vec<Action> {
        self.take_back_in_flight();
        self.on_oplog_missing()
    }

    /// The commit failed for another reason (nothing was written): the pending changes
    /// stay, to be committed again later.
    pub fn on_commit_failed(&mut self) {
        self.take_back_in_flight();
    }

    /// Reads one message from the channel. See [`decode_message`] for what is ignored; a
    /// `commit` of the next version whose hash continues this tab's chain is to be
    /// integrated; any other message announcing a later version is a hint to check in the
    /// op log (`repairGap`); an older or duplicate commit is ignored. A `hello` is answered
    /// with a `post` of a `here` message. A `bye` makes this tab check the store
    /// (`checkStore`: the leaving tab's last commit may have landed unannounced); a
    /// `handoff` is to be taken over (`takeOver`), once per closing tab. A `saved` of a
    /// server version later than any seen is passed on (`savedElsewhere`); an earlier or
    /// equal one (a replay) is ignored.
    pub fn on_message(&mut self, text: &str, now: Millis) -> Vec<Action> {
        let expect = Expect {
            diagram_id: &self.config.diagram_id,
            tab_id: &self.config.tab_id,
            max_bytes: self.config.max_message_bytes,
        };
        let envelope = match decode_message(text, expect) {
            Ok(envelope) => envelope,
            Err(reason) => return vec![self.ignore(reason)],
        };
        self.last_message_at = Some(now);
        let Envelope {
            tab_id,
            version,
            message,
            ..
        } = envelope;
        let mut actions = Vec::new();
        match message {
            Message::Bye => {
                if self.peers.remove(&tab_id) {
                    actions.push(Action::PeerLeft { tab_id });
                }
                actions.extend(self.check_store());
                return actions;
            }
            Message::Handoff { in_flight, sets } => {
                if self.peers.remove(&tab_id) {
                    actions.push(Action::PeerLeft {
                        tab_id: tab_id.clone(),
                    });
                }
                if self.taken_over.contains(&tab_id) {
                    actions.push(self.ignore(IgnoredReason::Duplicate));
                    return actions;
                }
                if self.taken_over.len() >= MAX_TAKEN_OVER {
                    self.taken_over.pop_front();
                }
                self.taken_over.push_back(tab_id.clone());
                actions.push(Action::TakeOver {
                    handoff: Handoff {
                        tab_id,
                        base: version,
                        in_flight,
                        sets,
                    },
                });
                return actions;
            }
            _ => {}
        }
        self.see_peer(&tab_id, version, now, &mut actions);
        match message {
            Message::Commit { .. } if version <= self.committed => {
                let reason = if version == self.committed {
                    IgnoredReason::Duplicate
                } else {
                    IgnoredReason::Older
                };
                actions.push(self.ignore(reason));
            }
            Message::Commit {
                changes: Some(changes),
                hash: Some(hash),
                overrides,
            } if version == self.committed + 1
                && self.head.next(version, &tab_id, &changes, &overrides) == hash =>
            {
                actions.push(Action::Integrate {
                    set: CommittedSet {
                        version,
                        tab_id,
                        changes,
                        hash: Some(hash),
                        overrides,
                    },
                })
            }
            Message::Hello => {
                if self.peers.answer_hello(now) {
                    actions.push(Action::Post {
                        message: self.message(Message::Here),
                    });
                }
                self.catch_up(version, &mut actions);
            }
            Message::Commit { .. } | Message::Here => {
                self.catch_up(version, &mut actions);
            }
            Message::Saved {
                server_version,
                store_version,
            } => {
                match self.server_version {
                    Some(seen) if server_version < seen => {
                        actions.push(self.ignore(IgnoredReason::Older));
                    }
                    Some(seen) if server_version == seen => {
                        actions.push(self.ignore(IgnoredReason::Duplicate));
                    }
                    _ => {
                        self.server_version = Some(server_version);
                        actions.push(Action::SavedElsewhere {
                            server_version,
                            store_version,
                        });
                    }
                }
                self.catch_up(version, &mut actions);
            }
            Message::Bye | Message::Handoff { .. } => {}
        }
        actions
    }

    /// Counts a message that could not even be read as text (the channel delivered
    /// something else, or failed to deserialize it).
    pub fn on_unreadable(&mut self) -> Vec<Action> {
        vec![self.ignore(IgnoredReason::Garbled)]
    }

    /// The op-log records read for a `repairGap` (in any order). Returns an `integrate` per
    /// version after the committed one, in order, or a `resync` instead when the records do
    /// not continue the committed version without a hole. Announced versions the records do
    /// not reach are counted `unverified`; versions announced while the read was in flight
    /// are checked by a new `repairGap`.
    pub fn on_oplog(&mut self, mut records: Vec<CommittedSet>) -> Vec<Action> {
        self.repairing = None;
        records.sort_by_key(|record| record.version);
        records.dedup_by_key(|record| record.version);
        let mut next = self.committed + 1;
        let mut actions = Vec::new();
        for record in records
            .into_iter()
            .filter(|record| record.version > self.committed)
        {
            if record.version != next {
                return self.on_oplog_missing();
            }
            next += 1;
            actions.push(Action::Integrate { set: record });
        }
        let reached = next - 1;
        let hints = std::mem::take(&mut self.hints);
        self.count_unreached(&hints, reached);
        let queued: Vec<u64> = std::mem::take(&mut self.queued)
            .into_iter()
            .filter(|version| *version > reached)
            .collect();
        let recheck = std::mem::take(&mut self.recheck);
        if let Some(&up_to) = queued.iter().max() {
            self.hints = queued;
            self.repairing = Some(up_to);
            actions.push(Action::RepairGap {
                after: reached,
                up_to,
            });
        } else if recheck {
            self.repairing = Some(reached);
            actions.push(Action::CheckStore { after: reached });
        }
        actions
    }

    /// The op-log records read for a `takeOver` (`None` when the log no longer covers
    /// them). Returns what to integrate (or a `resync`), then a `claim` of the sets still to
    /// commit: those of a commit in flight that landed as version `base + 1` are dropped.
    /// When the log cannot tell, every set is claimed: committing a set twice changes
    /// nothing the second time (the same values merge), losing it would lose the edit.
    pub fn on_takeover_oplog(
        &mut self,
        handoff: Handoff,
        records: Option<Vec<CommittedSet>>,
    ) -> Vec<Action> {
        let Handoff {
            tab_id,
            base,
            in_flight,
            mut sets,
        } = handoff;
        let (mut actions, landed) = match records {
            Some(records) => {
                let landed = records
                    .iter()
                    .any(|record| record.version == base + 1 && record.tab_id == tab_id);
                (self.on_oplog(records), landed)
            }
            None => (self.on_oplog_missing(), false),
        };
        if landed {
            sets.drain(..in_flight.min(sets.len()));
        }
        if !sets.is_empty() {
            actions.push(Action::Claim {
                handoff: Handoff {
                    tab_id,
                    base,
                    in_flight: 0,
                    sets,
                },
            });
        }
        actions
    }

    /// Adopts a hand-off this tab claimed: its sets are applied to `state` (see
    /// [`adopt`](super::adopt) for the rules) and become pending sets of this tab, to
    /// commit with its edits. They stay adopted: a closed tab's changes are older than
    /// anything committed after it closed, so in a conflict with a commit this tab
    /// integrates before committing them they give way (`keptRemote`), whatever the
    /// policy. On error nothing more changes (the sets applied before stay).
    pub fn adopt(
        &mut self,
        state: &mut DiagramState,
        handoff: Handoff,
    ) -> Result<Adoption, SyncError> {
        let (sets, adoption) = adopt_sets(state, handoff.sets)?;
        self.adopted.extend(sets.iter().map(|_| true));
        self.pending.extend(sets);
        Ok(adoption)
    }

    /// The op log no longer covers the gap (compacted, or the store was replaced): reload
    /// the diagram from the store, then call [`SyncSession::resynced`].
    pub fn on_oplog_missing(&mut self) -> Vec<Action> {
        self.repairing = None;
        self.recheck = false;
        self.resyncs += 1;
        vec![Action::Resync]
    }

    /// Integrates the next committed version into `state` (under the pending local
    /// changes, see [`DiagramState::integrate_remote`]) and returns what to show. `None`
    /// when there is nothing to do: a version already integrated, or this tab's own commit
    /// seen in the op log before its answer (it then counts as committed). On error nothing
    /// changes.
    pub fn integrate(
        &mut self,
        state: &mut DiagramState,
        set: CommittedSet,
    ) -> Result<Option<Integration>, SyncError> {
        if set.version <= self.committed {
            return Ok(None);
        }
        if set.version != self.committed + 1 {
            return Err(SyncError::VersionGap {
                committed: self.committed,
                version: set.version,
            });
        }
        let link = set.link();
        if set.tab_id == self.config.tab_id {
            let Some(flight) = self.in_flight.take() else {
                return Err(SyncError::OutOfStep {
                    detail: format!(
                        "version {} is this tab's, but it asked for no commit",
                        set.version
                    ),
                });
            };
            let message = self.confirm(flight, set.version, link);
            self.unposted = Some((set.version, message));
            return Ok(None);
        }
        let mut integration = state.integrate_remote(
            &self.pending,
            &self.adopted,
            set.changes,
            self.config.policy,
        )?;
        self.take_back_in_flight();
        self.pending.clone_from(&integration.pending);
        self.adopted.clone_from(&integration.adopted);
        self.committed = set.version;
        self.head = link;
        // The conflicts this tab won replace values of that tab: its next commit says so.
        self.overrides.extend(
            integration
                .conflicts
                .iter()
                .filter_map(|conflict| Override::of(conflict, &set.tab_id)),
        );
        // A value of this tab that that commit replaced: told once, with both values,
        // unless this tab's own rebase reports that path already.
        let me = self.config.tab_id.as_str();
        for overridden in set.overrides.iter().filter(|o| o.tab_id == me) {
            let reported = integration.conflicts.iter().any(|conflict| {
                conflict.cell_id == overridden.cell_id && conflict.path == overridden.path
            });
            if !reported {
                integration.conflicts.push(overridden.conflict());
            }
        }
        self.conflicts += integration.conflicts.len() as u64;
        Ok(Some(integration))
    }

    /// The diagram was reloaded from the store (`cells` at `version`, whose link of the
    /// hash chain is `head`): integrates it under the pending local changes, which are kept
    /// and rebased (see [`DiagramState::integrate_snapshot`]). Call it with no commit in
    /// flight (await the answer first). On error nothing changes; should even this fail
    /// (the pending sets no longer fit the diagram), load the stored copy with
    /// [`DiagramState::load`] and start over with [`SyncSession::reset`], which drops the
    /// pending changes.
    pub fn resynced(
        &mut self,
        state: &mut DiagramState,
        version: u64,
        head: ChainHash,
        cells: Vec<serde_json::Value>,
    ) -> Result<Integration, SyncError> {
        let integration =
            state.integrate_snapshot(&self.pending, &self.adopted, cells, self.config.policy)?;
        self.settle_hints(version);
        self.pending.clone_from(&integration.pending);
        self.adopted.clone_from(&integration.adopted);
        self.committed = version;
        self.head = head;
        self.take_back_in_flight();
        self.repairing = None;
        self.conflicts += integration.conflicts.len() as u64;
        Ok(integration)
    }

    /// Forgets tabs not heard from for more than `max_silence` ms (a crashed tab never says
    /// `bye`); returns a `peerLeft` for each.
    pub fn forget_silent_peers(&mut self, now: Millis, max_silence: Millis) -> Vec<Action> {
        self.peers
            .forget_silent(now, max_silence)
            .into_iter()
            .map(|tab_id| Action::PeerLeft { tab_id })
            .collect()
    }

    /// The driver calls this every [`TICK_INTERVAL`](super::TICK_INTERVAL) ms: tabs silent
    /// for [`PEER_TIMEOUT`] are forgotten (and the store is checked: their last commit may
    /// have landed unannounced), and the `here` heartbeat (or an answer owed to a `hello`)
    /// is to be posted. See [`peers`](super::peers) for the rules.
    pub fn tick(&mut self, now: Millis) -> Vec<Action> {
        let mut actions = self.forget_silent_peers(now, PEER_TIMEOUT);
        if !actions.is_empty() {
            actions.extend(self.check_store());
        }
        if self.peers.here_due(now) {
            actions.push(Action::Post {
                message: self.message(Message::Here),
            });
        }
        actions
    }

    /// The `hello` message to post when this tab opens the diagram (peers answer `here`).
    pub fn hello_message(&self) -> String {
        self.message(Message::Hello)
    }

    /// The `bye` message to post when this tab closes the diagram.
    pub fn bye_message(&self) -> String {
        self.message(Message::Bye)
    }

    /// The `saved` message to post when this tab saved the diagram to the server as
    /// `server_version`, with the changes of committed version `store_version`.
    pub fn saved_message(&mut self, server_version: u64, store_version: u64) -> String {
        self.server_version = self.server_version.max(Some(server_version));
        self.message(Message::Saved {
            server_version,
            store_version,
        })
    }

    /// The `handoff` message to post when this tab closes the diagram with change sets it
    /// has not committed (those of a commit in flight first), or `None` when it has none.
    /// Post it before the `bye`: the tabs that stay commit the sets.
    pub fn handoff_message(&self) -> Option<String> {
        if self.pending.is_empty() {
            return None;
        }
        let in_flight = self
            .in_flight
            .as_ref()
            .map_or(0, |flight| flight.sets.min(self.pending.len()));
        Some(self.message(Message::Handoff {
            in_flight,
            sets: self.pending.clone(),
        }))
    }

    /// A `commit` message for `changes` committed as `version` with link `hash` (sent
    /// without the changes when they exceed the size cap).
    pub fn commit_message(&self, version: u64, changes: Vec<Change>, hash: ChainHash) -> String {
        self.commit_message_overriding(version, changes, hash, Vec::new())
    }

    fn commit_message_overriding(
        &self,
        version: u64,
        changes: Vec<Change>,
        hash: ChainHash,
        overrides: Vec<Override>,
    ) -> String {
        self.envelope(
            version,
            Message::Commit {
                changes: Some(changes),
                hash: Some(hash),
                overrides,
            },
        )
        .encode(self.config.max_message_bytes)
    }

    /// The observable status.
    pub fn status(&self) -> SyncStatus {
        SyncStatus {
            tab_id: self.config.tab_id.clone(),
            committed_version: self.committed,
            pending_sets: self.pending.len(),
            committing: self.in_flight.is_some(),
            peers: self.peers.len(),
            ignored: self.ignored.clone(),
            resyncs: self.resyncs,
            conflicts: self.conflicts,
            last_message_at: self.last_message_at,
        }
    }

    fn confirm(&mut self, flight: InFlight, version: u64, hash: ChainHash) -> String {
        let sets = flight.sets.min(self.pending.len());
        let changes: Vec<Change> = self.pending.drain(..sets).flatten().collect();
        self.adopted.drain(..sets);
        self.committed = version;
        self.head = hash;
        self.commit_message_overriding(version, changes, hash, flight.overrides)
    }

    /// Forgets the commit in flight (it will not land, or it must be made again); what it
    /// overrode goes back with the pending changes.
    fn take_back_in_flight(&mut self) {
        if let Some(flight) = self.in_flight.take() {
            let mut overrides = flight.overrides;
            overrides.append(&mut self.overrides);
            self.overrides = overrides;
        }
    }

    /// Counts the announced versions beyond `reached` as `unverified`.
    fn count_unreached(&mut self, hints: &[u64], reached: u64) {
        let unreached = hints.iter().filter(|version| **version > reached).count();
        if unreached > 0 {
            *self.ignored.entry(IgnoredReason::Unverified).or_insert(0) += unreached as u64;
        }
    }

    /// Settles every announced version against a store reloaded at `version`.
    fn settle_hints(&mut self, version: u64) {
        let mut hints = std::mem::take(&mut self.hints);
        hints.append(&mut self.queued);
        self.count_unreached(&hints, version);
    }

    fn ignore(&mut self, reason: IgnoredReason) -> Action {
        *self.ignored.entry(reason).or_insert(0) += 1;
        Action::Ignore { reason }
    }

    fn see_peer(&mut self, tab_id: &str, version: u64, now: Millis, actions: &mut Vec<Action>) {
        if let Seen::Joined { replaced } = self.peers.see(tab_id, now) {
            if let Some(gone) = replaced {
                actions.push(Action::PeerLeft { tab_id: gone });
            }
            actions.push(Action::PeerJoined {
                tab_id: tab_id.to_owned(),
                version,
            });
        }
    }

    /// Reads the op log to the stored version (a tab went away), or once the read in
    /// flight is back.
    fn check_store(&mut self) -> Option<Action> {
        if self.repairing.is_some() {
            self.recheck = true;
            return None;
        }
        self.repairing = Some(self.committed);
        Some(Action::CheckStore {
            after: self.committed,
        })
    }

    /// Checks an announced `version` this tab lacks in the op log: asks for a read, or,
    /// while one is in flight, queues it for the next.
    fn catch_up(&mut self, version: u64, actions: &mut Vec<Action>) {
        if version <= self.committed {
            return;
        }
        if self.hints.len() + self.queued.len() >= MAX_HINTS {
            *self.ignored.entry(IgnoredReason::Unverified).or_insert(0) += 1;
            return;
        }
        if self.repairing.is_some() {
            self.queued.push(version);
            return;
        }
        self.hints.push(version);
        self.repairing = Some(version);
        actions.push(Action::RepairGap {
            after: self.committed,
            up_to: version,
        });
    }

    fn envelope(&self, version: u64, message: Message) -> Envelope {
        Envelope {
            protocol: PROTOCOL_VERSION,
            diagram_id: self.config.diagram_id.clone(),
            tab_id: self.config.tab_id.clone(),
            version,
            message,
        }
    }

    fn message(&self, message: Message) -> String {
        self.envelope(self.committed, message)
            .encode(self.config.max_message_bytes)
    }
}
