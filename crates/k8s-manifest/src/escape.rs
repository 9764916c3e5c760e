//! One escaper for untrusted strings (names, keys, paths, URLs, server
//! answers) shown to a person: nothing in them can move a terminal's cursor,
//! change its colours or reorder the text around it.

use std::fmt::Write as _;

/// Whether `c` must not reach a terminal as it is: C0 controls, DEL, C1
/// controls (U+0080–U+009F) and the bidirectional controls (U+061C,
/// U+200E/F, U+202A–U+202E, U+2066–U+2069).
pub fn is_unsafe(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{1f}'
        | '\u{7f}'..='\u{9f}'
        | '\u{61c}'
        | '\u{200e}'
        | '\u{200f}'
        | '\u{202a}'..='\u{202e}'
        | '\u{2066}'..='\u{2069}')
}

/// `s` with every [unsafe](is_unsafe) character written as `\u{…}` (and a
/// backslash as `\\` only when escaping happened, so plain text is unchanged).
///
/// ```
/// use k8s_manifest::escape;
///
/// assert_eq!(escape::text("prod/db"), "prod/db");
/// assert_eq!(escape::text("a\u{1b}[2Jb"), "a\\u{1b}[2Jb");
/// assert_eq!(escape::text("x\u{202e}y"), "x\\u{202e}y");
/// ```
pub fn text(s: &str) -> std::borrow::Cow<'_, str> {
    escape_where(s, is_unsafe)
}

/// A multi-line text (a report, a message) with every [unsafe](is_unsafe)
/// character escaped as by [`text`], except its line breaks and tabs.
///
/// ```
/// use k8s_manifest::escape;
///
/// assert_eq!(escape::lines("a\n\tb"), "a\n\tb");
/// assert_eq!(escape::lines("a\u{1b}]0;x\u{7}\nb"), "a\\u{1b}]0;x\\u{7}\nb");
/// ```
pub fn lines(s: &str) -> std::borrow::Cow<'_, str> {
    escape_where(s, |c| c != '\n' && c != '\t' && is_unsafe(c))
}

fn escape_where(s: &str, unsafe_char: impl Fn(char) -> bool) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(&unsafe_char) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if unsafe_char(c) {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else if c == '\\' {
            out.push_str("\\\\");
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// `s` as the body of a JSON string (no quotes): `"` and `\` escaped, and
/// every [unsafe](is_unsafe) character as `\uXXXX`, so a JSON or SARIF
/// report shown in a terminal is as safe as text.
///
/// ```
/// use k8s_manifest::escape;
///
/// assert_eq!(escape::json("a\"b\u{9b}c"), "a\\\"b\\u009bc");
/// ```
pub fn json(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if is_unsafe(c) => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// Serialised JSON made safe for a terminal: every [unsafe](is_unsafe)
/// character left raw by a JSON writer (DEL, C1 and bidi controls; JSON
/// escapes C0 inside strings) written as `\uXXXX`. Such characters can only
/// stand inside JSON strings, so the document reads back the same; the line
/// breaks and tabs of its layout are kept.
///
/// ```
/// use k8s_manifest::escape;
///
/// let doc = serde_json::to_string(&["a\u{202e}b"]).unwrap();
/// assert_eq!(escape::json_document(&doc), "[\"a\\u202eb\"]");
/// ```
pub fn json_document(serialized: &str) -> std::borrow::Cow<'_, str> {
    // Line breaks and tabs outside strings are the document's own layout.
    let raw = |c: char| is_unsafe(c) && !matches!(c, '\n' | '\r' | '\t');
    if !serialized.chars().any(raw) {
        return std::borrow::Cow::Borrowed(serialized);
    }
    let mut out = String::with_capacity(serialized.len() + 12);
    for c in serialized.chars() {
        if raw(c) {
            let _ = write!(out, "\\u{:04x}", c as u32);
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// An error and its sources on one line: each message joined with `: `
/// (a source whose text is already there is skipped, as wrappers often repeat
/// it), line breaks as spaces, and the result [escaped](text) (a server's
/// answer can be in it).
///
/// ```
/// use k8s_manifest::escape;
///
/// let e = std::io::Error::other("bad\nanswer\u{1b}[2J");
/// assert_eq!(escape::error_chain(&e), "bad answer\\u{1b}[2J");
/// ```
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut cur = e.source();
    while let Some(err) = cur {
        let m = err.to_string();
        if !out.contains(&m) {
            out.push_str(": ");
            out.push_str(&m);
        }
        cur = err.source();
    }
    text(&out.replace("\r\n", " ").replace(['\n', '\r'], " ")).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_control_class_is_escaped_in_text() {
        for c in [
            '\u{0}', '\u{7}', '\u{1b}', '\u{7f}', '\u{85}', '\u{9b}', '\u{61c}', '\u{200f}',
            '\u{202e}', '\u{2069}',
        ] {
            let s = format!("a{c}b");
            let e = text(&s);
            assert!(!e.contains(c), "{c:?}");
            assert_eq!(e, format!("a\\u{{{:x}}}b", c as u32));
        }
        for ok in [
            "plain",
            "ünïcode ✓",
            "tab-free",
            "\u{a0}nbsp",
            "back\\slash",
        ] {
            assert_eq!(text(ok), ok);
        }
        // Once escaping happens, a backslash is doubled so the output is unambiguous.
        assert_eq!(text("\\u{1b}\u{1b}"), "\\\\u{1b}\\u{1b}");
    }

    #[test]
    fn json_escapes_read_back_as_the_original() {
        for s in [
            "a\"b",
            "x\\y",
            "\u{1b}[31m",
            "\u{9b}",
            "\u{202e}rtl",
            "line\nbreak",
            "ok ✓",
        ] {
            let quoted = format!("\"{}\"", json(s));
            assert!(!quoted.chars().any(is_unsafe), "{quoted:?}");
            let back: String = serde_json::from_str(&quoted).unwrap();
            assert_eq!(back, s);
        }
    }

    #[test]
    fn error_chains_are_one_escaped_line() {
        #[derive(Debug)]
        struct Outer(std::io::Error);
        impl std::fmt::Display for Outer {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("cannot fetch")
            }
        }
        impl std::error::Error for Outer {
            fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
                Some(&self.0)
            }
        }
        let e = Outer(std::io::Error::other("403\r\nForbidden \u{9b}31m"));
        assert_eq!(error_chain(&e), "cannot fetch: 403 Forbidden \\u{9b}31m");
        // A source repeated in its wrapper's text is not said twice.
        let inner = std::io::Error::other("timed out");
        let e = Outer(inner);
        assert_eq!(error_chain(&e), "cannot fetch: timed out");
    }

    #[test]
    fn json_documents_read_back_the_same() {
        let values = [
            "a\u{7f}b",
            "\u{9b}31m",
            "x\u{202e}y",
            "\u{1b}[2J",
            "plain ✓",
        ];
        let doc = serde_json::to_string_pretty(&values).unwrap();
        let safe = json_document(&doc);
        assert!(!safe.chars().any(|c| is_unsafe(c) && c != '\n'), "{safe}");
        assert_eq!(safe.lines().count(), doc.lines().count());
        let back: Vec<String> = serde_json::from_str(&safe).unwrap();
        assert_eq!(back, values);
        assert!(matches!(
            json_document("[1]"),
            std::borrow::Cow::Borrowed(_)
        ));
    }
}
