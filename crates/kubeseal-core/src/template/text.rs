//! Go's string handling over bytes that need not be UTF-8: `utf8`
//! decoding (one invalid byte is one `RuneError`), `strings.Map`,
//! `strconv.Quote`, and the escapers of `text/template` and `net/url`.

use std::io::Write;

use zeroize::Zeroizing;

use super::value::Bytes;

/// `utf8.DecodeRune`: the rune at the start of `b` (None for an invalid
/// byte) and its width (1 for an invalid byte).
pub(super) fn decode(b: &[u8]) -> (Option<char>, usize) {
    let Some(&first) = b.first() else {
        return (None, 0);
    };
    let len = match first {
        0x00..=0x7f => return (Some(char::from(first)), 1),
        0xc2..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xf4 => 4,
        _ => return (None, 1),
    };
    match b.get(..len).and_then(|s| std::str::from_utf8(s).ok()) {
        Some(s) => (s.chars().next(), len),
        None => (None, 1),
    }
}

/// The runes of `b` as Go's `for range` yields them: (rune, byte range);
/// `None` for an invalid byte. Lazy: no buffer holds the decoded runes.
pub(super) fn runes(b: &[u8]) -> impl Iterator<Item = (Option<char>, usize, usize)> + '_ {
    let mut i = 0;
    std::iter::from_fn(move || {
        if i >= b.len() {
            return None;
        }
        let (c, w) = decode(&b[i..]);
        let item = (c, i, i + w);
        i += w;
        Some(item)
    })
}

/// The byte ranges of the runes of `b` (positions only, no value bytes).
pub(super) fn spans(b: &[u8]) -> Vec<(usize, usize)> {
    runes(b).map(|(_, from, to)| (from, to)).collect()
}

/// The number of runes, as `utf8.RuneCount`.
pub(super) fn rune_count(b: &[u8]) -> usize {
    runes(b).count()
}

fn push_char(out: &mut Vec<u8>, c: char) {
    let mut buf = [0; 4];
    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
}

/// `strings.Map(f, s)`: every invalid byte becomes U+FFFD.
pub(super) fn map_runes(b: &[u8], mut f: impl FnMut(char) -> char) -> Bytes {
    let mut out = Zeroizing::new(Vec::with_capacity(b.len()));
    for (c, _, _) in runes(b) {
        push_char(&mut out, f(c.unwrap_or('\u{fffd}')));
    }
    out
}

/// `unicode.IsSpace`.
pub(super) fn is_space(c: char) -> bool {
    c.is_whitespace()
}

/// `unicode.IsPrint`, without Unicode's table of unassigned code points
/// (those count as printable here).
pub(super) fn is_print(c: char) -> bool {
    let u = c as u32;
    if c == ' ' {
        return true;
    }
    !(c.is_control()
        || c.is_whitespace()
        || matches!(
            u,
            0xad | 0x600..=0x605 | 0x61c | 0x6dd | 0x70f | 0x8e2 | 0x180e
        )
        || matches!(u, 0x200b..=0x200f | 0x202a..=0x202e | 0x2060..=0x206f | 0xfeff | 0xfff9..=0xfffb)
        || matches!(u, 0x110bd | 0x110cd | 0x13430..=0x13438 | 0x1bca0..=0x1bca3 | 0x1d173..=0x1d17a)
        || matches!(u, 0xe0001 | 0xe0020..=0xe007f)
        || matches!(u, 0xe000..=0xf8ff | 0xf0000..=0xffffd | 0x100000..=0x10fffd)
        || u & 0xfffe == 0xfffe
        || matches!(u, 0xfdd0..=0xfdef))
}

/// `unicode.ToUpper` (simple case mapping: one rune to one rune).
pub(super) fn to_upper(c: char) -> char {
    let mut u = c.to_uppercase();
    match (u.next(), u.next()) {
        (Some(x), None) => x,
        _ => c,
    }
}

/// `unicode.ToLower` (simple case mapping).
pub(super) fn to_lower(c: char) -> char {
    if c == '\u{130}' {
        return 'i';
    }
    let mut l = c.to_lowercase();
    match (l.next(), l.next()) {
        (Some(x), None) => x,
        _ => c,
    }
}

/// `strings.ToUpper`/`ToLower`: ASCII strings byte by byte, others through
/// `strings.Map`.
pub(super) fn change_case(b: &[u8], upper: bool) -> Bytes {
    if b.is_ascii() {
        let mut out = Zeroizing::new(b.to_vec());
        if upper {
            out.make_ascii_uppercase();
        } else {
            out.make_ascii_lowercase();
        }
        return out;
    }
    map_runes(b, if upper { to_upper } else { to_lower })
}

/// `unicode.ToTitle`: upper case, except the Latin digraphs, whose title
/// case is their own letter.
pub(super) fn to_title(c: char) -> char {
    match c as u32 {
        0x1c4..=0x1c6 => '\u{1c5}',
        0x1c7..=0x1c9 => '\u{1c8}',
        0x1ca..=0x1cc => '\u{1cb}',
        0x1f1..=0x1f3 => '\u{1f2}',
        _ => to_upper(c),
    }
}

/// `strings.Title`.
pub(super) fn title(b: &[u8]) -> Bytes {
    let is_separator = |c: char| {
        if c.is_ascii() {
            return !(c.is_ascii_alphanumeric() || c == '_');
        }
        if c.is_alphanumeric() {
            return false;
        }
        is_space(c)
    };
    let mut prev = ' ';
    map_runes(b, |c| {
        let sep = is_separator(prev);
        prev = c;
        if sep {
            to_title(c)
        } else {
            c
        }
    })
}

/// `strings.TrimFunc`-style trimming of runes for which `cut` holds (an
/// invalid byte is `RuneError`, U+FFFD).
pub(super) fn trim_runes(b: &[u8], left: bool, right: bool, cut: impl Fn(char) -> bool) -> Bytes {
    let rs = spans(b);
    let test = |&(from, to): &(usize, usize)| cut(decode(&b[from..to]).0.unwrap_or('\u{fffd}'));
    let mut start = 0;
    let mut end = rs.len();
    if left {
        while start < end && test(&rs[start]) {
            start += 1;
        }
    }
    if right {
        while end > start && test(&rs[end - 1]) {
            end -= 1;
        }
    }
    let from = rs.get(start).map_or(b.len(), |r| r.0);
    let to = if end == 0 { 0 } else { rs[end - 1].1 };
    Zeroizing::new(b[from..to.max(from)].to_vec())
}

/// `strings.TrimSpace`: invalid bytes stop the trimming.
pub(super) fn trim_space(b: &[u8]) -> Bytes {
    let rs = spans(b);
    let space = |&(from, to): &(usize, usize)| decode(&b[from..to]).0.is_some_and(is_space);
    let start = rs.iter().position(|r| !space(r)).unwrap_or(rs.len());
    let end = rs.iter().rposition(|r| !space(r)).map_or(start, |i| i + 1);
    let from = rs.get(start).map_or(b.len(), |r| r.0);
    let to = if end == 0 { 0 } else { rs[end - 1].1 };
    Zeroizing::new(b[from..to.max(from)].to_vec())
}

/// `strconv.Quote` (`ascii`: `QuoteToASCII`): `"…"` with Go's escapes;
/// invalid bytes as `\xNN`.
pub(super) fn quote(b: &[u8], ascii: bool, out: &mut Vec<u8>) {
    out.push(b'"');
    for (c, from, _) in runes(b) {
        match c {
            None => write_fmt(out, format_args!("\\x{:02x}", b[from])),
            Some(c) => escaped_rune(c, b'"', ascii, out),
        }
    }
    out.push(b'"');
}

/// `strconv.QuoteRune` (`ascii`: `QuoteRuneToASCII`) of an integer (`%q`
/// on an int): `'x'`.
pub(super) fn quote_rune(i: i64, ascii: bool, out: &mut Vec<u8>) {
    let c = u32::try_from(i)
        .ok()
        .and_then(char::from_u32)
        .unwrap_or('\u{fffd}');
    out.push(b'\'');
    escaped_rune(c, b'\'', ascii, out);
    out.push(b'\'');
}

fn escaped_rune(c: char, quote: u8, ascii: bool, out: &mut Vec<u8>) {
    if c == char::from(quote) || c == '\\' {
        out.push(b'\\');
        out.push(c as u8);
        return;
    }
    if if ascii {
        c.is_ascii() && is_print(c)
    } else {
        is_print(c)
    } {
        push_char(out, c);
        return;
    }
    match c {
        '\u{7}' => out.extend_from_slice(b"\\a"),
        '\u{8}' => out.extend_from_slice(b"\\b"),
        '\u{c}' => out.extend_from_slice(b"\\f"),
        '\n' => out.extend_from_slice(b"\\n"),
        '\r' => out.extend_from_slice(b"\\r"),
        '\t' => out.extend_from_slice(b"\\t"),
        '\u{b}' => out.extend_from_slice(b"\\v"),
        c if (c as u32) < 0x20 || c == '\u{7f}' => {
            write_fmt(out, format_args!("\\x{:02x}", c as u32))
        }
        c if (c as u32) < 0x10000 => write_fmt(out, format_args!("\\u{:04x}", c as u32)),
        c => write_fmt(out, format_args!("\\U{:08x}", c as u32)),
    }
}

/// `template.HTMLEscapeString`.
pub(super) fn html_escape(b: &[u8]) -> Bytes {
    let mut out = Zeroizing::new(Vec::with_capacity(b.len()));
    for &c in b {
        match c {
            0 => out.extend_from_slice("\u{fffd}".as_bytes()),
            b'"' => out.extend_from_slice(b"&#34;"),
            b'\'' => out.extend_from_slice(b"&#39;"),
            b'&' => out.extend_from_slice(b"&amp;"),
            b'<' => out.extend_from_slice(b"&lt;"),
            b'>' => out.extend_from_slice(b"&gt;"),
            c => out.push(c),
        }
    }
    out
}

/// `template.JSEscapeString`.
pub(super) fn js_escape(b: &[u8]) -> Bytes {
    let mut out = Zeroizing::new(Vec::with_capacity(b.len()));
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c < 0x80 {
            match c {
                b'\\' => out.extend_from_slice(b"\\\\"),
                b'\'' => out.extend_from_slice(b"\\'"),
                b'"' => out.extend_from_slice(b"\\\""),
                b'<' => out.extend_from_slice(b"\\u003C"),
                b'>' => out.extend_from_slice(b"\\u003E"),
                b'&' => out.extend_from_slice(b"\\u0026"),
                b'=' => out.extend_from_slice(b"\\u003D"),
                c if c < b' ' => write_fmt(&mut out, format_args!("\\u00{c:02X}")),
                c => out.push(c),
            }
            i += 1;
            continue;
        }
        let (r, w) = decode(&b[i..]);
        let r = r.unwrap_or('\u{fffd}');
        if is_print(r) {
            out.extend_from_slice(&b[i..i + w]);
        } else {
            write_fmt(&mut out, format_args!("\\u{:04X}", r as u32));
        }
        i += w;
    }
    out
}

/// `url.QueryEscape`.
pub(super) fn query_escape(b: &[u8]) -> Bytes {
    let mut out = Zeroizing::new(Vec::with_capacity(b.len()));
    for &c in b {
        match c {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(c),
            b' ' => out.push(b'+'),
            c => write_fmt(&mut out, format_args!("%{c:02X}")),
        }
    }
    out
}

/// Formats straight into `out` (no temporary string holds value bytes).
fn write_fmt(out: &mut Vec<u8>, args: std::fmt::Arguments<'_>) {
    // Writing to a Vec cannot fail.
    let _ = out.write_fmt(args);
}
