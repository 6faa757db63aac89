//! How optional values and shared cells look in JSON, so that JavaScript sees plain data:
//! a missing value is an absent field (never confused with `null`), a shared cell is the
//! cell's object.

/// `Option<Value>` where `None` is an absent field and `Some(null)` is `null`. Use with
/// `#[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "present")]`.
pub(crate) fn present<'de, D>(deserializer: D) -> Result<Option<serde_json::Value>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    serde::Deserialize::deserialize(deserializer).map(Some)
}

/// A [`SharedStr`](super::SharedStr) as a plain string.
pub(crate) mod shared_str {
    use serde::{Deserialize, Deserializer, Serializer};

    use crate::core::model::SharedStr;

    pub(crate) fn serialize<S: Serializer>(
        text: &SharedStr,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(text)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<SharedStr, D::Error> {
        String::deserialize(deserializer).map(SharedStr::from)
    }
}

/// An optional [`SharedStr`](super::SharedStr) as a plain string (use with
/// `skip_serializing_if = "Option::is_none"`).
pub(crate) fn serialize_optional_shared_str<S: serde::Serializer>(
    text: &Option<super::SharedStr>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match text {
        Some(text) => serializer.serialize_str(text),
        None => serializer.serialize_none(),
    }
}

/// A [`SharedCell`](super::SharedCell) as the plain cell object.
pub(crate) mod shared_cell {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use serde_json::Value;

    use crate::core::model::SharedCell;

    pub(crate) fn serialize<S: Serializer>(
        cell: &SharedCell,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        cell.as_ref().serialize(serializer)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<SharedCell, D::Error> {
        Value::deserialize(deserializer).map(SharedCell::new)
    }
}
