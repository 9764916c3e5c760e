//! The tree scan: plain `v1` Secrets in a parsed YAML or JSON stream, with
//! the line-based fallback for input that is not YAML.

use k8s_manifest::yaml::{self, Kind, Node, Scalar};
use k8s_manifest::Format;
use k8s_manifest::SecretValue;

use crate::finding::{CheckError, Finding, FindingKind, Location, Note, Report};
use crate::kustomize::{self, Reader};
use crate::placeholder::is_placeholder;
use crate::text::{decode, has_allow_comment, Lines, BY_ANNOTATION, BY_COMMENT};
use crate::{line_scan, postbuild, sops, template, ALLOW_ANNOTATION};

/// Scans a YAML or JSON stream for plain Secrets.
///
/// # Errors
///
/// [`CheckError::NotUtf8`] or [`CheckError::BadUtf16`] when the input is not text.
/// Text that does not parse is a finding when it names a Secret or a List
/// ([`FindingKind::Unparseable`]), a note otherwise; a Go template is read
/// as the YAML it renders to, or line by line ([`Report::is_line_based`]).
pub fn scan(input: &[u8]) -> Result<Report, CheckError> {
    let text = decode(input)?;
    scan_text(&text, Format::detect(input), None)
}

/// Scans a kustomization file: its generators, patches and replacements,
/// and any Secret in it.
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
/// Fails closed: text Kubernetes takes for JSON that is not valid JSON is
/// read as YAML, as kustomize (and so Flux) reads it; what is neither, and
/// YAML that does not parse, is refused when it names a Secret or a List.
/// A Go template (a Helm template) is read as the YAML it renders to, and
/// line by line when even that does not parse.
pub(crate) fn scan_text(
    text: &str,
    format: Format,
    read: Option<&mut Reader<'_>>,
) -> Result<Report, CheckError> {
    let mut report = Report::default();
    // Fast path: nothing that could be flagged (escapes could spell
    // "Secret", a List that does not parse is refused); a kustomization is
    // always read (patches, generators).
    if read.is_none()
        && !text.contains("Secret")
        && !text.contains("List")
        && !text.contains("substitute")
        && !text.contains('\\')
    {
        return Ok(report);
    }
    // JSON is read as JSON (as Kubernetes reads it), YAML as YAML. A Go
    // template (`{{` first) is JSON to Kubernetes by its first rune, but it
    // is a template: read as the YAML it renders to.
    let starts_as_template = text.trim_start().starts_with("{{");
    let parsed = if starts_as_template {
        None
    } else {
        Some(yaml::parse_manifests_as(text, format))
    };
    let untemplated;
    let (docs, source) = match parsed {
        Some(Ok(docs)) => (docs, text),
        Some(Err(e)) if format == Format::Json => match yaml::parse_stream(text) {
            Ok(docs) => {
                report.notes.push(Note {
                    pos: Some(e.pos()),
                    message: format!("not valid JSON ({e}); read as YAML, as kustomize reads it"),
                });
                (docs, text)
            }
            Err(_) => {
                refuse_unparseable(text, &e, &mut report);
                return Ok(report);
            }
        },
        Some(Err(e)) if !template::is_template(text) => {
            refuse_unparseable(text, &e, &mut report);
            return Ok(report);
        }
        _ => {
            untemplated = template::untemplate(text);
            match yaml::parse_stream(&untemplated) {
                Ok(docs) => (docs, untemplated.as_str()),
                Err(e) => {
                    report.line_based = true;
                    report.notes.push(Note {
                        pos: Some(e.pos()),
                        message: format!(
                            "a Go template that is not YAML once its control lines are \
                             removed ({e}); scanned line by line"
                        ),
                    });
                    line_scan::scan(text, &mut report);
                    sort(&mut report);
                    return Ok(report);
                }
            }
        }
    };
    let lines = Lines::new(source);
    let mut read = read;
    for (i, doc) in docs.iter().enumerate() {
        let Some(root) = doc.root() else { continue };
        scan_document(&lines, root, i + 1, &mut report);
        if let Some(r) = read.as_deref_mut() {
            kustomize::scan_kustomization_document(&lines, root, r, &mut report);
        }
    }
    sort(&mut report);
    Ok(report)
}

fn sort(report: &mut Report) {
    report
        .findings
        .sort_by_key(|f| (f.pos.line, f.pos.col, f.kind));
}

/// Text that does not parse: when it looks like it holds a Secret or a
/// List, a finding (it cannot be checked, so it is refused) unless an allow
/// rule is written in it; otherwise a note.
fn refuse_unparseable(text: &str, e: &yaml::YamlError, report: &mut Report) {
    let what = if text.trim_start().starts_with(['{', '[']) {
        "JSON (nor YAML)"
    } else {
        "YAML"
    };
    if !looks_like_secret_or_list(text) {
        report.notes.push(Note {
            pos: Some(e.pos()),
            message: format!("not valid {what} ({e}), and no Secret or List in it; not checked"),
        });
        return;
    }
    if let Some(rule) = text_allow_rule(text) {
        report.notes.push(Note {
            pos: Some(e.pos()),
            message: format!("not valid {what} ({e}); allowed by {rule}, not checked"),
        });
        return;
    }
    report.findings.push(Finding {
        pos: e.pos(),
        kind: FindingKind::Unparseable,
        namespace: None,
        name: None,
        keys: Vec::new(),
        file: None,
        location: Location::Document(1),
        detail: Some(format!("not valid {what}: {e}")),
    });
}

/// Whether text holds a `kind` key whose value names a Secret or a List
/// (`kind: Secret`, `"kind":"SecretList"`, `kind: List`), or one written
/// with escapes, which cannot be told without parsing.
fn looks_like_secret_or_list(text: &str) -> bool {
    text.match_indices("kind").any(|(i, _)| {
        let rest = text.get(i + 4..).unwrap_or_default();
        let rest = rest.trim_start_matches(['"', '\'', ' ', '\t']);
        let Some(rest) = rest.strip_prefix(':') else {
            return false;
        };
        let value = rest.trim_start_matches(['"', '\'', ' ', '\t']);
        let word: String = value
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '\\')
            .collect();
        word.contains("Secret") || word.ends_with("List") || word.contains('\\')
    })
}

/// The allow rule written in a text that cannot be parsed: the allow
/// comment on a line naming a `kind`, or the allow annotation set to true.
fn text_allow_rule(text: &str) -> Option<&'static str> {
    if text
        .lines()
        .any(|l| l.contains("kind") && has_allow_comment(l))
    {
        return Some(BY_COMMENT);
    }
    let annotated = text.match_indices(ALLOW_ANNOTATION).any(|(i, _)| {
        let rest = text.get(i + ALLOW_ANNOTATION.len()..).unwrap_or_default();
        let rest = rest.trim_start_matches(['"', '\'', ' ']);
        rest.strip_prefix(':').is_some_and(|v| {
            v.trim_start_matches(['"', '\'', ' '])
                .get(..4)
                .is_some_and(|w| w.eq_ignore_ascii_case("true"))
        })
    });
    annotated.then_some(BY_ANNOTATION)
}

fn scan_document(lines: &Lines<'_>, root: &Node, doc: usize, report: &mut Report) {
    postbuild::record_substitute(root, report);
    let sops = sops::has_sops_metadata(root);
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

pub(crate) fn scan_object(
    lines: &Lines<'_>,
    node: &Node,
    location: Location,
    sops: bool,
    report: &mut Report,
) {
    let Some(kind) = node.get("kind") else { return };
    let api_version = node.get("apiVersion").map(|v| v.as_str().unwrap_or("?"));
    let (finding_kind, keys, unknown) = match kind.as_str() {
        Some("Secret") if api_version.is_none_or(|v| v == "v1") => {
            postbuild::record_secret_variables(node, report);
            let (keys, unknown) = plain_keys(lines, node, sops);
            let key_backup = node
                .get("metadata")
                .and_then(|m| m.get("labels"))
                .and_then(|l| l.get(CONTROLLER_KEY_LABEL))
                .is_some();
            let kind = if key_backup {
                FindingKind::ControllerKey
            } else {
                FindingKind::PlainSecret
            };
            (kind, keys, unknown)
        }
        Some("SealedSecret") if api_version.is_none_or(|v| v.starts_with("bitnami.com/")) => {
            let keys = template_literals(lines, node);
            (FindingKind::SealedTemplateLiteral, keys, false)
        }
        _ => return,
    };
    if keys.is_empty() && !unknown {
        return;
    }
    let meta = node.get("metadata");
    let string_at = |key: &str| {
        meta.and_then(|m| m.get(key))
            .and_then(Node::as_str)
            .filter(|s| !s.is_empty())
            .map(template::shown)
    };
    let finding = Finding {
        pos: kind.pos(),
        kind: finding_kind,
        namespace: string_at("namespace"),
        name: string_at("name"),
        keys,
        file: None,
        location,
        detail: None,
    };
    let allowed = allow_rule(
        lines,
        meta.and_then(|m| m.get("annotations")),
        kind.pos().line,
    );
    report.add(finding, allowed);
}

/// The label the sealed-secrets controller puts on its key Secrets.
const CONTROLLER_KEY_LABEL: &str = "sealedsecrets.bitnami.com/sealed-secrets-key";

/// The allow rule that opts an object out: the annotation among
/// `annotations` (an object's `metadata.annotations`, a generator's
/// `options.annotations`), or the comment on `line` (its `kind`, or a
/// generator's `name`).
pub(crate) fn allow_rule(
    lines: &Lines<'_>,
    annotations: Option<&Node>,
    line: usize,
) -> Option<&'static str> {
    if annotations
        .and_then(|a| a.get(ALLOW_ANNOTATION))
        .is_some_and(is_true)
    {
        Some(BY_ANNOTATION)
    } else if has_allow_comment(lines.line(line)) {
        Some(BY_COMMENT)
    } else {
        None
    }
}

/// `true`, or a string spelling it (annotations are strings).
pub(crate) fn is_true(v: &Node) -> bool {
    match v.kind() {
        Kind::Scalar(Scalar::Str(s)) => s.eq_ignore_ascii_case("true"),
        Kind::Scalar(Scalar::Bool(b)) => *b,
        _ => false,
    }
}

/// Keys of a Secret's `data` and `stringData` holding plain values, each
/// once, and whether one of the two is not a map but holds something.
pub(crate) fn plain_keys(lines: &Lines<'_>, node: &Node, sops: bool) -> (Vec<String>, bool) {
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
    (keys, unknown)
}

/// Keys of a SealedSecret's `spec.template.data` whose values are literal:
/// not a template over the sealed values (`{{ … }}` anywhere in it), not a
/// placeholder, not empty.
fn template_literals(lines: &Lines<'_>, node: &Node) -> Vec<String> {
    let data = node
        .get("spec")
        .and_then(|s| s.get("template"))
        .and_then(|t| t.get("data"));
    let Some(Kind::Map(entries)) = data.map(Node::kind) else {
        return Vec::new();
    };
    entries
        .iter()
        .filter(|(_, v)| match v.kind() {
            Kind::Scalar(Scalar::Str(s)) => {
                !s.trim().is_empty() && !s.contains("{{") && !is_placeholder(s)
            }
            Kind::Scalar(Scalar::Null) => false,
            Kind::Scalar(_) => true,
            Kind::Map(_) | Kind::Seq(_) => !is_placeholder(raw_flow(lines.from(v.pos()))),
        })
        .map(|(k, _)| key_name(lines, k))
        .collect()
}

fn key_name(lines: &Lines<'_>, k: &Node) -> String {
    match k.kind() {
        Kind::Scalar(Scalar::Str(s)) => template::shown(s),
        Kind::Scalar(Scalar::Number(s)) => s.clone(),
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
            if s.trim().is_empty() || (sops && sops::is_encrypted_value(s)) || is_placeholder(s) {
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
            ("sops", "kind: Secret\nstringData:\n  k: ENC[AES256_GCM,data:x,iv:y,tag:z,type:str]\nsops:\n  mac: ENC[AES256_GCM,data:m]\n  lastmodified: \"2024-01-01T00:00:00Z\"\n", &[]),
            ("sops without mac", "kind: Secret\nstringData:\n  k: ENC[AES256_GCM,data:x,iv:y,tag:z,type:str]\nsops:\n  version: 3.8.1\n", &[1]),
            ("sops plain value", "kind: Secret\nstringData:\n  k: ENC[AES256_GCM,data:x]\n  k2: plain\nsops:\n  mac: ENC[AES256_GCM,data:m]\n  lastmodified: x\n", &[1]),
            ("enc without sops", "kind: Secret\nstringData:\n  k: ENC[AES256_GCM,data:x]\n", &[1]),
            ("sops hides nothing", "kind: Secret\nstringData:\n  k: ENC[AES256_GCM,data:x]\nsops: {mac: m, lastmodified: x}\n---\nkind: Secret\nstringData:\n  k: plain\n", &[6]),
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

    /// What does not parse cannot be checked: when it looks like it holds
    /// a Secret or a List, it is a finding (exit 1), with the parse error
    /// and its line; an allow rule written in it turns that into a note;
    /// without a Secret or List in it, it is a note.
    #[test]
    fn unparseable_input_fails_closed() {
        let refused = [
            // JSON that is neither JSON nor YAML.
            "{\"kind\": \"Secret\", \"stringData\": {\"a\": \"s3cr3t\"}\n\t]\n",
            // YAML that does not parse.
            "apiVersion: v1\nkind: Secret\nstringData:\n  a: s3cr3t\n  b: [unclosed\n",
            "kind: List\nitems:\n- kind: ConfigMap\n  data: {a: [}\n",
            "{\"kind\": \"\\u0053ecret\", \"stringData\": {\"a\": \"s3cr3t\"}\n\t]\n",
        ];
        for input in refused {
            let r = scan(input.as_bytes()).unwrap();
            assert_eq!(r.findings.len(), 1, "{input}: {r:?}");
            let f = &r.findings[0];
            assert_eq!(f.kind, FindingKind::Unparseable);
            assert!(f.pos.line >= 1);
            let m = f.to_string();
            assert!(m.starts_with("cannot be parsed (not valid "), "{m}");
            assert!(
                !m.contains("s3cr3t") && !format!("{r:?}").contains("s3cr3t"),
                "{m}"
            );
        }
        // Near misses: broken files without a Secret or a List are notes;
        // an allow rule in the file is a note that says so.
        for (input, note) in [
            ("{\"name\": \"Secret santa\",\n\t]\n", "no Secret or List in it"),
            ("kind: ConfigMap\ndata: [unclosed\n# Secret\n", "no Secret or List in it"),
            (
                "kind: Secret # sealtoken: allow\nstringData:\n  a: [unclosed\n",
                "allowed by the comment # sealtoken: allow",
            ),
            (
                "kind: Secret\nmetadata:\n  annotations:\n    sealtoken.dev/allow-plain: \"true\"\nstringData: [\n",
                "allowed by the annotation sealtoken.dev/allow-plain",
            ),
        ] {
            let r = scan(input.as_bytes()).unwrap();
            assert!(r.findings.is_empty(), "{input}: {r:?}");
            assert!(r.notes[0].message.contains(note), "{input}: {:?}", r.notes);
        }
    }

    /// Helm chart templates are read as the YAML they render to: control
    /// lines removed, actions as placeholders. A literal value is refused.
    #[test]
    fn templates_are_read_as_templates() {
        let refused = "{{- if .Values.enabled }}\napiVersion: v1\nkind: Secret\nmetadata:\n  name: {{ include \"x\" . }}\nstringData:\n  {{- range $k, $v := .Values.s }}\n  {{ $k }}: {{ $v | quote }}\n  {{- end }}\n  literal: hunter2\n{{- end }}\n";
        let r = scan(refused.as_bytes()).unwrap();
        assert!(!r.is_line_based() && r.notes.is_empty(), "{r:?}");
        let got: Vec<_> = r
            .findings
            .iter()
            .map(|f| (f.pos.line, f.keys.clone()))
            .collect();
        assert_eq!(got, [(3, vec!["literal".to_string()])]);

        for clean in [
            "{{- if .Values.enabled }}\nkind: Secret\ndata:\n  {{- range $k, $v := .Values.s }}\n  {{ $k }}: {{ $v | b64enc }}\n  {{- end }}\n{{- end }}\n",
            "{{- with .Values.secret }}\nkind: Secret\nstringData:\n  password: {{ .password | quote }}\n  {{- toYaml .extra | nindent 2 }}\n{{- end }}\n",
        ] {
            let r = scan(clean.as_bytes()).unwrap();
            assert!(r.findings.is_empty() && !r.is_line_based(), "{clean}: {r:?}");
        }
        // Still not YAML once untemplated: a note, read line by line.
        let broken = "{{ if .x }}\nkind: Secret\nstringData:\n  a: [\n{{ end }}\n";
        let r = scan(broken.as_bytes()).unwrap();
        assert!(
            r.is_line_based() && r.notes[0].message.starts_with("a Go template"),
            "{r:?}"
        );
    }

    /// A SealedSecret's template copies literal values into the Secret; a
    /// template over the sealed values or a placeholder is not a value.
    #[test]
    fn sealed_secret_template_literals() {
        let s = "apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata: {name: db, namespace: apps}\nspec:\n  encryptedData: {password: AgB}\n  template:\n    data:\n      url: \"postgres://app:{{ .password }}@db\"\n      ref: ${DB_HOST}\n      empty: \"\"\n      admin_password: hunter2\n";
        let r = scan(s.as_bytes()).unwrap();
        assert_eq!(r.findings.len(), 1, "{r:?}");
        assert_eq!(r.findings[0].kind, FindingKind::SealedTemplateLiteral);
        assert_eq!(r.findings[0].keys, ["admin_password"]);
        assert_eq!(r.findings[0].pos.line, 2);
        let clean = s.replace("      admin_password: hunter2\n", "");
        assert!(scan(clean.as_bytes()).unwrap().findings.is_empty());
    }

    /// A key backup of the controller is named as such.
    #[test]
    fn controller_key_is_named() {
        let s = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Secret\n  metadata:\n    name: sealed-secrets-keyabcde\n    labels:\n      sealedsecrets.bitnami.com/sealed-secrets-key: active\n  type: kubernetes.io/tls\n  data:\n    tls.crt: LS0t\n    tls.key: LS0t\n";
        let r = scan(s.as_bytes()).unwrap();
        assert_eq!(r.findings[0].kind, FindingKind::ControllerKey);
        assert!(r.findings[0]
            .to_string()
            .contains("is a sealed-secrets controller private key"));
    }

    /// An allow rule that matches is said, as a note, never silently.
    #[test]
    fn allow_rules_are_reported() {
        let s = "kind: Secret # sealtoken: allow\nmetadata: {name: a}\nstringData: {k: v}\n---\nkind: Secret\nmetadata:\n  name: b\n  annotations: {sealtoken.dev/allow-plain: true}\nstringData: {k: v}\n---\nkind: Secret\nmetadata: {name: c}\n";
        let r = scan(s.as_bytes()).unwrap();
        assert!(r.findings.is_empty());
        let notes: Vec<_> = r.notes.iter().map(|n| n.message.as_str()).collect();
        assert_eq!(
            notes,
            [
                "plain Secret \"a\" (keys: k): allowed by the comment # sealtoken: allow",
                "plain Secret \"b\" (keys: k): allowed by the annotation sealtoken.dev/allow-plain"
            ]
        );
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
