//! Which rules can match a path, by its first segment, so a path is only matched against
//! the few rules that start like it (`position/x` against none of the defaults); and a
//! quick reject of the rest by the segments a path has (see [`SegmentSet`]).

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
    /// Per rule, the set of its literal segments: a path lacking any cannot match it.
    literals: Vec<SegmentSet>,
}

/// A set of path segments as 64 bits, one per segment hash: a path's set is the union of
/// its segments' bits. A rule can only cover a path whose set includes the rule's literals'
/// set; most semantic paths fail that test at the cost of one `and`, before any segment is
/// compared. (Different segments may share a bit: the test never rejects a match, it only
/// lets a few non-matches through to the real comparison.)
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct SegmentSet(u64);

impl SegmentSet {
    /// Adds `segment` to the set.
    #[inline(always)]
    pub(super) fn add(&mut self, segment: &str) {
        let bytes = segment.as_bytes();
        let (first, last) = (
            bytes.first().copied().unwrap_or(0),
            bytes.last().copied().unwrap_or(0),
        );
        let hash = (bytes.len() as u32)
            .wrapping_mul(0x9e37_79b9)
            .wrapping_add(u32::from(first).wrapping_mul(0x85eb_ca6b))
            .wrapping_add(u32::from(last).wrapping_mul(0xc2b2_ae35));
        self.0 |= 1 << (hash >> 26);
    }

    /// Whether every segment of `other` may be in this set.
    #[inline(always)]
    fn includes(self, other: Self) -> bool {
        self.0 & other.0 == other.0
    }
}

impl RuleIndex {
    /// Indexes `rules` by their first literal.
    pub(super) fn build(rules: &[VisualRule]) -> Self {
        let literals = rules
            .iter()
            .map(|rule| {
                let mut set = SegmentSet::default();
                rule.pattern()
                    .literals()
                    .for_each(|literal| set.add(literal));
                set
            })
            .collect();
        let mut index = Self {
            literals,
            ..Self::default()
        };
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

    /// The positions of the rules that may match a path starting with `first_segment`
    /// whose segments make the set `segments`, in rule order.
    pub(super) fn candidates(
        &self,
        first_segment: &str,
        segments: SegmentSet,
    ) -> impl Iterator<Item = usize> + '_ {
        self.by_first_literal
            .iter()
            .find(|(first, _)| same_segment(first_segment, first))
            .map_or(&self.any_first, |(_, positions)| positions)
            .iter()
            .copied()
            .filter(move |position| {
                self.literals
                    .get(*position)
                    .is_some_and(|literals| segments.includes(*literals))
            })
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
        let candidates = |path: &str| {
            let mut set = SegmentSet::default();
            path.split('/').for_each(|segment| set.add(segment));
            let first = path.split('/').next().unwrap_or_default();
            index.candidates(first, set).collect::<Vec<_>>()
        };
        assert_eq!(candidates("attrs/a/c/x/y"), [0, 1, 3, 4]);
        assert_eq!(candidates("ports/b/x/y"), [1, 2, 4]);
        assert_eq!(candidates("position/x/y"), [1, 4]);
        // A path lacking a rule's literal is not matched against it.
        assert_eq!(candidates("attrs/c"), [3]);
        assert_eq!(candidates("position/z"), Vec::<usize>::new());
    }
}
