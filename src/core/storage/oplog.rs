//! The op log: one record per committed version per diagram, kept for a bounded window of
//! recent versions so another tab can fill a gap without reloading the whole diagram.

use serde::Serialize;

use super::corrupt::CorruptRecord;
use super::records::OplogRecord;

/// How many recent versions of each diagram the op log keeps (at least 1).
///
/// ```
/// use diagram_state::core::storage::OplogWindow;
/// let window = OplogWindow::new(100);
/// assert_eq!(window.compact_through(250), Some(150)); // versions 151..=250 are kept
/// assert_eq!(window.compact_through(80), None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OplogWindow(u64);

impl OplogWindow {
    /// A window of `versions` versions (0 counts as 1).
    pub fn new(versions: u64) -> Self {
        Self(versions.max(1))
    }

    /// How many versions are kept.
    pub fn size(self) -> u64 {
        self.0
    }

    /// After committing `version`, the records up to and including the returned version
    /// are dropped; `None` when nothing needs to go.
    pub fn compact_through(self, version: u64) -> Option<u64> {
        version.checked_sub(self.0).filter(|through| *through > 0)
    }
}

impl Default for OplogWindow {
    /// 200 versions: a tab that has been asleep for fewer than 200 commits catches up from
    /// the log; one that has been away longer reloads.
    fn default() -> Self {
        Self(200)
    }
}

/// The answer to "what was committed after version `v`?", as JavaScript sees it
/// (`{ type: 'records', records: [...] }` or `{ type: 'notCovered', stored, reason }`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum OplogSince {
    /// Every record after `v` up to the stored version, in version order (empty when `v`
    /// is the stored version).
    Records {
        /// The records.
        records: Vec<OplogRecord>,
    },
    /// The log cannot fill the gap: reload the diagram.
    #[serde(rename_all = "camelCase")]
    NotCovered {
        /// The stored version.
        stored: u64,
        /// Why.
        reason: NotCoveredReason,
    },
}

/// Why the op log cannot fill a gap.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum NotCoveredReason {
    /// The versions needed were compacted away.
    Compacted,
    /// The asked version is newer than the stored one (the storage was reset or replaced).
    Ahead,
    /// A record needed is corrupt.
    Corrupt,
}

/// Assembles the answer from the records read after `after` (in key order, corrupt ones as
/// errors) and the stored version.
pub fn collect_since(
    after: u64,
    stored: u64,
    read: impl IntoIterator<Item = Result<OplogRecord, CorruptRecord>>,
) -> OplogSince {
    if after > stored {
        return OplogSince::NotCovered {
            stored,
            reason: NotCoveredReason::Ahead,
        };
    }
    let expected_count = usize::try_from(stored - after).unwrap_or(0).min(1024);
    let mut records = Vec::with_capacity(expected_count);
    let mut expected = after + 1;
    for record in read {
        let record = match record {
            Ok(record) => record,
            Err(_) => {
                return OplogSince::NotCovered {
                    stored,
                    reason: NotCoveredReason::Corrupt,
                }
            }
        };
        if record.version > stored {
            break;
        }
        if record.version != expected {
            break;
        }
        expected += 1;
        records.push(record);
    }
    if expected == stored + 1 {
        OplogSince::Records { records }
    } else {
        OplogSince::NotCovered {
            stored,
            reason: NotCoveredReason::Compacted,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::storage::RecordStore;

    fn record(version: u64) -> Result<OplogRecord, CorruptRecord> {
        Ok(OplogRecord {
            diagram_id: "d".into(),
            version,
            tab_id: "t".into(),
            committed_at: 0.0,
            changes: Vec::new(),
            hash: None,
            overrides: Vec::new(),
        })
    }

    fn versions(since: &OplogSince) -> Option<Vec<u64>> {
        match since {
            OplogSince::Records { records } => Some(records.iter().map(|r| r.version).collect()),
            OplogSince::NotCovered { .. } => None,
        }
    }

    #[test]
    fn a_contiguous_tail_is_returned_in_order() {
        let since = collect_since(2, 4, [record(3), record(4)]);
        assert_eq!(versions(&since), Some(vec![3, 4]));
        assert_eq!(versions(&collect_since(4, 4, [])), Some(vec![]));
    }

    #[test]
    fn gaps_corruption_and_future_versions_are_not_covered() {
        let compacted = collect_since(1, 4, [record(3), record(4)]);
        assert!(matches!(
            compacted,
            OplogSince::NotCovered {
                stored: 4,
                reason: NotCoveredReason::Compacted
            }
        ));
        let corrupt = CorruptRecord {
            store: RecordStore::Oplog,
            key: "d@3".into(),
            reason: "x".into(),
        };
        assert!(matches!(
            collect_since(2, 4, [Err(corrupt), record(4)]),
            OplogSince::NotCovered {
                reason: NotCoveredReason::Corrupt,
                ..
            }
        ));
        assert!(matches!(
            collect_since(9, 4, []),
            OplogSince::NotCovered {
                reason: NotCoveredReason::Ahead,
                ..
            }
        ));
    }

    #[test]
    fn the_window_keeps_the_latest_versions() {
        let window = OplogWindow::new(3);
        assert_eq!(window.compact_through(3), None);
        assert_eq!(window.compact_through(5), Some(2));
        assert_eq!(OplogWindow::new(0).size(), 1);
    }
}
