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

/// A case: its name (a near miss says so), and its files; the first is
/// the one given by name. Without a kustomization of its own, one listing
/// the first file as a resource is added.
type Case = (&'static str, &'static [(&'static str, &'static str)]);

/// An empty Secret for patches to fill.
const BASE: (&str, &str) = (
    "base.yaml",
    "apiVersion: v1\nkind: Secret\nmetadata: {name: db}\nstringData: {password: \"\"}\n",
);
const CONFIGMAP: (&str, &str) = (
    "cm.yaml",
    "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {password: hunter2}\n",
);

const CASES: &[Case] = &[
    (
        "one-line flow YAML",
        &[("x.yaml", "{apiVersion: v1, kind: Secret, metadata: {name: s}, stringData: {password: hunter2}}\n")],
    ),
    (
        "JSON objects separated by ---",
        &[("x.json", "{\"apiVersion\": \"v1\", \"kind\": \"Secret\", \"metadata\": {\"name\": \"s\"}, \"stringData\": {\"a\": \"x\"}}\n---\n{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\", \"metadata\": {\"name\": \"c\"}}\n")],
    ),
    (
        "JSON with a trailing comma",
        &[("x.json", "{\"apiVersion\": \"v1\", \"kind\": \"Secret\", \"metadata\": {\"name\": \"s\"},\n \"stringData\": {\"k\": \"v\"},}\n")],
    ),
    (
        "SecretList",
        &[("x.yaml", "apiVersion: v1\nkind: SecretList\nitems:\n- apiVersion: v1\n  kind: Secret\n  metadata: {name: s}\n  stringData: {a: x}\n")],
    ),
    (
        "a Secret in a ConfigMapList",
        &[("x.yaml", "apiVersion: v1\nkind: ConfigMapList\nitems:\n- apiVersion: v1\n  kind: Secret\n  metadata: {name: s}\n  stringData: {a: x}\n")],
    ),
    (
        "a List in a List",
        &[("x.yaml", "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: List\n  items:\n  - apiVersion: v1\n    kind: Secret\n    metadata: {name: s}\n    data: {a: eA==}\n")],
    ),
    (
        "YAML merge keys and aliases",
        &[("x.yaml", "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData:\n  <<: {password: hunter2}\n")],
    ),
    (
        "an inline strategic-merge patch over an empty Secret",
        &[
            ("kustomization.yaml", "resources: [base.yaml]\npatches:\n- patch: |-\n    apiVersion: v1\n    kind: Secret\n    metadata: {name: db}\n    stringData: {password: hunter2}\n"),
            BASE,
        ],
    ),
    (
        "an inline JSON 6902 replace",
        &[
            ("kustomization.yaml", "resources: [base.yaml]\npatches:\n- target: {kind: Secret, name: db}\n  patch: |-\n    - op: replace\n      path: /stringData/password\n      value: hunter2\n"),
            BASE,
        ],
    ),
    (
        "a JSON 6902 patch file adding /data",
        &[
            ("kustomization.yaml", "resources: [base.yaml]\npatchesJson6902:\n- target: {version: v1, kind: Secret, name: db}\n  path: add-data.yaml\n"),
            BASE,
            ("add-data.yaml", "- op: add\n  path: /data\n  value: {token: aHVudGVyMg==}\n"),
        ],
    ),
    (
        "a builtin SecretGenerator named by generators",
        &[
            ("kustomization.yaml", "generators: [gen.yaml]\n"),
            ("gen.yaml", "apiVersion: builtin\nkind: SecretGenerator\nmetadata: {name: db}\nliterals: [password=hunter2]\n"),
        ],
    ),
    (
        "a replacement copying a ConfigMap value into a Secret",
        &[
            ("kustomization.yaml", "resources: [base.yaml, cm.yaml]\nreplacements:\n- source: {kind: ConfigMap, name: c, fieldPath: data.password}\n  targets:\n  - select: {kind: Secret, name: db}\n    fieldPaths: [stringData.password]\n"),
            BASE,
            CONFIGMAP,
        ],
    ),
    (
        "near miss: a ConfigMapList of ConfigMaps",
        &[("x.yaml", "apiVersion: v1\nkind: ConfigMapList\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: c}\n  data: {a: x}\n")],
    ),
    (
        "near miss: an empty flow-YAML Secret",
        &[("x.yaml", "{apiVersion: v1, kind: Secret, metadata: {name: s}}\n")],
    ),
    (
        "near miss: a patch on a ConfigMap",
        &[
            ("kustomization.yaml", "resources: [cm.yaml]\npatches:\n- target: {kind: ConfigMap, name: c}\n  patch: |-\n    - op: add\n      path: /data/token\n      value: hunter2\n"),
            CONFIGMAP,
        ],
    ),
    (
        "near miss: a Secret patch that only labels",
        &[
            ("kustomization.yaml", "resources: [base.yaml]\npatches:\n- patch: |-\n    apiVersion: v1\n    kind: Secret\n    metadata: {name: db, labels: {app: x}}\n"),
            ("base.yaml", "apiVersion: v1\nkind: Secret\nmetadata: {name: db}\n"),
        ],
    ),
];

#[test]
fn check_refuses_exactly_what_kustomize_renders_as_a_plain_secret() {
    let Some(kubectl) = crate::tools::kubectl() else {
        return;
    };
    let mut judged = 0;
    for (name, files) in CASES {
        let d = tempfile::tempdir().unwrap();
        for (file, text) in *files {
            std::fs::write(d.path().join(file), text).unwrap();
        }
        let first = files[0].0;
        if !files.iter().any(|(f, _)| *f == "kustomization.yaml") {
            std::fs::write(
                d.path().join("kustomization.yaml"),
                format!("resources: [{first}]\n"),
            )
            .unwrap();
        }
        let plain = renders_plain_secret(kubectl, d.path());
        assert_eq!(plain, !name.starts_with("near miss"), "{name}: the oracle");
        let want = if plain { 1 } else { 0 };
        for args in [&["check", first][..], &["check", "."][..]] {
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
            for value in ["hunter2", "eA==", "aHVudGVyMg=="] {
                assert!(
                    !stdout.contains(value) && !stderr.contains(value),
                    "{name}: {stdout}{stderr}"
                );
            }
        }
        judged += 1;
    }
    // Every case was judged; the count of kustomizations is in the docs.
    assert_eq!(judged, CASES.len());
}
