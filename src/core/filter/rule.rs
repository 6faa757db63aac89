//! Named visual rules, and TMI-UX's defaults.

use serde::Serialize;

use super::error::FilterError;
use super::pattern::PathPattern;
use crate::core::model::serde_forms::shared_str;
use crate::core::model::SharedStr;

/// The default visual rules, as `(id, pattern)`: TMI-UX's visual-attribute detection.
/// Every port change that no rule names (adding a port, its group, its label) is semantic.
pub const TMI_RULES: &[(&str, &str)] = &[
    ("tools", "tools/**"),
    ("selection-filter", "attrs/**/filter"),
    ("selection-stroke", "attrs/body/stroke"),
    ("selection-stroke-width", "attrs/body/strokeWidth"),
    ("shadow-offset-x", "attrs/**/shadowOffsetX"),
    ("shadow-offset-y", "attrs/**/shadowOffsetY"),
    ("shadow-blur", "attrs/**/shadowBlur"),
    ("shadow-color", "attrs/**/shadowColor"),
    ("port-highlight-stroke", "ports/items/*/attrs/circle/stroke"),
    ("port-highlight-fill", "ports/items/*/attrs/circle/fill"),
    (
        "port-visibility",
        "ports/items/*/attrs/circle/style/visibility",
    ),
];

/// The X6 change events excluded whole by default: `cell:change:tools`.
pub const TMI_EXCLUDED_EVENTS: &[&str] = &["tools"];

/// A named rule: paths its pattern covers are visual-only.
/// Serialized for JavaScript as `{ "id": "selection-stroke", "pattern": "attrs/body/stroke" }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VisualRule {
    #[serde(serialize_with = "shared_str::serialize")]
    id: SharedStr,
    pattern: PathPattern,
}

impl VisualRule {
    /// A rule with a non-empty id and a valid pattern (see [`PathPattern`]).
    pub fn new(id: &str, pattern: &str) -> Result<Self, FilterError> {
        if id.is_empty() {
            return Err(FilterError::EmptyRuleId);
        }
        Ok(Self {
            id: id.into(),
            pattern: PathPattern::compile(pattern)?,
        })
    }

    /// The rule's id, e.g. `port-visibility`.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The rule's id, shared.
    pub(crate) fn shared_id(&self) -> &SharedStr {
        &self.id
    }

    /// The rule's compiled pattern.
    pub fn pattern(&self) -> &PathPattern {
        &self.pattern
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_default_rule_compiles() {
        for (id, pattern) in TMI_RULES {
            assert_eq!(
                VisualRule::new(id, pattern).unwrap().pattern().as_str(),
                *pattern
            );
        }
    }

    #[test]
    fn an_empty_id_is_refused() {
        assert_eq!(VisualRule::new("", "a"), Err(FilterError::EmptyRuleId));
    }
}
