//! `--format json`: an array of findings, one object per line.

use std::io;

use serde::Serialize;
use serde_json::ser::Formatter;

/// One finding as `--format json` prints it.
#[derive(Debug, Serialize)]
pub(super) struct JsonFinding<'a> {
    /// The file as given or walked (`stdin` for `-`).
    pub path: &'a str,
    pub line: usize,
    pub column: usize,
    /// `Secret` or `secretGenerator`.
    pub kind: &'static str,
    pub namespace: Option<&'a str>,
    pub name: Option<&'a str>,
    pub keys: &'a [String],
    /// The text line's message: what was found and what to do.
    pub message: String,
}

/// `[\n  {…},\n  {…}\n]\n`, or `[]\n`.
pub(super) fn to_string(findings: &[JsonFinding<'_>]) -> serde_json::Result<String> {
    if findings.is_empty() {
        return Ok("[]\n".to_string());
    }
    let mut out = b"[\n".to_vec();
    for (i, f) in findings.iter().enumerate() {
        out.extend_from_slice(if i == 0 { b"  " } else { b",\n  " });
        f.serialize(&mut serde_json::Serializer::with_formatter(
            &mut out, Spaced,
        ))?;
    }
    out.extend_from_slice(b"\n]\n");
    // serde_json writes UTF-8 only.
    String::from_utf8(out).map_err(|e| serde_json::Error::io(io::Error::other(e)))
}

/// Compact JSON with a space after `:` and `,`: `{"path": "a.yaml", "line": 2}`.
struct Spaced;

impl Formatter for Spaced {
    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        if first {
            Ok(())
        } else {
            w.write_all(b", ")
        }
    }

    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.begin_array_value(w, first)
    }

    fn begin_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(b": ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_and_escaping() {
        let keys = ["a".to_string(), "b\"\n".to_string()];
        let f = |path| JsonFinding {
            path,
            line: 2,
            column: 7,
            kind: "Secret",
            namespace: None,
            name: Some("n\\"),
            keys: &keys,
            message: "m\t\u{1}".to_string(),
        };
        assert_eq!(to_string(&[]).unwrap(), "[]\n");
        assert_eq!(
            to_string(&[f("a.yaml"), f("b.yaml")]).unwrap(),
            "[\n  {\"path\": \"a.yaml\", \"line\": 2, \"column\": 7, \"kind\": \"Secret\", \
             \"namespace\": null, \"name\": \"n\\\\\", \"keys\": [\"a\", \"b\\\"\\n\"], \
             \"message\": \"m\\t\\u0001\"},\n  {\"path\": \"b.yaml\", \"line\": 2, \"column\": 7, \
             \"kind\": \"Secret\", \"namespace\": null, \"name\": \"n\\\\\", \"keys\": [\"a\", \
             \"b\\\"\\n\"], \"message\": \"m\\t\\u0001\"}\n]\n"
        );
    }
}
