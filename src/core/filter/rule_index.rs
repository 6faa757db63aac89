//! Which rules can match a path, by its first segment, so a path is only matched against
//! the few rules that start like it (`position/x` against none of the defaults).

use super::pattern::same_segment;
use super::rule::VisualRule;

/// For each literal some pattern starts with, the positions of the rules that can match a
/// path starting with it (those rules, plus every rule starting with a wildcard), in rule
/// order; and the wildcard-starting rules alone for any other first segment. Rebuilt
/// whenever the rule set changes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct RuleIndex {
    by_first_literal: Vec<(Box<str>, Vec<usize>)>,
    any_first: Vec<usize>,
}

impl RuleIndex {
    /// Indexes `rules` by their first literal.
    pub(super) fn build(rules: &[VisualRule]) -> Self {
        let mut index = Self::default();
        for rule in rules {
            if let Some(literal) = rule.pattern().first_literal() {
                if !index
                    .by_first_literal
                    .iter()
                    .any(|(first, _)| **first == *literal)
                {
                    index.by_first_literal.push((literal.into(), Vec::new()));
                }
            }
        }
        for (position, rule) in rules.iter().enumerate() {
            match rule.pattern().first_literal() {
                None => {
                    index.any_first.push(position);
                    for (_, positions) in &mut index.by_first_literal {
                        positions.push(position);
                    }
                }
                Some(literal) => {
                    let group = index
                        .by_first_literal
                        .iter_mut()
                        .find(|(first, _)| **first == *literal);
                    if let Some((_, positions)) = group {
                        positions.push(position);
                    }
                }
            }
        }
        index
    }

    /// The positions of the rules that may match a path starting with `first_segment`,
    /// in rule order.
    pub(super) fn candidates(&self, first_segment: &str) -> &[usize] {
        self.by_first_literal
            .iter()
            .find(|(first, _)| same_segment(first_segment, first))
            .map_or(&self.any_first, |(_, positions)| positions)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(patterns: &[&str]) -> Vec<VisualRule> {
        patterns
            .iter()
            .enumerate()
            .map(|(index, pattern)| VisualRule::new(&index.to_string(), pattern).unwrap())
            .collect()
    }

    #[test]
    fn candidates_keep_rule_order_across_literal_and_wildcard_starts() {
        let index = RuleIndex::build(&rules(&["attrs/a", "*/x", "ports/b", "attrs/c", "**/y"]));
        assert_eq!(index.candidates("attrs"), [0, 1, 3, 4]);
        assert_eq!(index.candidates("ports"), [1, 2, 4]);
        assert_eq!(index.candidates("position"), [1, 4]);
    }
}
