//! Certificate sources end to end: `--cert https://…` and the controller in
//! the cluster (no `--cert`), against a loopback HTTPS server playing the API
//! server, with real TLS (certificates made at test time), bearer tokens,
//! client certificates and an exec credential plugin. Also every failure:
//! refused connection, untrusted server, 401, 403, 404, a body that is not a
//! certificate, a server that never answers, a body too large, a wrong pin.
//! URL tests need the feature `http` (default), cluster tests `cluster`
//! (`cargo test --features cluster`).

#![cfg(feature = "http")]
#![cfg_attr(not(feature = "cluster"), allow(dead_code, unused_imports))]

use std::path::Path;

use assert_cmd::Command;
use kubeseal_core::{read_sealed_secrets, unseal, PrivateKey};
use serde_json::json;

use crate::common::api_server::{
    client_cert_user, closed_port, kubeconfig, pki, sealtoken_in, token_user, ApiServer,
    FORBIDDEN_TOKEN, NS, TOKEN,
};
use crate::common::{demo_cert, read_fixture, sealtoken, Run};

const SECRET: &str = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: apps\nstringData:\n  password: s3cr3t\n";

/// Unseals one SealedSecret with the controller's key and returns `password`.
fn unsealed_password(sealed: &[u8]) -> Vec<u8> {
    let keys = PrivateKey::from_pem(&read_fixture("upstream/controller.key")).unwrap();
    let v = read_sealed_secrets(sealed).unwrap();
    assert_eq!(v.len(), 1);
    unseal(&keys, &v[0]).unwrap().data["password"]
        .expose()
        .to_vec()
}

fn fingerprint() -> String {
    let out = sealtoken()
        .args(["cert-info", "--cert"])
        .arg(demo_cert())
        .succeeds();
    let text = String::from_utf8(out.stdout).unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix("sha256:"))
        .unwrap()
        .trim()
        .to_string()
}

/// Runs a failing command: exit code not 0, exactly one stderr line, an
/// error naming `source`, no output file, no secret in the message.
fn assert_fails(mut c: Command, out_file: &Path, source: &str, expect: &str) -> String {
    let out = c.fails();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "not one line: {stderr}");
    assert!(stderr.starts_with("sealtoken: error: "), "{stderr}");
    assert!(stderr.contains(source), "{source:?} not named in {stderr}");
    assert!(stderr.contains(expect), "{expect:?} not in {stderr}");
    for secret in [TOKEN, FORBIDDEN_TOKEN, "PRIVATE KEY", "secret-in-stdout"] {
        assert!(!stderr.contains(secret), "secret in {stderr}");
    }
    assert!(!out_file.exists(), "{} was written", out_file.display());
    assert!(out.stdout.is_empty());
    stderr
}

#[test]
fn url_source_fetches_over_https_and_seals() {
    let srv = ApiServer::start();
    let dir = tempfile::tempdir().unwrap();
    let out = sealtoken_in(dir.path())
        .args(["seal", "-n", "apps", "--cert", &srv.url("/v1/cert.pem")])
        .write_stdin(SECRET)
        .succeeds();
    assert_eq!(unsealed_password(&out.stdout), b"s3cr3t");
    assert_eq!(srv.requests(), ["/v1/cert.pem"]);

    // cert-info and fetch-cert with the same source, and a matching pin.
    let out = sealtoken_in(dir.path())
        .args(["cert-info", "--cert", &srv.url("/v1/cert.pem")])
        .succeeds();
    assert!(String::from_utf8(out.stdout)
        .unwrap()
        .contains(&fingerprint()));
    let pem = dir.path().join("pub.pem");
    let out = sealtoken_in(dir.path())
        .args([
            "fetch-cert",
            "--cert",
            &srv.url("/v1/cert.pem"),
            "--cert-sha256",
        ])
        .arg(fingerprint())
        .arg("-w")
        .arg(&pem)
        .succeeds();
    assert_eq!(
        std::fs::read(&pem).unwrap(),
        read_fixture("upstream/controller.crt")
    );
    assert!(String::from_utf8(out.stderr)
        .unwrap()
        .contains(&fingerprint()));
}

#[test]
fn url_source_failures_are_one_line_naming_the_url() {
    let srv = ApiServer::start();
    let dir = tempfile::tempdir().unwrap();
    let out_file = dir.path().join("out.pem");
    let fetch = |url: &str| {
        let mut c = sealtoken_in(dir.path());
        c.args(["fetch-cert", "--cert", url, "-w"]).arg(&out_file);
        c
    };
    let url = srv.url("/missing.pem");
    assert_fails(fetch(&url), &out_file, &url, "HTTP 404 Not Found");
    let url = srv.url("/notpem");
    assert_fails(fetch(&url), &out_file, &url, "no PEM certificate");
    let url = srv.url("/big");
    assert_fails(fetch(&url), &out_file, &url, "larger than 64 KiB");
    let url = format!("https://127.0.0.1:{}/v1/cert.pem", closed_port());
    assert_fails(fetch(&url), &out_file, &url, "cannot connect");
    // A server certificate from a CA that is not trusted.
    let other = dir.path().join("other-ca.pem");
    std::fs::write(&other, &pki().other_ca_pem).unwrap();
    let url = srv.url("/v1/cert.pem");
    let mut c = fetch(&url);
    c.env("SSL_CERT_FILE", &other);
    assert_fails(c, &out_file, &url, "certificate");
    // A server that never answers.
    let url = srv.url("/hang");
    let mut c = fetch(&url);
    c.env("SEALTOKEN_HTTP_TIMEOUT", "0.5");
    assert_fails(c, &out_file, &url, "timed out after 0.5 s");
    // A pin that does not match.
    let url = srv.url("/v1/cert.pem");
    let mut c = fetch(&url);
    c.args(["--cert-sha256", &"00".repeat(32)]);
    assert_fails(c, &out_file, &url, "does not match the pinned");
    // Seal refuses the same way and writes nothing.
    let sealed = dir.path().join("s.json");
    let mut c = sealtoken_in(dir.path());
    c.args(["seal", "-n", "apps", "--cert", &srv.url("/big"), "-w"])
        .arg(&sealed)
        .write_stdin(SECRET);
    assert_fails(c, &sealed, &srv.url("/big"), "larger than");
}

#[test]
#[cfg(feature = "cluster")]
fn a_file_source_never_touches_the_network() {
    let srv = ApiServer::start();
    let dir = tempfile::tempdir().unwrap();
    let kc = kubeconfig(
        dir.path(),
        &srv.url(""),
        &pki().server_ca_pem,
        token_user(TOKEN),
    );
    let out = sealtoken_in(dir.path())
        .args(["seal", "-n", "apps", "--cert"])
        .arg(demo_cert())
        .arg("--kubeconfig")
        .arg(&kc)
        .env("HTTPS_PROXY", format!("http://127.0.0.1:{}", srv.port))
        .write_stdin(SECRET)
        .succeeds();
    assert_eq!(unsealed_password(&out.stdout), b"s3cr3t");
    assert!(srv.requests().is_empty(), "{:?}", srv.requests());
}

#[test]
#[cfg(feature = "cluster")]
fn cluster_source_with_a_bearer_token_fetches_and_seals() {
    let srv = ApiServer::start();
    let dir = tempfile::tempdir().unwrap();
    let kc = kubeconfig(
        dir.path(),
        &srv.url(""),
        &pki().server_ca_pem,
        token_user(TOKEN),
    );
    let pem = dir.path().join("pub.pem");
    let out = sealtoken_in(dir.path())
        .args(["fetch-cert", "--controller-namespace", NS, "--kubeconfig"])
        .arg(&kc)
        .arg("-w")
        .arg(&pem)
        .succeeds();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(
        std::fs::read(&pem).unwrap(),
        read_fixture("upstream/controller.crt")
    );
    assert!(stderr.contains(&fingerprint()), "{stderr}");
    assert!(stderr.contains("RSA 4096 bits"), "{stderr}");
    assert_eq!(
        srv.requests(),
        [
            format!("/api/v1/namespaces/{NS}/services/sealed-secrets-controller"),
            format!("/api/v1/namespaces/{NS}/services/http:sealed-secrets-controller:http/proxy/v1/cert.pem"),
        ]
    );
    // An existing file is kept unless --force.
    let mut c = sealtoken_in(dir.path());
    c.args(["fetch-cert", "--controller-namespace", NS, "--kubeconfig"])
        .arg(&kc)
        .arg("-w")
        .arg(&pem);
    c.assert().failure();
    c.arg("--force").assert().success();

    // seal with no --cert, the kubeconfig from KUBECONFIG, the names from flags.
    let out = sealtoken_in(dir.path())
        .args(["seal", "-n", "apps", "--controller-namespace", NS])
        .args(["--controller-name", "sealed-secrets-controller"])
        .env("KUBECONFIG", &kc)
        .write_stdin(SECRET)
        .succeeds();
    assert_eq!(unsealed_password(&out.stdout), b"s3cr3t");

    // cert-info from the cluster, with the names from the environment.
    let out = sealtoken_in(dir.path())
        .arg("cert-info")
        .env("SEALED_SECRETS_KUBECONFIG", &kc)
        .env("SEALED_SECRETS_CONTROLLER_NAMESPACE", NS)
        .succeeds();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains(&fingerprint()), "{stdout}");
    assert!(
        stdout.contains(&format!(
            "service {NS}/sealed-secrets-controller via https://127.0.0.1:{}",
            srv.port
        )),
        "{stdout}"
    );
}

#[test]
#[cfg(feature = "cluster")]
fn cluster_source_with_a_client_certificate_and_context_flag() {
    let srv = ApiServer::start();
    let dir = tempfile::tempdir().unwrap();
    let kc = kubeconfig(
        dir.path(),
        &srv.url(""),
        &pki().server_ca_pem,
        client_cert_user(),
    );
    let out_file = dir.path().join("s.yaml");
    sealtoken_in(dir.path())
        .args([
            "seal",
            "-n",
            "apps",
            "--controller-namespace",
            NS,
            "--kubeconfig",
        ])
        .arg(&kc)
        .args(["--context", "test", "-w"])
        .arg(&out_file)
        .write_stdin(SECRET)
        .succeeds();
    assert_eq!(
        unsealed_password(&std::fs::read(&out_file).unwrap()),
        b"s3cr3t"
    );

    // --context picks another context: its server is not reachable.
    let out_file = dir.path().join("s2.yaml");
    let mut c = sealtoken_in(dir.path());
    c.args([
        "seal",
        "-n",
        "apps",
        "--controller-namespace",
        NS,
        "--kubeconfig",
    ])
    .arg(&kc)
    .args(["--context", "broken", "-w"])
    .arg(&out_file)
    .write_stdin(SECRET);
    assert_fails(
        c,
        &out_file,
        "cannot fetch the certificate from service",
        "refused",
    );
}

#[test]
#[cfg(feature = "cluster")]
fn cluster_source_with_an_exec_credential_plugin() {
    use std::os::unix::fs::PermissionsExt;
    let srv = ApiServer::start();
    let dir = tempfile::tempdir().unwrap();
    let write_script = |name: &str, body: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, body).unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
        p
    };
    let good = write_script(
        "good-plugin",
        &format!(
            "#!/bin/sh\nprintf '%s' '{}'\n",
            json!({"apiVersion": "client.authentication.k8s.io/v1beta1", "kind": "ExecCredential",
                   "status": {"token": TOKEN}})
        ),
    );
    let exec = |cmd: &Path| {
        json!({"exec": {"apiVersion": "client.authentication.k8s.io/v1beta1",
                        "command": cmd, "interactiveMode": "Never"}})
    };
    let kc = kubeconfig(dir.path(), &srv.url(""), &pki().server_ca_pem, exec(&good));
    let pem = dir.path().join("pub.pem");
    sealtoken_in(dir.path())
        .args(["fetch-cert", "--controller-namespace", NS, "--kubeconfig"])
        .arg(&kc)
        .arg("-w")
        .arg(&pem)
        .succeeds();
    assert_eq!(
        std::fs::read(&pem).unwrap(),
        read_fixture("upstream/controller.crt")
    );

    // A failing plugin: its stderr is shown, never its stdout.
    let bad = write_script(
        "bad-plugin",
        "#!/bin/sh\necho secret-in-stdout\necho 'error: login required' >&2\nexit 1\n",
    );
    let sub = dir.path().join("bad");
    std::fs::create_dir(&sub).unwrap();
    let kc = kubeconfig(&sub, &srv.url(""), &pki().server_ca_pem, exec(&bad));
    let out_file = dir.path().join("out.pem");
    let mut c = sealtoken_in(dir.path());
    c.args(["fetch-cert", "--controller-namespace", NS, "--kubeconfig"])
        .arg(&kc)
        .arg("-w")
        .arg(&out_file);
    assert_fails(
        c,
        &out_file,
        "cannot fetch the certificate from service",
        "login required",
    );
}

#[test]
#[cfg(feature = "cluster")]
fn cluster_source_failures_are_one_line_naming_the_service_and_server() {
    let srv = ApiServer::start();
    let dir = tempfile::tempdir().unwrap();
    let out_file = dir.path().join("out.pem");
    let ca = &pki().server_ca_pem;
    let run = |kc: &Path, name: &str| {
        let mut c = sealtoken_in(dir.path());
        c.args([
            "fetch-cert",
            "--controller-namespace",
            NS,
            "--controller-name",
            name,
        ])
        .arg("--kubeconfig")
        .arg(kc)
        .arg("-w")
        .arg(&out_file);
        c
    };
    let source =
        |name: &str, port: u16| format!("service {NS}/{name} via https://127.0.0.1:{port}");
    let sub = |name: &str| {
        let d = dir.path().join(name);
        std::fs::create_dir(&d).unwrap();
        d
    };
    let good = kubeconfig(&sub("good"), &srv.url(""), ca, token_user(TOKEN));
    let name = "sealed-secrets-controller";

    // 401: no credentials. 403: a token without rights.
    let anon = kubeconfig(&sub("anon"), &srv.url(""), ca, json!({}));
    assert_fails(
        run(&anon, name),
        &out_file,
        &source(name, srv.port),
        "401 Unauthorized",
    );
    let forbidden = kubeconfig(
        &sub("forbidden"),
        &srv.url(""),
        ca,
        token_user(FORBIDDEN_TOKEN),
    );
    assert_fails(
        run(&forbidden, name),
        &out_file,
        &source(name, srv.port),
        "403 Forbidden (services is forbidden",
    );
    // 404: no such service.
    assert_fails(
        run(&good, "nope"),
        &out_file,
        &source("nope", srv.port),
        "404 Not Found (services \"nope\" not found)",
    );
    // A body that is not a certificate, one too large, one that never comes.
    assert_fails(
        run(&good, "notpem"),
        &out_file,
        &source("notpem", srv.port),
        "",
    );
    assert_fails(
        run(&good, "big"),
        &out_file,
        &source("big", srv.port),
        "larger than 64 KiB",
    );
    let mut c = run(&good, "hang");
    c.env("SEALTOKEN_HTTP_TIMEOUT", "0.5");
    assert_fails(
        c,
        &out_file,
        &source("hang", srv.port),
        "timed out after 0.5 s",
    );
    // A server whose certificate the kubeconfig's CA did not sign.
    let untrusted = kubeconfig(
        &sub("untrusted"),
        &srv.url(""),
        &pki().other_ca_pem,
        token_user(TOKEN),
    );
    assert_fails(
        run(&untrusted, name),
        &out_file,
        &source(name, srv.port),
        "certificate",
    );
    // Nothing listening.
    let port = closed_port();
    let closed = kubeconfig(
        &sub("closed"),
        &format!("https://127.0.0.1:{port}"),
        ca,
        token_user(TOKEN),
    );
    assert_fails(
        run(&closed, name),
        &out_file,
        &source(name, port),
        "refused",
    );
    // A pin that does not match.
    let mut c = run(&good, name);
    c.args(["--cert-sha256", &"ab".repeat(32)]);
    assert_fails(
        c,
        &out_file,
        &source(name, srv.port),
        "does not match the pinned",
    );
}
