//! A loopback HTTPS server that plays the notification-controller's
//! receiver server for `receiver test`: the body limit (413), the lookup by
//! webhook path (404), suspended or not ready (503), each type's validation
//! as `internal/server/receiver_handlers.go` does it (400; HMACs compared in
//! constant time by aws-lc-rs, independently of the RustCrypto code that
//! signs), a failed reconciliation request (500) and acceptance (200).

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread;
use std::time::Duration;

use aws_lc_rs::{digest, hmac};
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::{ServerConfig, ServerConnection, StreamOwned};

/// The controller's request body limit (`internal/server/limits.go`).
pub const MAX_BODY: usize = 3 * 1024 * 1024;
/// The ID token the fake OIDC/GCR validator accepts (upstream's tests replace
/// the Google validator the same way).
pub const ID_TOKEN: &str = "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJ0ZXN0In0.c2lnbmF0dXJl";
pub const EMAIL: &str = "flux@example.iam.gserviceaccount.com";
pub const AUDIENCE: &str = "https://flux.example.org/hook/gcr";

/// One Receiver as the controller holds it: `path_token` is the token its
/// `.status.webhookPath` was computed with (at its last reconcile), `token`
/// the one its Secret holds now.
#[derive(Clone)]
pub struct Hook {
    pub name: &'static str,
    pub namespace: &'static str,
    pub kind: &'static str,
    pub events: Vec<&'static str>,
    pub token: String,
    pub path_token: String,
    pub suspend: bool,
    pub ready: bool,
    pub resources_fail: bool,
}

impl Hook {
    pub fn new(name: &'static str, kind: &'static str, token: &str) -> Hook {
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
    pub fn path(&self) -> String {
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
pub enum Mode {
    Controller {
        max_body: usize,
    },
    /// An ingress in front that answers this status to everything.
    Front(u16),
    /// Accepts the connection and never answers.
    Hang,
}

pub struct Server {
    pub port: u16,
    /// (path, status) of every request handled.
    pub log: Arc<Mutex<Vec<(String, u16)>>>,
}

pub struct Pki {
    pub ca_pem: String,
    pub cert: CertificateDer<'static>,
    pub key: Vec<u8>,
    pub other_ca_pem: String,
}

pub fn ca(name: &str) -> (rcgen::Certificate, KeyPair) {
    let key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.distinguished_name.push(DnType::CommonName, name);
    (params.self_signed(&key).unwrap(), key)
}

pub fn pki() -> &'static Pki {
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
    pub fn start(hooks: Vec<Hook>, mode: Mode) -> Server {
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

    pub fn base(&self) -> String {
        format!("https://127.0.0.1:{}", self.port)
    }

    pub fn log(&self) -> Vec<(String, u16)> {
        self.log.lock().unwrap().clone()
    }
}

/// A parsed request.
pub struct Request {
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    /// Go's `Header.Get`: case-insensitive, first value, "" when absent.
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map_or("", |(_, v)| v.as_str())
    }
}

pub fn serve(
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
pub fn handle(r: &Request, hooks: &[Hook]) -> u16 {
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
pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    aws_lc_rs::constant_time::verify_slices_are_equal(a, b).is_ok()
}

pub fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

/// go-github `ValidateSignature`: `<sha1|sha256|sha512>=<hex>`, verified in constant time.
pub fn verify_signature(sig: &str, body: &[u8], token: &str) -> Result<(), String> {
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
pub fn validate_payload(r: &Request, token: &str) -> Result<(), String> {
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

pub fn event_allowed(hook: &Hook, event: &str) -> Result<(), String> {
    if hook.events.is_empty() || hook.events.iter().any(|e| e.eq_ignore_ascii_case(event)) {
        Ok(())
    } else {
        Err(format!("the event {event:?} is not authorised"))
    }
}

pub fn json(body: &[u8]) -> Result<serde_json::Value, String> {
    serde_json::from_slice(body).map_err(|e| format!("cannot decode payload: {e}"))
}

/// Go's json.Unmarshal into a struct: a field, if present, must have the right type.
pub fn field_is(
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

pub fn validate(hook: &Hook, r: &Request) -> Result<(), String> {
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
