//! Receiver manifests in YAML or JSON streams, and the parts of a
//! kustomization that decide where they land (`namespace:`, `resources:`).

use k8s_manifest::yaml::{self, Kind, Node, Pos, TextError};

/// The API group of Flux notification objects.
pub const NOTIFICATION_API_GROUP: &str = "notification.toolkit.fluxcd.io";

/// A `Receiver` found in a manifest stream.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReceiverManifest {
    /// `metadata.name`.
    pub name: String,
    /// `metadata.namespace`, if the manifest sets one.
    pub namespace: Option<String>,
    /// `spec.type` as written.
    pub type_name: String,
    /// `spec.secretRef.name` (absent for `generic-oidc`).
    pub secret_ref: Option<String>,
    /// `spec.events`.
    pub events: Vec<String>,
    /// `spec.resources`: each entry's kind and name.
    pub resources: Vec<(String, String)>,
    /// `spec.suspend`.
    pub suspend: bool,
    /// 1-based index of the document in the stream.
    pub document: usize,
    /// Where the Receiver's mapping starts.
    pub pos: Pos,
}

/// The fields of a kustomization file that place resources.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Kustomization {
    /// `namespace:`: set on every namespaced resource `kustomize build` emits.
    pub namespace: Option<String>,
    /// `resources:`, `bases:` and `components:` entries, as written
    /// (relative paths or remote URLs), in that order.
    pub resources: Vec<String>,
}

/// Why a manifest stream could not be read for Receivers.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FindError {
    /// The input is not UTF-8 (nor UTF-16 with a byte-order mark).
    #[error("not UTF-8 text (invalid byte at offset {offset})")]
    NotUtf8 {
        /// Byte offset of the first invalid byte.
        offset: usize,
    },
    /// The input starts with a UTF-16 byte-order mark but is not valid UTF-16.
    #[error("not valid UTF-16 text")]
    BadUtf16,
    /// The input is not valid YAML.
    #[error("line {}: not valid YAML: {message}", pos.line)]
    Yaml {
        /// Where.
        pos: Pos,
        /// The parser's message.
        message: String,
    },
    /// A Receiver or kustomization field has the wrong shape.
    #[error("line {}: {message}", pos.line)]
    Invalid {
        /// Where.
        pos: Pos,
        /// What is wrong.
        message: String,
    },
}

fn parse(input: &[u8]) -> Result<Vec<yaml::Document>, FindError> {
    let text = yaml::decode_text(input).map_err(|e| match e {
        TextError::NotUtf8 { offset } => FindError::NotUtf8 { offset },
        TextError::BadUtf16 => FindError::BadUtf16,
    })?;
    yaml::parse_manifests_as(&text, k8s_manifest::Format::detect(input)).map_err(|e| {
        FindError::Yaml {
            pos: e.pos(),
            message: e.message().to_string(),
        }
    })
}

/// Every `notification.toolkit.fluxcd.io` `Receiver` in a YAML or JSON
/// stream (several documents, `kind: List` included), in input order.
/// Input that cannot hold a Receiver (no `Receiver` in its text) is not parsed.
///
/// ```
/// let yaml = b"apiVersion: notification.toolkit.fluxcd.io/v1\nkind: Receiver\nmetadata:\n  name: github\n  namespace: flux-system\nspec:\n  type: github\n  secretRef:\n    name: webhook-token\n  resources: []\n";
/// let found = flux_receiver::find_receivers(yaml).unwrap();
/// assert_eq!(found[0].name, "github");
/// assert_eq!(found[0].secret_ref.as_deref(), Some("webhook-token"));
/// ```
pub fn find_receivers(input: &[u8]) -> Result<Vec<ReceiverManifest>, FindError> {
    // Fast path: JSON escapes could spell the kind, so only skip text without backslashes.
    if !contains(input, b"Receiver") && !input.contains(&b'\\') && !is_utf16(input) {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for (i, doc) in parse(input)?.iter().enumerate() {
        if let Some(root) = doc.root() {
            collect(root, i + 1, &mut out)?;
        }
    }
    Ok(out)
}

fn is_utf16(input: &[u8]) -> bool {
    input.starts_with(&[0xFF, 0xFE]) || input.starts_with(&[0xFE, 0xFF])
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

fn collect(node: &Node, document: usize, out: &mut Vec<ReceiverManifest>) -> Result<(), FindError> {
    let kind = node.get("kind").and_then(Node::as_str);
    let api = node.get("apiVersion").and_then(Node::as_str).unwrap_or("");
    if matches!(kind, Some(k) if k == "List" || k.ends_with("List")) {
        if let Some(Kind::Seq(items)) = node.get("items").map(Node::kind) {
            for item in items {
                collect(item, document, out)?;
            }
        }
        return Ok(());
    }
    let group = api.split_once('/').map_or("", |(g, _)| g);
    if kind != Some("Receiver") || group != NOTIFICATION_API_GROUP {
        return Ok(());
    }
    let invalid = |n: &Node, message: String| FindError::Invalid {
        pos: n.pos(),
        message,
    };
    let meta = node.get("metadata");
    let name = match meta.and_then(|m| m.get("name")) {
        Some(n) => n
            .as_str()
            .ok_or_else(|| {
                invalid(
                    n,
                    format!("Receiver metadata.name is {}, not a string", n.type_name()),
                )
            })?
            .to_string(),
        None => return Err(invalid(node, "Receiver has no metadata.name".into())),
    };
    let namespace = match meta.and_then(|m| m.get("namespace")) {
        None => None,
        Some(n) if n.is_null() => None,
        Some(n) => Some(
            n.as_str()
                .ok_or_else(|| {
                    invalid(
                        n,
                        format!(
                            "Receiver {name}: metadata.namespace is {}, not a string",
                            n.type_name()
                        ),
                    )
                })?
                .to_string(),
        ),
    };
    let spec = node.get("spec");
    let field = |path: &[&str]| -> Option<&Node> {
        let mut cur = spec?;
        for p in path {
            cur = cur.get(p)?;
        }
        Some(cur).filter(|n| !n.is_null())
    };
    let string = |path: &[&str]| -> Result<Option<String>, FindError> {
        match field(path) {
            None => Ok(None),
            Some(n) => n.as_str().map(|s| Some(s.to_string())).ok_or_else(|| {
                invalid(
                    n,
                    format!(
                        "Receiver {name}: spec.{} is {}, not a string",
                        path.join("."),
                        n.type_name()
                    ),
                )
            }),
        }
    };
    let type_name = string(&["type"])?
        .ok_or_else(|| invalid(node, format!("Receiver {name} has no spec.type")))?;
    let secret_ref = string(&["secretRef", "name"])?;
    let mut events = Vec::new();
    if let Some(n) = field(&["events"]) {
        let Kind::Seq(items) = n.kind() else {
            return Err(invalid(
                n,
                format!(
                    "Receiver {name}: spec.events is {}, not a list",
                    n.type_name()
                ),
            ));
        };
        for e in items {
            events.push(
                e.as_str()
                    .ok_or_else(|| {
                        invalid(
                            e,
                            format!(
                                "Receiver {name}: an event is {}, not a string",
                                e.type_name()
                            ),
                        )
                    })?
                    .to_string(),
            );
        }
    }
    let mut resources = Vec::new();
    if let Some(Kind::Seq(items)) = field(&["resources"]).map(Node::kind) {
        for r in items {
            let s = |k: &str| r.get(k).and_then(Node::as_str).unwrap_or("").to_string();
            resources.push((s("kind"), s("name")));
        }
    }
    let suspend = matches!(
        field(&["suspend"]).map(|n| n.kind()),
        Some(Kind::Scalar(yaml::Scalar::Bool(true)))
    );
    out.push(ReceiverManifest {
        name,
        namespace,
        type_name,
        secret_ref,
        events,
        resources,
        suspend,
        document,
        pos: node.pos(),
    });
    Ok(())
}

/// The API group of Flux's `Kustomization` objects (not kustomize's).
pub const FLUX_KUSTOMIZE_API_GROUP: &str = "kustomize.toolkit.fluxcd.io";

/// A Flux `Kustomization` (`kustomize.toolkit.fluxcd.io`): which path of
/// its source a cluster applies.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FluxKustomization {
    /// `metadata.name`.
    pub name: String,
    /// `spec.path`, as written (relative to the source's root).
    pub path: Option<String>,
    /// Where its mapping starts.
    pub pos: Pos,
}

/// Every Flux `Kustomization` in a YAML or JSON stream, in input order.
/// Input that names no `kustomize.toolkit.fluxcd.io` is not parsed.
///
/// ```
/// let yaml = b"apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: tenants}\nspec: {path: ./tenants/demo}\n";
/// let found = flux_receiver::find_flux_kustomizations(yaml).unwrap();
/// assert_eq!(found[0].path.as_deref(), Some("./tenants/demo"));
/// ```
pub fn find_flux_kustomizations(input: &[u8]) -> Result<Vec<FluxKustomization>, FindError> {
    if !contains(input, FLUX_KUSTOMIZE_API_GROUP.as_bytes()) && !is_utf16(input) {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for doc in parse(input)? {
        let Some(root) = doc.root() else { continue };
        let items: Vec<&Node> = match (root.get("kind").and_then(Node::as_str), root.kind()) {
            (Some(k), _) if k.ends_with("List") => match root.get("items").map(Node::kind) {
                Some(Kind::Seq(items)) => items.iter().collect(),
                _ => Vec::new(),
            },
            _ => vec![root],
        };
        for n in items {
            let api = n.get("apiVersion").and_then(Node::as_str).unwrap_or("");
            let group = api.split_once('/').map_or("", |(g, _)| g);
            if n.get("kind").and_then(Node::as_str) != Some("Kustomization")
                || group != FLUX_KUSTOMIZE_API_GROUP
            {
                continue;
            }
            let Some(name) = n
                .get("metadata")
                .and_then(|m| m.get("name"))
                .and_then(Node::as_str)
            else {
                continue;
            };
            out.push(FluxKustomization {
                name: name.to_string(),
                path: n
                    .get("spec")
                    .and_then(|s| s.get("path"))
                    .and_then(Node::as_str)
                    .map(str::to_string),
                pos: n.pos(),
            });
        }
    }
    Ok(out)
}

/// Reads the `namespace:` and the resource entries of a kustomization file
/// (`kustomization.yaml`, `kustomization.yml` or `Kustomization`).
pub fn read_kustomization(input: &[u8]) -> Result<Kustomization, FindError> {
    let docs = parse(input)?;
    let Some(root) = docs.iter().find_map(|d| d.root()) else {
        return Ok(Kustomization::default());
    };
    let invalid = |n: &Node, message: String| FindError::Invalid {
        pos: n.pos(),
        message,
    };
    let namespace = match root.get("namespace") {
        None => None,
        Some(n) if n.is_null() => None,
        Some(n) => Some(
            n.as_str()
                .ok_or_else(|| invalid(n, format!("namespace is {}, not a string", n.type_name())))?
                .to_string(),
        ),
    }
    .filter(|s| !s.is_empty());
    let mut resources = Vec::new();
    for key in ["resources", "bases", "components"] {
        match root.get(key).map(|n| (n, n.kind())) {
            None => {}
            Some((n, _)) if n.is_null() => {}
            Some((_, Kind::Seq(items))) => {
                for item in items {
                    resources.push(
                        item.as_str()
                            .ok_or_else(|| {
                                invalid(
                                    item,
                                    format!(
                                        "an entry of {key} is {}, not a string",
                                        item.type_name()
                                    ),
                                )
                            })?
                            .to_string(),
                    );
                }
            }
            Some((n, _)) => {
                return Err(invalid(
                    n,
                    format!("{key} is {}, not a list", n.type_name()),
                ))
            }
        }
    }
    Ok(Kustomization {
        namespace,
        resources,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const GITHUB: &str = "---\napiVersion: notification.toolkit.fluxcd.io/v1\nkind: Receiver\nmetadata:\n  name: github-receiver\n  namespace: flux-system\nspec:\n  type: github\n  events:\n    - \"ping\"\n    - \"push\"\n  secretRef:\n    name: webhook-token\n  resources:\n    - apiVersion: source.toolkit.fluxcd.io/v1\n      kind: GitRepository\n      name: webapp\n";

    #[test]
    fn reads_the_docs_example() {
        let r = find_receivers(GITHUB.as_bytes()).unwrap();
        assert_eq!(r.len(), 1);
        let r = &r[0];
        assert_eq!(r.name, "github-receiver");
        assert_eq!(r.namespace.as_deref(), Some("flux-system"));
        assert_eq!(r.type_name, "github");
        assert_eq!(r.secret_ref.as_deref(), Some("webhook-token"));
        assert_eq!(r.events, ["ping", "push"]);
        assert_eq!(
            r.resources,
            [("GitRepository".to_string(), "webapp".to_string())]
        );
        assert!(!r.suspend);
        assert_eq!((r.document, r.pos.line), (1, 2));
    }

    #[test]
    fn multi_document_streams_lists_and_json() {
        let stream = format!(
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: x\n{GITHUB}---\napiVersion: v1\nkind: List\nitems:\n- apiVersion: notification.toolkit.fluxcd.io/v1beta2\n  kind: Receiver\n  metadata: {{name: old}}\n  spec: {{type: generic, suspend: true}}\n"
        );
        let r = find_receivers(stream.as_bytes()).unwrap();
        let names: Vec<(&str, usize)> = r.iter().map(|r| (r.name.as_str(), r.document)).collect();
        assert_eq!(names, [("github-receiver", 2), ("old", 3)]);
        assert_eq!(r[1].namespace, None);
        assert!(r[1].suspend);
        let json = br#"{"apiVersion":"notification.toolkit.fluxcd.io/v1","kind":"Rec\u0065iver","metadata":{"name":"j","namespace":"n"},"spec":{"type":"gitlab","secretRef":{"name":"t"}}}"#;
        let r = find_receivers(json).unwrap();
        assert_eq!(r[0].name, "j");
    }

    #[test]
    fn other_kinds_and_groups_are_ignored() {
        let other = "apiVersion: example.com/v1\nkind: Receiver\nmetadata:\n  name: x\n---\napiVersion: notification.toolkit.fluxcd.io/v1beta3\nkind: Provider\nmetadata:\n  name: slack\n";
        assert!(find_receivers(other.as_bytes()).unwrap().is_empty());
        // Not even parsed: no Receiver in it.
        assert!(find_receivers(b"{{ helm template }}: [")
            .unwrap()
            .is_empty());
    }

    #[test]
    fn malformed_receivers_say_what_and_where() {
        let no_name = "apiVersion: notification.toolkit.fluxcd.io/v1\nkind: Receiver\nspec:\n  type: github\n";
        assert_eq!(
            find_receivers(no_name.as_bytes()).unwrap_err().to_string(),
            "line 1: Receiver has no metadata.name"
        );
        let bad_events = "apiVersion: notification.toolkit.fluxcd.io/v1\nkind: Receiver\nmetadata:\n  name: r\nspec:\n  type: github\n  events: push\n";
        assert_eq!(
            find_receivers(bad_events.as_bytes())
                .unwrap_err()
                .to_string(),
            "line 7: Receiver r: spec.events is a string, not a list"
        );
        let broken = "kind: Receiver\nmetadata: [\n";
        assert!(matches!(
            find_receivers(broken.as_bytes()).unwrap_err(),
            FindError::Yaml { .. }
        ));
    }

    #[test]
    fn kustomization_namespace_and_resources() {
        let k = read_kustomization(
            b"apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: tenant-a\nresources:\n  - receiver.yaml\n  - ../base\nbases: [old]\ncomponents:\n  - ../comp\n",
        )
        .unwrap();
        assert_eq!(k.namespace.as_deref(), Some("tenant-a"));
        assert_eq!(k.resources, ["receiver.yaml", "../base", "old", "../comp"]);
        assert_eq!(read_kustomization(b"").unwrap(), Kustomization::default());
        assert_eq!(
            read_kustomization(b"namespace: \"\"\n").unwrap().namespace,
            None
        );
        assert!(read_kustomization(b"resources: x.yaml\n").is_err());
    }
}
