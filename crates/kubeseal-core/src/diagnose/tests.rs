use super::*;
use crate::manifest::ObjectRef;
use crate::seal::seal_raw;

const CERT: &[u8] = include_bytes!("../../../../fixtures/upstream/controller.crt");
const KEY: &[u8] = include_bytes!("../../../../fixtures/upstream/controller.key");
const CERT_2048: &[u8] = include_bytes!("../../../../fixtures/keys/rsa2048.crt");

fn cert(pem: &[u8]) -> Certificate {
    Certificate::from_pem(pem).unwrap()
}

fn value(pem: &[u8], scope: Scope, ns: &str, name: &str) -> String {
    seal_raw(&cert(pem), scope, &ObjectRef::new(ns, name), b"s3cr3t").unwrap()
}

/// A SealedSecret with `meta` (flow mapping body) and `values` (key, base64).
fn manifest(meta: &str, template: &str, values: &[(&str, &str)]) -> String {
    let mut s = format!(
        "apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata: {{{meta}}}\nspec:\n  template: {{{template}}}\n  encryptedData:\n"
    );
    for (k, v) in values {
        s.push_str(&format!("    {k}: {v}\n"));
    }
    s
}

fn causes(d: &Diagnosis) -> Vec<&'static str> {
    d.findings().iter().map(|f| f.cause().code()).collect()
}

#[test]
fn a_healthy_strict_secret_has_no_findings_with_or_without_key_and_cert() {
    let m = manifest(
        "name: db, namespace: prod",
        "metadata: {name: db, namespace: prod}",
        &[("password", &value(CERT, Scope::Strict, "prod", "db"))],
    );
    let keys = PrivateKey::from_pem(KEY).unwrap();
    let c = cert(CERT);
    for doctor in [Doctor::new(), Doctor::new().certificate(&c).keys(&keys)] {
        let d = diagnose(&doctor, m.as_bytes()).unwrap();
        assert!(d.is_healthy(), "{:?}", d.findings());
        assert_eq!(d.sealed_secrets(), 1);
    }
    let d = diagnose(&Doctor::new().keys(&keys), m.as_bytes()).unwrap();
    assert_eq!(d.values()[0].line, 7);
    assert_eq!(
        d.values()[0].opened_by,
        Some(Opened {
            key_index: 0,
            binding: Binding::new(Scope::Strict, Some("prod"), Some("db"))
        })
    );
}

#[test]
fn structural_findings_without_keys() {
    let v = value(CERT, Scope::Strict, "prod", "db");
    let v2048 = value(CERT_2048, Scope::Strict, "prod", "db");
    let cases: Vec<(String, Vec<&str>)> = vec![
        (manifest("name: db", "", &[("a", &v)]), vec!["missing-namespace"]),
        (
            manifest(
                "name: db, namespace: prod, annotations: {sealedsecrets.bitnami.com/namespace-wide: \"true\"}",
                "",
                &[("a", &v)],
            ),
            vec!["scope-mismatch"],
        ),
        (
            manifest("name: db, namespace: prod", "metadata: {name: web, namespace: prod}", &[("a", &v)]),
            vec!["name-mismatch"],
        ),
        (
            manifest("name: db, namespace: prod", "metadata: {namespace: staging}", &[("a", &v)]),
            vec!["namespace-mismatch"],
        ),
        (manifest("name: db, namespace: prod", "", &[("a", "'%%%'")]), vec!["not-base64"]),
        (manifest("name: db, namespace: prod", "", &[("a", "AAAA")]), vec!["too-short"]),
        (
            manifest("name: db, namespace: prod", "", &[("a", &crate::b64::encode(&[0xff; 300]))]),
            vec!["bad-length"],
        ),
        (
            manifest("name: db, namespace: prod", "", &[("a", &v), ("b", &v2048)]),
            vec!["mixed-key-sizes"],
        ),
        (
            manifest("name: db, namespace: prod", "type: kubernetes.io/tls", &[("tls.crt", &v)]),
            vec!["missing-type-keys"],
        ),
        (
            manifest(
                "name: db, namespace: prod",
                "type: kubernetes.io/dockerconfigjson",
                &[(".dockerconfigjson", &v)],
            ),
            vec![],
        ),
        (
            manifest(
                "name: db, namespace: prod",
                "data: {url: 'postgres://{{ .user }}:{{ .password }}@db'}",
                &[("password", &v)],
            ),
            vec!["template-missing-key"],
        ),
        (
            // A plain template.data value may be read by a template (v0.37).
            manifest(
                "name: db, namespace: prod",
                "data: {url: 'postgres://{{ .user }}:{{ .password }}@db', user: app}",
                &[("password", &v)],
            ),
            vec![],
        ),
        (
            manifest(
                "name: db, namespace: prod",
                "data: {url: '{{ .password ', home: '{{ env \"HOME\" }}'}",
                &[("password", &v)],
            ),
            vec!["template-invalid", "template-invalid"],
        ),
        (
            manifest(
                "name: db, annotations: {sealedsecrets.bitnami.com/cluster-wide: \"true\"}",
                "metadata: {annotations: {sealedsecrets.bitnami.com/cluster-wide: \"true\"}}",
                &[("a", &value(CERT, Scope::ClusterWide, "", ""))],
            ),
            vec![],
        ),
    ];
    for (m, want) in cases {
        let d = diagnose(&Doctor::new(), m.as_bytes()).unwrap();
        assert_eq!(causes(&d), want, "{m}");
    }
}

#[test]
fn findings_point_at_the_field_concerned() {
    let m = manifest(
        "name: db, namespace: prod",
        "metadata: {name: web}",
        &[
            ("ok", &value(CERT, Scope::Strict, "prod", "db")),
            ("bad", "AAAA"),
        ],
    );
    let d = diagnose(&Doctor::new(), m.as_bytes()).unwrap();
    let lines: Vec<(usize, &str)> = d
        .findings()
        .iter()
        .map(|f| (f.line(), f.cause().code()))
        .collect();
    // line 5: the template (flow mapping); line 8: the second value.
    assert_eq!(lines, [(5, "name-mismatch"), (8, "too-short")]);
    assert_eq!(d.findings()[1].key(), Some("bad"));
    assert_eq!(
        d.findings()[1].to_string(),
        "SealedSecret \"prod/db\": encryptedData.bad: decodes to 3 bytes, too short for a sealed value (at least 274): truncated or not sealed; seal it again"
    );
}

#[test]
fn the_certificate_names_values_sealed_for_another_key_size() {
    let m = manifest(
        "name: db, namespace: prod",
        "",
        &[("a", &value(CERT_2048, Scope::Strict, "prod", "db"))],
    );
    let c = cert(CERT);
    let d = diagnose(&Doctor::new().certificate(&c), m.as_bytes()).unwrap();
    assert_eq!(
        d.findings()[0].cause(),
        &Cause::CertificateMismatch {
            bits: 2048,
            cert_bits: 4096
        }
    );
}

#[test]
fn keys_tell_where_each_value_was_sealed_for() {
    let keys = PrivateKey::from_pem(KEY).unwrap();
    let meta = "name: db, namespace: prod";
    let expected = Binding::new(Scope::Strict, Some("prod"), Some("db"));
    let cases = [
        (
            value(CERT, Scope::Strict, "staging", "db"),
            "metadata: {namespace: staging}",
            Some(Binding::new(Scope::Strict, Some("staging"), Some("db"))),
        ),
        (
            value(CERT, Scope::NamespaceWide, "prod", ""),
            "",
            Some(Binding::new(Scope::NamespaceWide, Some("prod"), None)),
        ),
        (
            value(CERT, Scope::ClusterWide, "", ""),
            "",
            Some(Binding::new(Scope::ClusterWide, None, None)),
        ),
        (value(CERT_2048, Scope::Strict, "prod", "db"), "", None),
    ];
    for (v, template, found) in cases {
        let m = manifest(meta, template, &[("password", &v)]);
        let d = diagnose(&Doctor::new().keys(&keys), m.as_bytes()).unwrap();
        let last = d.findings().last().unwrap().cause().clone();
        match found {
            Some(found) => {
                assert_eq!(
                    last,
                    Cause::SealedElsewhere {
                        expected: expected.clone(),
                        found: found.clone()
                    }
                );
                assert_eq!(d.values()[0].opened_by.as_ref().unwrap().binding, found);
            }
            None => {
                assert!(matches!(last, Cause::NoKeyOpens { .. }), "{last:?}");
                assert_eq!(d.values()[0].opened_by, None);
            }
        }
    }
}

#[test]
fn fixes_in_words() {
    let expected = Binding::new(Scope::Strict, Some("prod"), Some("db"));
    let msg = |found: Binding| {
        Cause::SealedElsewhere {
            expected: expected.clone(),
            found,
        }
        .to_string()
    };
    let m = msg(Binding::new(Scope::Strict, Some("staging"), Some("db")));
    assert!(
        m.contains("sealed for namespace \"staging\" but the manifest says \"prod\""),
        "{m}"
    );
    let m = msg(Binding::new(Scope::NamespaceWide, Some("prod"), None));
    assert!(
        m.contains("add the annotation sealedsecrets.bitnami.com/namespace-wide: \"true\""),
        "{m}"
    );
    let m = msg(Binding::new(Scope::Strict, Some("prod"), Some("web")));
    assert!(
        m.contains("sealed for the name \"web\" but metadata.name is \"db\""),
        "{m}"
    );
}

#[test]
fn a_missing_namespace_is_named_from_the_template_or_candidates() {
    let keys = PrivateKey::from_pem(KEY).unwrap();
    let v = value(CERT, Scope::Strict, "prod", "db");
    let m = manifest("name: db", "", &[("password", &v)]);
    let d = diagnose(&Doctor::new().keys(&keys).namespace("prod"), m.as_bytes()).unwrap();
    assert_eq!(
        d.findings()
            .iter()
            .map(|f| f.cause().clone())
            .collect::<Vec<_>>(),
        [Cause::MissingNamespace {
            scope: Scope::Strict,
            sealed_for: Some("prod".into())
        }]
    );
    // Without the candidate, nothing opens it.
    let d = diagnose(&Doctor::new().keys(&keys), m.as_bytes()).unwrap();
    assert_eq!(causes(&d), ["missing-namespace", "no-key-opens"]);
}

#[test]
fn unreadable_sealed_secrets_are_findings_and_other_kinds_are_ignored() {
    let input = b"kind: ConfigMap\nmetadata: {name: c}\n---\nkind: SealedSecret\napiVersion: bitnami.com/v1alpha1\nmetadata: {name: x, namespace: y}\nspec: {encryptedData: {a: 12}}\n";
    let d = diagnose(&Doctor::new(), input).unwrap();
    assert_eq!(d.sealed_secrets(), 1);
    assert_eq!(causes(&d), ["invalid"]);
    assert_eq!(d.findings()[0].name(), Some("x"));
    assert!(diagnose(&Doctor::new(), b"a: [").is_err());
    assert_eq!(
        diagnose(&Doctor::new(), b"kind: Secret\n")
            .unwrap()
            .sealed_secrets(),
        0
    );
}
