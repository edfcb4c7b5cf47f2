//! Just enough of the protocol-buffer wire format to read the few numbers
//! recall needs from current Anki collections (a note type's kind, a deck's
//! description, the package version). A code generator and its runtime would
//! be far larger than these forty lines; anything malformed reads as absent.

/// One field's value as the wire format carries it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Value<'a> {
    Varint(u64),
    Bytes(&'a [u8]),
    Fixed,
}

/// The fields of a message in order, or `None` when the bytes are not one.
pub fn fields(mut buf: &[u8]) -> Option<Vec<(u64, Value<'_>)>> {
    let mut out = Vec::new();
    while !buf.is_empty() {
        let key = varint(&mut buf)?;
        let value = match key & 7 {
            0 => Value::Varint(varint(&mut buf)?),
            1 => {
                buf = buf.get(8..)?;
                Value::Fixed
            }
            2 => {
                let len = usize::try_from(varint(&mut buf)?).ok()?;
                let (bytes, rest) = (buf.get(..len)?, buf.get(len..)?);
                buf = rest;
                Value::Bytes(bytes)
            }
            5 => {
                buf = buf.get(4..)?;
                Value::Fixed
            }
            _ => return None,
        };
        out.push((key >> 3, value));
    }
    Some(out)
}

fn varint(buf: &mut &[u8]) -> Option<u64> {
    let mut value = 0u64;
    for shift in (0..64).step_by(7) {
        let (&byte, rest) = buf.split_first()?;
        *buf = rest;
        value |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Some(value);
        }
    }
    None
}

/// The last varint field `number` of a message (proto3: the last one wins).
pub fn varint_field(message: &[u8], number: u64) -> Option<u64> {
    fields(message)?
        .into_iter()
        .rev()
        .find_map(|(n, v)| match v {
            Value::Varint(x) if n == number => Some(x),
            _ => None,
        })
}

/// The last length-delimited field `number` of a message.
pub fn bytes_field(message: &[u8], number: u64) -> Option<&[u8]> {
    fields(message)?
        .into_iter()
        .rev()
        .find_map(|(n, v)| match v {
            Value::Bytes(b) if n == number => Some(b),
            _ => None,
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn reads_varints_and_nested_messages() {
        // kind = 1, css = "ab", original_stock_kind (9) = 5, a 300 in field 2.
        let msg = [
            0x08, 0x01, 0x1a, 0x02, b'a', b'b', 0x48, 0x05, 0x10, 0xac, 0x02,
        ];
        assert_eq!(varint_field(&msg, 1), Some(1));
        assert_eq!(varint_field(&msg, 9), Some(5));
        assert_eq!(varint_field(&msg, 2), Some(300));
        assert_eq!(bytes_field(&msg, 3), Some(&b"ab"[..]));
        assert_eq!(varint_field(&msg, 4), None);
        // The package meta Anki writes: version 3.
        assert_eq!(varint_field(&[0x08, 0x03], 1), Some(3));
        assert_eq!(varint_field(&[], 1), None);
    }

    #[test]
    fn malformed_messages_read_as_absent() {
        assert_eq!(fields(&[0x0a, 0x05, b'a']), None);
        assert_eq!(fields(&[0x08]), None);
        assert_eq!(fields(&[0x0b]), None);
        assert_eq!(fields(&[0xff; 11]), None);
        assert_eq!(varint_field(&[0x0a, 0x05], 1), None);
    }

    proptest! {
        #[test]
        fn never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            let _ = fields(&bytes);
            let _ = varint_field(&bytes, 1);
        }
    }
}
