//! How optional values and shared cells look in JSON, so that JavaScript sees plain data:
//! a missing value is an absent field (never confused with `null`), a shared cell is the
//! cell's object; and what must be a JSON object is never read from an array.

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

/// `T` read only from a JSON object. serde also reads a struct or a `type`-tagged enum from
/// an array (`["remove", {"id": "n1"}]` as a removal, `[0, {…}]` as a cell record), which
/// no writer of this crate produces and no caller means; with this wrapper such input is
/// refused like any other wrongly shaped value. For list fields, see [`objects`] and
/// [`optional_objects`].
pub(crate) struct Object<T>(pub T);

impl<'de, T: serde::Deserialize<'de>> serde::Deserialize<'de> for Object<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ObjectVisitor<T>(std::marker::PhantomData<T>);

        impl<'de, T: serde::Deserialize<'de>> serde::de::Visitor<'de> for ObjectVisitor<T> {
            type Value = T;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("an object")
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
                T::deserialize(serde::de::value::MapAccessDeserializer::new(map))
            }
        }

        deserializer
            .deserialize_map(ObjectVisitor(std::marker::PhantomData))
            .map(Object)
    }
}

/// A list field whose items must be objects (see [`Object`]).
pub(crate) fn objects<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    serde::Deserialize::deserialize(deserializer)
        .map(|items: Vec<Object<T>>| items.into_iter().map(|object| object.0).collect())
}

/// An optional list field whose items must be objects (see [`Object`]).
pub(crate) fn optional_objects<'de, D, T>(deserializer: D) -> Result<Option<Vec<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    serde::Deserialize::deserialize(deserializer).map(|items: Option<Vec<Object<T>>>| {
        items.map(|items| items.into_iter().map(|object| object.0).collect())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::model::Change;

    #[test]
    fn an_object_is_read_and_an_array_is_refused() {
        let change = r#"{"type":"remove","cell":{"id":"n1"}}"#;
        assert!(serde_json::from_str::<Object<Change>>(change).is_ok());
        // serde alone reads the array form of a tagged enum; the wrapper refuses it.
        let array = r#"["remove",{"id":"n1"}]"#;
        assert!(serde_json::from_str::<Change>(array).is_ok());
        assert!(serde_json::from_str::<Object<Change>>(array).is_err());
        assert!(serde_json::from_str::<Object<Change>>("null").is_err());
    }
}
