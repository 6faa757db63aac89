//! The fallback leader election, for browsers without Web Locks (`navigator.locks` is
//! missing, e.g. on plain-HTTP origins other than localhost): tabs post heartbeats on a
//! channel, and the oldest live tab leads.
//!
//! Rules: every tab posts a heartbeat every [`HEARTBEAT_INTERVAL`] ms with the time it
//! started (`since`); a tab not heard from for [`HEARTBEAT_TIMEOUT`] ms is gone; a tab that
//! leaves posts `resign` and is gone at once. The leader is the live tab with the smallest
//! `(since, tabId)`; a new tab listens for one timeout before it may lead, so it never
//! displaces a leader it has not heard yet. A crashed leader is replaced within
//! `HEARTBEAT_TIMEOUT + HEARTBEAT_INTERVAL` (one second).
//!
//! Best effort, unlike Web Locks: browsers throttle the timers of hidden tabs, so a hidden
//! leader can look gone for a while and two tabs may both lead briefly. The server's
//! version check (`VERSION_CONFLICT`) still prevents a lost update in that case.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::protocol::PROTOCOL_VERSION;
use crate::core::clock::Millis;

/// How often a tab posts its heartbeat, in ms.
pub const HEARTBEAT_INTERVAL: Millis = 250.0;

/// After how long without a heartbeat a tab counts as gone, in ms.
pub const HEARTBEAT_TIMEOUT: Millis = 750.0;

/// A heartbeat-election message: `{ protocol, type: 'heartbeat' | 'resign', tabId, since }`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Beat {
    protocol: u32,
    #[serde(rename = "type")]
    kind: BeatKind,
    tab_id: String,
    since: Millis,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
enum BeatKind {
    Heartbeat,
    Resign,
}

#[derive(Debug, Clone, Copy)]
struct Candidate {
    since: Millis,
    last_seen: Millis,
}

/// One tab's side of the heartbeat election, without any I/O: the driver posts
/// [`HeartbeatElection::heartbeat_message`] every [`HEARTBEAT_INTERVAL`] ms, passes received
/// texts to [`HeartbeatElection::on_message`], calls [`HeartbeatElection::tick`] on every
/// interval, and posts [`HeartbeatElection::resign_message`] when it stops.
///
/// ```
/// use diagram_state::core::sync::HeartbeatElection;
///
/// let mut first = HeartbeatElection::new("a", 0.0);
/// assert_eq!(first.tick(800.0), Some(true)); // alone for a whole timeout: leads
/// let mut second = HeartbeatElection::new("b", 900.0);
/// second.on_message(&first.heartbeat_message(), 1000.0);
/// assert_eq!(second.tick(1700.0), None); // the older tab leads
/// second.on_message(&first.resign_message(), 1750.0);
/// assert!(second.is_leader());
/// ```
#[derive(Debug, Clone)]
pub struct HeartbeatElection {
    tab_id: String,
    since: Millis,
    peers: BTreeMap<String, Candidate>,
    leader: bool,
}

impl HeartbeatElection {
    /// This tab, starting at `now`.
    pub fn new(tab_id: impl Into<String>, now: Millis) -> Self {
        Self {
            tab_id: tab_id.into(),
            since: now,
            peers: BTreeMap::new(),
            leader: false,
        }
    }

    /// Whether this tab leads.
    pub fn is_leader(&self) -> bool {
        self.leader
    }

    /// The heartbeat to post.
    pub fn heartbeat_message(&self) -> String {
        self.beat(BeatKind::Heartbeat)
    }

    /// The message to post when this tab stops: the others elect at once.
    pub fn resign_message(&self) -> String {
        self.beat(BeatKind::Resign)
    }

    /// Reads a message of another tab (anything unreadable is ignored) and re-elects;
    /// returns the new leadership when it changed.
    pub fn on_message(&mut self, text: &str, now: Millis) -> Option<bool> {
        if let Ok(beat) = serde_json::from_str::<Beat>(text) {
            if beat.protocol == PROTOCOL_VERSION && beat.tab_id != self.tab_id {
                match beat.kind {
                    BeatKind::Heartbeat => {
                        self.peers.insert(
                            beat.tab_id,
                            Candidate {
                                since: beat.since,
                                last_seen: now,
                            },
                        );
                    }
                    BeatKind::Resign => {
                        self.peers.remove(&beat.tab_id);
                    }
                }
            }
        }
        self.tick(now)
    }

    /// Forgets silent tabs and re-elects; returns the new leadership when it changed.
    pub fn tick(&mut self, now: Millis) -> Option<bool> {
        self.peers
            .retain(|_, peer| now - peer.last_seen <= HEARTBEAT_TIMEOUT);
        let listened = now - self.since >= HEARTBEAT_TIMEOUT;
        let oldest = self.peers.iter().all(|(id, peer)| {
            peer.since
                .total_cmp(&self.since)
                .then_with(|| id.as_str().cmp(self.tab_id.as_str()))
                .is_gt()
        });
        let leader = listened && oldest;
        (leader != self.leader).then(|| {
            self.leader = leader;
            leader
        })
    }

    fn beat(&self, kind: BeatKind) -> String {
        let beat = Beat {
            protocol: PROTOCOL_VERSION,
            kind,
            tab_id: self.tab_id.clone(),
            since: self.since,
        };
        serde_json::to_string(&beat).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_crashed_leader_is_replaced_within_a_second() {
        let mut a = HeartbeatElection::new("a", 0.0);
        let mut b = HeartbeatElection::new("b", 0.0);
        let mut now = 0.0;
        while now < 1000.0 {
            a.on_message(&b.heartbeat_message(), now);
            b.on_message(&a.heartbeat_message(), now);
            now += HEARTBEAT_INTERVAL;
        }
        assert!(a.is_leader() && !b.is_leader()); // same start: the smaller id
        let crashed_at = now;
        let mut took_over = None;
        while took_over.is_none() {
            now += HEARTBEAT_INTERVAL;
            if b.tick(now) == Some(true) {
                took_over = Some(now);
            }
        }
        assert!(took_over.unwrap() - crashed_at <= 1000.0);
    }

    #[test]
    fn garbage_and_own_messages_change_nothing() {
        let mut a = HeartbeatElection::new("a", 0.0);
        assert_eq!(a.on_message("{]", 1000.0), Some(true));
        let own = a.heartbeat_message();
        assert_eq!(a.on_message(&own, 1100.0), None);
        let other_protocol = own
            .replace("\"protocol\":1", "\"protocol\":9")
            .replace("\"a\"", "\"0\"");
        assert_eq!(a.on_message(&other_protocol, 1200.0), None);
        assert!(a.is_leader());
    }
}
