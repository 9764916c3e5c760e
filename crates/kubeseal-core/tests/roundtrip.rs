//! Property tests: seal/unseal round trips over keys, scopes, names and values,
//! label binding, and manifest write/read round trips through both layouts.

use std::collections::BTreeMap;

use kubeseal_core::{
    read_sealed_secrets, read_secrets, seal_raw, seal_secret, unseal, unseal_raw, Certificate,
    Format, ObjectRef, PrivateKey, Scope, SealOptions, Secret, SecretValue,
};
use proptest::prelude::*;

fn fixture(rel: &str) -> Vec<u8> {
    let p = format!("{}/../../fixtures/{rel}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&p).unwrap_or_else(|e| panic!("{p}: {e}"))
}

struct Pair {
    cert: Certificate,
    keys: Vec<PrivateKey>,
}

fn pairs() -> &'static [Pair] {
    static PAIRS: std::sync::OnceLock<Vec<Pair>> = std::sync::OnceLock::new();
    PAIRS.get_or_init(|| {
        [
            ("upstream/controller.crt", "upstream/controller.key"),
            ("keys/rsa2048.crt", "keys/rsa2048.pkcs8.key"),
            ("keys/rsa3072.pub.pem", "keys/rsa3072.pkcs1.key"),
        ]
        .iter()
        .map(|(c, k)| Pair {
            cert: Certificate::from_pem(&fixture(c)).unwrap(),
            keys: PrivateKey::from_pem(&fixture(k)).unwrap(),
        })
        .collect()
    })
}

fn scope() -> impl Strategy<Value = Scope> {
    prop::sample::select(Scope::ALL.to_vec())
}

fn k8s_name() -> impl Strategy<Value = String> {
    "[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?"
}

/// Strings that stress YAML quoting: indicators, YAML 1.1 words, numbers, unicode, line breaks.
fn tricky_string() -> impl Strategy<Value = String> {
    prop_oneof![
        "[ -~]{0,24}",
        "\\PC{0,12}",
        prop::sample::select(vec![
            "",
            "true",
            "no",
            "on",
            "~",
            "null",
            "123",
            "0x1F",
            "1e3",
            "2024-01-01",
            "- x",
            "a: b",
            "#c",
            "a #b",
            "'q'",
            "\"dq\"",
            " lead",
            "trail ",
            "*star",
            "&amp",
            "!tag",
            "%p",
            "@at",
            "`b`",
            "{x}",
            "[x]",
            "multi\nline",
            "trailing\n",
            "two\n\n",
            "tab\there",
            "é✓",
            "---",
            "...",
            "<<",
            "a\\b",
            " lead\nnext",
            "\nfirst empty",
            "x\n y",
            "cr\r\nlf",
        ])
        .prop_map(String::from),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn raw_round_trip_and_label_binding(
        pair in 0usize..3,
        scope in scope(),
        ns in k8s_name(),
        name in k8s_name(),
        value in prop::collection::vec(any::<u8>(), 0..2048),
    ) {
        let p = &pairs()[pair];
        let sealed = seal_raw(&p.cert, scope, &ObjectRef::new(&ns, &name), &value).unwrap();
        let opened = unseal_raw(&p.keys, scope, &ObjectRef::new(&ns, &name), &sealed).unwrap();
        prop_assert_eq!(opened.expose(), &value[..]);
        // Any other label must fail.
        let label = scope.label(&ObjectRef::new(&ns, &name));
        for s in Scope::ALL {
            for (n, m) in [(ns.clone(), name.clone()), (format!("{ns}x"), name.clone()), (ns.clone(), format!("{name}x"))] {
                if s.label(&ObjectRef::new(&n, &m)) != label {
                    prop_assert!(unseal_raw(&p.keys, s, &ObjectRef::new(&n, &m), &sealed).is_err());
                }
            }
        }
        // Another key pair cannot open it.
        let other = &pairs()[(pair + 1) % 3];
        prop_assert!(unseal_raw(&other.keys, scope, &ObjectRef::new(&ns, &name), &sealed).is_err());
    }

    #[test]
    fn fresh_session_key_every_time(value in prop::collection::vec(any::<u8>(), 0..64)) {
        let p = &pairs()[1];
        let a = seal_raw(&p.cert, Scope::Strict, &ObjectRef::new("ns", "n"), &value).unwrap();
        let b = seal_raw(&p.cert, Scope::Strict, &ObjectRef::new("ns", "n"), &value).unwrap();
        prop_assert_ne!(a, b);
    }

    #[test]
    fn manifest_round_trip_through_both_layouts(
        name in k8s_name(),
        ns in k8s_name(),
        scope in scope(),
        data in prop::collection::btree_map("[A-Za-z0-9._-]{1,12}", prop::collection::vec(any::<u8>(), 0..64), 1..5),
        labels in prop::collection::btree_map("[a-z0-9./-]{1,16}", tricky_string(), 0..4),
        annotations in prop::collection::btree_map("[a-z0-9./-]{1,16}", tricky_string(), 0..4),
        secret_type in prop::option::of(tricky_string()),
        immutable in prop::option::of(any::<bool>()),
    ) {
        let mut secret = Secret::new(&ObjectRef::new(ns.clone(), name.clone()));
        secret.metadata.labels = labels;
        secret.metadata.annotations = annotations;
        secret.secret_type = secret_type;
        secret.immutable = immutable;
        for (k, v) in &data {
            secret.insert(k.clone(), SecretValue::new(v.clone()));
        }
        let p = &pairs()[1];
        let sealed = seal_secret(&p.cert, &secret, &SealOptions::new().scope(scope)).unwrap();
        for format in [Format::Json, Format::Yaml] {
            let text = sealed.to_string(format);
            let mut back = read_sealed_secrets(text.as_bytes())
                .unwrap_or_else(|e| panic!("{e}\n{text}"));
            prop_assert_eq!(back.len(), 1);
            let mut back = back.remove(0);
            back.origin = sealed.origin;
            prop_assert_eq!(&back, &sealed, "{}", text);
            if format == Format::Json {
                // Also valid JSON for an independent parser.
                let v: serde_json::Value = serde_json::from_str(&text).unwrap();
                prop_assert_eq!(v["metadata"]["name"].as_str(), Some(name.as_str()));
            }
            let opened = unseal(&p.keys, &back).unwrap();
            let got: BTreeMap<String, Vec<u8>> =
                opened.data.iter().map(|(k, v)| (k.clone(), v.expose().to_vec())).collect();
            prop_assert_eq!(&got, &data);
        }
        // The plaintext Secret round-trips too (the unseal output path).
        for format in [Format::Json, Format::Yaml] {
            let text = secret.to_string(format);
            let back = read_secrets(text.as_bytes()).unwrap_or_else(|e| panic!("{e}\n{text}"));
            prop_assert_eq!(&back[0].data, &secret.data);
            prop_assert_eq!(&back[0].metadata.annotations, &secret.metadata.annotations, "{}", text);
            prop_assert_eq!(&back[0].metadata.labels, &secret.metadata.labels);
        }
    }
}
