//! Certificate sources end to end: `--cert https://…` and the controller in
//! the cluster (no `--cert`), against a loopback HTTPS server playing the API
//! server, with real TLS (certificates made at test time), bearer tokens,
//! client certificates and an exec credential plugin. Also every failure:
//! refused connection, untrusted server, 401, 403, 404, a body that is not a
//! certificate, a server that never answers, a body too large, a wrong pin.
//! URL tests need the feature `http` (default), cluster tests `cluster`
//! (`cargo test --features cluster`).

#![cfg(feature = "http")]
#![cfg_attr(not(feature = "cluster"), allow(dead_code))]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread;
use std::time::Duration;

use assert_cmd::Command;
use base64::Engine as _;
use kubeseal_core::{read_sealed_secrets, unseal, PrivateKey};
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::server::WebPkiClientVerifier;
use rustls::{RootCertStore, ServerConfig, ServerConnection, StreamOwned};
use serde_json::json;

use crate::common::{demo_cert, read_fixture, sealtoken};

/// The bearer token the test API server accepts.
const TOKEN: &str = "good-token-0123456789";
/// A bearer token the server knows but that may not read services (403).
const FORBIDDEN_TOKEN: &str = "forbidden-token-9876543210";
/// Controller names (Services) the server knows, each with a behaviour of its
/// certificate endpoint.
const SERVICES: [&str; 4] = ["sealed-secrets-controller", "notpem", "big", "hang"];
/// The controller namespace used in the tests (not the default, to see the flag work).
const NS: &str = "sealed-secrets";

/// A test PKI: the server's CA and certificate, a client CA and certificate,
/// and an unrelated CA (an untrusted server).
struct Pki {
    server_ca_pem: String,
    server_cert: CertificateDer<'static>,
    server_key: Vec<u8>,
    client_ca: CertificateDer<'static>,
    client_cert_pem: String,
    client_key_pem: String,
    other_ca_pem: String,
}

fn ca(name: &str) -> (rcgen::Certificate, KeyPair) {
    let key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.distinguished_name.push(DnType::CommonName, name);
    (params.self_signed(&key).unwrap(), key)
}

fn pki() -> &'static Pki {
    static PKI: OnceLock<Pki> = OnceLock::new();
    PKI.get_or_init(|| {
        let (server_ca, server_ca_key) = ca("test server CA");
        let server_key = KeyPair::generate().unwrap();
        let server_cert = CertificateParams::new(vec!["127.0.0.1".into(), "localhost".into()])
            .unwrap()
            .signed_by(&server_key, &server_ca, &server_ca_key)
            .unwrap();
        let (client_ca, client_ca_key) = ca("test client CA");
        let client_key = KeyPair::generate().unwrap();
        let mut client_params = CertificateParams::new(Vec::<String>::new()).unwrap();
        client_params
            .distinguished_name
            .push(DnType::CommonName, "test-admin");
        let client_cert = client_params
            .signed_by(&client_key, &client_ca, &client_ca_key)
            .unwrap();
        let (other_ca, _) = ca("unrelated CA");
        Pki {
            server_ca_pem: server_ca.pem(),
            server_cert: server_cert.der().clone(),
            server_key: server_key.serialize_der(),
            client_ca: client_ca.der().clone(),
            client_cert_pem: client_cert.pem(),
            client_key_pem: client_key.serialize_pem(),
            other_ca_pem: other_ca.pem(),
        }
    })
}

/// The loopback HTTPS server. Requests (paths) are recorded.
struct Server {
    port: u16,
    requests: Arc<Mutex<Vec<String>>>,
}

impl Server {
    fn start() -> Server {
        let pki = pki();
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let mut roots = RootCertStore::empty();
        roots.add(pki.client_ca.clone()).unwrap();
        let verifier =
            WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider.clone())
                .allow_unauthenticated()
                .build()
                .unwrap();
        let config = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_client_cert_verifier(verifier)
            .with_single_cert(
                vec![pki.server_cert.clone()],
                PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(pki.server_key.clone())),
            )
            .unwrap();
        let config = Arc::new(config);
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let recorded = requests.clone();
        thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let (config, recorded) = (config.clone(), recorded.clone());
                thread::spawn(move || handle(stream, config, recorded));
            }
        });
        Server { port, requests }
    }

    fn url(&self, path: &str) -> String {
        format!("https://127.0.0.1:{}{path}", self.port)
    }

    fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }
}

/// Serves one request on one TLS connection, then closes it.
fn handle(tcp: TcpStream, config: Arc<ServerConfig>, requests: Arc<Mutex<Vec<String>>>) {
    let _ = tcp.set_read_timeout(Some(Duration::from_secs(10)));
    let Ok(conn) = ServerConnection::new(config) else {
        return;
    };
    let mut tls = StreamOwned::new(conn, tcp);
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match tls.read(&mut byte) {
            Ok(1) if head.len() < 16 * 1024 => head.push(byte[0]),
            _ => return, // TLS refused by the client, or a broken request.
        }
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    let path = head
        .lines()
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .unwrap_or("")
        .to_string();
    let bearer = head
        .lines()
        .filter_map(|l| l.split_once(':'))
        .find(|(k, _)| k.eq_ignore_ascii_case("authorization"))
        .and_then(|(_, v)| v.trim().strip_prefix("Bearer "))
        .map(str::to_string);
    let client_cert = tls.conn.peer_certificates().is_some_and(|c| !c.is_empty());
    requests.lock().unwrap().push(path.clone());
    let Some((status, body)) = route(&path, bearer.as_deref(), client_cert) else {
        // Never answer (the client must time out).
        thread::sleep(Duration::from_secs(30));
        return;
    };
    let reason = match status {
        200 => "OK",
        401 => "Unauthorized",
        403 => "Forbidden",
        _ => "Not Found",
    };
    let mut out = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(&body);
    let _ = tls.write_all(&out);
    tls.conn.send_close_notify();
    let _ = tls.flush();
}

/// An API `Status` error body.
fn status(code: u16, reason: &str, message: &str) -> (u16, Vec<u8>) {
    let body = json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                      "message": message, "reason": reason, "code": code});
    (code, body.to_string().into_bytes())
}

/// What the server answers; `None`: never answer.
fn route(path: &str, bearer: Option<&str>, client_cert: bool) -> Option<(u16, Vec<u8>)> {
    let cert = || read_fixture("upstream/controller.crt");
    // Plain URLs (the `--cert URL` source), no authentication.
    match path {
        "/v1/cert.pem" => return Some((200, cert())),
        "/notpem" => return Some((200, b"<html>maintenance</html>\n".to_vec())),
        "/big" => return Some((200, vec![b'A'; 100 * 1024])),
        "/hang" => return None,
        p if !p.starts_with("/api/") => return Some((404, b"404 page not found\n".to_vec())),
        _ => {}
    }
    // The API server: authentication, then the Service, then its proxy.
    if bearer == Some(FORBIDDEN_TOKEN) {
        return Some(status(
            403,
            "Forbidden",
            "services is forbidden: User \"nobody\" cannot get resource \"services\"",
        ));
    }
    if bearer != Some(TOKEN) && !client_cert {
        return Some(status(401, "Unauthorized", "Unauthorized"));
    }
    let rest = path.strip_prefix(&format!("/api/v1/namespaces/{NS}/services/"))?;
    let rest = rest.to_string();
    if let Some(name) = rest
        .strip_prefix("http:")
        .and_then(|r| r.strip_suffix(":http/proxy/v1/cert.pem"))
    {
        return match name {
            "sealed-secrets-controller" => Some((200, cert())),
            "notpem" => Some((200, b"not a certificate\n".to_vec())),
            "big" => Some((200, vec![b'A'; 100 * 1024])),
            "hang" => None,
            _ => Some(status(404, "NotFound", "no endpoints available")),
        };
    }
    if SERVICES.contains(&rest.as_str()) {
        let svc = json!({"apiVersion": "v1", "kind": "Service",
            "metadata": {"name": rest, "namespace": NS},
            "spec": {"ports": [{"name": "http", "port": 8080, "protocol": "TCP"}]}});
        return Some((200, svc.to_string().into_bytes()));
    }
    Some(status(
        404,
        "NotFound",
        &format!("services \"{rest}\" not found"),
    ))
}

fn b64(s: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(s)
}

/// Writes a kubeconfig whose current context reaches `server` (trusting
/// `ca_pem`) as `user`; a second context, `broken`, points at a closed port.
fn kubeconfig(dir: &Path, server: &str, ca_pem: &str, user: serde_json::Value) -> PathBuf {
    let kc = json!({
        "apiVersion": "v1", "kind": "Config",
        "clusters": [
            {"name": "test", "cluster": {"server": server, "certificate-authority-data": b64(ca_pem)}},
            {"name": "closed", "cluster": {"server": format!("https://127.0.0.1:{}", closed_port()),
                                           "certificate-authority-data": b64(ca_pem)}},
        ],
        "users": [{"name": "test", "user": user}],
        "contexts": [
            {"name": "test", "context": {"cluster": "test", "user": "test"}},
            {"name": "broken", "context": {"cluster": "closed", "user": "test"}},
        ],
        "current-context": "test",
    });
    let path = dir.join("kubeconfig");
    std::fs::write(&path, kc.to_string()).unwrap();
    path
}

fn token_user(token: &str) -> serde_json::Value {
    json!({"token": token})
}

/// A port on which nothing listens (bound, then released).
fn closed_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The binary with no proxy, no ambient kubeconfig, a private HOME, and the
/// test server's CA as the only trusted root (for URLs).
fn cmd(home: &Path) -> Command {
    let mut c = sealtoken();
    for v in [
        "HTTPS_PROXY",
        "https_proxy",
        "HTTP_PROXY",
        "http_proxy",
        "ALL_PROXY",
        "all_proxy",
        "NO_PROXY",
        "no_proxy",
        "KUBECONFIG",
        "SEALED_SECRETS_KUBECONFIG",
        "SEALED_SECRETS_CONTEXT",
        "SSL_CERT_DIR",
        "KUBERNETES_SERVICE_HOST",
        "KUBERNETES_SERVICE_PORT",
    ] {
        c.env_remove(v);
    }
    let ca = home.join("server-ca.pem");
    if !ca.exists() {
        std::fs::write(&ca, &pki().server_ca_pem).unwrap();
    }
    c.env("HOME", home)
        .env("SSL_CERT_FILE", &ca)
        .env("SEALTOKEN_HTTP_TIMEOUT", "5")
        .timeout(Duration::from_secs(30));
    c
}

const SECRET: &str = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: apps\nstringData:\n  password: s3cr3t\n";

/// Unseals one SealedSecret with the controller's key and returns `password`.
fn unsealed_password(sealed: &[u8]) -> Vec<u8> {
    let keys = PrivateKey::from_pem(&read_fixture("upstream/controller.key")).unwrap();
    let v = read_sealed_secrets(sealed).unwrap();
    assert_eq!(v.len(), 1);
    unseal(&v[0], &keys).unwrap().data["password"]
        .expose()
        .to_vec()
}

fn fingerprint() -> String {
    let out = sealtoken()
        .args(["cert-info", "--cert"])
        .arg(demo_cert())
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix("sha256:"))
        .unwrap()
        .trim()
        .to_string()
}

/// Runs a command that must succeed; shows its stderr when it does not.
fn succeeds(c: &mut Command) -> std::process::Output {
    let out = c.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Runs a failing command: exit code not 0, exactly one stderr line, an
/// error naming `source`, no output file, no secret in the message.
fn assert_fails(mut c: Command, out_file: &Path, source: &str, expect: &str) -> String {
    let out = c.output().unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(!out.status.success(), "succeeded: {stderr}");
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
    let srv = Server::start();
    let dir = tempfile::tempdir().unwrap();
    let out = succeeds(
        cmd(dir.path())
            .args(["seal", "-n", "apps", "--cert", &srv.url("/v1/cert.pem")])
            .write_stdin(SECRET),
    );
    assert_eq!(unsealed_password(&out.stdout), b"s3cr3t");
    assert_eq!(srv.requests(), ["/v1/cert.pem"]);

    // cert-info and fetch-cert with the same source, and a matching pin.
    let out = cmd(dir.path())
        .args(["cert-info", "--cert", &srv.url("/v1/cert.pem")])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8(out.stdout)
        .unwrap()
        .contains(&fingerprint()));
    let pem = dir.path().join("pub.pem");
    let out = succeeds(
        cmd(dir.path())
            .args([
                "fetch-cert",
                "--cert",
                &srv.url("/v1/cert.pem"),
                "--cert-sha256",
            ])
            .arg(fingerprint())
            .arg("-w")
            .arg(&pem),
    );
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
    let srv = Server::start();
    let dir = tempfile::tempdir().unwrap();
    let out_file = dir.path().join("out.pem");
    let fetch = |url: &str| {
        let mut c = cmd(dir.path());
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
    let mut c = cmd(dir.path());
    c.args(["seal", "-n", "apps", "--cert", &srv.url("/big"), "-w"])
        .arg(&sealed)
        .write_stdin(SECRET);
    assert_fails(c, &sealed, &srv.url("/big"), "larger than");
}

#[test]
#[cfg(feature = "cluster")]
fn a_file_source_never_touches_the_network() {
    let srv = Server::start();
    let dir = tempfile::tempdir().unwrap();
    let kc = kubeconfig(
        dir.path(),
        &srv.url(""),
        &pki().server_ca_pem,
        token_user(TOKEN),
    );
    let out = succeeds(
        cmd(dir.path())
            .args(["seal", "-n", "apps", "--cert"])
            .arg(demo_cert())
            .arg("--kubeconfig")
            .arg(&kc)
            .env("HTTPS_PROXY", format!("http://127.0.0.1:{}", srv.port))
            .write_stdin(SECRET),
    );
    assert_eq!(unsealed_password(&out.stdout), b"s3cr3t");
    assert!(srv.requests().is_empty(), "{:?}", srv.requests());
}

#[test]
#[cfg(feature = "cluster")]
fn cluster_source_with_a_bearer_token_fetches_and_seals() {
    let srv = Server::start();
    let dir = tempfile::tempdir().unwrap();
    let kc = kubeconfig(
        dir.path(),
        &srv.url(""),
        &pki().server_ca_pem,
        token_user(TOKEN),
    );
    let pem = dir.path().join("pub.pem");
    let out = cmd(dir.path())
        .args(["fetch-cert", "--controller-namespace", NS, "--kubeconfig"])
        .arg(&kc)
        .arg("-w")
        .arg(&pem)
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(out.status.success(), "{stderr}");
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
    let mut c = cmd(dir.path());
    c.args(["fetch-cert", "--controller-namespace", NS, "--kubeconfig"])
        .arg(&kc)
        .arg("-w")
        .arg(&pem);
    c.assert().failure();
    c.arg("--force").assert().success();

    // seal with no --cert, the kubeconfig from KUBECONFIG, the names from flags.
    let out = succeeds(
        cmd(dir.path())
            .args(["seal", "-n", "apps", "--controller-namespace", NS])
            .args(["--controller-name", "sealed-secrets-controller"])
            .env("KUBECONFIG", &kc)
            .write_stdin(SECRET),
    );
    assert_eq!(unsealed_password(&out.stdout), b"s3cr3t");

    // cert-info from the cluster, with the names from the environment.
    let out = cmd(dir.path())
        .arg("cert-info")
        .env("SEALED_SECRETS_KUBECONFIG", &kc)
        .env("SEALED_SECRETS_CONTROLLER_NAMESPACE", NS)
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(out.status.success());
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
    let srv = Server::start();
    let dir = tempfile::tempdir().unwrap();
    let user = json!({"client-certificate-data": b64(&pki().client_cert_pem),
                      "client-key-data": b64(&pki().client_key_pem)});
    let kc = kubeconfig(dir.path(), &srv.url(""), &pki().server_ca_pem, user);
    let out_file = dir.path().join("s.yaml");
    succeeds(
        cmd(dir.path())
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
            .write_stdin(SECRET),
    );
    assert_eq!(
        unsealed_password(&std::fs::read(&out_file).unwrap()),
        b"s3cr3t"
    );

    // --context picks another context: its server is not reachable.
    let out_file = dir.path().join("s2.yaml");
    let mut c = cmd(dir.path());
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
    let srv = Server::start();
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
    succeeds(
        cmd(dir.path())
            .args(["fetch-cert", "--controller-namespace", NS, "--kubeconfig"])
            .arg(&kc)
            .arg("-w")
            .arg(&pem),
    );
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
    let mut c = cmd(dir.path());
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
    let srv = Server::start();
    let dir = tempfile::tempdir().unwrap();
    let out_file = dir.path().join("out.pem");
    let ca = &pki().server_ca_pem;
    let run = |kc: &Path, name: &str| {
        let mut c = cmd(dir.path());
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
