//! `sealtoken keys`: per key of a List backup its fingerprint, certificate
//! validity and what it opens where; keys that open nothing; values no key
//! opens (exit 1); `--format json`. Data sealed by the test (common/keys.rs).

use std::path::Path;

use kubeseal_core::{ObjectRef, Scope};
use serde_json::Value;

use crate::common::keys::{self, controller_keys, other_size_key, sealed_secret, ControllerKey};
use crate::common::sealtoken;

/// Writes `dir/name` holding one SealedSecret `ns/name` per `(key, scope, values)`.
fn sealed_file(dir: &Path, name: &str, docs: &[(&ControllerKey, Scope, &str, &[&str])]) {
    let mut text = String::new();
    for (key, scope, object, values) in docs {
        let (ns, n) = object.split_once('/').unwrap();
        let values: Vec<(&str, &[u8])> = values
            .iter()
            .map(|k| (*k, &b"KEYS-PLAINTEXT"[..]))
            .collect();
        text.push_str(&sealed_secret(key, *scope, &ObjectRef::new(ns, n), &values));
    }
    keys::write(dir, name, &text);
}

fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let o = sealtoken()
        .current_dir(dir)
        .arg("keys")
        .args(args)
        .output()
        .unwrap();
    let (out, err) = (
        String::from_utf8(o.stdout).unwrap(),
        String::from_utf8(o.stderr).unwrap(),
    );
    assert!(!out.contains("KEYS-PLAINTEXT") && !err.contains("KEYS-PLAINTEXT"));
    assert!(!err.contains("panicked"), "{err}");
    (o.status.code().unwrap(), out, err)
}

/// Key 1 opens 3 values in two files, key 2 one, key 3 nothing.
fn setup(dir: &Path) {
    let k = controller_keys();
    keys::write(dir, "main.key", &keys::backup_list(&[&k[0], &k[1], &k[2]]));
    std::fs::create_dir(dir.join("deploy")).unwrap();
    let deploy = dir.join("deploy");
    sealed_file(
        &deploy,
        "a.yaml",
        &[(&k[0], Scope::Strict, "prod/db", &["user", "password"])],
    );
    sealed_file(
        &deploy,
        "b.yaml",
        &[
            (&k[0], Scope::NamespaceWide, "prod/web", &["token"]),
            (&k[1], Scope::ClusterWide, "apps/cache", &["auth"]),
        ],
    );
}

#[test]
fn each_key_with_its_fingerprint_counts_and_files_and_the_keys_safe_to_retire() {
    let dir = tempfile::tempdir().unwrap();
    setup(dir.path());
    let k = controller_keys();
    let (code, out, err) = run(dir.path(), &["--key", "main.key", "deploy"]);
    assert_eq!(code, 0, "{err}");
    let want = format!(
        "key 1: {} from main.key, RSA-2048\n  public key sha256: {}\n",
        k[0].secret_name, k[0].fingerprint
    );
    assert!(out.contains(&want), "{want}\n---\n{out}");
    assert!(
        out.contains("  opens 3 value(s): deploy/a.yaml (2), deploy/b.yaml (1)\n"),
        "{out}"
    );
    let want = format!(
        "key 2: {} from main.key, RSA-2048\n  public key sha256: {}\n",
        k[1].secret_name, k[1].fingerprint
    );
    assert!(out.contains(&want), "{out}");
    assert!(
        out.contains("  opens 1 value(s): deploy/b.yaml (1)\n"),
        "{out}"
    );
    let key3 = out.split("key 3: ").nth(1).unwrap();
    assert!(key3.starts_with(&k[2].secret_name), "{out}");
    assert!(key3.contains(&k[2].fingerprint), "{out}");
    assert!(
        key3.contains("valid 2026-01-01T00:00:00Z to 2036-01-01T00:00:00Z"),
        "{out}"
    );
    assert!(key3.contains("  opens no value: safe to retire\n"), "{out}");
    assert!(
        out.ends_with("4 value(s); 1 key(s) open nothing; 0 value(s) no key opens\n"),
        "{out}"
    );
}

#[test]
fn values_no_key_opens_are_listed_and_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    setup(dir.path());
    let stranger = other_size_key();
    sealed_file(
        &dir.path().join("deploy"),
        "c.yaml",
        &[(stranger, Scope::Strict, "prod/legacy", &["key"])],
    );
    let text = std::fs::read_to_string(dir.path().join("deploy/c.yaml")).unwrap();
    let line = text
        .lines()
        .position(|l| l.trim_start().starts_with("key:"))
        .unwrap()
        + 1;
    let (code, out, err) = run(dir.path(), &["--key", "main.key", "deploy"]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        out.contains("5 value(s); 1 key(s) open nothing; 1 value(s) no key opens\n"),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "deploy/c.yaml:{line}: SealedSecret \"prod/legacy\": encryptedData.key: no key opens it"
        )),
        "{out}"
    );
    // With its key too (a PEM key beside the backup): exit 0.
    let pem = stranger.write_key(dir.path());
    let (code, out, _) = run(
        dir.path(),
        &[
            "--key",
            "main.key",
            "--key",
            pem.to_str().unwrap(),
            "deploy",
        ],
    );
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("key 4: (PEM key) from"), "{out}");
    assert!(out.contains("RSA-3072"), "{out}");
}

#[test]
fn json_inventory() {
    let dir = tempfile::tempdir().unwrap();
    setup(dir.path());
    sealed_file(
        &dir.path().join("deploy"),
        "c.yaml",
        &[(other_size_key(), Scope::Strict, "prod/legacy", &["key"])],
    );
    let (code, out, err) = run(
        dir.path(),
        &["--key", "main.key", "--format", "json", "deploy"],
    );
    assert_eq!(code, 1, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    let k = controller_keys();
    let listed = v["keys"].as_array().unwrap();
    assert_eq!(listed.len(), 3);
    for (i, (want_values, want_files)) in [
        (3, vec![("deploy/a.yaml", 2), ("deploy/b.yaml", 1)]),
        (1, vec![("deploy/b.yaml", 1)]),
        (0, vec![]),
    ]
    .into_iter()
    .enumerate()
    {
        let key = &listed[i];
        assert_eq!(key["fingerprint"], k[i].fingerprint.as_str());
        assert_eq!(key["secret"], k[i].secret_name.as_str());
        assert_eq!(key["source"], "main.key");
        assert_eq!(key["bits"], 2048);
        assert_eq!(key["values"], want_values);
        assert_eq!(key["certificate"]["not_after"], "2036-01-01T00:00:00Z");
        let files: Vec<(&str, u64)> = key["files"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| (f["path"].as_str().unwrap(), f["values"].as_u64().unwrap()))
            .collect();
        assert_eq!(files, want_files);
    }
    assert_eq!(v["unused"], serde_json::json!([k[2].fingerprint]));
    let unopened = v["unopened"].as_array().unwrap();
    assert_eq!(unopened.len(), 1);
    assert_eq!(unopened[0]["path"], "deploy/c.yaml");
    assert_eq!(unopened[0]["namespace"], "prod");
    assert_eq!(unopened[0]["name"], "legacy");
    assert_eq!(unopened[0]["key"], "key");
}

#[test]
fn input_errors_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    setup(dir.path());
    for args in [
        &["--key", "missing.key", "deploy"][..],
        &["--key", "main.key", "deploy/missing.yaml"],
        &["deploy"],
        &["--key", "main.key", "--format", "xml", "deploy"],
    ] {
        let (code, _, err) = run(dir.path(), args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(!err.is_empty(), "{args:?}");
    }
}
