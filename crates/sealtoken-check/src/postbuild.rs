//! Flux post-build substitution: a Flux `Kustomization` whose
//! `spec.postBuild.substitute` writes a value for a `${VAR}` that a Secret
//! under its `spec.path` uses puts that value, in plain, into the Secret.
//! The Secret shows only the placeholder; the value sits in Git beside
//! the Kustomization. `substituteFrom` (a Secret or a ConfigMap) is fine.
//!
//! The rule spans files: each [`Report`] records what it offers (the
//! substitutions of its Flux Kustomizations, the variables its Secrets
//! use), and [`substitutions`] judges a set of reports together.

use std::collections::{BTreeSet, HashMap};

use k8s_manifest::yaml::{Kind, Node, Scalar};
use k8s_manifest::Pos;

use crate::finding::{Finding, FindingKind, Location, Report};
use crate::placeholder::is_placeholder;

/// The inline substitutions of one Flux Kustomization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Substitute {
    name: Option<String>,
    namespace: Option<String>,
    /// `spec.path`, normalised: no leading `./`, no trailing `/`; empty for the root.
    path: String,
    /// Variables given a plain value, with where.
    vars: Vec<(String, Pos)>,
}

/// Records a Flux Kustomization's inline substitutions, if `root` is one.
pub(crate) fn record_substitute(root: &Node, report: &mut Report) {
    let flux = root
        .get("apiVersion")
        .and_then(Node::as_str)
        .is_some_and(|v| v.starts_with("kustomize.toolkit.fluxcd.io/"));
    if !flux || root.get("kind").and_then(Node::as_str) != Some("Kustomization") {
        return;
    }
    let spec = root.get("spec");
    let Some(substitute) = spec
        .and_then(|s| s.get("postBuild"))
        .and_then(|p| p.get("substitute"))
    else {
        return;
    };
    let Kind::Map(entries) = substitute.kind() else {
        return;
    };
    let vars: Vec<(String, Pos)> = entries
        .iter()
        .filter(|(_, v)| match v.kind() {
            Kind::Scalar(Scalar::Str(s)) => !s.trim().is_empty() && !is_placeholder(s),
            Kind::Scalar(Scalar::Null) => false,
            _ => true,
        })
        .filter_map(|(k, _)| k.as_str().map(|s| (s.to_string(), k.pos())))
        .collect();
    if vars.is_empty() {
        return;
    }
    let meta = root.get("metadata");
    let at = |key: &str| {
        meta.and_then(|m| m.get(key))
            .and_then(Node::as_str)
            .map(str::to_string)
    };
    let path = spec
        .and_then(|s| s.get("path"))
        .and_then(Node::as_str)
        .unwrap_or("");
    report.substitutes.push(Substitute {
        name: at("name"),
        namespace: at("namespace"),
        path: normalise(path),
        vars,
    });
}

/// Records the `${VAR}` names a Secret's values use.
pub(crate) fn record_secret_variables(secret: &Node, report: &mut Report) {
    for field in ["data", "stringData"] {
        if let Some(Kind::Map(entries)) = secret.get(field).map(Node::kind) {
            for (_, v) in entries {
                if let Some(s) = v.as_str() {
                    report.secret_variables.extend(variables(s));
                }
            }
        }
    }
}

/// The names of the `${NAME}` references in `s` (with or without a default).
fn variables(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(i) = rest.find("${") {
        let body = rest.get(i + 2..).unwrap_or_default();
        let end = body
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(body.len());
        let name = body.get(..end).unwrap_or_default();
        if !name.is_empty() && !name.starts_with(|c: char| c.is_ascii_digit()) {
            out.push(name.to_string());
        }
        rest = body;
    }
    out
}

fn normalise(path: &str) -> String {
    let p = k8s_manifest::normalize(std::path::Path::new(path.trim_start_matches('/')));
    let s = p.to_string_lossy().replace('\\', "/");
    if s == "." {
        String::new()
    } else {
        s
    }
}

/// Judges Flux post-build substitution across files.
///
/// `files` holds each scanned file's path relative to the repository root
/// (`/`-separated), with its report. A Flux Kustomization whose
/// `postBuild.substitute` gives a plain value to a variable that a Secret
/// in a file under the Kustomization's `spec.path` uses is a finding
/// ([`FindingKind::PostBuildSubstitute`]), returned with the index of the
/// Kustomization's file.
///
/// ```
/// use sealtoken_check::{scan, substitutions, FindingKind};
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let flux = scan(b"apiVersion: kustomize.toolkit.fluxcd.io/v1
/// kind: Kustomization
/// metadata: {name: apps, namespace: flux-system}
/// spec:
///   path: ./apps
///   postBuild:
///     substitute:
///       db_password: hunter2
/// ")?;
/// let secret = scan(b"kind: Secret\nstringData:\n  password: ${db_password}\n")?;
/// assert!(secret.findings().is_empty());
/// let found = substitutions(&[("clusters/prod/apps.yaml", &flux), ("apps/db.yaml", &secret)]);
/// assert_eq!(found.len(), 1);
/// assert_eq!(found[0].0, 0);
/// assert_eq!(found[0].1.kind(), FindingKind::PostBuildSubstitute);
/// assert_eq!(found[0].1.keys(), ["db_password"]);
/// # Ok(())
/// # }
/// ```
pub fn substitutions(files: &[(&str, &Report)]) -> Vec<(usize, Finding)> {
    // Variable → the files whose Secrets use it.
    let mut users: HashMap<&str, BTreeSet<&str>> = HashMap::new();
    for (path, report) in files {
        for var in &report.secret_variables {
            users.entry(var.as_str()).or_default().insert(path);
        }
    }
    let mut found = Vec::new();
    for (i, (_, report)) in files.iter().enumerate() {
        for s in &report.substitutes {
            let under = |file: &&str| {
                s.path.is_empty()
                    || file
                        .strip_prefix(s.path.as_str())
                        .is_some_and(|rest| rest.starts_with('/'))
            };
            let mut keys = Vec::new();
            let mut at = None;
            let mut used_in = BTreeSet::new();
            for (var, pos) in &s.vars {
                if let Some(files) = users.get(var.as_str()) {
                    let inside: Vec<&str> = files.iter().copied().filter(under).collect();
                    if !inside.is_empty() {
                        keys.push(var.clone());
                        at.get_or_insert(*pos);
                        used_in.extend(inside);
                    }
                }
            }
            let Some(pos) = at else { continue };
            let used: Vec<&str> = used_in.into_iter().collect();
            found.push((
                i,
                Finding {
                    pos,
                    kind: FindingKind::PostBuildSubstitute,
                    namespace: s.namespace.clone(),
                    name: s.name.clone(),
                    keys,
                    file: None,
                    location: Location::Document(0),
                    detail: Some(format!("used by Secrets in {}", used.join(", "))),
                },
            ));
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan;

    const FLUX: &str = "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: apps, namespace: flux-system}\nspec:\n  path: ./apps/prod/\n  postBuild:\n    substitute:\n      db_password: hunter2\n      cluster: prod\n      empty: \"\"\n    substituteFrom:\n    - kind: Secret\n      name: vars\n";

    #[test]
    fn substitutes_into_secrets_under_the_path() {
        let flux = scan(FLUX.as_bytes()).unwrap();
        let secret = scan(
            b"kind: Secret\nstringData:\n  url: postgres://app:${db_password}@db\n  e: ${empty}\n",
        )
        .unwrap();
        let config = scan(b"kind: ConfigMap\ndata:\n  cluster: ${cluster}\n").unwrap();
        let files = [
            ("clusters/prod/apps.yaml", &flux),
            ("apps/prod/db/secret.yaml", &secret),
            ("apps/prod/config.yaml", &config),
        ];
        let found = substitutions(&files);
        assert_eq!(found.len(), 1);
        let (i, f) = &found[0];
        assert_eq!(*i, 0);
        assert_eq!(f.pos().line, 8);
        assert_eq!(f.keys(), ["db_password"]);
        assert_eq!(
            f.to_string(),
            "Kustomization \"flux-system/apps\" substitutes plain values into Secrets \
             (keys: db_password): used by Secrets in apps/prod/db/secret.yaml"
        );
        assert!(!format!("{found:?}").contains("hunter2"));

        // Near misses: the Secret outside the path, in a sibling whose name
        // starts like it, or substituteFrom only.
        for path in ["apps/staging/secret.yaml", "apps/prod-old/secret.yaml"] {
            assert!(
                substitutions(&[("k.yaml", &flux), (path, &secret)]).is_empty(),
                "{path}"
            );
        }
        let from_only = scan(
            FLUX.replace(
                "      db_password: hunter2\n      cluster: prod\n      empty: \"\"\n",
                "      x: \"\"\n",
            )
            .as_bytes(),
        )
        .unwrap();
        assert!(substitutions(&[("k.yaml", &from_only), ("apps/prod/s.yaml", &secret)]).is_empty());
    }

    #[test]
    fn variable_names() {
        assert_eq!(variables("a${X}b${Y_1:=d}${1z}${"), ["X", "Y_1"]);
        assert_eq!(normalise("./apps/prod/"), "apps/prod");
        assert_eq!(normalise("./"), "");
    }
}
