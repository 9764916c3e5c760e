//! sprig's regular-expression functions over Go's RE2 syntax, run by the
//! `regex` crate (the same leftmost-first semantics). Go's `\d`, `\w`, `\s`
//! and `\b` are ASCII; the pattern is rewritten so that they are here too.
//! Values that are not UTF-8 are refused (Go reads their bytes as U+FFFD).

use regex::bytes::Regex;
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

/// A value matched against: UTF-8 only.
pub(super) fn utf8(s: &[u8]) -> Result<&[u8], String> {
    match std::str::from_utf8(s) {
        Ok(_) => Ok(s),
        Err(_) => Err(
            "regular expressions over values that are not UTF-8 are not supported by sealtoken"
                .into(),
        ),
    }
}

/// Go's `FindAllIndex`: matches left to right, an empty match right after
/// the previous one skipped; at most `n` when `n >= 0`.
pub(super) fn find_all(re: &Regex, s: &[u8], n: i64) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut prev_end: Option<usize> = None;
    let mut pos = 0;
    while pos <= s.len() && (n < 0 || (out.len() as i64) < n) {
        let Some(m) = re.find_at(s, pos) else { break };
        let (a, b) = (m.start(), m.end());
        if a == b && prev_end == Some(a) {
            // Skip one rune and search again.
            pos = a + super::text::decode(&s[a..]).1.max(1);
            continue;
        }
        out.push((a, b));
        prev_end = Some(b);
        pos = if a == b {
            b + super::text::decode(&s[b..]).1.max(1)
        } else {
            b
        };
    }
    out
}

/// A list of strings.
pub(super) fn strings(parts: Vec<Bytes>) -> Value {
    Value::List(
        parts.into_iter().map(Value::Str).collect(),
        ElemType::String,
    )
}

/// Go's `Split`.
pub(super) fn split(re: &Regex, s: &[u8], n: i64) -> Vec<Bytes> {
    if n == 0 {
        return Vec::new();
    }
    if !re.as_str().is_empty() && s.is_empty() {
        return vec![Zeroizing::new(Vec::new())];
    }
    let mut parts = Vec::new();
    let (mut beg, mut end) = (0, 0);
    for (a, b) in find_all(re, s, n) {
        if n > 0 && parts.len() as i64 == n - 1 {
            break;
        }
        end = a;
        if b != 0 {
            parts.push(Zeroizing::new(s[beg..end].to_vec()));
        }
        beg = b;
    }
    if end != s.len() {
        parts.push(Zeroizing::new(s[beg..].to_vec()));
    }
    parts
}

/// Go's `ReplaceAllString` (`literal`: `ReplaceAllLiteralString`), with
/// `$1`, `${name}` and `$$` expanded.
pub(super) fn replace_all(re: &Regex, s: &[u8], repl: &[u8], literal: bool) -> Bytes {
    let mut out = Zeroizing::new(Vec::with_capacity(s.len()));
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
            out.extend_from_slice(&s[last..a]);
            if literal {
                out.extend_from_slice(repl);
            } else {
                caps.expand(repl, &mut out);
            }
            last = b;
            prev_end = Some(b);
        }
        pos = if a == b {
            b + super::text::decode(&s[b..]).1.max(1)
        } else {
            b
        };
    }
    out.extend_from_slice(&s[last.min(s.len())..]);
    out
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
