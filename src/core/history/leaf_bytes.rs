//! Leaf values packed into bytes for the history: a label edit's `"A"` → `"B"` costs a few
//! bytes instead of two `serde_json::Value`s (each a word-sized enum plus a heap string).
//!
//! Layout: a tag byte, then the payload: numbers as 8 little-endian bytes (`u64`, `i64`
//! or `f64`, exactly as serde_json holds them), strings as a length and UTF-8 bytes,
//! arrays and objects as a count and their items. Lengths are LEB128. The bytes are only
//! ever read back by [`read_value`] from what [`write_value`] wrote.

use serde_json::{Map, Number, Value};

const ABSENT: u8 = 0;
const NULL: u8 = 1;
const FALSE: u8 = 2;
const TRUE: u8 = 3;
const UNSIGNED: u8 = 4;
const SIGNED: u8 = 5;
const FLOAT: u8 = 6;
const STRING: u8 = 7;
const ARRAY: u8 = 8;
const OBJECT: u8 = 9;

/// Appends `value` (`None`: the path is missing) to `out`.
pub(super) fn write_value(out: &mut Vec<u8>, value: Option<&Value>) {
    let Some(value) = value else {
        out.push(ABSENT);
        return;
    };
    match value {
        Value::Null => out.push(NULL),
        Value::Bool(false) => out.push(FALSE),
        Value::Bool(true) => out.push(TRUE),
        Value::Number(number) => write_number(out, number),
        Value::String(text) => {
            out.push(STRING);
            write_str(out, text);
        }
        Value::Array(items) => {
            out.push(ARRAY);
            write_len(out, items.len());
            for item in items {
                write_value(out, Some(item));
            }
        }
        Value::Object(map) => {
            out.push(OBJECT);
            write_len(out, map.len());
            for (key, item) in map {
                write_str(out, key);
                write_value(out, Some(item));
            }
        }
    }
}

/// How many bytes [`write_value`] appends for `value`.
pub(super) fn value_len(value: Option<&Value>) -> usize {
    1 + match value {
        None | Some(Value::Null | Value::Bool(_)) => 0,
        Some(Value::Number(_)) => 8,
        Some(Value::String(text)) => str_len(text),
        Some(Value::Array(items)) => {
            len_len(items.len())
                + items
                    .iter()
                    .map(|item| value_len(Some(item)))
                    .sum::<usize>()
        }
        Some(Value::Object(map)) => {
            len_len(map.len())
                + map
                    .iter()
                    .map(|(key, item)| str_len(key) + value_len(Some(item)))
                    .sum::<usize>()
        }
    }
}

fn str_len(text: &str) -> usize {
    len_len(text.len()) + text.len()
}

/// How many bytes [`write_len`] appends for `len`.
pub(super) fn len_len(len: usize) -> usize {
    let bits = usize::BITS - (len | 1).leading_zeros();
    bits.div_ceil(7) as usize
}

fn write_number(out: &mut Vec<u8>, number: &Number) {
    if let Some(unsigned) = number.as_u64() {
        out.push(UNSIGNED);
        out.extend_from_slice(&unsigned.to_le_bytes());
    } else if let Some(signed) = number.as_i64() {
        out.push(SIGNED);
        out.extend_from_slice(&signed.to_le_bytes());
    } else {
        out.push(FLOAT);
        out.extend_from_slice(&number.as_f64().unwrap_or_default().to_le_bytes());
    }
}

fn write_str(out: &mut Vec<u8>, text: &str) {
    write_len(out, text.len());
    out.extend_from_slice(text.as_bytes());
}

/// Appends `len` as LEB128.
pub(super) fn write_len(out: &mut Vec<u8>, mut len: usize) {
    while len >= 0x80 {
        out.push((len as u8) | 0x80);
        len >>= 7;
    }
    out.push(len as u8);
}

/// A cursor over bytes written by this module.
pub(super) struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    /// Reads from the start of `bytes`.
    pub(super) fn new(bytes: &'a [u8]) -> Self {
        Self { bytes }
    }

    /// Whether everything was read.
    pub(super) fn is_done(&self) -> bool {
        self.bytes.is_empty()
    }

    fn byte(&mut self) -> Option<u8> {
        let (first, rest) = self.bytes.split_first()?;
        self.bytes = rest;
        Some(*first)
    }

    fn take(&mut self, len: usize) -> Option<&'a [u8]> {
        let taken = self.bytes.get(..len)?;
        self.bytes = self.bytes.get(len..)?;
        Some(taken)
    }

    fn eight(&mut self) -> Option<[u8; 8]> {
        self.take(8)?.try_into().ok()
    }

    /// Reads a LEB128 length.
    pub(super) fn len(&mut self) -> Option<usize> {
        let mut len = 0usize;
        let mut shift = 0;
        loop {
            let byte = self.byte()?;
            len |= usize::from(byte & 0x7f).checked_shl(shift)?;
            if byte < 0x80 {
                return Some(len);
            }
            shift += 7;
        }
    }

    fn string(&mut self) -> Option<String> {
        let len = self.len()?;
        std::str::from_utf8(self.take(len)?).ok().map(str::to_owned)
    }

    /// Reads a value written by [`write_value`]: `Some(None)` for a missing path, `None`
    /// when the bytes end early (never, for bytes this module wrote).
    pub(super) fn value(&mut self) -> Option<Option<Value>> {
        let value = match self.byte()? {
            ABSENT => return Some(None),
            NULL => Value::Null,
            FALSE => Value::Bool(false),
            TRUE => Value::Bool(true),
            UNSIGNED => Value::from(u64::from_le_bytes(self.eight()?)),
            SIGNED => Value::from(i64::from_le_bytes(self.eight()?)),
            FLOAT => Number::from_f64(f64::from_le_bytes(self.eight()?))
                .map_or(Value::Null, Value::Number),
            STRING => Value::String(self.string()?),
            ARRAY => {
                let count = self.len()?;
                let mut items = Vec::with_capacity(count.min(self.bytes.len()));
                for _ in 0..count {
                    items.push(self.value()?.unwrap_or(Value::Null));
                }
                Value::Array(items)
            }
            OBJECT => {
                let count = self.len()?;
                let mut map = Map::new();
                for _ in 0..count {
                    let key = self.string()?;
                    map.insert(key, self.value()?.unwrap_or(Value::Null));
                }
                Value::Object(map)
            }
            _ => return None,
        };
        Some(Some(value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn round_trip(value: Option<Value>) -> Option<Value> {
        let mut bytes = Vec::new();
        write_value(&mut bytes, value.as_ref());
        let mut reader = Reader::new(&bytes);
        let read = reader.value().unwrap();
        assert!(reader.is_done());
        assert_eq!(bytes.len(), value_len(value.as_ref()));
        read
    }

    #[test]
    fn every_kind_of_value_reads_back_equal() {
        let long = "x".repeat(300);
        for value in [
            json!(null),
            json!(true),
            json!(false),
            json!(0),
            json!(u64::MAX),
            json!(i64::MIN),
            json!(-0.0),
            json!(0.1),
            json!(1e308),
            json!(""),
            json!("é🙂"),
            json!(long),
            json!([]),
            json!([1, "a", null, [true], { "b": 2.5 }]),
            json!({ "z": 1, "a": { "deep": [1, 2, { "x": "y" }] }, "": null }),
        ] {
            let read = round_trip(Some(value.clone()));
            assert_eq!(read, Some(value.clone()));
            // Numbers keep their kind (an integer stays an integer, -0.0 stays a float).
            assert_eq!(read.map(|read| read.to_string()), Some(value.to_string()));
        }
        assert_eq!(round_trip(None), None);
    }

    #[test]
    fn lengths_take_seven_bits_a_byte() {
        for (len, bytes) in [
            (0, 1),
            (127, 1),
            (128, 2),
            (16_383, 2),
            (16_384, 3),
            (usize::MAX, 10),
        ] {
            let mut out = Vec::new();
            write_len(&mut out, len);
            assert_eq!((out.len(), len_len(len)), (bytes, bytes), "{len}");
            assert_eq!(Reader::new(&out).len(), Some(len));
        }
    }

    #[test]
    fn a_short_string_costs_its_length_plus_two_bytes() {
        let mut bytes = Vec::new();
        write_value(&mut bytes, Some(&json!("Label 123")));
        assert_eq!(bytes.len(), 11);
    }

    #[test]
    fn truncated_bytes_read_as_nothing_instead_of_panicking() {
        let mut bytes = Vec::new();
        write_value(&mut bytes, Some(&json!({ "a": [1, "bc"] })));
        for end in 0..bytes.len() {
            assert_eq!(Reader::new(&bytes[..end]).value(), None, "{end}");
        }
    }
}
