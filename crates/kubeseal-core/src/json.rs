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

use crate::yaml::{Document, Kind, Node, Pos, Scalar, YamlError, MAX_DEPTH, MAX_NODES};

/// Whether a text is JSON to Kubernetes (`IsJSONBuffer`: the first byte
/// after spaces, tabs and line breaks is `{`).
pub(crate) fn is_json(text: &str) -> bool {
    text.trim_start_matches([' ', '\t', '\r', '\n'])
        .starts_with('{')
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
}
