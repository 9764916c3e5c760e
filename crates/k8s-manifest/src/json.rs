//! JSON input, read with a JSON parser (`serde_json`), as Kubernetes reads
//! JSON: with `encoding/json`, not through YAML. So `"\ud83d\udd10"` (a
//! surrogate pair) is one character, several objects may follow each other
//! in one stream (`{...}{...}`), and a repeated key keeps every occurrence
//! here (the manifest reader refuses it; Go keeps the last).
//!
//! The result is the same tree the YAML reader builds, with a line and
//! column for every node, so the manifest reader's messages name the line.
//! Each object and array is read as a list of raw JSON slices of the input,
//! whose place in the input gives the node's position; syntax errors keep
//! `serde_json`'s position, mapped back to the whole input.

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

use crate::tree::{Document, Kind, Node, Pos, Scalar, YamlError, MAX_DEPTH, MAX_NODES};

/// How many bytes Kubernetes looks at to decide: kubeseal and kubectl read
/// input through `NewYAMLOrJSONDecoder(r, 4096)`, whose `GuessJSONStream`
/// peeks at that many bytes.
const JSON_PEEK: usize = 4096;

/// Whether raw input is JSON to Kubernetes: the one rule every reader here
/// uses ([`crate::Format::detect`], [`crate::yaml::parse_manifests`], the
/// manifest reader).
///
/// `k8s.io/apimachinery`'s `GuessJSONStream` peeks at the first 4096 bytes and
/// asks `hasJSONPrefix`: after dropping leading runes for which Go's
/// `unicode.IsSpace` holds (`bytes.TrimLeftFunc`), does `{` come next?
/// `sigs.k8s.io/yaml` itself has no such test (it reads JSON as YAML).
/// So a form feed, vertical tab, NEL, no-break space or U+2028 before `{`
/// makes the input JSON, which `encoding/json` (and `serde_json` here) then
/// refuses; a byte-order mark is not a space, so BOM-led input is YAML
/// (go-yaml drops the BOM); so is input whose first 4096 bytes are all spaces.
pub(crate) fn is_json_buffer(input: &[u8]) -> bool {
    let head = &input[..input.len().min(JSON_PEEK)];
    // Go decodes rune by rune; a byte that is not UTF-8 (or a rune cut at the
    // peek limit) decodes as U+FFFD, which is not a space: stop there.
    let text = match std::str::from_utf8(head) {
        Ok(t) => t,
        Err(e) => std::str::from_utf8(&head[..e.valid_up_to()]).unwrap_or(""),
    };
    text.trim_start_matches(go_is_space).starts_with('{')
}

/// Go's `unicode.IsSpace`: in Latin-1 `\t \n \v \f \r`, space, U+0085 and
/// U+00A0; beyond it the Unicode `White_Space` property, which is also what
/// Rust's `char::is_whitespace` tests (checked rune by rune in the tests).
fn go_is_space(c: char) -> bool {
    c.is_whitespace()
}

/// Reads every JSON value of the stream.
pub(crate) fn parse_stream(text: &str) -> Result<Vec<Document>, YamlError> {
    let reader = Reader {
        text,
        lines: line_starts(text),
        budget: std::cell::Cell::new(MAX_NODES),
    };
    let mut docs = Vec::new();
    for raw in serde_json::Deserializer::from_str(text).into_iter::<&RawValue>() {
        let raw = raw.map_err(|e| reader.error(0, &e))?;
        let node = reader.node(raw, 0)?;
        docs.push(Document {
            start: node.pos,
            root: Some(node).filter(|n| !n.is_null()),
        });
    }
    Ok(docs)
}

struct Reader<'a> {
    text: &'a str,
    /// Byte offset where each line starts.
    lines: Vec<usize>,
    budget: std::cell::Cell<usize>,
}

fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect()
}

impl<'a> Reader<'a> {
    fn offset_of(&self, raw: &str) -> usize {
        // `raw` is a slice of `text`: its place is the difference of the addresses.
        (raw.as_ptr() as usize).saturating_sub(self.text.as_ptr() as usize)
    }

    fn pos(&self, offset: usize) -> Pos {
        let line = self.lines.partition_point(|&s| s <= offset).max(1);
        let start = self.lines[line - 1];
        let col = self
            .text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count());
        Pos { line, col: col + 1 }
    }

    /// A `serde_json` error in the slice that starts at byte `base`.
    fn error(&self, base: usize, e: &serde_json::Error) -> YamlError {
        let start = self.pos(base);
        let pos = if e.line() <= 1 {
            Pos {
                line: start.line,
                col: start.col + e.column().saturating_sub(1),
            }
        } else {
            Pos {
                line: start.line + e.line() - 1,
                col: e.column().max(1),
            }
        };
        let mut message = e.to_string();
        // serde_json appends " at line L column C": the position is given apart.
        if let Some(i) = message.rfind(" at line ") {
            message.truncate(i);
        }
        YamlError { pos, message }
    }

    fn spend(&self, pos: Pos) -> Result<(), YamlError> {
        match self.budget.get().checked_sub(1) {
            Some(b) => {
                self.budget.set(b);
                Ok(())
            }
            None => Err(YamlError {
                pos,
                message: "document too large".into(),
            }),
        }
    }

    fn node(&self, raw: &'a RawValue, depth: usize) -> Result<Node, YamlError> {
        let s = raw.get();
        let base = self.offset_of(s);
        let pos = self.pos(base);
        self.spend(pos)?;
        if depth >= MAX_DEPTH {
            return Err(YamlError {
                pos,
                message: "nesting too deep".into(),
            });
        }
        let err = |e: serde_json::Error| self.error(base, &e);
        let kind = match s.as_bytes().first() {
            Some(b'{') => {
                let Entries(entries) = serde_json::from_str(s).map_err(err)?;
                let mut out = Vec::with_capacity(entries.len());
                for (k, v) in entries {
                    let value = self.node(v, depth + 1)?;
                    // The key's own position is not kept by serde_json; its
                    // value's line is the key's line in all but odd layouts.
                    let key = Node {
                        pos: value.pos,
                        kind: Kind::Scalar(Scalar::Str(k)),
                    };
                    out.push((key, value));
                }
                Kind::Map(out)
            }
            Some(b'[') => {
                let Items(items) = serde_json::from_str(s).map_err(err)?;
                let mut out = Vec::with_capacity(items.len());
                for v in items {
                    out.push(self.node(v, depth + 1)?);
                }
                Kind::Seq(out)
            }
            Some(b'"') => Kind::Scalar(Scalar::Str(serde_json::from_str(s).map_err(err)?)),
            Some(b't') => Kind::Scalar(Scalar::Bool(true)),
            Some(b'f') => Kind::Scalar(Scalar::Bool(false)),
            Some(b'n') => Kind::Scalar(Scalar::Null),
            _ => Kind::Scalar(Scalar::Number(s.to_string())),
        };
        Ok(Node { pos, kind })
    }
}

/// An object's entries in order, repeated keys included.
struct Entries<'a>(Vec<(String, &'a RawValue)>);

impl<'de> Deserialize<'de> for Entries<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Entries<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(entry) = map.next_entry::<String, &'de RawValue>()? {
                    out.push(entry);
                }
                Ok(Entries(out))
            }
        }
        d.deserialize_map(V)
    }
}

/// An array's items.
struct Items<'a>(Vec<&'a RawValue>);

impl<'de> Deserialize<'de> for Items<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Items<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON array")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(item) = seq.next_element::<&'de RawValue>()? {
                    out.push(item);
                }
                Ok(Items(out))
            }
        }
        d.deserialize_seq(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root(text: &str) -> Node {
        parse_stream(text).unwrap().remove(0).root.unwrap()
    }

    /// Kubernetes (encoding/json) reads a surrogate-pair escape as one character.
    #[test]
    fn kubernetes_reads_a_surrogate_pair_escape_as_one_character() {
        let n = root(r#"{"a": "\ud83d\udd10 x"}"#);
        assert_eq!(n.get("a").and_then(Node::as_str), Some("\u{1f510} x"));
    }

    #[test]
    fn positions_are_kept() {
        let n = root("{\n  \"kind\": \"Secret\",\n  \"data\": {\n    \"k\": 1\n  }\n}\n");
        assert_eq!(n.pos, Pos { line: 1, col: 1 });
        assert_eq!(n.get("kind").unwrap().pos, Pos { line: 2, col: 11 });
        assert_eq!(
            n.get("data").unwrap().get("k").unwrap().pos,
            Pos { line: 4, col: 10 }
        );
    }

    #[test]
    fn syntax_errors_say_where() {
        let e = parse_stream("{\n  \"a\": {\n    \"b\": tru }\n}").unwrap_err();
        assert_eq!(e.pos.line, 3, "{e:?}");
        let e = parse_stream("{\"a\": \"\\ud800\"}").unwrap_err();
        assert_eq!(e.pos.line, 1, "{e:?}");
        assert!(e.message.contains("escape"), "{e:?}");
    }

    #[test]
    fn streams_and_repeated_keys() {
        let d = parse_stream("{\"a\": 1}\n{\"a\": 2, \"a\": 3}").unwrap();
        assert_eq!(d.len(), 2);
        let Kind::Map(e) = &d[1].root.as_ref().unwrap().kind else {
            panic!()
        };
        assert_eq!(e.len(), 2);
        assert_eq!(d[1].start.line, 2);
    }

    #[test]
    fn types() {
        let n = root(r#"{"s": "x", "n": 1.5e3, "t": true, "f": false, "z": null, "l": [1, "a"]}"#);
        assert_eq!(
            n.get("n").unwrap().kind,
            Kind::Scalar(Scalar::Number("1.5e3".into()))
        );
        assert_eq!(n.get("t").unwrap().kind, Kind::Scalar(Scalar::Bool(true)));
        assert!(n.get("z").unwrap().is_null());
        assert!(matches!(&n.get("l").unwrap().kind, Kind::Seq(v) if v.len() == 2));
    }

    #[test]
    fn deep_nesting_is_refused() {
        let s = format!("{}{}", "[".repeat(200), "]".repeat(200));
        assert!(parse_stream(&format!("{{\"a\": {s}}}")).is_err());
    }

    /// Go's `unicode.IsSpace`, written out from its documentation and the
    /// Unicode `White_Space` list, against the function used here, for every rune.
    #[test]
    fn go_is_space_is_unicode_white_space() {
        let go: &[u32] = &[
            0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003,
            0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200A, 0x2028, 0x2029, 0x202F, 0x205F,
            0x3000,
        ];
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            assert_eq!(
                go_is_space(c),
                go.contains(&(c as u32)),
                "U+{:04X}",
                c as u32
            );
        }
    }

    /// Kubernetes (`hasJSONPrefix`) decides JSON after skipping every
    /// `unicode.IsSpace` rune, the form feed included; not after a BOM.
    #[test]
    fn kubernetes_decides_json_after_go_spaces_not_after_a_bom() {
        for lead in [
            "", " \t\r\n", "\x0c", "\x0b", "\u{85}", "\u{a0}", "\u{2028}", "\u{3000}",
        ] {
            assert!(is_json_buffer(format!("{lead}{{}}").as_bytes()), "{lead:?}");
        }
        for lead in ["\u{feff}", "\u{200b}", "\x1c", "---\n", "#\n"] {
            assert!(
                !is_json_buffer(format!("{lead}{{}}").as_bytes()),
                "{lead:?}"
            );
        }
        assert!(!is_json_buffer(b"\xff{}"));
        assert!(!is_json_buffer(b"\xff\xfe{\x00}\x00"));
    }

    /// `GuessJSONStream` peeks at 4096 bytes: `{` at byte 4095 is JSON, at 4096 YAML.
    #[test]
    fn kubernetes_looks_at_the_first_4096_bytes_only() {
        assert!(is_json_buffer(
            format!("{}{{}}", " ".repeat(4095)).as_bytes()
        ));
        assert!(!is_json_buffer(
            format!("{}{{}}", " ".repeat(4096)).as_bytes()
        ));
        // A two-byte NBSP cut by the limit decodes as U+FFFD in Go: not a space.
        assert!(!is_json_buffer(
            format!("{}\u{a0}{{}}", " ".repeat(4095)).as_bytes()
        ));
    }
}
