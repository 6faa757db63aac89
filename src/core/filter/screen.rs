//! Screening a list of changes: keep the semantic ones, record a verdict for each.

use super::decision::{Decision, Reason, Screened, Significance};
use super::visual_filter::{VisualFilter, VisualMatch};
use crate::core::model::{Change, SharedStr};

impl VisualFilter {
    /// Splits `changes` into the semantic ones (kept, in order) and verdicts for all.
    /// `forced` is the editor's override; it beats every rule. Without it, adds and
    /// removes are semantic and each update is classified by
    /// [`VisualFilter::classify_update`]. A mixed set therefore keeps only its semantic
    /// paths, and an all-visual set keeps nothing.
    ///
    /// ```
    /// use diagram_state::core::filter::VisualFilter;
    /// use diagram_state::core::model::Change;
    /// use serde_json::json;
    ///
    /// let changes = vec![
    ///     Change::update("n1", "attrs/body/fill", Some(json!("#fff")), Some(json!("#f00"))),
    ///     Change::update("n1", "attrs/body/stroke", Some(json!("#000")), Some(json!("#39f"))),
    /// ];
    /// let screened = VisualFilter::default().screen_changes(changes, None);
    /// assert_eq!(screened.kept.len(), 1); // only the fill
    /// assert_eq!(screened.decisions.len(), 2);
    /// ```
    pub fn screen_changes(
        &self,
        mut changes: Vec<Change>,
        forced: Option<Significance>,
    ) -> Screened {
        let mut decisions = Vec::with_capacity(changes.len());
        changes.retain(|change| {
            let decision = self.decide(change, forced);
            let semantic = decision.significance == Significance::Semantic;
            decisions.push(decision);
            semantic
        });
        Screened {
            kept: changes,
            decisions,
        }
    }

    fn decide(&self, change: &Change, forced: Option<Significance>) -> Decision {
        let cell_id = match change {
            Change::Update { id, .. } => SharedStr::clone(id),
            Change::Add { .. } | Change::Remove { .. } => {
                change.cell_id().unwrap_or_default().into()
            }
        };
        let path = match change {
            Change::Update { path, .. } => Some(SharedStr::clone(path)),
            Change::Add { .. } | Change::Remove { .. } => None,
        };
        let (significance, reason) = match (forced, change) {
            (Some(significance), _) => (significance, Reason::Override),
            (None, Change::Add { .. }) => (Significance::Semantic, Reason::CellAdded),
            (None, Change::Remove { .. }) => (Significance::Semantic, Reason::CellRemoved),
            (
                None,
                Change::Update {
                    path,
                    before,
                    after,
                    ..
                },
            ) => match self.classify_update(path, before.as_ref(), after.as_ref()) {
                None => (Significance::Semantic, Reason::NoRule),
                Some(found) => (Significance::Visual, reason_for(found)),
            },
        };
        Decision {
            cell_id,
            path,
            significance,
            reason,
        }
    }
}

fn reason_for(found: VisualMatch<'_>) -> Reason {
    let rule_id = SharedStr::clone(found.rule().shared_id());
    let pattern = SharedStr::clone(found.rule().pattern().source());
    match found {
        VisualMatch::Path(_) => Reason::Rule { rule_id, pattern },
        VisualMatch::Contents(_) => Reason::ContentsRule { rule_id, pattern },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_override_beats_the_rules_both_ways() {
        let filter = VisualFilter::default();
        let stroke = Change::update("n1", "attrs/body/stroke", None, Some(json!("#f00")));
        let kept = filter.screen_changes(vec![stroke], Some(Significance::Semantic));
        assert_eq!(kept.kept.len(), 1);
        assert_eq!(kept.decisions[0].reason, Reason::Override);
        let added = Change::add(json!({ "id": "ghost" }));
        assert!(filter
            .screen_changes(vec![added], Some(Significance::Visual))
            .kept
            .is_empty());
    }

    #[test]
    fn verdicts_serialize_for_the_decision_panel() {
        let filter = VisualFilter::default();
        let change = Change::update(
            "n1",
            "ports/items/2/attrs/circle/style/visibility",
            None,
            Some(json!("visible")),
        );
        let decision = &filter.screen_changes(vec![change], None).decisions[0];
        assert_eq!(
            serde_json::to_value(decision).unwrap(),
            json!({
                "cellId": "n1",
                "path": "ports/items/2/attrs/circle/style/visibility",
                "significance": "visual",
                "reason": { "type": "rule", "ruleId": "port-visibility", "pattern": "ports/items/*/attrs/circle/style/visibility" }
            })
        );
    }
}
