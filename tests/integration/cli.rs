//! The `sealtoken` binary, end to end: `seal` flag by flag, `unseal`,
//! `webhook-path`, `cert-info`, and bad input (the main job: `main_job.rs`).

use std::path::Path;

use kubeseal_core::{read_sealed_secrets, unseal_raw, ObjectRef, Scope};
use predicates::prelude::*;

use crate::common::sealed::{keys, only_sealed, sha256sum, unsealed_value};
use crate::common::{demo_cert, demo_key, fixture, read_fixture, sealtoken, Run};

#[test]
fn seal_stdin_to_stdout_json_by_default_and_env_cert() {
    sealtoken()
        .arg("seal")
        .env("SEALED_SECRETS_CERT", demo_cert())
        .write_stdin(read_fixture("upstream/secret.yaml"))
        .assert()
        .success()
        .stdout(predicate::str::starts_with(
            "{\n  \"kind\": \"SealedSecret\",\n  \"apiVersion\": \"bitnami.com/v1alpha1\",",
        ));
}

#[test]
fn seal_multi_document_keeps_order_and_format_flag() {
    let input = "apiVersion: v1\nkind: Secret\nmetadata: {name: a, namespace: x}\nstringData: {k: one}\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: b}\ndata: {k: dHdv}\n";
    let out = sealtoken()
        .args(["seal", "-o", "yaml", "-n", "x", "--cert"])
        .arg(demo_cert())
        .write_stdin(input)
        .succeeds();
    let all = read_sealed_secrets(&out.stdout).unwrap();
    let names: Vec<_> = all.iter().map(|s| s.object_ref().name).collect();
    assert_eq!(names, ["a", "b"]);
    assert_eq!(unsealed_value(&all[0], "k"), b"one");
    assert_eq!(unsealed_value(&all[1], "k"), b"two");
    assert_eq!(all[1].metadata.namespace.as_deref(), Some("x"));
}

#[test]
fn seal_scope_flag_and_annotations() {
    let out = sealtoken()
        .args(["seal", "--scope", "cluster-wide", "--cert"])
        .arg(demo_cert())
        .write_stdin("kind: Secret\nmetadata: {name: c}\nstringData: {k: v}\n")
        .succeeds();
    let s = only_sealed(&out.stdout);
    assert_eq!(
        s.metadata.annotations["sealedsecrets.bitnami.com/cluster-wide"],
        "true"
    );
    assert_eq!(
        s.template.metadata.annotations["sealedsecrets.bitnami.com/cluster-wide"],
        "true"
    );
    assert_eq!(s.metadata.namespace, None);
    assert_eq!(unsealed_value(&s, "k"), b"v");
}

#[test]
fn seal_namespace_rules() {
    sealtoken()
        .args(["seal", "-n", "other", "--cert"])
        .arg(demo_cert())
        .write_stdin(read_fixture("upstream/secret.yaml"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("namespace mismatch"));
    sealtoken()
        .args(["seal", "--cert"])
        .arg(demo_cert())
        .write_stdin("kind: Secret\nmetadata: {name: db}\nstringData: {k: v}\n")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("has no namespace"));
}

#[test]
fn seal_empty_data_needs_allow_empty_data() {
    let input = "kind: Secret\nmetadata: {name: e, namespace: x}\n";
    sealtoken()
        .args(["seal", "--cert"])
        .arg(demo_cert())
        .write_stdin(input)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no data"));
    let out = sealtoken()
        .args(["seal", "--allow-empty-data", "--cert"])
        .arg(demo_cert())
        .write_stdin(input)
        .succeeds();
    assert!(String::from_utf8_lossy(&out.stdout).contains("\"encryptedData\": {}"));
}

#[test]
fn seal_raw_prints_bare_base64_that_unseals() {
    let out = sealtoken()
        .args(["seal", "--raw", "-n", "apps", "--name", "db", "--cert"])
        .arg(demo_cert())
        .write_stdin("p@ss\n")
        .succeeds();
    let b64 = String::from_utf8(out.stdout).unwrap();
    assert!(
        !b64.ends_with('\n'),
        "kubeseal prints --raw without a newline"
    );
    assert_eq!(
        unseal_raw(&keys(), Scope::Strict, &ObjectRef::new("apps", "db"), &b64)
            .unwrap()
            .expose(),
        b"p@ss\n"
    );

    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("v");
    std::fs::write(&f, "file-value").unwrap();
    let out = sealtoken()
        .args([
            "seal",
            "--raw",
            "--scope",
            "namespace-wide",
            "-n",
            "apps",
            "--from-file",
        ])
        .arg(format!("key={}", f.display()))
        .arg("--cert")
        .arg(demo_cert())
        .output()
        .unwrap();
    let b64 = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        unseal_raw(
            &keys(),
            Scope::NamespaceWide,
            &ObjectRef::new("apps", ""),
            &b64
        )
        .unwrap()
        .expose(),
        b"file-value"
    );

    sealtoken()
        .args(["seal", "--raw", "-n", "apps", "--cert"])
        .arg(demo_cert())
        .write_stdin("x")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--name"));
    sealtoken()
        .args(["seal", "--from-file", "x", "--cert"])
        .arg(demo_cert())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--from-file requires --raw"));
}

#[test]
fn seal_merge_into_keeps_other_keys_and_format() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("t.yaml");
    std::fs::copy(fixture("upstream/flux-webhook-token.sealed.yaml"), &target).unwrap();
    let before = only_sealed(&std::fs::read(&target).unwrap());
    sealtoken()
        .args(["seal", "--merge-into"])
        .arg(&target)
        .arg("--cert")
        .arg(demo_cert())
        .write_stdin("kind: Secret\nstringData: {extra: more}\n")
        .assert()
        .success()
        .stdout("");
    let text = std::fs::read(&target).unwrap();
    assert!(text.starts_with(b"---\n"), "a YAML target stays YAML");
    let after = only_sealed(&text);
    assert_eq!(
        after.encrypted_data["token"], before.encrypted_data["token"],
        "other keys kept"
    );
    assert_eq!(unsealed_value(&after, "extra"), b"more");
    assert_eq!(
        unsealed_value(&after, "token"),
        b"8f3c2a1b9d4e5f6a7b8c9d0e1f2a3b4c"
    );
}

#[test]
fn seal_write_is_atomic_and_replaces_like_kubeseal() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("out.json");
    std::fs::write(&target, "old").unwrap();
    sealtoken()
        .args(["seal", "-f"])
        .arg(fixture("upstream/secret.yaml"))
        .arg("-w")
        .arg(&target)
        .arg("--cert")
        .arg(demo_cert())
        .assert()
        .success();
    assert!(std::fs::read(&target).unwrap().starts_with(b"{"));
    // A failing seal leaves the old file untouched.
    std::fs::write(&target, "old").unwrap();
    sealtoken()
        .args(["seal", "-w"])
        .arg(&target)
        .arg("--cert")
        .arg(demo_cert())
        .write_stdin("kind: Secret\nmetadata: {name: x, namespace: y}\ndata: {k: '!!!'}\n")
        .assert()
        .code(2);
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "old");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

// bad certificates and input:

fn seal_with_cert(cert: &Path) -> assert_cmd::assert::Assert {
    sealtoken()
        .args(["seal", "--cert"])
        .arg(cert)
        .write_stdin(read_fixture("upstream/secret.yaml"))
        .assert()
}

#[test]
fn unsafe_certificates_are_refused_with_one_line() {
    for (file, want) in [
        ("keys/rsa1024.crt", "1024 bits is too small"),
        ("keys/ec.crt", "expected an RSA public key"),
        ("keys/expired.crt", "expired on 2021-01-01T00:00:00Z"),
        ("keys/README.md", "no PEM certificate found"),
    ] {
        let a = seal_with_cert(&fixture(file)).code(2).stdout("");
        let err = String::from_utf8(a.get_output().stderr.clone()).unwrap();
        assert!(err.contains(want), "{file}: {err}");
        assert_eq!(err.lines().count(), 1, "{file}: {err}");
    }
    seal_with_cert(Path::new("/nonexistent/pub.pem"))
        .code(2)
        .stderr(predicate::str::contains("cannot read /nonexistent/pub.pem"));
}

#[test]
fn fetch_cert_says_what_it_does_with_an_expired_certificate() {
    let dir = tempfile::tempdir().unwrap();
    let out = sealtoken()
        .args(["fetch-cert", "--cert"])
        .arg(fixture("keys/expired.crt"))
        .arg("-w")
        .arg(dir.path().join("pub.pem"))
        .assert()
        .code(2);
    let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        err.contains("expired on 2021-01-01T00:00:00Z; not saved"),
        "{err}"
    );
    assert!(!err.contains("to seal"), "fetch-cert seals nothing: {err}");
    assert!(!dir.path().join("pub.pem").exists());
    let out = sealtoken()
        .args(["fetch-cert", "--allow-expired-cert", "--cert"])
        .arg(fixture("keys/expired.crt"))
        .assert()
        .success();
    let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(err.contains("saving anyway"), "{err}");
}

#[test]
fn expired_certificate_can_be_allowed_and_future_one_warns() {
    sealtoken()
        .args(["seal", "--allow-expired-cert", "--cert"])
        .arg(fixture("keys/expired.crt"))
        .write_stdin(read_fixture("upstream/secret.yaml"))
        .assert()
        .success()
        .stderr(
            predicate::str::contains("warning: certificate")
                .and(predicate::str::contains("expired")),
        );
    seal_with_cert(&fixture("keys/future.crt"))
        .success()
        .stderr(predicate::str::contains("not valid before 2040-01-01"));
}

#[test]
fn bare_public_key_and_pinning() {
    seal_with_cert(&fixture("keys/rsa3072.pub.pem")).success();
    let fp = "02:70:33:AA:A4:2E:61:C5:49:33:A9:90:A5:8C:E7:91:C8:71:44:FB:41:F0:C6:E0:FE:68:2E:7A:C6:A1:73:28";
    sealtoken()
        .args(["seal", "--cert-sha256", fp, "--cert"])
        .arg(demo_cert())
        .write_stdin(read_fixture("upstream/secret.yaml"))
        .assert()
        .success();
    sealtoken()
        .args(["seal", "--cert-sha256", &"ab".repeat(32), "--cert"])
        .arg(demo_cert())
        .write_stdin(read_fixture("upstream/secret.yaml"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("does not match the pinned"));
}

#[test]
fn bad_input_is_one_line_naming_the_input_and_never_the_value() {
    let cases: &[(&str, &str)] = &[
        (
            "kind: Secret\nmetadata: {name: a, namespace: b}\ndata:\n  k: s3cr3t-not-base64!\n",
            "data.k (line 4): not valid base64",
        ),
        (
            "kind: Secret\nmetadata: {name: a, namespace: b}\nstringData:\n  k: [s3cr3t]\n",
            "stringData.k (line 4): expected a string",
        ),
        (
            "kind: ConfigMap\nmetadata: {name: a}\ndata: {k: s3cr3t}\n",
            "expected kind Secret",
        ),
        (
            "kind: Secret\nstringData: {k: s3cr3t}\n",
            "missing metadata.name",
        ),
        ("a: [s3cr3t\n", "not valid YAML or JSON"),
        ("", "no Secret found"),
        (
            "kind: SealedSecret\napiVersion: bitnami.com/v1alpha1\n",
            "already a SealedSecret",
        ),
    ];
    let dir = tempfile::tempdir().unwrap();
    for (input, want) in cases {
        let f = dir.path().join("in.yaml");
        std::fs::write(&f, input).unwrap();
        let a = sealtoken()
            .args(["seal", "-n", "b", "-f"])
            .arg(&f)
            .arg("--cert")
            .arg(demo_cert())
            .assert()
            .code(2)
            .stdout("");
        let err = String::from_utf8(a.get_output().stderr.clone()).unwrap();
        assert!(err.contains(want), "{input:?}: {err}");
        assert!(err.contains("in.yaml"), "names the input: {err}");
        assert!(!err.contains("s3cr3t"), "leaks a value: {err}");
        assert_eq!(err.lines().count(), 1, "{err}");
    }
}

#[test]
fn output_in_a_missing_directory_is_created_and_an_impossible_one_fails_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    // A missing folder is created, as the README's Flux example needs.
    let out = dir.path().join("clusters/prod/out.json");
    sealtoken()
        .args(["seal", "-f"])
        .arg(fixture("upstream/secret.yaml"))
        .arg("-w")
        .arg(&out)
        .arg("--cert")
        .arg(demo_cert())
        .succeeds();
    assert!(std::fs::read(&out)
        .unwrap()
        .starts_with(b"{\n  \"kind\": \"SealedSecret\""));
    // A folder that cannot exist (under a file) fails cleanly.
    let file = dir.path().join("file");
    std::fs::write(&file, "x").unwrap();
    let target = file.join("sub/out.json");
    sealtoken()
        .args(["seal", "-f"])
        .arg(fixture("upstream/secret.yaml"))
        .arg("-w")
        .arg(&target)
        .arg("--cert")
        .arg(demo_cert())
        .assert()
        .code(1)
        .stderr(predicate::str::contains(format!(
            "cannot write {}",
            target.display()
        )));
}

// unseal, webhook-path, cert-info, completions:

#[test]
fn unseal_recovers_and_warns_and_wrong_key_fails() {
    sealtoken()
        .args(["unseal", "--key"])
        .arg(demo_key())
        .arg("-f")
        .arg(fixture("upstream/flux-webhook-token.sealed.json"))
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "token: OGYzYzJhMWI5ZDRlNWY2YTdiOGM5ZDBlMWYyYTNiNGM=",
        ))
        .stderr(predicate::str::contains("PLAINTEXT"));
    sealtoken()
        .args(["unseal", "--recovery-private-key"])
        .arg(fixture("keys/rsa2048.pkcs8.key"))
        .arg("-f")
        .arg(fixture("upstream/flux-webhook-token.sealed.yaml"))
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains("do not open with any key: token"));
    // Several keys: the right one is found.
    sealtoken()
        .args(["unseal", "--key"])
        .arg(fixture("keys/rsa2048.pkcs8.key"))
        .arg("--key")
        .arg(demo_key())
        .arg("-f")
        .arg(fixture("upstream/flux-webhook-token.sealed.yaml"))
        .assert()
        .success();
}

#[test]
fn webhook_path_reads_the_token_from_stdin() {
    let want = format!(
        "https://flux.example.org/hook/{}\n",
        sha256sum("8f3c2a1b9d4e5f6a7b8c9d0e1f2a3b4ctenant-demo-githubflux-system")
    );
    assert_eq!(want, "https://flux.example.org/hook/a9103a0523b26719250dc181140a680663c2f300fcbe0b8c66dc11aca753fbb9\n");
    sealtoken()
        .args([
            "webhook-path",
            "--receiver",
            "tenant-demo-github",
            "-n",
            "flux-system",
            "--host",
            "flux.example.org",
        ])
        .write_stdin("8f3c2a1b9d4e5f6a7b8c9d0e1f2a3b4c\n")
        .assert()
        .success()
        .stdout(want);
}

#[test]
fn cert_info_shows_fingerprint_and_validity() {
    sealtoken()
        .args(["cert-info", "--cert"])
        .arg(demo_cert())
        .assert()
        .success()
        .stdout(predicate::str::contains("RSA 4096 bits"))
        .stdout(predicate::str::contains(
            "027033aaa42e61c54933a990a58ce791c87144fb41f0c6e0fe682e7ac6a17328",
        ))
        .stdout(predicate::str::contains("2036-11-22T12:57:37Z (valid)"));
    sealtoken()
        .args(["cert-info", "--cert"])
        .arg(fixture("keys/expired.crt"))
        .assert()
        .success()
        .stdout(predicate::str::contains("EXPIRED"));
}

#[test]
fn help_version_and_completions() {
    sealtoken()
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("sealtoken --cert pub.pem"));
    sealtoken()
        .args(["seal", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("--merge-into"));
    sealtoken()
        .arg("--version")
        .assert()
        .success()
        .stdout(predicate::str::starts_with("sealtoken "));
    sealtoken()
        .args(["completions", "bash"])
        .assert()
        .success()
        .stdout(predicate::str::contains("_sealtoken"));
}

/// The examples in `--help` read the same at 80 columns as on a wide
/// terminal: clap wraps long lines, and a wrapped command line copied from
/// the help runs something else.
#[test]
fn help_examples_are_not_wrapped_at_80_columns() {
    for sub in [
        &[][..],
        &["seal"],
        &["unseal"],
        &["check"],
        &["webhook-path"],
        &["cert-info"],
        &["fetch-cert"],
        &["completions"],
    ] {
        let examples = |columns: &str| {
            let out = sealtoken()
                .args(sub)
                .arg("--help")
                .env("COLUMNS", columns)
                .succeeds();
            let text = String::from_utf8(out.stdout).unwrap();
            let start = text.find("Example").expect("an Examples section");
            text[start..].to_string()
        };
        assert_eq!(examples("80"), examples("1000"), "{sub:?}");
    }
}

/// Refusals that name the rule or the flag.
#[test]
fn refusals_say_why_and_name_the_flag() {
    let secret = "kind: Secret\nmetadata: {name: e, namespace: x}\n";
    let out = sealtoken()
        .args(["seal", "--cert"])
        .arg(demo_cert())
        .write_stdin(secret)
        .fails();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("pass --allow-empty-data"));

    // Not a namespace: seal and unseal refuse it as the main job does.
    for sub in [&["seal", "--cert"][..], &["unseal", "--key"][..]] {
        let out = sealtoken()
            .args(sub)
            .arg(if sub[0] == "seal" {
                demo_cert()
            } else {
                demo_key()
            })
            .args(["-n", "Flux_System"])
            .write_stdin(read_fixture("upstream/secret.yaml"))
            .fails();
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("\"Flux_System\" is not a valid namespace"),
            "{err}"
        );
    }

    // A webhook token of fewer than 16 random bytes.
    let out = sealtoken()
        .arg("--cert")
        .arg(demo_cert())
        .args(["--bytes", "8"])
        .fails();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("128 bits"));

    // webhook-path says when it removes a line break, as --token-stdin does.
    // (A 16-byte token: the floor applies to input as to generation.)
    let out = sealtoken()
        .args(["webhook-path", "--receiver", "r"])
        .write_stdin("tok-0123456789ab\n")
        .succeeds();
    assert!(String::from_utf8_lossy(&out.stderr).contains("removed the line break"));
    let plain = sealtoken()
        .args(["webhook-path", "--receiver", "r"])
        .write_stdin("tok-0123456789ab")
        .succeeds();
    assert_eq!(plain.stdout, out.stdout);
    assert!(plain.stderr.is_empty());
    // A weak token already in use: its path is computed (nothing is
    // sealed), with a warning; sealing one needs --allow-weak-token.
    let short = sealtoken()
        .args(["webhook-path", "--receiver", "r"])
        .write_stdin("tok")
        .succeeds();
    let err = String::from_utf8_lossy(&short.stderr);
    assert!(
        err.contains(
            "warning: token from stdin: the token has 3 bytes: a webhook token needs at least 16"
        ),
        "{err}"
    );

    // No Secret in the input, and a missing -f file: errors.
    let out = sealtoken()
        .args(["seal", "--cert"])
        .arg(demo_cert())
        .write_stdin("---\n")
        .fails();
    assert!(String::from_utf8_lossy(&out.stderr).contains("no Secret found"));
    sealtoken()
        .args(["seal", "-f", "no-such-file.yaml", "--cert"])
        .arg(demo_cert())
        .fails();
}

/// One namespace rule (a DNS-1123 label, as the API server checks it) for
/// every command that takes one: the same refusal, exit 2, in each.
#[test]
fn one_namespace_rule_in_every_command() {
    let reason = "\"Bad_NS\" is not a valid namespace (lowercase letters, digits and '-', at most 63, starting and ending with a letter or digit)";
    let cert = demo_cert();
    let cert = cert.to_str().unwrap();
    let runs: [&[&str]; 4] = [
        &["webhook-path", "--receiver", "github", "-n", "Bad_NS"],
        &["seal", "--cert", cert, "-n", "Bad_NS"],
        &["--cert", cert, "-n", "Bad_NS"],
        &["--cert", cert, "--namespace", "Bad_NS"],
    ];
    for args in runs {
        let out = sealtoken()
            .args(args)
            .write_stdin(read_fixture("upstream/secret.yaml"))
            .fails();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(reason), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
    }
    // A subdomain with a dot is a valid object name but not a namespace.
    let out = sealtoken()
        .args(["--cert", cert, "-n", "flux.system"])
        .fails();
    assert_eq!(out.status.code(), Some(2));
}

/// One token floor (16 random bytes) for the main job and `rotate`: the same
/// refusal in both, before any file is read.
#[test]
fn one_token_floor_for_generation() {
    let cert = demo_cert();
    let cert = cert.to_str().unwrap();
    let runs: [&[&str]; 2] = [
        &["--cert", cert, "--bytes", "15"],
        &[
            "rotate",
            "--cert",
            cert,
            "-f",
            "missing.sealed.yaml",
            "--bytes",
            "1",
        ],
    ];
    for args in runs {
        let out = sealtoken().args(args).fails();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("--bytes must be between 16 and 1024: the token is the only secret guarding a public webhook URL"),
            "{args:?}: {err}"
        );
    }
}

/// A token read from stdin or a file meets the generation floor (128 bits:
/// 32 hex characters, or 16 bytes of other text) unless
/// --allow-weak-token, which seals it with a warning.
#[test]
fn a_weak_token_input_is_refused_unless_allowed() {
    let cert = demo_cert();
    let cert = cert.to_str().unwrap();
    let base = [
        "--cert",
        cert,
        "--allow-expired-cert",
        "-n",
        "flux-system",
        "--token-stdin",
    ];
    for weak in [
        "x",
        "0123456789abcdef",
        "0123456789abcdef0123456789abcde",
        "short-secret-15",
    ] {
        let out = sealtoken().args(base).write_stdin(weak).fails();
        assert_eq!(out.status.code(), Some(2), "{weak}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("a webhook token needs at least") && err.contains("--allow-weak-token"),
            "{weak}: {err}"
        );
        assert!(!err.contains(weak) || weak == "x", "{weak}: {err}");
        assert!(out.stdout.is_empty());

        let out = sealtoken()
            .args(base)
            .arg("--allow-weak-token")
            .write_stdin(weak)
            .succeeds();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("warning: token from stdin: the token has"),
            "{weak}: {err}"
        );
        assert!(String::from_utf8_lossy(&out.stdout).contains("kind: SealedSecret"));
    }
    for strong in ["0123456789abcdef0123456789abcdef", "not-hex-16-bytes"] {
        let out = sealtoken().args(base).write_stdin(strong).succeeds();
        assert!(
            !String::from_utf8_lossy(&out.stderr).contains("warning: token"),
            "{strong}"
        );
    }
}

/// For a Receiver type whose URL is its only credential (generic, quay,
/// dockerhub, acr, cdevents), the URL is not recorded in the SealedSecret's
/// template annotation (committed in plain) unless --annotate-url.
#[test]
fn a_url_that_is_the_only_credential_is_not_committed() {
    let cert = demo_cert();
    let cert = cert.to_str().unwrap();
    let run = |receiver: &str, extra: &[&str]| {
        let out = sealtoken()
            .args([
                "--cert",
                cert,
                "--allow-expired-cert",
                "-n",
                "flux-system",
                "-o",
                "json",
            ])
            .args(["--receiver", receiver, "--host", "flux.example.org"])
            .args(extra)
            .succeeds();
        let sealed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let annotation = sealed["spec"]["template"]["metadata"]["annotations"]
            ["notification.toolkit.fluxcd.io/webhook"]
            .as_str()
            .map(str::to_string);
        (
            annotation,
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    for receiver in [
        "apps-generic",
        "images-quay",
        "images-dockerhub",
        "images-acr",
        "apps-cdevents",
    ] {
        let (annotation, err) = run(receiver, &[]);
        assert_eq!(annotation, None, "{receiver}");
        assert!(
            err.contains("the webhook URL is not recorded"),
            "{receiver}: {err}"
        );
        let (annotation, _) = run(receiver, &["--annotate-url"]);
        assert!(
            annotation.is_some_and(|u| u.starts_with("https://flux.example.org/hook/")),
            "{receiver}"
        );
    }
    let (annotation, err) = run("apps-github", &[]);
    assert!(annotation.is_some(), "{err}");
    assert!(!err.contains("not recorded"), "{err}");
}

/// kubeseal details: `-o` in any case (kubeseal lower-cases it),
/// `--merge-into` with `-w` refused (kubeseal silently ignores -w), and
/// check's suggested command names `-n` for a Secret without a namespace.
#[test]
fn kubeseal_details_output_case_merge_into_and_the_namespace_hint() {
    let d = tempfile::tempdir().unwrap();
    let cert = demo_cert();
    std::fs::write(
        d.path().join("s.yaml"),
        read_fixture("upstream/secret.yaml"),
    )
    .unwrap();
    for (format, starts) in [
        ("YAML", "---\napiVersion: bitnami.com/v1alpha1"),
        ("Json", "{"),
    ] {
        let out = sealtoken()
            .current_dir(d.path())
            .args([
                "seal",
                "--allow-expired-cert",
                "-f",
                "s.yaml",
                "-o",
                format,
                "--cert",
            ])
            .arg(&cert)
            .succeeds();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.starts_with(starts), "-o {format}: {text}");
    }
    let out = sealtoken()
        .current_dir(d.path())
        .args([
            "seal",
            "--allow-expired-cert",
            "-f",
            "s.yaml",
            "--merge-into",
            "t.yaml",
            "-w",
            "out.yaml",
            "--cert",
        ])
        .arg(&cert)
        .fails();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--merge-into rewrites t.yaml in place; -w out.yaml cannot be used with it"),
        "{err}"
    );
    assert!(!d.path().join("out.yaml").exists());

    // stdin is read once: --cert - and a Secret from stdin cannot share it.
    let out = sealtoken()
        .current_dir(d.path())
        .args(["seal", "--allow-expired-cert", "--cert", "-"])
        .write_stdin(std::fs::read(&cert).unwrap())
        .fails();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("--cert - and the input (-f -, or no -f) both read stdin"),
        "{out:?}"
    );
    sealtoken()
        .current_dir(d.path())
        .args([
            "seal",
            "--allow-expired-cert",
            "--cert",
            "-",
            "-f",
            "s.yaml",
        ])
        .write_stdin(std::fs::read(&cert).unwrap())
        .succeeds();

    std::fs::write(
        d.path().join("nons.yaml"),
        "apiVersion: v1\nkind: Secret\nmetadata: {name: x}\nstringData: {k: v}\n",
    )
    .unwrap();
    let out = sealtoken()
        .current_dir(d.path())
        .args(["check", "nons.yaml", "s.yaml"])
        .fails();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("nons.yaml:2:7: plain Secret \"x\" (keys: k): seal it with sealtoken seal -f nons.yaml -w nons.yaml -n <namespace> --cert <cert>"),
        "{text}"
    );
    assert!(
        text.contains("s.yaml:2:7: plain Secret \"flux-system/webhook-token\" (keys: token): seal it with sealtoken seal -f s.yaml -w s.yaml --cert <cert>"),
        "{text}"
    );
}
