//! A loopback HTTPS server playing a Kubernetes API server with a
//! sealed-secrets controller behind its service proxy, and plain URLs (the
//! `--cert URL` source). Real TLS with certificates made at test time;
//! bearer tokens and client certificates; every request is recorded.
//!
//! What it answers is decided in one place per layer: [`plain`] for URLs
//! outside the API, then authentication, then the Services in [`SERVICES`],
//! then [`controller`] for each controller endpoint reached through the
//! service proxy. A new endpoint (say `POST /v1/verify`) is one arm in
//! [`controller`] (the controller's `/v1/verify` and `/v1/rotate` are in
//! [`super::fake_controller`]); a test that needs an answer of its own passes a handler
//! to [`ApiServer::start_with`], tried before the built-in routes.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread;
use std::time::Duration;

use assert_cmd::Command;
use base64::Engine as _;
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::server::WebPkiClientVerifier;
use rustls::{RootCertStore, ServerConfig, ServerConnection, StreamOwned};
use serde_json::json;

use super::{read_fixture, sealtoken};

/// The bearer token the test API server accepts.
pub const TOKEN: &str = "good-token-0123456789";
/// A bearer token the server knows but that may not read services (403).
pub const FORBIDDEN_TOKEN: &str = "forbidden-token-9876543210";
/// Controller names (Services) the server knows, each with a behaviour of its
/// certificate endpoint (see [`controller`]).
pub const SERVICES: [&str; 4] = ["sealed-secrets-controller", "notpem", "big", "hang"];
/// The controller namespace (not the default, to see the flag work).
pub const NS: &str = "sealed-secrets";

/// A test PKI: the server's CA and certificate, a client CA and certificate,
/// and an unrelated CA (an untrusted server).
pub struct Pki {
    pub server_ca_pem: String,
    server_cert: CertificateDer<'static>,
    server_key: Vec<u8>,
    client_ca: CertificateDer<'static>,
    pub client_cert_pem: String,
    pub client_key_pem: String,
    pub other_ca_pem: String,
}

fn ca(name: &str) -> (rcgen::Certificate, KeyPair) {
    let key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.distinguished_name.push(DnType::CommonName, name);
    (params.self_signed(&key).unwrap(), key)
}

/// The test PKI, made once per test binary.
pub fn pki() -> &'static Pki {
    static PKI: OnceLock<Pki> = OnceLock::new();
    PKI.get_or_init(|| {
        let (server_ca, server_ca_key) = ca("test server CA");
        let server_key = KeyPair::generate().unwrap();
        // The route hosts of fixtures/clusters/ (reached through web_server::ConnectProxy).
        let server_cert = CertificateParams::new(vec![
            "127.0.0.1".into(),
            "localhost".into(),
            "sealed-secrets.prod.example.test".into(),
            "sealed-secrets.staging.example.test".into(),
            "sealed-secrets.eu.example.test".into(),
        ])
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

/// A TLS configuration with the test server certificate and no client
/// authentication, for other loopback servers the same CA vouches for
/// (see [`super::web_server`]).
pub fn server_tls() -> Arc<ServerConfig> {
    let pki = pki();
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![pki.server_cert.clone()],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(pki.server_key.clone())),
        )
        .unwrap();
    Arc::new(config)
}

/// One request as the server received it.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    /// The path and query, as sent.
    pub path: String,
    /// The `Authorization: Bearer` token, if any.
    pub bearer: Option<String>,
    /// Whether the client presented a certificate (signed by the client CA).
    pub client_cert: bool,
    /// The body (`Content-Length` bytes).
    pub body: Vec<u8>,
}

/// An answer: a status and a body. A route returning `None` never answers
/// (the client must time out).
pub type Reply = Option<(u16, Vec<u8>)>;

/// A handler a test adds: `Some(reply)` answers, `None` passes the request
/// on to the built-in routes.
pub type Handler = dyn Fn(&Request) -> Option<Reply> + Send + Sync;

/// The running server. It lives until the test binary exits.
pub struct ApiServer {
    pub port: u16,
    requests: Arc<Mutex<Vec<Request>>>,
}

impl ApiServer {
    /// Starts a server with the built-in routes.
    pub fn start() -> ApiServer {
        Self::start_with(|_| None)
    }

    /// Starts a server that asks `handler` first, then the built-in routes.
    pub fn start_with(
        handler: impl Fn(&Request) -> Option<Reply> + Send + Sync + 'static,
    ) -> ApiServer {
        let handler: Arc<Handler> = Arc::new(handler);
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
                let (config, recorded, handler) =
                    (config.clone(), recorded.clone(), handler.clone());
                thread::spawn(move || handle(stream, config, &recorded, &*handler));
            }
        });
        ApiServer { port, requests }
    }

    /// `https://127.0.0.1:PORT{path}`.
    pub fn url(&self, path: &str) -> String {
        format!("https://127.0.0.1:{}{path}", self.port)
    }

    /// The paths requested so far, in order.
    pub fn requests(&self) -> Vec<String> {
        self.received().into_iter().map(|r| r.path).collect()
    }

    /// The requests received so far, in order.
    pub fn received(&self) -> Vec<Request> {
        self.requests.lock().unwrap().clone()
    }
}

/// Reads one request from a TLS connection; `None` if the client gave up
/// (e.g. refused the server's certificate) or sent something broken.
fn read_request(tls: &mut StreamOwned<ServerConnection, TcpStream>) -> Option<Request> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match tls.read(&mut byte) {
            Ok(1) if head.len() < 16 * 1024 => head.push(byte[0]),
            _ => return None,
        }
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    let mut request_line = head.lines().next().unwrap_or("").split(' ');
    let method = request_line.next().unwrap_or("").to_string();
    let path = request_line.next().unwrap_or("").to_string();
    let header = |name: &str| {
        head.lines()
            .filter_map(|l| l.split_once(':'))
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim().to_string())
    };
    let bearer =
        header("authorization").and_then(|v| v.strip_prefix("Bearer ").map(str::to_string));
    let length: usize = header("content-length").map_or(0, |n| n.parse().unwrap_or(0));
    let mut body = vec![0u8; length.min(1 << 20)];
    tls.read_exact(&mut body).ok()?;
    let client_cert = tls.conn.peer_certificates().is_some_and(|c| !c.is_empty());
    Some(Request {
        method,
        path,
        bearer,
        client_cert,
        body,
    })
}

/// Serves one request on one TLS connection, then closes it.
fn handle(
    tcp: TcpStream,
    config: Arc<ServerConfig>,
    requests: &Mutex<Vec<Request>>,
    handler: &Handler,
) {
    let _ = tcp.set_read_timeout(Some(Duration::from_secs(10)));
    let Ok(conn) = ServerConnection::new(config) else {
        return;
    };
    let mut tls = StreamOwned::new(conn, tcp);
    let Some(req) = read_request(&mut tls) else {
        return;
    };
    requests.lock().unwrap().push(req.clone());
    let Some((status, body)) = handler(&req).unwrap_or_else(|| route(&req)) else {
        // Never answer (the client must time out).
        thread::sleep(Duration::from_secs(30));
        return;
    };
    let reason = match status {
        200 => "OK",
        401 => "Unauthorized",
        403 => "Forbidden",
        409 => "Conflict",
        500 => "Internal Server Error",
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
pub fn status(code: u16, reason: &str, message: &str) -> (u16, Vec<u8>) {
    let body = json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                      "message": message, "reason": reason, "code": code});
    (code, body.to_string().into_bytes())
}

/// The built-in routes: plain URLs, then the API server.
fn route(req: &Request) -> Reply {
    if !req.path.starts_with("/api/") {
        return plain(&req.path);
    }
    // The API server: authentication, then the Service, then its proxy.
    if req.bearer.as_deref() == Some(FORBIDDEN_TOKEN) {
        return Some(status(
            403,
            "Forbidden",
            "services is forbidden: User \"nobody\" cannot get resource \"services\"",
        ));
    }
    if req.bearer.as_deref() != Some(TOKEN) && !req.client_cert {
        return Some(status(401, "Unauthorized", "Unauthorized"));
    }
    let rest = req
        .path
        .strip_prefix(&format!("/api/v1/namespaces/{NS}/services/"))?;
    if let Some((name, path)) = rest
        .strip_prefix("http:")
        .and_then(|r| r.split_once(":http/proxy"))
    {
        return controller(name, req, path);
    }
    if SERVICES.contains(&rest) {
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

/// URLs outside the API (the `--cert URL` source), no authentication.
fn plain(path: &str) -> Reply {
    match path {
        "/v1/cert.pem" => Some((200, read_fixture("upstream/controller.crt"))),
        "/notpem" => Some((200, b"<html>maintenance</html>\n".to_vec())),
        "/big" => Some((200, vec![b'A'; 100 * 1024])),
        "/hang" => None,
        _ => Some((404, b"404 page not found\n".to_vec())),
    }
}

/// The controller behind the Service `service`, asked for `path` through the
/// service proxy: one arm per endpoint and behaviour.
fn controller(service: &str, req: &Request, path: &str) -> Reply {
    match (service, req.method.as_str(), path) {
        ("sealed-secrets-controller", "GET", "/v1/cert.pem") => {
            Some((200, read_fixture("upstream/controller.crt")))
        }
        ("notpem", "GET", "/v1/cert.pem") => Some((200, b"not a certificate\n".to_vec())),
        ("big", "GET", "/v1/cert.pem") => Some((200, vec![b'A'; 100 * 1024])),
        ("hang", "GET", "/v1/cert.pem") => None,
        ("sealed-secrets-controller", "POST", "/v1/verify") => {
            Some(super::fake_controller::verify(&req.body))
        }
        ("sealed-secrets-controller", "POST", "/v1/rotate") => {
            Some(super::fake_controller::rotate(&req.body))
        }
        _ => Some(status(404, "NotFound", "no endpoints available")),
    }
}

fn b64(s: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(s)
}

/// Writes a kubeconfig whose current context reaches `server` (trusting
/// `ca_pem`) as `user`; a second context, `broken`, points at a closed port;
/// a third, `apps`, is the first with the namespace `apps` (the current
/// context names no namespace).
pub fn kubeconfig(dir: &Path, server: &str, ca_pem: &str, user: serde_json::Value) -> PathBuf {
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
            {"name": "apps", "context": {"cluster": "test", "user": "test", "namespace": "apps"}},
        ],
        "current-context": "test",
    });
    let path = dir.join("kubeconfig");
    std::fs::write(&path, kc.to_string()).unwrap();
    path
}

/// A kubeconfig user authenticating with a bearer token.
pub fn token_user(token: &str) -> serde_json::Value {
    json!({"token": token})
}

/// A kubeconfig user authenticating with the test client certificate.
pub fn client_cert_user() -> serde_json::Value {
    json!({"client-certificate-data": b64(&pki().client_cert_pem),
           "client-key-data": b64(&pki().client_key_pem)})
}

/// A port on which nothing listens (bound, then released).
pub fn closed_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The binary (see [`sealtoken`]) with `home` as `HOME`, the test server's CA
/// as the only trusted root (for URLs), a 5 s network timeout, and 30 s to finish.
pub fn sealtoken_in(home: &Path) -> Command {
    let mut c = sealtoken();
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
