//! Reading Secrets and SealedSecrets from YAML or JSON streams.

use std::collections::{BTreeMap, BTreeSet};

use super::{
    ManifestError, ObjectMeta, Origin, Problem, SealedSecret, Secret, SecretTemplate, SecretValue,
    SEALED_SECRET_API_VERSION,
};
use k8s_manifest::yaml::{self, Kind, Node, TextError};

/// Reads every Secret in a YAML or JSON stream (several documents, and the
/// items of `kind: List`, in order). Empty documents are skipped.
pub fn read_secrets(input: &[u8]) -> Result<Vec<Secret>, ManifestError> {
    read_all(input, "Secret", parse_secret)
}

/// Reads every SealedSecret in a YAML or JSON stream.
pub fn read_sealed_secrets(input: &[u8]) -> Result<Vec<SealedSecret>, ManifestError> {
    read_all(input, "SealedSecret", parse_sealed_secret)
}

/// Every object of the stream parsed as `expected`; at least one.
fn read_all<T>(
    input: &[u8],
    expected: &'static str,
    parse: fn(&Node, Origin) -> Result<T, Problem>,
) -> Result<Vec<T>, ManifestError> {
    let parsed = objects(input)?
        .iter()
        .map(|(origin, node)| parse(node, *origin).map_err(|problem| invalid(*origin, problem)))
        .collect::<Result<Vec<_>, _>>()?;
    if parsed.is_empty() {
        return Err(ManifestError::NoObjects { expected });
    }
    Ok(parsed)
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
    yaml::parse_manifests_as(&text, super::Format::detect(input)).map_err(|e| {
        ManifestError::Syntax {
            line: e.pos().line,
            col: e.pos().col,
            message: e.message().to_string(),
        }
    })
}

/// All objects of the stream, `List` items flattened, with their origins.
pub(crate) fn objects(input: &[u8]) -> Result<Vec<(Origin, Node)>, ManifestError> {
    let mut out = Vec::new();
    for (i, doc) in parse_input(input)?.into_iter().enumerate() {
        let Some(root) = doc.into_root() else {
            continue;
        };
        let origin = Origin::new(i + 1, root.pos().line);
        if root.get("kind").and_then(Node::as_str) == Some("List") {
            if let Some(items) = root.get("items") {
                match items.kind() {
                    Kind::Seq(items) => {
                        for item in items {
                            out.push((Origin::new(i + 1, item.pos().line), item.clone()));
                        }
                    }
                    _ if items.is_null() => {}
                    _ => {
                        return Err(invalid(
                            origin,
                            Problem::FieldType {
                                field: "items".into(),
                                line: items.pos().line,
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
    if !matches!(node.kind(), Kind::Map(_)) {
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
            Some(n) if !matches!(n.kind(), Kind::Map(_)) => Err(type_error(path, n, "a mapping")),
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
        match self.child(key).map(|n| (n, n.kind())) {
            None => Ok(None),
            Some((_, Kind::Scalar(yaml::Scalar::Bool(b)))) => Ok(Some(*b)),
            Some((n, _)) => Err(type_error(&join(self.path, key), n, "a boolean")),
        }
    }

    /// The `metadata` fields this crate models.
    fn object_meta(&self) -> Result<ObjectMeta, Problem> {
        let mut meta = ObjectMeta::from_parts(
            self.string("name")?,
            self.string("namespace")?,
            self.string_map("labels")?,
            self.string_map("annotations")?,
        );
        meta.uid = self.string("uid")?.filter(|u| !u.is_empty());
        Ok(meta)
    }

    fn sub(&self, key: &'a str, path: &'a str) -> Result<Fields<'a>, Problem> {
        Fields::of(self.child(key), path)
    }

    /// A `map[string]string`; null values read as empty strings.
    fn string_map(&self, key: &str) -> Result<BTreeMap<String, String>, Problem> {
        let mut out = BTreeMap::new();
        for (k, v, line) in self.entries(key)? {
            let field = join(&join(self.path, key), &k);
            let value = match v.kind() {
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
        let Kind::Map(entries) = n.kind() else {
            return Err(type_error(&path, n, "a mapping"));
        };
        entries
            .iter()
            .map(|(k, v)| {
                // The key Kubernetes uses: `0x10: v` is the key "16" to kubectl.
                let name = k.key_string().map_err(|found| Problem::FieldType {
                    field: path.clone(),
                    line: k.pos().line,
                    expected: "string keys",
                    found,
                })?;
                Ok((name, v, k.pos().line))
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
        line: n.pos().line,
        expected,
        found: n.type_name(),
    }
}

fn parse_secret(node: &Node, origin: Origin) -> Result<Secret, Problem> {
    check_kind(node, "Secret", "v1")?;
    let root = Fields::of(Some(node), "")?;
    let meta = root.sub("metadata", "metadata")?;
    let mut data = BTreeMap::new();
    for (k, v, line) in root.entries("data")? {
        let field = format!("data.{k}");
        let decoded = match v.kind() {
            _ if v.is_null() => SecretValue::default(),
            Kind::Scalar(yaml::Scalar::Str(s)) => {
                SecretValue::from_base64(s).ok_or_else(|| Problem::Base64 {
                    field: field.clone(),
                    line: v.pos().line,
                })?
            }
            _ => return Err(type_error(&field, v, "a base64 string")),
        };
        if data.insert(k, decoded).is_some() {
            return Err(Problem::DuplicateKey { field, line });
        }
    }
    let mut seen = BTreeSet::new();
    for (k, v, line) in root.entries("stringData")? {
        let field = format!("stringData.{k}");
        let value = match v.kind() {
            _ if v.is_null() => Vec::new(),
            Kind::Scalar(yaml::Scalar::Str(s)) => s.as_bytes().to_vec(),
            _ => return Err(type_error(&field, v, "a string (quote the value)")),
        };
        if !seen.insert(k.clone()) {
            return Err(Problem::DuplicateKey { field, line });
        }
        data.insert(k, SecretValue::new(value));
    }
    Ok(Secret::from_parts(
        meta.object_meta()?,
        root.string("type")?,
        root.boolean("immutable")?,
        data,
        origin,
    ))
}

pub(crate) fn parse_sealed_secret(node: &Node, origin: Origin) -> Result<SealedSecret, Problem> {
    check_kind(node, "SealedSecret", SEALED_SECRET_API_VERSION)?;
    if node.get("kind").is_none() {
        return Err(Problem::Missing { field: "kind" });
    }
    let root = Fields::of(Some(node), "")?;
    let meta = root.sub("metadata", "metadata")?;
    let spec = root.sub("spec", "spec")?;
    let template = spec.sub("template", "spec.template")?;
    let tmeta = template.sub("metadata", "spec.template.metadata")?;
    // The name is required; it is checked before the other fields.
    if meta.string("name")?.is_none() {
        return Err(Problem::Missing {
            field: "metadata.name",
        });
    }
    Ok(SealedSecret {
        metadata: meta.object_meta()?,
        template: SecretTemplate {
            metadata: tmeta.object_meta()?,
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

    #[test]
    fn reads_data_and_string_data_with_string_data_winning() {
        let s = read_secrets(
            // `'y'` quoted: a plain y key is the key "true" to Kubernetes (YAML 1.1).
            b"apiVersion: v1\nkind: Secret\nmetadata: {name: a, namespace: b}\ndata:\n  x: eA==\n  'y': eQ==\nstringData:\n  'y': why\n",
        )
        .unwrap();
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].data["x"].expose(), b"x");
        assert_eq!(s[0].data["y"].expose(), b"why");
        assert_eq!(s[0].metadata.name.as_deref(), Some("a"));
    }

    #[test]
    fn reads_multi_document_and_lists_in_order() {
        let input = "kind: Secret\nmetadata: {name: one}\n---\n---\nkind: List\napiVersion: v1\nitems:\n- kind: Secret\n  metadata: {name: two}\n- kind: Secret\n  metadata: {name: three}\n";
        let names: Vec<_> = read_secrets(input.as_bytes())
            .unwrap()
            .into_iter()
            .map(|s| s.metadata.name.unwrap())
            .collect();
        assert_eq!(names, ["one", "two", "three"]);
        // Origins count every document, empty ones too, and give each List item its line.
        let origins: Vec<_> = read_secrets(input.as_bytes())
            .unwrap()
            .into_iter()
            .map(|s| s.origin)
            .collect();
        assert_eq!(
            origins,
            [Origin::new(1, 1), Origin::new(3, 8), Origin::new(3, 10)]
        );
    }

    #[test]
    fn null_fields_are_absent_fields() {
        // `items: ~`, `stringData: ~` and `metadata.labels: ~` read as absent, as
        // Kubernetes reads them; a List whose items are not a list is refused.
        let list = "kind: List\napiVersion: v1\nitems: ~\n---\nkind: Secret\nmetadata: {name: a}\n";
        assert_eq!(read_secrets(list.as_bytes()).unwrap().len(), 1);
        let p = problem("kind: List\napiVersion: v1\nitems: x\n");
        assert!(matches!(p, Problem::FieldType { .. }), "{p:?}");
        let s = read_secrets(
            b"kind: Secret\nmetadata: {name: a, labels: ~}\ndata: {x: eA==}\nstringData: ~\n",
        )
        .unwrap();
        assert_eq!(s[0].data["x"].expose(), b"x");
        assert!(s[0].metadata.labels.is_empty());
        // A null value is the empty value (encoding/json reads null into a
        // []byte or string as empty).
        let s = read_secrets(
            b"kind: Secret\nmetadata: {name: a}\ndata: {x: ~}\nstringData: {z: null}\n",
        )
        .unwrap();
        assert!(s[0].data["x"].is_empty() && s[0].data["z"].is_empty());
        assert_eq!(s[0].data.len(), 2);
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
}
