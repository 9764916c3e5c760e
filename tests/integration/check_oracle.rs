//! `kubectl kustomize` as the judge of `check`: for each encoding of a Secret
//! (what Flux's kustomize-controller builds), the guard refuses exactly the
//! files whose render holds a plain Secret value, given the file by name and
//! walking its folder. Under CI kubectl must be there; elsewhere the test
//! skips without it.

use std::path::Path;
use std::process::Command;

use serde::Deserialize as _;
use serde_yaml::Value;

use crate::common::sealtoken;

/// kubectl, or `None` (outside CI) when it is missing.
fn kubectl() -> Option<&'static str> {
    let ok = Command::new("kubectl")
        .args(["version", "--client"])
        .output()
        .is_ok_and(|o| o.status.success());
    if ok {
        return Some("kubectl");
    }
    assert!(
        std::env::var_os("SEALTOKEN_CI").is_none(),
        "kubectl is needed for the kustomize oracle under CI"
    );
    eprintln!("skipped: kubectl is not installed");
    None
}

/// Whether `kubectl kustomize dir` renders a Secret with a value.
fn renders_plain_secret(kubectl: &str, dir: &Path) -> bool {
    let out = Command::new(kubectl)
        .arg("kustomize")
        .arg(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "kubectl kustomize {}: {}",
        dir.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let plain = serde_yaml::Deserializer::from_str(&text).any(|doc| {
        let v = Value::deserialize(doc).unwrap();
        let has_values = |field: &str| {
            v.get(field)
                .and_then(Value::as_mapping)
                .is_some_and(|m| !m.is_empty())
        };
        v.get("kind").and_then(Value::as_str) == Some("Secret")
            && (has_values("data") || has_values("stringData"))
    });
    plain
}

const CASES: &[(&str, &str, &str)] = &[
    (
        "one-line flow YAML",
        "x.yaml",
        "{apiVersion: v1, kind: Secret, metadata: {name: s}, stringData: {password: hunter2}}\n",
    ),
    (
        "JSON objects separated by ---",
        "x.json",
        "{\"apiVersion\": \"v1\", \"kind\": \"Secret\", \"metadata\": {\"name\": \"s\"}, \"stringData\": {\"a\": \"x\"}}\n---\n{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\", \"metadata\": {\"name\": \"c\"}}\n",
    ),
    (
        "JSON with a trailing comma",
        "x.json",
        "{\"apiVersion\": \"v1\", \"kind\": \"Secret\", \"metadata\": {\"name\": \"s\"},\n \"stringData\": {\"k\": \"v\"},}\n",
    ),
    (
        "SecretList",
        "x.yaml",
        "apiVersion: v1\nkind: SecretList\nitems:\n- apiVersion: v1\n  kind: Secret\n  metadata: {name: s}\n  stringData: {a: x}\n",
    ),
    (
        "a Secret in a ConfigMapList",
        "x.yaml",
        "apiVersion: v1\nkind: ConfigMapList\nitems:\n- apiVersion: v1\n  kind: Secret\n  metadata: {name: s}\n  stringData: {a: x}\n",
    ),
    (
        "a List in a List",
        "x.yaml",
        "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: List\n  items:\n  - apiVersion: v1\n    kind: Secret\n    metadata: {name: s}\n    data: {a: eA==}\n",
    ),
    (
        "near miss: a ConfigMapList of ConfigMaps",
        "x.yaml",
        "apiVersion: v1\nkind: ConfigMapList\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: c}\n  data: {a: x}\n",
    ),
    (
        "near miss: an empty flow-YAML Secret",
        "x.yaml",
        "{apiVersion: v1, kind: Secret, metadata: {name: s}}\n",
    ),
];

#[test]
fn check_refuses_exactly_what_kustomize_renders_as_a_plain_secret() {
    let Some(kubectl) = kubectl() else { return };
    let mut judged = 0;
    for (name, file, text) in CASES {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join(file), text).unwrap();
        std::fs::write(
            d.path().join("kustomization.yaml"),
            format!("resources: [{file}]\n"),
        )
        .unwrap();
        let plain = renders_plain_secret(kubectl, d.path());
        assert_eq!(plain, !name.starts_with("near miss"), "{name}: the oracle");
        let want = if plain { 1 } else { 0 };
        for args in [&["check", file][..], &["check", "."][..]] {
            let out = sealtoken()
                .current_dir(d.path())
                .args(args)
                .output()
                .unwrap();
            let stdout = String::from_utf8_lossy(&out.stdout);
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(
                out.status.code(),
                Some(want),
                "{name} ({args:?}): {stdout}{stderr}"
            );
            for value in ["hunter2", "eA=="] {
                assert!(
                    !stdout.contains(value) && !stderr.contains(value),
                    "{name}: {stdout}{stderr}"
                );
            }
        }
        judged += 1;
    }
    assert_eq!(judged, CASES.len());
}
