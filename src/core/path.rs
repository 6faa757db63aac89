//! Slash paths into an X6 cell, as X6 writes them: `attrs/body/fill`, `position/x`,
//! `ports/items/2/attrs/circle/style/visibility`.

use thiserror::Error;

use super::error::ErrorCode;

/// The longest path accepted, in bytes. Real X6 paths are a few dozen bytes; anything far
/// longer is a bug or hostile input.
pub const MAX_PATH_LEN: usize = 1024;

/// Why a string is not a valid cell path.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PathError {
    /// The path is the empty string.
    #[error("a cell path must not be empty")]
    Empty,
    /// The path is longer than [`MAX_PATH_LEN`] bytes.
    #[error("a cell path must be at most {MAX_PATH_LEN} bytes, this one has {0}")]
    TooLong(usize),
    /// The path has an empty segment (`attrs//fill`, a leading or a trailing `/`).
    #[error("cell path '{0}' has an empty segment (check for '//' or a leading/trailing '/')")]
    EmptySegment(String),
}

impl ErrorCode for PathError {
    fn code(&self) -> &'static str {
        "INVALID_PATH"
    }
}

/// Splits a slash path into its segments, checking that it is well formed.
///
/// ```
/// use diagram_state::core::path::parse_path;
/// assert_eq!(parse_path("attrs/body/fill").unwrap(), vec!["attrs", "body", "fill"]);
/// assert!(parse_path("attrs//fill").is_err());
/// ```
pub fn parse_path(path: &str) -> Result<Vec<&str>, PathError> {
    Ok(checked_segments(path)?.collect())
}

/// The segments of a slash path, checking first that it is well formed; unlike
/// [`parse_path`] it allocates nothing.
///
/// ```
/// use diagram_state::core::path::checked_segments;
/// assert_eq!(checked_segments("position/x").unwrap().last(), Some("x"));
/// assert!(checked_segments("/x").is_err());
/// ```
pub fn checked_segments(path: &str) -> Result<std::str::Split<'_, char>, PathError> {
    if path.is_empty() {
        return Err(PathError::Empty);
    }
    if path.len() > MAX_PATH_LEN {
        return Err(PathError::TooLong(path.len()));
    }
    if path.split('/').any(str::is_empty) {
        return Err(PathError::EmptySegment(path.to_owned()));
    }
    Ok(path.split('/'))
}

/// Whether one path is the other or lies inside it (`ports/items` and
/// `ports/items/0/group`, but not `position` and `positions/x`): changes to such paths
/// cannot be reordered or merged across each other.
///
/// ```
/// use diagram_state::core::path::overlaps;
/// assert!(overlaps("ports/items", "ports/items/0/group"));
/// assert!(!overlaps("position", "positions/x"));
/// ```
pub fn overlaps(a: &str, b: &str) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    long.starts_with(short) && matches!(long.as_bytes().get(short.len()), None | Some(b'/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_x6_paths_into_segments() {
        assert_eq!(parse_path("position/x").unwrap(), ["position", "x"]);
        assert_eq!(
            parse_path("ports/items/2/attrs/circle/style/visibility").unwrap(),
            [
                "ports",
                "items",
                "2",
                "attrs",
                "circle",
                "style",
                "visibility"
            ]
        );
    }

    #[test]
    fn overlapping_means_same_ancestor_or_descendant() {
        assert!(overlaps("position", "position/x"));
        assert!(overlaps("position/x", "position"));
        assert!(overlaps("position/x", "position/x"));
        assert!(!overlaps("position", "positions/x"));
        assert!(!overlaps("attrs/a", "attrs/b"));
    }

    #[test]
    fn rejects_empty_and_malformed_paths() {
        assert_eq!(parse_path(""), Err(PathError::Empty));
        assert!(matches!(
            parse_path("/attrs"),
            Err(PathError::EmptySegment(_))
        ));
        assert!(matches!(
            parse_path("attrs/"),
            Err(PathError::EmptySegment(_))
        ));
        let long = "a/".repeat(MAX_PATH_LEN);
        assert_eq!(parse_path(&long), Err(PathError::TooLong(long.len())));
    }
}
