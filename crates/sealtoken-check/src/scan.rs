//! The tree scan: plain `v1` Secrets in a parsed YAML or JSON stream, with
//! the line-based fallback for input that is not YAML.

use k8s_manifest::yaml::{self, Kind, Node, Scalar};
use k8s_manifest::Format;
use k8s_manifest::SecretValue;

use crate::finding::{CheckError, Finding, FindingKind, Location, Note, Report};
use crate::kustomize::{scan_generators, Reader};
use crate::placeholder::is_placeholder;
use crate::text::{decode, has_allow_comment, Lines};
use crate::{line_scan, ALLOW_ANNOTATION};

/// Scans a YAML or JSON stream for plain Secrets.
///
/// # Errors
///
/// [`CheckError::NotUtf8`] or [`CheckError::BadUtf16`] when the input is not text.
/// Input that is text but not YAML is read line by line ([`Report::is_line_based`]).
pub fn scan(input: &[u8]) -> Result<Report, CheckError> {
    let text = decode(input)?;
    scan_text(&text, Format::detect(input), None)
}

/// Scans a kustomization file: its `secretGenerator`s, and any Secret in it.
///
/// `read` gets a path as written in the file (relative to the kustomization's
/// directory) and returns the file's bytes. An error of kind
/// [`std::io::ErrorKind::NotFound`] becomes a [`Note`] (the file is not checked);
/// any other error is reported in [`Report::unreadable`], so that a file that
/// cannot be read is never taken for one that does not exist.
///
/// # Errors
///
/// [`CheckError::NotUtf8`] or [`CheckError::BadUtf16`] when the input is not text.
pub fn scan_kustomization(
    input: &[u8],
    read: &mut dyn FnMut(&str) -> std::io::Result<Vec<u8>>,
) -> Result<Report, CheckError> {
    let text = decode(input)?;
    scan_text(&text, Format::detect(input), Some(read))
}

/// Scans decoded text, read as `format` (what [`Format::detect`] says of the
/// raw bytes); `read` is given for a kustomization (its generators are scanned too).
///
/// Fails closed on JSON: text Kubernetes takes for JSON that is not valid
/// JSON is read as YAML, as kustomize (and so Flux) reads it, and is an
/// error when it is not YAML either. YAML that does not parse, and a Go
/// template (a Helm template), are read line by line.
pub(crate) fn scan_text(
    text: &str,
    format: Format,
    read: Option<&mut Reader<'_>>,
) -> Result<Report, CheckError> {
    let mut report = Report::default();
    // Fast path: nothing that could be flagged (escapes could spell "Secret").
    if !text.contains("Secret") && !text.contains("secretGenerator") && !text.contains('\\') {
        return Ok(report);
    }
    // JSON is read as JSON (as Kubernetes reads it), YAML as YAML.
    // A Go template (`{{` first) is JSON to Kubernetes by its first rune,
    // but it is a template: read like YAML that does not parse.
    let template = text.trim_start().starts_with("{{");
    let docs = match yaml::parse_manifests_as(text, format) {
        Ok(docs) => docs,
        Err(e) if format == Format::Json && !template => match yaml::parse_stream(text) {
            Ok(docs) => {
                report.notes.push(Note {
                    pos: Some(e.pos()),
                    message: format!("not valid JSON ({e}); read as YAML, as kustomize reads it"),
                });
                docs
            }
            Err(_) => {
                return Err(CheckError::NotJson {
                    line: e.pos().line,
                    message: e.message().to_string(),
                })
            }
        },
        Err(e) => {
            report.line_based = true;
            report.notes.push(Note {
                pos: Some(e.pos()),
                message: format!("not valid YAML ({e}); scanned line by line"),
            });
            line_scan::scan(text, &mut report);
            Vec::new()
        }
    };
    let lines = Lines::new(text);
    let mut read = read;
    for (i, doc) in docs.iter().enumerate() {
        let Some(root) = doc.root() else { continue };
        scan_document(&lines, root, i + 1, &mut report);
        if let Some(r) = read.as_deref_mut() {
            scan_generators(&lines, root, r, &mut report);
        }
    }
    report
        .findings
        .sort_by_key(|f| (f.pos.line, f.pos.col, f.kind));
    Ok(report)
}

fn is_sops_document(root: &Node) -> bool {
    matches!(root.get("sops").map(Node::kind), Some(Kind::Map(_))) && has_enc(root)
}

fn has_enc(node: &Node) -> bool {
    match node.kind() {
        Kind::Scalar(Scalar::Str(s)) => s.starts_with("ENC["),
        Kind::Scalar(_) => false,
        Kind::Seq(items) => items.iter().any(has_enc),
        Kind::Map(entries) => entries.iter().any(|(_, v)| has_enc(v)),
    }
}

fn scan_document(lines: &Lines<'_>, root: &Node, doc: usize, report: &mut Report) {
    let sops = is_sops_document(root);
    if list_items(root).is_some() {
        scan_list(lines, root, doc, sops, report);
        return;
    }
    scan_object(lines, root, Location::Document(doc), sops, report);
}

/// The `items` of a list, as kubectl tells one (`meta.IsListType`: a kind
/// ending in `List`, `List` itself included, with `items`).
fn list_items(node: &Node) -> Option<&[Node]> {
    let kind = node.get("kind").and_then(Node::as_str)?;
    if !kind.ends_with("List") {
        return None;
    }
    match node.get("items").map(Node::kind) {
        Some(Kind::Seq(items)) => Some(items),
        _ => None,
    }
}

/// Every object of a list, lists inside it flattened as kubectl's builder
/// flattens them (a `ConfigMapList` may hold a Secret: the kind of a list
/// does not bind its items). Nesting is bounded by the reader's depth limit.
fn scan_list(lines: &Lines<'_>, list: &Node, doc: usize, sops: bool, report: &mut Report) {
    for item in list_items(list).unwrap_or_default() {
        if list_items(item).is_some() {
            scan_list(lines, item, doc, sops, report);
        } else {
            scan_object(lines, item, Location::ListItem(doc), sops, report);
        }
    }
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
        .is_some_and(|v| match v.kind() {
            Kind::Scalar(Scalar::Str(s)) => s.eq_ignore_ascii_case("true"),
            Kind::Scalar(Scalar::Bool(b)) => *b,
            _ => false,
        });
    if allowed || has_allow_comment(lines.line(kind.pos().line)) {
        return;
    }
    let mut keys: Vec<String> = Vec::new();
    let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
    let mut unknown = false;
    for (field, base64) in [("data", true), ("stringData", false)] {
        let Some(container) = node.get(field) else {
            continue;
        };
        match container.kind() {
            Kind::Map(entries) => {
                for (k, v) in entries {
                    if value_is_plain(lines, v, base64, sops) {
                        let name = key_name(lines, k);
                        if seen.insert(name.clone()) {
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
        pos: kind.pos(),
        kind: FindingKind::PlainSecret,
        namespace: string_at("namespace"),
        name: string_at("name"),
        keys,
        file: None,
        location,
    });
}

fn key_name(lines: &Lines<'_>, k: &Node) -> String {
    match k.kind() {
        Kind::Scalar(Scalar::Str(s)) | Kind::Scalar(Scalar::Number(s)) => s.clone(),
        Kind::Scalar(Scalar::Bool(b)) => b.to_string(),
        Kind::Scalar(Scalar::Null) => "null".to_string(),
        _ => {
            // A template key like `{{ $k }}`: show its source text (a key, not a value).
            let raw = lines.from(k.pos());
            match raw.find("}}") {
                Some(end) if raw.starts_with("{{") => raw.get(..end + 2).unwrap_or("?").to_string(),
                _ => "?".to_string(),
            }
        }
    }
}

/// Whether a Secret value is plain: non-empty, not a placeholder, not SOPS-encrypted.
fn value_is_plain(lines: &Lines<'_>, v: &Node, base64: bool, sops: bool) -> bool {
    match v.kind() {
        Kind::Scalar(Scalar::Null) => false,
        Kind::Scalar(Scalar::Str(s)) => {
            if s.trim().is_empty() || (sops && s.starts_with("ENC[")) || is_placeholder(s) {
                return false;
            }
            if base64 {
                // Decoded as the API server would (wiped on drop).
                if let Some(decoded) = SecretValue::from_base64(s) {
                    if let Ok(d) = std::str::from_utf8(decoded.expose()) {
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
        Kind::Map(_) | Kind::Seq(_) => !is_placeholder(raw_flow(lines.from(v.pos()))),
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

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_manifest::Pos;

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

    /// Kubernetes reads JSON with encoding/json: a surrogate-pair escape is
    /// one character, `\u0024{X}` is the placeholder `${X}`, positions are lines of the file.
    #[test]
    fn json_is_read_as_json() {
        let input = "{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"Secret\",\n  \"metadata\": {\"name\": \"lock-\\ud83d\\udd10\", \"namespace\": \"apps\"},\n  \"stringData\": {\n    \"p\\u0061ss\": \"x-\\ud83d\\udd10\",\n    \"env\": \"\\u0024{UNSET}\"\n  }\n}\n";
        let r = scan(input.as_bytes()).unwrap();
        assert!(!r.is_line_based(), "{:?}", r.notes);
        assert_eq!(r.findings.len(), 1);
        let f = &r.findings[0];
        assert_eq!(f.pos, Pos { line: 3, col: 11 });
        assert_eq!(f.name.as_deref(), Some("lock-\u{1f510}"));
        // The escaped placeholder is a placeholder; the escaped key is decoded.
        assert_eq!(f.keys, ["pass"]);

        // Escapes alone: nothing plain.
        let only_placeholder = "{\"kind\": \"Secret\", \"stringData\": {\"k\": \"\\u0024{X}\"}}";
        assert!(scan(only_placeholder.as_bytes())
            .unwrap()
            .findings
            .is_empty());

        // A List: each Secret item at its own line; a stream of two objects.
        let list = "{\"apiVersion\": \"v1\", \"kind\": \"List\", \"items\": [\n  {\"kind\": \"ConfigMap\", \"data\": {\"k\": \"v\"}},\n  {\"kind\": \"Secret\",\n   \"stringData\": {\"k\": \"\\ud83d\\udd10\"}},\n  {\"kind\": \"Secret\", \"data\": {\"k\": \"aGk=\"}}\n]}\n{\"kind\": \"Secret\", \"stringData\": {\"k\": \"v\"}}\n";
        let r = scan(list.as_bytes()).unwrap();
        assert!(!r.is_line_based(), "{:?}", r.notes);
        let at: Vec<_> = r
            .findings
            .iter()
            .map(|f| (f.pos.line, f.location))
            .collect();
        assert_eq!(
            at,
            [
                (3, Location::ListItem(1)),
                (5, Location::ListItem(1)),
                (7, Location::Document(2))
            ]
        );
    }

    /// Invalid JSON is named JSON, and read as YAML as kustomize reads it
    /// (it used to be read line by line): the Secret in it is found.
    #[test]
    fn invalid_json_is_named_json() {
        let r = scan(b"{\"kind\": \"Secret\",\n \"stringData\": {\"k\": \"v\"},}\n").unwrap();
        assert!(!r.is_line_based());
        assert_eq!(r.notes[0].pos.map(|p| p.line), Some(2));
        assert!(
            r.notes[0].message.starts_with("not valid JSON (")
                && r.notes[0]
                    .message
                    .ends_with("read as YAML, as kustomize reads it"),
            "{:?}",
            r.notes
        );
        assert_eq!(r.findings.len(), 1, "{:?}", r.findings);
    }

    fn plain_count(input: &str) -> usize {
        scan(input.as_bytes())
            .unwrap()
            .findings
            .iter()
            .filter(|f| f.kind == FindingKind::PlainSecret)
            .count()
    }

    /// Each encoding Flux or kubectl would apply as a plain Secret is
    /// refused; each near miss passes.
    #[test]
    fn every_encoding_of_a_plain_secret_is_refused() {
        let refused = [
            // One-line flow YAML: `{` first makes it JSON to kubectl, YAML to kustomize.
            "{apiVersion: v1, kind: Secret, metadata: {name: s}, stringData: {password: hunter2}}\n",
            // JSON objects separated by `---`.
            "{\"kind\": \"Secret\", \"stringData\": {\"a\": \"x\"}}\n---\n{\"kind\": \"ConfigMap\"}\n",
            // Every *List, and a List in a List.
            "kind: SecretList\nitems:\n- kind: Secret\n  stringData: {a: x}\n",
            "kind: ConfigMapList\nitems:\n- kind: Secret\n  stringData: {a: x}\n",
            "kind: List\nitems:\n- kind: List\n  items:\n  - kind: SecretList\n    items:\n    - kind: Secret\n      data: {a: eA==}\n",
        ];
        for input in refused {
            assert_eq!(plain_count(input), 1, "{input}");
        }
        let near_misses = [
            "kind: ConfigMapList\nitems:\n- kind: ConfigMap\n  data: {a: x}\n",
            "{apiVersion: v1, kind: Secret, metadata: {name: s}}\n",
            "kind: SecretList\nitems: []\n",
            // A kind that only ends in List without items is an object, not a list.
            "kind: PodList\nmetadata: {name: x}\n",
        ];
        for input in near_misses {
            assert_eq!(plain_count(input), 0, "{input}");
        }
    }

    /// What reads as JSON to Kubernetes and is neither JSON nor YAML cannot
    /// be checked: an error (exit 2 in the CLI), not a pass.
    #[test]
    fn unreadable_json_fails_closed() {
        let e =
            scan(b"{\"kind\": \"Secret\", \"stringData\": {\"a\": \"s3cr3t\"}\n\t]\n").unwrap_err();
        assert!(matches!(e, CheckError::NotJson { .. }), "{e}");
        let m = e.to_string();
        assert!(m.starts_with("not valid JSON (line "), "{m}");
        assert!(!m.contains("s3cr3t"), "{m}");
    }

    /// Repeated keys are reported once each; the de-duplication is a set
    /// (it was a list search, quadratic in the keys).
    #[test]
    fn many_keys_are_reported_once_each() {
        let mut text = String::from("kind: Secret\nstringData:\n");
        for i in 0..20_000 {
            text.push_str(&format!("  k{i}: v\n  k{i}: w\n"));
        }
        let r = scan(text.as_bytes()).unwrap();
        assert_eq!(r.findings.len(), 1);
        assert_eq!(r.findings[0].keys.len(), 20_000);
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
}
