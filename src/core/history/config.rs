//! The history's settings.

use serde::{Deserialize, Serialize};

use crate::core::clock::Millis;

/// How the history behaves. From JavaScript, any field may be left out:
/// `{ maxEntries: 100, recordRemote: false, mergeInterval: null }` are the defaults.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct HistoryConfig {
    /// How many undo entries are kept; the oldest are dropped beyond it. `0` keeps none.
    pub max_entries: usize,
    /// Whether changes from other tabs and collaborators are recorded (and so undoable).
    pub record_remote: bool,
    /// When set, a change to exactly the same cell paths as the latest entry, from the same
    /// origin, within this many milliseconds of it, joins that entry instead of making a new
    /// one (like Yjs' `captureTimeout` or Loro's `mergeInterval`). Off (`None`) by default.
    pub merge_interval: Option<Millis>,
}

impl Default for HistoryConfig {
    fn default() -> Self {
        Self {
            max_entries: 100,
            record_remote: false,
            merge_interval: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn javascript_may_give_only_some_fields() {
        let config: HistoryConfig = serde_json::from_str(r#"{ "recordRemote": true }"#).unwrap();
        assert_eq!(
            config,
            HistoryConfig {
                record_remote: true,
                ..HistoryConfig::default()
            }
        );
    }
}
