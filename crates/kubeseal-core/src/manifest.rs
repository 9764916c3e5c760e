//! Kubernetes `Secret` and `SealedSecret` manifests: reading and writing.

use std::collections::BTreeMap;
use std::fmt;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use zeroize::Zeroizing;

use crate::emit::{self, Out};
use crate::yaml::{self, Kind, Node, Pos, TextError};

/// `apiVersion` of a SealedSecret.
pub const SEALED_SECRET_API_VERSION: &str = "bitnami.com/v1alpha1";
/// Annotations dropped from the template, as upstream's `StripLastAppliedAnnotations` does.
pub const STRIPPED_ANNOTATIONS: [&str; 2] = [
    "kubectl.kubernetes.io/last-applied-configuration",
    "kubecfg.ksonnet.io/last-applied-configuration",
];

/// The two output layouts kubeseal writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Format {
    /// Indented JSON in Go struct order, kubeseal's default.
    #[default]
    Json,
    /// `---`-prefixed YAML with sorted keys.
    Yaml,
}

impl Format {
    /// Guesses the format of existing content: JSON if it starts with `{`.
    pub fn detect(input: &[u8]) -> Format {
        let first = input
            .iter()
            .find(|b| !(b.is_ascii_whitespace() || matches!(b, 0xEF | 0xBB | 0xBF)));
        if first == Some(&b'{') {
            Format::Json
        } else {
            Format::Yaml
        }
    }
}

/// Where a document came from in its input stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Origin {
    /// 1-based index of the document in the stream (0 when built in memory).
    pub document: usize,
    /// 1-based line where the object starts (0 when built in memory).
    pub line: usize,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.document == 0 {
            f.write_str("the Secret")
        } else {
            write!(f, "document {} (line {})", self.document, self.line)
        }
    }
}

/// A secret value. Its memory is wiped on drop and `Debug` never shows it.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct SecretValue(Zeroizing<Vec<u8>>);

impl SecretValue {
    /// Wraps bytes (taking ownership, so no other copy is left behind).
    pub fn new(bytes: Vec<u8>) -> Self {
        Self(Zeroizing::new(bytes))
    }

    /// The plaintext bytes. Handle with care.
    pub fn expose(&self) -> &[u8] {
        &self.0
    }

    /// Whether the value is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<&str> for SecretValue {
    fn from(s: &str) -> Self {
        Self::new(s.as_bytes().to_vec())
    }
}

impl fmt::Debug for SecretValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretValue(<{} bytes redacted>)", self.0.len())
    }
}

/// A plaintext Kubernetes `v1` Secret, with `data` and `stringData` merged
/// (`stringData` wins on a shared key, as the API server and kubeseal do).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Secret {
    /// `metadata.name`.
    pub name: Option<String>,
    /// `metadata.namespace`.
    pub namespace: Option<String>,
    /// `metadata.labels`.
    pub labels: BTreeMap<String, String>,
    /// `metadata.annotations`.
    pub annotations: BTreeMap<String, String>,
    /// `type` (e.g. `Opaque`).
    pub secret_type: Option<String>,
    /// `immutable`.
    pub immutable: Option<bool>,
    /// The values, decoded.
    pub data: BTreeMap<String, SecretValue>,
    /// Where it was read from.
    pub origin: Origin,
}

impl Secret {
    /// An empty `Opaque` Secret with a name and namespace.
    pub fn new(name: impl Into<String>, namespace: impl Into<String>) -> Secret {
        Secret {
            name: Some(name.into()),
            namespace: Some(namespace.into()),
            secret_type: Some("Opaque".into()),
            ..Secret::default()
        }
    }

    /// Adds or replaces one value.
    pub fn insert(&mut self, key: impl Into<String>, value: SecretValue) -> &mut Self {
        self.data.insert(key.into(), value);
        self
    }

    /// Writes the Secret (with base64 `data`) in `format`; this is plaintext.
    pub fn to_string(&self, format: Format) -> String {
        let meta = object_meta(
            self.name.as_deref(),
            self.namespace.as_deref(),
            &self.labels,
            &self.annotations,
        );
        let mut o = Out::map();
        o.put("kind", Out::Str("Secret".into()));
        o.put("apiVersion", Out::Str("v1".into()));
        o.put("metadata", meta);
        if let Some(i) = self.immutable {
            o.put("immutable", Out::Bool(i));
        }
        if !self.data.is_empty() {
            let data = self
                .data
                .iter()
                .map(|(k, v)| (k.clone(), Out::Str(STANDARD.encode(v.expose()))))
                .collect();
            o.put("data", Out::Map(data));
        }
        if let Some(t) = &self.secret_type {
            o.put("type", Out::Str(t.clone()));
        }
        render(&o, format)
    }
}

/// The `spec.template` of a SealedSecret: metadata and type of the Secret
/// the controller will create.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SecretTemplate {
    /// `metadata.name`.
    pub name: Option<String>,
    /// `metadata.namespace`.
    pub namespace: Option<String>,
    /// `metadata.labels`.
    pub labels: BTreeMap<String, String>,
    /// `metadata.annotations` (scope annotations included).
    pub annotations: BTreeMap<String, String>,
    /// `type`.
    pub secret_type: Option<String>,
    /// `immutable`.
    pub immutable: Option<bool>,
    /// `data`: plain (non-secret) template values, kept as they are.
    pub data: BTreeMap<String, String>,
}

/// A `bitnami.com/v1alpha1` SealedSecret.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SealedSecret {
    /// `metadata.name`.
    pub name: String,
    /// `metadata.namespace` (may be absent for cluster-wide secrets).
    pub namespace: Option<String>,
    /// `metadata.labels`.
    pub labels: BTreeMap<String, String>,
    /// `metadata.annotations` (the scope annotation lives here).
    pub annotations: BTreeMap<String, String>,
    /// `spec.template`.
    pub template: SecretTemplate,
    /// `spec.encryptedData`: base64 of each sealed value, keys sorted.
    pub encrypted_data: BTreeMap<String, String>,
    /// Where it was read from.
    pub origin: Origin,
}

impl SealedSecret {
    /// Merges `update` into `self` as kubeseal's `--merge-into` does: sealed
    /// values, template annotations, labels and data of `update` are added or
    /// replaced; everything else in `self` is kept.
    pub fn merge_from(&mut self, update: &SealedSecret) {
        for (k, v) in &update.encrypted_data {
            self.encrypted_data.insert(k.clone(), v.clone());
        }
        for (k, v) in &update.template.annotations {
            self.template.annotations.insert(k.clone(), v.clone());
        }
        for (k, v) in &update.template.labels {
            self.template.labels.insert(k.clone(), v.clone());
        }
        for (k, v) in &update.template.data {
            self.template.data.insert(k.clone(), v.clone());
        }
    }

    /// Writes the SealedSecret exactly as kubeseal does in `format`
    /// (YAML starts with `---`; JSON ends with a newline).
    pub fn to_string(&self, format: Format) -> String {
        let t = &self.template;
        let tmeta = object_meta(
            t.name.as_deref(),
            t.namespace.as_deref(),
            &t.labels,
            &t.annotations,
        );
        let mut template = Out::map();
        template.put("metadata", tmeta);
        if let Some(t) = &self.template.secret_type {
            template.put("type", Out::Str(t.clone()));
        }
        if let Some(i) = self.template.immutable {
            template.put("immutable", Out::Bool(i));
        }
        template.put_string_map("data", &self.template.data, false);

        let meta = object_meta(
            Some(&self.name),
            self.namespace.as_deref(),
            &self.labels,
            &self.annotations,
        );

        let mut spec = Out::map();
        spec.put("template", template);
        spec.put_string_map("encryptedData", &self.encrypted_data, true);

        let mut o = Out::map();
        o.put("kind", Out::Str("SealedSecret".into()));
        o.put("apiVersion", Out::Str(SEALED_SECRET_API_VERSION.into()));
        o.put("metadata", meta);
        o.put("spec", spec);
        render(&o, format)
    }
}

/// `metadata` in Go's ObjectMeta field order, empty maps omitted.
fn object_meta(
    name: Option<&str>,
    namespace: Option<&str>,
    labels: &BTreeMap<String, String>,
    annotations: &BTreeMap<String, String>,
) -> Out {
    let mut meta = Out::map();
    if let Some(n) = name {
        meta.put("name", Out::Str(n.to_string()));
    }
    if let Some(ns) = namespace {
        meta.put("namespace", Out::Str(ns.to_string()));
    }
    meta.put_string_map("labels", labels, false);
    meta.put_string_map("annotations", annotations, false);
    meta
}

fn render(o: &Out, format: Format) -> String {
    match format {
        Format::Json => emit::to_json(o),
        Format::Yaml => format!("---\n{}", emit::to_yaml(o)),
    }
}

/// Why a manifest could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ManifestError {
    /// The input is not UTF-8 (nor UTF-16 with a byte-order mark).
    #[error("input is not UTF-8 text (invalid byte at offset {offset})")]
    NotUtf8 {
        /// Byte offset of the first invalid byte.
        offset: usize,
    },
    /// The input starts with a UTF-16 byte-order mark but is not valid UTF-16.
    #[error("input has a UTF-16 byte-order mark but is not valid UTF-16")]
    BadUtf16,
    /// The input is not well-formed YAML or JSON.
    #[error("line {line}, column {col}: not valid YAML or JSON: {message}")]
    Syntax {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        col: usize,
        /// The parser's description.
        message: String,
    },
    /// The input holds no objects of the expected kind.
    #[error("no {expected} found in the input")]
    NoObjects {
        /// `Secret` or `SealedSecret`.
        expected: &'static str,
    },
    /// A document is not what was expected.
    #[error("{origin}: {problem}")]
    Invalid {
        /// Which document.
        origin: Origin,
        /// What is wrong.
        problem: Problem,
    },
}

/// What is wrong with one document. Messages name fields and keys, never values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Problem {
    /// The document is not a mapping.
    #[error("expected a Kubernetes object (a mapping), found {found}")]
    NotAnObject {
        /// What was found.
        found: &'static str,
    },
    /// The document is of another kind.
    #[error("expected kind {expected}, found kind {found:?}")]
    WrongKind {
        /// The kind expected.
        expected: &'static str,
        /// The kind found.
        found: String,
    },
    /// The document is a SealedSecret where a Secret was expected.
    #[error("this is already a SealedSecret; nothing to seal")]
    AlreadySealed,
    /// The `apiVersion` does not match the kind.
    #[error("expected apiVersion {expected}, found {found:?}")]
    WrongApiVersion {
        /// The apiVersion expected.
        expected: &'static str,
        /// The apiVersion found.
        found: String,
    },
    /// A field has the wrong type.
    #[error("{field} (line {line}): expected {expected}, found {found}")]
    FieldType {
        /// Dotted path of the field.
        field: String,
        /// Line of the value.
        line: usize,
        /// What was expected.
        expected: &'static str,
        /// What was found.
        found: &'static str,
    },
    /// A `data` value is not valid base64.
    #[error("{field} (line {line}): not valid base64")]
    Base64 {
        /// Dotted path of the field.
        field: String,
        /// Line of the value.
        line: usize,
    },
    /// A key appears twice in the same mapping.
    #[error("{field} (line {line}): duplicate key")]
    DuplicateKey {
        /// Dotted path of the repeated key.
        field: String,
        /// Line of the second occurrence.
        line: usize,
    },
    /// A required field is missing.
    #[error("missing {field}")]
    Missing {
        /// Dotted path of the field.
        field: &'static str,
    },
}

/// Reads every Secret in a YAML or JSON stream (several documents, and the
/// items of `kind: List`, in order). Empty documents are skipped.
pub fn read_secrets(input: &[u8]) -> Result<Vec<Secret>, ManifestError> {
    let docs = objects(input)?;
    let secrets = docs
        .iter()
        .map(|(origin, node)| {
            parse_secret(node, *origin).map_err(|problem| invalid(*origin, problem))
        })
        .collect::<Result<Vec<_>, _>>()?;
    if secrets.is_empty() {
        return Err(ManifestError::NoObjects { expected: "Secret" });
    }
    Ok(secrets)
}

/// Reads every SealedSecret in a YAML or JSON stream.
pub fn read_sealed_secrets(input: &[u8]) -> Result<Vec<SealedSecret>, ManifestError> {
    let docs = objects(input)?;
    let sealed = docs
        .iter()
        .map(|(origin, node)| {
            parse_sealed_secret(node, *origin).map_err(|problem| invalid(*origin, problem))
        })
        .collect::<Result<Vec<_>, _>>()?;
    if sealed.is_empty() {
        return Err(ManifestError::NoObjects {
            expected: "SealedSecret",
        });
    }
    Ok(sealed)
}

fn invalid(origin: Origin, problem: Problem) -> ManifestError {
    ManifestError::Invalid { origin, problem }
}

/// Decodes the input and parses it into documents (text errors mapped).
pub(crate) fn parse_input(input: &[u8]) -> Result<Vec<yaml::Document>, ManifestError> {
    let text = yaml::decode_text(input).map_err(|e| match e {
        TextError::NotUtf8 { offset } => ManifestError::NotUtf8 { offset },
        TextError::BadUtf16 => ManifestError::BadUtf16,
    })?;
    yaml::parse_stream(&text).map_err(|e| ManifestError::Syntax {
        line: e.pos.line,
        col: e.pos.col,
        message: e.message,
    })
}

/// All objects of the stream, `List` items flattened, with their origins.
fn objects(input: &[u8]) -> Result<Vec<(Origin, Node)>, ManifestError> {
    let mut out = Vec::new();
    for (i, doc) in parse_input(input)?.into_iter().enumerate() {
        let Some(root) = doc.root else { continue };
        let origin = Origin {
            document: i + 1,
            line: root.pos.line,
        };
        if root.get("kind").and_then(Node::as_str) == Some("List") {
            if let Some(items) = root.get("items") {
                match &items.kind {
                    Kind::Seq(items) => {
                        for item in items {
                            out.push((
                                Origin {
                                    document: i + 1,
                                    line: item.pos.line,
                                },
                                item.clone(),
                            ));
                        }
                    }
                    _ if items.is_null() => {}
                    _ => {
                        return Err(invalid(
                            origin,
                            Problem::FieldType {
                                field: "items".into(),
                                line: items.pos.line,
                                expected: "a list",
                                found: items.type_name(),
                            },
                        ))
                    }
                }
            }
            continue;
        }
        out.push((origin, root));
    }
    Ok(out)
}

fn check_kind(node: &Node, kind: &'static str, api_version: &'static str) -> Result<(), Problem> {
    if !matches!(node.kind, Kind::Map(_)) {
        return Err(Problem::NotAnObject {
            found: node.type_name(),
        });
    }
    if let Some(k) = node.get("kind") {
        let found = k.as_str().unwrap_or_default();
        if found == "SealedSecret" && kind == "Secret" {
            return Err(Problem::AlreadySealed);
        }
        if found != kind {
            return Err(Problem::WrongKind {
                expected: kind,
                found: truncate(found),
            });
        }
    }
    if let Some(v) = node.get("apiVersion") {
        let found = v.as_str().unwrap_or_default();
        if found != api_version {
            return Err(Problem::WrongApiVersion {
                expected: api_version,
                found: truncate(found),
            });
        }
    }
    Ok(())
}

fn truncate(s: &str) -> String {
    s.chars().take(64).collect()
}

/// Typed access to an object's fields, with dotted paths for errors.
struct Fields<'a> {
    node: Option<&'a Node>,
    path: &'a str,
}

impl<'a> Fields<'a> {
    fn of(node: Option<&'a Node>, path: &'a str) -> Result<Self, Problem> {
        match node {
            Some(n) if n.is_null() => Ok(Self { node: None, path }),
            Some(n) if !matches!(n.kind, Kind::Map(_)) => Err(type_error(path, n, "a mapping")),
            _ => Ok(Self { node, path }),
        }
    }

    fn child(&self, key: &str) -> Option<&'a Node> {
        self.node.and_then(|n| n.get(key)).filter(|n| !n.is_null())
    }

    fn string(&self, key: &str) -> Result<Option<String>, Problem> {
        match self.child(key) {
            None => Ok(None),
            Some(n) => n
                .as_str()
                .map(|s| Some(s.to_string()))
                .ok_or_else(|| type_error(&join(self.path, key), n, "a string")),
        }
    }

    fn boolean(&self, key: &str) -> Result<Option<bool>, Problem> {
        match self.child(key) {
            None => Ok(None),
            Some(Node {
                kind: Kind::Scalar(yaml::Scalar::Bool(b)),
                ..
            }) => Ok(Some(*b)),
            Some(n) => Err(type_error(&join(self.path, key), n, "a boolean")),
        }
    }

    fn sub(&self, key: &'a str, path: &'a str) -> Result<Fields<'a>, Problem> {
        Fields::of(self.child(key), path)
    }

    /// A `map[string]string`; null values read as empty strings.
    fn string_map(&self, key: &str) -> Result<BTreeMap<String, String>, Problem> {
        let mut out = BTreeMap::new();
        for (k, v, line) in self.entries(key)? {
            let field = join(&join(self.path, key), &k);
            let value = match &v.kind {
                _ if v.is_null() => String::new(),
                Kind::Scalar(yaml::Scalar::Str(s)) => s.clone(),
                _ => return Err(type_error(&field, v, "a string (quote the value)")),
            };
            if out.insert(k, value).is_some() {
                return Err(Problem::DuplicateKey { field, line });
            }
        }
        Ok(out)
    }

    fn entries(&self, key: &str) -> Result<Vec<(String, &'a Node, usize)>, Problem> {
        let path = join(self.path, key);
        let Some(n) = self.child(key) else {
            return Ok(Vec::new());
        };
        let Kind::Map(entries) = &n.kind else {
            return Err(type_error(&path, n, "a mapping"));
        };
        entries
            .iter()
            .map(|(k, v)| {
                let name = match &k.kind {
                    Kind::Scalar(yaml::Scalar::Str(s)) | Kind::Scalar(yaml::Scalar::Number(s)) => {
                        s.clone()
                    }
                    Kind::Scalar(yaml::Scalar::Bool(b)) => b.to_string(),
                    _ => return Err(type_error(&path, k, "string keys")),
                };
                Ok((name, v, k.pos.line))
            })
            .collect()
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn type_error(field: &str, n: &Node, expected: &'static str) -> Problem {
    Problem::FieldType {
        field: field.to_string(),
        line: n.pos.line,
        expected,
        found: n.type_name(),
    }
}

fn line_of(n: &Node) -> Pos {
    n.pos
}

fn parse_secret(node: &Node, origin: Origin) -> Result<Secret, Problem> {
    check_kind(node, "Secret", "v1")?;
    let root = Fields::of(Some(node), "")?;
    let meta = root.sub("metadata", "metadata")?;
    let mut data = BTreeMap::new();
    for (k, v, line) in root.entries("data")? {
        let field = format!("data.{k}");
        let decoded = match &v.kind {
            _ if v.is_null() => Vec::new(),
            Kind::Scalar(yaml::Scalar::Str(s)) => {
                let cleaned: Zeroizing<Vec<u8>> =
                    Zeroizing::new(s.bytes().filter(|b| !matches!(b, b'\n' | b'\r')).collect());
                STANDARD.decode(&*cleaned).map_err(|_| Problem::Base64 {
                    field: field.clone(),
                    line: line_of(v).line,
                })?
            }
            _ => return Err(type_error(&field, v, "a base64 string")),
        };
        if data.insert(k, SecretValue::new(decoded)).is_some() {
            return Err(Problem::DuplicateKey { field, line });
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    for (k, v, line) in root.entries("stringData")? {
        let field = format!("stringData.{k}");
        let value = match &v.kind {
            _ if v.is_null() => Vec::new(),
            Kind::Scalar(yaml::Scalar::Str(s)) => s.as_bytes().to_vec(),
            _ => return Err(type_error(&field, v, "a string (quote the value)")),
        };
        if !seen.insert(k.clone()) {
            return Err(Problem::DuplicateKey { field, line });
        }
        data.insert(k, SecretValue::new(value));
    }
    Ok(Secret {
        name: meta.string("name")?,
        namespace: meta.string("namespace")?,
        labels: meta.string_map("labels")?,
        annotations: meta.string_map("annotations")?,
        secret_type: root.string("type")?,
        immutable: root.boolean("immutable")?,
        data,
        origin,
    })
}

fn parse_sealed_secret(node: &Node, origin: Origin) -> Result<SealedSecret, Problem> {
    check_kind(node, "SealedSecret", SEALED_SECRET_API_VERSION)?;
    if node.get("kind").is_none() {
        return Err(Problem::Missing { field: "kind" });
    }
    let root = Fields::of(Some(node), "")?;
    let meta = root.sub("metadata", "metadata")?;
    let spec = root.sub("spec", "spec")?;
    let template = spec.sub("template", "spec.template")?;
    let tmeta = template.sub("metadata", "spec.template.metadata")?;
    Ok(SealedSecret {
        name: meta.string("name")?.ok_or(Problem::Missing {
            field: "metadata.name",
        })?,
        namespace: meta.string("namespace")?,
        labels: meta.string_map("labels")?,
        annotations: meta.string_map("annotations")?,
        template: SecretTemplate {
            name: tmeta.string("name")?,
            namespace: tmeta.string("namespace")?,
            labels: tmeta.string_map("labels")?,
            annotations: tmeta.string_map("annotations")?,
            secret_type: template.string("type")?,
            immutable: template.boolean("immutable")?,
            data: template.string_map("data")?,
        },
        encrypted_data: spec.string_map("encryptedData")?,
        origin,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(input: &str) -> Problem {
        match read_secrets(input.as_bytes()).unwrap_err() {
            ManifestError::Invalid { problem, .. } => problem,
            other => panic!("unexpected {other:?}"),
        }
    }

    /// Found by fuzzing (target `manifest`): a key with a line break was
    /// written as a YAML block scalar, which did not read back.
    #[test]
    fn line_breaks_and_long_keys_read_back_from_yaml() {
        let mut s = SealedSecret {
            name: "a".into(),
            namespace: Some("b".into()),
            ..SealedSecret::default()
        };
        s.encrypted_data.insert("k\n  x".into(), "AgA=".into());
        s.template.labels.insert("\nl".into(), "v\n".into());
        s.template.annotations.insert("k".repeat(2000), "v".into());
        // Found by fuzzing (target roundtrip): a value of only a line break read back empty.
        s.template.annotations.insert("\n".into(), "\n".into());
        s.template.secret_type = Some("\n".into());
        let back = read_sealed_secrets(s.to_string(Format::Yaml).as_bytes()).unwrap();
        assert_eq!(back[0].encrypted_data, s.encrypted_data);
        assert_eq!(back[0].template.labels, s.template.labels);
        assert_eq!(back[0].template.annotations, s.template.annotations);
        assert_eq!(back[0].template.secret_type, s.template.secret_type);
    }

    #[test]
    fn reads_data_and_string_data_with_string_data_winning() {
        let s = read_secrets(
            b"apiVersion: v1\nkind: Secret\nmetadata: {name: a, namespace: b}\ndata:\n  x: eA==\n  y: eQ==\nstringData:\n  y: why\n",
        )
        .unwrap();
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].data["x"].expose(), b"x");
        assert_eq!(s[0].data["y"].expose(), b"why");
        assert_eq!(s[0].name.as_deref(), Some("a"));
    }

    #[test]
    fn reads_multi_document_and_lists_in_order() {
        let input = "kind: Secret\nmetadata: {name: one}\n---\n---\nkind: List\napiVersion: v1\nitems:\n- kind: Secret\n  metadata: {name: two}\n- kind: Secret\n  metadata: {name: three}\n";
        let names: Vec<_> = read_secrets(input.as_bytes())
            .unwrap()
            .into_iter()
            .map(|s| s.name.unwrap())
            .collect();
        assert_eq!(names, ["one", "two", "three"]);
    }

    #[test]
    fn reads_json() {
        let s = read_secrets(br#"{"apiVersion":"v1","kind":"Secret","metadata":{"name":"j"},"stringData":{"k":"v"}}"#).unwrap();
        assert_eq!(s[0].data["k"].expose(), b"v");
    }

    #[test]
    fn rejects_bad_documents_without_values_in_messages() {
        let cases: &[(&str, &str)] = &[
            (
                "kind: ConfigMap\n",
                "expected kind Secret, found kind \"ConfigMap\"",
            ),
            ("kind: SealedSecret\n", "already a SealedSecret"),
            ("apiVersion: v2\nkind: Secret\n", "expected apiVersion v1"),
            (
                "kind: Secret\ndata:\n  k: not*base64\n",
                "data.k (line 3): not valid base64",
            ),
            (
                "kind: Secret\nstringData:\n  k: 123\n",
                "stringData.k (line 3): expected a string",
            ),
            (
                "kind: Secret\nstringData:\n  k: a\n  k: b\n",
                "stringData.k (line 4): duplicate key",
            ),
            (
                "kind: Secret\nmetadata: [1]\n",
                "metadata (line 2): expected a mapping",
            ),
            ("- a\n", "expected a Kubernetes object"),
        ];
        for (input, want) in cases {
            let msg = problem(input).to_string();
            assert!(msg.contains(want), "{input:?}: {msg}");
            assert!(!msg.contains("not*base64"));
        }
    }

    #[test]
    fn syntax_and_text_errors() {
        assert!(matches!(
            read_secrets(b"a: [\n").unwrap_err(),
            ManifestError::Syntax { line: 2, .. }
        ));
        assert_eq!(
            read_secrets(b"\xff").unwrap_err(),
            ManifestError::NotUtf8 { offset: 0 }
        );
        assert_eq!(
            read_secrets(b"# nothing\n").unwrap_err(),
            ManifestError::NoObjects { expected: "Secret" }
        );
    }

    #[test]
    fn secret_value_debug_is_redacted() {
        let v = SecretValue::from("hunter2");
        assert!(!format!("{v:?}").contains("hunter2"));
        let mut s = Secret::new("n", "ns");
        s.insert("k", v);
        assert!(!format!("{s:?}").contains("hunter2"));
    }

    #[test]
    fn format_detection() {
        assert_eq!(Format::detect(b"  \n{\"a\":1}"), Format::Json);
        assert_eq!(Format::detect(b"---\na: 1"), Format::Yaml);
    }
}
