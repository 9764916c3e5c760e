//! `check --format sarif`: valid SARIF 2.1.0 (the schema the SARIF multitool
//! ships, checked by Python's `jsonschema`), one rule per finding kind, the
//! text format's lines and columns, fingerprints that survive moved lines,
//! and no values.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::common::{read_fixture, sealtoken};
use crate::tools;

const VALUE: &str = "VALUE-hunter2-VALUE";
/// The fixture Secret's token.
const FIXTURE_TOKEN: &str = "8f3c2a1b9d4e5f6a7b8c9d0e1f2a3b4c";

/// A tree with every finding kind and one SealedSecret.
fn tree(dir: &Path) {
    fs::create_dir_all(dir.join("k8s")).unwrap();
    fs::write(
        dir.join("k8s/secret.yaml"),
        read_fixture("upstream/secret.yaml"),
    )
    .unwrap();
    fs::write(
        dir.join("k8s/two secrets.yaml"),
        format!(
            "kind: Secret\nmetadata: {{name: a, namespace: apps}}\nstringData:\n  k: {VALUE}\n---\n\
             kind: Secret\nmetadata: {{name: b, namespace: apps}}\nstringData:\n  k: {VALUE}\n"
        ),
    )
    .unwrap();
    fs::write(
        dir.join("k8s/sealed.yaml"),
        read_fixture("upstream/flux-webhook-token.sealed.yaml"),
    )
    .unwrap();
    fs::write(
        dir.join("kustomization.yaml"),
        format!(
            "secretGenerator:\n- name: lit\n  literals: [k={VALUE}]\n- name: files\n  files: [key.pem]\n\
             - name: env\n  envs: [x.env]\n"
        ),
    )
    .unwrap();
    fs::write(dir.join("key.pem"), format!("{VALUE}\n")).unwrap();
    fs::write(dir.join("x.env"), format!("K={VALUE}\n")).unwrap();
}

fn check(dir: &Path, format: &str) -> (i32, String) {
    let out = sealtoken()
        .current_dir(dir)
        .args(["check", "--format", format])
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(!stderr.contains("hunter2"), "{stderr}");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
    )
}

/// Errors of `jsonschema` against the SARIF 2.1.0 schema (empty: valid).
fn schema_errors(sarif: &str) -> String {
    let tmp = tempfile::tempdir().unwrap();
    let log = tmp.path().join("log.sarif");
    fs::write(&log, sarif).unwrap();
    let script = "import json, sys, jsonschema\n\
        schema = json.load(open(sys.argv[1]))\n\
        cls = jsonschema.validators.validator_for(schema)\n\
        cls.check_schema(schema)\n\
        v = cls(schema, format_checker=cls.FORMAT_CHECKER)\n\
        errs = sorted(v.iter_errors(json.load(open(sys.argv[2]))), key=str)\n\
        print(cls.__name__, file=sys.stderr)\n\
        for e in errs: print(list(e.absolute_path), e.message)\n";
    let out = Command::new(tools::python())
        .args(["-c", script])
        .arg(tools::sarif_schema())
        .arg(&log)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// `(uri, line, column)` of each text-format finding.
fn text_positions(text: &str) -> BTreeSet<(String, u64, u64)> {
    text.lines()
        .map(|l| {
            let mut parts = l.splitn(4, ':');
            let path = parts.next().unwrap().replace(' ', "%20");
            let line = parts.next().unwrap().parse().unwrap();
            let col = parts.next().unwrap().parse().unwrap();
            (path, line, col)
        })
        .collect()
}

fn sarif_positions(results: &[Value]) -> BTreeSet<(String, u64, u64)> {
    results
        .iter()
        .map(|r| {
            let loc = &r["locations"][0]["physicalLocation"];
            (
                loc["artifactLocation"]["uri"].as_str().unwrap().to_owned(),
                loc["region"]["startLine"].as_u64().unwrap(),
                loc["region"]["startColumn"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// Fingerprint → (rule, uri) of every result.
fn fingerprints(results: &[Value]) -> BTreeMap<String, (String, String)> {
    let map: BTreeMap<_, _> = results
        .iter()
        .map(|r| {
            (
                r["partialFingerprints"]["sealtoken/v1"]
                    .as_str()
                    .unwrap()
                    .to_owned(),
                (
                    r["ruleId"].as_str().unwrap().to_owned(),
                    r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                        .as_str()
                        .unwrap()
                        .to_owned(),
                ),
            )
        })
        .collect();
    assert_eq!(map.len(), results.len(), "fingerprints repeat: {results:?}");
    map
}

#[test]
fn sarif_is_valid_2_1_0_with_a_rule_per_kind_and_no_values() {
    let dir = tempfile::tempdir().unwrap();
    tree(dir.path());
    let (code, sarif) = check(dir.path(), "sarif");
    assert_eq!(code, 1, "{sarif}");
    assert!(!sarif.contains("hunter2"), "{sarif}");
    assert!(!sarif.contains(FIXTURE_TOKEN), "{sarif}");
    let errors = schema_errors(&sarif);
    assert!(errors.is_empty(), "not SARIF 2.1.0:\n{errors}\n{sarif}");

    let log: Value = serde_json::from_str(&sarif).unwrap();
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "sealtoken");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    let rules = driver["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        [
            "plain-secret",
            "secret-generator-literals",
            "secret-generator-files",
            "secret-generator-env",
            "unparseable",
            "sealed-template-literal",
            "controller-key",
            "patched-secret",
            "replacement-into-secret",
            "post-build-substitute"
        ]
    );
    for r in rules {
        assert!(r["help"]["text"].as_str().unwrap().len() > 40, "{r}");
        assert!(!r["shortDescription"]["text"].as_str().unwrap().is_empty());
    }

    // Every kind is found once here, plus the second Secret of a file; each
    // result points at its rule.
    let results = run["results"].as_array().unwrap();
    let mut found: Vec<&str> = results
        .iter()
        .map(|r| r["ruleId"].as_str().unwrap())
        .collect();
    found.sort_unstable();
    assert_eq!(
        found,
        [
            "plain-secret",
            "plain-secret",
            "plain-secret",
            "secret-generator-env",
            "secret-generator-files",
            "secret-generator-literals"
        ]
    );
    for r in results {
        let i = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[i]["id"], r["ruleId"]);
        assert_eq!(r["level"], "error");
    }

    // The same places as the text format, which a person reads.
    let (code, text) = check(dir.path(), "text");
    assert_eq!(code, 1, "{text}");
    assert_eq!(sarif_positions(results), text_positions(&text));
    let uris: BTreeSet<_> = sarif_positions(results).into_iter().map(|p| p.0).collect();
    assert!(uris.contains("k8s/two%20secrets.yaml"), "{uris:?}");
    fingerprints(results);

    // Clean tree: a valid log with no results, exit 0.
    for f in [
        "k8s/secret.yaml",
        "k8s/two secrets.yaml",
        "kustomization.yaml",
    ] {
        fs::remove_file(dir.path().join(f)).unwrap();
    }
    let (code, sarif) = check(dir.path(), "sarif");
    assert_eq!(code, 0, "{sarif}");
    assert_eq!(schema_errors(&sarif), "");
    let log: Value = serde_json::from_str(&sarif).unwrap();
    assert_eq!(log["runs"][0]["results"], Value::Array(vec![]));
}

#[test]
fn sarif_fingerprints_survive_a_commit_that_moves_lines() {
    let dir = tempfile::tempdir().unwrap();
    tree(dir.path());
    let (_, before) = check(dir.path(), "sarif");
    let before: Value = serde_json::from_str(&before).unwrap();
    let before = before["runs"][0]["results"].as_array().unwrap().clone();

    // A later commit: a ConfigMap above each Secret, generators reordered,
    // a value changed.
    let prepend = |rel: &str, text: &str| {
        let p = dir.path().join(rel);
        let old = fs::read_to_string(&p).unwrap();
        fs::write(&p, format!("{text}{old}")).unwrap();
    };
    prepend(
        "k8s/secret.yaml",
        "kind: ConfigMap\nmetadata: {name: c}\ndata: {a: b}\n---\n",
    );
    prepend("k8s/two secrets.yaml", "# comment\n\n");
    fs::write(
        dir.path().join("kustomization.yaml"),
        format!(
            "resources: []\nsecretGenerator:\n- name: env\n  envs: [x.env]\n- name: files\n  files: [key.pem]\n\
             - name: lit\n  literals: [k={VALUE}-new]\n"
        ),
    )
    .unwrap();
    let (_, after) = check(dir.path(), "sarif");
    let after: Value = serde_json::from_str(&after).unwrap();
    let after = after["runs"][0]["results"].as_array().unwrap().clone();

    assert_eq!(fingerprints(&before), fingerprints(&after));
    // Each finding moved, and kept its fingerprint.
    let position = |results: &[Value]| -> BTreeMap<String, Value> {
        results
            .iter()
            .map(|r| {
                (
                    r["partialFingerprints"]["sealtoken/v1"].to_string(),
                    r["locations"][0]["physicalLocation"]["region"].clone(),
                )
            })
            .collect()
    };
    let (before, after) = (position(&before), position(&after));
    for (fp, region) in &before {
        assert_ne!(Some(region), after.get(fp), "{fp} did not move");
    }
}
