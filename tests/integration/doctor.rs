//! `sealtoken doctor`: every broken case it names, on SealedSecrets the tests
//! seal themselves (common/keys.rs), through the real binary. Each message is
//! checked for its fix in words and the line it points at; no plaintext ever
//! appears in what the command prints.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use kubeseal_core::Scope;
use serde_json::Value;

use crate::common::doctor_docs::*;
use crate::common::keys::{controller_keys, other_size_key};

#[test]
fn strict_scope_without_a_namespace() {
    let text = sealed_doc(
        &meta(2, None, "db", Scope::Strict),
        "",
        &[(
            "password",
            value(key_a(), Scope::Strict, "prod", "db", "ns"),
        )],
    );
    expect_findings(
        &text,
        &[],
        &[(
            line_of(&text, "metadata:"),
            &[
                "\"db\": no metadata.namespace, and its scope (strict) binds every value to one",
                "set metadata.namespace to the namespace it was sealed for",
            ],
        )],
    );
    // Namespace-wide too; cluster-wide needs none.
    let text = sealed_doc(
        &meta(2, None, "db", Scope::NamespaceWide),
        &tmeta(None, "db", Scope::NamespaceWide),
        &[(
            "password",
            value(key_a(), Scope::NamespaceWide, "prod", "db", "ns"),
        )],
    );
    expect_findings(
        &text,
        &[],
        &[(
            line_of(&text, "metadata:"),
            &["its scope (namespace-wide) binds every value to one"],
        )],
    );
    let dir = tempfile::tempdir().unwrap();
    let text = sealed_doc(
        &meta(2, None, "db", Scope::ClusterWide),
        &tmeta(None, "db", Scope::ClusterWide),
        &[("password", value(key_a(), Scope::ClusterWide, "", "", "cw"))],
    );
    write(dir.path(), "cw.yaml", &text);
    let out = doctor(dir.path(), &["cw.yaml"]);
    assert_eq!((out.code, out.stdout.as_str()), (0, ""), "{}", out.stderr);
}

#[test]
fn with_keys_a_missing_namespace_names_the_one_sealed_for() {
    let dir = tempfile::tempdir().unwrap();
    let backup = backup(dir.path());
    let text = sealed_doc(
        &meta(2, None, "db", Scope::Strict),
        "",
        &[
            ("user", value(key_a(), Scope::Strict, "prod", "db", "u")),
            ("password", value(key_a(), Scope::Strict, "prod", "db", "p")),
        ],
    );
    expect_findings(
        &text,
        &["--key", backup.to_str().unwrap(), "-n", "prod"],
        &[(
            line_of(&text, "metadata:"),
            &[
                "no metadata.namespace",
                "the values were sealed for \"prod\": set metadata.namespace: prod",
            ],
        )],
    );
}

#[test]
fn scope_annotations_disagreeing_between_metadata_and_template() {
    let v = value(key_a(), Scope::Strict, "prod", "db", "scope");
    let text = sealed_doc(
        &meta(2, Some("prod"), "db", Scope::Strict),
        &tmeta(Some("prod"), "db", Scope::NamespaceWide),
        &[("password", v)],
    );
    expect_findings(
        &text,
        &[],
        &[(
            line_of(&text, "annotations:"),
            &["\"prod/db\": metadata declares the scope strict but spec.template.metadata declares namespace-wide; the controller uses metadata's: make the annotations agree"],
        )],
    );
    let v = value(key_a(), Scope::ClusterWide, "", "", "scope");
    let text = sealed_doc(
        &meta(2, Some("prod"), "db", Scope::ClusterWide),
        &tmeta(Some("prod"), "db", Scope::Strict),
        &[("password", v)],
    );
    expect_findings(
        &text,
        &[],
        &[(
            // The template has no annotations: the line of its metadata.
            line_is(&text, "    metadata:"),
            &["metadata declares the scope cluster-wide but spec.template.metadata declares strict"],
        )],
    );
}

#[test]
fn metadata_and_template_disagreeing_on_name_or_namespace() {
    let v = value(key_a(), Scope::Strict, "prod", "db", "id");
    let text = sealed_doc(
        &meta(2, Some("prod"), "db", Scope::Strict),
        &tmeta(Some("prod"), "web", Scope::Strict),
        &[("password", v.clone())],
    );
    expect_findings(
        &text,
        &[],
        &[(
            line_of(&text, "name: web"),
            &["\"prod/db\": metadata.name is \"db\" but spec.template.metadata.name is \"web\"; the controller uses metadata's: make them agree"],
        )],
    );
    let text = sealed_doc(
        &meta(2, Some("prod"), "db", Scope::Strict),
        &tmeta(Some("staging"), "db", Scope::Strict),
        &[("password", v)],
    );
    expect_findings(
        &text,
        &[],
        &[(
            line_of(&text, "namespace: staging"),
            &["metadata.namespace is \"prod\" but spec.template.metadata.namespace is \"staging\"; the controller uses metadata's: make them agree"],
        )],
    );
}

#[test]
fn values_that_are_not_base64_too_short_or_with_a_bad_length_field() {
    let good = value(key_a(), Scope::Strict, "prod", "db", "ok");
    // 2-byte length 512, then 298 bytes: 300 in all, less than 2 + 512 + 16.
    let mut bad_len = vec![0x02, 0x00];
    bad_len.extend(std::iter::repeat_n(0x41, 298));
    let text = sealed_doc(
        &meta(2, Some("prod"), "db", Scope::Strict),
        &tmeta(Some("prod"), "db", Scope::Strict),
        &[
            ("good", good),
            ("notb64", "\"%%%not-base64%%%\"".to_string()),
            ("short", STANDARD.encode([0u8; 40])),
            ("badlen", STANDARD.encode(&bad_len)),
        ],
    );
    expect_findings(
        &text,
        &[],
        &[
            (
                line_of(&text, "notb64:"),
                &["\"prod/db\": encryptedData.notb64: not valid base64 (standard alphabet, padded): damaged or not a sealed value; seal it again"],
            ),
            (
                line_of(&text, "short:"),
                &["encryptedData.short: decodes to 40 bytes, too short for a sealed value (at least 274): truncated or not sealed; seal it again"],
            ),
            (
                line_of(&text, "badlen:"),
                &["encryptedData.badlen: declares a 512-byte RSA ciphertext in a 300-byte value: truncated or not a sealed value; seal it again"],
            ),
        ],
    );
}

#[test]
fn values_of_one_object_sealed_with_keys_of_different_sizes() {
    let text = sealed_doc(
        &meta(2, Some("prod"), "db", Scope::Strict),
        &tmeta(Some("prod"), "db", Scope::Strict),
        &[
            ("a", value(key_a(), Scope::Strict, "prod", "db", "a")),
            (
                "b",
                value(other_size_key(), Scope::Strict, "prod", "db", "b"),
            ),
            ("c", value(key_a(), Scope::Strict, "prod", "db", "c")),
        ],
    );
    expect_findings(
        &text,
        &[],
        &[(
            line_of(&text, "encryptedData:"),
            &["its values were sealed with RSA keys of different sizes (2048-bit: a, c; 3072-bit: b), so with different keys: reseal the odd ones with the current certificate"],
        )],
    );
}

#[test]
fn typed_secrets_missing_their_required_keys() {
    let v = |tag: &str| value(key_a(), Scope::Strict, "prod", "web", tag);
    type Case<'a> = (&'a str, Vec<(&'a str, String)>, &'a str);
    let cases: [Case; 4] = [
        (
            "kubernetes.io/tls",
            vec![("tls.crt", v("crt"))],
            "type kubernetes.io/tls requires the key(s) tls.key, absent from encryptedData and spec.template.data: the API server will refuse the Secret",
        ),
        (
            "kubernetes.io/dockerconfigjson",
            vec![("config.json", v("d"))],
            "type kubernetes.io/dockerconfigjson requires the key(s) .dockerconfigjson,",
        ),
        (
            "kubernetes.io/ssh-auth",
            vec![("id_rsa", v("s"))],
            "type kubernetes.io/ssh-auth requires the key(s) ssh-privatekey,",
        ),
        (
            "kubernetes.io/basic-auth",
            vec![("token", v("b"))],
            "type kubernetes.io/basic-auth requires the key(s) username or password,",
        ),
    ];
    for (ty, values, message) in cases {
        let template = format!(
            "{}    type: {ty}\n",
            tmeta(Some("prod"), "web", Scope::Strict)
        );
        let text = sealed_doc(
            &meta(2, Some("prod"), "web", Scope::Strict),
            &template,
            &values,
        );
        expect_findings(
            &text,
            &[],
            &[(line_of(&text, "type:"), &["\"prod/web\": ", message])],
        );
    }
    // The required key may come from the template instead: healthy.
    let dir = tempfile::tempdir().unwrap();
    let template = format!(
        "{}    type: kubernetes.io/tls\n    data:\n      tls.crt: |\n        {{{{ .cert }}}}\n",
        tmeta(Some("prod"), "web", Scope::Strict)
    );
    let text = sealed_doc(
        &meta(2, Some("prod"), "web", Scope::Strict),
        &template,
        &[("cert", v("c")), ("tls.key", v("k"))],
    );
    write(dir.path(), "ok.yaml", &text);
    let out = doctor(dir.path(), &["ok.yaml"]);
    assert_eq!((out.code, out.stdout.as_str()), (0, ""), "{}", out.stderr);
}

#[test]
fn template_references_to_missing_keys() {
    let v = |tag: &str| value(key_a(), Scope::Strict, "prod", "db", tag);
    let template = format!(
        "{}    data:\n      url: postgres://{{{{ .user }}}}:{{{{ .password }}}}@db/app\n      ca.crt: '{{{{ index . \"ca.pem\" }}}}'\n",
        tmeta(Some("prod"), "db", Scope::Strict)
    );
    let text = sealed_doc(
        &meta(2, Some("prod"), "db", Scope::Strict),
        &template,
        &[("user", v("u"))],
    );
    expect_findings(
        &text,
        &[],
        &[
            (
                line_of(&text, "url:"),
                &["\"prod/db\": spec.template.data.url references \"password\", absent from encryptedData and template.data: it renders as \"<no value>\" (or empty with index); seal \"password\" or fix the template"],
            ),
            (
                line_of(&text, "ca.crt:"),
                &["spec.template.data.ca.crt references \"ca.pem\", absent from encryptedData"],
            ),
        ],
    );
}

// With --cert:

#[test]
fn with_cert_values_sealed_for_another_key_size() {
    let dir = tempfile::tempdir().unwrap();
    let cert_3072 = other_size_key().write_cert(dir.path());
    let cert_2048 = key_a().write_cert(dir.path());
    let text = sealed_doc(
        &meta(2, Some("prod"), "db", Scope::Strict),
        &tmeta(Some("prod"), "db", Scope::Strict),
        &[("password", value(key_a(), Scope::Strict, "prod", "db", "c"))],
    );
    let out = expect_findings(
        &text,
        &["--cert", cert_3072.to_str().unwrap()],
        &[(
            line_of(&text, "password:"),
            &["\"prod/db\": encryptedData.password: sealed with a 2048-bit RSA key but the certificate's key has 3072 bits: sealed for another key; reseal it with this certificate"],
        )],
    );
    assert!(out.stderr.is_empty(), "{}", out.stderr);
    // The right certificate: healthy.
    write(dir.path(), "s.yaml", &text);
    let out = doctor(
        dir.path(),
        &["--cert", cert_2048.to_str().unwrap(), "s.yaml"],
    );
    assert_eq!((out.code, out.stdout.as_str()), (0, ""), "{}", out.stderr);
}

// With --key:

#[test]
fn with_keys_sealed_for_another_namespace() {
    let dir = tempfile::tempdir().unwrap();
    let backup = backup(dir.path());
    let text = sealed_doc(
        &meta(2, Some("prod"), "db", Scope::Strict),
        &tmeta(Some("prod"), "db", Scope::Strict),
        &[(
            "password",
            value(key_a(), Scope::Strict, "staging", "db", "wrong-ns"),
        )],
    );
    // Without the candidate: no key opens it, with the hint.
    expect_findings(
        &text,
        &["--key", backup.to_str().unwrap()],
        &[(
            line_of(&text, "password:"),
            &[
                "encryptedData.password: no key given opens it (tried strict (prod/db), namespace-wide (prod), cluster-wide)",
                "(--namespace/--name add candidates to try; --key adds keys)",
            ],
        )],
    );
    // With -n staging: the fix in words.
    expect_findings(
        &text,
        &["--key", backup.to_str().unwrap(), "--namespace", "staging"],
        &[(
            line_of(&text, "password:"),
            &["\"prod/db\": encryptedData.password: sealed strict (staging/db), but the controller opens it as strict (prod/db): sealed for namespace \"staging\" but the manifest says \"prod\": move it to \"staging\" or reseal it for \"prod\""],
        )],
    );
}

#[test]
fn with_keys_sealed_for_another_name() {
    let dir = tempfile::tempdir().unwrap();
    let backup = backup(dir.path());
    let v = value(
        &controller_keys()[1],
        Scope::Strict,
        "prod",
        "web",
        "wrong-name",
    );
    let text = sealed_doc(
        &meta(2, Some("prod"), "db", Scope::Strict),
        &tmeta(Some("prod"), "db", Scope::Strict),
        &[("password", v.clone())],
    );
    let fix = "sealed strict (prod/web), but the controller opens it as strict (prod/db): sealed for the name \"web\" but metadata.name is \"db\": rename it or reseal it";
    expect_findings(
        &text,
        &["--key", backup.to_str().unwrap(), "--name", "web"],
        &[(line_of(&text, "password:"), &[fix])],
    );
    // The template's name is a candidate of its own (no --name needed).
    let text = sealed_doc(
        &meta(2, Some("prod"), "db", Scope::Strict),
        &tmeta(Some("prod"), "web", Scope::Strict),
        &[("password", v)],
    );
    expect_findings(
        &text,
        &["--key", backup.to_str().unwrap()],
        &[
            (
                line_of(&text, "name: web"),
                &["metadata.name is \"db\" but spec.template.metadata.name is \"web\""],
            ),
            (line_of(&text, "password:"), &[fix]),
        ],
    );
}

#[test]
fn with_keys_sealed_namespace_wide_or_cluster_wide_but_annotated_strict() {
    let dir = tempfile::tempdir().unwrap();
    let backup = backup(dir.path());
    for (scope, fix) in [
        (
            Scope::NamespaceWide,
            "sealed namespace-wide (prod), but the controller opens it as strict (prod/db): add the annotation sealedsecrets.bitnami.com/namespace-wide: \"true\" to metadata",
        ),
        (
            Scope::ClusterWide,
            "sealed cluster-wide, but the controller opens it as strict (prod/db): add the annotation sealedsecrets.bitnami.com/cluster-wide: \"true\" to metadata",
        ),
    ] {
        let text = sealed_doc(
            &meta(2, Some("prod"), "db", Scope::Strict),
            &tmeta(Some("prod"), "db", Scope::Strict),
            &[("password", value(key_a(), scope, "prod", "db", "scope"))],
        );
        let out = expect_findings(
            &text,
            &["--key", backup.to_str().unwrap()],
            &[(line_of(&text, "password:"), &[fix])],
        );
        assert!(out.stdout.ends_with("to metadata\n"), "{}", out.stdout);
    }
    // And the other way: sealed strict, annotated namespace-wide.
    let text = sealed_doc(
        &meta(2, Some("prod"), "db", Scope::NamespaceWide),
        &tmeta(Some("prod"), "db", Scope::NamespaceWide),
        &[(
            "password",
            value(key_a(), Scope::Strict, "prod", "db", "strict"),
        )],
    );
    expect_findings(
        &text,
        &["--key", backup.to_str().unwrap()],
        &[(
            line_of(&text, "password:"),
            &["sealed strict (prod/db), but the controller opens it as namespace-wide (prod): remove the annotations sealedsecrets.bitnami.com/namespace-wide and sealedsecrets.bitnami.com/cluster-wide from metadata"],
        )],
    );
}

#[test]
fn with_keys_a_value_sealed_with_a_key_not_in_the_backup() {
    let dir = tempfile::tempdir().unwrap();
    let backup = backup(dir.path());
    let text = sealed_doc(
        &meta(2, Some("prod"), "db", Scope::Strict),
        &tmeta(Some("prod"), "db", Scope::Strict),
        &[
            ("a", value(key_a(), Scope::Strict, "prod", "db", "in")),
            (
                "b",
                value(&controller_keys()[2], Scope::Strict, "prod", "db", "out"),
            ),
        ],
    );
    expect_findings(
        &text,
        &["--key", backup.to_str().unwrap(), "-n", "staging", "--name", "web"],
        &[(
            line_of(&text, "b:"),
            &[
                "encryptedData.b: no key given opens it (tried strict (prod/db), strict (prod/web), strict (staging/db), strict (staging/web), namespace-wide (prod), namespace-wide (staging), cluster-wide): sealed with a key that is not in the backup, for another namespace or name, or damaged",
            ],
        )],
    );
    // With that key added (a PEM key beside the backup): healthy.
    let extra = controller_keys()[2].write_key(dir.path());
    write(dir.path(), "s.yaml", &text);
    let out = doctor(
        dir.path(),
        &[
            "--key",
            &format!("{},{}", backup.display(), extra.display()),
            "s.yaml",
        ],
    );
    assert_eq!((out.code, out.stdout.as_str()), (0, ""), "{}", out.stderr);
    assert!(
        out.stderr
            .contains("1 SealedSecret(s) checked: nothing found that would stop the controller"),
        "{}",
        out.stderr
    );
}

// Exit codes, formats, folders:

/// A healthy strict, namespace-wide and cluster-wide SealedSecret, each
/// checked with the certificate and the keys: exit 0, nothing on stdout.
#[test]
fn healthy_files_of_every_scope_exit_0() {
    let dir = tempfile::tempdir().unwrap();
    let backup = backup(dir.path());
    let cert = key_a().write_cert(dir.path());
    let mut docs = Vec::new();
    for scope in Scope::ALL {
        let (ns, name) = if scope == Scope::ClusterWide {
            ("", "")
        } else {
            ("prod", "db")
        };
        docs.push(sealed_doc(
            &meta(2, Some("prod"), "db", scope),
            &tmeta(Some("prod"), "db", scope),
            &[("password", value(key_a(), scope, ns, name, "healthy"))],
        ));
    }
    write(dir.path(), "all.yaml", &docs.join("---\n"));
    for args in [
        vec!["all.yaml"],
        vec!["--cert", cert.to_str().unwrap(), "all.yaml"],
        vec!["--key", backup.to_str().unwrap(), "all.yaml"],
        // The current tree (the backup is no manifest; the .crt is skipped).
        vec!["--key", backup.to_str().unwrap()],
    ] {
        let out = doctor(dir.path(), &args);
        assert_eq!(out.code, 0, "{args:?}: {}{}", out.stdout, out.stderr);
        assert_eq!(out.stdout, "", "{args:?}");
        assert!(
            out.stderr
                .contains("3 SealedSecret(s) checked: nothing found"),
            "{args:?}: {}",
            out.stderr
        );
    }
}

#[test]
fn input_and_usage_errors_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let healthy = sealed_doc(
        &meta(2, Some("prod"), "db", Scope::Strict),
        &tmeta(Some("prod"), "db", Scope::Strict),
        &[("password", value(key_a(), Scope::Strict, "prod", "db", "e"))],
    );
    write(dir.path(), "ok.yaml", &healthy);
    write(
        dir.path(),
        "broken.yaml",
        "kind: SealedSecret\nspec: [unclosed\n",
    );
    // (arguments, what the error names, whether it is a one-line error of ours)
    let cases: [(&[&str], &str, bool); 6] = [
        (&["missing.yaml"], "missing.yaml", true),
        (&["ok.yaml", "broken.yaml"], "broken.yaml", true),
        (&["--frobnicate", "ok.yaml"], "--frobnicate", false),
        (&["--format", "xml", "ok.yaml"], "xml", false),
        (&["-n", "prod", "ok.yaml"], "pass --key too", true),
        (&["--key", "nokey.pem", "ok.yaml"], "nokey.pem", true),
    ];
    for (args, what, ours) in cases {
        let out = doctor(dir.path(), args);
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert!(out.stderr.contains(what), "{args:?}: {}", out.stderr);
        if ours {
            assert_eq!(out.stderr.lines().count(), 1, "{args:?}: {}", out.stderr);
            assert_eq!(
                out.stderr.matches(what).count(),
                1,
                "{args:?}: {}",
                out.stderr
            );
        }
    }
    // An input error wins over findings in another file.
    let finding = healthy.replace(
        "    metadata:\n      name: db",
        "    metadata:\n      name: web",
    );
    write(dir.path(), "finding.yaml", &finding);
    let out = doctor(dir.path(), &["finding.yaml", "missing.yaml"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stdout.contains("finding.yaml:"), "{}", out.stdout);
}

#[test]
fn json_findings_parse_and_carry_path_line_object_key_and_cause() {
    let dir = tempfile::tempdir().unwrap();
    let backup = backup(dir.path());
    let text = sealed_doc(
        &meta(2, Some("prod"), "db", Scope::Strict),
        &tmeta(Some("prod"), "web", Scope::Strict),
        &[
            ("a", value(key_a(), Scope::Strict, "prod", "db", "j1")),
            ("b", value(key_a(), Scope::Strict, "staging", "db", "j2")),
            ("c", "AAAA".to_string()),
        ],
    );
    std::fs::create_dir(dir.path().join("deploy")).unwrap();
    write(&dir.path().join("deploy"), "s.yaml", &text);
    let out = doctor(
        dir.path(),
        &[
            "--key",
            backup.to_str().unwrap(),
            "-n",
            "staging",
            "--format",
            "json",
            "deploy",
        ],
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    let findings = v.as_array().unwrap();
    let summary: Vec<(String, u64, Option<&str>, &str)> = findings
        .iter()
        .map(|f| {
            assert_eq!(f["namespace"], "prod");
            assert_eq!(f["name"], "db");
            assert!(f["message"]
                .as_str()
                .unwrap()
                .starts_with("SealedSecret \"prod/db\""));
            (
                f["path"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["key"].as_str(),
                f["cause"].as_str().unwrap(),
            )
        })
        .collect();
    let path = "deploy/s.yaml".to_string();
    assert_eq!(
        summary,
        [
            (
                path.clone(),
                line_of(&text, "name: web") as u64,
                None,
                "name-mismatch"
            ),
            (
                path.clone(),
                line_of(&text, "b:") as u64,
                Some("b"),
                "sealed-elsewhere"
            ),
            (path, line_of(&text, "c:") as u64, Some("c"), "too-short"),
        ]
    );
    // Healthy: an empty array, exit 0.
    let mut fixed = text.replace("name: web", "name: db");
    fixed.truncate(fixed.find("    b: ").unwrap());
    write(&dir.path().join("deploy"), "s.yaml", &fixed);
    let out = doctor(dir.path(), &["--format", "json", "deploy"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        serde_json::from_str::<Value>(&out.stdout).unwrap(),
        Value::Array(vec![])
    );
}
