//! `--cert https://…`: one bounded GET.
//!
//! TLS is rustls on aws-lc-rs; server certificates are checked against the
//! system's trust store (`SSL_CERT_FILE` / `SSL_CERT_DIR` replace it, as for
//! OpenSSL). `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` and `NO_PROXY` are honoured.
//! The client (and its runtime thread) exists only while a URL is fetched.

use std::io::Read;
use std::time::Duration;

use anyhow::{Context, Result};

use super::net::{self, root_cause, MAX_FETCHED};

/// GETs `url` and returns its body, refusing a non-2xx status, a body over
/// [`MAX_FETCHED`], and anything slower than `timeout` per step.
/// Errors do not repeat the URL; the caller names it.
pub fn fetch(url: &str, timeout: Duration) -> Result<Vec<u8>> {
    let client = reqwest::blocking::Client::builder()
        .connect_timeout(timeout)
        .timeout(timeout)
        .user_agent(concat!("sealtoken/", env!("CARGO_PKG_VERSION")))
        .build()
        .context("cannot set up the HTTPS client")?;
    let mut resp = client
        .get(url)
        .header(reqwest::header::ACCEPT, "application/x-pem-file, */*")
        .send()
        .map_err(|e| anyhow::anyhow!(describe(&e, timeout)))?;
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
    let mut body = Vec::new();
    (&mut resp)
        .take(MAX_FETCHED as u64 + 1)
        .read_to_end(&mut body)
        .map_err(|e| {
            let msg = match e.get_ref().and_then(|i| i.downcast_ref::<reqwest::Error>()) {
                Some(re) => describe(re, timeout),
                None => e.to_string(),
            };
            anyhow::anyhow!("cannot read the response: {msg}")
        })?;
    if body.len() > MAX_FETCHED {
        bail!(net::too_large(MAX_FETCHED));
    }
    Ok(body)
}

/// One line for a transport error: its kind and its root cause, without the
/// URL that reqwest repeats (the caller names the source).
fn describe(e: &reqwest::Error, timeout: Duration) -> String {
    if e.is_timeout() {
        return net::timed_out(timeout);
    }
    let root = root_cause(e);
    if e.is_connect() {
        format!("cannot connect: {root}")
    } else {
        root
    }
}
