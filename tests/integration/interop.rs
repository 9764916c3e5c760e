//! Interoperability with an independent implementation of the scheme
//! (pyca/cryptography, tests/interop/hybrid.py), in both directions.

use std::process::Command;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use kubeseal_core::{seal_raw, unseal_raw, Certificate, ObjectRef, PrivateKey, Scope};
use serde_json::{json, Value};

use crate::common::hybrid::hybrid_py;
use crate::common::{demo_cert, demo_key, fixture, read_fixture, sealtoken, Run};
use crate::tools;

fn plaintexts() -> Vec<Vec<u8>> {
    vec![
        Vec::new(),
        b"8f3c2a1b9d4e5f6a7b8c9d0e1f2a3b4c".to_vec(),
        b"with newline\n".to_vec(),
        "ünïcødé ✓".as_bytes().to_vec(),
        (0..=255u8).collect(),
        vec![0x5a; 64 * 1024],
    ]
}

/// (cert, key) pairs: the upstream demo key (4096, PKCS#1) and test keys (2048 PKCS#8, 3072 PKCS#1).
fn key_pairs() -> Vec<(std::path::PathBuf, std::path::PathBuf)> {
    vec![
        (demo_cert(), demo_key()),
        (
            fixture("keys/rsa2048.crt"),
            fixture("keys/rsa2048.pkcs8.key"),
        ),
        (
            fixture("keys/rsa3072.crt"),
            fixture("keys/rsa3072.pkcs1.key"),
        ),
    ]
}

const IDS: [(&str, &str); 3] = [
    ("flux-system", "webhook-token"),
    ("tenant-demo", "git"),
    ("", ""),
];

#[test]
fn what_we_seal_the_independent_implementation_opens() {
    for (cert_path, key_path) in key_pairs() {
        let cert = Certificate::from_pem(&std::fs::read(&cert_path).unwrap()).unwrap();
        let mut cases = Vec::new();
        let mut want = Vec::new();
        for scope in Scope::ALL {
            for (ns, name) in IDS {
                if scope != Scope::ClusterWide && ns.is_empty() {
                    continue;
                }
                for p in plaintexts() {
                    let sealed = seal_raw(&cert, scope, &ObjectRef::new(ns, name), &p).unwrap();
                    cases.push(
                        json!({"label": STANDARD.encode(scope.label(&ObjectRef::new(ns, name))), "sealed": sealed}),
                    );
                    want.push(json!(STANDARD.encode(&p)));
                }
            }
        }
        let got = hybrid_py(&["open"], &key_path, &Value::Array(cases));
        assert_eq!(got, Value::Array(want), "{}", cert_path.display());
    }
}

#[test]
fn what_the_independent_implementation_seals_we_open() {
    for (cert_path, key_path) in key_pairs() {
        let keys = PrivateKey::from_pem(&std::fs::read(&key_path).unwrap()).unwrap();
        let mut cases = Vec::new();
        let mut meta = Vec::new();
        for scope in Scope::ALL {
            for (ns, name) in IDS {
                for p in plaintexts() {
                    cases.push(json!({"label": STANDARD.encode(scope.label(&ObjectRef::new(ns, name))), "plaintext": STANDARD.encode(&p)}));
                    meta.push((scope, ns, name, p));
                }
            }
        }
        let sealed = hybrid_py(&["seal"], &cert_path, &Value::Array(cases));
        for ((scope, ns, name, p), s) in meta.iter().zip(sealed.as_array().unwrap()) {
            let got = unseal_raw(
                &keys,
                *scope,
                &ObjectRef::new(*ns, *name),
                s.as_str().unwrap(),
            )
            .unwrap();
            assert_eq!(got.expose(), &p[..], "{scope} {ns}/{name}");
        }
    }
}

/// The main job end to end: the sealed manifest, opened by the independent
/// implementation, holds the token we reported, and the webhook path is the
/// notification-controller's formula.
#[test]
fn main_job_output_opens_elsewhere_to_the_reported_token() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("webhook-token.sealed.json");
    let res = sealtoken()
        .arg("--cert")
        .arg(demo_cert())
        .args([
            "--namespace",
            "flux-system",
            "-o",
            "json",
            "--receiver",
            "tenant-demo-github",
            "-w",
        ])
        .arg(&out)
        .succeeds();
    let report = String::from_utf8(res.stdout).unwrap();
    let token = report
        .lines()
        .skip_while(|l| !l.starts_with("Webhook token"))
        .nth(1)
        .unwrap()
        .trim()
        .to_string();
    assert_eq!(token.len(), 32);
    let sealed: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    let opened = hybrid_py(&["open-sealed"], &demo_key(), &sealed);
    assert_eq!(
        STANDARD.decode(opened["token"].as_str().unwrap()).unwrap(),
        token.as_bytes()
    );
    // Independent SHA-256: Python's hashlib.
    let digest = Command::new(tools::python())
        .args([
            "-c",
            "import hashlib,sys; print(hashlib.sha256(sys.argv[1].encode()).hexdigest())",
        ])
        .arg(format!("{token}tenant-demo-githubflux-system"))
        .output()
        .unwrap();
    let want_path = format!("/hook/{}", String::from_utf8(digest.stdout).unwrap().trim());
    assert!(
        report.contains(&format!("webhook path: {want_path}")),
        "{report}"
    );
}

#[test]
fn upstream_fixture_opens_in_the_independent_implementation() {
    // Sanity check of the independent implementation itself against upstream data.
    let sealed: Value =
        serde_json::from_slice(&read_fixture("upstream/flux-webhook-token.sealed.json")).unwrap();
    let opened = hybrid_py(&["open-sealed"], &demo_key(), &sealed);
    assert_eq!(
        STANDARD.decode(opened["token"].as_str().unwrap()).unwrap(),
        b"8f3c2a1b9d4e5f6a7b8c9d0e1f2a3b4c"
    );
}
