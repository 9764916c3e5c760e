//! kubeseal's modes that talk to the controller, end to end against the
//! loopback API server with a controller behind its service proxy
//! (`common::fake_controller`: upstream's `/v1/verify` and `/v1/rotate`
//! with a real decrypt): `--validate`, `--re-encrypt` (`--rotate`),
//! `--fetch-cert`, sealing without `--cert`, and the Flux webhook procedure's
//! kubeseal command line
//! byte for byte through a `kubeseal` link.

#![cfg(feature = "cluster")]

use std::path::{Path, PathBuf};
use std::time::Duration;

use assert_cmd::Command;
use kubeseal_core::{read_sealed_secrets, read_secrets, unseal, PrivateKey};

use crate::common::api_server::{
    kubeconfig, pki, token_user, ApiServer, FORBIDDEN_TOKEN, NS, TOKEN,
};
use crate::common::{demo_cert, fixture, read_fixture, sealtoken_as, Run};
use crate::golden::{drop_creation_timestamp, mask};

/// The kubeseal command line of the Flux webhook procedure, as it is run.
const PROCEDURE: &str = "kubeseal -f secret.yaml -w flux-webhook-token.sealed.yaml --controller-namespace sealed-secrets -n flux-system";

const SECRET: &str = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: apps\nstringData:\n  password: s3cr3t\n";

/// The proxy path of the controller's `endpoint`.
fn proxy(endpoint: &str) -> String {
    format!("/api/v1/namespaces/{NS}/services/http:sealed-secrets-controller:http/proxy{endpoint}")
}

/// A server, a folder and a kubeconfig reaching the server with a token.
fn setup() -> (ApiServer, tempfile::TempDir, PathBuf) {
    assert_eq!(
        NS, "sealed-secrets",
        "the procedure's --controller-namespace"
    );
    let srv = ApiServer::start();
    let dir = tempfile::tempdir().unwrap();
    let kc = kubeconfig(
        dir.path(),
        &srv.url(""),
        &pki().server_ca_pem,
        token_user(TOKEN),
    );
    (srv, dir, kc)
}

/// The binary run as `kubeseal` in `dir`, with `KUBECONFIG` = `kc`, a
/// private HOME and a short network timeout.
fn kubeseal(dir: &Path, kc: &Path) -> Command {
    let mut c = sealtoken_as("kubeseal", dir);
    c.current_dir(dir)
        .env("HOME", dir)
        .env("KUBECONFIG", kc)
        .env("SEALTOKEN_HTTP_TIMEOUT", "5")
        .timeout(Duration::from_secs(30));
    c
}

fn keys(rel: &str) -> Vec<PrivateKey> {
    PrivateKey::from_pem(&read_fixture(rel)).unwrap()
}

/// `password` of the one SealedSecret in `sealed`, unsealed with `keys`.
fn password(sealed: &[u8], keys: &[PrivateKey]) -> Option<Vec<u8>> {
    let v = read_sealed_secrets(sealed).unwrap();
    assert_eq!(v.len(), 1);
    unseal(keys, &v[0])
        .ok()
        .map(|s| s.data["password"].expose().to_vec())
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn the_procedure_command_line_runs_byte_for_byte_through_a_kubeseal_link() {
    let (srv, dir, kc) = setup();
    std::fs::write(
        dir.path().join("secret.yaml"),
        read_fixture("upstream/secret.yaml"),
    )
    .unwrap();
    let args: Vec<&str> = PROCEDURE.split(' ').collect();
    assert_eq!(args[0], "kubeseal");
    kubeseal(dir.path(), &kc).args(&args[1..]).succeeds();
    let written =
        std::fs::read_to_string(dir.path().join("flux-webhook-token.sealed.yaml")).unwrap();
    // kubeseal's layout (a .yaml -w gives YAML), only the ciphertext differs.
    let want = drop_creation_timestamp(&mask(
        &String::from_utf8(read_fixture("upstream/flux-webhook-token.sealed.yaml")).unwrap(),
    ));
    assert_eq!(mask(&written) + "\n", want);
    // It unseals with the controller's key to the fixture's token.
    let sealed = read_sealed_secrets(written.as_bytes()).unwrap();
    let secret = unseal(&keys("upstream/controller.key"), &sealed[0]).unwrap();
    let fixture = read_secrets(&read_fixture("upstream/secret.yaml")).unwrap();
    assert_eq!(secret.data["token"], fixture[0].data["token"]);
    // The certificate came from the controller through the service proxy.
    assert_eq!(srv.requests().last().unwrap(), &proxy("/v1/cert.pem"));
}

#[test]
fn fetch_cert_prints_the_controllers_certificate() {
    let (srv, dir, kc) = setup();
    let out = kubeseal(dir.path(), &kc)
        .args(["--fetch-cert", "--controller-namespace", NS])
        .succeeds();
    assert_eq!(out.stdout, read_fixture("upstream/controller.crt"));
    assert!(out.stderr.is_empty(), "{}", stderr(&out));
    assert_eq!(srv.requests().last().unwrap(), &proxy("/v1/cert.pem"));
    // -w writes it.
    kubeseal(dir.path(), &kc)
        .args([
            "--fetch-cert",
            "--controller-namespace",
            NS,
            "-w",
            "pub.pem",
        ])
        .succeeds();
    assert_eq!(
        std::fs::read(dir.path().join("pub.pem")).unwrap(),
        read_fixture("upstream/controller.crt")
    );
}

/// `SECRET` sealed with `cert` (no cluster involved).
fn sealed_with(dir: &Path, cert: &Path, name: &str) -> PathBuf {
    let path = dir.join(name);
    let out = sealtoken_as("kubeseal", dir)
        .arg("--cert")
        .arg(cert)
        .args(["-o", "yaml"])
        .write_stdin(SECRET)
        .succeeds();
    std::fs::write(&path, out.stdout).unwrap();
    path
}

#[test]
fn validate_asks_the_controller_to_decrypt() {
    let (srv, dir, kc) = setup();
    // Sealed for the controller's (older) key: valid, silently.
    let good = sealed_with(dir.path(), &demo_cert(), "good.yaml");
    let out = kubeseal(dir.path(), &kc)
        .args(["--validate", "--controller-namespace", NS, "-f"])
        .arg(&good)
        .succeeds();
    assert!(
        out.stdout.is_empty() && out.stderr.is_empty(),
        "{}",
        stderr(&out)
    );
    let last = srv.received().pop().unwrap();
    assert_eq!(
        (last.method.as_str(), last.path.as_str()),
        ("POST", proxy("/v1/verify").as_str())
    );
    // The body is the SealedSecret as JSON.
    let posted = read_sealed_secrets(&last.body).unwrap();
    let given = read_sealed_secrets(&std::fs::read(&good).unwrap()).unwrap();
    assert_eq!(posted.len(), 1);
    assert_eq!(posted[0].object_ref(), given[0].object_ref());
    assert_eq!(posted[0].encrypted_data, given[0].encrypted_data);
    assert!(last.body.starts_with(b"{"));

    // Sealed for a key the controller does not hold: 409, exit 1.
    let foreign = sealed_with(dir.path(), &fixture("keys/rsa3072.crt"), "foreign.yaml");
    let out = kubeseal(dir.path(), &kc)
        .args(["--validate", "--controller-namespace", NS])
        .write_stdin(std::fs::read(&foreign).unwrap())
        .fails();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("unable to decrypt sealed secret: db"),
        "{}",
        stderr(&out)
    );

    // Each SealedSecret of a stream is posted on its own, as kubeseal does.
    let before = srv.received().len();
    let mut two = std::fs::read(&good).unwrap();
    two.extend(std::fs::read(&foreign).unwrap());
    let out = kubeseal(dir.path(), &kc)
        .args(["--validate", "--controller-namespace", NS])
        .write_stdin(two)
        .fails();
    assert_eq!(out.status.code(), Some(1));
    let posts = srv.received()[before..]
        .iter()
        .filter(|r| r.method == "POST")
        .count();
    assert_eq!(posts, 2);

    // A controller that fails (500): exit 1, with the status.
    let failing =
        ApiServer::start_with(|req| (req.method == "POST").then(|| Some((500, Vec::new()))));
    std::fs::create_dir(dir.path().join("k500")).unwrap();
    let kc500 = kubeconfig(
        &dir.path().join("k500"),
        &failing.url(""),
        &pki().server_ca_pem,
        token_user(TOKEN),
    );
    let out = kubeseal(dir.path(), &kc500)
        .args(["--validate", "--controller-namespace", NS, "-f"])
        .arg(&good)
        .fails();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("500 Internal Server Error"),
        "{}",
        stderr(&out)
    );

    // A user who may not read the Service: 403, exit 1, one line.
    std::fs::create_dir(dir.path().join("k403")).unwrap();
    let kc403 = kubeconfig(
        &dir.path().join("k403"),
        &srv.url(""),
        &pki().server_ca_pem,
        token_user(FORBIDDEN_TOKEN),
    );
    let out = kubeseal(dir.path(), &kc403)
        .args(["--validate", "--controller-namespace", NS, "-f"])
        .arg(&good)
        .fails();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("403 Forbidden"), "{}", stderr(&out));
    assert_eq!(stderr(&out).lines().count(), 1, "{}", stderr(&out));
    assert!(!stderr(&out).contains(FORBIDDEN_TOKEN));
}

#[test]
fn re_encrypt_has_the_controller_seal_again_with_its_newest_key() {
    let (srv, dir, kc) = setup();
    let old = keys("upstream/controller.key");
    let newest = keys("keys/rsa2048.pkcs8.key");
    let sealed = sealed_with(dir.path(), &demo_cert(), "db.sealed.yaml");
    let before = std::fs::read(&sealed).unwrap();
    assert_eq!(password(&before, &old).as_deref(), Some(&b"s3cr3t"[..]));

    // With -f and no -w the file is replaced in place (YAML: its name says so).
    kubeseal(dir.path(), &kc)
        .args([
            "--re-encrypt",
            "--controller-namespace",
            NS,
            "-f",
            "db.sealed.yaml",
        ])
        .succeeds();
    let after = std::fs::read(&sealed).unwrap();
    assert_ne!(after, before);
    assert!(after.starts_with(b"---\napiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\n"));
    assert_eq!(password(&after, &newest).as_deref(), Some(&b"s3cr3t"[..]));
    assert_eq!(password(&after, &old), None);
    let last = srv.received().pop().unwrap();
    assert_eq!(
        (last.method.as_str(), last.path.as_str()),
        ("POST", proxy("/v1/rotate").as_str())
    );

    // --rotate: the deprecated name, with pflag's warning; stdin to stdout (JSON).
    let out = kubeseal(dir.path(), &kc)
        .args(["--rotate", "--controller-namespace", NS])
        .write_stdin(before.clone())
        .succeeds();
    assert!(out.stdout.starts_with(b"{\n  \"kind\": \"SealedSecret\""));
    assert_eq!(
        password(&out.stdout, &newest).as_deref(),
        Some(&b"s3cr3t"[..])
    );
    assert!(
        stderr(&out).contains("Flag --rotate has been deprecated, please use --re-encrypt instead"),
        "{}",
        stderr(&out)
    );

    // What the controller cannot decrypt: 500, exit 1, the file untouched.
    let foreign = sealed_with(dir.path(), &fixture("keys/rsa3072.crt"), "foreign.yaml");
    let kept = std::fs::read(&foreign).unwrap();
    let out = kubeseal(dir.path(), &kc)
        .args([
            "--re-encrypt",
            "--controller-namespace",
            NS,
            "-f",
            "foreign.yaml",
        ])
        .fails();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("500"), "{}", stderr(&out));
    assert_eq!(std::fs::read(&foreign).unwrap(), kept);
}

#[test]
fn re_encrypt_of_a_sealed_secret_whose_template_disagrees_keeps_metadatas_scope() {
    let (_srv, dir, kc) = setup();
    let sealed = sealed_with(dir.path(), &demo_cert(), "db.sealed.yaml");
    let text = std::fs::read_to_string(&sealed).unwrap();
    // A template claiming another name (CVE-2026-22728): metadata wins, with a warning.
    let forged = text.replace("      name: db\n", "      name: admin\n");
    assert_ne!(forged, text);
    let out = kubeseal(dir.path(), &kc)
        .args(["--re-encrypt", "--controller-namespace", NS, "-o", "yaml"])
        .write_stdin(forged)
        .succeeds();
    assert!(stderr(&out).contains("disagree"), "{}", stderr(&out));
    let resealed = read_sealed_secrets(&out.stdout).unwrap();
    assert_eq!(resealed[0].metadata.name.as_deref(), Some("db"));
    assert_eq!(resealed[0].template.metadata.name.as_deref(), Some("db"));
}
