//! Kustomize `secretGenerator`s: plain `literals`, and `files`/`envs` that
//! are not SOPS-encrypted. Referenced files are read through the caller's
//! function, so this crate never touches the file system.

use std::io;

use k8s_manifest::yaml::{Kind, Node, Scalar};
use k8s_manifest::Pos;
use zeroize::Zeroizing;

use crate::finding::{Finding, FindingKind, Location, Note, Report, Unreadable};
use crate::placeholder::is_placeholder;
use crate::text::{has_allow_comment, Lines};
use crate::ALLOW_ANNOTATION;

/// How a kustomization's referenced files are read: a path as written in the
/// kustomization, to the file's bytes.
pub(crate) type Reader<'a> = dyn FnMut(&str) -> io::Result<Vec<u8>> + 'a;

/// Whether file contents are SOPS-encrypted: `sops` metadata and `ENC[…]`
/// values (YAML, JSON, dotenv and binary SOPS files all have both).
pub fn is_sops_encrypted(bytes: &[u8]) -> bool {
    contains(bytes, b"ENC[") && contains(bytes, b"sops")
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

pub(crate) fn scan_generators(
    lines: &Lines<'_>,
    root: &Node,
    read: &mut Reader<'_>,
    report: &mut Report,
) {
    let Some(Kind::Seq(gens)) = root.get("secretGenerator").map(Node::kind) else {
        return;
    };
    for g in gens {
        let Kind::Map(entries) = g.kind() else {
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
                    || matches!(v.kind(), Kind::Scalar(Scalar::Bool(true)))
            })
            || name_node.is_some_and(|n| has_allow_comment(lines.line(n.pos().line)));
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
            let items: Vec<&str> = match v.kind() {
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
                            k.pos(),
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
                        let Some(bytes) = read_named(read, k.pos(), &label, path, report) else {
                            continue;
                        };
                        if !bytes.iter().all(u8::is_ascii_whitespace) && !is_sops_encrypted(&bytes)
                        {
                            keys.push(key);
                        }
                    }
                    if !keys.is_empty() {
                        report.findings.push(finding(
                            k.pos(),
                            FindingKind::GeneratorFiles,
                            keys,
                            None,
                        ));
                    }
                }
                "envs" | "env" => {
                    for path in &items {
                        let Some(bytes) = read_named(read, k.pos(), &label, path, report) else {
                            continue;
                        };
                        if is_sops_encrypted(&bytes) {
                            continue;
                        }
                        let keys = env_keys(&bytes);
                        if !keys.is_empty() {
                            report.findings.push(finding(
                                k.pos(),
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
    }
}

/// Reads a file a generator names; when it cannot, records why (a note when
/// it does not exist, an [`Unreadable`] otherwise) and returns `None`.
fn read_named(
    read: &mut Reader<'_>,
    pos: Pos,
    generator: &str,
    path: &str,
    report: &mut Report,
) -> Option<Zeroizing<Vec<u8>>> {
    // kustomize's default load restrictor: generators read only below the
    // kustomization's directory. Outside it, nothing is read.
    let p = std::path::Path::new(path);
    if p.is_absolute() || k8s_manifest::normalize(p).starts_with("..") {
        report.unreadable.push(Unreadable {
            pos,
            generator: generator.to_string(),
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
                message: format!(
                    "secretGenerator {generator:?}: file {path} not found; not checked"
                ),
            });
            None
        }
        Err(e) => {
            report.unreadable.push(Unreadable {
                pos,
                generator: generator.to_string(),
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
        let mut read = |p: &str| match p {
            "key.pem" => Ok(b"-----BEGIN".to_vec()),
            "enc.pem" => Ok(b"{\"data\": \"ENC[AES256_GCM,x]\", \"sops\": {}}".to_vec()),
            "db.env" => Ok(b"# c\nA=1\nB=\nexport C=\"x\"\n".to_vec()),
            _ => Err(io::ErrorKind::NotFound.into()),
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
}
