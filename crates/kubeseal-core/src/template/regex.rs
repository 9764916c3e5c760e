//! sprig's regular-expression functions over Go's RE2 syntax, run by the
//! `regex` crate (the same leftmost-first semantics). Go's `\d`, `\w`, `\s`
//! and `\b` are ASCII; the pattern is rewritten so that they are here too.
//! Go reads a byte that is not UTF-8 as U+FFFD: the text is matched in that
//! form ([`Text`]) and every result is cut from the original bytes.

use regex::Regex;
use zeroize::Zeroizing;

use super::value::{Bytes, ElemType, Value};

/// A compiled pattern, or Go's error (without the pattern).
pub(super) fn compile(pattern: &[u8]) -> Result<Regex, String> {
    let pattern = std::str::from_utf8(pattern).map_err(|_| "regexp: invalid UTF-8".to_string())?;
    Regex::new(&translate(pattern)).map_err(|_| "regexp: Compile: error parsing regexp".to_string())
}

/// Go's ASCII Perl classes, written out for a Unicode-mode `regex`.
fn translate(p: &str) -> String {
    let mut out = String::with_capacity(p.len());
    let mut chars = p.chars().peekable();
    let mut in_class = false;
    while let Some(c) = chars.next() {
        if c == '\\' {
            let Some(n) = chars.next() else {
                out.push('\\');
                break;
            };
            let class = match n {
                'd' => Some(("0-9", false)),
                'D' => Some(("0-9", true)),
                's' => Some(("\\t\\n\\f\\r ", false)),
                'S' => Some(("\\t\\n\\f\\r ", true)),
                'w' => Some(("0-9A-Za-z_", false)),
                'W' => Some(("0-9A-Za-z_", true)),
                _ => None,
            };
            match (class, in_class) {
                (Some((set, false)), true) => out.push_str(set),
                (Some((set, negated)), _) => {
                    out.push_str(if negated { "[^" } else { "[" });
                    out.push_str(set);
                    out.push(']');
                }
                (None, false) if n == 'b' => out.push_str("(?-u:\\b)"),
                (None, false) if n == 'B' => out.push_str("(?-u:\\B)"),
                _ => {
                    out.push('\\');
                    out.push(n);
                }
            }
            continue;
        }
        if in_class {
            if c == ']' {
                in_class = false;
            } else if c == '[' && chars.peek() == Some(&':') {
                // `[:alpha:]` inside a class: copy through its `]`.
                out.push(c);
                for d in chars.by_ref() {
                    out.push(d);
                    if d == ']' {
                        break;
                    }
                }
                continue;
            }
        } else if c == '[' {
            in_class = true;
            out.push(c);
            // `[]` and `[^]` start with a literal `]`.
            if chars.peek() == Some(&'^') {
                out.push('^');
                chars.next();
            }
            if chars.peek() == Some(&']') {
                out.push_str("\\]");
                chars.next();
            }
            continue;
        }
        out.push(c);
    }
    out
}

/// A value as Go's regexp reads it: each invalid byte a U+FFFD, with the
/// map back to the original offsets.
pub(super) struct Text<'a> {
    original: &'a [u8],
    decoded: Zeroizing<String>,
    /// Original offset of each decoded offset (meaningful at rune boundaries).
    at: Vec<usize>,
}

impl<'a> Text<'a> {
    pub fn new(original: &'a [u8]) -> Text<'a> {
        let mut decoded = Zeroizing::new(String::with_capacity(original.len()));
        let mut at = Vec::with_capacity(original.len() + 1);
        for (c, from, to) in super::text::runes(original) {
            let c = c.unwrap_or('\u{fffd}');
            let width = c.len_utf8();
            decoded.push(c);
            // Inside a rune every offset maps to its start; its end maps to `to`.
            at.extend(std::iter::repeat_n(from, width));
            debug_assert!(to > from);
        }
        at.push(original.len());
        Text {
            original,
            decoded,
            at,
        }
    }

    /// The original bytes of a decoded range.
    pub fn slice(&self, from: usize, to: usize) -> &'a [u8] {
        &self.original[self.at[from]..self.at[to]]
    }

    fn str(&self) -> &str {
        &self.decoded
    }
}

/// Go's `FindAllIndex` (decoded offsets): matches left to right, an empty
/// match right after the previous one skipped; at most `n` when `n >= 0`.
pub(super) fn find_all(re: &Regex, t: &Text<'_>, n: i64) -> Vec<(usize, usize)> {
    let s = t.str();
    let mut out = Vec::new();
    let mut prev_end: Option<usize> = None;
    let mut pos = 0;
    while pos <= s.len() && (n < 0 || (out.len() as i64) < n) {
        let Some(m) = re.find_at(s, pos) else { break };
        let (a, b) = (m.start(), m.end());
        if !(a == b && prev_end == Some(a)) {
            out.push((a, b));
            prev_end = Some(b);
        }
        pos = if a == b {
            b + s[b..].chars().next().map_or(1, char::len_utf8)
        } else {
            b
        };
    }
    out
}

/// Go's `FindString`.
pub(super) fn find<'a>(re: &Regex, t: &Text<'a>) -> &'a [u8] {
    re.find(t.str())
        .map_or(&[][..], |m| t.slice(m.start(), m.end()))
}

/// Go's `MatchString`.
pub(super) fn is_match(re: &Regex, t: &Text<'_>) -> bool {
    re.is_match(t.str())
}

/// A list of strings.
pub(super) fn strings(parts: Vec<Bytes>) -> Value {
    Value::List(
        parts.into_iter().map(Value::Str).collect(),
        ElemType::String,
    )
}

/// Go's `Split`.
pub(super) fn split(re: &Regex, t: &Text<'_>, n: i64) -> Vec<Bytes> {
    if n == 0 {
        return Vec::new();
    }
    let len = t.str().len();
    if !re.as_str().is_empty() && len == 0 {
        return vec![Zeroizing::new(Vec::new())];
    }
    let mut parts = Vec::new();
    let (mut beg, mut end) = (0, 0);
    for (a, b) in find_all(re, t, n) {
        if n > 0 && parts.len() as i64 == n - 1 {
            break;
        }
        end = a;
        if b != 0 {
            parts.push(Zeroizing::new(t.slice(beg, end).to_vec()));
        }
        beg = b;
    }
    if end != len {
        parts.push(Zeroizing::new(t.slice(beg, len).to_vec()));
    }
    parts
}

/// Go's `ReplaceAllString` (`literal`: `ReplaceAllLiteralString`): `$1`,
/// `$name`, `${name}` and `$$` expanded from the original bytes.
pub(super) fn replace_all(re: &Regex, t: &Text<'_>, repl: &[u8], literal: bool) -> Bytes {
    let s = t.str();
    let mut out = Zeroizing::new(Vec::with_capacity(t.original.len()));
    let mut last = 0;
    let mut pos = 0;
    let mut prev_end: Option<usize> = None;
    while pos <= s.len() {
        let Some(caps) = re.captures_at(s, pos) else {
            break;
        };
        let Some(m) = caps.get(0) else { break };
        let (a, b) = (m.start(), m.end());
        if !(a == b && prev_end == Some(a)) {
            out.extend_from_slice(t.slice(last, a));
            if literal {
                out.extend_from_slice(repl);
            } else {
                expand(re, &caps, t, repl, &mut out);
            }
            last = b;
            prev_end = Some(b);
        }
        pos = if a == b {
            b + s[b..].chars().next().map_or(1, char::len_utf8)
        } else {
            b
        };
    }
    out.extend_from_slice(t.slice(last, s.len()));
    out
}

/// Go's `Regexp.expand`.
fn expand(
    re: &Regex,
    caps: &regex::Captures<'_>,
    t: &Text<'_>,
    template: &[u8],
    out: &mut Vec<u8>,
) {
    let mut rest = template;
    while let Some(i) = rest.iter().position(|&b| b == b'$') {
        out.extend_from_slice(&rest[..i]);
        rest = &rest[i..];
        if rest.get(1) == Some(&b'$') {
            out.push(b'$');
            rest = &rest[2..];
            continue;
        }
        let is_name = |b: &u8| b.is_ascii_alphanumeric() || *b == b'_';
        let (name, after) = if rest.get(1) == Some(&b'{') {
            match rest[2..].iter().position(|&b| b == b'}') {
                Some(end) if end > 0 && rest[2..2 + end].iter().all(is_name) => {
                    (&rest[2..2 + end], &rest[3 + end..])
                }
                _ => {
                    out.push(b'$');
                    rest = &rest[1..];
                    continue;
                }
            }
        } else {
            let len = rest[1..].iter().take_while(|b| is_name(b)).count();
            if len == 0 {
                out.push(b'$');
                rest = &rest[1..];
                continue;
            }
            (&rest[1..1 + len], &rest[1 + len..])
        };
        let name = std::str::from_utf8(name).unwrap_or_default();
        let group = match name.parse::<usize>() {
            Ok(n) => caps.get(n),
            Err(_) => re
                .capture_names()
                .position(|g| g == Some(name))
                .and_then(|n| caps.get(n)),
        };
        if let Some(g) = group {
            out.extend_from_slice(t.slice(g.start(), g.end()));
        }
        rest = after;
    }
    out.extend_from_slice(rest);
}

/// `regexp.QuoteMeta`.
pub(super) fn quote_meta(s: &[u8]) -> Bytes {
    let mut out = Zeroizing::new(Vec::with_capacity(s.len()));
    for &b in s {
        if br"\.+*?()|[]{}^$".contains(&b) {
            out.push(b'\\');
        }
        out.push(b);
    }
    out
}
