//! The other tabs on the diagram, as heard on the channel, and when this tab says it is
//! here.
//!
//! Every tab posts `here` every [`HERE_INTERVAL`] ms; a tab not heard from for
//! [`PEER_TIMEOUT`] ms (three heartbeats and a tick) is gone, even if it never said `bye`
//! (it crashed, or its page was discarded). A `hello` is answered with `here` at once, but
//! at most once per [`TICK_INTERVAL`]: answers owed meanwhile are paid by one `here` at the
//! next tick, so a flood of `hello`s costs one `here` a second.
//!
//! The table holds at most [`MAX_PEERS`] tabs. A tab heard for the first time when it is
//! full takes the place of the tab silent the longest, if that one missed two heartbeats;
//! otherwise it is not counted (its messages are read all the same). So a flood of messages
//! with fresh tab ids (a page replaying or forging them) can neither grow the table nor push
//! out a live tab: the count tops out at [`MAX_PEERS`] and falls back once the flood stops.
//!
//! Browsers slow the timers of hidden tabs (Chrome: once a minute after five hidden
//! minutes), so a tab hidden that long drops out of the others' count until its next
//! heartbeat. The count is what the status shows; nothing else depends on it.

use std::collections::BTreeMap;

use crate::core::clock::Millis;

/// How often the driver calls [`SyncSession::tick`](super::SyncSession::tick), in ms.
pub const TICK_INTERVAL: Millis = 1_000.0;

/// How often a tab posts its `here` heartbeat, in ms.
pub const HERE_INTERVAL: Millis = 5_000.0;

/// After how long without a message a tab counts as gone, in ms.
pub const PEER_TIMEOUT: Millis = 3.0 * HERE_INTERVAL + TICK_INTERVAL;

/// The most tabs counted at once: far more than anyone opens on one diagram, few enough to
/// keep the table small.
pub const MAX_PEERS: usize = 256;

/// The peer table and this tab's heartbeat clock.
#[derive(Debug, Clone, Default)]
pub(crate) struct Peers {
    /// Each tab and when it was last heard from.
    table: BTreeMap<String, Millis>,
    /// When this tab last posted `here`.
    last_here: Option<Millis>,
    /// A `hello` was heard since, not answered yet.
    here_owed: bool,
}

/// What hearing from a tab changed in the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Seen {
    /// A tab it already held.
    Known,
    /// A new tab, and the one it replaced, if any.
    Joined {
        /// The tab that made room: silent for two heartbeats.
        replaced: Option<String>,
    },
    /// A new tab, not counted: the table is full of live tabs.
    NotCounted,
}

impl Peers {
    /// How many tabs are counted.
    pub(crate) fn len(&self) -> usize {
        self.table.len()
    }

    /// Their ids.
    pub(crate) fn ids(&self) -> impl Iterator<Item = &str> {
        self.table.keys().map(String::as_str)
    }

    /// A message of `tab_id` arrived at `now`.
    pub(crate) fn see(&mut self, tab_id: &str, now: Millis) -> Seen {
        if let Some(last_seen) = self.table.get_mut(tab_id) {
            *last_seen = now;
            return Seen::Known;
        }
        let mut replaced = None;
        if self.table.len() >= MAX_PEERS {
            let stalest = self
                .table
                .iter()
                .min_by(|a, b| a.1.total_cmp(b.1))
                .filter(|(_, last_seen)| now - **last_seen > 2.0 * HERE_INTERVAL)
                .map(|(id, _)| id.clone());
            let Some(stalest) = stalest else {
                return Seen::NotCounted;
            };
            self.table.remove(&stalest);
            replaced = Some(stalest);
        }
        self.table.insert(tab_id.to_owned(), now);
        Seen::Joined { replaced }
    }

    /// Forgets a tab; whether it was counted.
    pub(crate) fn remove(&mut self, tab_id: &str) -> bool {
        self.table.remove(tab_id).is_some()
    }

    /// Forgets the tabs silent for more than `max_silence` ms and returns their ids.
    pub(crate) fn forget_silent(&mut self, now: Millis, max_silence: Millis) -> Vec<String> {
        let silent: Vec<String> = self
            .table
            .iter()
            .filter(|(_, last_seen)| now - **last_seen > max_silence)
            .map(|(id, _)| id.clone())
            .collect();
        for id in &silent {
            self.table.remove(id);
        }
        silent
    }

    /// A `hello` arrived at `now`: whether to answer `here` now (otherwise it is owed, for
    /// the next tick).
    pub(crate) fn answer_hello(&mut self, now: Millis) -> bool {
        if self
            .last_here
            .is_some_and(|last| now - last < TICK_INTERVAL)
        {
            self.here_owed = true;
            return false;
        }
        self.last_here = Some(now);
        true
    }

    /// A tick at `now`: whether to post `here` (owed, or the heartbeat is due).
    pub(crate) fn here_due(&mut self, now: Millis) -> bool {
        let due = self.here_owed
            || self
                .last_here
                .is_none_or(|last| now - last >= HERE_INTERVAL - TICK_INTERVAL / 2.0);
        if due {
            self.here_owed = false;
            self.last_here = Some(now);
        }
        due
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_table_only_lets_in_a_tab_by_replacing_a_silent_one() {
        let mut peers = Peers::default();
        for index in 0..MAX_PEERS {
            assert_eq!(
                peers.see(&format!("live-{index}"), 0.0),
                Seen::Joined { replaced: None }
            );
        }
        assert_eq!(peers.see("fresh", 1_000.0), Seen::NotCounted);
        // Every tab but one keeps beating; that one is silent for two heartbeats.
        let now = 2.0 * HERE_INTERVAL + 1.0;
        for index in 1..MAX_PEERS {
            peers.see(&format!("live-{index}"), now);
        }
        assert_eq!(
            peers.see("fresh", now),
            Seen::Joined {
                replaced: Some("live-0".into())
            }
        );
        assert_eq!(peers.see("another", now), Seen::NotCounted);
        assert_eq!(peers.len(), MAX_PEERS);
    }

    #[test]
    fn hellos_are_answered_at_most_once_a_tick_and_heartbeats_are_regular() {
        let mut peers = Peers::default();
        assert!(peers.here_due(0.0), "the first tick announces");
        assert!(!peers.here_due(1_000.0));
        assert!(peers.answer_hello(1_500.0));
        assert!(!peers.answer_hello(1_600.0));
        assert!(!peers.answer_hello(2_000.0));
        assert!(peers.here_due(2_500.0), "the answers owed, once");
        assert!(!peers.here_due(3_500.0));
        assert!(peers.here_due(7_500.0), "a heartbeat");
    }
}
