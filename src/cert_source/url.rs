//! `--cert https://…`: one bounded GET.
//!
//! TLS is rustls on aws-lc-rs; server certificates are checked against the
//! system's trust store (`SSL_CERT_FILE` / `SSL_CERT_DIR` replace it, as for
//! OpenSSL). `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` and `NO_PROXY` are honoured.
//! The client (and its runtime thread) exists only while a URL is fetched.
//!
//! One deadline covers the whole request: connecting, redirects, headers and
//! every byte of the body, so a server sending a byte at a time cannot hold
//! it open past the timeout. Redirects: at most [`MAX_REDIRECTS`], and never
//! from https to anything else.

use std::io::Read;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use super::net::{self, root_cause, MAX_FETCHED};
use crate::redact;

/// Redirects followed at most (each within the one deadline).
pub const MAX_REDIRECTS: usize = 5;

/// GETs `url` and returns its body, refusing a non-2xx status, a body over
/// [`MAX_FETCHED`], a redirect from https to http (or past
/// [`MAX_REDIRECTS`]), and anything not done within `timeout` from the start.
/// Errors do not repeat the URL; the caller names it.
pub fn fetch(url: &str, timeout: Duration) -> Result<Vec<u8>> {
    let deadline = Instant::now() + timeout;
    let client = reqwest::blocking::Client::builder()
        .connect_timeout(timeout)
        .timeout(timeout)
        .redirect(redirect_policy())
        .user_agent(concat!("sealtoken/", env!("CARGO_PKG_VERSION")))
        .build()
        .context("cannot set up the HTTPS client")?;
    // The client's timeout bounds each read of the body on its own; the
    // request's is one deadline from the start to the body's last byte.
    let mut resp = client
        .get(url)
        .header(reqwest::header::ACCEPT, "application/x-pem-file, */*")
        .timeout(timeout)
        .send()
        .map_err(|e| anyhow::anyhow!(describe(e, timeout)))?;
    let status = resp.status();
    if !status.is_success() {
        bail!("HTTP {status}");
    }
    if resp
        .content_length()
        .is_some_and(|n| n > MAX_FETCHED as u64)
    {
        bail!(net::too_large(MAX_FETCHED));
    }
    read_body(&mut resp, deadline, timeout)
}

/// The body, up to [`MAX_FETCHED`] bytes and no later than `deadline`.
/// reqwest ends a read at the request's deadline; the check between reads
/// keeps the bound whatever the transport does.
fn read_body(resp: &mut impl Read, deadline: Instant, timeout: Duration) -> Result<Vec<u8>> {
    let mut body = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        if Instant::now() >= deadline {
            bail!("cannot read the response: {}", net::timed_out(timeout));
        }
        let n = match resp.read(&mut buf) {
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                let msg = match e.into_inner().map(|i| i.downcast::<reqwest::Error>()) {
                    Some(Ok(re)) => describe(*re, timeout),
                    Some(Err(other)) => other.to_string(),
                    None => "the connection failed".to_string(),
                };
                bail!("cannot read the response: {msg}");
            }
        };
        if n == 0 {
            return Ok(body);
        }
        if body.len() + n > MAX_FETCHED {
            bail!(net::too_large(MAX_FETCHED));
        }
        body.extend_from_slice(&buf[..n]);
    }
}

/// Follows at most [`MAX_REDIRECTS`] redirects, to http(s) URLs only, and
/// none to plain http once a hop was https: a certificate asked for over
/// https never comes over plain http.
fn redirect_policy() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        if attempt.previous().len() > MAX_REDIRECTS {
            return attempt.error(format!(
                "more than {MAX_REDIRECTS} redirects; refusing to follow more"
            ));
        }
        let to = attempt.url();
        let was_https = attempt.previous().iter().any(|u| u.scheme() == "https");
        match to.scheme() {
            "https" => attempt.follow(),
            "http" if !was_https => attempt.follow(),
            "http" => {
                let msg = format!(
                    "redirected from https to {}: refusing plain http",
                    redact::url(to.as_str())
                );
                attempt.error(msg)
            }
            _ => {
                let msg = format!(
                    "redirected to {}: not an http(s) URL",
                    redact::url(to.as_str())
                );
                attempt.error(msg)
            }
        }
    })
}

/// One line for a transport error: its kind and its root cause, without the
/// URL that reqwest repeats (the caller names the source).
fn describe(e: reqwest::Error, timeout: Duration) -> String {
    let e = e.without_url();
    if e.is_timeout() {
        return net::timed_out(timeout);
    }
    let root = root_cause(&e);
    if e.is_connect() {
        format!("cannot connect: {root}")
    } else {
        root
    }
}
