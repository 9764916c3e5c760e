//! Upstream test vectors: values sealed by the Go `HybridEncrypt` of
//! bitnami-labs/sealed-secrets (fixtures/upstream/vectors.json), tested from
//! the crate that implements the scheme.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use kubeseal_core::{unseal_raw, ObjectRef, PrivateKey, Scope, UnsealError};
use serde_json::Value;

fn read_fixture(rel: &str) -> Vec<u8> {
    let p = format!("{}/../../fixtures/{rel}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&p).unwrap_or_else(|e| panic!("{p}: {e}"))
}

fn keys() -> Vec<PrivateKey> {
    PrivateKey::from_pem(&read_fixture("upstream/controller.key")).unwrap()
}

fn cases() -> Vec<Value> {
    let v: Value = serde_json::from_slice(&read_fixture("upstream/vectors.json")).unwrap();
    v["cases"].as_array().unwrap().clone()
}

fn field<'a>(c: &'a Value, k: &str) -> &'a str {
    c[k].as_str().unwrap_or_else(|| panic!("vector field {k}"))
}

#[test]
fn every_upstream_vector_decrypts_to_its_plaintext() {
    let keys = keys();
    let cases = cases();
    assert!(
        cases.len() >= 20,
        "expected the full vector set, got {}",
        cases.len()
    );
    for c in &cases {
        let scope: Scope = field(c, "scope").parse().unwrap();
        let (ns, name) = (field(c, "namespace"), field(c, "name"));
        assert_eq!(
            scope.label(&ObjectRef::new(ns, name)),
            field(c, "label").as_bytes(),
            "label of {c}"
        );
        let want = STANDARD.decode(field(c, "plaintext_base64")).unwrap();
        let got = unseal_raw(
            &keys,
            scope,
            &ObjectRef::new(ns, name),
            field(c, "sealed_base64"),
        )
        .unwrap_or_else(|e| panic!("{} {}: {e}", field(c, "scope"), field(c, "plaintext_name")));
        assert_eq!(
            got.expose(),
            &want[..],
            "{} {}",
            field(c, "scope"),
            field(c, "plaintext_name")
        );
    }
}

#[test]
fn every_upstream_vector_fails_under_another_label() {
    let keys = keys();
    for c in cases()
        .iter()
        .filter(|c| field(c, "plaintext_name") != "large-64KiB")
    {
        let scope: Scope = field(c, "scope").parse().unwrap();
        let (ns, name) = (field(c, "namespace"), field(c, "name"));
        let sealed = field(c, "sealed_base64");
        let label = scope.label(&ObjectRef::new(ns, name));
        let mut variants: Vec<(Scope, String, String)> = Scope::ALL
            .iter()
            .filter(|s| **s != scope)
            .map(|s| (*s, ns.to_string(), name.to_string()))
            .collect();
        variants.push((scope, format!("{ns}x"), name.to_string()));
        variants.push((scope, ns.to_string(), format!("{name}x")));
        for (s, n, m) in variants {
            if s.label(&ObjectRef::new(&n, &m)) == label {
                continue; // e.g. the name does not matter for cluster-wide values
            }
            let err = unseal_raw(&keys, s, &ObjectRef::new(&n, &m), sealed).unwrap_err();
            assert!(
                matches!(err, UnsealError::NoKeyCouldDecrypt { .. }),
                "{s} {n}/{m}: {err}"
            );
        }
    }
}

#[test]
fn tampered_upstream_vector_is_refused() {
    let keys = keys();
    let c = &cases()[1];
    let mut raw = STANDARD.decode(field(c, "sealed_base64")).unwrap();
    for i in [0usize, 2, 100, raw.len() - 1] {
        raw[i] ^= 0x01;
        let b64 = STANDARD.encode(&raw);
        assert!(
            unseal_raw(
                &keys,
                Scope::Strict,
                &ObjectRef::new("flux-system", "webhook-token"),
                &b64
            )
            .is_err(),
            "byte {i}"
        );
        raw[i] ^= 0x01;
    }
    raw.truncate(raw.len() - 1);
    let b64 = STANDARD.encode(&raw);
    assert!(unseal_raw(
        &keys,
        Scope::Strict,
        &ObjectRef::new("flux-system", "webhook-token"),
        &b64
    )
    .is_err());
}
