//! The hash chain of a diagram's commits. Every op-log record, and the directory record of
//! the diagram (its head), carries `hash = H(previous hash, version, tabId, changes)`, so a
//! tab can tell a `commit` message that continues the chain it holds from a replayed or
//! forged one without reading the store.
//!
//! `H` is FNV-1a (64 bits) over a canonical byte form: the previous hash and the version
//! as 8 little-endian bytes each, the tab id's length (8 bytes) and its UTF-8 bytes, then
//! the changes as compact JSON, then, only when the commit overrode other tabs' values,
//! the byte `0` and the [`Override`]s as compact JSON. `serde_json` writes object keys sorted (this crate does not
//! enable its `preserve_order` feature, and a test below fails if anything does), and a
//! number read from JSON writes back as the same text, so the form only depends on the
//! values, not on how they travelled. FNV is a checksum, not a signature: it recognises
//! replays and mistakes, not a page that sets out to forge the chain (such a page could
//! write IndexedDB directly anyway).
//!
//! A diagram or a record stored before hashes existed has none: its chain starts from
//! [`ChainHash::start`] of its version.

use std::fmt;
use std::io;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::core::model::Change;
use crate::core::sync::Override;

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// A link of the hash chain, as JavaScript sees it: 16 lowercase hex digits (a string, so
/// that no bit is lost in a JavaScript number).
///
/// ```
/// use diagram_state::core::model::Change;
/// use diagram_state::core::storage::ChainHash;
/// use serde_json::json;
///
/// let changes = [Change::update("n1", "position/x", Some(json!(1)), Some(json!(2)))];
/// let head = ChainHash::start(4);
/// let next = head.next(5, "tab-a", &changes, &[]);
/// assert_eq!(next, head.next(5, "tab-a", &changes, &[]));
/// assert_ne!(next, head.next(6, "tab-a", &changes, &[])); // a replay under another version
/// assert_eq!(ChainHash::parse(&next.to_string()), Some(next));
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct ChainHash(u64);

impl ChainHash {
    /// The head of a diagram stored at `version` without a hash (created, duplicated or
    /// migrated before its first commit, or written by an older build): a fixed value per
    /// version, the same in every tab.
    pub fn start(version: u64) -> Self {
        let mut hasher = Fnv(FNV_OFFSET);
        hasher.bytes(b"diagram-state chain start");
        hasher.bytes(&version.to_le_bytes());
        Self(hasher.0)
    }

    /// The hash of the commit that follows this one: `version` committed by `tab_id` with
    /// `changes`, overriding other tabs' values as `overrides` say.
    pub fn next(
        self,
        version: u64,
        tab_id: &str,
        changes: &[Change],
        overrides: &[Override],
    ) -> Self {
        let mut hasher = Fnv(FNV_OFFSET);
        hasher.bytes(&self.0.to_le_bytes());
        hasher.bytes(&version.to_le_bytes());
        hasher.bytes(&(tab_id.len() as u64).to_le_bytes());
        hasher.bytes(tab_id.as_bytes());
        // Writing into the hasher cannot fail, and a change always serializes (its values
        // are JSON values); were it to fail, the hash would just not match anyone's.
        let _ = serde_json::to_writer(&mut hasher, changes);
        if !overrides.is_empty() {
            hasher.bytes(&[0]);
            let _ = serde_json::to_writer(&mut hasher, overrides);
        }
        Self(hasher.0)
    }

    /// Reads the text form (16 hex digits); `None` for anything else.
    pub fn parse(text: &str) -> Option<Self> {
        if text.len() != 16 || !text.bytes().all(|byte| byte.is_ascii_hexdigit()) {
            return None;
        }
        u64::from_str_radix(text, 16).ok().map(Self)
    }
}

impl fmt::Display for ChainHash {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{:016x}", self.0)
    }
}

impl fmt::Debug for ChainHash {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "ChainHash({self})")
    }
}

impl Serialize for ChainHash {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ChainHash {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::parse(&text)
            .ok_or_else(|| serde::de::Error::custom("a chain hash is 16 hexadecimal digits"))
    }
}

/// FNV-1a, fed by `serde_json` through `io::Write`.
struct Fnv(u64);

impl Fnv {
    fn bytes(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.0 = (self.0 ^ u64::from(*byte)).wrapping_mul(FNV_PRIME);
        }
    }
}

impl io::Write for Fnv {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.bytes(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn fnv_1a_matches_the_reference_values() {
        let hash = |text: &[u8]| {
            let mut hasher = Fnv(FNV_OFFSET);
            hasher.bytes(text);
            hasher.0
        };
        assert_eq!(hash(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(hash(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(hash(b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn the_hash_depends_on_the_values_not_on_key_order_or_the_trip() {
        let sorted: Change = serde_json::from_str(
            r#"{"type":"add","cell":{"id":"n1","a":1.5,"b":{"y":2,"x":[1,{"q":null,"p":-0.0}]}}}"#,
        )
        .unwrap();
        let shuffled: Change = serde_json::from_str(
            r#"{"cell":{"b":{"x":[1,{"p":-0.0,"q":null}],"y":2},"a":1.5,"id":"n1"},"type":"add"}"#,
        )
        .unwrap();
        let head = ChainHash::start(0);
        let one = head.next(1, "t", std::slice::from_ref(&sorted), &[]);
        assert_eq!(one, head.next(1, "t", &[shuffled], &[]));
        // Through a message (JSON text) and back.
        let text = serde_json::to_string(&[sorted]).unwrap();
        let travelled: Vec<Change> = serde_json::from_str(&text).unwrap();
        assert_eq!(one, head.next(1, "t", &travelled, &[]));
    }

    #[test]
    fn every_input_counts() {
        let changes = [Change::update("n1", "data/x", None, Some(json!("a")))];
        let other = [Change::update("n1", "data/x", None, Some(json!("b")))];
        let head = ChainHash::start(3);
        let base = head.next(4, "t", &changes, &[]);
        assert_ne!(base, ChainHash::start(4).next(4, "t", &changes, &[]));
        assert_ne!(base, head.next(5, "t", &changes, &[]));
        assert_ne!(base, head.next(4, "u", &changes, &[]));
        assert_ne!(base, head.next(4, "t", &other, &[]));
        let overridden: Override = serde_json::from_value(json!({
            "kind": "samePath", "cellId": "n1", "path": "data/x", "replaced": "b", "value": "a", "tabId": "u"
        }))
        .unwrap();
        assert_ne!(base, head.next(4, "t", &changes, &[overridden]));
        assert_ne!(ChainHash::start(3), ChainHash::start(4));
    }

    #[test]
    fn the_text_form_is_sixteen_hex_digits() {
        let hash = ChainHash(0x00ab_cdef_0123_4567);
        assert_eq!(
            serde_json::to_value(hash).unwrap(),
            json!("00abcdef01234567")
        );
        assert_eq!(
            serde_json::from_value::<ChainHash>(json!("00ABCDEF01234567")).unwrap(),
            hash
        );
        for bad in [
            json!("abc"),
            json!(12),
            json!("zzzzzzzzzzzzzzzz"),
            json!("+bcdef0123456789"),
        ] {
            assert!(serde_json::from_value::<ChainHash>(bad).is_err());
        }
    }
}
