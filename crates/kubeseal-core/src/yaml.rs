//! A YAML 1.2 reader that keeps positions, on top of `saphyr-parser`: the
//! positioned tree the manifest reader is built on, public for tools that
//! look at manifests the same way (e.g. finding plain Secrets).
//!
//! Why this and not `serde_yaml`: `serde_yaml` is deprecated and unmaintained.
//! `saphyr-parser` is the maintained successor of `yaml-rust`, passes the YAML
//! 1.2 test suite, has no unsafe code, and reports a line and column for every
//! event, which we need for `file:line` messages. We build our own small tree
//! so that alias expansion and nesting depth are bounded (no "billion laughs").
//! JSON documents are read by the same parser (JSON is YAML 1.2).
//!
//! ```
//! use kubeseal_core::yaml::{self, Kind};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let text = yaml::decode_text(b"kind: Secret\nstringData:\n  k: v\n")?;
//! let docs = yaml::parse_stream(&text)?;
//! let root = docs[0].root().expect("one non-empty document");
//! let kind = root.get("kind").expect("a kind");
//! assert_eq!(kind.as_str(), Some("Secret"));
//! assert_eq!((kind.pos().line, kind.pos().col), (1, 7));
//! assert!(matches!(root.get("stringData").map(|n| n.kind()), Some(Kind::Map(_))));
//! # Ok(())
//! # }
//! ```

use std::borrow::Cow;

use saphyr_parser::{Event, Parser, ScalarStyle, ScanError};

/// Most nodes one stream may expand to, aliases included.
pub(crate) const MAX_NODES: usize = 1_000_000;
/// Deepest nesting accepted.
pub(crate) const MAX_DEPTH: usize = 128;

/// A 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Pos {
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub col: usize,
}

/// A node of a parsed document, with the position of its first character.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub(crate) pos: Pos,
    pub(crate) kind: Kind,
}

/// What a [`Node`] holds.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// A scalar (plain, quoted or block).
    Scalar(Scalar),
    /// A sequence, in order.
    Seq(Vec<Node>),
    /// A mapping: (key, value) pairs in order of appearance, repeated keys kept.
    Map(Vec<(Node, Node)>),
}

/// A scalar with its resolved core-schema type.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Scalar {
    /// `null`, `~` or nothing.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// An integer or float; the source text is kept.
    Number(String),
    /// Any other scalar, quoted scalars included.
    Str(String),
}

/// A parsed document and where it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub(crate) start: Pos,
    /// `None` for an empty document (only comments or nothing).
    pub(crate) root: Option<Node>,
}

/// Why a YAML stream could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub(crate) pos: Pos,
    pub(crate) message: String,
}

impl YamlError {
    /// Where the stream stopped being readable.
    pub fn pos(&self) -> Pos {
        self.pos
    }

    /// What went wrong, without the position.
    pub fn message(&self) -> &str {
        &self.message
    }
}

/// `line L: message`.
impl std::fmt::Display for YamlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.pos.line, self.message)
    }
}

impl std::error::Error for YamlError {}

impl Document {
    /// Where the document starts (its `---`, or its first node).
    pub fn start(&self) -> Pos {
        self.start
    }

    /// The root node; `None` for an empty document (only comments or nothing).
    pub fn root(&self) -> Option<&Node> {
        self.root.as_ref()
    }
}

impl Node {
    /// Where the node starts (1-based line and column).
    pub fn pos(&self) -> Pos {
        self.pos
    }

    /// What the node holds.
    pub fn kind(&self) -> &Kind {
        &self.kind
    }

    /// The text of a string scalar; `None` for any other node.
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::Scalar(Scalar::Str(s)) => Some(s),
            _ => None,
        }
    }

    /// Whether the node is a null scalar.
    pub fn is_null(&self) -> bool {
        matches!(self.kind, Kind::Scalar(Scalar::Null))
    }

    /// The value of `key` in a mapping (the last one if repeated, as Go's decoders do).
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.kind {
            Kind::Map(entries) => entries
                .iter()
                .rev()
                .find(|(k, _)| k.as_str() == Some(key))
                .map(|(_, v)| v),
            _ => None,
        }
    }

    pub(crate) fn type_name(&self) -> &'static str {
        match &self.kind {
            Kind::Scalar(Scalar::Null) => "null",
            Kind::Scalar(Scalar::Bool(_)) => "a boolean",
            Kind::Scalar(Scalar::Number(_)) => "a number",
            Kind::Scalar(Scalar::Str(_)) => "a string",
            Kind::Seq(_) => "a list",
            Kind::Map(_) => "a mapping",
        }
    }
}

/// Decodes input bytes to text: strips a UTF-8 BOM, converts UTF-16 (with BOM).
pub fn decode_text(bytes: &[u8]) -> Result<Cow<'_, str>, TextError> {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return std::str::from_utf8(rest)
            .map(Cow::Borrowed)
            .map_err(|e| TextError::NotUtf8 {
                offset: 3 + e.valid_up_to(),
            });
    }
    let utf16 = |le: bool| -> Result<Cow<'_, str>, TextError> {
        let body = &bytes[2..];
        if !body.len().is_multiple_of(2) {
            return Err(TextError::BadUtf16);
        }
        let units = body.chunks_exact(2).map(|c| {
            if le {
                u16::from_le_bytes([c[0], c[1]])
            } else {
                u16::from_be_bytes([c[0], c[1]])
            }
        });
        char::decode_utf16(units)
            .collect::<Result<String, _>>()
            .map(Cow::Owned)
            .map_err(|_| TextError::BadUtf16)
    };
    match bytes {
        [0xFF, 0xFE, ..] => utf16(true),
        [0xFE, 0xFF, ..] => utf16(false),
        _ => std::str::from_utf8(bytes)
            .map(Cow::Borrowed)
            .map_err(|e| TextError::NotUtf8 {
                offset: e.valid_up_to(),
            }),
    }
}

/// Input that is not text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    /// Not UTF-8 (and no UTF-16 byte-order mark).
    #[error("not UTF-8 text (invalid byte at offset {offset})")]
    NotUtf8 {
        /// Byte offset of the first invalid byte.
        offset: usize,
    },
    /// UTF-16 with a byte-order mark, but malformed.
    #[error("malformed UTF-16 text")]
    BadUtf16,
}

/// Parses every document of a YAML (or JSON) stream. Aliases are expanded
/// (at most a million nodes in all) and nesting is bounded (128 levels).
pub fn parse_stream(text: &str) -> Result<Vec<Document>, YamlError> {
    let mut parser = Parser::new_from_str(text);
    let mut docs = Vec::new();
    let mut anchors: Vec<Option<Node>> = Vec::new();
    let mut budget = MAX_NODES;
    // Open containers: (node being built, pending map key).
    let mut stack: Vec<(Node, Option<Node>, usize)> = Vec::new();
    let mut doc_start = Pos::default();
    let mut root: Option<Node> = None;
    // Whether the pending key of each open mapping is a merge key (`<<`, plain).
    let mut merge_pending: Vec<bool> = Vec::new();

    let err = |pos: Pos, message: &str| YamlError {
        pos,
        message: message.to_string(),
    };

    while let Some(ev) = parser.next_event() {
        let (event, span) = ev.map_err(scan_error)?;
        let pos = Pos {
            line: span.start.line(),
            col: span.start.col() + 1,
        };
        // Only a plain, untagged `<<` is a merge key (as in go-yaml); a quoted one is a string.
        let mut plain_merge = false;
        let finished: Option<(Node, usize)> = match event {
            Event::StreamStart | Event::StreamEnd | Event::Nothing => None,
            Event::DocumentStart(_) => {
                doc_start = pos;
                root = None;
                anchors.clear();
                None
            }
            Event::DocumentEnd => {
                let r = root.take().filter(|n| !n.is_null());
                docs.push(Document {
                    start: doc_start,
                    root: r,
                });
                None
            }
            Event::Alias(id) => {
                let node = anchors
                    .get(id)
                    .and_then(Option::as_ref)
                    .ok_or_else(|| err(pos, "alias to an unknown anchor"))?;
                let n = count_nodes(node);
                budget = budget
                    .checked_sub(n)
                    .ok_or_else(|| err(pos, "document too large after expanding aliases"))?;
                Some((node.clone(), 0))
            }
            Event::Scalar(value, style, anchor, tag) => {
                budget = budget
                    .checked_sub(1)
                    .ok_or_else(|| err(pos, "document too large"))?;
                let tag = tag.map(|t| format!("{}{}", t.handle, t.suffix));
                plain_merge = style == ScalarStyle::Plain && tag.is_none() && value == "<<";
                let scalar = resolve(value, style, tag.as_deref());
                Some((
                    Node {
                        pos,
                        kind: Kind::Scalar(scalar),
                    },
                    anchor,
                ))
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                budget = budget
                    .checked_sub(1)
                    .ok_or_else(|| err(pos, "document too large"))?;
                if stack.len() >= MAX_DEPTH {
                    return Err(err(pos, "nesting too deep"));
                }
                let kind = if matches!(event, Event::SequenceStart(..)) {
                    Kind::Seq(Vec::new())
                } else {
                    Kind::Map(Vec::new())
                };
                stack.push((Node { pos, kind }, None, anchor));
                merge_pending.push(false);
                None
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (node, pending, anchor) = stack
                    .pop()
                    .ok_or_else(|| err(pos, "unbalanced collection"))?;
                merge_pending.pop();
                if pending.is_some() {
                    return Err(err(pos, "mapping key without a value"));
                }
                Some((node, anchor))
            }
        };
        let Some((node, anchor)) = finished else {
            continue;
        };
        if anchor > 0 {
            if anchors.len() <= anchor {
                anchors.resize(anchor + 1, None);
            }
            anchors[anchor] = Some(node.clone());
        }
        match stack.last_mut() {
            None => root = Some(node),
            Some((parent, pending, _)) => match &mut parent.kind {
                Kind::Seq(items) => items.push(node),
                Kind::Map(entries) => match pending.take() {
                    None => {
                        *pending = Some(node);
                        if let Some(m) = merge_pending.last_mut() {
                            *m = plain_merge;
                        }
                    }
                    Some(_) if merge_pending.last() == Some(&true) => {
                        merge_into(entries, node);
                    }
                    Some(key) => entries.push((key, node)),
                },
                Kind::Scalar(_) => return Err(err(pos, "internal parser state")),
            },
        }
    }
    Ok(docs)
}

/// YAML merge keys (`<<: *base`): copy entries not already present.
fn merge_into(entries: &mut Vec<(Node, Node)>, value: Node) {
    let sources = match value.kind {
        Kind::Map(_) => vec![value],
        Kind::Seq(items) => items,
        Kind::Scalar(_) => return,
    };
    for src in sources {
        if let Kind::Map(src_entries) = src.kind {
            for (k, v) in src_entries {
                if !entries.iter().any(|(e, _)| e.kind == k.kind) {
                    entries.push((k, v));
                }
            }
        }
    }
}

fn count_nodes(node: &Node) -> usize {
    match &node.kind {
        Kind::Scalar(_) => 1,
        Kind::Seq(items) => 1 + items.iter().map(count_nodes).sum::<usize>(),
        Kind::Map(entries) => {
            1 + entries
                .iter()
                .map(|(k, v)| count_nodes(k) + count_nodes(v))
                .sum::<usize>()
        }
    }
}

fn scan_error(e: ScanError) -> YamlError {
    YamlError {
        pos: Pos {
            line: e.marker().line(),
            col: e.marker().col() + 1,
        },
        message: e.info().to_string(),
    }
}

/// Resolves a scalar with the YAML 1.2 core schema (what Kubernetes' JSON
/// conversion sees, minus YAML 1.1 oddities such as `yes`/`no` booleans).
fn resolve(value: Cow<'_, str>, style: ScalarStyle, tag: Option<&str>) -> Scalar {
    match tag {
        Some("tag:yaml.org,2002:str") | Some("!!str") => return Scalar::Str(value.into_owned()),
        Some("tag:yaml.org,2002:null") | Some("!!null") => return Scalar::Null,
        _ => {}
    }
    if style != ScalarStyle::Plain {
        return Scalar::Str(value.into_owned());
    }
    match value.as_ref() {
        "" | "~" | "null" | "Null" | "NULL" => Scalar::Null,
        "true" | "True" | "TRUE" => Scalar::Bool(true),
        "false" | "False" | "FALSE" => Scalar::Bool(false),
        s if is_number(s) => Scalar::Number(value.into_owned()),
        _ => Scalar::Str(value.into_owned()),
    }
}

pub(crate) fn is_number(s: &str) -> bool {
    let body = s.strip_prefix(['-', '+']).unwrap_or(s);
    if body.is_empty() {
        return false;
    }
    if let Some(hex) = body.strip_prefix("0x") {
        return !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit());
    }
    if let Some(oct) = body.strip_prefix("0o") {
        return !oct.is_empty() && oct.bytes().all(|b| (b'0'..=b'7').contains(&b));
    }
    if matches!(body, ".inf" | ".Inf" | ".INF") || matches!(s, ".nan" | ".NaN" | ".NAN") {
        return true;
    }
    // [0-9]+ ( . [0-9]* )? ( [eE] [-+]? [0-9]+ )?  or  . [0-9]+ ...
    let b = body.as_bytes();
    let mut i = 0;
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start
    };
    let int_digits = digits(&mut i);
    let mut frac_digits = 0;
    if i < b.len() && b[i] == b'.' {
        i += 1;
        frac_digits = digits(&mut i);
    }
    if int_digits + frac_digits == 0 {
        return false;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'-' || b[i] == b'+') {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> Node {
        let mut d = parse_stream(text).unwrap();
        assert_eq!(d.len(), 1);
        d.remove(0).root.unwrap()
    }

    #[test]
    fn positions_are_one_based() {
        let n = one("a: 1\nkind: Secret\n");
        let v = n.get("kind").unwrap();
        assert_eq!(v.pos, Pos { line: 2, col: 7 });
    }

    #[test]
    fn core_schema_resolution() {
        let n = one("a: 1\nb: '1'\nc: true\nd: yes\ne: ~\nf: 0x1F\ng: 1e3\nh: 012\ni: 1.2.3\nj:\n");
        let s = |k: &str| n.get(k).unwrap().kind.clone();
        assert_eq!(s("a"), Kind::Scalar(Scalar::Number("1".into())));
        assert_eq!(s("b"), Kind::Scalar(Scalar::Str("1".into())));
        assert_eq!(s("c"), Kind::Scalar(Scalar::Bool(true)));
        assert_eq!(s("d"), Kind::Scalar(Scalar::Str("yes".into())));
        assert_eq!(s("e"), Kind::Scalar(Scalar::Null));
        assert_eq!(s("f"), Kind::Scalar(Scalar::Number("0x1F".into())));
        assert_eq!(s("g"), Kind::Scalar(Scalar::Number("1e3".into())));
        assert_eq!(s("h"), Kind::Scalar(Scalar::Number("012".into())));
        assert_eq!(s("i"), Kind::Scalar(Scalar::Str("1.2.3".into())));
        assert_eq!(s("j"), Kind::Scalar(Scalar::Null));
    }

    #[test]
    fn multi_document_with_empty_documents() {
        let d = parse_stream("---\n# only a comment\n---\na: b\n---\n").unwrap();
        let roots: Vec<bool> = d.iter().map(|d| d.root.is_some()).collect();
        assert_eq!(roots, vec![false, true, false]);
        assert_eq!(d[1].start.line, 3);
    }

    #[test]
    fn json_is_read_too() {
        let n = one("{\n\t\"kind\": \"Secret\",\n\t\"data\": {\"a\": \"b\"}\n}\n");
        assert_eq!(n.get("kind").unwrap().as_str(), Some("Secret"));
        assert_eq!(n.get("data").unwrap().get("a").unwrap().as_str(), Some("b"));
    }

    /// Found by fuzzing (target roundtrip): a quoted `"<<"` key (as JSON
    /// writes every key) was taken for a merge key and dropped.
    #[test]
    fn only_a_plain_merge_key_merges() {
        let docs = parse_stream("a: {\"<<\": x, '<<': y}\nb: {\"<<\": {k: v}}\n").unwrap();
        let root = docs[0].root.as_ref().unwrap();
        let a = root.get("a").unwrap();
        assert_eq!(a.get("<<").and_then(Node::as_str), Some("y"));
        let Kind::Map(entries) = &a.kind else {
            panic!()
        };
        assert_eq!(entries.len(), 2);
        assert!(root.get("b").unwrap().get("<<").is_some());
        assert!(root.get("b").unwrap().get("k").is_none());
    }

    #[test]
    fn aliases_and_merge_keys() {
        let n = one("base: &b {x: 1}\nother:\n  <<: *b\n  y: 2\ncopy: *b\n");
        assert!(n.get("other").unwrap().get("x").is_some());
        assert!(n.get("copy").unwrap().get("x").is_some());
    }

    #[test]
    fn billion_laughs_is_refused() {
        let mut s = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            let prev = format!("*a{}", i - 1);
            s.push_str(&format!(
                "a{i}: &a{i} [{}]\n",
                [prev.as_str(); 10].join(", ")
            ));
        }
        let e = parse_stream(&s).unwrap_err();
        assert!(e.message.contains("too large"), "{e:?}");
    }

    #[test]
    fn deep_nesting_is_refused() {
        let s = "[".repeat(10_000);
        assert!(parse_stream(&s).is_err());
    }

    #[test]
    fn text_decoding() {
        assert_eq!(decode_text(b"\xEF\xBB\xBFa: b").unwrap(), "a: b");
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("a: b".encode_utf16().flat_map(|u| u.to_le_bytes()))
            .collect();
        assert_eq!(decode_text(&utf16).unwrap(), "a: b");
        assert_eq!(
            decode_text(b"ab\xff").unwrap_err(),
            TextError::NotUtf8 { offset: 2 }
        );
    }

    #[test]
    fn numbers() {
        for yes in [
            "0", "-1", "+1", "1.5", ".5", "1e10", "1E-3", "0x0", "0o7", ".inf", "-.inf", ".nan",
        ] {
            assert!(is_number(yes), "{yes}");
        }
        for no in ["", "-", ".", "e3", "1e", "0x", "abc", "1_000", "8f3c2a1b"] {
            assert!(!is_number(no), "{no}");
        }
    }
}
