//! The options of `DiagramState.open(...)`, read and checked before anything is created.

use serde::Deserialize;
use serde_json::Value;

use super::autosave_options::AutoSaveOptions;
use super::convert::{object, optional_object};
use crate::core::filter::{FilterError, VisualFilter};
use crate::core::history::HistoryConfig;
use crate::core::model::serde_forms::objects;
use crate::core::sync::ConflictPolicy;

/// `DiagramState.open` options as JSON (functions such as `autosave.save` are read apart).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct OpenOptions {
    /// The diagram's id.
    pub diagram_id: String,
    /// The diagram's cells to start from (an X6 `graph.toJSON().cells`).
    #[serde(default)]
    pub cells: Vec<Value>,
    /// The version those cells are at.
    #[serde(default)]
    pub version: u64,
    /// The history cap (`maxEntries`), default 100.
    pub max_history: Option<usize>,
    /// Whether other tabs' and collaborators' changes are undoable, default `false`.
    #[serde(default)]
    pub record_remote_changes: bool,
    /// Merge consecutive changes of the same paths within this many milliseconds.
    pub merge_interval_ms: Option<f64>,
    /// The visual-attribute filter.
    #[serde(default, deserialize_with = "object")]
    pub filter: FilterOptions,
    /// Auto-save to the editor's server (`save` is read apart).
    #[serde(default, deserialize_with = "optional_object")]
    pub autosave: Option<AutoSaveOptions>,
    /// `'indexeddb'`: load the diagram from IndexedDB, commit every change to it and follow
    /// other tabs. Absent: the state lives in memory only.
    pub storage: Option<String>,
    /// The IndexedDB database name (default `diagram-state`).
    pub db_name: Option<String>,
    /// How a same-path conflict with another tab is settled: `laterWins` (default) or `ask`.
    #[serde(default)]
    pub conflict_policy: ConflictPolicy,
}

/// `filter` options: extra rules, and whether TMI-UX's defaults apply.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct FilterOptions {
    /// Start from TMI-UX's rules (default `true`) or from none.
    #[serde(default = "yes")]
    pub defaults: bool,
    /// Rules added after the defaults.
    #[serde(default, deserialize_with = "objects")]
    pub rules: Vec<RuleOption>,
    /// Extra `cell:change:<key>` events to exclude whole.
    #[serde(default)]
    pub excluded_events: Vec<String>,
}

impl Default for FilterOptions {
    fn default() -> Self {
        Self {
            defaults: true,
            rules: Vec::new(),
            excluded_events: Vec::new(),
        }
    }
}

/// One visual rule: `{ id, pattern }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RuleOption {
    /// The rule's id.
    pub id: String,
    /// Its path pattern.
    pub pattern: String,
}

fn yes() -> bool {
    true
}

impl OpenOptions {
    /// The history settings these options ask for.
    pub(crate) fn history_config(&self) -> Result<HistoryConfig, String> {
        if let Some(interval) = self.merge_interval_ms {
            if !(interval.is_finite() && interval >= 0.0) {
                return Err(format!(
                    "`mergeIntervalMs` must be a finite number >= 0, not {interval}"
                ));
            }
        }
        Ok(HistoryConfig {
            max_entries: self
                .max_history
                .unwrap_or(HistoryConfig::default().max_entries),
            record_remote: self.record_remote_changes,
            merge_interval: self.merge_interval_ms,
        })
    }
}

impl FilterOptions {
    /// The filter these options describe.
    pub(crate) fn build(&self) -> Result<VisualFilter, FilterError> {
        let mut filter = if self.defaults {
            VisualFilter::tmi_defaults()
        } else {
            VisualFilter::empty()
        };
        for rule in &self.rules {
            filter.add_rule(&rule.id, &rule.pattern)?;
        }
        for key in &self.excluded_events {
            filter.exclude_event(key);
        }
        Ok(filter)
    }
}
