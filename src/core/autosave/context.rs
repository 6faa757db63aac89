//! What the editor tells auto-save about itself: whether it is loading, collaborating,
//! ready, which diagram it shows, which ids it requires, and which operations never save.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::core::history::OperationKind;

/// The editor's state as the auto-save decision tree reads it. From JavaScript any field
/// may be left out (booleans default to `false`, so `graphInitialized` must be set once X6
/// is ready):
///
/// ```json
/// { "graphInitialized": true, "diagramId": "dfd-1",
///   "requiredIds": ["threatModelId"], "ids": { "threatModelId": "tm-9" } }
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct EditorContext {
    /// The diagram's cells are being loaded into the graph: those changes are the load
    /// itself, never saved.
    pub initial_load_in_progress: bool,
    /// Collaborating: the collaboration server (websocket) persists changes, not auto-save.
    pub collaborating: bool,
    /// The X6 graph exists and is ready.
    pub graph_initialized: bool,
    /// The id of the diagram saves go to; `null` or blank when there is none yet.
    pub diagram_id: Option<String>,
    /// Names of further ids a save needs, e.g. `["threatModelId"]`.
    pub required_ids: Vec<String>,
    /// The ids the editor has, by name; a required id that is absent, `null` or blank is
    /// missing.
    pub ids: BTreeMap<String, Option<String>>,
    /// The editor is still loading something else (e.g. its threat model).
    pub loading: bool,
    /// Which operations never trigger a save.
    pub operation_filter: OperationFilter,
}

impl EditorContext {
    /// A context in which every check passes: the graph is ready and `diagram_id` is set.
    pub fn ready(diagram_id: &str) -> Self {
        Self {
            graph_initialized: true,
            diagram_id: Some(diagram_id.to_owned()),
            ..Self::default()
        }
    }

    /// The diagram id, unless it is absent or blank.
    pub fn diagram_id(&self) -> Option<&str> {
        self.diagram_id
            .as_deref()
            .filter(|id| !id.trim().is_empty())
    }

    /// The required id names that have no (non-blank) value, in declaration order.
    pub fn missing_ids(&self) -> Vec<String> {
        self.required_ids
            .iter()
            .filter(|name| {
                let value = self.ids.get(name.as_str()).and_then(Option::as_deref);
                !matches!(value, Some(value) if !value.trim().is_empty())
            })
            .cloned()
            .collect()
    }
}

/// The operation filter: history changes of these operation kinds do not trigger a save
/// (their changes still go out with the next save). Serialized as
/// `{ excludedKinds: ["DIAGRAM_LOAD"] }`, which is the default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct OperationFilter {
    /// The excluded operation kinds.
    pub excluded_kinds: Vec<OperationKind>,
}

impl Default for OperationFilter {
    fn default() -> Self {
        Self {
            excluded_kinds: vec![OperationKind::DiagramLoad],
        }
    }
}

impl OperationFilter {
    /// Whether history changes of `kind` are kept from triggering a save.
    pub fn excludes(&self, kind: OperationKind) -> bool {
        self.excluded_kinds.contains(&kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn required_ids_that_are_absent_null_or_blank_are_missing() {
        let context: EditorContext = serde_json::from_str(
            r#"{ "requiredIds": ["threatModelId", "projectId", "ownerId", "teamId"],
                 "ids": { "threatModelId": "tm-1", "projectId": null, "ownerId": "  " } }"#,
        )
        .unwrap();
        assert_eq!(context.missing_ids(), ["projectId", "ownerId", "teamId"]);
    }

    #[test]
    fn a_blank_diagram_id_is_no_diagram_id() {
        let mut context = EditorContext::ready(" ");
        assert_eq!(context.diagram_id(), None);
        context.diagram_id = Some("d1".into());
        assert_eq!(context.diagram_id(), Some("d1"));
    }

    #[test]
    fn the_default_filter_excludes_only_the_diagram_load() {
        let filter = OperationFilter::default();
        assert!(filter.excludes(OperationKind::DiagramLoad));
        assert!(!filter.excludes(OperationKind::NodeMove));
        let filter: OperationFilter =
            serde_json::from_str(r#"{ "excludedKinds": ["NODE_MOVE"] }"#).unwrap();
        assert!(filter.excludes(OperationKind::NodeMove));
        assert!(!filter.excludes(OperationKind::DiagramLoad));
    }
}
