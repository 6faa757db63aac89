//! The auto-save decision tree's vocabulary: its nodes (questions), its verdicts and the
//! reasons, with names that never change once published.

use serde::{Deserialize, Serialize};

/// Whether a trigger leads to a save. Serialized as `"save"` or `"skip"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Verdict {
    /// A save is scheduled (debounced).
    Save,
    /// No save is scheduled.
    Skip,
}

/// Why the decision tree decided as it did: one reason per leaf of TMI-UX's auto-save
/// diagrams. Serialized in camelCase, e.g. `"missingRequiredId"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum DecisionReason {
    /// Skip: the initial load is in progress (those changes are the load itself).
    InitialLoadInProgress,
    /// Skip: collaborating, the websocket persists changes.
    Collaborating,
    /// Skip: the change is visual only.
    NotSemantic,
    /// Skip: the operation filter excludes this operation kind.
    FilteredOut,
    /// Skip: the graph is not initialised yet.
    GraphNotInitialized,
    /// Skip: there is no diagram id.
    NoDiagramId,
    /// Skip: an id the editor requires (e.g. a threat-model id) is missing.
    MissingRequiredId,
    /// Skip: the editor is still loading.
    StillLoading,
    /// Save: every check passed.
    ChecksPassed,
}

impl DecisionReason {
    /// Every reason, in the order of the tree's leaves.
    pub const ALL: [Self; 9] = [
        Self::InitialLoadInProgress,
        Self::Collaborating,
        Self::NotSemantic,
        Self::FilteredOut,
        Self::GraphNotInitialized,
        Self::NoDiagramId,
        Self::MissingRequiredId,
        Self::StillLoading,
        Self::ChecksPassed,
    ];

    /// The verdict this reason stands for.
    pub fn verdict(self) -> Verdict {
        match self {
            Self::ChecksPassed => Verdict::Save,
            _ => Verdict::Skip,
        }
    }

    /// Whether the trigger's changes still count as unsaved local work: they join the next
    /// save's `changesSinceBase` and make the status `dirty`, without scheduling a save.
    /// True for a filtered-out operation and for an editor that is not ready yet; false
    /// for the initial load, collaboration (the server persists) and visual changes.
    pub fn keeps_changes(self) -> bool {
        !matches!(
            self,
            Self::InitialLoadInProgress | Self::Collaborating | Self::NotSemantic
        )
    }

    /// The stable name, as serialized (e.g. `"noDiagramId"`).
    pub fn name(self) -> &'static str {
        match self {
            Self::InitialLoadInProgress => "initialLoadInProgress",
            Self::Collaborating => "collaborating",
            Self::NotSemantic => "notSemantic",
            Self::FilteredOut => "filteredOut",
            Self::GraphNotInitialized => "graphNotInitialized",
            Self::NoDiagramId => "noDiagramId",
            Self::MissingRequiredId => "missingRequiredId",
            Self::StillLoading => "stillLoading",
            Self::ChecksPassed => "checksPassed",
        }
    }

    /// A sentence for logs and the status display, after TMI-UX's boxes.
    pub fn describe(self) -> &'static str {
        match self {
            Self::InitialLoadInProgress => "initial load in progress",
            Self::Collaborating => "collaborating: the websocket persists changes",
            Self::NotSemantic => "visual change only",
            Self::FilteredOut => "filtered out by the operation filter",
            Self::GraphNotInitialized => "graph not initialised",
            Self::NoDiagramId => "no diagram id",
            Self::MissingRequiredId => "a required id is missing",
            Self::StillLoading => "still loading",
            Self::ChecksPassed => "every check passed",
        }
    }
}

/// A question of the decision tree; a decision's `path` lists the questions asked, in
/// order, the last one being the one that decided a skip. Serialized in camelCase, e.g.
/// `"graphInitialized"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum DecisionNode {
    /// Is the initial load in progress?
    InitialLoad,
    /// Is the editor collaborating?
    Collaborating,
    /// Is the change semantic?
    Semantic,
    /// Does the operation filter include it?
    OperationFilter,
    /// Is the graph initialised?
    GraphInitialized,
    /// Is there a diagram id?
    DiagramId,
    /// Are the required ids there?
    RequiredIds,
    /// Is the editor still loading?
    Loading,
}

impl DecisionNode {
    /// The questions in the order the tree asks them.
    pub const ALL: [Self; 8] = [
        Self::InitialLoad,
        Self::Collaborating,
        Self::Semantic,
        Self::OperationFilter,
        Self::GraphInitialized,
        Self::DiagramId,
        Self::RequiredIds,
        Self::Loading,
    ];

    /// The question, for drawing the tree.
    pub fn question(self) -> &'static str {
        match self {
            Self::InitialLoad => "Is initial load in progress?",
            Self::Collaborating => "Is collaborating?",
            Self::Semantic => "Is change semantic?",
            Self::OperationFilter => "Operation filter result?",
            Self::GraphInitialized => "Is the graph initialised?",
            Self::DiagramId => "Diagram id exists?",
            Self::RequiredIds => "Required ids exist?",
            Self::Loading => "Still loading?",
        }
    }

    /// The reason given when this question stops the walk.
    pub fn skip_reason(self) -> DecisionReason {
        match self {
            Self::InitialLoad => DecisionReason::InitialLoadInProgress,
            Self::Collaborating => DecisionReason::Collaborating,
            Self::Semantic => DecisionReason::NotSemantic,
            Self::OperationFilter => DecisionReason::FilteredOut,
            Self::GraphInitialized => DecisionReason::GraphNotInitialized,
            Self::DiagramId => DecisionReason::NoDiagramId,
            Self::RequiredIds => DecisionReason::MissingRequiredId,
            Self::Loading => DecisionReason::StillLoading,
        }
    }

    /// Whether the answer depends on the trigger (not only on the editor's context).
    pub fn reads_trigger(self) -> bool {
        matches!(self, Self::Semantic | Self::OperationFilter)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_the_serialized_form() {
        for reason in DecisionReason::ALL {
            assert_eq!(
                serde_json::to_value(reason).unwrap(),
                serde_json::Value::from(reason.name())
            );
        }
    }

    #[test]
    fn every_question_has_its_own_skip_reason() {
        let mut reasons: Vec<_> = DecisionNode::ALL.map(DecisionNode::skip_reason).to_vec();
        reasons.dedup();
        assert_eq!(reasons.len(), DecisionNode::ALL.len());
        assert!(reasons
            .iter()
            .all(|reason| reason.verdict() == Verdict::Skip));
        assert_eq!(DecisionReason::ChecksPassed.verdict(), Verdict::Save);
    }
}
