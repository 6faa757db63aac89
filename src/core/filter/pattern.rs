//! Path patterns (`attrs/**/filter`, `ports/items/*/attrs/circle/fill`), compiled once into
//! tokens and matched segment by segment: no allocation and no regex per path.

use serde::{Serialize, Serializer};

use super::error::FilterError;
use crate::core::model::SharedStr;
use crate::core::path::parse_path;

/// A compiled path pattern. Segments are literals, `*` (exactly one segment) or `**` (any
/// number of segments, none included).
///
/// A pattern covers the paths it matches **and everything beneath them**: `attrs/**/filter`
/// covers `attrs/body/filter` and `attrs/body/filter/args/color`, because a change deep
/// inside a visual value is still visual.
///
/// ```
/// use diagram_state::core::filter::PathPattern;
/// let pattern = PathPattern::compile("ports/items/*/attrs/circle/fill").unwrap();
/// assert!(pattern.matches("ports/items/3/attrs/circle/fill"));
/// assert!(!pattern.matches("ports/items/3/attrs/text/fill"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathPattern {
    source: SharedStr,
    tokens: Vec<Token>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Literal(Box<str>),
    AnySegment,
    AnyDepth,
}

impl PathPattern {
    /// Compiles a pattern, refusing empty segments and partial wildcards such as `fill*`.
    pub fn compile(pattern: &str) -> Result<Self, FilterError> {
        let invalid = |reason: String| FilterError::InvalidPattern {
            pattern: pattern.to_owned(),
            reason,
        };
        let segments = parse_path(pattern).map_err(|error| invalid(error.to_string()))?;
        let tokens = segments
            .into_iter()
            .map(|segment| match segment {
                "*" => Ok(Token::AnySegment),
                "**" => Ok(Token::AnyDepth),
                literal if literal.contains('*') => Err(invalid(format!(
                    "segment '{literal}' mixes '*' with text; use '*' or '**' as a whole segment"
                ))),
                literal => Ok(Token::Literal(literal.into())),
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self {
            source: pattern.into(),
            tokens,
        })
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// The pattern as written, shared.
    pub(crate) fn source(&self) -> &SharedStr {
        &self.source
    }

    /// The literal the pattern starts with, if it starts with one (not `*` or `**`).
    pub(crate) fn first_literal(&self) -> Option<&str> {
        match self.tokens.first() {
            Some(Token::Literal(literal)) => Some(literal),
            _ => None,
        }
    }

    /// The literal segments of the pattern, in order (a path it covers has each of them).
    pub(crate) fn literals(&self) -> impl Iterator<Item = &str> {
        self.tokens.iter().filter_map(|token| match token {
            Token::Literal(literal) => Some(&**literal),
            Token::AnySegment | Token::AnyDepth => None,
        })
    }

    /// Whether `path` (a slash path) or one of its ancestors matches.
    pub fn matches(&self, path: &str) -> bool {
        matches_from(&self.tokens, path.split('/'))
    }

    /// Whether the path given as segments (or one of its ancestors) matches.
    pub(crate) fn matches_segments<'a, I>(&self, segments: I) -> bool
    where
        I: Iterator<Item = &'a str> + Clone,
    {
        matches_from(&self.tokens, segments)
    }
}

fn matches_from<'a, I>(tokens: &[Token], mut segments: I) -> bool
where
    I: Iterator<Item = &'a str> + Clone,
{
    let Some((token, rest)) = tokens.split_first() else {
        // Every token matched: the path is the matched one or lies beneath it.
        return true;
    };
    // `**/leaf` at the end (most visual rules, e.g. `attrs/**/filter`): one pass over the
    // remaining segments instead of backtracking, since anything beneath a match matches.
    if let (Token::AnyDepth, [Token::Literal(leaf)]) = (token, rest) {
        return segments.any(|segment| same_segment(segment, leaf));
    }
    match token {
        Token::Literal(literal) => {
            segments
                .next()
                .is_some_and(|segment| same_segment(segment, literal))
                && matches_from(rest, segments)
        }
        Token::AnySegment => segments.next().is_some() && matches_from(rest, segments),
        Token::AnyDepth => loop {
            if matches_from(rest, segments.clone()) {
                return true;
            }
            if segments.next().is_none() {
                return false;
            }
        },
    }
}

/// String equality that rejects on length and first byte before comparing the rest, which
/// settles almost every mismatch between short path segments without a `memcmp` call.
/// Always inlined: the module is built for size, and this is the matcher's inner step.
#[inline(always)]
pub(crate) fn same_segment(segment: &str, literal: &str) -> bool {
    segment.len() == literal.len()
        && segment.as_bytes().first() == literal.as_bytes().first()
        && segment == literal
}

impl Serialize for PathPattern {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.source)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(pattern: &str, path: &str) -> bool {
        PathPattern::compile(pattern).unwrap().matches(path)
    }

    #[test]
    fn double_star_spans_any_number_of_segments() {
        assert!(matches("attrs/**/filter", "attrs/filter"));
        assert!(matches("attrs/**/filter", "attrs/body/filter"));
        assert!(matches("attrs/**/filter", "attrs/a/b/c/filter"));
        assert!(!matches("attrs/**/filter", "attrs/body/filters"));
        assert!(!matches("attrs/**/filter", "data/body/filter"));
        assert!(matches("tools/**", "tools"));
        assert!(matches("**/shadowBlur", "attrs/body/shadowBlur"));
    }

    #[test]
    fn single_star_is_exactly_one_segment() {
        assert!(matches(
            "ports/items/*/attrs/circle/stroke",
            "ports/items/12/attrs/circle/stroke"
        ));
        assert!(!matches(
            "ports/items/*/attrs/circle/stroke",
            "ports/items/attrs/circle/stroke"
        ));
        assert!(!matches("a/*", "a"));
    }

    #[test]
    fn covers_everything_beneath_a_match_but_not_above() {
        assert!(matches("attrs/body/filter", "attrs/body/filter/args/color"));
        assert!(!matches("attrs/body/filter", "attrs/body"));
        assert!(!matches("attrs/body/stroke", "attrs/body/strokeWidth"));
    }

    /// The textbook definition, with no shortcut: `**` tries every split.
    fn reference(pattern: &[&str], path: &[&str]) -> bool {
        match (pattern.split_first(), path.split_first()) {
            (None, _) => true,
            (Some((&"**", rest)), _) => (0..=path.len()).any(|skip| reference(rest, &path[skip..])),
            (Some(_), None) => false,
            (Some((&"*", rest)), Some((_, tail))) => reference(rest, tail),
            (Some((literal, rest)), Some((segment, tail))) => {
                literal == segment && reference(rest, tail)
            }
        }
    }

    #[test]
    fn agrees_with_the_textbook_definition_on_every_short_path() {
        let words = ["attrs", "body", "filter", "x"];
        let mut paths: Vec<Vec<&str>> = vec![vec![]];
        for _ in 0..4 {
            let longer: Vec<Vec<&str>> = paths
                .iter()
                .flat_map(|path| {
                    words
                        .iter()
                        .map(move |word| [path.clone(), vec![*word]].concat())
                })
                .collect();
            paths.extend(longer);
        }
        paths.retain(|path| !path.is_empty());
        paths.dedup();
        for pattern in [
            "attrs/**/filter",
            "**/x",
            "attrs/**",
            "*/body/**/x",
            "attrs/*/filter",
        ] {
            let compiled = PathPattern::compile(pattern).unwrap();
            let tokens: Vec<&str> = pattern.split('/').collect();
            for path in &paths {
                assert_eq!(
                    compiled.matches(&path.join("/")),
                    reference(&tokens, path),
                    "{pattern} on {path:?}"
                );
            }
        }
    }

    #[test]
    fn refuses_malformed_patterns() {
        for pattern in ["", "attrs//x", "attrs/fill*", "/attrs"] {
            let error = PathPattern::compile(pattern).unwrap_err();
            assert!(
                matches!(error, FilterError::InvalidPattern { .. }),
                "{pattern}"
            );
        }
    }
}
