//! No `--cert`: the controller's certificate from the cluster, as kubeseal
//! fetches it: GET the controller's Service to learn its first port's name,
//! then GET `/v1/cert.pem` through the API server's service proxy.
//!
//! kube-rs loads the kubeconfig (`--kubeconfig`, else `KUBECONFIG`, else
//! `~/.kube/config`, else the in-cluster service account) and does every
//! kind of authentication it describes: client certificates, bearer tokens
//! and token files, exec credential plugins (EKS, GKE, AKS, OIDC logins),
//! basic auth. The async runtime is built here, only when this runs.
//!
//! The steps are separate so that other requests to the controller (through
//! the same service proxy) reuse them: [`connect`] (kubeconfig, client,
//! timeouts, proxy), [`service_port`] (the Service's first port name), and
//! [`proxy_get`] (a GET of a controller path through the service proxy).

use k8s_manifest::escape::error_chain;
use std::time::Duration;

use anyhow::{anyhow, Context, Result};
use http_body_util::BodyExt;
use kube::client::AuthError;

use super::net::{self, root_cause, MAX_FETCHED};
use super::ControllerRef;

/// Fetches the certificate of the controller `target`; returns its bytes and
/// a name for the source (`service NS/NAME via SERVER`).
pub fn fetch_cert(target: &ControllerRef, timeout: Duration) -> Result<(Vec<u8>, String)> {
    let timeout = target.access.overrides.request_timeout.unwrap_or(timeout);
    crate::args::namespace("--controller-namespace", &target.namespace)?;
    crate::args::object_name("--controller-name", &target.name)?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the network runtime")?;
    rt.block_on(async {
        let (client, what) = connect(target, timeout, "fetch the certificate from").await?;
        let fail =
            |msg: String| crate::failed(anyhow!("cannot fetch the certificate from {what}: {msg}"));
        let port = service_port(&client, target, timeout).await.map_err(fail)?;
        let pem = proxy_get(&client, target, &port, "/v1/cert.pem", timeout)
            .await
            .map_err(fail)?;
        Ok((pem, what))
    })
}

/// A client for the API server of the kubeconfig's cluster, with `timeout`
/// on every step, and a name for the controller in messages
/// (`service NS/NAME via SERVER`).
async fn connect(
    target: &ControllerRef,
    timeout: Duration,
    doing: &str,
) -> Result<(kube::Client, String)> {
    let mut config = target.access.client_config().await.map_err(|e| {
        if !e.is::<crate::kube_access::NoCluster>() {
            return e;
        }
        if doing.starts_with("fetch the certificate") {
            anyhow!(
                "no certificate given, and no cluster to fetch it from ({e}); \
                 pass --cert FILE or URL, --kubeconfig, or --server and --token"
            )
        } else {
            anyhow!(
                "cannot {doing} the controller: it is asked through the cluster, and there is none ({e}); \
                 pass --kubeconfig, or --server and --token (--cert is not used here)"
            )
        }
    })?;
    config.connect_timeout = Some(timeout);
    config.read_timeout = Some(timeout);
    config.write_timeout = Some(timeout);
    if config
        .cluster_url
        .host()
        .is_some_and(|h| proxy_from_env_is_bypassed(&config.proxy_url, h))
    {
        config.proxy_url = None;
    }
    let server = config.cluster_url.to_string();
    let server = crate::redact::url(server.trim_end_matches('/'));
    let what = format!("service {}/{} via {server}", target.namespace, target.name);
    match kube::Client::try_from(config) {
        Ok(client) => Ok((client, what)),
        Err(e) => Err(anyhow!("cannot {doing} {what}: {}", describe(&e, timeout))),
    }
}

/// The name of the controller Service's first port (how kubeseal addresses
/// it through the service proxy). Errors are one line without the server's name.
async fn service_port(
    client: &kube::Client,
    target: &ControllerRef,
    timeout: Duration,
) -> std::result::Result<String, String> {
    let path = format!(
        "/api/v1/namespaces/{}/services/{}",
        target.namespace, target.name
    );
    let (status, body) = get(client, &path, "application/json", timeout).await?;
    let hint = " (check --controller-namespace and --controller-name)";
    let body = success(status, body, hint).map_err(|e| format!("cannot get the service: {e}"))?;
    first_port_name(&body).map_err(|m| format!("the service {m}"))
}

/// GETs `path` (such as `/v1/cert.pem`) from the controller through the API
/// server's service proxy on the port named `port`; a non-2xx status is an
/// error. Errors are one line without the server's name.
async fn proxy_get(
    client: &kube::Client,
    target: &ControllerRef,
    port: &str,
    path: &str,
    timeout: Duration,
) -> std::result::Result<Vec<u8>, String> {
    let (ns, name) = (&target.namespace, &target.name);
    let path = format!("/api/v1/namespaces/{ns}/services/http:{name}:{port}/proxy{path}");
    let (status, body) = get(client, &path, "application/x-pem-file, */*", timeout).await?;
    success(status, body, "")
}

/// The body of a 2xx response; otherwise the status line as an error, with
/// `not_found_hint` appended to a 404.
fn success(
    status: http::StatusCode,
    body: Vec<u8>,
    not_found_hint: &str,
) -> std::result::Result<Vec<u8>, String> {
    if status.is_success() {
        return Ok(body);
    }
    let hint = if status == http::StatusCode::NOT_FOUND {
        not_found_hint
    } else {
        ""
    };
    Err(format!("{}{hint}", status_line(status, &body)))
}

/// GETs `path` from the API server; returns the status and a body of at most
/// [`MAX_FETCHED`] bytes. Errors are one line without the server's name.
async fn get(
    client: &kube::Client,
    path: &str,
    accept: &str,
    timeout: Duration,
) -> std::result::Result<(http::StatusCode, Vec<u8>), String> {
    let req = http::Request::get(path)
        .header(http::header::ACCEPT, accept)
        .body(kube::client::Body::empty())
        .map_err(|e| format!("bad request {path}: {e}"))?;
    send(client, req, MAX_FETCHED, timeout).await
}

/// Sends `req`; returns the status and a body of at most `limit` bytes.
async fn send(
    client: &kube::Client,
    req: http::Request<kube::client::Body>,
    limit: usize,
    timeout: Duration,
) -> std::result::Result<(http::StatusCode, Vec<u8>), String> {
    let resp = client.send(req).await.map_err(|e| describe(&e, timeout))?;
    let status = resp.status();
    let body = http_body_util::Limited::new(resp.into_body(), limit)
        .collect()
        .await
        .map_err(|e| {
            if e.is::<http_body_util::LengthLimitError>() {
                net::too_large(limit)
            } else if is_timeout(&*e) {
                net::timed_out(timeout)
            } else {
                format!("cannot read the response: {}", root_cause(&*e))
            }
        })?
        .to_bytes();
    Ok((status, body.to_vec()))
}

/// The controller's API beyond its certificate, as kubeseal's `--validate`
/// and `--re-encrypt` reach it: POSTs through the API server's service proxy
/// to the port named by the Service, on one connection set up once.
pub struct Session {
    rt: tokio::runtime::Runtime,
    client: kube::Client,
    target: ControllerRef,
    port: String,
    what: String,
    timeout: Duration,
}

impl Session {
    /// Loads the kubeconfig, connects, and learns the Service's port name;
    /// `doing` names the operation in errors (`validate the SealedSecret with`).
    pub fn connect(target: &ControllerRef, timeout: Duration, doing: &str) -> Result<Session> {
        let timeout = target.access.overrides.request_timeout.unwrap_or(timeout);
        crate::args::namespace("--controller-namespace", &target.namespace)?;
        crate::args::object_name("--controller-name", &target.name)?;
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .context("cannot start the network runtime")?;
        let (client, what, port) = rt.block_on(async {
            let (client, what) = connect(target, timeout, doing).await?;
            let port = service_port(&client, target, timeout)
                .await
                .map_err(|m| crate::failed(anyhow!("cannot {doing} {what}: {m}")))?;
            Ok::<_, anyhow::Error>((client, what, port))
        })?;
        Ok(Session {
            rt,
            client,
            target: target.clone(),
            port,
            what,
            timeout,
        })
    }

    /// `service NS/NAME via SERVER`, for messages.
    pub fn what(&self) -> &str {
        &self.what
    }

    /// POSTs `body` (JSON) to the controller's `path` (such as `/v1/verify`);
    /// returns the status and the body, whatever the status. Errors (no
    /// answer) are one line without the server's name.
    pub fn post(
        &self,
        path: &str,
        body: Vec<u8>,
        limit: usize,
    ) -> std::result::Result<(http::StatusCode, Vec<u8>), String> {
        let (ns, name, port) = (&self.target.namespace, &self.target.name, &self.port);
        let uri = format!("/api/v1/namespaces/{ns}/services/http:{name}:{port}/proxy{path}");
        let req = http::Request::post(uri.as_str())
            .header(http::header::ACCEPT, "application/json, */*")
            .header(http::header::CONTENT_TYPE, "application/json")
            .body(kube::client::Body::from(body))
            .map_err(|e| format!("bad request {uri}: {e}"))?;
        self.rt
            .block_on(send(&self.client, req, limit, self.timeout))
    }

    /// `409 Conflict (message)`, as the rest of the cluster errors say it.
    pub fn status_line(status: http::StatusCode, body: &[u8]) -> String {
        status_line(status, body)
    }
}

/// One line for a client error, without secrets: an exec plugin's stdout
/// (which carries credentials) is never shown.
fn describe(e: &kube::Error, timeout: Duration) -> String {
    match e {
        kube::Error::Auth(AuthError::AuthExecRun { status, out, .. }) => {
            // The command line is left out: kube renders it with its environment.
            let stderr = String::from_utf8_lossy(&out.stderr);
            match stderr.lines().map(str::trim).find(|l| !l.is_empty()) {
                Some(line) => {
                    format!("the kubeconfig's credential plugin failed ({status}): {line}")
                }
                None => format!("the kubeconfig's credential plugin failed ({status})"),
            }
        }
        kube::Error::Auth(a) => format!("authentication failed: {}", error_chain(a)),
        _ if is_timeout(e) => net::timed_out(timeout),
        _ => root_cause(e),
    }
}

/// Whether any error in the chain is an I/O timeout.
fn is_timeout(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut cur = Some(e);
    while let Some(err) = cur {
        if err
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::TimedOut)
        {
            return true;
        }
        cur = err.source();
    }
    false
}

/// `403 Forbidden (message of the API's Status object, or the body's first line)`.
fn status_line(status: http::StatusCode, body: &[u8]) -> String {
    let message = serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v.get("message")?.as_str().map(str::to_string))
        .or_else(|| {
            let text = String::from_utf8_lossy(body);
            let line = text.lines().map(str::trim).find(|l| !l.is_empty())?;
            Some(line.chars().take(200).collect())
        });
    let reason = status.canonical_reason().unwrap_or("");
    match message {
        Some(m) => format!("{} {reason} ({m})", status.as_u16()),
        None => format!("{} {reason}", status.as_u16()),
    }
}

/// `spec.ports[0].name` of a Service (may be empty, as kubeseal allows).
fn first_port_name(body: &[u8]) -> std::result::Result<String, String> {
    let v: serde_json::Value =
        serde_json::from_slice(body).map_err(|e| format!("is not a JSON object: {e}"))?;
    let port = v
        .pointer("/spec/ports/0")
        .ok_or("has no ports".to_string())?;
    Ok(port
        .get("name")
        .and_then(|n| n.as_str())
        .unwrap_or_default()
        .to_string())
}

/// Whether the proxy kube took from `HTTPS_PROXY` must not be used for
/// `host` because `NO_PROXY` lists it (kube-rs ignores `NO_PROXY`; kubectl
/// honours it). A `proxy-url` from the kubeconfig is always kept.
fn proxy_from_env_is_bypassed(proxy: &Option<http::Uri>, host: &str) -> bool {
    let Some(proxy) = proxy else { return false };
    let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    let from_env = env("HTTPS_PROXY")
        .or_else(|| env("https_proxy"))
        .and_then(|p| p.parse::<http::Uri>().ok());
    if from_env.as_ref() != Some(proxy) {
        return false;
    }
    env("NO_PROXY")
        .or_else(|| env("no_proxy"))
        .is_some_and(|list| no_proxy_matches(&list, host))
}

/// `NO_PROXY` matching: `*`, exact hosts or IPs, and domain suffixes
/// (`example.org` and `.example.org` both match `api.example.org`).
fn no_proxy_matches(list: &str, host: &str) -> bool {
    let host = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_ascii_lowercase();
    list.split(',')
        .map(|e| e.trim().to_ascii_lowercase())
        .filter(|e| !e.is_empty())
        .any(|e| {
            let e = e.trim_start_matches("*.").trim_start_matches('.');
            e == "*" || host == e || host.ends_with(&format!(".{e}"))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_proxy_lists_match_hosts_domains_and_star() {
        assert!(no_proxy_matches("*", "api.example.org"));
        assert!(no_proxy_matches("localhost, 127.0.0.1", "127.0.0.1"));
        assert!(no_proxy_matches("example.org", "api.example.org"));
        assert!(no_proxy_matches(".example.org", "api.example.org"));
        assert!(no_proxy_matches("::1", "[::1]"));
        assert!(!no_proxy_matches("example.org", "badexample.org"));
        assert!(!no_proxy_matches("", "api.example.org"));
    }

    #[test]
    fn api_errors_show_the_status_message() {
        let body = br#"{"kind":"Status","message":"services \"x\" is forbidden","code":403}"#;
        assert_eq!(
            status_line(http::StatusCode::FORBIDDEN, body),
            "403 Forbidden (services \"x\" is forbidden)"
        );
        assert_eq!(
            status_line(http::StatusCode::NOT_FOUND, b""),
            "404 Not Found"
        );
    }

    #[test]
    fn the_first_port_name_is_found() {
        let svc = br#"{"spec":{"ports":[{"name":"http","port":8080},{"name":"x"}]}}"#;
        assert_eq!(first_port_name(svc).unwrap(), "http");
        assert_eq!(
            first_port_name(br#"{"spec":{"ports":[{"port":1}]}}"#).unwrap(),
            ""
        );
        assert!(first_port_name(br#"{"spec":{}}"#).is_err());
    }
}
