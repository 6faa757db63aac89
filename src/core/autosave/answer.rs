//! Turning whatever the editor's save callback answered into a [`SaveResult`]: a malformed
//! answer, a throw or a rejection is a `failed` save with a clear message, never a stuck
//! `saving` status.

use serde_json::{Map, Value};

use super::save::SaveResult;

/// The longest preview of a malformed answer quoted in a message.
const PREVIEW_CHARS: usize = 120;

/// What a save callback must answer.
const EXPECTED: &str = "expected an object such as { status: 'saved', version: 8 }";

/// The largest integer JavaScript numbers hold exactly (`Number.MAX_SAFE_INTEGER`).
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

impl SaveResult {
    /// Reads the save callback's answer (as JSON). Accepted:
    /// `{ status: 'saved', version }`, `{ status: 'conflict', serverVersion, serverCells? }`
    /// and `{ status: 'failed', retryable?, message? }` (`retryable` defaults to `true`).
    /// Versions are non-negative integers (`8` or `8.0`). Anything else is a
    /// non-retryable failure whose message quotes the answer and says what was expected:
    /// retrying a malformed answer would only repeat it.
    pub fn from_answer(answer: &Value) -> Self {
        parse(answer).unwrap_or_else(|problem| {
            Self::failed(
                false,
                format!(
                    "the save callback answered {}: {problem}",
                    shorten(&answer.to_string())
                ),
            )
        })
    }

    /// The result of a save callback that answered `undefined` (it forgot to return its
    /// promise, or the promise resolved to nothing): a non-retryable failure.
    pub fn no_answer() -> Self {
        Self::failed(
            false,
            format!("the save callback answered undefined: {EXPECTED}; did it forget to return?"),
        )
    }

    /// The result of a save callback that threw: a retryable failure (a `fetch` that
    /// cannot reach the server throws). `description` is the thrown value, described.
    pub fn callback_threw(description: &str) -> Self {
        Self::failed(true, format!("the save callback threw: {description}"))
    }

    /// The result of a save callback whose promise was rejected: a retryable failure.
    pub fn callback_rejected(description: &str) -> Self {
        Self::failed(
            true,
            format!("the save callback's promise was rejected: {description}"),
        )
    }
}

fn parse(answer: &Value) -> Result<SaveResult, String> {
    let Value::Object(fields) = answer else {
        return Err(EXPECTED.to_owned());
    };
    let status = match fields.get("status") {
        Some(Value::String(status)) => status.as_str(),
        Some(_) => return Err("`status` must be a string".to_owned()),
        None => {
            return Err("`status` is missing; expected 'saved', 'conflict' or 'failed'".to_owned())
        }
    };
    match status {
        "saved" => Ok(SaveResult::Saved {
            version: version(fields, "version")?,
        }),
        "conflict" => Ok(SaveResult::Conflict {
            server_version: version(fields, "serverVersion")?,
            server_cells: match fields.get("serverCells") {
                None | Some(Value::Null) => None,
                Some(Value::Array(cells)) => Some(cells.clone()),
                Some(_) => return Err("`serverCells` must be an array of cells".to_owned()),
            },
        }),
        "failed" => Ok(SaveResult::Failed {
            retryable: match fields.get("retryable") {
                None | Some(Value::Null) => true,
                Some(Value::Bool(retryable)) => *retryable,
                Some(_) => return Err("`retryable` must be a boolean".to_owned()),
            },
            message: match fields.get("message") {
                None | Some(Value::Null) => "the save failed (no message given)".to_owned(),
                Some(Value::String(message)) => message.clone(),
                Some(other) => other.to_string(),
            },
        }),
        other => Err(format!(
            "unknown status \"{}\"; expected 'saved', 'conflict' or 'failed'",
            shorten(other)
        )),
    }
}

/// A version field: a non-negative integer that JavaScript holds exactly.
fn version(fields: &Map<String, Value>, field: &str) -> Result<u64, String> {
    let Some(value) = fields.get(field) else {
        return Err(format!("`{field}` is missing"));
    };
    let number = value.as_u64().or_else(|| {
        value
            .as_f64()
            .filter(|n| *n >= 0.0 && n.fract() == 0.0 && *n <= MAX_SAFE_INTEGER)
            .map(|n| n as u64)
    });
    number.ok_or_else(|| format!("`{field}` must be a non-negative integer, not {value}"))
}

/// `text` cut to a readable length.
fn shorten(text: &str) -> String {
    match text.char_indices().nth(PREVIEW_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn message_of(result: SaveResult) -> String {
        match result {
            SaveResult::Failed {
                retryable: false,
                message,
            } => message,
            other => panic!("expected a non-retryable failure, got {other:?}"),
        }
    }

    #[test]
    fn well_formed_answers_are_read() {
        assert_eq!(
            SaveResult::from_answer(&json!({ "status": "saved", "version": 8.0 })),
            SaveResult::Saved { version: 8 }
        );
        assert_eq!(
            SaveResult::from_answer(&json!({ "status": "conflict", "serverVersion": 9 })),
            SaveResult::Conflict {
                server_version: 9,
                server_cells: None
            }
        );
        assert_eq!(
            SaveResult::from_answer(&json!({
                "status": "conflict", "serverVersion": 9, "serverCells": [{ "id": "n1" }]
            })),
            SaveResult::Conflict {
                server_version: 9,
                server_cells: Some(vec![json!({ "id": "n1" })])
            }
        );
        assert_eq!(
            SaveResult::from_answer(&json!({ "status": "failed", "message": "503" })),
            SaveResult::failed(true, "503")
        );
        assert_eq!(
            SaveResult::from_answer(&json!({ "status": "failed", "retryable": false })),
            SaveResult::failed(false, "the save failed (no message given)")
        );
    }

    #[test]
    fn garbage_is_a_non_retryable_failure_that_says_what_was_expected() {
        let cases = [
            (json!(null), "expected an object"),
            (json!("ok"), "expected an object"),
            (json!({}), "`status` is missing"),
            (json!({ "status": 1 }), "`status` must be a string"),
            (json!({ "status": "done" }), "unknown status \"done\""),
            (json!({ "status": "saved" }), "`version` is missing"),
            (
                json!({ "status": "saved", "version": -1 }),
                "`version` must be a non-negative integer",
            ),
            (
                json!({ "status": "saved", "version": 1.5 }),
                "`version` must be a non-negative integer",
            ),
            (
                json!({ "status": "saved", "version": "8" }),
                "`version` must be a non-negative integer",
            ),
            (
                json!({ "status": "conflict", "serverVersion": 2, "serverCells": {} }),
                "`serverCells` must be an array",
            ),
            (
                json!({ "status": "failed", "retryable": "yes" }),
                "`retryable` must be a boolean",
            ),
        ];
        for (answer, expected) in cases {
            let message = message_of(SaveResult::from_answer(&answer));
            assert!(
                message.starts_with("the save callback answered") && message.contains(expected),
                "{message}"
            );
        }
    }

    #[test]
    fn long_answers_are_shortened_in_messages() {
        let long = json!({ "status": "x".repeat(1_000) });
        let message = message_of(SaveResult::from_answer(&long));
        assert!(message.len() < 400, "{message}");
        assert!(message.contains('…'));
    }

    #[test]
    fn throws_and_rejections_are_retryable() {
        assert_eq!(
            SaveResult::callback_threw("TypeError: Failed to fetch"),
            SaveResult::failed(true, "the save callback threw: TypeError: Failed to fetch")
        );
        assert!(message_of(SaveResult::no_answer()).contains("answered undefined"));
        assert!(matches!(
            SaveResult::callback_rejected("x"),
            SaveResult::Failed {
                retryable: true,
                ..
            }
        ));
    }
}
