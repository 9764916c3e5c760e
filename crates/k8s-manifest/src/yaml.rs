//! A YAML reader that keeps positions and reads as Kubernetes reads, on top
//! of `saphyr-parser`: the positioned tree the manifest reader is built on,
//! public for tools that look at manifests the same way (e.g. finding plain
//! Secrets).
//!
//! Kubernetes reads YAML through `sigs.k8s.io/yaml`, which is go-yaml v2:
//! YAML 1.1 scalar resolution and YAML 1.1 line breaks. `saphyr-parser`
//! implements YAML 1.2, so this module closes the gaps that would change a
//! value or a key:
//! - scalars are resolved with go-yaml v2's rules (module `resolve`):
//!   `yes`/`on`/`y` are booleans, `0x1F`/`017`/`0B11`/`1_000` integers,
//!   `1e400` a string; explicit tags (`!!int "12"`, `!!binary`) as go-yaml
//!   applies them;
//! - NEL (U+0085) is a line break, read as `\n` (as go-yaml does);
//!   U+2028/U+2029 are line breaks that are kept in the value (see
//!   [`parse_stream`]);
//! - a quoted scalar continued on a line at the indentation of its key is
//!   read (go-yaml does not check that indentation);
//! - `%YAML`/`%TAG` directives are refused: Kubernetes tools split a stream
//!   at `---` lines and then refuse a directive cut off from its document.
//!
//! Why this and not `serde_yaml`: `serde_yaml` is deprecated and unmaintained.
//! `saphyr-parser` is the maintained successor of `yaml-rust`, passes the YAML
//! 1.2 test suite, has no unsafe code, and reports a line and column for every
//! event, which we need for `file:line` messages. We build our own small tree
//! so that alias expansion and nesting depth are bounded (no "billion laughs").
//! JSON documents are read with a JSON parser into the same tree
//! ([`parse_manifests`] chooses, as Kubernetes does).
//!
//! ```
//! use k8s_manifest::yaml::{self, Kind};
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

pub use crate::tree::{decode_text, Document, Kind, Node, Pos, Scalar, TextError, YamlError};
use crate::tree::{MAX_DEPTH, MAX_NODES};
use crate::Format;

use saphyr_parser::{Event, Parser, ScalarStyle, ScanError};
use zeroize::{Zeroize as _, Zeroizing};

/// Parses a manifest stream as Kubernetes reads it: JSON when
/// [`Format::detect`] says so (the first rune after Go's spaces is `{`),
/// read with a JSON parser (so `"\ud83d\udd10"` is one character and
/// several objects may follow each other); YAML otherwise ([`parse_stream`]).
/// Every node keeps its line and column either way. For text decoded from
/// bytes by [`decode_text`], which drops a byte-order mark, use
/// [`parse_manifests_as`] with the format of the raw bytes.
///
/// ```
/// use k8s_manifest::yaml;
///
/// let docs = yaml::parse_manifests("{\n  \"kind\": \"Secret\",\n  \"stringData\": {\"k\": \"\\ud83d\\udd10\"}\n}")?;
/// let root = docs[0].root().expect("an object");
/// let value = root.get("stringData").and_then(|d| d.get("k")).expect("a value");
/// assert_eq!(value.as_str(), Some("\u{1f510}"));
/// assert_eq!(value.pos().line, 3);
/// # Ok::<(), yaml::YamlError>(())
/// ```
pub fn parse_manifests(text: &str) -> Result<Vec<Document>, YamlError> {
    parse_manifests_as(text, Format::detect(text.as_bytes()))
}

/// Parses decoded text in the format Kubernetes chose for the raw input
/// (`Format::detect(raw)`): a BOM-led JSON file is YAML to Kubernetes, and
/// [`decode_text`] has dropped the BOM that said so.
///
/// ```
/// use k8s_manifest::{yaml, Format};
///
/// let raw = b"\xEF\xBB\xBF{\"k\": \"\\ud83d\\udd10\"}";
/// let text = yaml::decode_text(raw).expect("UTF-8");
/// // Read as YAML, as Kubernetes does: go-yaml refuses a surrogate escape.
/// assert!(yaml::parse_manifests_as(&text, Format::detect(raw)).is_err());
/// assert!(yaml::parse_manifests_as(&text, Format::Json).is_ok());
/// ```
pub fn parse_manifests_as(text: &str, format: Format) -> Result<Vec<Document>, YamlError> {
    match format {
        Format::Json => crate::json::parse_stream(text),
        Format::Yaml => parse_stream(text),
    }
}

/// Parses every document of a YAML stream, as go-yaml v2 reads it (JSON
/// input too, but as YAML; [`parse_manifests`] reads it as JSON). Aliases are expanded (at most a million nodes in all) and nesting is
/// bounded (128 levels).
pub fn parse_stream(text: &str) -> Result<Vec<Document>, YamlError> {
    // go-yaml reads NEL as a line break everywhere, and puts `\n` in its place.
    // Copies of the text made here are wiped when dropped (they hold plaintext).
    let nel_free = text
        .contains('\u{85}')
        .then(|| Zeroizing::new(text.replace('\u{85}', "\n")));
    let text: &str = nel_free.as_deref().map_or(text, String::as_str);
    if !text.contains(['\u{2028}', '\u{2029}']) {
        return parse_fixing_quoted_indent(text, false);
    }
    parse_with_separators(text)
}

/// Marks standing for a raw LS / PS in the text handed to the parser.
const MARK_LS: char = '\u{fdd0}';
const MARK_PS: char = '\u{fdd1}';

/// U+2028 / U+2029 are line breaks to go-yaml (YAML 1.1) and ordinary
/// characters to `saphyr-parser` (YAML 1.2). go-yaml keeps them in the value
/// where `\n` would be folded: it writes the value "a\u{2028}b" as
/// `'a<LS>      b'` and reads that back as "a\u{2028}b".
///
/// Two parses give go-yaml's reading: one with each LS/PS replaced by `\n`
/// (the structure go-yaml sees), one with each replaced by a mark and `\n`
/// (the mark survives into the scalar, where [`unmark`] puts the LS/PS back
/// as go-yaml does). If the two do not have the same structure (a mark that
/// changed how the line is tokenized), the input is refused rather than
/// guessed at.
fn parse_with_separators(text: &str) -> Result<Vec<Document>, YamlError> {
    if let Some((line, _)) = text
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains([MARK_LS, MARK_PS]))
    {
        return Err(YamlError {
            pos: Pos {
                line: line + 1,
                col: 1,
            },
            message: "unsupported noncharacter U+FDD0/U+FDD1 in a file holding U+2028/U+2029"
                .into(),
        });
    }
    let plain = Zeroizing::new(text.replace(['\u{2028}', '\u{2029}'], "\n"));
    let structure = parse_fixing_quoted_indent(&plain, false)?;
    let mut marked = Zeroizing::new(String::with_capacity(text.len() * 2));
    marked.extend(
        text.chars()
            .flat_map(|c| match c {
                '\u{2028}' => [Some(MARK_LS), Some('\n')],
                '\u{2029}' => [Some(MARK_PS), Some('\n')],
                c => [Some(c), None],
            })
            .flatten(),
    );
    let docs = parse_fixing_quoted_indent(&marked, true)?;
    let same = docs.len() == structure.len()
        && docs
            .iter()
            .zip(&structure)
            .all(|(a, b)| match (&a.root, &b.root) {
                (Some(a), Some(b)) => same_shape(a, b),
                (None, None) => true,
                _ => false,
            });
    if !same {
        let line = text
            .lines()
            .position(|l| l.contains(['\u{2028}', '\u{2029}']))
            .map_or(1, |i| i + 1);
        return Err(YamlError {
            pos: Pos { line, col: 1 },
            message: "a U+2028/U+2029 line separator outside a quoted or literal string: \
                      Kubernetes (YAML 1.1) reads it as a line break; write it escaped \
                      (\\L, \\P) in a double-quoted string"
                .into(),
        });
    }
    Ok(docs)
}

fn same_shape(a: &Node, b: &Node) -> bool {
    match (&a.kind, &b.kind) {
        (Kind::Scalar(_), Kind::Scalar(_)) => true,
        (Kind::Seq(x), Kind::Seq(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same_shape(a, b))
        }
        (Kind::Map(x), Kind::Map(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((ka, va), (kb, vb))| same_shape(ka, kb) && same_shape(va, vb))
        }
        _ => false,
    }
}

/// Puts back the LS/PS that [`parse_with_separators`] marked, as go-yaml's
/// scanner joins lines around them. In plain and single-quoted scalars
/// (go-yaml's `scan_plain_scalar` / `scan_flow_scalar`): blanks before the
/// break are dropped, the break is kept, and the `\n` after the mark was
/// folded to a space (dropped) or kept as a line break (kept); a mark at the
/// very end of a plain scalar is the break that ended it. In literal blocks
/// the mark and its `\n` are one line break. Double-quoted and folded scalars
/// with a raw LS/PS are refused (go-yaml never writes them; escapes and
/// folding make their reading depend on details this reader does not copy).
fn unmark(value: &str, style: ScalarStyle) -> Result<String, &'static str> {
    let is_mark = |c: char| c == MARK_LS || c == MARK_PS;
    let real = |c: char| if c == MARK_LS { '\u{2028}' } else { '\u{2029}' };
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars().peekable();
    match style {
        ScalarStyle::Plain | ScalarStyle::SingleQuoted => {
            while let Some(c) = chars.next() {
                if !is_mark(c) {
                    out.push(c);
                    continue;
                }
                let kept = out.trim_end_matches([' ', '\t']).len();
                out.truncate(kept);
                match chars.peek() {
                    Some(' ') => {
                        chars.next();
                        out.push(real(c));
                    }
                    Some('\n') => out.push(real(c)),
                    None if style == ScalarStyle::Plain => {}
                    _ => return Err("unexpected line separator"),
                }
            }
        }
        ScalarStyle::Literal => {
            while let Some(c) = chars.next() {
                if !is_mark(c) {
                    out.push(c);
                } else if chars.peek() == Some(&'\n') {
                    chars.next();
                    out.push(real(c));
                }
                // Otherwise the final line break, stripped by `|-`.
            }
        }
        _ => {
            return Err("a raw U+2028/U+2029 in a double-quoted or folded string: \
                        Kubernetes (YAML 1.1) reads it as a line break; write it as \\L or \\P")
        }
    }
    Ok(out)
}

/// Parses; where the parser refuses a quoted scalar continued on a line less
/// indented than its block (go-yaml does not check this), indents the
/// continuation lines and parses again. Leading blanks of continuation lines
/// are not part of a quoted scalar's value, for either reader.
fn parse_fixing_quoted_indent(text: &str, marked: bool) -> Result<Vec<Document>, YamlError> {
    let mut fixed: Option<Zeroizing<String>> = None;
    // Each round fixes one scalar; a bound keeps hostile input linear-ish.
    for _ in 0..64 {
        let current = fixed.as_deref().map_or(text, String::as_str);
        match parse_events(current, marked) {
            Err(QuotedIndent(at)) => match indent_quoted(current, at) {
                Some(t) => fixed = Some(Zeroizing::new(t)),
                None => break,
            },
            Ok(r) => return r,
        }
    }
    match parse_events(fixed.as_deref().map_or(text, String::as_str), marked) {
        Ok(r) => r,
        Err(QuotedIndent(at)) => Err(YamlError {
            pos: at.1,
            message: "invalid indentation in quoted scalar".into(),
        }),
    }
}

/// The parser refused a quoted scalar's indentation: (char index of its
/// opening quote, position).
struct QuotedIndent((usize, Pos));

/// Re-indents the continuation lines of the quoted scalar that opens at
/// char index `at` to the column of its opening quote.
fn indent_quoted(text: &str, at: (usize, Pos)) -> Option<String> {
    let (start, _) = text.char_indices().nth(at.0)?;
    let quote = text[start..].chars().next()?;
    let col = at.1.col.saturating_sub(1);
    // Find the closing quote.
    let body = &text[start + quote.len_utf8()..];
    let mut end = None;
    let mut it = body.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        match (quote, c) {
            ('\'', '\'') if it.peek().map(|p| p.1) == Some('\'') => {
                it.next();
            }
            ('\'', '\'') | ('"', '"') => {
                end = Some(i);
                break;
            }
            ('"', '\\') => {
                it.next();
            }
            _ => {}
        }
    }
    let end = start + quote.len_utf8() + end?;
    let scalar = &text[start..end];
    let mut out = String::with_capacity(text.len() + 64);
    out.push_str(&text[..start]);
    let mut changed = false;
    for (i, line) in scalar.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
            let trimmed = line.trim_start_matches([' ', '\t']);
            let indicator = line.starts_with("---") || line.starts_with("...");
            if !indicator && line.len() - trimmed.len() < col {
                out.push_str(&" ".repeat(col));
                out.push_str(trimmed);
                changed = true;
                continue;
            }
        }
        out.push_str(line);
    }
    out.push_str(&text[end..]);
    changed.then_some(out)
}

fn parse_events(
    text: &str,
    marked: bool,
) -> Result<Result<Vec<Document>, YamlError>, QuotedIndent> {
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
    // Line where the previous document ended (directives may follow it).
    let mut last_end_line = 1;

    let err = |pos: Pos, message: &str| YamlError {
        pos,
        message: message.to_string(),
    };
    macro_rules! fail {
        ($e:expr) => {
            return Ok(Err($e))
        };
    }

    while let Some(ev) = parser.next_event() {
        let (event, span) = match ev {
            Ok(x) => x,
            Err(e) if e.info() == "invalid indentation in quoted scalar" => {
                let m = e.marker();
                return Err(QuotedIndent((
                    m.index(),
                    Pos {
                        line: m.line(),
                        col: m.col() + 1,
                    },
                )));
            }
            Err(e) => fail!(scan_error(e)),
        };
        let pos = Pos {
            line: span.start.line(),
            col: span.start.col() + 1,
        };
        // Only a plain, untagged `<<` is a merge key (as in go-yaml); a quoted one is a string.
        let mut plain_merge = false;
        let finished: Option<(Node, usize)> = match event {
            Event::StreamStart | Event::StreamEnd | Event::Nothing => None,
            Event::DocumentStart(explicit) => {
                if explicit {
                    if let Some(line) = directive_line(text, last_end_line, pos.line) {
                        fail!(err(
                            Pos { line, col: 1 },
                            "YAML directives (%YAML, %TAG) are not supported: Kubernetes tools \
                             split a stream at `---` lines and refuse a directive cut off from \
                             its document"
                        ));
                    }
                }
                doc_start = pos;
                root = None;
                anchors.clear();
                None
            }
            Event::DocumentEnd => {
                last_end_line = pos.line;
                let r = root.take().filter(|n| !n.is_null());
                docs.push(Document {
                    start: doc_start,
                    root: r,
                });
                None
            }
            Event::Alias(id) => {
                let Some(node) = anchors.get(id).and_then(Option::as_ref) else {
                    fail!(err(pos, "alias to an unknown anchor"))
                };
                let n = count_nodes(node);
                match budget.checked_sub(n) {
                    Some(b) => budget = b,
                    None => fail!(err(pos, "document too large after expanding aliases")),
                }
                Some((node.clone(), 0))
            }
            Event::Scalar(value, style, anchor, tag) => {
                match budget.checked_sub(1) {
                    Some(b) => budget = b,
                    None => fail!(err(pos, "document too large")),
                }
                let tag = tag.map(|t| format!("{}{}", t.handle, t.suffix));
                let value: Cow<'_, str> = if marked && value.contains([MARK_LS, MARK_PS]) {
                    let unmarked = unmark(&value, style);
                    // The parser's copy of the value is ours now: wiped.
                    wipe(value);
                    match unmarked {
                        Ok(v) => Cow::Owned(v),
                        Err(m) => fail!(err(pos, m)),
                    }
                } else {
                    value
                };
                plain_merge = style == ScalarStyle::Plain && tag.is_none() && value == "<<";
                let scalar = match resolve(value, style, tag.as_deref()) {
                    Ok(s) => s,
                    Err(m) => fail!(err(pos, &m)),
                };
                Some((
                    Node {
                        pos,
                        kind: Kind::Scalar(scalar),
                    },
                    anchor,
                ))
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                match budget.checked_sub(1) {
                    Some(b) => budget = b,
                    None => fail!(err(pos, "document too large")),
                }
                if stack.len() >= MAX_DEPTH {
                    fail!(err(pos, "nesting too deep"));
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
                let Some((node, pending, anchor)) = stack.pop() else {
                    fail!(err(pos, "unbalanced collection"))
                };
                merge_pending.pop();
                if pending.is_some() {
                    fail!(err(pos, "mapping key without a value"));
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
                Kind::Scalar(_) => fail!(err(pos, "internal parser state")),
            },
        }
    }
    Ok(Ok(docs))
}

/// The first line in `from..to` (1-based) that starts a directive (`%`).
/// Between the end of one document and the `---` of the next there is
/// nothing but comments, blank lines and directives.
fn directive_line(text: &str, from: usize, to: usize) -> Option<usize> {
    text.split('\n')
        .enumerate()
        .skip(from.saturating_sub(1))
        .take(to.saturating_sub(from))
        .find(|(_, l)| l.starts_with('%'))
        .map(|(i, _)| i + 1)
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

/// Resolves a scalar as go-yaml v2 does (YAML 1.1; see [`crate::resolve`]).
fn resolve(value: Cow<'_, str>, style: ScalarStyle, tag: Option<&str>) -> Result<Scalar, String> {
    use crate::resolve::{self as r, Resolved, Tag};
    let resolved = match tag.map(Tag::from_full) {
        // Tags on quoted scalars count too (`!!int "12"` is the integer 12).
        Some(Tag::Binary) => {
            let decoded = binary(&value).map(Scalar::Str);
            wipe(value);
            return decoded;
        }
        Some(t) => match r::tagged(t, &value) {
            Ok(resolved) => resolved,
            Err(m) => {
                wipe(value);
                return Err(format!(
                    "{m} (tag {}): Kubernetes would refuse it",
                    tag.unwrap_or_default()
                ));
            }
        },
        None if style != ScalarStyle::Plain => Resolved::Str,
        None => r::plain(&value),
    };
    Ok(match resolved {
        Resolved::Null => {
            wipe(value);
            Scalar::Null
        }
        Resolved::Bool(b) => {
            wipe(value);
            Scalar::Bool(b)
        }
        // `!!float 1` is a float: keep a spelling that resolves as one.
        Resolved::Float(f) if tag.is_some() && !matches!(r::plain(&value), Resolved::Float(_)) => {
            wipe(value);
            Scalar::Number(format!("{f:?}"))
        }
        Resolved::Int(_) | Resolved::Uint(_) | Resolved::Float(_) => {
            Scalar::Number(value.into_owned())
        }
        // Timestamps decode to their text; `<<` as a value is a string.
        Resolved::Timestamp | Resolved::Merge | Resolved::Str => Scalar::Str(value.into_owned()),
    })
}

/// Wipes a scalar's text the parser handed over, if it is an owned copy.
fn wipe(value: Cow<'_, str>) {
    if let Cow::Owned(mut s) = value {
        s.zeroize();
    }
}

/// A `!!binary` scalar: go-yaml decodes it (standard base64, line breaks
/// ignored) and uses the bytes as a string.
fn binary(value: &str) -> Result<String, String> {
    use base64::Engine as _;
    let cleaned: zeroize::Zeroizing<Vec<u8>> = zeroize::Zeroizing::new(
        value
            .bytes()
            .filter(|b| !matches!(b, b'\n' | b'\r'))
            .collect(),
    );
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(&*cleaned)
        .map_err(|_| {
            "!!binary value is not valid base64 (Kubernetes would refuse it)".to_string()
        })?;
    String::from_utf8(bytes).map_err(|e| {
        let mut b = e.into_bytes();
        zeroize::Zeroize::zeroize(&mut b);
        "!!binary value is not UTF-8 text (Kubernetes would replace the invalid bytes with U+FFFD)"
            .to_string()
    })
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
    fn go_yaml_v2_resolution() {
        let n = one("a: 1\nb: '1'\nc: true\nd: yes\ne: ~\nf: 0x1F\ng: 1e3\nh: 012\ni: 1.2.3\nj:\n");
        let s = |k: &str| n.get(k).unwrap().kind.clone();
        assert_eq!(s("a"), Kind::Scalar(Scalar::Number("1".into())));
        assert_eq!(s("b"), Kind::Scalar(Scalar::Str("1".into())));
        assert_eq!(s("c"), Kind::Scalar(Scalar::Bool(true)));
        // YAML 1.1, as Kubernetes reads it (go-yaml v2): `yes` is a boolean.
        assert_eq!(s("d"), Kind::Scalar(Scalar::Bool(true)));
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
        // (`'y'` quoted: a plain y is a YAML 1.1 boolean, as Kubernetes reads it.)
        let docs = parse_stream("a: {\"<<\": x, '<<': 'y'}\nb: {\"<<\": {k: v}}\n").unwrap();
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
}
