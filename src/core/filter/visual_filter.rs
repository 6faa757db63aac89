//! The rule set: which paths and events are visual-only, changeable at runtime.

use serde_json::Value;

use super::contents::first_rule_if_all_visual;
use super::error::FilterError;
use super::rule::{VisualRule, TMI_EXCLUDED_EVENTS, TMI_RULES};
use super::rule_index::{RuleIndex, SegmentSet};

/// How many segments a path may have to be split on the stack before matching (X6 paths
/// have fewer than ten).
pub const INLINE_SEGMENTS: usize = 8;

/// The visual-attribute filter: named path rules plus X6 change events excluded whole.
/// `VisualFilter::default()` has TMI-UX's rules ([`TMI_RULES`], [`TMI_EXCLUDED_EVENTS`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VisualFilter {
    rules: Vec<VisualRule>,
    index: RuleIndex,
    excluded_events: Vec<String>,
}

/// Why an update is visual-only, pointing at the rule that decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VisualMatch<'a> {
    /// The path itself (or one of its ancestors) matches this rule.
    Path(&'a VisualRule),
    /// The path matches no rule, but its value is an object or array and every leaf that
    /// differs inside it is visual, e.g. `ports/items/0/attrs` appearing with only
    /// `circle/style/visibility` inside. This is the first rule that matched inside.
    Contents(&'a VisualRule),
}

impl VisualMatch<'_> {
    /// The rule that decided.
    pub fn rule(&self) -> &VisualRule {
        match self {
            Self::Path(rule) | Self::Contents(rule) => rule,
        }
    }
}

impl Default for VisualFilter {
    fn default() -> Self {
        Self::tmi_defaults()
    }
}

impl VisualFilter {
    /// A filter with no rules and no excluded events: every change is semantic.
    pub fn empty() -> Self {
        Self {
            rules: Vec::new(),
            index: RuleIndex::default(),
            excluded_events: Vec::new(),
        }
    }

    /// TMI-UX's rules and excluded events.
    pub fn tmi_defaults() -> Self {
        let mut filter = Self::empty();
        for (id, pattern) in TMI_RULES {
            // The defaults are fixed literals whose validity a unit test checks.
            if let Ok(rule) = VisualRule::new(id, pattern) {
                filter.rules.push(rule);
            }
        }
        filter.index = RuleIndex::build(&filter.rules);
        filter.excluded_events = TMI_EXCLUDED_EVENTS
            .iter()
            .map(|key| (*key).to_owned())
            .collect();
        filter
    }

    /// The rules, in the order they are tried.
    pub fn rules(&self) -> &[VisualRule] {
        &self.rules
    }

    /// Adds a rule at the end. Fails on an empty or already used id or an invalid pattern.
    pub fn add_rule(&mut self, id: &str, pattern: &str) -> Result<(), FilterError> {
        if self.rules.iter().any(|rule| rule.id() == id) {
            return Err(FilterError::DuplicateRule(id.to_owned()));
        }
        self.rules.push(VisualRule::new(id, pattern)?);
        self.index = RuleIndex::build(&self.rules);
        Ok(())
    }

    /// Removes the rule with this id and returns it.
    pub fn remove_rule(&mut self, id: &str) -> Result<VisualRule, FilterError> {
        let index = self
            .rules
            .iter()
            .position(|rule| rule.id() == id)
            .ok_or_else(|| FilterError::UnknownRule(id.to_owned()))?;
        let removed = self.rules.remove(index);
        self.index = RuleIndex::build(&self.rules);
        Ok(removed)
    }

    /// The X6 change keys whose events are excluded whole (`tools` for `cell:change:tools`).
    pub fn excluded_events(&self) -> &[String] {
        &self.excluded_events
    }

    /// Excludes every `cell:change:<key>` event; does nothing if already excluded.
    pub fn exclude_event(&mut self, key: &str) {
        if !self.excludes_event(key) {
            self.excluded_events.push(key.to_owned());
        }
    }

    /// Stops excluding `cell:change:<key>` events; returns whether it was excluded.
    pub fn include_event(&mut self, key: &str) -> bool {
        let before = self.excluded_events.len();
        self.excluded_events.retain(|excluded| excluded != key);
        self.excluded_events.len() != before
    }

    /// Whether `cell:change:<key>` events are excluded whole.
    pub fn excludes_event(&self, key: &str) -> bool {
        self.excluded_events.iter().any(|excluded| excluded == key)
    }

    /// The first rule covering `path`, or `None` when the path is semantic. Allocates
    /// nothing (see [`VisualFilter::classify_position`]).
    pub fn classify_path(&self, path: &str) -> Option<&VisualRule> {
        self.classify_position(path)
            .and_then(|position| self.rules.get(position))
    }

    /// The position in [`VisualFilter::rules`] of the first rule covering `path`, or `None`
    /// when the path is semantic: the compact verdict of bulk classification. Allocates
    /// nothing: the path is split once into segments on the stack (paths deeper than
    /// [`INLINE_SEGMENTS`] are matched straight from the string, still without allocating),
    /// then matched against the compiled tokens of the rules that can match its first
    /// segment.
    pub fn classify_position(&self, path: &str) -> Option<usize> {
        let mut segments = [""; INLINE_SEGMENTS];
        let mut count = 0;
        let mut set = SegmentSet::default();
        for segment in path.split('/') {
            let Some(slot) = segments.get_mut(count) else {
                return self.classify_segments(path.split('/'));
            };
            *slot = segment;
            set.add(segment);
            count += 1;
        }
        self.classify_segments_in(segments[..count].iter().copied(), set)
    }

    /// Classifies each line of `text` (paths joined with `\n`), in order: `visit` gets
    /// each line's [`VisualFilter::classify_position`]. The same verdicts as classifying
    /// `text.split('\n')` one by one (so `""` is one empty path), in one pass over the
    /// bytes that finds lines and segments together.
    pub fn classify_lines(&self, text: &str, mut visit: impl FnMut(Option<usize>)) {
        let bytes = text.as_bytes();
        let mut segments = [""; INLINE_SEGMENTS];
        let mut count = 0;
        let mut set = SegmentSet::default();
        let mut deep = false;
        let (mut line_start, mut start) = (0, 0);
        for at in 0..=bytes.len() {
            // The end of the text ends the last line.
            let byte = bytes.get(at).copied().unwrap_or(b'\n');
            if byte != b'/' && byte != b'\n' {
                continue;
            }
            // `/` and `\n` are ASCII, so both ends are character boundaries.
            let segment = text.get(start..at).unwrap_or_default();
            match segments.get_mut(count) {
                Some(slot) => {
                    *slot = segment;
                    set.add(segment);
                    count += 1;
                }
                None => deep = true,
            }
            start = at + 1;
            if byte == b'\n' {
                visit(if deep {
                    let line = text.get(line_start..at).unwrap_or_default();
                    self.classify_segments(line.split('/'))
                } else {
                    self.classify_segments_in(segments[..count].iter().copied(), set)
                });
                (count, set, deep, line_start) = (0, SegmentSet::default(), false, start);
            }
        }
    }

    fn classify_segments<'a, I>(&self, segments: I) -> Option<usize>
    where
        I: Iterator<Item = &'a str> + Clone,
    {
        let mut set = SegmentSet::default();
        segments.clone().for_each(|segment| set.add(segment));
        self.classify_segments_in(segments, set)
    }

    fn classify_segments_in<'a, I>(&self, segments: I, set: SegmentSet) -> Option<usize>
    where
        I: Iterator<Item = &'a str> + Clone,
    {
        let first = segments.clone().next().unwrap_or_default();
        self.index.candidates(first, set).find(|position| {
            self.rules
                .get(*position)
                .is_some_and(|rule| rule.pattern().matches_segments(segments.clone()))
        })
    }

    /// Whether an update of `path` from `before` to `after` is visual-only, and why.
    /// `None` means semantic.
    pub fn classify_update(
        &self,
        path: &str,
        before: Option<&Value>,
        after: Option<&Value>,
    ) -> Option<VisualMatch<'_>> {
        if let Some(rule) = self.classify_path(path) {
            return Some(VisualMatch::Path(rule));
        }
        first_rule_if_all_visual(self, path, before, after).map(VisualMatch::Contents)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn rules_can_be_added_and_removed_at_runtime() {
        let mut filter = VisualFilter::empty();
        assert!(filter.classify_path("data/hover").is_none());
        filter.add_rule("other", "data/other").unwrap();
        filter.add_rule("hover", "data/hover").unwrap();
        assert_eq!(filter.classify_position("data/hover/x"), Some(1));
        assert_eq!(filter.classify_position("data/none"), None);
        assert_eq!(
            filter.classify_path("data/hover").map(VisualRule::id),
            Some("hover")
        );
        assert_eq!(
            filter.add_rule("hover", "x"),
            Err(FilterError::DuplicateRule("hover".into()))
        );
        assert!(filter.add_rule("bad", "a/b*").is_err());
        assert_eq!(filter.rules().len(), 2);
        assert_eq!(filter.remove_rule("hover").unwrap().id(), "hover");
        assert!(filter.classify_path("data/hover").is_none());
        assert_eq!(
            filter.remove_rule("hover"),
            Err(FilterError::UnknownRule("hover".into()))
        );
    }

    #[test]
    fn the_index_and_its_quick_reject_change_no_verdict() {
        let mut filter = VisualFilter::default();
        filter.add_rule("deep", "*/a/**/b/*").unwrap();
        filter.add_rule("any", "**/x").unwrap();
        let words = [
            "attrs", "body", "stroke", "filter", "ports", "items", "3", "circle", "a", "b", "x",
            "tools", "",
        ];
        let mut paths: Vec<String> = words.iter().map(|word| (*word).to_owned()).collect();
        for _ in 0..2 {
            let longer: Vec<String> = paths
                .iter()
                .flat_map(|path| words.iter().map(move |word| format!("{path}/{word}")))
                .collect();
            paths.extend(longer);
        }
        paths.push("a/b/c/d/e/f/g/h/i/attrs/x".into());
        paths.push("a/b/c/d/e/f/g/h/i/attrs/y".into());
        let mut plain = Vec::new();
        for path in &paths {
            let first = filter
                .rules()
                .iter()
                .position(|rule| rule.pattern().matches(path));
            assert_eq!(filter.classify_position(path), first, "{path}");
            plain.push(first);
        }
        let mut lines = Vec::new();
        filter.classify_lines(&paths.join("\n"), |verdict| lines.push(verdict));
        assert_eq!(lines, plain);
    }

    #[test]
    fn lines_are_split_like_split_would() {
        let filter = VisualFilter::default();
        let mut verdicts = Vec::new();
        filter.classify_lines("", |verdict| verdicts.push(verdict));
        filter.classify_lines("tools\n\nattrs/body/stroke\n", |verdict| {
            verdicts.push(verdict)
        });
        assert_eq!(verdicts, [None, Some(0), None, Some(2), None]);
    }

    #[test]
    fn excluded_events_can_be_changed() {
        let mut filter = VisualFilter::default();
        assert!(filter.excludes_event("tools"));
        filter.exclude_event("tools");
        assert_eq!(filter.excluded_events().len(), 1);
        assert!(filter.include_event("tools"));
        assert!(!filter.include_event("tools"));
        assert!(!filter.excludes_event("tools"));
    }

    #[test]
    fn an_update_explains_whether_the_path_or_its_contents_matched() {
        let filter = VisualFilter::default();
        let direct = filter.classify_update("attrs/body/stroke", None, Some(&json!("#f00")));
        assert!(matches!(direct, Some(VisualMatch::Path(rule)) if rule.id() == "selection-stroke"));
        let inside = json!({ "circle": { "style": { "visibility": "visible" } } });
        let contents = filter.classify_update("ports/items/0/attrs", None, Some(&inside));
        assert!(
            matches!(contents, Some(VisualMatch::Contents(rule)) if rule.id() == "port-visibility")
        );
    }
}
