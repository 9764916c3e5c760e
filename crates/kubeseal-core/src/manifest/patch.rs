//! Rewriting chosen `spec.encryptedData` values of a file in place: every
//! other byte (comments, other documents, key order, quoting, line endings)
//! stays as it was, so a git diff shows only the values that changed.
//!
//! The file is read once with the positioned reader ([`SealedFile::parse`]);
//! each entry of each SealedSecret's `encryptedData` is located in the text
//! and checked against what the reader saw, so a value is only rewritten
//! where the text holds exactly that value.

use std::collections::BTreeMap;
use std::ops::Range;

use super::read::{objects, parse_sealed_secret};
use super::{ManifestError, Origin, SealedSecret};
use k8s_manifest::yaml::{Kind, Node, Pos};

/// A YAML or JSON file holding SealedSecrets, ready to have `encryptedData`
/// values replaced, added or removed.
#[derive(Debug, Clone)]
pub struct SealedFile {
    /// Bytes before the text (a UTF-8 byte-order mark), written back as they were.
    prefix: &'static [u8],
    text: String,
    objects: Vec<Located>,
}

#[derive(Debug, Clone)]
struct Located {
    sealed: SealedSecret,
    map: MapAt,
    entries: Vec<EntryAt>,
}

/// Where `encryptedData` is, and where a new entry goes.
#[derive(Debug, Clone)]
enum MapAt {
    /// A block mapping; new entries go on a line of their own after the last one.
    Block,
    /// A flow mapping (`{…}`, JSON): the byte offset of its closing brace.
    Flow { close: usize },
    /// Absent or null.
    Missing,
}

#[derive(Debug, Clone)]
struct EntryAt {
    key: String,
    /// The key's span, or the line where the entry could not be located.
    key_span: Result<Range<usize>, usize>,
    value_span: Result<Range<usize>, usize>,
}

/// One object's new entries (key, sealed value) and removed entry indexes.
type ObjectEdits<'a> = (Vec<(&'a str, &'a str)>, Vec<usize>);

/// Changes to make to a [`SealedFile`]: sealed values to set (replace or add)
/// and keys to remove, per SealedSecret (by its index in the file).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Edits {
    changes: BTreeMap<(usize, String), Option<String>>,
}

impl Edits {
    /// No changes.
    pub fn new() -> Edits {
        Edits::default()
    }

    /// Sets `key` of SealedSecret `object` to the sealed value `sealed_base64`
    /// (replacing it in place, or adding it after the last entry).
    pub fn set(&mut self, object: usize, key: impl Into<String>, sealed_base64: impl Into<String>) {
        self.changes
            .insert((object, key.into()), Some(sealed_base64.into()));
    }

    /// Removes `key` from SealedSecret `object`.
    pub fn remove(&mut self, object: usize, key: impl Into<String>) {
        self.changes.insert((object, key.into()), None);
    }

    /// Whether there is nothing to change.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// How many values are set or removed.
    pub fn len(&self) -> usize {
        self.changes.len()
    }
}

/// Why a file could not be patched.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PatchError {
    /// The file could not be read as manifests.
    #[error(transparent)]
    Manifest(#[from] ManifestError),
    /// UTF-16 input: it would be written back as UTF-8.
    #[error("UTF-16 input cannot be rewritten in place; convert it to UTF-8")]
    Utf16,
    /// The file holds line breaks other than `\n` and `\r\n` (NEL, LS, PS),
    /// whose positions this rewriter does not follow.
    #[error("the file holds NEL, LS or PS line breaks; it cannot be rewritten in place")]
    UnusualLineBreaks,
    /// No SealedSecret with this index.
    #[error("the file has no SealedSecret number {index}")]
    NoSuchObject {
        /// 0-based index among the file's SealedSecrets.
        index: usize,
    },
    /// The key to remove is not there.
    #[error("{origin}: encryptedData has no key {key:?}")]
    NoSuchKey {
        /// The SealedSecret.
        origin: Origin,
        /// The missing key.
        key: String,
    },
    /// A key Kubernetes would refuse in a Secret.
    #[error("{key:?} is not a valid Secret key (letters, digits, '-', '_' and '.', at most 253)")]
    InvalidKey {
        /// The refused key (a name, never a value).
        key: String,
    },
    /// A sealed value that is not base64 text.
    #[error("the new value of encryptedData.{key} is not base64")]
    NotBase64 {
        /// The entry's key.
        key: String,
    },
    /// `encryptedData` is absent or null, so there is no mapping to add to.
    #[error(
        "{origin}: spec.encryptedData is missing or empty; there is no mapping to add {key:?} to"
    )]
    NoMapping {
        /// The SealedSecret.
        origin: Origin,
        /// The key that was to be added.
        key: String,
    },
    /// An entry written in a layout this rewriter does not handle (a
    /// multi-line or escaped value, a key sharing its line with another).
    #[error("line {line}: this encryptedData entry is written in a layout that cannot be rewritten in place (write it on one line, without escapes)")]
    Layout {
        /// 1-based line of the entry.
        line: usize,
    },
}

impl SealedFile {
    /// Reads a YAML or JSON stream and locates the `encryptedData` entries of
    /// its SealedSecrets (documents and `List` items, in order; objects of
    /// other kinds are kept as they are and not counted). A file without any
    /// SealedSecret is not an error: it has nothing to change.
    pub fn parse(input: &[u8]) -> Result<SealedFile, PatchError> {
        let prefix: &'static [u8] = match input {
            [0xEF, 0xBB, 0xBF, ..] => &[0xEF, 0xBB, 0xBF],
            [0xFF, 0xFE, ..] | [0xFE, 0xFF, ..] => return Err(PatchError::Utf16),
            _ => &[],
        };
        let text = std::str::from_utf8(&input[prefix.len()..])
            .map_err(|e| ManifestError::NotUtf8 {
                offset: prefix.len() + e.valid_up_to(),
            })?
            .to_string();
        let lines = LineIndex::new(&text);
        let mut located = Vec::new();
        for (origin, node) in objects(input)? {
            if node.get("kind").and_then(Node::as_str) != Some("SealedSecret") {
                continue;
            }
            let sealed = parse_sealed_secret(&node, origin)
                .map_err(|problem| ManifestError::Invalid { origin, problem })?;
            let map_node = node
                .get("spec")
                .and_then(|s| s.get("encryptedData"))
                .filter(|n| !n.is_null());
            let (map, entries) = match map_node {
                None => (MapAt::Missing, Vec::new()),
                Some(m) => locate_map(&text, &lines, m),
            };
            located.push(Located {
                sealed,
                map,
                entries,
            });
        }
        if !located.is_empty() && text.contains(['\u{85}', '\u{2028}', '\u{2029}']) {
            return Err(PatchError::UnusualLineBreaks);
        }
        Ok(SealedFile {
            prefix,
            text,
            objects: located,
        })
    }

    /// The file's SealedSecrets, in order (their index is the one [`Edits`] takes).
    pub fn sealed_secrets(&self) -> impl ExactSizeIterator<Item = &SealedSecret> {
        self.objects.iter().map(|o| &o.sealed)
    }

    /// The file with `edits` applied; every byte outside the changed entries
    /// is kept. Nothing is changed when an edit cannot be made.
    pub fn apply(&self, edits: &Edits) -> Result<Vec<u8>, PatchError> {
        // (byte range, replacement), non-overlapping once sorted.
        let mut splices: Vec<(Range<usize>, String)> = Vec::new();
        let mut per_object: BTreeMap<usize, ObjectEdits<'_>> = BTreeMap::new();
        for ((index, key), change) in &edits.changes {
            let obj = self
                .objects
                .get(*index)
                .ok_or(PatchError::NoSuchObject { index: *index })?;
            let origin = obj.sealed.origin;
            let found = obj.entries.iter().rposition(|e| &e.key == key);
            let (inserts, removals) = per_object.entry(*index).or_default();
            match (change, found) {
                (Some(value), _) if !is_base64_text(value) => {
                    return Err(PatchError::NotBase64 { key: key.clone() })
                }
                (Some(value), Some(i)) => {
                    let span = obj.entries[i]
                        .value_span
                        .clone()
                        .map_err(|line| PatchError::Layout { line })?;
                    let old = &self.text[span.clone()];
                    let new = match old.as_bytes().first() {
                        Some(q @ (b'"' | b'\'')) => {
                            let q = char::from(*q);
                            format!("{q}{value}{q}")
                        }
                        _ => value.clone(),
                    };
                    splices.push((span, new));
                }
                (Some(value), None) => {
                    if !k8s_manifest::names::is_secret_key(key) {
                        return Err(PatchError::InvalidKey { key: key.clone() });
                    }
                    if matches!(obj.map, MapAt::Missing) {
                        return Err(PatchError::NoMapping {
                            origin,
                            key: key.clone(),
                        });
                    }
                    inserts.push((key, value));
                }
                (None, Some(_)) => {
                    // Every entry with this key (a repeated key is removed entirely).
                    removals.extend(
                        obj.entries
                            .iter()
                            .enumerate()
                            .filter(|(_, e)| &e.key == key)
                            .map(|(i, _)| i),
                    );
                }
                (None, None) => {
                    return Err(PatchError::NoSuchKey {
                        origin,
                        key: key.clone(),
                    })
                }
            }
        }
        for (index, (inserts, mut removals)) in per_object {
            let obj = &self.objects[index];
            removals.sort_unstable();
            splices.extend(self.removals(obj, &removals)?);
            if !inserts.is_empty() {
                splices.push(self.insertion(obj, &inserts, &removals)?);
            }
        }
        splices.sort_by_key(|(r, _)| (r.start, r.end));
        let mut out = Vec::with_capacity(self.prefix.len() + self.text.len() + 64);
        out.extend_from_slice(self.prefix);
        let mut at = 0;
        for (range, with) in &splices {
            if range.start < at {
                // Two edits touch the same bytes: refuse rather than guess.
                let line = self.text[..range.start].matches('\n').count() + 1;
                return Err(PatchError::Layout { line });
            }
            out.extend_from_slice(&self.text.as_bytes()[at..range.start]);
            out.extend_from_slice(with.as_bytes());
            at = range.end;
        }
        out.extend_from_slice(&self.text.as_bytes()[at..]);
        Ok(out)
    }

    /// The bytes to remove for the entries `removed` (indexes, sorted) of
    /// `obj`: their whole lines in a block mapping; in a flow mapping each run
    /// of removed entries with the commas that separated it.
    fn removals(
        &self,
        obj: &Located,
        removed: &[usize],
    ) -> Result<Vec<(Range<usize>, String)>, PatchError> {
        let t = self.text.as_bytes();
        let spans = |i: usize| -> Result<(Range<usize>, Range<usize>), PatchError> {
            let e = &obj.entries[i];
            let k = e
                .key_span
                .clone()
                .map_err(|line| PatchError::Layout { line })?;
            let v = e
                .value_span
                .clone()
                .map_err(|line| PatchError::Layout { line })?;
            Ok((k, v))
        };
        let mut out = Vec::new();
        match obj.map {
            MapAt::Block => {
                for &i in removed {
                    let (k, v) = spans(i)?;
                    let line = self.text[..k.start].matches('\n').count() + 1;
                    let start = line_start(t, k.start);
                    if !t[start..k.start].iter().all(|b| *b == b' ') {
                        return Err(PatchError::Layout { line });
                    }
                    let end = rest_of_line(t, v.end).ok_or(PatchError::Layout { line })?;
                    out.push((start..end, String::new()));
                }
            }
            MapAt::Flow { .. } => {
                let n = obj.entries.len();
                let mut i = 0;
                while i < n {
                    if removed.binary_search(&i).is_err() {
                        i += 1;
                        continue;
                    }
                    let first = i;
                    while i < n && removed.binary_search(&i).is_ok() {
                        i += 1;
                    }
                    let (k_first, _) = spans(first)?;
                    let (_, v_last) = spans(i - 1)?;
                    let range = if i < n {
                        // Up to the next kept entry.
                        let (k_next, _) = spans(i)?;
                        let at_line_start =
                            |at: usize| t[line_start(t, at)..at].iter().all(|b| *b == b' ');
                        if at_line_start(k_first.start) && at_line_start(k_next.start) {
                            line_start(t, k_first.start)..line_start(t, k_next.start)
                        } else {
                            k_first.start..k_next.start
                        }
                    } else if first > 0 {
                        // From the end of the previous kept entry (its comma goes).
                        let (_, v_prev) = spans(first - 1)?;
                        v_prev.end..v_last.end
                    } else {
                        k_first.start..v_last.end
                    };
                    out.push((range, String::new()));
                }
            }
            MapAt::Missing => {}
        }
        Ok(out)
    }

    /// Where and what to insert for new entries of `obj`.
    fn insertion(
        &self,
        obj: &Located,
        new: &[(&str, &str)],
        removed: &[usize],
    ) -> Result<(Range<usize>, String), PatchError> {
        let t = self.text.as_bytes();
        // A block entry's line end is an anchor even when that line goes; in
        // a flow mapping, new entries follow the last kept one.
        let last = match obj.map {
            MapAt::Flow { .. } => obj
                .entries
                .iter()
                .enumerate()
                .rev()
                .find(|(i, _)| removed.binary_search(i).is_err())
                .map(|(_, e)| e),
            _ => obj.entries.last(),
        };
        let spans = last
            .map(|e| {
                let k = e
                    .key_span
                    .clone()
                    .map_err(|line| PatchError::Layout { line })?;
                let v = e
                    .value_span
                    .clone()
                    .map_err(|line| PatchError::Layout { line })?;
                Ok::<_, PatchError>((k, v))
            })
            .transpose()?;
        match (&obj.map, spans) {
            (MapAt::Block, Some((k, v))) => {
                let line = self.text[..k.start].matches('\n').count() + 1;
                let end = rest_of_line(t, v.end).ok_or(PatchError::Layout { line })?;
                let indent = self.text[line_start(t, k.start)..k.start].chars().count();
                let eol = if self.text[..end].ends_with("\r\n") {
                    "\r\n"
                } else {
                    "\n"
                };
                let mut s = String::new();
                if end == 0 || t[end - 1] != b'\n' {
                    s.push_str(eol);
                }
                for (key, value) in new {
                    s.push_str(&" ".repeat(indent));
                    s.push_str(&block_key(key));
                    s.push_str(": ");
                    s.push_str(value);
                    s.push_str(eol);
                }
                Ok((end..end, s))
            }
            (MapAt::Flow { close }, last) => {
                let quoted = |key: &str, value: &str| format!("\"{key}\": \"{value}\"");
                match last {
                    None => {
                        let body: Vec<String> = new.iter().map(|(k, v)| quoted(k, v)).collect();
                        Ok((*close..*close, body.join(", ")))
                    }
                    Some((k, v)) => {
                        let start = line_start(t, k.start);
                        let own_line = t[start..k.start].iter().all(|b| *b == b' ');
                        let sep = if own_line {
                            let eol = if self.text[..start].ends_with("\r\n") {
                                "\r\n"
                            } else {
                                "\n"
                            };
                            format!(",{eol}{}", &self.text[start..k.start])
                        } else {
                            ", ".to_string()
                        };
                        let mut s = String::new();
                        for (key, value) in new {
                            s.push_str(&sep);
                            s.push_str(&quoted(key, value));
                        }
                        Ok((v.end..v.end, s))
                    }
                }
            }
            (_, _) => Err(PatchError::Layout {
                line: obj.sealed.origin.line,
            }),
        }
    }
}

/// A key as a plain YAML scalar when it reads back as that string, else double-quoted.
fn block_key(key: &str) -> String {
    let probe = format!("{key}: x\n");
    let plain_ok = k8s_manifest::yaml::parse_stream(&probe)
        .ok()
        .and_then(|d| {
            let root = d.first()?.root()?.clone();
            match root.into_kind() {
                Kind::Map(entries) if entries.len() == 1 => entries[0].0.as_str().map(|s| s == key),
                _ => None,
            }
        })
        .unwrap_or(false);
    if plain_ok && !key.starts_with(['-', '.', '?']) {
        key.to_string()
    } else {
        format!("\"{key}\"")
    }
}

fn is_base64_text(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='))
}

/// Byte offsets of line starts, for 1-based line and column (in characters).
struct LineIndex(Vec<usize>);

impl LineIndex {
    fn new(text: &str) -> LineIndex {
        LineIndex(
            std::iter::once(0)
                .chain(text.match_indices('\n').map(|(i, _)| i + 1))
                .collect(),
        )
    }

    fn offset(&self, text: &str, pos: Pos) -> Option<usize> {
        let start = *self.0.get(pos.line.checked_sub(1)?)?;
        let line = &text[start..];
        let skip = pos.col.checked_sub(1)?;
        match line.char_indices().nth(skip) {
            Some((i, _)) => Some(start + i),
            None if line.chars().count() == skip => Some(text.len()),
            None => None,
        }
    }
}

fn locate_map(text: &str, lines: &LineIndex, map: &Node) -> (MapAt, Vec<EntryAt>) {
    let Kind::Map(entries) = map.kind() else {
        return (MapAt::Missing, Vec::new());
    };
    let t = text.as_bytes();
    let start = lines.offset(text, map.pos());
    let flow = start.is_some_and(|s| t.get(s) == Some(&b'{'));
    let located: Vec<EntryAt> = entries
        .iter()
        .map(|(k, v)| {
            let key = k.key_string().unwrap_or_default();
            let line = k.pos().line;
            let value_span = lines
                .offset(text, v.pos())
                .and_then(|at| scalar_span(text, at, v.as_str()?))
                .ok_or(line);
            let key_span = match &value_span {
                // JSON keeps no key position: the key is found before its value.
                Ok(vs) if k.pos() == v.pos() => json_key_before(text, vs.start, &key),
                _ => lines
                    .offset(text, k.pos())
                    .and_then(|at| scalar_span(text, at, &key)),
            }
            .ok_or(line);
            EntryAt {
                key,
                key_span,
                value_span,
            }
        })
        .collect();
    let map_at = if !flow {
        if located.is_empty() {
            MapAt::Missing
        } else {
            MapAt::Block
        }
    } else {
        // The closing brace: after the last value, or the first one after `{`.
        let from = match located.last().map(|e| e.value_span.clone()) {
            Some(Ok(r)) => Some(r.end),
            Some(Err(_)) => None,
            None => start.map(|s| s + 1),
        };
        match from.map(|f| skip_space_and_comments(t, f)) {
            Some(c) if t.get(c) == Some(&b'}') => MapAt::Flow { close: c },
            _ => MapAt::Missing,
        }
    };
    (map_at, located)
}

/// The span of the scalar starting at byte `at`, if its text there is exactly
/// `value` (plain, or quoted without escapes or line breaks).
fn scalar_span(text: &str, at: usize, value: &str) -> Option<Range<usize>> {
    let rest = text.get(at..)?;
    let (span, inner) = match rest.as_bytes().first()? {
        q @ (b'"' | b'\'') => {
            let close = rest[1..].find(char::from(*q))? + 1;
            (at..at + close + 1, &rest[1..close])
        }
        _ => {
            let end = rest
                .find(|c: char| c.is_whitespace() || matches!(c, ',' | '}' | ']'))
                .unwrap_or(rest.len());
            // `key:value` never reaches here (the reader needs `: `); a colon
            // ends a plain key.
            let end = rest[..end].strip_suffix(':').map_or(end, str::len);
            (at..at + end, &rest[..end])
        }
    };
    if inner != value || inner.contains(['\\', '\n', '\r']) {
        return None;
    }
    // Nothing may continue the scalar on the next lines (a multi-line plain
    // scalar would have read differently, and was refused above).
    Some(span)
}

/// The span of the JSON key `"key"` that precedes the value at `value_start`.
fn json_key_before(text: &str, value_start: usize, key: &str) -> Option<Range<usize>> {
    let t = text.as_bytes();
    let colon = back_space(t, value_start).checked_sub(1)?;
    if t[colon] != b':' {
        return None;
    }
    let close = back_space(t, colon).checked_sub(1)?;
    let open = close.checked_sub(key.len() + 1)?;
    (t[close] == b'"' && t[open] == b'"' && text.get(open + 1..close)? == key)
        .then_some(open..close + 1)
}

fn line_start(t: &[u8], at: usize) -> usize {
    t[..at]
        .iter()
        .rposition(|b| *b == b'\n')
        .map_or(0, |i| i + 1)
}

/// The end of the line holding `at` (after its line break), provided only
/// blanks or a comment follow `at` on it.
fn rest_of_line(t: &[u8], at: usize) -> Option<usize> {
    let mut i = at;
    while i < t.len() && matches!(t[i], b' ' | b'\t') {
        i += 1;
    }
    if i < t.len() && !matches!(t[i], b'#' | b'\r' | b'\n') {
        return None;
    }
    Some(
        t[i..]
            .iter()
            .position(|b| *b == b'\n')
            .map_or(t.len(), |p| i + p + 1),
    )
}

fn skip_space(t: &[u8], mut i: usize) -> usize {
    while i < t.len() && t[i].is_ascii_whitespace() {
        i += 1;
    }
    i
}

fn skip_space_and_comments(t: &[u8], mut i: usize) -> usize {
    loop {
        i = skip_space(t, i);
        if t.get(i) == Some(&b'#') {
            while i < t.len() && t[i] != b'\n' {
                i += 1;
            }
        } else {
            return i;
        }
    }
}

/// The start of the blanks that end right before `i`.
fn back_space(t: &[u8], mut i: usize) -> usize {
    while i > 0 && t[i - 1].is_ascii_whitespace() {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests;
