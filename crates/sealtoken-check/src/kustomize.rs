//! Kustomizations: what they add to the Secrets they build. Generators
//! (`secretGenerator`, and `generators:` naming a builtin `SecretGenerator`)
//! with plain `literals`, `files` or `envs`; patches (inline or in a file,
//! strategic merge or JSON 6902, the older `patchesStrategicMerge` and
//! `patchesJson6902` too) that put plain values into a Secret;
//! `replacements` that copy into a Secret from an object that is not one.
//! Referenced files are read through the caller's function, so this crate
//! never touches the file system; like kustomize's default load
//! restrictor, nothing outside the kustomization's directory is read.

use std::io;

use k8s_manifest::yaml::{self, Kind, Node, Scalar};
use k8s_manifest::{PatchBody, Pos, SecretValue};
use zeroize::Zeroizing;

use crate::finding::{Finding, FindingKind, Location, Note, Report, Unreadable};
use crate::placeholder::is_placeholder;
use crate::scan::{allow_rule, plain_keys};
use crate::sops::is_sops_encrypted;
use crate::text::Lines;

/// How a kustomization's referenced files are read: a path as written in the
/// kustomization, to the file's bytes.
pub(crate) type Reader<'a> = dyn FnMut(&str) -> io::Result<Vec<u8>> + 'a;

/// Everything a kustomization document adds to the Secrets it builds.
pub(crate) fn scan_kustomization_document(
    lines: &Lines<'_>,
    root: &Node,
    read: &mut Reader<'_>,
    report: &mut Report,
) {
    let is_kustomize = match root.get("apiVersion").and_then(Node::as_str) {
        None => true,
        Some(v) => v.starts_with("kustomize.config.k8s.io/"),
    };
    if !is_kustomize || !matches!(root.kind(), Kind::Map(_)) {
        return;
    }
    if let Some(Kind::Seq(gens)) = root.get("secretGenerator").map(Node::kind) {
        for g in gens {
            scan_generator(lines, g, None, read, report);
        }
    }
    for (entry, path) in paths_of(root.get("generators")) {
        let Some(bytes) = read_named(read, entry.pos(), "generators", path, report) else {
            continue;
        };
        let text = String::from_utf8_lossy(&bytes);
        let Ok(docs) = yaml::parse_stream(&text) else {
            continue;
        };
        let file_lines = Lines::new(&text);
        for doc in &docs {
            let Some(g) = doc.root() else { continue };
            if g.get("kind").and_then(Node::as_str) == Some("SecretGenerator") {
                let from = From {
                    pos: entry.pos(),
                    path,
                };
                scan_generator(&file_lines, g, Some(from), read, report);
            }
        }
    }
    scan_patches(root, read, report);
    scan_replacements(root, read, report);
    note_unchecked(root, report);
}

/// Where a generator configuration came from, when it is a file that the
/// kustomization's `generators:` names.
#[derive(Clone, Copy)]
struct From<'a> {
    pos: Pos,
    path: &'a str,
}

/// The string items of a sequence (or a lone string), with their nodes.
fn paths_of(node: Option<&Node>) -> Vec<(&Node, &str)> {
    match node.map(Node::kind) {
        Some(Kind::Seq(items)) => items
            .iter()
            .filter_map(|n| n.as_str().map(|s| (n, s)))
            .collect(),
        Some(Kind::Scalar(Scalar::Str(s))) => {
            node.map(|n| vec![(n, s.as_str())]).unwrap_or_default()
        }
        _ => Vec::new(),
    }
}

/// One generator: a `secretGenerator` entry, or a builtin `SecretGenerator`
/// configuration read from `from`.
fn scan_generator(
    lines: &Lines<'_>,
    g: &Node,
    from: Option<From<'_>>,
    read: &mut Reader<'_>,
    report: &mut Report,
) {
    let Kind::Map(entries) = g.kind() else {
        return;
    };
    let meta = g.get("metadata");
    let field = |key: &str| g.get(key).or_else(|| meta.and_then(|m| m.get(key)));
    let name_node = field("name");
    let name = name_node.and_then(Node::as_str).map(str::to_string);
    let namespace = field("namespace")
        .and_then(Node::as_str)
        .map(str::to_string);
    let allowed = allow_rule(
        lines,
        g.get("options").and_then(|o| o.get("annotations")),
        name_node.map_or(0, |n| n.pos().line),
    );
    let label = format!(
        "secretGenerator {:?}",
        name.as_deref().unwrap_or("(unnamed)")
    );
    let detail = from.map(|f| format!("configured in {}", f.path));
    let mut found = Vec::new();
    for (k, v) in entries {
        let pos = from.map_or(k.pos(), |f| f.pos);
        let finding = |kind: FindingKind, keys: Vec<String>, file: Option<String>| Finding {
            pos,
            kind,
            namespace: namespace.clone(),
            name: name.clone(),
            keys,
            file,
            location: Location::Kustomization,
            detail: detail.clone(),
        };
        let items: Vec<&str> = paths_of(Some(v)).into_iter().map(|(_, s)| s).collect();
        match k.as_str().unwrap_or_default() {
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
                    found.push(finding(FindingKind::GeneratorLiterals, keys, None));
                }
            }
            "files" => {
                let mut keys = Vec::new();
                for spec in &items {
                    let (key, path) = match spec.split_once('=') {
                        Some((k, p)) => (k.to_string(), p),
                        None => (spec.rsplit('/').next().unwrap_or(spec).to_string(), *spec),
                    };
                    let Some(bytes) = read_named(read, pos, &label, path, report) else {
                        continue;
                    };
                    if !bytes.iter().all(u8::is_ascii_whitespace) && !is_sops_encrypted(&bytes) {
                        keys.push(key);
                    }
                }
                if !keys.is_empty() {
                    found.push(finding(FindingKind::GeneratorFiles, keys, None));
                }
            }
            "envs" | "env" => {
                for path in &items {
                    let Some(bytes) = read_named(read, pos, &label, path, report) else {
                        continue;
                    };
                    if is_sops_encrypted(&bytes) {
                        continue;
                    }
                    let keys = env_keys(&bytes);
                    if !keys.is_empty() {
                        found.push(finding(
                            FindingKind::GeneratorEnv,
                            keys,
                            Some(path.to_string()),
                        ));
                    }
                }
            }
            _ => {}
        }
    }
    for f in found {
        report.add(f, allowed);
    }
}

/// Patches, in every field kustomize has had for them
/// ([`k8s_manifest::patch_entries`]).
fn scan_patches(root: &Node, read: &mut Reader<'_>, report: &mut Report) {
    for entry in k8s_manifest::patch_entries(root) {
        match entry.body {
            PatchBody::Inline(text) => judge_patch(text, entry.target, entry.pos, None, report),
            PatchBody::File(path) => {
                if let Some(bytes) = read_named(read, entry.pos, entry.field, path, report) {
                    let text = String::from_utf8_lossy(&bytes);
                    judge_patch(&text, entry.target, entry.pos, Some(path), report);
                }
            }
            _ => {}
        }
    }
}

/// Whether a patch target may select a Secret: its kind is `Secret`, or
/// it names no kind (then any object, Secrets included, may match).
fn targets_secret(target: Option<&Node>) -> Option<bool> {
    let target = target?;
    Some(match target.get("kind").and_then(Node::as_str) {
        Some(kind) => kind == "Secret",
        None => true,
    })
}

/// One patch's text: a strategic-merge patch (YAML documents) or a JSON 6902
/// patch (a list of operations). A finding when it puts a plain value into
/// a Secret: at the line of the patch that does it when the patch is
/// written inline as a block, else at `pos`, with the patch file's line.
fn judge_patch(
    text: &str,
    target: Option<&Node>,
    pos: Pos,
    file: Option<&str>,
    report: &mut Report,
) {
    let Ok(docs) = yaml::parse_stream(text) else {
        report.notes.push(Note {
            pos: Some(pos),
            message: format!(
                "patch {}does not parse; not checked",
                file.map(|f| format!("{f} ")).unwrap_or_default()
            ),
        });
        return;
    };
    let lines = Lines::new(text);
    // An inline block scalar's text starts on the line of `pos`.
    let block = file.is_none() && !text.contains('\r') && pos.line > 0;
    let place = |at: Pos| -> (Pos, Option<String>) {
        match file {
            Some(_) => (pos, Some(format!("line {}", at.line))),
            None if block => (
                Pos {
                    line: pos.line + at.line - 1,
                    col: pos.col + at.col - 1,
                },
                None,
            ),
            None => (pos, None),
        }
    };
    for doc in &docs {
        let Some(root) = doc.root() else { continue };
        let (keys, at, name, allowed) = match root.kind() {
            Kind::Seq(ops) => {
                if targets_secret(target) != Some(true) {
                    continue;
                }
                let (keys, at) = json6902_keys(&lines, ops);
                (keys, at, target_name(target), None)
            }
            Kind::Map(_) => {
                let kind = root.get("kind").and_then(Node::as_str);
                let is_secret = match targets_secret(target) {
                    Some(t) => t && kind.is_none_or(|k| k == "Secret"),
                    None => kind == Some("Secret"),
                };
                if !is_secret || root.get("$patch").and_then(Node::as_str) == Some("delete") {
                    continue;
                }
                let (keys, unknown) = plain_keys(&lines, root, false);
                let keys = if keys.is_empty() && unknown {
                    vec!["?".to_string()]
                } else {
                    keys
                };
                let meta = root.get("metadata");
                let name = meta
                    .and_then(|m| m.get("name"))
                    .and_then(Node::as_str)
                    .map(str::to_string)
                    .or_else(|| target_name(target));
                let kind_pos = root.get("kind").map_or(root.pos(), Node::pos);
                let allowed = allow_rule(
                    &lines,
                    meta.and_then(|m| m.get("annotations")),
                    kind_pos.line,
                );
                (keys, kind_pos, name, allowed)
            }
            _ => continue,
        };
        if keys.is_empty() {
            continue;
        }
        let (pos, detail) = place(at);
        let finding = Finding {
            pos,
            kind: FindingKind::PatchedSecret,
            namespace: None,
            name,
            keys,
            file: file.map(str::to_string),
            location: Location::Kustomization,
            detail,
        };
        report.add(finding, allowed);
    }
}

fn target_name(target: Option<&Node>) -> Option<String> {
    target
        .and_then(|t| t.get("name"))
        .and_then(Node::as_str)
        .map(str::to_string)
}

/// Keys a JSON 6902 patch sets to plain values under `/data` or
/// `/stringData` (or in a whole object it adds), and where the first
/// operation doing so is.
fn json6902_keys(lines: &Lines<'_>, ops: &[Node]) -> (Vec<String>, Pos) {
    let mut keys = Vec::new();
    let mut first = None;
    for op in ops {
        let before = keys.len();
        let kind = op.get("op").and_then(Node::as_str).unwrap_or_default();
        if !matches!(kind, "add" | "replace") {
            continue;
        }
        let (Some(path), Some(value)) = (op.get("path").and_then(Node::as_str), op.get("value"))
        else {
            continue;
        };
        let segments: Vec<String> = path
            .split('/')
            .skip(1)
            .map(|s| s.replace("~1", "/").replace("~0", "~"))
            .collect();
        match segments.as_slice() {
            [] | [_] if segments.first().is_none_or(|s| s.is_empty()) => {
                keys.extend(plain_keys(lines, value, false).0);
            }
            [field] if field == "data" || field == "stringData" => {
                if let Kind::Map(entries) = value.kind() {
                    for (k, v) in entries {
                        if scalar_is_plain(v, field == "data") {
                            keys.push(k.as_str().unwrap_or("?").to_string());
                        }
                    }
                }
            }
            [field, key]
                if (field == "data" || field == "stringData")
                    && scalar_is_plain(value, field == "data") =>
            {
                keys.push(key.clone());
            }
            _ => {}
        }
        if keys.len() > before && first.is_none() {
            first = Some(op.pos());
        }
    }
    (keys, first.unwrap_or_default())
}

/// Whether one value set by a patch is plain (non-empty, not a
/// placeholder, also once decoded from base64 under `data`).
fn scalar_is_plain(v: &Node, base64: bool) -> bool {
    match v.kind() {
        Kind::Scalar(Scalar::Null) => false,
        Kind::Scalar(Scalar::Str(s)) => {
            if s.trim().is_empty() || is_placeholder(s) {
                return false;
            }
            !(base64
                && SecretValue::from_base64(s).is_some_and(|d| {
                    std::str::from_utf8(d.expose())
                        .is_ok_and(|d| d.trim().is_empty() || is_placeholder(d))
                }))
        }
        _ => true,
    }
}

/// `replacements:` that copy a value from an object that is not a Secret
/// into a Secret's `data` or `stringData`: the value sits in Git in plain.
fn scan_replacements(root: &Node, read: &mut Reader<'_>, report: &mut Report) {
    let Some(Kind::Seq(entries)) = root.get("replacements").map(Node::kind) else {
        return;
    };
    for entry in entries {
        if let Some(path_node) = entry.get("path") {
            let Some(path) = path_node.as_str() else {
                continue;
            };
            let Some(bytes) = read_named(read, path_node.pos(), "replacements", path, report)
            else {
                continue;
            };
            let text = String::from_utf8_lossy(&bytes);
            let Ok(docs) = yaml::parse_stream(&text) else {
                continue;
            };
            for doc in &docs {
                let items = match doc.root().map(Node::kind) {
                    Some(Kind::Seq(items)) => items.iter().collect(),
                    Some(Kind::Map(_)) => doc.root().into_iter().collect(),
                    _ => Vec::new(),
                };
                for r in items {
                    judge_replacement(r, path_node.pos(), Some(path), report);
                }
            }
        } else {
            judge_replacement(entry, entry.pos(), None, report);
        }
    }
}

fn judge_replacement(r: &Node, pos: Pos, file: Option<&str>, report: &mut Report) {
    let source = r.get("source");
    let source_kind = source.and_then(|s| s.get("kind")).and_then(Node::as_str);
    if source_kind == Some("Secret") {
        return;
    }
    let Some(Kind::Seq(targets)) = r.get("targets").map(Node::kind) else {
        return;
    };
    for t in targets {
        let select = t.get("select");
        if select.and_then(|s| s.get("kind")).and_then(Node::as_str) != Some("Secret") {
            continue;
        }
        let keys: Vec<String> = paths_of(t.get("fieldPaths"))
            .into_iter()
            .filter(|(_, p)| p.starts_with("data.") || p.starts_with("stringData."))
            .map(|(_, p)| p.split_once('.').map_or(p, |(_, k)| k).to_string())
            .collect();
        if keys.is_empty() {
            continue;
        }
        let source_name = source
            .and_then(|s| s.get("name"))
            .and_then(Node::as_str)
            .unwrap_or("?");
        let field = source
            .and_then(|s| s.get("fieldPath"))
            .and_then(Node::as_str)
            .unwrap_or("?");
        report.findings.push(Finding {
            pos,
            kind: FindingKind::ReplacementIntoSecret,
            namespace: None,
            name: select
                .and_then(|s| s.get("name"))
                .and_then(Node::as_str)
                .map(str::to_string),
            keys,
            file: file.map(str::to_string),
            location: Location::Kustomization,
            detail: Some(format!(
                "{}/{source_name} {field}",
                source_kind.unwrap_or("an object")
            )),
        });
    }
}

/// What the guard does not follow, said as notes: remote resources, Helm
/// charts inflated by kustomize, and `vars`.
fn note_unchecked(root: &Node, report: &mut Report) {
    for field in ["resources", "components"] {
        for (node, r) in paths_of(root.get(field)) {
            if r.contains("://") || r.starts_with("git@") || r.starts_with("github.com/") {
                report.notes.push(Note {
                    pos: Some(node.pos()),
                    message: format!("remote {field} entry {r} is not checked"),
                });
            }
        }
    }
    for field in ["helmCharts", "vars"] {
        if let Some(node) = root.get(field) {
            report.notes.push(Note {
                pos: Some(node.pos()),
                message: format!("{field} are not checked"),
            });
        }
    }
}

/// Reads a file a kustomization names; when it cannot, records why (a note
/// when it does not exist, an [`Unreadable`] otherwise) and returns `None`.
fn read_named(
    read: &mut Reader<'_>,
    pos: Pos,
    by: &str,
    path: &str,
    report: &mut Report,
) -> Option<Zeroizing<Vec<u8>>> {
    // kustomize's default load restrictor: a kustomization reads only below
    // its directory. Outside it, nothing is read.
    let p = std::path::Path::new(path);
    if p.is_absolute() || k8s_manifest::normalize(p).starts_with("..") {
        report.unreadable.push(Unreadable {
            pos,
            source: by.to_string(),
            path: path.to_string(),
            kind: io::ErrorKind::PermissionDenied,
            message: "outside the kustomization's directory, which kustomize refuses; not read"
                .to_string(),
        });
        return None;
    }
    match read(path) {
        Ok(bytes) => Some(Zeroizing::new(bytes)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            report.notes.push(Note {
                pos: Some(pos),
                message: format!("{by}: file {path} not found; not checked"),
            });
            None
        }
        Err(e) => {
            report.unreadable.push(Unreadable {
                pos,
                source: by.to_string(),
                path: path.to_string(),
                kind: e.kind(),
                message: e.to_string(),
            });
            None
        }
    }
}

/// Keys of a dotenv file that have non-empty, non-placeholder values. A key
/// that is not an environment variable name (a line of some other file) is
/// shown as its line number only: its text could be a secret.
fn env_keys(bytes: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(bytes);
    let mut keys = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").unwrap_or(line);
        let (key, value) = line.split_once('=').unwrap_or((line, ""));
        let value = value.trim().trim_matches(['"', '\'']);
        if !value.is_empty() && !is_placeholder(value) {
            let key = key.trim();
            let key = if is_env_name(key) {
                key.to_string()
            } else {
                format!("(line {})", n + 1)
            };
            if seen.insert(key.clone()) {
                keys.push(key);
            }
        }
    }
    keys
}

/// Whether `s` is an environment variable name: a letter or `_`, then
/// letters, digits and `_`.
fn is_env_name(s: &str) -> bool {
    let mut b = s.bytes();
    b.next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == b'_')
        && b.all(|c| c.is_ascii_alphanumeric() || c == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan_kustomization;

    #[test]
    fn kustomize_generators() {
        let k = "secretGenerator:\n- name: db\n  literals:\n  - user=admin\n  - empty=\n  - tpl=${PASS}\n  files:\n  - key.pem\n  - enc=enc.pem\n  - gone.txt\n  envs:\n  - db.env\n- name: ok # sealtoken: allow\n  literals: [a=b]\n";
        let mut read = |p: &str| {
            match p {
            "key.pem" => Ok(b"-----BEGIN".to_vec()),
            "enc.pem" => Ok(b"{\"data\": \"ENC[AES256_GCM,x]\", \"sops\": {\"mac\": \"ENC[AES256_GCM,m]\", \"lastmodified\": \"t\"}}".to_vec()),
            "db.env" => Ok(b"# c\nA=1\nB=\nexport C=\"x\"\n".to_vec()),
            _ => Err(io::ErrorKind::NotFound.into()),
        }
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
    fn unreadable_is_not_missing() {
        // A file that exists but cannot be read is not taken for a missing one.
        let k = "secretGenerator:\n- name: db\n  files:\n  - key.pem\n  - gone.pem\n  envs:\n  - db.env\n";
        let mut read = |p: &str| match p {
            "key.pem" | "db.env" => Err(io::Error::from(io::ErrorKind::PermissionDenied)),
            _ => Err(io::ErrorKind::NotFound.into()),
        };
        let r = scan_kustomization(k.as_bytes(), &mut read).unwrap();
        assert!(r.findings.is_empty(), "{r:?}");
        let unreadable: Vec<(&str, io::ErrorKind, usize)> = r
            .unreadable()
            .iter()
            .map(|u| (u.path(), u.error_kind(), u.pos().line))
            .collect();
        assert_eq!(
            unreadable,
            [
                ("key.pem", io::ErrorKind::PermissionDenied, 3),
                ("db.env", io::ErrorKind::PermissionDenied, 6)
            ]
        );
        assert_eq!(
            r.unreadable()[0].to_string(),
            "secretGenerator \"db\": cannot read key.pem: permission denied"
        );
        assert_eq!(r.notes().len(), 1, "{r:?}");
        assert!(r.notes()[0].message().contains("gone.pem not found"));
    }

    /// Generators read only below the kustomization (kustomize's load
    /// restrictor): an absolute or `../` path is an error and is never read.
    #[test]
    fn generator_paths_outside_the_root_are_refused_unread() {
        let k = "secretGenerator:\n- name: g\n  envs: [/home/u/.docker/config.json]\n  files: [../../id_rsa, ok/../in.txt]\n";
        let mut asked = Vec::new();
        let mut read = |p: &str| {
            asked.push(p.to_string());
            Ok(b"K=v\n".to_vec())
        };
        let r = scan_kustomization(k.as_bytes(), &mut read).unwrap();
        assert_eq!(asked, ["ok/../in.txt"]);
        let bad: Vec<&str> = r.unreadable().iter().map(|u| u.path()).collect();
        assert_eq!(bad, ["/home/u/.docker/config.json", "../../id_rsa"]);
        assert!(r.unreadable()[0]
            .to_string()
            .contains("outside the kustomization's directory"));
    }

    /// Only environment variable names are shown; another line is counted
    /// by its number, its text never printed.
    #[test]
    fn env_keys_show_only_names() {
        let keys = env_keys(b"GOOD_1=x\nAbC=y\n{\"auths\": {\"r\": {\"auth\": \"dXNlcjpwYXNz\"}}}=z\n-----END=w\nGOOD_1=again\n");
        assert_eq!(keys, ["GOOD_1", "AbC", "(line 3)", "(line 4)"]);
    }
    fn kinds(
        k: &str,
        files: &[(&str, &str)],
    ) -> Vec<(usize, FindingKind, Vec<String>, Option<String>)> {
        let mut read = |p: &str| {
            files
                .iter()
                .find(|(name, _)| *name == p)
                .map(|(_, text)| text.as_bytes().to_vec())
                .ok_or_else(|| io::Error::from(io::ErrorKind::NotFound))
        };
        let r = scan_kustomization(k.as_bytes(), &mut read).unwrap();
        assert!(!format!("{r:?}").contains("hunter2"), "{r:?}");
        r.findings
            .iter()
            .map(|f| (f.pos.line, f.kind, f.keys.clone(), f.file.clone()))
            .collect()
    }

    /// Patches that put a plain value into a Secret, in every field and
    /// form kustomize reads; each near miss passes.
    #[test]
    fn patches_that_add_plain_values() {
        let smp_inline = "resources: [base.yaml]\npatches:\n- patch: |-\n    apiVersion: v1\n    kind: Secret\n    metadata: {name: db}\n    stringData:\n      password: hunter2\n";
        assert_eq!(
            kinds(smp_inline, &[]),
            [(
                5,
                FindingKind::PatchedSecret,
                vec!["password".to_string()],
                None
            )]
        );
        let json6902_inline = "patches:\n- target: {kind: Secret, name: db}\n  patch: |-\n    - op: replace\n      path: /stringData/password\n      value: hunter2\n    - op: add\n      path: /data\n      value: {token: aHVudGVyMg==, empty: \"\"}\n    - op: add\n      path: /data/a~1b\n      value: eA==\n";
        assert_eq!(
            kinds(json6902_inline, &[]),
            [(
                4,
                FindingKind::PatchedSecret,
                vec![
                    "password".to_string(),
                    "token".to_string(),
                    "a/b".to_string()
                ],
                None
            )]
        );
        let file = "patchesJson6902:\n- target: {version: v1, kind: Secret, name: db}\n  path: add-data.yaml\n";
        let ops = "- op: add\n  path: /data\n  value:\n    password: aHVudGVyMg==\n";
        assert_eq!(
            kinds(file, &[("add-data.yaml", ops)]),
            [(
                3,
                FindingKind::PatchedSecret,
                vec!["password".to_string()],
                Some("add-data.yaml".to_string())
            )]
        );
        let old = "patchesStrategicMerge:\n- secret-patch.yaml\n- |-\n  kind: Secret\n  metadata: {name: x}\n  data: {k: aHVudGVyMg==}\n";
        let patch =
            "apiVersion: v1\nkind: Secret\nmetadata: {name: db}\nstringData: {password: hunter2}\n";
        assert_eq!(
            kinds(old, &[("secret-patch.yaml", patch)]),
            [
                (
                    2,
                    FindingKind::PatchedSecret,
                    vec!["password".to_string()],
                    Some("secret-patch.yaml".to_string())
                ),
                (4, FindingKind::PatchedSecret, vec!["k".to_string()], None),
            ]
        );
        // Near misses: a patch on a ConfigMap, a placeholder, a removal, a
        // delete directive, a Secret patch with no values.
        for clean in [
            "patches:\n- target: {kind: ConfigMap, name: c}\n  patch: |-\n    - op: add\n      path: /data/password\n      value: hunter2\n",
            "patches:\n- patch: |-\n    kind: ConfigMap\n    metadata: {name: c}\n    data: {password: hunter2}\n",
            "patches:\n- target: {kind: Secret}\n  patch: |-\n    - op: replace\n      path: /stringData/password\n      value: ${DB_PASSWORD}\n    - op: remove\n      path: /data/x\n",
            "patches:\n- patch: |-\n    kind: Secret\n    metadata: {name: db}\n    $patch: delete\n",
            "patches:\n- patch: |-\n    kind: Secret\n    metadata: {name: db, labels: {a: b}}\n",
        ] {
            assert_eq!(kinds(clean, &[]), [], "{clean}");
        }
    }

    /// A builtin SecretGenerator configuration named by `generators:` is a
    /// generator like any other; its files are read below the kustomization.
    #[test]
    fn generator_configurations() {
        let k = "generators:\n- gen.yaml\n- cm-gen.yaml\n";
        let secret_gen = "apiVersion: builtin\nkind: SecretGenerator\nmetadata: {name: db}\nliterals: [password=hunter2]\nenvs: [db.env]\n";
        let cm_gen =
            "apiVersion: builtin\nkind: ConfigMapGenerator\nmetadata: {name: c}\nliterals: [a=b]\n";
        let got = kinds(
            k,
            &[
                ("gen.yaml", secret_gen),
                ("cm-gen.yaml", cm_gen),
                ("db.env", "TOKEN=hunter2\n"),
            ],
        );
        assert_eq!(
            got,
            [
                (
                    2,
                    FindingKind::GeneratorLiterals,
                    vec!["password".to_string()],
                    None
                ),
                (
                    2,
                    FindingKind::GeneratorEnv,
                    vec!["TOKEN".to_string()],
                    Some("db.env".to_string())
                ),
            ]
        );
    }

    /// `replacements:` copying from a ConfigMap into a Secret put a value
    /// from Git into the Secret; from a Secret, or into a ConfigMap, pass.
    #[test]
    fn replacements_into_secrets() {
        let k = "replacements:\n- source: {kind: ConfigMap, name: c, fieldPath: data.password}\n  targets:\n  - select: {kind: Secret, name: db}\n    fieldPaths: [stringData.password]\n- source: {kind: Secret, name: other, fieldPath: data.password}\n  targets:\n  - select: {kind: Secret, name: db}\n    fieldPaths: [data.password]\n- source: {kind: ConfigMap, name: c, fieldPath: data.host}\n  targets:\n  - select: {kind: Deployment}\n    fieldPaths: [spec.template.spec.hostname]\n- path: more.yaml\n";
        let more = "source: {kind: ConfigMap, name: c, fieldPath: data.token}\ntargets:\n- select: {kind: Secret, name: api}\n  fieldPaths: [data.token]\n";
        let got = kinds(k, &[("more.yaml", more)]);
        assert_eq!(
            got,
            [
                (
                    2,
                    FindingKind::ReplacementIntoSecret,
                    vec!["password".to_string()],
                    None
                ),
                (
                    14,
                    FindingKind::ReplacementIntoSecret,
                    vec!["token".to_string()],
                    Some("more.yaml".to_string())
                ),
            ]
        );
    }

    /// Remote resources, helmCharts and vars are said not to be checked.
    #[test]
    fn unchecked_parts_are_noted() {
        let k = "resources:\n- https://github.com/org/repo//deploy?ref=v1\n- local.yaml\nhelmCharts:\n- name: x\n";
        let r = scan_kustomization(k.as_bytes(), &mut |_: &str| {
            Err(io::ErrorKind::NotFound.into())
        })
        .unwrap();
        let notes: Vec<&str> = r.notes().iter().map(|n| n.message()).collect();
        assert_eq!(
            notes,
            [
                "remote resources entry https://github.com/org/repo//deploy?ref=v1 is not checked",
                "helmCharts are not checked"
            ]
        );
    }
}
