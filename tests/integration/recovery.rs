//! Recovery with the controller's keys, end to end: the key backups of
//! upstream's procedure (a `List` of `kubernetes.io/tls` Secrets, YAML or
//! JSON), single key Secrets, PEM keys and folders; kubeseal's
//! `--recovery-unseal` through a `kubeseal` link; SealedSecrets without a
//! namespace; the output file rules. The SealedSecret is upstream-made
//! (`fixtures/upstream`), sealed with the upstream demo key, which is the
//! second key of the two-key backups in `fixtures/keys`.

use std::path::Path;

use kubeseal_core::read_secrets;

use crate::common::{demo_cert, fixture, read_fixture, sealtoken, sealtoken_as, Run};

const SEALED: &str = "upstream/flux-webhook-token.sealed.yaml";

/// The token the upstream SealedSecret holds (from the Secret it was made of).
fn token() -> Vec<u8> {
    let s = read_secrets(&read_fixture("upstream/secret.yaml")).unwrap();
    s[0].data["token"].expose().to_vec()
}

/// The `token` of the one plaintext Secret in `out`.
fn unsealed_token(out: &[u8]) -> Vec<u8> {
    let s = read_secrets(out).unwrap();
    assert_eq!(s.len(), 1);
    assert_eq!(s[0].metadata.name.as_deref(), Some("webhook-token"));
    assert_eq!(s[0].metadata.namespace.as_deref(), Some("flux-system"));
    s[0].data["token"].expose().to_vec()
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn the_upstream_recovery_command_reads_a_two_key_list_backup() {
    let dir = tempfile::tempdir().unwrap();
    let backup = fixture("keys/backup-list.yaml");
    // kubeseal --recovery-unseal --recovery-private-key main.key, as upstream documents it.
    let out = sealtoken_as("kubeseal", dir.path())
        .args(["--recovery-unseal", "--recovery-private-key"])
        .arg(&backup)
        .arg("-f")
        .arg(fixture(SEALED))
        .succeeds();
    // kubeseal's default output is JSON.
    assert!(out.stdout.starts_with(b"{\n"), "{}", stderr(&out));
    assert_eq!(unsealed_token(&out.stdout), token());

    // The first key of the backup alone cannot decrypt it: the second one did.
    let out = sealtoken_as("kubeseal", dir.path())
        .args(["--recovery-unseal", "--recovery-private-key"])
        .arg(fixture("keys/rsa2048.pkcs8.key"))
        .arg("-f")
        .arg(fixture(SEALED))
        .fails();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("do not open with any key: token"),
        "{}",
        stderr(&out)
    );
    assert!(out.stdout.is_empty());

    // The -o json backup; keys comma-separated and repeated; -o yaml from stdin.
    let list = format!(
        "{},{}",
        fixture("keys/rsa2048.pkcs8.key").display(),
        fixture("keys/backup-list.json").display()
    );
    let out = sealtoken_as("kubeseal", dir.path())
        .args([
            "--recovery-unseal",
            "-o",
            "yaml",
            "--recovery-private-key",
            &list,
        ])
        .arg("--recovery-private-key")
        .arg(fixture("keys/backup-secret.yaml"))
        .write_stdin(read_fixture(SEALED))
        .succeeds();
    assert!(out.stdout.starts_with(b"---\napiVersion: v1\n"));
    assert_eq!(unsealed_token(&out.stdout), token());
}

#[test]
fn unseal_reads_every_form_of_key_and_folders() {
    let dir = tempfile::tempdir().unwrap();
    // The key Secret mounted as a volume: tls.crt beside tls.key.
    let mounted = dir.path().join("mounted");
    std::fs::create_dir(&mounted).unwrap();
    std::fs::copy(demo_cert(), mounted.join("tls.crt")).unwrap();
    std::fs::copy(fixture("upstream/controller.key"), mounted.join("tls.key")).unwrap();
    for key in [
        fixture("keys/backup-list.yaml"),
        fixture("keys/backup-list.json"),
        fixture("keys/backup-secret.yaml"),
        fixture("upstream/controller.key"),
        fixture("keys"),
        mounted.clone(),
    ] {
        let out = sealtoken()
            .args(["unseal", "--key"])
            .arg(&key)
            .arg("-f")
            .arg(fixture(SEALED))
            .succeeds();
        assert_eq!(unsealed_token(&out.stdout), token(), "{}", key.display());
    }
    // Files with no key in a folder are skipped, with a note.
    let out = sealtoken()
        .args(["unseal", "--key"])
        .arg(&mounted)
        .arg("-f")
        .arg(fixture(SEALED))
        .succeeds();
    assert!(
        stderr(&out).contains("skipping") && stderr(&out).contains("tls.crt"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn damaged_keys_and_empty_folders_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken");
    std::fs::create_dir(&broken).unwrap();
    std::fs::write(
        broken.join("main.key"),
        "-----BEGIN RSA PRIVATE KEY-----\nnot base64!\n-----END RSA PRIVATE KEY-----\n",
    )
    .unwrap();
    let out = sealtoken()
        .args(["unseal", "--key"])
        .arg(&broken)
        .arg("-f")
        .arg(fixture(SEALED))
        .fails();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("main.key"), "{}", stderr(&out));
    assert_eq!(stderr(&out).lines().count(), 1, "{}", stderr(&out));

    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let out = sealtoken()
        .args(["unseal", "--key"])
        .arg(&empty)
        .arg("-f")
        .arg(fixture(SEALED))
        .fails();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no private key found"),
        "{}",
        stderr(&out)
    );

    // A Secret that is no key Secret.
    let app = dir.path().join("app.yaml");
    std::fs::write(
        &app,
        "apiVersion: v1\nkind: Secret\nmetadata: {name: app}\ndata: {password: eA==}\n",
    )
    .unwrap();
    let out = sealtoken()
        .args(["unseal", "--key"])
        .arg(&app)
        .arg("-f")
        .arg(fixture(SEALED))
        .fails();
    assert!(stderr(&out).contains("tls.key"), "{}", stderr(&out));
}

/// The upstream SealedSecret with `metadata.namespace` removed (and the
/// template's too when `template_too`).
fn without_namespace(dir: &Path, template_too: bool) -> std::path::PathBuf {
    let text = String::from_utf8(read_fixture(SEALED)).unwrap();
    let line = "  namespace: flux-system\n";
    assert!(
        text.starts_with("---\napiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n")
    );
    let text = text.replacen(line, "", 1);
    let text = if template_too {
        text.replace("      namespace: flux-system\n", "")
    } else {
        text
    };
    let path = dir.join(if template_too {
        "bare.yaml"
    } else {
        "overlay.yaml"
    });
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn sealed_secrets_without_a_namespace() {
    let dir = tempfile::tempdir().unwrap();
    let key = fixture("upstream/controller.key");
    let overlay = without_namespace(dir.path(), false);

    // No -n: the template's namespace is tried, and a note says so.
    let out = sealtoken()
        .args(["unseal", "--key"])
        .arg(&key)
        .arg("-f")
        .arg(&overlay)
        .succeeds();
    assert_eq!(unsealed_token(&out.stdout), token());
    assert!(
        stderr(&out).contains("no metadata.namespace") && stderr(&out).contains("\"flux-system\""),
        "{}",
        stderr(&out)
    );

    // -n supplies it, without a note; kubeseal's --recovery-unseal takes -n too.
    let out = sealtoken()
        .args(["unseal", "-n", "flux-system", "--key"])
        .arg(&key)
        .arg("-f")
        .arg(&overlay)
        .succeeds();
    assert_eq!(unsealed_token(&out.stdout), token());
    assert!(
        !stderr(&out).contains("no metadata.namespace"),
        "{}",
        stderr(&out)
    );
    let out = sealtoken_as("kubeseal", dir.path())
        .args([
            "--recovery-unseal",
            "-n",
            "flux-system",
            "--recovery-private-key",
        ])
        .arg(&key)
        .arg("-f")
        .arg(&overlay)
        .succeeds();
    assert_eq!(unsealed_token(&out.stdout), token());

    // Another namespace: the value was not sealed for it.
    let out = sealtoken()
        .args(["unseal", "-n", "apps", "--key"])
        .arg(&key)
        .arg("-f")
        .arg(&overlay)
        .fails();
    assert_eq!(out.status.code(), Some(1));

    // No namespace anywhere: the error asks for -n.
    let bare = without_namespace(dir.path(), true);
    let out = sealtoken()
        .args(["unseal", "--key"])
        .arg(&key)
        .arg("-f")
        .arg(&bare)
        .fails();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("pass -n"), "{}", stderr(&out));

    // A SealedSecret with its own namespace and another -n: a mismatch.
    let out = sealtoken()
        .args(["unseal", "-n", "apps", "--key"])
        .arg(&key)
        .arg("-f")
        .arg(fixture(SEALED))
        .fails();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("namespace mismatch"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn metadata_and_template_disagreeing_get_a_warning_and_metadata_wins() {
    let dir = tempfile::tempdir().unwrap();
    let text = String::from_utf8(read_fixture(SEALED)).unwrap();
    let forged = text.replace("      name: webhook-token\n", "      name: other-name\n");
    assert_ne!(forged, text);
    let path = dir.path().join("forged.yaml");
    std::fs::write(&path, forged).unwrap();
    let out = sealtoken()
        .args(["unseal", "--key"])
        .arg(fixture("upstream/controller.key"))
        .arg("-f")
        .arg(&path)
        .succeeds();
    assert_eq!(unsealed_token(&out.stdout), token());
    let err = stderr(&out);
    assert!(
        err.contains("disagree") && err.contains("\"other-name\""),
        "{err}"
    );
}

#[test]
fn unseal_output_is_a_new_private_file_unless_forced() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("restored/secret.yaml");
    let run = |extra: &[&str]| {
        let mut c = sealtoken();
        c.args(["unseal", "--key"])
            .arg(fixture("keys/backup-list.yaml"))
            .arg("-f")
            .arg(fixture(SEALED))
            .arg("-w")
            .arg(&target)
            .args(extra);
        c
    };
    // A missing folder is created; the file is 0600.
    run(&[]).succeeds();
    assert_eq!(unsealed_token(&std::fs::read(&target).unwrap()), token());
    let mode = std::fs::metadata(&target).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);

    std::fs::write(&target, "precious\n").unwrap();
    let out = run(&[]).fails();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("already exists; pass --force"),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "precious\n");

    run(&["--force"]).succeeds();
    assert_eq!(unsealed_token(&std::fs::read(&target).unwrap()), token());
}

#[test]
fn run_as_kubeseal_it_is_seal_and_as_kubectl_sealtoken_it_is_sealtoken() {
    let dir = tempfile::tempdir().unwrap();
    let secret = "apiVersion: v1\nkind: Secret\nmetadata: {name: db, namespace: apps}\nstringData: {password: s3cr3t}\n";
    let out = sealtoken_as("kubeseal", dir.path())
        .arg("--cert")
        .arg(demo_cert())
        .write_stdin(secret)
        .succeeds();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with("{\n  \"kind\": \"SealedSecret\""),
        "{text}"
    );
    let help = sealtoken_as("kubeseal", dir.path())
        .arg("--help")
        .succeeds();
    let help = String::from_utf8(help.stdout).unwrap();
    assert!(help.contains("Usage: kubeseal [OPTIONS]"), "{help}");
    assert!(help.contains("--recovery-unseal"), "{help}");

    let out = sealtoken_as("kubectl-sealtoken", dir.path())
        .arg("--cert")
        .arg(demo_cert())
        .args(["-n", "flux-system"])
        .succeeds();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("name: webhook-token"), "{text}");
    let help = sealtoken_as("kubectl-sealtoken", dir.path())
        .arg("--help")
        .succeeds();
    let help = String::from_utf8(help.stdout).unwrap();
    assert!(help.contains("Usage: kubectl sealtoken"), "{help}");
}

/// A SealedSecret apps/db as exported from a cluster (with a uid), whose
/// template renders a URL from sealed and plain values: `--recovery-unseal`
/// prints the Secret the controller would create. The expected values are
/// built from what the independent implementation opens, not from our renderer.
#[test]
fn recovery_renders_templates_and_sets_the_owner_as_the_controller() {
    use base64::Engine as _;
    use kubeseal_core::{Format, Scope};
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let text = crate::reseal::sealed_text(
        &demo_cert(),
        Scope::Strict,
        "apps",
        "db",
        &[("password", "s3cr3t"), ("user", "sealed-user")],
        Format::Json,
    );
    let mut doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    doc["metadata"]["uid"] = "6f1c0d3e-1111-4222-8333-944455556666".into();
    doc["spec"]["template"]["data"] = serde_json::json!({
        "url": "postgres://{{ .user }}:{{ index . \"password\" }}@{{ .host }}/db",
        "host": "db.example",
        "user": "plain-user",
        "gone": null,
    });
    let path = d.join("db.sealed.json");
    std::fs::write(&path, doc.to_string()).unwrap();

    let opened = crate::reseal::open_elsewhere(
        &crate::common::demo_key(),
        &kubeseal_core::read_sealed_secrets(doc.to_string().as_bytes()).unwrap()[0],
    );
    let get = |k: &str| opened.iter().find(|(key, _)| key == k).unwrap().1.clone();
    let want_url = format!(
        "postgres://{}:{}@db.example/db",
        get("user"),
        get("password")
    );

    let out = sealtoken_as("kubeseal", d)
        .args(["--recovery-unseal", "--recovery-private-key"])
        .arg(crate::common::demo_key())
        .arg("-f")
        .arg(&path)
        .succeeds();
    let secret: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let value = |k: &str| {
        String::from_utf8(
            base64::engine::general_purpose::STANDARD
                .decode(
                    secret["data"][k]
                        .as_str()
                        .unwrap_or_else(|| panic!("{k}: {secret}")),
                )
                .unwrap(),
        )
        .unwrap()
    };
    assert_eq!(value("url"), want_url);
    assert_eq!(value("host"), "db.example");
    // encryptedData wins over a template entry of the same key.
    assert_eq!(value("user"), get("user"));
    // A null template entry is an empty value, as the controller decodes it.
    assert_eq!(value("gone"), "");
    assert_eq!(
        secret["metadata"]["ownerReferences"],
        serde_json::json!([{
            "apiVersion": "bitnami.com/v1alpha1",
            "kind": "SealedSecret",
            "name": "db",
            "uid": "6f1c0d3e-1111-4222-8333-944455556666",
            "controller": true,
        }])
    );

    // Without a uid: no reference, and a note says why.
    doc["metadata"].as_object_mut().unwrap().remove("uid");
    std::fs::write(&path, doc.to_string()).unwrap();
    let out = sealtoken()
        .args(["unseal", "-o", "json", "--key"])
        .arg(crate::common::demo_key())
        .arg("-f")
        .arg(&path)
        .succeeds();
    let secret: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        secret["metadata"].get("ownerReferences").is_none(),
        "{secret}"
    );
    assert!(
        stderr(&out).contains("has no metadata.uid"),
        "{}",
        stderr(&out)
    );

    // A template the controller cannot render fails the run, naming the entry.
    doc["spec"]["template"]["data"]["bad"] = "{{ env \"HOME\" }}".into();
    std::fs::write(&path, doc.to_string()).unwrap();
    let out = sealtoken()
        .args(["unseal", "--key"])
        .arg(crate::common::demo_key())
        .arg("-f")
        .arg(&path)
        .fails();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("spec.template.data.bad") && err.contains("env"),
        "{err}"
    );
    assert!(!err.contains(&get("password")), "{err}");

    // edit keeps the templates as they are, byte for byte.
    let before = std::fs::read_to_string(&path).unwrap();
    sealtoken()
        .args(["edit", "--cert"])
        .arg(demo_cert())
        .arg(&path)
        .args(["--set-file", "extra=/dev/null"])
        .succeeds();
    let after: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let before: serde_json::Value = serde_json::from_str(&before).unwrap();
    assert_eq!(after["spec"]["template"], before["spec"]["template"]);
}

/// Every value that does not open is named, not only the first (as doctor
/// reports them).
#[test]
fn recovery_names_every_value_that_does_not_open() {
    use kubeseal_core::{Format, Scope};
    let dir = tempfile::tempdir().unwrap();
    let mk = |name: &str| {
        crate::reseal::sealed_text(
            &demo_cert(),
            Scope::Strict,
            "apps",
            name,
            &[("a", "1"), ("b", "2"), ("c", "3")],
            Format::Json,
        )
    };
    let mut doc: serde_json::Value = serde_json::from_str(&mk("db")).unwrap();
    let other: serde_json::Value = serde_json::from_str(&mk("other")).unwrap();
    for k in ["a", "c"] {
        doc["spec"]["encryptedData"][k] = other["spec"]["encryptedData"][k].clone();
    }
    let path = dir.path().join("db.json");
    std::fs::write(&path, doc.to_string()).unwrap();
    let out = sealtoken_as("kubeseal", dir.path())
        .args(["--recovery-unseal", "--recovery-private-key"])
        .arg(crate::common::demo_key())
        .arg("-f")
        .arg(&path)
        .fails();
    let err = stderr(&out);
    assert!(
        err.contains("2 encryptedData value(s) do not open with any key: a, c"),
        "{err}"
    );
    assert!(out.stdout.is_empty());
}
