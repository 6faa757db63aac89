//! The auto-save decision tree: a pure function from the editor's context and a trigger to
//! a verdict, its reason and the path walked.

use serde::{Deserialize, Serialize};

use super::context::EditorContext;
use super::reason::{DecisionNode, DecisionReason, Verdict};
use super::trigger::{Trigger, TriggerSource};
use crate::core::history::OperationKind;

/// What the decision tree decided for one trigger. Serialized as
/// `{ decision: "skip", reason: "missingRequiredId", trigger: "historyChange",
///    path: ["initialLoad", "collaborating", "semantic", "operationFilter",
///           "graphInitialized", "diagramId", "requiredIds"], missingIds: ["threatModelId"] }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AutoSaveDecision {
    /// Save or skip.
    pub decision: Verdict,
    /// Why.
    pub reason: DecisionReason,
    /// Where the trigger came from.
    pub trigger: TriggerSource,
    /// The questions asked, in order; on a skip the last one decided it.
    pub path: Vec<DecisionNode>,
    /// For `missingRequiredId`: the names of the missing ids.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing_ids: Vec<String>,
    /// For `filteredOut`: the excluded operation kind.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub excluded_kind: Option<OperationKind>,
}

impl AutoSaveDecision {
    /// Whether the decision is to save.
    pub fn is_save(&self) -> bool {
        self.decision == Verdict::Save
    }
}

/// Walks the decision tree, merging TMI-UX's "Primary Auto-save Decision Flow" and
/// "Auto-save Validation Checks": initial load → collaborating → semantic → operation
/// filter → graph initialised → diagram id → required ids → still loading → save.
///
/// The operation filter applies to history changes only; metadata changes, external
/// signals and manual saves always pass it.
pub fn decide(context: &EditorContext, trigger: &Trigger) -> AutoSaveDecision {
    let mut path = Vec::with_capacity(DecisionNode::ALL.len());
    for node in DecisionNode::ALL {
        path.push(node);
        if let Some(stop) = ask(node, context, Some(trigger)) {
            return AutoSaveDecision {
                decision: Verdict::Skip,
                reason: node.skip_reason(),
                trigger: trigger.source(),
                path,
                missing_ids: stop.missing_ids,
                excluded_kind: stop.excluded_kind,
            };
        }
    }
    AutoSaveDecision {
        decision: Verdict::Save,
        reason: DecisionReason::ChecksPassed,
        trigger: trigger.source(),
        path,
        missing_ids: Vec::new(),
        excluded_kind: None,
    }
}

/// The context-only part of the tree, asked again when a scheduled save is about to
/// start: the diagram id to save to, or the reason the editor cannot save now.
pub fn readiness(context: &EditorContext) -> Result<&str, DecisionReason> {
    for node in DecisionNode::ALL {
        if !node.reads_trigger() && ask(node, context, None).is_some() {
            return Err(node.skip_reason());
        }
    }
    context.diagram_id().ok_or(DecisionReason::NoDiagramId)
}

/// Details of a skip.
#[derive(Default)]
struct Stop {
    missing_ids: Vec<String>,
    excluded_kind: Option<OperationKind>,
}

/// Asks one question: `Some` stops the walk with a skip. Trigger questions pass when there
/// is no trigger.
fn ask(node: DecisionNode, context: &EditorContext, trigger: Option<&Trigger>) -> Option<Stop> {
    let stop = |stops: bool| stops.then(Stop::default);
    match node {
        DecisionNode::InitialLoad => stop(context.initial_load_in_progress),
        DecisionNode::Collaborating => stop(context.collaborating),
        DecisionNode::Semantic => stop(trigger.is_some_and(|trigger| !trigger.is_semantic())),
        DecisionNode::OperationFilter => {
            let kind = trigger.and_then(Trigger::operation_kind)?;
            context.operation_filter.excludes(kind).then_some(Stop {
                excluded_kind: Some(kind),
                ..Stop::default()
            })
        }
        DecisionNode::GraphInitialized => stop(!context.graph_initialized),
        DecisionNode::DiagramId => stop(context.diagram_id().is_none()),
        DecisionNode::RequiredIds => {
            let missing_ids = context.missing_ids();
            (!missing_ids.is_empty()).then_some(Stop {
                missing_ids,
                ..Stop::default()
            })
        }
        DecisionNode::Loading => stop(context.loading),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::model::Change;
    use serde_json::json;

    fn moved() -> Trigger {
        Trigger::history(
            vec![Change::update(
                "n1",
                "position/x",
                Some(json!(1)),
                Some(json!(2)),
            )],
            Some(OperationKind::NodeMove),
        )
    }

    #[test]
    fn a_ready_editor_saves_after_asking_every_question() {
        let decision = decide(&EditorContext::ready("d1"), &moved());
        assert!(decision.is_save());
        assert_eq!(decision.reason, DecisionReason::ChecksPassed);
        assert_eq!(decision.path, DecisionNode::ALL);
    }

    #[test]
    fn the_first_failing_question_decides_and_ends_the_path() {
        let context = EditorContext {
            loading: true,
            ..EditorContext::default()
        };
        let decision = decide(&context, &moved());
        assert_eq!(decision.reason, DecisionReason::GraphNotInitialized);
        assert_eq!(decision.path.last(), Some(&DecisionNode::GraphInitialized));
        assert_eq!(
            readiness(&context),
            Err(DecisionReason::GraphNotInitialized)
        );
    }

    #[test]
    fn readiness_skips_the_trigger_questions() {
        let context = EditorContext::ready("d1");
        assert_eq!(readiness(&context), Ok("d1"));
        let collaborating = EditorContext {
            collaborating: true,
            ..context
        };
        assert_eq!(
            readiness(&collaborating),
            Err(DecisionReason::Collaborating)
        );
    }

    #[test]
    fn decisions_serialize_for_javascript() {
        let mut context = EditorContext::ready("d1");
        context.required_ids = vec!["threatModelId".into()];
        let value = serde_json::to_value(decide(&context, &moved())).unwrap();
        assert_eq!(
            value,
            json!({
                "decision": "skip",
                "reason": "missingRequiredId",
                "trigger": "historyChange",
                "path": ["initialLoad", "collaborating", "semantic", "operationFilter",
                         "graphInitialized", "diagramId", "requiredIds"],
                "missingIds": ["threatModelId"]
            })
        );
    }
}
