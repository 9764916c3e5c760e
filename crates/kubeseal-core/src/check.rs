//! Finding plain Kubernetes Secrets in manifests, for `sealtoken check`
//! (a pre-commit hook). Pure functions: bytes in, findings out; no printing,
//! no file system (kustomize files are read through a caller's function).
//!
//! # What is flagged
//!
//! - A `v1` `Secret` (also an item of a `kind: List`) with at least one
//!   non-empty `data` or `stringData` value that is not a template placeholder.
//! - A kustomize `secretGenerator` with `literals`, or with `files`/`envs`
//!   naming files that are not SOPS-encrypted.
//!
//! # What is allowed
//!
//! - `SealedSecret`s and every other kind.
//! - SOPS-encrypted documents: a document with a `sops:` mapping and `ENC[…]`
//!   values. This is judged per document, and inside such a document only
//!   `ENC[…]` values count as encrypted, so neither another document of the
//!   same file nor a value left out of encryption can hide behind it.
//! - Values that are empty, or made only of template placeholders:
//!   `{{ … }}` (Helm, Go templates) and `${NAME}` (envsubst, Flux
//!   post-build substitution). A placeholder carrying a literal default
//!   (`${PASS:=hunter2}`, `{{ .Values.p | default "hunter2" }}`) is a value;
//!   so is text around a placeholder (`user:${PASS}@host`).
//! - A document opted out with the annotation
//!   `sealtoken.dev/allow-plain: "true"` ([`ALLOW_ANNOTATION`]) or the
//!   comment `# sealtoken: allow` on the line of its `kind` (on the line of
//!   `name` for a `secretGenerator`).
//!
//! No Secret `type` is exempt: `kubernetes.io/tls` holds a private key,
//! `dockerconfigjson`/`dockercfg` and `basic-auth` hold credentials,
//! `ssh-auth` a private key, `service-account-token` and
//! `bootstrap.kubernetes.io/token` bearer tokens. A service-account-token
//! Secret written as usual (no data, filled in by the cluster) is already
//! allowed as empty.
//!
//! # Input that is not YAML
//!
//! Helm and Go templates often are not valid YAML. Then [`scan`] falls back to
//! a line-based reading that still finds a `kind: Secret` with literal values
//! under `data`/`stringData`, and says so in a [`Note`].
//!
//! Nothing here ever puts a secret value into a finding, note or error.

use std::fmt;
use std::ops::Range;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use zeroize::Zeroizing;

use crate::cert::Certificate;
use crate::manifest::{read_secrets, Format};
use crate::seal::{seal_secret, SealError, SealOptions};
use crate::yaml::{self, Kind, Node, Pos, Scalar, TextError};

/// Annotation that allows a plain Secret (value `"true"`).
pub const ALLOW_ANNOTATION: &str = "sealtoken.dev/allow-plain";
/// Comment text that allows a plain Secret when on the line of its `kind`.
pub const ALLOW_COMMENT: &str = "sealtoken: allow";

/// What was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum FindingKind {
    /// A `v1` Secret with plain values.
    PlainSecret,
    /// A kustomize `secretGenerator` with plain `literals`.
    GeneratorLiterals,
    /// A kustomize `secretGenerator` whose `files` are not encrypted.
    GeneratorFiles,
    /// A kustomize `secretGenerator` whose env file is not encrypted.
    GeneratorEnv,
}

impl FindingKind {
    /// The object kind for tools: `Secret` or `secretGenerator`.
    pub fn object(self) -> &'static str {
        match self {
            FindingKind::PlainSecret => "Secret",
            _ => "secretGenerator",
        }
    }
}

/// Where in its document a finding sits, which decides whether it can be fixed in place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Location {
    /// The whole document (1-based index in the stream).
    Document(usize),
    /// An item of a `kind: List` document (1-based document index).
    ListItem(usize),
    /// Found by the line-based fallback (1-based document index).
    Lines(usize),
    /// Inside a kustomization file.
    Kustomization,
}

/// One plain Secret (or generator). Holds names and keys, never values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Position of the `kind` value (or of the generator field).
    pub pos: Pos,
    /// What was found.
    pub kind: FindingKind,
    /// `metadata.namespace` (or the generator's `namespace`).
    pub namespace: Option<String>,
    /// `metadata.name` (or the generator's `name`).
    pub name: Option<String>,
    /// The keys holding plain values, in order of appearance.
    pub keys: Vec<String>,
    /// The plain file, for [`FindingKind::GeneratorEnv`].
    pub file: Option<String>,
    /// Where it sits.
    pub location: Location,
}

impl Finding {
    /// `namespace/name`, or `name`, or `(unnamed)`.
    pub fn qualified_name(&self) -> String {
        match (&self.namespace, &self.name) {
            (Some(ns), Some(n)) => format!("{ns}/{n}"),
            (None, Some(n)) => n.clone(),
            (Some(ns), None) => format!("{ns}/(unnamed)"),
            (None, None) => "(unnamed)".to_string(),
        }
    }

    fn keys_text(&self) -> String {
        if self.keys.is_empty() {
            "keys: unknown".to_string()
        } else {
            format!("keys: {}", self.keys.join(", "))
        }
    }
}

/// A short description without position: `plain Secret "ns/name" (keys: a, b)`.
impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = self.qualified_name();
        let keys = self.keys_text();
        match self.kind {
            FindingKind::PlainSecret => write!(f, "plain Secret {name:?} ({keys})"),
            FindingKind::GeneratorLiterals => {
                write!(f, "secretGenerator {name:?} has plain literals ({keys})")
            }
            FindingKind::GeneratorFiles => {
                write!(f, "secretGenerator {name:?} has plain files ({keys})")
            }
            FindingKind::GeneratorEnv => write!(
                f,
                "secretGenerator {name:?} has a plain env file {} ({keys})",
                self.file.as_deref().unwrap_or("?")
            ),
        }
    }
}

/// Something worth telling that is not a finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// Where, when known.
    pub pos: Option<Pos>,
    /// The message (never a value).
    pub message: String,
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// The result of scanning one input.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// Plain Secrets and generators, sorted by position.
    pub findings: Vec<Finding>,
    /// Notes: line-based fallback, missing kustomize files.
    pub notes: Vec<Note>,
    /// Whether the input was not valid YAML and was read line by line.
    pub line_based: bool,
}

/// Why an input could not be checked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CheckError {
    /// Not UTF-8 (nor UTF-16 with a BOM).
    #[error("not UTF-8 text (invalid byte at offset {offset})")]
    NotUtf8 {
        /// Byte offset of the first invalid byte.
        offset: usize,
    },
    /// UTF-16 with a BOM, but malformed.
    #[error("malformed UTF-16 text")]
    BadUtf16,
    /// `--fix` was asked for UTF-16 input, which it does not rewrite.
    #[error("cannot fix UTF-16 text; convert the file to UTF-8 first")]
    FixUtf16,
    /// The fixed output did not read back as the same documents (a bug; nothing is written).
    #[error("the fixed file did not read back correctly (line {line}: {message}); left unchanged")]
    FixVerify {
        /// Line of the problem in the fixed text.
        line: usize,
        /// What went wrong.
        message: String,
    },
}

fn decode(input: &[u8]) -> Result<std::borrow::Cow<'_, str>, CheckError> {
    yaml::decode_text(input).map_err(|e| match e {
        TextError::NotUtf8 { offset } => CheckError::NotUtf8 { offset },
        TextError::BadUtf16 => CheckError::BadUtf16,
    })
}

/// Whether a file name is one kustomize reads (`kustomization.yaml`,
/// `kustomization.yml`, `Kustomization`).
pub fn is_kustomization_file(file_name: &str) -> bool {
    matches!(
        file_name,
        "kustomization.yaml" | "kustomization.yml" | "Kustomization"
    )
}

/// Whether file contents are SOPS-encrypted: `sops` metadata and `ENC[…]`
/// values (YAML, JSON, dotenv and binary SOPS files all have both).
pub fn is_sops_encrypted(bytes: &[u8]) -> bool {
    contains(bytes, b"ENC[") && contains(bytes, b"sops")
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// Scans a YAML or JSON stream for plain Secrets.
pub fn scan(input: &[u8]) -> Result<Report, CheckError> {
    let text = decode(input)?;
    Ok(scan_text(&text, None))
}

/// Scans a kustomization file: its `secretGenerator`s, and any Secret in it.
/// `read` gets a path as written in the file (relative to the kustomization's
/// directory) and returns the file's bytes, or `None` when it does not exist
/// or cannot be read (a note, not a finding).
pub fn scan_kustomization(
    input: &[u8],
    read: &mut dyn FnMut(&str) -> Option<Vec<u8>>,
) -> Result<Report, CheckError> {
    let text = decode(input)?;
    Ok(scan_text(&text, Some(read)))
}

type Reader<'a> = Option<&'a mut dyn FnMut(&str) -> Option<Vec<u8>>>;

fn scan_text(text: &str, read: Reader<'_>) -> Report {
    let mut report = Report::default();
    // Fast path: nothing that could be flagged (escapes could spell "Secret").
    if !text.contains("Secret") && !text.contains("secretGenerator") && !text.contains('\\') {
        return report;
    }
    match yaml::parse_stream(text) {
        Ok(docs) => {
            let lines = Lines::new(text);
            let mut read = read;
            for (i, doc) in docs.iter().enumerate() {
                let Some(root) = &doc.root else { continue };
                scan_document(&lines, root, i + 1, &mut report);
                if let Some(r) = read.as_deref_mut() {
                    scan_generators(&lines, root, r, &mut report);
                }
            }
        }
        Err(e) => {
            report.line_based = true;
            report.notes.push(Note {
                pos: Some(e.pos),
                message: format!(
                    "not valid YAML (line {}: {}); scanned line by line",
                    e.pos.line, e.message
                ),
            });
            line_scan::scan(text, &mut report);
        }
    }
    report
        .findings
        .sort_by_key(|f| (f.pos.line, f.pos.col, f.kind));
    report
}

/// Line access by 1-based number, for comments and raw text at a position.
struct Lines<'a> {
    text: &'a str,
    starts: std::cell::OnceCell<Vec<usize>>,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Self {
        Self {
            text,
            starts: std::cell::OnceCell::new(),
        }
    }

    fn starts(&self) -> &[usize] {
        self.starts.get_or_init(|| line_starts(self.text))
    }

    fn line(&self, n: usize) -> &'a str {
        let starts = self.starts();
        let Some(&start) = n.checked_sub(1).and_then(|i| starts.get(i)) else {
            return "";
        };
        let end = starts.get(n).copied().unwrap_or(self.text.len());
        self.text
            .get(start..end)
            .unwrap_or_default()
            .trim_end_matches(['\n', '\r'])
    }

    /// The text of the line from a 1-based column (in characters) on.
    fn from(&self, pos: Pos) -> &'a str {
        let line = self.line(pos.line);
        match line.char_indices().nth(pos.col.saturating_sub(1)) {
            Some((i, _)) => line.get(i..).unwrap_or_default(),
            None => "",
        }
    }
}

/// Byte offsets where each line starts.
fn line_starts(text: &str) -> Vec<usize> {
    let mut v = vec![0];
    v.extend(
        text.bytes()
            .enumerate()
            .filter(|(_, b)| *b == b'\n')
            .map(|(i, _)| i + 1),
    );
    if v.last() == Some(&text.len()) && !text.is_empty() {
        v.pop();
    }
    v
}

fn has_allow_comment(line: &str) -> bool {
    // `# sealtoken: allow`, spaces optional around the colon.
    line.match_indices('#').any(|(i, _)| {
        let rest = line.get(i + 1..).unwrap_or_default().trim_start();
        rest.strip_prefix("sealtoken")
            .map(str::trim_start)
            .and_then(|r| r.strip_prefix(':'))
            .is_some_and(|r| r.trim_start().starts_with("allow"))
    })
}

fn is_sops_document(root: &Node) -> bool {
    matches!(root.get("sops").map(|n| &n.kind), Some(Kind::Map(_))) && has_enc(root)
}

fn has_enc(node: &Node) -> bool {
    match &node.kind {
        Kind::Scalar(Scalar::Str(s)) => s.starts_with("ENC["),
        Kind::Scalar(_) => false,
        Kind::Seq(items) => items.iter().any(has_enc),
        Kind::Map(entries) => entries.iter().any(|(_, v)| has_enc(v)),
    }
}

fn scan_document(lines: &Lines<'_>, root: &Node, doc: usize, report: &mut Report) {
    let sops = is_sops_document(root);
    if root.get("kind").and_then(Node::as_str) == Some("List") {
        if let Some(Node {
            kind: Kind::Seq(items),
            ..
        }) = root.get("items")
        {
            for item in items {
                scan_object(lines, item, Location::ListItem(doc), sops, report);
            }
        }
        return;
    }
    scan_object(lines, root, Location::Document(doc), sops, report);
}

fn scan_object(
    lines: &Lines<'_>,
    node: &Node,
    location: Location,
    sops: bool,
    report: &mut Report,
) {
    let Some(kind) = node.get("kind") else { return };
    if kind.as_str() != Some("Secret") {
        return;
    }
    match node.get("apiVersion") {
        None => {}
        Some(v) if v.as_str() == Some("v1") => {}
        Some(_) => return,
    }
    let meta = node.get("metadata");
    let allowed = meta
        .and_then(|m| m.get("annotations"))
        .and_then(|a| a.get(ALLOW_ANNOTATION))
        .is_some_and(|v| match &v.kind {
            Kind::Scalar(Scalar::Str(s)) => s.eq_ignore_ascii_case("true"),
            Kind::Scalar(Scalar::Bool(b)) => *b,
            _ => false,
        });
    if allowed || has_allow_comment(lines.line(kind.pos.line)) {
        return;
    }
    let mut keys: Vec<String> = Vec::new();
    let mut unknown = false;
    for (field, base64) in [("data", true), ("stringData", false)] {
        let Some(container) = node.get(field) else {
            continue;
        };
        match &container.kind {
            Kind::Map(entries) => {
                for (k, v) in entries {
                    if value_is_plain(lines, v, base64, sops) {
                        let name = key_name(lines, k);
                        if !keys.contains(&name) {
                            keys.push(name);
                        }
                    }
                }
            }
            _ if container.is_null() => {}
            _ => unknown |= value_is_plain(lines, container, false, sops),
        }
    }
    if keys.is_empty() && !unknown {
        return;
    }
    let string_at = |key: &str| {
        meta.and_then(|m| m.get(key))
            .and_then(Node::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    report.findings.push(Finding {
        pos: kind.pos,
        kind: FindingKind::PlainSecret,
        namespace: string_at("namespace"),
        name: string_at("name"),
        keys,
        file: None,
        location,
    });
}

fn key_name(lines: &Lines<'_>, k: &Node) -> String {
    match &k.kind {
        Kind::Scalar(Scalar::Str(s)) | Kind::Scalar(Scalar::Number(s)) => s.clone(),
        Kind::Scalar(Scalar::Bool(b)) => b.to_string(),
        Kind::Scalar(Scalar::Null) => "null".to_string(),
        _ => {
            // A template key like `{{ $k }}`: show its source text (a key, not a value).
            let raw = lines.from(k.pos);
            match raw.find("}}") {
                Some(end) if raw.starts_with("{{") => raw.get(..end + 2).unwrap_or("?").to_string(),
                _ => "?".to_string(),
            }
        }
    }
}

/// Whether a Secret value is plain: non-empty, not a placeholder, not SOPS-encrypted.
fn value_is_plain(lines: &Lines<'_>, v: &Node, base64: bool, sops: bool) -> bool {
    match &v.kind {
        Kind::Scalar(Scalar::Null) => false,
        Kind::Scalar(Scalar::Str(s)) => {
            if s.trim().is_empty() || (sops && s.starts_with("ENC[")) || is_placeholder(s) {
                return false;
            }
            if base64 {
                let cleaned: Zeroizing<Vec<u8>> =
                    Zeroizing::new(s.bytes().filter(|b| !b.is_ascii_whitespace()).collect());
                if let Ok(decoded) = STANDARD.decode(&*cleaned) {
                    let decoded = Zeroizing::new(decoded);
                    if let Ok(d) = std::str::from_utf8(&decoded) {
                        if d.trim().is_empty() || is_placeholder(d) {
                            return false;
                        }
                    }
                }
            }
            true
        }
        Kind::Scalar(_) => true,
        // `{{ .Values.x }}` unquoted reads as a flow mapping: look at the source.
        Kind::Map(_) | Kind::Seq(_) => !is_placeholder(raw_flow(lines.from(v.pos))),
    }
}

/// The source text of a flow collection starting a line remainder, up to a comment.
fn raw_flow(rest: &str) -> &str {
    match rest.find(" #") {
        Some(i) => rest.get(..i).unwrap_or(rest),
        None => rest,
    }
    .trim()
}

/// Whether `s` is made only of template placeholders (and whitespace):
/// `{{ … }}` without a literal `default`, and `${NAME}` (optionally `${NAME:-}`).
pub fn is_placeholder(s: &str) -> bool {
    let mut rest = s.trim();
    let mut found = false;
    while !rest.is_empty() {
        if let Some(body) = rest.strip_prefix("{{") {
            let Some(end) = body.find("}}") else {
                return false;
            };
            let action = body.get(..end).unwrap_or_default();
            if has_literal_default(action) {
                return false;
            }
            rest = body.get(end + 2..).unwrap_or_default().trim_start();
        } else if let Some(body) = rest.strip_prefix("${") {
            let Some(end) = body.find('}') else {
                return false;
            };
            if !is_env_reference(body.get(..end).unwrap_or_default()) {
                return false;
            }
            rest = body.get(end + 1..).unwrap_or_default().trim_start();
        } else {
            return false;
        }
        found = true;
    }
    found
}

/// `NAME`, `NAME:-`, `NAME:=`, `NAME-`, `NAME=` (an empty default only).
fn is_env_reference(body: &str) -> bool {
    let body = body.trim();
    let name_end = body
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(body.len());
    let (name, default) = body.split_at(name_end);
    !name.is_empty()
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && matches!(default, "" | ":-" | ":=" | "-" | "=")
}

/// A Go template action with `default "non-empty"`: a literal value.
fn has_literal_default(action: &str) -> bool {
    let mut rest = action;
    while let Some(i) = rest.find("default") {
        let after = rest.get(i + "default".len()..).unwrap_or_default();
        let t = after.trim_start();
        if let Some(q) = t.chars().next().filter(|c| matches!(c, '"' | '`')) {
            let inner = t.get(1..).unwrap_or_default();
            if inner.find(q).is_some_and(|end| end > 0) {
                return true;
            }
        }
        rest = after;
    }
    false
}

// ---------- kustomize ----------

fn scan_generators(
    lines: &Lines<'_>,
    root: &Node,
    read: &mut dyn FnMut(&str) -> Option<Vec<u8>>,
    report: &mut Report,
) {
    let Some(Node {
        kind: Kind::Seq(gens),
        ..
    }) = root.get("secretGenerator")
    else {
        return;
    };
    for g in gens {
        let Kind::Map(entries) = &g.kind else {
            continue;
        };
        let name_node = g.get("name");
        let name = name_node.and_then(Node::as_str).map(str::to_string);
        let namespace = g
            .get("namespace")
            .and_then(Node::as_str)
            .map(str::to_string);
        let allowed = g
            .get("options")
            .and_then(|o| o.get("annotations"))
            .and_then(|a| a.get(ALLOW_ANNOTATION))
            .is_some_and(|v| {
                v.as_str().is_some_and(|s| s.eq_ignore_ascii_case("true"))
                    || matches!(v.kind, Kind::Scalar(Scalar::Bool(true)))
            })
            || name_node.is_some_and(|n| has_allow_comment(lines.line(n.pos.line)));
        if allowed {
            continue;
        }
        let label = name.clone().unwrap_or_else(|| "(unnamed)".into());
        let finding =
            |pos: Pos, kind: FindingKind, keys: Vec<String>, file: Option<String>| Finding {
                pos,
                kind,
                namespace: namespace.clone(),
                name: name.clone(),
                keys,
                file,
                location: Location::Kustomization,
            };
        for (k, v) in entries {
            let field = k.as_str().unwrap_or_default();
            let items: Vec<&str> = match &v.kind {
                Kind::Seq(items) => items.iter().filter_map(Node::as_str).collect(),
                Kind::Scalar(Scalar::Str(s)) => vec![s.as_str()],
                _ => Vec::new(),
            };
            match field {
                "literals" => {
                    let keys: Vec<String> = items
                        .iter()
                        .filter_map(|lit| {
                            let (key, value) = lit.split_once('=').unwrap_or((lit, ""));
                            let value = value.trim().trim_matches(['"', '\'']);
                            (!value.is_empty() && !is_placeholder(value))
                                .then(|| key.trim().to_string())
                        })
                        .collect();
                    if !keys.is_empty() {
                        report.findings.push(finding(
                            k.pos,
                            FindingKind::GeneratorLiterals,
                            keys,
                            None,
                        ));
                    }
                }
                "files" => {
                    let mut keys = Vec::new();
                    for spec in &items {
                        let (key, path) = match spec.split_once('=') {
                            Some((k, p)) => (k.to_string(), p),
                            None => (spec.rsplit('/').next().unwrap_or(spec).to_string(), *spec),
                        };
                        match read(path) {
                            None => report.notes.push(missing(k.pos, &label, path)),
                            Some(bytes) => {
                                let bytes = Zeroizing::new(bytes);
                                if !bytes.iter().all(u8::is_ascii_whitespace)
                                    && !is_sops_encrypted(&bytes)
                                {
                                    keys.push(key);
                                }
                            }
                        }
                    }
                    if !keys.is_empty() {
                        report.findings.push(finding(
                            k.pos,
                            FindingKind::GeneratorFiles,
                            keys,
                            None,
                        ));
                    }
                }
                "envs" | "env" => {
                    for path in &items {
                        match read(path) {
                            None => report.notes.push(missing(k.pos, &label, path)),
                            Some(bytes) => {
                                let bytes = Zeroizing::new(bytes);
                                if is_sops_encrypted(&bytes) {
                                    continue;
                                }
                                let keys = env_keys(&bytes);
                                if !keys.is_empty() {
                                    report.findings.push(finding(
                                        k.pos,
                                        FindingKind::GeneratorEnv,
                                        keys,
                                        Some(path.to_string()),
                                    ));
                                }
                            }
                        }
                    }
                }
                _ => {}
            }
        }
    }
}

fn missing(pos: Pos, generator: &str, path: &str) -> Note {
    Note {
        pos: Some(pos),
        message: format!("secretGenerator {generator:?}: file {path} not found; not checked"),
    }
}

/// Keys of a dotenv file that have non-empty, non-placeholder values.
fn env_keys(bytes: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(bytes);
    let mut keys = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").unwrap_or(line);
        let (key, value) = line.split_once('=').unwrap_or((line, ""));
        let value = value.trim().trim_matches(['"', '\'']);
        if !value.is_empty() && !is_placeholder(value) {
            let key = key.trim().to_string();
            if !keys.contains(&key) {
                keys.push(key);
            }
        }
    }
    keys
}

// ---------- line-based fallback ----------

mod line_scan {
    //! A reading of YAML-like text by lines and indentation, for templates
    //! that are not valid YAML. It knows block scalars (`|`, `>`), comments,
    //! quotes, `---` separators and lines that are only template actions.

    use super::{has_allow_comment, is_placeholder, Finding, FindingKind, Location, Report};
    use crate::yaml::Pos;

    struct Entry<'a> {
        line: usize,
        indent: usize,
        key: &'a str,
        /// Column (1-based, characters) of the value.
        value_col: usize,
        value: &'a str,
        /// For a block scalar (`|`, `>`): whether it has content.
        block: Option<bool>,
    }

    pub(super) fn scan(text: &str, report: &mut Report) {
        let mut doc = 1;
        let mut entries: Vec<Entry<'_>> = Vec::new();
        let mut sops_block = false;
        let mut enc = false;
        let mut block_parent: Option<usize> = None;
        let mut kind_lines: Vec<&str> = Vec::new();
        let all: Vec<&str> = text.lines().collect();
        for (i, raw) in all.iter().enumerate() {
            let line = raw.trim_end_matches('\r');
            if line.starts_with("---") && line.get(3..4).is_none_or(|c| c.trim().is_empty())
                || line.starts_with("...")
            {
                finish(&entries, doc, sops_block && enc, &kind_lines, report);
                entries.clear();
                kind_lines.clear();
                sops_block = false;
                enc = false;
                block_parent = None;
                doc += 1;
                continue;
            }
            enc |= line.contains("ENC[");
            let content = line.trim_start();
            let indent = line.len() - content.len();
            if content.is_empty() {
                continue;
            }
            if let Some(p) = block_parent {
                if indent > p || is_template_line(content) {
                    if !is_template_line(content) {
                        if let Some(last) = entries.last_mut() {
                            last.block = Some(true);
                        }
                    }
                    continue;
                }
                block_parent = None;
            }
            if content.starts_with('#') || is_template_line(content) {
                continue;
            }
            // `- key: value` list items: the key sits after the dash.
            let (content, indent) = match content.strip_prefix("- ") {
                Some(rest) => {
                    let rest_trim = rest.trim_start();
                    (rest_trim, indent + 2 + rest.len() - rest_trim.len())
                }
                None => (content, indent),
            };
            let Some((key, value, value_off)) = split_key(content) else {
                continue;
            };
            let value = strip_comment(value).trim();
            let block = (value.starts_with('|') || value.starts_with('>')).then(|| {
                block_parent = Some(indent);
                false
            });
            if indent == 0 && key == "sops" {
                sops_block = true;
            }
            let value_col = line.get(..indent).map_or(0, |s| s.chars().count())
                + content.get(..value_off).map_or(0, |s| s.chars().count())
                + 1;
            if key == "kind" {
                kind_lines.push(line);
            }
            entries.push(Entry {
                line: i + 1,
                indent,
                key,
                value_col,
                value,
                block,
            });
        }
        finish(&entries, doc, sops_block && enc, &kind_lines, report);
    }

    fn is_template_line(content: &str) -> bool {
        let c = content.trim_end();
        c.starts_with("{{") && c.ends_with("}}") && is_placeholder(c)
    }

    /// `key: value` outside quotes and template braces: (key, value, byte offset of value).
    fn split_key(content: &str) -> Option<(&str, &str, usize)> {
        let bytes = content.as_bytes();
        let mut quote: Option<u8> = None;
        let mut braces = 0usize;
        for (i, &b) in bytes.iter().enumerate() {
            match (quote, b) {
                (Some(q), _) if b == q => quote = None,
                (Some(_), _) => {}
                (None, b'"' | b'\'') if i == 0 => quote = Some(b),
                (None, b'{') => braces += 1,
                (None, b'}') => braces = braces.saturating_sub(1),
                (None, b'#') if i == 0 || bytes.get(i - 1) == Some(&b' ') => return None,
                (None, b':') if braces == 0 => {
                    let next = bytes.get(i + 1);
                    if next.is_none() || next == Some(&b' ') || next == Some(&b'\t') {
                        let key = content.get(..i)?.trim().trim_matches(['"', '\'']);
                        let value_off = (i + 1 + content.get(i + 1..)?.len()
                            - content.get(i + 1..)?.trim_start().len())
                        .min(content.len());
                        return Some((key, content.get(i + 1..)?, value_off));
                    }
                }
                _ => {}
            }
        }
        None
    }

    fn strip_comment(value: &str) -> &str {
        let v = value.trim_start();
        if v.starts_with('"') || v.starts_with('\'') {
            let q = v.as_bytes()[0] as char;
            if let Some(end) = v.get(1..).and_then(|r| r.find(q)) {
                return v.get(..end + 2).unwrap_or(v);
            }
            return v;
        }
        match v.find(" #") {
            Some(i) => v.get(..i).unwrap_or(v),
            None if v.starts_with('#') => "",
            None => v,
        }
    }

    fn unquote(v: &str) -> &str {
        let v = v.trim();
        for q in ['"', '\''] {
            if let Some(inner) = v.strip_prefix(q).and_then(|r| r.strip_suffix(q)) {
                return inner;
            }
        }
        v
    }

    fn finish(
        entries: &[Entry<'_>],
        doc: usize,
        sops: bool,
        kind_lines: &[&str],
        report: &mut Report,
    ) {
        let Some(top) = entries.iter().map(|e| e.indent).min() else {
            return;
        };
        let Some(kind) = entries
            .iter()
            .find(|e| e.indent == top && e.key == "kind" && unquote(e.value) == "Secret")
        else {
            return;
        };
        if entries
            .iter()
            .any(|e| e.indent == top && e.key == "apiVersion" && unquote(e.value) != "v1")
        {
            return;
        }
        if kind_lines.iter().any(|l| has_allow_comment(l))
            || entries.iter().any(|e| {
                e.key == super::ALLOW_ANNOTATION && unquote(e.value).eq_ignore_ascii_case("true")
            })
        {
            return;
        }
        let mut name = None;
        let mut namespace = None;
        let mut keys: Vec<String> = Vec::new();
        let mut unknown = false;
        let mut i = 0;
        while i < entries.len() {
            let e = &entries[i];
            i += 1;
            if e.indent != top {
                continue;
            }
            let children: Vec<&Entry<'_>> =
                entries[i..].iter().take_while(|c| c.indent > top).collect();
            let child_indent = children.first().map(|c| c.indent);
            let direct = children.iter().filter(|c| Some(c.indent) == child_indent);
            match e.key {
                "metadata" => {
                    for c in direct {
                        let v = unquote(c.value);
                        match c.key {
                            "name" if !v.is_empty() => name = Some(v.to_string()),
                            "namespace" if !v.is_empty() => namespace = Some(v.to_string()),
                            _ => {}
                        }
                    }
                }
                "data" | "stringData" => {
                    let v = unquote(e.value);
                    if !v.is_empty() && v != "{}" && !is_placeholder(v) {
                        unknown = true;
                    }
                    for c in direct {
                        if is_plain(c, sops) && !keys.iter().any(|k| k == c.key) {
                            keys.push(c.key.to_string());
                        }
                    }
                }
                _ => {}
            }
        }
        if keys.is_empty() && !unknown {
            return;
        }
        report.findings.push(Finding {
            pos: Pos {
                line: kind.line,
                col: kind.value_col,
            },
            kind: FindingKind::PlainSecret,
            namespace,
            name,
            keys,
            file: None,
            location: Location::Lines(doc),
        });
    }

    fn is_plain(c: &Entry<'_>, sops: bool) -> bool {
        if let Some(has_content) = c.block {
            return has_content;
        }
        let v = unquote(c.value);
        !(v.is_empty() || (sops && v.starts_with("ENC[")) || is_placeholder(v))
    }
}

// ---------- --fix ----------

/// A Secret sealed in place by [`fix`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sealed {
    /// Line of its `kind` in the original input.
    pub line: usize,
    /// `namespace/name` as sealed.
    pub qualified_name: String,
}

/// A finding [`fix`] could not fix, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unfixed {
    /// The finding.
    pub finding: Finding,
    /// Why (never a value).
    pub reason: String,
}

/// The result of [`fix`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fixed {
    /// The new file contents; `None` when nothing was changed.
    pub output: Option<Vec<u8>>,
    /// What was sealed.
    pub sealed: Vec<Sealed>,
    /// Findings left as they are.
    pub unfixed: Vec<Unfixed>,
    /// The scan of the original input.
    pub report: Report,
}

/// Replaces every plain Secret document of a YAML stream by its SealedSecret
/// (YAML), in place: other documents, separators and comments outside the
/// replaced documents stay byte for byte. A JSON file is rewritten as the
/// SealedSecret's JSON when it holds a single Secret. Secrets inside a
/// `kind: List`, in files read line by line, or that cannot be sealed are
/// left and reported in [`Fixed::unfixed`].
pub fn fix(input: &[u8], cert: &Certificate, opts: &SealOptions) -> Result<Fixed, CheckError> {
    if matches!(input, [0xFF, 0xFE, ..] | [0xFE, 0xFF, ..]) {
        return Err(CheckError::FixUtf16);
    }
    let (bom, body) = match input.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        Some(rest) => (true, rest),
        None => (false, input),
    };
    let text = decode(body)?;
    let report = scan_text(&text, None);
    let mut out = Fixed {
        report: report.clone(),
        ..Fixed::default()
    };
    let plain: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| f.kind == FindingKind::PlainSecret)
        .collect();
    if plain.is_empty() {
        return Ok(out);
    }
    let unfixed = |f: &Finding, reason: &str| Unfixed {
        finding: f.clone(),
        reason: reason.to_string(),
    };
    if report.line_based {
        out.unfixed = plain
            .iter()
            .map(|f| unfixed(f, "the file is not valid YAML; seal it by hand"))
            .collect();
        return Ok(out);
    }
    let docs = match yaml::parse_stream(&text) {
        Ok(d) => d,
        Err(_) => return Ok(out),
    };
    let json = Format::detect(body) == Format::Json;
    let non_empty = docs.iter().filter(|d| d.root.is_some()).count();
    let lines = line_starts(&text);
    let crlf = text.contains("\r\n");
    let mut edits: Vec<(Range<usize>, String)> = Vec::new();
    for f in plain {
        let Location::Document(doc) = f.location else {
            out.unfixed
                .push(unfixed(f, "it is an item of a List; seal it by hand"));
            continue;
        };
        if json && non_empty != 1 {
            out.unfixed.push(unfixed(
                f,
                "a JSON file can only be fixed when it holds a single Secret",
            ));
            continue;
        }
        let Some(range) = document_range(&text, &lines, &docs, doc) else {
            out.unfixed.push(unfixed(f, "cannot locate the document"));
            continue;
        };
        let range = if json { 0..text.len() } else { range };
        // Pad with newlines so that line numbers in messages match the file.
        let start_line = text
            .get(..range.start)
            .map_or(0, |s| s.matches('\n').count());
        let mut doc_text: Zeroizing<Vec<u8>> = Zeroizing::new(vec![b'\n'; start_line]);
        doc_text.extend_from_slice(text.get(range.clone()).unwrap_or_default().as_bytes());
        let secret = match read_secrets(&doc_text) {
            Ok(mut s) if s.len() == 1 => s.remove(0),
            Ok(_) => {
                out.unfixed
                    .push(unfixed(f, "expected one Secret in the document"));
                continue;
            }
            Err(e) => {
                out.unfixed.push(unfixed(f, &e.to_string()));
                continue;
            }
        };
        let sealed = match seal_secret(cert, &secret, opts) {
            Ok(s) => s,
            Err(e) => {
                out.unfixed.push(unfixed(f, &seal_reason(&e)));
                continue;
            }
        };
        let qualified = match &sealed.namespace {
            Some(ns) => format!("{ns}/{}", sealed.name),
            None => sealed.name.clone(),
        };
        let mut replacement = if json {
            sealed.to_string(Format::Json)
        } else {
            let y = sealed.to_string(Format::Yaml);
            y.strip_prefix("---\n").map(str::to_string).unwrap_or(y)
        };
        if !json && range.start > 0 && text.as_bytes().get(range.start - 1) != Some(&b'\n') {
            replacement.insert(0, '\n');
        }
        if crlf {
            replacement = replacement.replace('\n', "\r\n");
        }
        out.sealed.push(Sealed {
            line: f.pos.line,
            qualified_name: qualified,
        });
        edits.push((range, replacement));
    }
    if edits.is_empty() {
        return Ok(out);
    }
    edits.sort_by_key(|(r, _)| std::cmp::Reverse(r.start));
    let mut new_text = text.into_owned();
    for (range, replacement) in edits {
        new_text.replace_range(range, &replacement);
    }
    // Read the result back: same number of documents, the sealed ones clean.
    let check = yaml::parse_stream(&new_text).map_err(|e| CheckError::FixVerify {
        line: e.pos.line,
        message: e.message,
    })?;
    if check.len() != docs.len() && !json {
        return Err(CheckError::FixVerify {
            line: 1,
            message: format!("{} documents instead of {}", check.len(), docs.len()),
        });
    }
    let mut bytes = Vec::with_capacity(new_text.len() + 3);
    if bom {
        bytes.extend_from_slice(&[0xEF, 0xBB, 0xBF]);
    }
    bytes.extend_from_slice(new_text.as_bytes());
    out.output = Some(bytes);
    Ok(out)
}

fn seal_reason(e: &SealError) -> String {
    match e {
        SealError::MissingNamespace { .. } => {
            "it has no namespace; pass -n/--namespace to seal it".to_string()
        }
        SealError::MissingName { .. } => "it has no metadata.name".to_string(),
        SealError::NamespaceMismatch { found, given, .. } => {
            format!("it is in namespace {found:?} but -n {given:?} was given")
        }
        other => other.to_string(),
    }
}

/// Byte range of document `doc` (1-based): from the line of its root node to
/// its last content line (trailing blank lines and column-0 comments stay
/// outside, as does the next `---` or a `...`).
fn document_range(
    text: &str,
    lines: &[usize],
    docs: &[yaml::Document],
    doc: usize,
) -> Option<Range<usize>> {
    let d = docs.get(doc.checked_sub(1)?)?;
    let root = d.root.as_ref()?;
    let root_line = root.pos.line.checked_sub(1)?;
    let line_start = *lines.get(root_line)?;
    let line_end = lines.get(root_line + 1).copied().unwrap_or(text.len());
    let line_text = text.get(line_start..line_end)?;
    let col_off = line_text
        .char_indices()
        .nth(root.pos.col.saturating_sub(1))
        .map_or(line_text.len(), |(i, _)| i);
    let start = if line_text.get(..col_off)?.trim().is_empty() {
        line_start
    } else {
        line_start + col_off
    };
    // The next document's first line (its `---`), or the end.
    let limit_line = match docs.get(doc) {
        Some(next) => next.start.line.checked_sub(1)?,
        None => lines.len(),
    };
    let mut last = root_line; // last content line (0-based)
    for l in root_line + 1..limit_line.max(root_line + 1) {
        let s = *lines.get(l)?;
        let e = lines.get(l + 1).copied().unwrap_or(text.len());
        let t = text.get(s..e)?;
        if t.starts_with("...") || t.starts_with("---") {
            break;
        }
        let trimmed = t.trim();
        if trimmed.is_empty() || t.starts_with('#') {
            continue;
        }
        last = l;
    }
    let end = lines.get(last + 1).copied().unwrap_or(text.len());
    (start <= end).then_some(start..end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines_of(input: &str) -> Vec<usize> {
        scan(input.as_bytes())
            .unwrap()
            .findings
            .iter()
            .map(|f| f.pos.line)
            .collect()
    }

    #[test]
    fn table() {
        // (name, input, expected finding lines)
        let cases: &[(&str, &str, &[usize])] = &[
            ("data", "apiVersion: v1\nkind: Secret\nmetadata: {name: a}\ndata:\n  k: aGk=\n", &[2]),
            ("stringData", "apiVersion: v1\nkind: Secret\nstringData:\n  k: hi\n", &[2]),
            ("quoted kind", "apiVersion: v1\nkind: \"Secret\"\nstringData: {k: hi}\n", &[2]),
            ("kind with comment", "kind: Secret # note\nstringData: {k: hi}\n", &[1]),
            ("empty values", "kind: Secret\ndata:\n  a: \"\"\n  b:\nstringData: {}\n", &[]),
            ("no data", "kind: Secret\nmetadata: {name: sa}\ntype: kubernetes.io/service-account-token\n", &[]),
            ("helm placeholder", "kind: Secret\ndata:\n  p: \"{{ .Values.p | b64enc }}\"\n", &[]),
            ("helm unquoted placeholder", "kind: Secret\ndata:\n  p: {{ .Values.p }}\n", &[]),
            ("envsubst", "kind: Secret\nstringData:\n  p: ${DB_PASSWORD}\n", &[]),
            ("envsubst default", "kind: Secret\nstringData:\n  p: ${DB_PASSWORD:=hunter2}\n", &[1]),
            ("helm default", "kind: Secret\nstringData:\n  p: '{{ .Values.p | default \"hunter2\" }}'\n", &[1]),
            ("mixed text", "kind: Secret\nstringData:\n  p: user:${PASS}@db\n", &[1]),
            ("base64 placeholder", "kind: Secret\ndata:\n  p: JHtQQVNTfQ==\n", &[]),
            ("number value", "kind: Secret\nstringData:\n  port: 5432\n", &[1]),
            ("sealed", "apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nspec:\n  encryptedData: {k: AgB}\n", &[]),
            ("other apiVersion", "apiVersion: example.com/v1\nkind: Secret\nstringData: {k: v}\n", &[]),
            ("configmap literal", "kind: ConfigMap\ndata:\n  x.yaml: |\n    kind: Secret\n    stringData:\n      k: v\n", &[]),
            ("annotation", "kind: Secret\nmetadata:\n  annotations:\n    sealtoken.dev/allow-plain: \"true\"\nstringData: {k: v}\n", &[]),
            ("comment", "kind: Secret  # sealtoken: allow\nstringData: {k: v}\n", &[]),
            ("sops", "kind: Secret\nstringData:\n  k: ENC[AES256_GCM,data:x,iv:y,tag:z,type:str]\nsops:\n  version: 3.8.1\n", &[]),
            ("sops plain value", "kind: Secret\nstringData:\n  k: ENC[AES256_GCM,data:x]\n  k2: plain\nsops:\n  version: 3.8.1\n", &[1]),
            ("enc without sops", "kind: Secret\nstringData:\n  k: ENC[AES256_GCM,data:x]\n", &[1]),
            ("sops hides nothing", "kind: Secret\nstringData:\n  k: ENC[AES256_GCM,data:x]\nsops: {version: 3}\n---\nkind: Secret\nstringData:\n  k: plain\n", &[6]),
            ("list", "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Secret\n  stringData: {k: v}\n", &[5]),
            ("empty documents", "---\n---\n# c\n---\nkind: Secret\nstringData: {k: v}\n---\n", &[5]),
            ("json", "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"data\":{\"k\":\"aGk=\"}}", &[1]),
            ("crlf", "apiVersion: v1\r\nkind: Secret\r\nstringData:\r\n  k: v\r\n", &[2]),
            ("anchors", "base: &v hunter2\n---\nkind: Secret\nstringData:\n  a: &x secret\n  b: *x\n", &[3]),
        ];
        for (name, input, want) in cases {
            assert_eq!(&lines_of(input), want, "{name}");
        }
    }

    #[test]
    fn finding_fields_and_display_without_values() {
        let r = scan(b"apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: apps\nstringData:\n  user: admin\n  password: hunter2\n").unwrap();
        let f = &r.findings[0];
        assert_eq!(f.pos, Pos { line: 2, col: 7 });
        assert_eq!(f.keys, ["user", "password"]);
        let s = f.to_string();
        assert_eq!(s, "plain Secret \"apps/db\" (keys: user, password)");
        assert!(!format!("{r:?}").contains("hunter2"));
    }

    #[test]
    fn line_based_fallback() {
        let t = "{{- if .Values.enabled }}\napiVersion: v1\nkind: Secret\nmetadata:\n  name: {{ include \"x.name\" . }}\n  namespace: apps\nstringData:\n  token: {{ .Values.token | quote }}\n  password: hunter2\n  cert: |\n    -----BEGIN\n{{- end }}\n";
        let r = scan(t.as_bytes()).unwrap();
        assert!(r.line_based);
        assert_eq!(r.findings.len(), 1, "{r:?}");
        let f = &r.findings[0];
        assert_eq!(f.pos, Pos { line: 3, col: 7 });
        assert_eq!(f.keys, ["password", "cert"]);
        assert_eq!(f.namespace.as_deref(), Some("apps"));
        assert!(r.notes[0].message.contains("scanned line by line"));
        assert!(!format!("{r:?}").contains("hunter2"));
    }

    #[test]
    fn line_based_clean_templates() {
        let cases = [
            "{{- if .Values.x }}\napiVersion: v1\nkind: Secret\ndata:\n  {{- range $k, $v := .Values.s }}\n  {{ $k }}: {{ $v | b64enc }}\n  {{- end }}\n{{- end }}\n",
            "{{ if .Values.x }}\nkind: ConfigMap\ndata:\n  a: |\n    kind: Secret\n    stringData:\n      k: v\n{{ end }}\n",
            "{{ if .Values.x }}\nkind: Secret # sealtoken: allow\nstringData:\n  k: v\n{{ end }}\n",
        ];
        for c in cases {
            let r = scan(c.as_bytes()).unwrap();
            assert!(r.line_based, "{c}");
            assert!(r.findings.is_empty(), "{c}: {r:?}");
        }
    }

    #[test]
    fn placeholders() {
        for yes in [
            "{{ .Values.a }}",
            " {{a}}{{b}} ",
            "${A}",
            "${A_1:-}",
            "{{ .a }} ${B}",
        ] {
            assert!(is_placeholder(yes), "{yes}");
        }
        for no in [
            "",
            "a",
            "{{ a",
            "${A",
            "${1A}",
            "${A:-x}",
            "x{{a}}",
            "{{ default \"x\" .a }}",
            "$A",
        ] {
            assert!(!is_placeholder(no), "{no}");
        }
    }

    #[test]
    fn kustomize_generators() {
        let k = "secretGenerator:\n- name: db\n  literals:\n  - user=admin\n  - empty=\n  - tpl=${PASS}\n  files:\n  - key.pem\n  - enc=enc.pem\n  - gone.txt\n  envs:\n  - db.env\n- name: ok # sealtoken: allow\n  literals: [a=b]\n";
        let mut read = |p: &str| match p {
            "key.pem" => Some(b"-----BEGIN".to_vec()),
            "enc.pem" => Some(b"{\"data\": \"ENC[AES256_GCM,x]\", \"sops\": {}}".to_vec()),
            "db.env" => Some(b"# c\nA=1\nB=\nexport C=\"x\"\n".to_vec()),
            _ => None,
        };
        let r = scan_kustomization(k.as_bytes(), &mut read).unwrap();
        let got: Vec<(usize, FindingKind, Vec<String>)> = r
            .findings
            .iter()
            .map(|f| (f.pos.line, f.kind, f.keys.clone()))
            .collect();
        assert_eq!(
            got,
            vec![
                (3, FindingKind::GeneratorLiterals, vec!["user".to_string()]),
                (7, FindingKind::GeneratorFiles, vec!["key.pem".to_string()]),
                (
                    11,
                    FindingKind::GeneratorEnv,
                    vec!["A".to_string(), "C".to_string()]
                ),
            ]
        );
        assert!(r.notes[0].message.contains("gone.txt not found"));
        assert_eq!(
            r.findings[2].to_string(),
            "secretGenerator \"db\" has a plain env file db.env (keys: A, C)"
        );
    }

    #[test]
    fn sops_detection() {
        assert!(is_sops_encrypted(b"a: ENC[AES256_GCM,x]\nsops:\n  v: 1\n"));
        assert!(is_sops_encrypted(
            b"A=ENC[AES256_GCM,x]\nsops_version=3.8\n"
        ));
        assert!(!is_sops_encrypted(b"A=1\n"));
        assert!(!is_sops_encrypted(b"A=ENC[x]\n"));
    }

    #[test]
    fn text_errors() {
        assert_eq!(
            scan(b"a\xff").unwrap_err(),
            CheckError::NotUtf8 { offset: 1 }
        );
        assert!(scan(b"").unwrap().findings.is_empty());
        assert!(
            scan(b"\xEF\xBB\xBFkind: Secret\nstringData: {k: v}\n")
                .unwrap()
                .findings
                .len()
                == 1
        );
    }

    #[test]
    fn document_ranges() {
        let t = "# head\n---\n# Source: a\napiVersion: v1\nkind: Secret\nstringData:\n  k: v\n\n# tail\n---\nkind: ConfigMap\n...\n";
        let docs = yaml::parse_stream(t).unwrap();
        let lines = line_starts(t);
        let r = document_range(t, &lines, &docs, 1).unwrap();
        assert_eq!(&t[r], "apiVersion: v1\nkind: Secret\nstringData:\n  k: v\n");
        let r = document_range(t, &lines, &docs, 2).unwrap();
        assert_eq!(&t[r], "kind: ConfigMap\n");
    }

    #[test]
    fn fix_replaces_only_the_secret() {
        let pem = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../fixtures/upstream/controller.crt"
        ))
        .unwrap();
        let cert = Certificate::from_pem(&pem).unwrap();
        let opts = SealOptions::new().allow_expired_certificate(true);
        let head =
            "# keep me\napiVersion: v1\nkind: ConfigMap # c\ndata: {a: b}\n---\n# Source: s.yaml\n";
        let tail = "# trailing\n---\nkind: Service\n";
        let t = format!("{head}apiVersion: v1\nkind: Secret\nmetadata: {{name: s, namespace: n}}\nstringData:\n  k: hunter2\n{tail}");
        let fixed = fix(t.as_bytes(), &cert, &opts).unwrap();
        assert_eq!(fixed.sealed.len(), 1, "{:?}", fixed.unfixed);
        assert_eq!(fixed.sealed[0].qualified_name, "n/s");
        let out = String::from_utf8(fixed.output.unwrap()).unwrap();
        assert!(out.starts_with(&format!(
            "{head}apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\n"
        )));
        assert!(out.ends_with(tail), "{out}");
        assert!(!out.contains("hunter2"));
        assert!(scan(out.as_bytes()).unwrap().findings.is_empty());

        // No namespace: left, with a reason.
        let t = "kind: Secret\nmetadata: {name: s}\nstringData: {k: v}\n";
        let fixed = fix(t.as_bytes(), &cert, &opts).unwrap();
        assert!(fixed.output.is_none());
        assert!(fixed.unfixed[0].reason.contains("-n/--namespace"));
        let fixed = fix(t.as_bytes(), &cert, &opts.clone().namespace("x")).unwrap();
        assert!(fixed.output.is_some());
    }
}
