//! Several clusters at once: `seal --cert A --cert B -w '…{cluster}…'`.
//! Each cluster's file is opened by the independent implementation
//! (tests/interop/hybrid.py) with that cluster's key only.

use std::path::Path;
use std::process::Command;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use serde_json::Value;

use crate::common::hybrid::try_hybrid_py;
use crate::common::keys::{controller_keys, two_cluster_certs, ControllerKey};
use crate::common::{sealtoken, Run};
use crate::tools;

const SECRET: &str = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: apps\nstringData:\n  password: s3cr3t-for-every-cluster\n";

/// hybrid.py open-sealed with `key`: the values, or `None` when it cannot open them.
fn try_open(key: &ControllerKey, dir: &Path, sealed: &Value) -> Option<Value> {
    try_hybrid_py(&["open-sealed"], &key.write_key(dir), sealed)
}

/// Each file opens with its own cluster's key, and with no other key.
fn assert_opens_only_with(file: &Path, own: usize, dir: &Path) {
    assert_opens_only_with_value(file, own, dir, "password", b"s3cr3t-for-every-cluster");
}

/// Each file opens with its own cluster's key only, to `key: value`.
fn assert_opens_only_with_value(file: &Path, own: usize, dir: &Path, key: &str, value: &[u8]) {
    let text = std::fs::read_to_string(file).unwrap();
    let sealed: Value = serde_json::from_str(&text)
        .or_else(|_| serde_yaml::from_str(&text))
        .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    for (i, k) in controller_keys().iter().enumerate() {
        let opened = try_open(k, dir, &sealed);
        if i == own {
            let v = opened
                .unwrap_or_else(|| panic!("{}: its own key does not open it", file.display()));
            assert_eq!(STANDARD.decode(v[key].as_str().unwrap()).unwrap(), value);
        } else {
            assert!(opened.is_none(), "{} opens with key {i}", file.display());
        }
    }
}

/// SHA-256 of the certificate's DER, by Python (independent of the code under test).
fn py_fingerprint(cert: &Path) -> String {
    let out = Command::new(tools::python())
        .args([
            "-c",
            "import hashlib,ssl,sys; print(hashlib.sha256(ssl.PEM_cert_to_DER_cert(open(sys.argv[1]).read())).hexdigest())",
        ])
        .arg(cert)
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

#[test]
fn one_plaintext_read_once_gives_one_file_per_cluster_each_for_its_own_key() {
    let dir = tempfile::tempdir().unwrap();
    let keys = controller_keys();
    let (prod, staging) = two_cluster_certs(dir.path(), &keys[0], &keys[1]);
    // The plaintext comes from stdin (read once, never written).
    let out = sealtoken()
        .current_dir(dir.path())
        .arg("seal")
        .arg("--cert")
        .arg(format!("prod={}", prod.display()))
        .arg("--cert")
        .arg(&staging)
        .args(["-w", "out/{cluster}/db.sealed.json"])
        .write_stdin(SECRET)
        .succeeds();
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("prod:") && err.contains("staging:"), "{err}");
    assert_opens_only_with(&dir.path().join("out/prod/db.sealed.json"), 0, dir.path());
    assert_opens_only_with(
        &dir.path().join("out/staging/db.sealed.json"),
        1,
        dir.path(),
    );
    // Nothing else was written: no plaintext anywhere.
    let mut written: Vec<String> = walk(dir.path());
    written.retain(|p| !p.starts_with("certs/") && !p.ends_with(".key"));
    written.sort();
    assert_eq!(
        written,
        ["out/prod/db.sealed.json", "out/staging/db.sealed.json"]
    );
}

fn walk(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p.strip_prefix(root).unwrap().display().to_string());
            }
        }
    }
    out
}

#[test]
fn several_certs_without_the_placeholder_are_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let keys = controller_keys();
    let a = keys[0].write_cert(dir.path());
    let b = keys[1].write_cert(dir.path());
    for w in [Some("db.sealed.yaml"), None] {
        let mut c = sealtoken();
        c.current_dir(dir.path())
            .arg("seal")
            .arg("--cert")
            .arg(format!("a={}", a.display()))
            .arg("--cert")
            .arg(format!("b={}", b.display()));
        if let Some(w) = w {
            c.args(["-w", w]);
        }
        let o = c.write_stdin(SECRET).output().unwrap();
        assert_eq!(o.status.code(), Some(2), "{w:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("{cluster}") && err.contains("a, b"), "{err}");
        assert!(o.stdout.is_empty());
        assert!(!dir.path().join("db.sealed.yaml").exists());
    }
    // Two certificates with one name.
    let o = sealtoken()
        .current_dir(dir.path())
        .arg("seal")
        .arg("--cert")
        .arg(format!("x={}", a.display()))
        .arg("--cert")
        .arg(format!("x={}", b.display()))
        .args(["-w", "{cluster}.json"])
        .write_stdin(SECRET)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("named \"x\""));
}

#[test]
fn sealtoken_toml_maps_cluster_names_to_pinned_certificates() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    let keys = controller_keys();
    let certs = dir.path().join("certs");
    std::fs::create_dir_all(&certs).unwrap();
    let eu = keys[0].write_cert(&certs);
    let us = keys[2].write_cert(&certs);
    let config = format!(
        "[check]\nallow = []\n\n[clusters.eu]\ncert = \"certs/{}\"\nsha256 = \"{}\"\n\n[clusters.us]\ncert = \"certs/{}\"\n",
        eu.file_name().unwrap().to_str().unwrap(),
        py_fingerprint(&eu),
        us.file_name().unwrap().to_str().unwrap(),
    );
    std::fs::write(dir.path().join(".sealtoken.toml"), &config).unwrap();
    std::fs::write(dir.path().join("secret.yaml"), SECRET).unwrap();
    // From a subdirectory: the file is found upwards, paths are relative to it.
    let sub = dir.path().join("apps");
    std::fs::create_dir(&sub).unwrap();
    sealtoken()
        .current_dir(&sub)
        .args([
            "seal",
            "--cert",
            "eu",
            "--cert",
            "us",
            "-f",
            "../secret.yaml",
        ])
        .args(["-w", "db.{cluster}.json"])
        .succeeds();
    assert_opens_only_with(&sub.join("db.eu.json"), 0, dir.path());
    assert_opens_only_with(&sub.join("db.us.json"), 2, dir.path());
    // `check` reads the same file, its [clusters] table notwithstanding.
    sealtoken()
        .current_dir(dir.path())
        .args(["check", "apps"])
        .succeeds();
    // A pin that does not match: refused, and no cluster's file is written.
    std::fs::write(
        dir.path().join(".sealtoken.toml"),
        config.replace(&py_fingerprint(&eu), &"ab".repeat(32)),
    )
    .unwrap();
    let o = sealtoken()
        .current_dir(&sub)
        .args([
            "seal",
            "--cert",
            "us",
            "--cert",
            "eu",
            "-f",
            "../secret.yaml",
        ])
        .args(["-w", "new.{cluster}.json"])
        .output()
        .unwrap();
    assert_ne!(o.status.code(), Some(0));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("cluster eu") && err.contains("does not match"),
        "{err}"
    );
    assert!(!sub.join("new.us.json").exists() && !sub.join("new.eu.json").exists());
}

/// The main job with `--cert` once per cluster: one token, sealed into one
/// file per cluster, each opening with its own key only (hybrid.py).
#[test]
fn main_job_seals_one_token_for_every_cluster() {
    let dir = tempfile::tempdir().unwrap();
    let keys = controller_keys();
    let (prod, staging) = two_cluster_certs(dir.path(), &keys[0], &keys[2]);
    let out = sealtoken()
        .current_dir(dir.path())
        .arg("--cert")
        .arg(format!("prod={}", prod.display()))
        .arg("--cert")
        .arg(&staging)
        .args(["--namespace", "flux-system", "--receiver", "apps"])
        .args(["-w", "clusters/{cluster}/webhook-token.sealed.yaml"])
        .args(["--token-file", "token.txt", "--report", "json"])
        .succeeds();
    let token = std::fs::read(dir.path().join("token.txt")).unwrap();
    assert_eq!(token.len(), 32);
    for (name, own) in [("prod", 0), ("staging", 2)] {
        let file = dir
            .path()
            .join(format!("clusters/{name}/webhook-token.sealed.yaml"));
        assert_opens_only_with_value(&file, own, dir.path(), "token", &token);
    }
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(report.get("certificate").is_none(), "{report}");
    let clusters: Vec<(&str, &str)> = report["clusters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["name"].as_str().unwrap(), c["file"].as_str().unwrap()))
        .collect();
    assert_eq!(
        clusters,
        [
            ("prod", "clusters/prod/webhook-token.sealed.yaml"),
            ("staging", "clusters/staging/webhook-token.sealed.yaml")
        ]
    );
    assert_eq!(report["clusters"][0]["sha256"], py_fingerprint(&prod));
    assert_eq!(report["clusters"][1]["sha256"], py_fingerprint(&staging));
    // One webhook path: the one token's.
    let path = report["receivers"][0]["path"].as_str().unwrap();
    let want = Command::new(tools::python())
        .args([
            "-c",
            "import hashlib,sys; print(hashlib.sha256(sys.argv[1].encode()).hexdigest())",
        ])
        .arg(format!(
            "{}appsflux-system",
            String::from_utf8(token).unwrap()
        ))
        .output()
        .unwrap();
    assert_eq!(
        path,
        format!("/hook/{}", String::from_utf8(want.stdout).unwrap().trim())
    );
}

/// Every certificate is loaded before a token exists: a bad one (here the
/// second) means no token file and no cluster's file.
#[test]
fn main_job_with_a_bad_certificate_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let good = controller_keys()[0].write_cert(dir.path());
    std::fs::write(dir.path().join("bad.pem"), "not a certificate\n").unwrap();
    for (second, what) in [
        ("bad.pem", "cluster bad"),
        ("missing.pem", "cluster missing"),
    ] {
        let o = sealtoken()
            .current_dir(dir.path())
            .arg("--cert")
            .arg(&good)
            .args(["--cert", second, "--namespace", "flux-system"])
            .args(["-w", "out/{cluster}.yaml", "--token-file", "token.txt"])
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{second}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(what), "{err}");
        assert!(!dir.path().join("out").exists());
        assert!(!dir.path().join("token.txt").exists());
    }
    // Several certificates and no {cluster}: refused before anything happens.
    let o = sealtoken()
        .current_dir(dir.path())
        .arg("--cert")
        .arg(format!("a={}", good.display()))
        .arg("--cert")
        .arg(format!("b={}", good.display()))
        .args(["--namespace", "flux-system", "-w", "token.sealed.yaml"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("{cluster}"));
    assert!(!dir.path().join("token.sealed.yaml").exists());
}

/// One `.sealtoken.toml` parser for every command: a misspelt table
/// (`[cluster.prod]` for `[clusters.prod]`) is an error naming it, in
/// `check`, `seal` and the main job alike, never a silent pass.
#[test]
fn a_misspelt_table_is_an_error_in_every_command() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    std::fs::write(
        dir.path().join(".sealtoken.toml"),
        "[cluster.prod]\ncert = \"prod.pem\"\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("secret.yaml"), SECRET).unwrap();
    let want = "line 1: unknown table [cluster] (expected [check], [cert] or [clusters])";
    let runs: [&[&str]; 3] = [
        &["check", "."],
        &["seal", "--cert", "prod", "-f", "secret.yaml"],
        &["--cert", "prod"],
    ];
    for args in runs {
        let o = sealtoken().current_dir(dir.path()).args(args).fails();
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(".sealtoken.toml: "), "{args:?}: {err}");
        assert!(err.contains(want), "{args:?}: {err}");
    }
}

/// A `.sealtoken.toml` cluster name works wherever `--cert` does, pin
/// included: `cert-info`, `seal` (one cluster, no `{cluster}` in -w),
/// `fetch-cert`, `reseal` and `check --fix`.
#[test]
fn a_cluster_name_is_a_cert_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join(".git")).unwrap();
    let keys = controller_keys();
    let eu = keys[0].write_cert(d);
    let name = eu.file_name().unwrap().to_str().unwrap().to_owned();
    let pin = py_fingerprint(&eu);
    let config = format!("[clusters.eu]\ncert = \"{name}\"\nsha256 = \"{pin}\"\n");
    std::fs::write(d.join(".sealtoken.toml"), &config).unwrap();
    std::fs::write(d.join("secret.yaml"), SECRET).unwrap();
    let run = |args: &[&str]| sealtoken().current_dir(d).args(args).succeeds();

    let info = String::from_utf8(run(&["cert-info", "--cert", "eu"]).stdout).unwrap();
    assert!(info.contains(&pin), "{info}");
    let fetched = run(&["fetch-cert", "--cert", "eu"]).stdout;
    assert_eq!(fetched, std::fs::read(&eu).unwrap());
    run(&["seal", "--cert", "eu", "-f", "secret.yaml", "-w", "db.json"]);
    assert_opens_only_with(&d.join("db.json"), 0, d);
    // reseal with the same cluster name (a key rotation to the same cluster).
    let key = keys[0].write_key(d);
    sealtoken()
        .current_dir(d)
        .args(["reseal", "--key"])
        .arg(&key)
        .args(["--cert", "eu", "db.json"])
        .succeeds();
    assert_opens_only_with(&d.join("db.json"), 0, d);
    // check --fix seals the plain Secret in place for that cluster.
    let out = sealtoken()
        .current_dir(d)
        .args(["check", "--fix", "--cert", "eu", "secret.yaml"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_opens_only_with(&d.join("secret.yaml"), 0, d);
    // A pin that does not match refuses the name in every command.
    std::fs::write(
        d.join(".sealtoken.toml"),
        config.replace(&pin, &"ab".repeat(32)),
    )
    .unwrap();
    std::fs::write(d.join("plain.yaml"), SECRET).unwrap();
    for args in [
        &["cert-info", "--cert", "eu"][..],
        &["fetch-cert", "--cert", "eu"],
        &["seal", "--cert", "eu", "-f", "plain.yaml"],
    ] {
        let out = sealtoken().current_dir(d).args(args).fails();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("does not match"), "{args:?}: {err}");
    }
}
