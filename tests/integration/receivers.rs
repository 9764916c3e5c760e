//! `sealtoken receiver test` end to end, against a loopback HTTPS server that
//! plays the notification-controller's receiver server: the body limit
//! (413), the lookup by webhook path (404), suspended or not ready (503),
//! each type's validation as `internal/server/receiver_handlers.go` does it
//! (400; HMACs compared in constant time by aws-lc-rs, independently of the
//! RustCrypto code that signs), a failed reconciliation request (500) and
//! acceptance (200). Also what an ingress in front may answer (401, 403,
//! 502), and TLS, DNS, timeout and refused-connection failures.

#![cfg(feature = "http")]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock};
use std::thread;
use std::time::Duration;

use assert_cmd::Command;
use aws_lc_rs::{digest, hmac};
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::{ServerConfig, ServerConnection, StreamOwned};

use crate::common::sealtoken;

/// The controller's request body limit (`internal/server/limits.go`).
const MAX_BODY: usize = 3 * 1024 * 1024;
/// The ID token the fake OIDC/GCR validator accepts (upstream's tests replace
/// the Google validator the same way).
const ID_TOKEN: &str = "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJ0ZXN0In0.c2lnbmF0dXJl";
const EMAIL: &str = "flux@example.iam.gserviceaccount.com";
const AUDIENCE: &str = "https://flux.example.org/hook/gcr";

/// One Receiver as the controller holds it: `path_token` is the token its
/// `.status.webhookPath` was computed with (at its last reconcile), `token`
/// the one its Secret holds now.
#[derive(Clone)]
struct Hook {
    name: &'static str,
    namespace: &'static str,
    kind: &'static str,
    events: Vec<&'static str>,
    token: String,
    path_token: String,
    suspend: bool,
    ready: bool,
    resources_fail: bool,
}

impl Hook {
    fn new(name: &'static str, kind: &'static str, token: &str) -> Hook {
        Hook {
            name,
            namespace: "flux-system",
            kind,
            events: Vec::new(),
            token: token.into(),
            path_token: if kind == "generic-oidc" {
                String::new()
            } else {
                token.into()
            },
            suspend: false,
            ready: true,
            resources_fail: false,
        }
    }

    /// `/hook/` + hex SHA-256(token + name + namespace), computed here with aws-lc-rs.
    fn path(&self) -> String {
        let mut ctx = digest::Context::new(&digest::SHA256);
        ctx.update(self.path_token.as_bytes());
        ctx.update(self.name.as_bytes());
        ctx.update(self.namespace.as_bytes());
        let d = ctx.finish();
        let hex: String = d.as_ref().iter().map(|b| format!("{b:02x}")).collect();
        format!("/hook/{hex}")
    }
}

/// How the server behaves as a whole.
#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Controller {
        max_body: usize,
    },
    /// An ingress in front that answers this status to everything.
    Front(u16),
    /// Accepts the connection and never answers.
    Hang,
}

struct Server {
    port: u16,
    /// (path, status) of every request handled.
    log: Arc<Mutex<Vec<(String, u16)>>>,
}

struct Pki {
    ca_pem: String,
    cert: CertificateDer<'static>,
    key: Vec<u8>,
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
        let (ca_cert, ca_key) = ca("receiver test CA");
        let key = KeyPair::generate().unwrap();
        let cert = CertificateParams::new(vec!["127.0.0.1".into(), "localhost".into()])
            .unwrap()
            .signed_by(&key, &ca_cert, &ca_key)
            .unwrap();
        let (other, _) = ca("unrelated CA");
        Pki {
            ca_pem: ca_cert.pem(),
            cert: cert.der().clone(),
            key: key.serialize_der(),
            other_ca_pem: other.pem(),
        }
    })
}

impl Server {
    fn start(hooks: Vec<Hook>, mode: Mode) -> Server {
        let pki = pki();
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let config = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(
                vec![pki.cert.clone()],
                PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(pki.key.clone())),
            )
            .unwrap();
        let config = Arc::new(config);
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let log = Arc::new(Mutex::new(Vec::new()));
        let (hooks, seen) = (Arc::new(hooks), log.clone());
        thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let (config, hooks, seen) = (config.clone(), hooks.clone(), seen.clone());
                thread::spawn(move || serve(stream, config, &hooks, mode, &seen));
            }
        });
        Server { port, log }
    }

    fn base(&self) -> String {
        format!("https://127.0.0.1:{}", self.port)
    }

    fn log(&self) -> Vec<(String, u16)> {
        self.log.lock().unwrap().clone()
    }
}

/// A parsed request.
struct Request {
    path: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Request {
    /// Go's `Header.Get`: case-insensitive, first value, "" when absent.
    fn header(&self, name: &str) -> &str {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map_or("", |(_, v)| v.as_str())
    }
}

fn serve(
    tcp: TcpStream,
    config: Arc<ServerConfig>,
    hooks: &[Hook],
    mode: Mode,
    log: &Mutex<Vec<(String, u16)>>,
) {
    let _ = tcp.set_read_timeout(Some(Duration::from_secs(10)));
    let Ok(conn) = ServerConnection::new(config) else {
        return;
    };
    let mut tls = StreamOwned::new(conn, tcp);
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match tls.read(&mut byte) {
            Ok(1) if head.len() < 64 * 1024 => head.push(byte[0]),
            _ => return,
        }
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    let mut lines = head.split("\r\n");
    let path = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .unwrap_or("")
        .to_string();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    if mode == Mode::Hang {
        thread::sleep(Duration::from_secs(30));
        return;
    }
    let len: usize = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let status = match mode {
        Mode::Front(code) => code,
        Mode::Hang => unreachable!(),
        Mode::Controller { max_body } => {
            // readRequestBodyWithLimit: at most max_body + 1 bytes, then 413.
            let mut body = Vec::new();
            let _ = (&mut tls)
                .take(len.min(max_body + 1) as u64)
                .read_to_end(&mut body);
            if body.len() > max_body {
                413
            } else {
                handle(
                    &Request {
                        path: path.clone(),
                        headers,
                        body,
                    },
                    hooks,
                )
            }
        }
    };
    log.lock().unwrap().push((path, status));
    let out = format!("HTTP/1.1 {status} X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    let _ = tls.write_all(out.as_bytes());
    tls.conn.send_close_notify();
    let _ = tls.flush();
}

/// `handlePayload`: lookup by path, suspend/ready, validate, reconcile.
fn handle(r: &Request, hooks: &[Hook]) -> u16 {
    let Some(hook) = hooks.iter().find(|h| h.path() == r.path) else {
        return 404;
    };
    if hook.suspend || !hook.ready {
        return 503;
    }
    if let Err(why) = validate(hook, r) {
        eprintln!("test controller: 400: {why}");
        return 400;
    }
    if hook.resources_fail {
        500
    } else {
        200
    }
}

/// Constant-time comparison of two byte strings (Go's `hmac.Equal`).
fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    aws_lc_rs::constant_time::verify_slices_are_equal(a, b).is_ok()
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

/// go-github `ValidateSignature`: `<sha1|sha256|sha512>=<hex>`, verified in constant time.
fn verify_signature(sig: &str, body: &[u8], token: &str) -> Result<(), String> {
    let (algo, hex) = sig
        .split_once('=')
        .ok_or("missing or malformed signature")?;
    let alg = match algo {
        "sha1" => hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY,
        "sha256" => hmac::HMAC_SHA256,
        "sha512" => hmac::HMAC_SHA512,
        _ => return Err(format!("unknown hash type prefix {algo:?}")),
    };
    let mac = unhex(hex).ok_or("signature is not hex")?;
    hmac::verify(&hmac::Key::new(alg, token.as_bytes()), body, &mac)
        .map_err(|_| "payload signature check failed".to_string())
}

/// go-github `ValidatePayload`: JSON or form content type, then the signature
/// from `X-Hub-Signature-256`, else `X-Hub-Signature`.
fn validate_payload(r: &Request, token: &str) -> Result<(), String> {
    let ct = r.header("Content-Type");
    let media = ct.split(';').next().unwrap_or("").trim();
    if media != "application/json" && media != "application/x-www-form-urlencoded" {
        return Err(format!("unsupported Content-Type {ct:?}"));
    }
    let mut sig = r.header("X-Hub-Signature-256");
    if sig.is_empty() {
        sig = r.header("X-Hub-Signature");
    }
    verify_signature(sig, &r.body, token)
}

fn event_allowed(hook: &Hook, event: &str) -> Result<(), String> {
    if hook.events.is_empty() || hook.events.iter().any(|e| e.eq_ignore_ascii_case(event)) {
        Ok(())
    } else {
        Err(format!("the event {event:?} is not authorised"))
    }
}

fn json(body: &[u8]) -> Result<serde_json::Value, String> {
    serde_json::from_slice(body).map_err(|e| format!("cannot decode payload: {e}"))
}

/// Go's json.Unmarshal into a struct: a field, if present, must have the right type.
fn field_is(
    v: &serde_json::Value,
    ptr: &str,
    ok: fn(&serde_json::Value) -> bool,
) -> Result<(), String> {
    match v.pointer(ptr) {
        None | Some(serde_json::Value::Null) => Ok(()),
        Some(x) if ok(x) => Ok(()),
        Some(_) => Err(format!("cannot decode {ptr}")),
    }
}

fn validate(hook: &Hook, r: &Request) -> Result<(), String> {
    let token = hook.token.as_str();
    match hook.kind {
        "generic" => Ok(()),
        "generic-hmac" => verify_signature(r.header("X-Signature"), &r.body, token),
        "generic-oidc" => {
            if ct_eq(
                r.header("Authorization").as_bytes(),
                format!("Bearer {ID_TOKEN}").as_bytes(),
            ) {
                Ok(())
            } else {
                Err("invalid OIDC token".into())
            }
        }
        "github" => {
            validate_payload(r, token)?;
            event_allowed(hook, r.header("X-GitHub-Event"))
        }
        "gitlab" => {
            if !ct_eq(r.header("X-Gitlab-Token").as_bytes(), token.as_bytes()) {
                return Err("the X-Gitlab-Token header value does not match".into());
            }
            event_allowed(hook, r.header("X-Gitlab-Event"))
        }
        "bitbucket" => {
            validate_payload(r, token)?;
            event_allowed(hook, r.header("X-Event-Key"))
        }
        "harbor" => {
            if ct_eq(r.header("Authorization").as_bytes(), token.as_bytes()) {
                Ok(())
            } else {
                Err("the Harbor Authorization header does not match".into())
            }
        }
        "dockerhub" => {
            let v = json(&r.body)?;
            field_is(&v, "/push_data/tag", serde_json::Value::is_string)?;
            field_is(&v, "/repository/repo_url", serde_json::Value::is_string)
        }
        "quay" => {
            let v = json(&r.body)?;
            field_is(&v, "/docker_url", serde_json::Value::is_string)?;
            field_is(&v, "/updated_tags", serde_json::Value::is_array)
        }
        "gcr" => {
            if !ct_eq(
                r.header("Authorization").as_bytes(),
                format!("Bearer {ID_TOKEN}").as_bytes(),
            ) {
                return Err(format!("invalid ID token for {EMAIL}, audience {AUDIENCE}"));
            }
            let v = json(&r.body)?;
            let data = v
                .pointer("/message/data")
                .and_then(|d| d.as_str())
                .unwrap_or("");
            use base64::Engine as _;
            let raw = base64::engine::general_purpose::STANDARD
                .decode(data)
                .unwrap_or_default();
            json(&raw).map(|_| ())
        }
        "nexus" => {
            let sig = r.header("X-Nexus-Webhook-Signature");
            if sig.is_empty() {
                return Err("the Nexus signature is missing".into());
            }
            let want = hmac::sign(
                &hmac::Key::new(hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, token.as_bytes()),
                &r.body,
            );
            let want: String = want.as_ref().iter().map(|b| format!("{b:02x}")).collect();
            if !ct_eq(sig.as_bytes(), want.as_bytes()) {
                return Err("invalid Nexus signature".into());
            }
            let v = json(&r.body)?;
            field_is(&v, "/action", serde_json::Value::is_string)?;
            field_is(&v, "/repositoryName", serde_json::Value::is_string)
        }
        "acr" => {
            let v = json(&r.body)?;
            field_is(&v, "/action", serde_json::Value::is_string)?;
            field_is(&v, "/target/repository", serde_json::Value::is_string)
        }
        "cdevents" => {
            let v = json(&r.body)?;
            let ty = v
                .pointer("/context/type")
                .and_then(|t| t.as_str())
                .unwrap_or("");
            if !ty.starts_with("dev.cdevents.") || v.pointer("/subject/id").is_none() {
                return Err("not a valid CDEvent".into());
            }
            event_allowed(hook, r.header("Ce-Type"))
        }
        other => Err(format!("receiver type {other:?} not supported")),
    }
}

/// The binary, trusting the test CA only, no proxy, a short timeout.
fn cmd(dir: &Path, ca_pem: &str) -> Command {
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
        "SSL_CERT_DIR",
    ] {
        c.env_remove(v);
    }
    let ca = dir.join("ca.pem");
    std::fs::write(&ca, ca_pem).unwrap();
    c.env("SSL_CERT_FILE", &ca)
        .env("SEALTOKEN_HTTP_TIMEOUT", "5")
        .timeout(Duration::from_secs(30));
    c
}

const TOKEN: &str = "8f3c2a1b9d4e5f6a7b8c9d0e1f2a3b4c";

/// Runs `receiver test --receiver NAME --host … --provider TYPE` with `TOKEN` on stdin.
fn test_receiver(server: &Server, name: &str, kind: &str, extra: &[&str]) -> std::process::Output {
    let dir = tempfile::tempdir().unwrap();
    let mut c = cmd(dir.path(), &pki().ca_pem);
    c.args([
        "receiver",
        "test",
        "--receiver",
        name,
        "-n",
        "flux-system",
        "--host",
        &server.base(),
        "--provider",
        kind,
    ])
    .args(extra)
    .write_stdin(TOKEN);
    c.output().unwrap()
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn every_type_is_accepted_by_a_controller_that_verifies_it() {
    let mut hooks = Vec::new();
    let kinds = [
        ("r-generic", "generic"),
        ("r-generic-hmac", "generic-hmac"),
        ("r-generic-oidc", "generic-oidc"),
        ("r-github", "github"),
        ("r-gitlab", "gitlab"),
        ("r-bitbucket", "bitbucket"),
        ("r-harbor", "harbor"),
        ("r-dockerhub", "dockerhub"),
        ("r-quay", "quay"),
        ("r-gcr", "gcr"),
        ("r-nexus", "nexus"),
        ("r-acr", "acr"),
        ("r-cdevents", "cdevents"),
    ];
    for (name, kind) in kinds {
        let mut h = Hook::new(name, kind, TOKEN);
        h.events = match kind {
            "github" => vec!["ping", "push"],
            "gitlab" => vec!["Push Hook", "Tag Push Hook"],
            "bitbucket" => vec!["repo:refs_changed"],
            "cdevents" => vec!["dev.cdevents.change.merged"],
            _ => vec![],
        };
        hooks.push(h);
    }
    let server = Server::start(hooks, Mode::Controller { max_body: MAX_BODY });
    let dir = tempfile::tempdir().unwrap();
    let id = dir.path().join("id-token");
    std::fs::write(&id, ID_TOKEN).unwrap();
    for (name, kind) in kinds {
        let id_arg = ["--id-token-file", id.to_str().unwrap()];
        let extra: &[&str] = if kind == "gcr" { &id_arg } else { &[] };
        let out = if kind == "generic-oidc" {
            // No token Secret: what is read is the ID token, and the path uses an empty token.
            let mut c = cmd(dir.path(), &pki().ca_pem);
            c.args([
                "receiver",
                "test",
                "--receiver",
                name,
                "--host",
                &server.base(),
                "--provider",
                kind,
            ])
            .write_stdin(ID_TOKEN);
            c.output().unwrap()
        } else {
            test_receiver(&server, name, kind, extra)
        };
        assert!(out.status.success(), "{kind}: {}", stderr(&out));
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.contains("HTTP 200"), "{kind}: {stdout}");
        assert!(stdout.contains("accepted"), "{kind}: {stdout}");
        assert!(
            !stdout.contains(TOKEN),
            "{kind}: the token leaked: {stdout}"
        );
    }
    let log = server.log();
    assert_eq!(log.len(), kinds.len());
    assert!(log.iter().all(|(_, s)| *s == 200), "{log:?}");
}

#[test]
fn the_whole_url_works_too() {
    let h = Hook::new("tenant-github", "github", TOKEN);
    let path = h.path();
    let server = Server::start(vec![h], Mode::Controller { max_body: MAX_BODY });
    let dir = tempfile::tempdir().unwrap();
    let out = cmd(dir.path(), &pki().ca_pem)
        .args([
            "receiver",
            "test",
            &format!("{}{path}", server.base()),
            "--provider",
            "github",
        ])
        .write_stdin(format!("{TOKEN}\n"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn a_wrong_token_is_a_404_that_names_the_likely_causes() {
    let server = Server::start(
        vec![Hook::new("r-github", "github", "another-token")],
        Mode::Controller { max_body: MAX_BODY },
    );
    let out = test_receiver(&server, "r-github", "github", &[]);
    assert_eq!(out.status.code(), Some(1));
    let e = stderr(&out);
    assert!(e.contains("HTTP 404"), "{e}");
    assert!(
        e.contains("no Receiver has this path: a wrong token, Receiver name or namespace"),
        "{e}"
    );
    assert!(!e.contains(TOKEN), "{e}");
    assert_eq!(e.trim_end().lines().count(), 1, "{e}");
}

#[test]
fn an_event_missing_from_spec_events_is_a_400_blamed_on_the_events() {
    let mut h = Hook::new("r-github", "github", TOKEN);
    h.events = vec!["push"];
    let server = Server::start(vec![h], Mode::Controller { max_body: MAX_BODY });
    let out = test_receiver(&server, "r-github", "github", &[]);
    assert_eq!(out.status.code(), Some(1));
    let e = stderr(&out);
    assert!(e.contains("HTTP 400"), "{e}");
    assert!(
        e.contains("likelier the event \"ping\" is not in the Receiver's spec.events"),
        "{e}"
    );
    // The same Receiver accepts a push.
    let out = test_receiver(&server, "r-github", "github", &["--event", "push"]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn a_rotated_secret_not_yet_reconciled_is_a_400_on_the_signature() {
    // The Receiver still publishes the path of TOKEN, but its Secret already holds a new token.
    for kind in ["generic-hmac", "harbor", "nexus", "gitlab"] {
        let mut h = Hook::new("r", kind, "the-new-token");
        h.path_token = TOKEN.into();
        let server = Server::start(vec![h], Mode::Controller { max_body: MAX_BODY });
        let out = test_receiver(&server, "r", kind, &[]);
        assert_eq!(out.status.code(), Some(1), "{kind}");
        let e = stderr(&out);
        assert!(e.contains("HTTP 400"), "{kind}: {e}");
        assert!(
            e.contains("changed after the Receiver's last reconcile"),
            "{kind}: {e}"
        );
        assert_eq!(server.log(), [(Hook::new("r", kind, TOKEN).path(), 400)]);
    }
}

#[test]
fn suspended_or_not_ready_is_a_503() {
    let mut s = Hook::new("suspended-github", "github", TOKEN);
    s.suspend = true;
    let mut n = Hook::new("notready-gitlab", "gitlab", TOKEN);
    n.ready = false;
    let server = Server::start(vec![s, n], Mode::Controller { max_body: MAX_BODY });
    for (name, kind) in [
        ("suspended-github", "github"),
        ("notready-gitlab", "gitlab"),
    ] {
        let out = test_receiver(&server, name, kind, &[]);
        assert_eq!(out.status.code(), Some(1));
        let e = stderr(&out);
        assert!(
            e.contains("HTTP 503") && e.contains("suspended or not ready"),
            "{e}"
        );
    }
}

#[test]
fn a_failed_reconciliation_request_is_a_500() {
    let mut h = Hook::new("r-generic", "generic", TOKEN);
    h.resources_fail = true;
    let server = Server::start(vec![h], Mode::Controller { max_body: MAX_BODY });
    let out = test_receiver(&server, "r-generic", "generic", &[]);
    assert_eq!(out.status.code(), Some(1));
    let e = stderr(&out);
    assert!(
        e.contains("HTTP 500") && e.contains("notification-controller logs"),
        "{e}"
    );
}

#[test]
fn a_body_over_the_limit_is_a_413() {
    // A controller with a tiny limit stands in for the 3 MiB one (the test deliveries are small).
    let server = Server::start(
        vec![Hook::new("r-github", "github", TOKEN)],
        Mode::Controller { max_body: 8 },
    );
    let out = test_receiver(&server, "r-github", "github", &[]);
    assert_eq!(out.status.code(), Some(1));
    let e = stderr(&out);
    assert!(e.contains("HTTP 413") && e.contains("3 MiB"), "{e}");
}

#[test]
fn what_an_ingress_answers_is_told_apart() {
    for (code, want) in [
        (401, "ingress or proxy in front of it refused"),
        (403, "ingress or proxy in front of it refused"),
        (502, "could not reach the notification-controller"),
    ] {
        let server = Server::start(vec![], Mode::Front(code));
        let out = test_receiver(&server, "r-github", "github", &[]);
        assert_eq!(out.status.code(), Some(1));
        let e = stderr(&out);
        assert!(
            e.contains(&format!("HTTP {code}")) && e.contains(want),
            "{code}: {e}"
        );
    }
}

#[test]
fn tls_timeout_and_refused_connections_get_one_line_each() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(
        vec![Hook::new("r-github", "github", TOKEN)],
        Mode::Controller { max_body: MAX_BODY },
    );
    let hang = Server::start(vec![], Mode::Hang);
    let closed = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    // No DNS case: a failed lookup would send a query to the system resolver,
    // and these tests contact nothing but loopback.
    let cases: [(&str, String, &str); 3] = [
        // The server's CA is not the trusted one.
        ("tls", server.base(), "TLS failed"),
        ("timeout", hang.base(), "no answer within 1 s"),
        (
            "refused",
            format!("https://127.0.0.1:{closed}"),
            "cannot connect",
        ),
    ];
    for (what, host, want) in cases {
        let ca = if what == "tls" {
            &pki().other_ca_pem
        } else {
            &pki().ca_pem
        };
        let out = cmd(dir.path(), ca)
            .env("SEALTOKEN_HTTP_TIMEOUT", "1")
            .args([
                "receiver",
                "test",
                "--receiver",
                "r-github",
                "--host",
                &host,
                "--provider",
                "github",
            ])
            .write_stdin(TOKEN)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{what}");
        let e = stderr(&out);
        assert!(e.contains(want), "{what}: {e}");
        assert!(
            !e.contains("/hook/") || e.contains("/hook/…"),
            "{what}: the path leaked: {e}"
        );
        assert_eq!(e.trim_end().lines().count(), 1, "{what}: {e}");
    }
}

#[test]
fn bad_input_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    for (args, want) in [
        (
            vec!["receiver", "test", "--receiver", "webhook", "--host", "h"],
            "--provider",
        ),
        (
            vec!["receiver", "test", "--provider", "github"],
            "give the webhook URL",
        ),
        (
            vec!["receiver", "test", "https://h/x", "--provider", "github"],
            "no /hook/ path",
        ),
        (
            vec![
                "receiver",
                "test",
                "--receiver",
                "r",
                "--host",
                "h",
                "--provider",
                "harbor",
                "--event",
                "x",
            ],
            "carry no event",
        ),
        (
            vec![
                "receiver",
                "test",
                "--receiver",
                "r",
                "--host",
                "h",
                "--provider",
                "gcr",
            ],
            "--id-token-file",
        ),
    ] {
        let out = cmd(dir.path(), &pki().ca_pem)
            .args(&args)
            .write_stdin(TOKEN)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(want), "{args:?}: {}", stderr(&out));
    }
}

#[test]
fn the_main_job_labels_the_token_secret_for_watching_unless_told_not_to() {
    let dir = tempfile::tempdir().unwrap();
    for (extra, want) in [(None, true), (Some("--no-watch-label"), false)] {
        let out_file = dir.path().join(format!("t{want}.yaml"));
        let mut c = sealtoken();
        c.args([
            "--cert",
            crate::common::demo_cert().to_str().unwrap(),
            "-w",
            out_file.to_str().unwrap(),
        ]);
        if let Some(e) = extra {
            c.arg(e);
        }
        let out = c.output().unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        let text = std::fs::read_to_string(&out_file).unwrap();
        let sealed = kubeseal_core::read_sealed_secrets(text.as_bytes()).unwrap();
        let labels = &sealed[0].template.metadata.labels;
        assert_eq!(
            labels.get("reconcile.fluxcd.io/watch").map(String::as_str) == Some("Enabled"),
            want,
            "{text}"
        );
    }
}

#[test]
fn the_main_job_takes_every_type_and_hashes_an_empty_token_for_generic_oidc() {
    let dir = tempfile::tempdir().unwrap();
    let out_file = dir.path().join("t.yaml");
    let out = sealtoken()
        .args([
            "--cert",
            crate::common::demo_cert().to_str().unwrap(),
            "-w",
            out_file.to_str().unwrap(),
        ])
        .args([
            "--receiver",
            "apps-harbor",
            "--provider",
            "harbor",
            "--receiver",
            "deploy",
            "--provider",
            "generic-oidc",
        ])
        .args(["--host", "flux.example.org"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(report.contains("Harbor: Project > Webhooks"), "{report}");
    // `printf %s 'deployflux-system' | sha256sum`
    assert!(
        report.contains("/hook/adb1470179a1e6b508d16af8d47231f7ae0803ecbd0148588a6a05689593e613"),
        "{report}"
    );
    for t in [
        "dockerhub",
        "cdevents",
        "nexus",
        "acr",
        "quay",
        "bitbucket",
        "generic-hmac",
        "gcr",
    ] {
        let out = sealtoken()
            .args([
                "--cert",
                crate::common::demo_cert().to_str().unwrap(),
                "--receiver",
                "r",
                "--provider",
                t,
            ])
            .args(if t == "gcr" {
                &[
                    "--gcr-email",
                    "push@p.iam.gserviceaccount.com",
                    "--gcr-audience",
                    "a",
                ][..]
            } else {
                &[][..]
            })
            .output()
            .unwrap();
        assert!(out.status.success(), "{t}: {}", stderr(&out));
    }
}
