//! Where the sealing certificate comes from, and whether it is acceptable.
//!
//! Three sources, chosen as kubeseal chooses them:
//! - `--cert PATH` (or `-` for stdin): a file; the network is never touched;
//! - `--cert http(s)://…`: a URL (feature `http`);
//! - no `--cert`: the controller's service in the current kubeconfig context,
//!   through the API server's service proxy (feature `cluster`).
//!
//! Every source goes through the same parsing, pinning (`--cert-sha256`) and
//! validity checks.

use std::path::Path;
use std::time::Duration;

use anyhow::{anyhow, Context, Result};
use kubeseal_core::{Certificate, Timestamp};

use crate::cli::CertArgs;

/// Days before expiry at which a warning is shown.
const EXPIRY_WARNING_DAYS: i64 = 30;

/// Largest certificate body accepted from the network (a PEM certificate is ~2 KiB).
#[cfg_attr(not(any(feature = "http", feature = "cluster")), allow(dead_code))]
pub const MAX_FETCHED: usize = 64 * 1024;

/// Network timeout (connect, and each read or write) unless `SEALTOKEN_HTTP_TIMEOUT` says otherwise.
#[cfg_attr(not(any(feature = "http", feature = "cluster")), allow(dead_code))]
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// A certificate as fetched: its raw bytes, the parsed certificate, and a
/// name for its source in messages.
pub struct Fetched {
    /// The bytes as read (a PEM document).
    pub pem: Vec<u8>,
    /// The parsed (and pinned, if asked) certificate.
    pub cert: Certificate,
    /// Where it came from, for messages.
    pub source: String,
}

/// Where `--cert` (or its absence) points.
#[derive(Debug, PartialEq, Eq)]
enum Source<'a> {
    /// A file, or `-` for stdin.
    File(&'a Path),
    /// An `http://` or `https://` URL.
    Url(&'a str),
    /// A URL with a scheme that cannot be fetched.
    Unsupported(&'a str),
    /// No `--cert`: the controller in the cluster.
    Cluster,
}

/// Kubeseal's rule (`isFilename`): a value with no URL scheme, or a
/// one-letter one (a Windows drive), is a file; `file://` URLs name files too.
fn classify(spec: Option<&str>) -> Source<'_> {
    let Some(spec) = spec else {
        return Source::Cluster;
    };
    match url_scheme(spec) {
        None => Source::File(Path::new(spec)),
        Some(s) if s.len() == 1 => Source::File(Path::new(spec)),
        Some(s) if s.eq_ignore_ascii_case("http") || s.eq_ignore_ascii_case("https") => {
            Source::Url(spec)
        }
        Some(s) if s.eq_ignore_ascii_case("file") => match spec[s.len() + 1..].strip_prefix("//") {
            // file:///path (empty authority) or file://localhost/path.
            Some(rest) if rest.starts_with('/') => Source::File(Path::new(rest)),
            Some(rest) => match rest.strip_prefix("localhost") {
                Some(p) if p.starts_with('/') => Source::File(Path::new(p)),
                _ => Source::Unsupported(s),
            },
            None => Source::File(Path::new(&spec[s.len() + 1..])),
        },
        Some(s) => Source::Unsupported(s),
    }
}

/// The scheme of a URL as Go's `url.Parse` finds it: letters, then letters,
/// digits, `+`, `-` or `.`, up to the first `:`.
fn url_scheme(spec: &str) -> Option<&str> {
    let colon = spec.find(':')?;
    let scheme = &spec[..colon];
    let mut bytes = scheme.bytes();
    let first = bytes.next()?;
    (first.is_ascii_alphabetic()
        && bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.')))
    .then_some(scheme)
}

/// Loads, pins and validates the certificate named by `args`, printing
/// warnings to stderr. Refuses an expired certificate unless allowed.
pub fn load_cert(args: &CertArgs) -> Result<Certificate> {
    let (cert, source) = parse_cert(args)?;
    check_validity(&cert, &source, args.allow_expired_cert)?;
    Ok(cert)
}

/// Refuses an expired certificate (unless `allow_expired`), and warns on
/// stderr when it is not yet valid or expires within 30 days.
pub fn check_validity(cert: &Certificate, source: &str, allow_expired: bool) -> Result<()> {
    let now = Timestamp::now();
    if let Some(not_after) = cert.not_after() {
        if cert.is_expired_at(now) {
            if !allow_expired {
                bail!(
                    "certificate {source} expired on {not_after}; refusing to seal with it \
                     (fetch the current one, or pass --allow-expired-cert if the controller still holds this key)"
                );
            }
            eprintln!("sealtoken: warning: certificate {source} expired on {not_after}; sealing anyway (--allow-expired-cert)");
        } else if not_after.unix() - now.unix() < EXPIRY_WARNING_DAYS * 86_400 {
            eprintln!("sealtoken: warning: certificate {source} expires on {not_after}; the controller will soon renew its key");
        }
    }
    if let Some(not_before) = cert.not_before() {
        if cert.is_not_yet_valid_at(now) {
            eprintln!("sealtoken: warning: certificate {source} is not valid before {not_before} (is the clock right?)");
        }
    }
    Ok(())
}

/// Reads, parses and pins the certificate, without judging its validity period.
/// Returns it with a name for its source.
pub fn parse_cert(args: &CertArgs) -> Result<(Certificate, String)> {
    let f = fetch_cert(args)?;
    Ok((f.cert, f.source))
}

/// Reads the certificate from its source, parses and pins it, and keeps the
/// bytes as read (for `fetch-cert`).
pub fn fetch_cert(args: &CertArgs) -> Result<Fetched> {
    let (pem, source) = read_cert_bytes(args)?;
    let cert = Certificate::from_pem(&pem).with_context(|| format!("certificate {source}"))?;
    if let Some(pin) = &args.cert_sha256 {
        check_pin(&cert, pin).with_context(|| format!("certificate {source}"))?;
    }
    Ok(Fetched { pem, cert, source })
}

/// Reads the certificate's bytes and names its source for messages.
fn read_cert_bytes(args: &CertArgs) -> Result<(Vec<u8>, String)> {
    if let Some(pin) = &args.cert_sha256 {
        // A malformed pin is a usage error: say so before any network access.
        normalize_pin(pin)?;
    }
    match classify(args.cert.as_deref()) {
        Source::File(path) => {
            let bytes = crate::io::read_input(path)?;
            Ok((bytes, crate::io::display(path)))
        }
        Source::Url(url) => fetch_url(url),
        Source::Unsupported(scheme) => bail!(
            "certificate {}: unsupported URL scheme {scheme:?}; give a file path, - for stdin, or an http(s):// URL",
            args.cert.as_deref().unwrap_or_default()
        ),
        Source::Cluster => fetch_cluster(args),
    }
}

#[cfg(feature = "http")]
fn fetch_url(url: &str) -> Result<(Vec<u8>, String)> {
    let bytes = crate::cert_url::fetch(url, network_timeout()?)
        .with_context(|| format!("certificate {url}"))?;
    Ok((bytes, url.to_string()))
}

#[cfg(not(feature = "http"))]
fn fetch_url(url: &str) -> Result<(Vec<u8>, String)> {
    bail!("certificate {url}: this build cannot fetch URLs (feature `http` is off); download it and pass the file")
}

#[cfg(feature = "cluster")]
fn fetch_cluster(args: &CertArgs) -> Result<(Vec<u8>, String)> {
    crate::cluster::fetch_cert(args, network_timeout()?)
}

#[cfg(not(feature = "cluster"))]
fn fetch_cluster(args: &CertArgs) -> Result<(Vec<u8>, String)> {
    bail!(
        "no certificate given: pass --cert FILE or URL (or set SEALED_SECRETS_CERT); this build does not \
         fetch it from the cluster (feature `cluster`): save it once with \
         `kubectl get --raw /api/v1/namespaces/{}/services/http:{}:http/proxy/v1/cert.pem > pub.pem`",
        args.controller_namespace,
        args.controller_name
    );
}

/// The network timeout: `SEALTOKEN_HTTP_TIMEOUT` (seconds, fractions allowed), else 10 s.
#[cfg(any(feature = "http", feature = "cluster"))]
fn network_timeout() -> Result<Duration> {
    match std::env::var("SEALTOKEN_HTTP_TIMEOUT") {
        Err(_) => Ok(DEFAULT_TIMEOUT),
        Ok(v) => v
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|s| s.is_finite() && *s > 0.0 && *s <= 86_400.0)
            .map(Duration::from_secs_f64)
            .ok_or_else(|| anyhow!("SEALTOKEN_HTTP_TIMEOUT={v:?} is not a number of seconds")),
    }
}

/// A duration for messages: `10 s`, `0.5 s`.
#[cfg(any(feature = "http", feature = "cluster"))]
pub fn fmt_secs(d: Duration) -> String {
    format!("{} s", d.as_secs_f64())
}

/// The innermost error's message (the cause, without the layers' repetitions).
#[cfg(any(feature = "http", feature = "cluster"))]
pub fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cur = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string()
}

/// A pin as lowercase hex without colons, or an error if it is not 64 hex digits.
fn normalize_pin(pin: &str) -> Result<String> {
    let want: String = pin
        .chars()
        .filter(|c| *c != ':')
        .collect::<String>()
        .to_ascii_lowercase();
    if want.len() != 64 || !want.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(anyhow!(
            "--cert-sha256 must be 64 hex digits (colons allowed)"
        ));
    }
    Ok(want)
}

fn check_pin(cert: &Certificate, pin: &str) -> Result<()> {
    let want = normalize_pin(pin)?;
    let got = cert.fingerprint_hex();
    if got != want {
        bail!("SHA-256 fingerprint {got} does not match the pinned {want}; refusing it");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_and_urls_are_told_apart_as_kubeseal_does() {
        assert_eq!(classify(None), Source::Cluster);
        assert_eq!(
            classify(Some("pub.pem")),
            Source::File(Path::new("pub.pem"))
        );
        assert_eq!(classify(Some("-")), Source::File(Path::new("-")));
        assert_eq!(
            classify(Some("C:\\certs\\pub.pem")),
            Source::File(Path::new("C:\\certs\\pub.pem"))
        );
        assert_eq!(
            classify(Some("./a:b.pem")),
            Source::File(Path::new("./a:b.pem"))
        );
        assert_eq!(classify(Some("1x:y")), Source::File(Path::new("1x:y")));
        assert_eq!(
            classify(Some("https://h/v1/cert.pem")),
            Source::Url("https://h/v1/cert.pem")
        );
        assert_eq!(classify(Some("HTTP://h/c")), Source::Url("HTTP://h/c"));
        assert_eq!(
            classify(Some("file:///tmp/c.pem")),
            Source::File(Path::new("/tmp/c.pem"))
        );
        assert_eq!(
            classify(Some("file://localhost/tmp/c.pem")),
            Source::File(Path::new("/tmp/c.pem"))
        );
        assert_eq!(
            classify(Some("file://host/c.pem")),
            Source::Unsupported("file")
        );
        assert_eq!(classify(Some("ftp://h/c.pem")), Source::Unsupported("ftp"));
    }
}
