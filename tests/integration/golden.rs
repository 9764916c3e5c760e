//! Manifest layout against what kubeseal writes (fixtures/upstream), with the
//! random ciphertext masked.
//!
//! The fixtures carry `creationTimestamp: null`, which kubeseal wrote up to
//! v0.31. From v0.32 on (apimachinery >= 0.34, `omitzero` on ObjectMeta's
//! CreationTimestamp) kubeseal omits it, and so do we: those lines are the
//! only difference we allow.

use kubeseal_core::{
    read_secrets, seal_secret, unseal, Certificate, Format, PrivateKey, SealOptions,
};

use crate::common::{demo_cert, read_fixture, sealtoken, Run};

const MASK: &str = "<sealed>";

fn text(rel: &str) -> String {
    String::from_utf8(read_fixture(rel)).unwrap()
}

/// Masks the value of every `token` entry (YAML `token: X` or JSON `"token": "X"`).
pub fn mask(s: &str) -> String {
    s.lines()
        .map(|l| {
            if let Some(i) = l.find("token: ") {
                format!("{}{MASK}", &l[..i + "token: ".len()])
            } else if let Some(i) = l.find("\"token\": \"") {
                format!("{}{MASK}\"", &l[..i + "\"token\": \"".len()])
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Drops kubeseal <= 0.31's `creationTimestamp: null` lines (and the JSON comma before them).
pub fn drop_creation_timestamp(s: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    for l in s.lines() {
        if l.trim() == "creationTimestamp: null" || l.trim() == "\"creationTimestamp\": null" {
            if l.contains('"') {
                if let Some(prev) = out.last_mut() {
                    if prev.ends_with(',') {
                        prev.pop();
                    }
                }
            }
            continue;
        }
        out.push(l.to_string());
    }
    out.join("\n") + "\n"
}

fn sealed_fixture_secret(format: Format) -> String {
    let cert = Certificate::from_pem(&read_fixture("upstream/controller.crt")).unwrap();
    let secrets = read_secrets(&read_fixture("upstream/secret.yaml")).unwrap();
    assert_eq!(secrets.len(), 1);
    seal_secret(&cert, &secrets[0], &SealOptions::new())
        .unwrap()
        .to_string(format)
}

#[test]
fn yaml_layout_matches_kubeseal() {
    let want = drop_creation_timestamp(&mask(&text("upstream/flux-webhook-token.sealed.yaml")));
    let got = sealed_fixture_secret(Format::Yaml);
    assert!(got.ends_with('\n') && !got.ends_with("---\n"));
    assert_eq!(mask(&got) + "\n", want);
}

#[test]
fn json_layout_matches_kubeseal() {
    let want = drop_creation_timestamp(&mask(&text("upstream/flux-webhook-token.sealed.json")));
    let got = sealed_fixture_secret(Format::Json);
    assert_eq!(mask(&got) + "\n", want);
}

#[test]
fn cli_seal_of_the_fixture_secret_matches_kubeseal_layout() {
    let out = sealtoken()
        .args(["seal", "-f"])
        .arg(crate::common::fixture("upstream/secret.yaml"))
        .args([
            "--controller-namespace",
            "sealed-secrets",
            "-n",
            "flux-system",
            "--cert",
        ])
        .arg(demo_cert())
        .succeeds();
    let want = drop_creation_timestamp(&mask(&text("upstream/flux-webhook-token.sealed.json")));
    assert_eq!(mask(&String::from_utf8(out.stdout).unwrap()) + "\n", want);
}

#[test]
fn upstream_sealed_manifests_unseal_to_the_fixture_token() {
    let keys = PrivateKey::from_pem(&read_fixture("upstream/controller.key")).unwrap();
    let fixture = read_secrets(&read_fixture("upstream/secret.yaml"))
        .unwrap()
        .remove(0);
    for f in [
        "upstream/flux-webhook-token.sealed.yaml",
        "upstream/flux-webhook-token.sealed.json",
    ] {
        let sealed = kubeseal_core::read_sealed_secrets(&read_fixture(f)).unwrap();
        assert_eq!(sealed.len(), 1, "{f}");
        let secret = unseal(&keys, &sealed[0]).unwrap();
        assert_eq!(secret.data["token"], fixture.data["token"], "{f}");
        assert_eq!(secret.metadata.name.as_deref(), Some("webhook-token"));
        assert_eq!(secret.secret_type.as_deref(), Some("Opaque"));
    }
}

#[test]
fn reading_and_rewriting_an_upstream_manifest_keeps_its_layout() {
    for (f, format) in [
        ("upstream/flux-webhook-token.sealed.yaml", Format::Yaml),
        ("upstream/flux-webhook-token.sealed.json", Format::Json),
    ] {
        let original = text(f);
        let sealed = kubeseal_core::read_sealed_secrets(original.as_bytes())
            .unwrap()
            .remove(0);
        assert_eq!(
            sealed.to_string(format),
            drop_creation_timestamp(&original),
            "{f}"
        );
    }
}
