//! sprig's `toJson`, `toRawJson` and `toPrettyJson`: Go's `encoding/json`
//! of template values (maps with sorted keys, strings escaped as Go 1.22
//! and later escape them, invalid UTF-8 as U+FFFD).

use std::io::Write;

use zeroize::Zeroizing;

use super::text::decode;
use super::value::{Bytes, Value};

/// How to write: `html` escapes `<`, `>`, `&` (`json.Marshal`); `indent`
/// as `json.MarshalIndent(v, "", "  ")`.
#[derive(Clone, Copy)]
pub(super) struct Style {
    pub html: bool,
    pub indent: bool,
}

/// The JSON of `v`, or `None` where Go's encoder fails (NaN, infinities).
pub(super) fn to_json(v: &Value, style: Style) -> Option<Bytes> {
    let mut out = Zeroizing::new(Vec::new());
    write_value(&mut out, v, style, 0)?;
    Some(out)
}

fn newline(out: &mut Vec<u8>, style: Style, depth: usize) {
    if style.indent {
        out.push(b'\n');
        out.extend(std::iter::repeat_n(b' ', 2 * depth));
    }
}

fn write_value(out: &mut Vec<u8>, v: &Value, style: Style, depth: usize) -> Option<()> {
    match v {
        Value::Missing | Value::Nil => out.extend_from_slice(b"null"),
        Value::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Value::Int(i, _) => {
            let _ = write!(out, "{i}");
        }
        Value::Float(f) => write_float(out, *f)?,
        Value::Str(s) => write_string(out, s, style.html),
        Value::List(l, _) => {
            out.push(b'[');
            if !l.is_empty() {
                for (i, e) in l.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    newline(out, style, depth + 1);
                    write_value(out, e, style, depth + 1)?;
                }
                newline(out, style, depth);
            }
            out.push(b']');
        }
        Value::Map(m, _) => {
            out.push(b'{');
            if !m.is_empty() {
                for (i, (k, e)) in m.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    newline(out, style, depth + 1);
                    write_string(out, &k.0, style.html);
                    out.push(b':');
                    if style.indent {
                        out.push(b' ');
                    }
                    write_value(out, e, style, depth + 1)?;
                }
                newline(out, style, depth);
            }
            out.push(b'}');
        }
    }
    Some(())
}

/// Go's `floatEncoder`: shortest digits, `%f` form between 1e-6 and 1e21,
/// else `%e` with the exponent's leading zero cut (`1e-07` → `1e-7`).
fn write_float(out: &mut Vec<u8>, f: f64) -> Option<()> {
    if !f.is_finite() {
        return None;
    }
    let abs = f.abs();
    if abs == 0.0 || (1e-6..1e21).contains(&abs) {
        let _ = write!(out, "{f}");
    } else {
        let e = format!("{f:e}");
        let (m, exp) = e.split_once('e')?;
        let sign = if exp.starts_with('-') { "-" } else { "+" };
        let _ = write!(out, "{m}e{sign}{}", exp.trim_start_matches('-'));
    }
    Some(())
}

/// Go's `encodeState.string`.
fn write_string(out: &mut Vec<u8>, s: &[u8], html: bool) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push(b'"');
    let mut i = 0;
    while i < s.len() {
        let b = s[i];
        if b < 0x80 {
            match b {
                b'"' | b'\\' => out.extend_from_slice(&[b'\\', b]),
                b'\n' => out.extend_from_slice(b"\\n"),
                b'\r' => out.extend_from_slice(b"\\r"),
                b'\t' => out.extend_from_slice(b"\\t"),
                0x08 => out.extend_from_slice(b"\\b"),
                0x0c => out.extend_from_slice(b"\\f"),
                b if b < 0x20 || (html && matches!(b, b'<' | b'>' | b'&')) => {
                    out.extend_from_slice(&[
                        b'\\',
                        b'u',
                        b'0',
                        b'0',
                        HEX[usize::from(b >> 4)],
                        HEX[usize::from(b & 15)],
                    ]);
                }
                b => out.push(b),
            }
            i += 1;
            continue;
        }
        let (c, w) = decode(&s[i..]);
        match c {
            None => out.extend_from_slice(b"\\ufffd"),
            Some('\u{2028}') => out.extend_from_slice(b"\\u2028"),
            Some('\u{2029}') => out.extend_from_slice(b"\\u2029"),
            Some(_) => out.extend_from_slice(&s[i..i + w]),
        }
        i += w;
    }
    out.push(b'"');
}
