//! Why a visual rule was refused.

use thiserror::Error;

use crate::core::error::ErrorCode;

/// A refused rule or rule-set change. The rule set is unchanged when one is returned.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FilterError {
    /// A pattern that is not a slash path of literals, `*` and `**` (`code`: `INVALID_PATTERN`).
    #[error("visual rule pattern '{pattern}' is invalid: {reason}")]
    InvalidPattern {
        /// The pattern as given.
        pattern: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A rule id that is empty (`code`: `INVALID_RULE_ID`).
    #[error("a visual rule id must not be empty")]
    EmptyRuleId,
    /// A rule id that is already used (`code`: `DUPLICATE_RULE`).
    #[error("a visual rule with id '{0}' already exists")]
    DuplicateRule(String),
    /// No rule has this id (`code`: `UNKNOWN_RULE`).
    #[error("no visual rule with id '{0}'")]
    UnknownRule(String),
}

impl ErrorCode for FilterError {
    fn code(&self) -> &'static str {
        match self {
            Self::InvalidPattern { .. } => "INVALID_PATTERN",
            Self::EmptyRuleId => "INVALID_RULE_ID",
            Self::DuplicateRule(_) => "DUPLICATE_RULE",
            Self::UnknownRule(_) => "UNKNOWN_RULE",
        }
    }
}
