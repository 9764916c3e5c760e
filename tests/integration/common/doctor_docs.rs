//! SealedSecret documents for the `doctor` tests, and one way to run
//! `doctor` that checks no plaintext is ever printed.

use std::path::{Path, PathBuf};

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use kubeseal_core::{ObjectRef, Scope};

use super::keys::{self, controller_keys, sealed_value, ControllerKey};
use super::sealtoken;

/// A plaintext no output may contain (nor its base64).
pub fn plaintext(tag: &str) -> Vec<u8> {
    format!("PLAINTEXT-{tag}-must-never-be-printed").into_bytes()
}

/// A value of `tag` sealed with `key` for `scope` and `ns/name`.
pub fn value(key: &ControllerKey, scope: Scope, ns: &str, name: &str, tag: &str) -> String {
    sealed_value(key, scope, &ObjectRef::new(ns, name), &plaintext(tag))
}

/// A SealedSecret as kubeseal lays it out: `meta` and `template` are the
/// lines under `metadata:` (indented 2) and `spec.template:` (indented 4).
pub fn sealed_doc(meta: &str, template: &str, values: &[(&str, String)]) -> String {
    let template = if template.is_empty() {
        "    metadata: {}\n"
    } else {
        template
    };
    let mut s = format!(
        "apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n{meta}spec:\n  template:\n{template}  encryptedData:\n"
    );
    for (k, v) in values {
        s.push_str(&format!("    {k}: {v}\n"));
    }
    s
}

/// `metadata` (or template metadata, with `indent` 4) lines for `ns/name`
/// with a scope annotation.
pub fn meta(indent: usize, ns: Option<&str>, name: &str, scope: Scope) -> String {
    let pad = " ".repeat(indent);
    let mut s = String::new();
    let annotation = match scope {
        Scope::Strict => None,
        Scope::NamespaceWide => Some("sealedsecrets.bitnami.com/namespace-wide"),
        Scope::ClusterWide => Some("sealedsecrets.bitnami.com/cluster-wide"),
    };
    if let Some(a) = annotation {
        s.push_str(&format!("{pad}annotations:\n{pad}  {a}: \"true\"\n"));
    }
    s.push_str(&format!("{pad}name: {name}\n"));
    if let Some(ns) = ns {
        s.push_str(&format!("{pad}namespace: {ns}\n"));
    }
    s
}

/// Template metadata lines (under `spec.template:`) for `ns/name`, `scope`.
pub fn tmeta(ns: Option<&str>, name: &str, scope: Scope) -> String {
    format!("    metadata:\n{}", meta(6, ns, name, scope))
}

/// The 1-based line of the first line of `text` starting (after indentation) with `start`.
pub fn line_of(text: &str, start: &str) -> usize {
    text.lines()
        .position(|l| l.trim_start().starts_with(start))
        .unwrap_or_else(|| panic!("{start:?} not in\n{text}"))
        + 1
}

/// The 1-based line of the line of `text` equal to `line`.
pub fn line_is(text: &str, line: &str) -> usize {
    text.lines()
        .position(|l| l == line)
        .unwrap_or_else(|| panic!("{line:?} not in\n{text}"))
        + 1
}

pub struct Out {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `sealtoken doctor ARGS` in `dir`; checks that neither stream holds
/// any plaintext of [`plaintext`] (raw or base64) and that nothing panicked.
pub fn doctor(dir: &Path, args: &[&str]) -> Out {
    let o = sealtoken()
        .current_dir(dir)
        .arg("doctor")
        .args(args)
        .output()
        .unwrap();
    let out = Out {
        code: o.status.code().expect("killed by a signal"),
        stdout: String::from_utf8(o.stdout).unwrap(),
        stderr: String::from_utf8(o.stderr).unwrap(),
    };
    for s in [&out.stdout, &out.stderr] {
        assert!(!s.contains("PLAINTEXT-"), "plaintext printed:\n{s}");
        assert!(!s.contains("panicked"), "{s}");
        // Base64 of the common prefix, at each of the three alignments.
        for pre in ["", "x", "xx"] {
            let enc = STANDARD.encode(format!("{pre}PLAINTEXT-"));
            let stable = &enc[(pre.len() * 4).div_ceil(3)..enc.len() - 4];
            assert!(!s.contains(stable), "base64 plaintext printed:\n{s}");
        }
    }
    out
}

pub fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    keys::write(dir, name, text)
}

/// Runs doctor on one file holding `text`; expects exit 1 and exactly the
/// findings `want` (line, fragments of the message), in order.
pub fn expect_findings(text: &str, extra: &[&str], want: &[(usize, &[&str])]) -> Out {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "s.yaml", text);
    let mut args: Vec<&str> = extra.to_vec();
    args.push("s.yaml");
    let out = doctor(dir.path(), &args);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), want.len(), "{}", out.stdout);
    for (got, (line, fragments)) in lines.iter().zip(want) {
        let prefix = format!("s.yaml:{line}: SealedSecret ");
        assert!(got.starts_with(&prefix), "want {prefix:?}:\n{got}");
        for f in *fragments {
            assert!(got.contains(f), "want {f:?}:\n{got}");
        }
    }
    out
}

pub fn key_a() -> &'static ControllerKey {
    &controller_keys()[0]
}

/// A List backup of keys 0 and 1 (key 2 is "not in the backup") in `dir`.
pub fn backup(dir: &Path) -> PathBuf {
    let k = controller_keys();
    write(dir, "main.key", &keys::backup_list(&[&k[0], &k[1]]))
}
