//! Where the sealing certificate comes from, and whether it is acceptable.
//!
//! Three sources, chosen as kubeseal chooses them:
//! - `--cert PATH` (or `-` for stdin): a file ([`file`]); the network is never touched;
//! - `--cert http(s)://…`: a URL ([`url`], feature `http`);
//! - no `--cert`: the controller's service in the current kubeconfig context,
//!   through the API server's service proxy ([`cluster`], feature `cluster`).
//!
//! Every source goes through the same parsing, pinning (`--cert-sha256`) and
//! validity checks, here. A plain `http://` URL draws a warning each time it
//! is fetched, or is refused (`--require-https`, `[cert] require-https` in
//! `.sealtoken.toml`); a URL is named in messages and reports only through
//! [`crate::redact::url`]. A source holding several certificates (a chain, a
//! bundle) seals with the first, as kubeseal does, or with the one
//! `--cert-sha256` names; it is saved only when the pin named one
//! ([`Fetched::pem_to_save`]). The command-line arguments are read once, in
//! [`CertSource::from_args`]; the sources below see plain values such as
//! [`ControllerRef`], never parser types.

#[cfg(feature = "cluster")]
mod cluster;
pub mod clusters;
mod file;
#[cfg(any(feature = "http", feature = "cluster"))]
pub mod net;
pub mod repository;
#[cfg(feature = "http")]
mod url;

use std::path::Path;

use anyhow::{anyhow, Context, Result};
use kubeseal_core::{CertError, Certificate, Timestamp, ValidityWarning};

use crate::cli::{CertArgs, ControllerArgs};
use crate::redact;

#[cfg(feature = "cluster")]
pub use cluster::Session;
#[cfg(feature = "cluster")]
pub use net::timeout;

/// A certificate as fetched: the parsed certificate, a name for its source
/// in messages, and what is known of how it came. The bytes as served are
/// not kept: what is saved is the certificate, encoded here.
pub struct Fetched {
    /// The parsed (and pinned, if asked) certificate.
    pub cert: Certificate,
    /// Where it came from, for messages and reports (a URL's credentials redacted).
    pub source: String,
    /// The SHA-256 fingerprints of every certificate the source held, in order.
    pub fingerprints: Vec<[u8; 32]>,
    /// Whether `--cert-sha256` chose it (or checked it).
    pub pinned: bool,
    /// Whether it came over plain http, where anyone on the path could have replaced it.
    pub plain_http: bool,
}

impl Fetched {
    /// What `fetch-cert` and `--fetch-cert` save: the certificate that was
    /// checked, PEM-encoded here (never the body as served: no text around
    /// it, no other block, nothing a terminal would read as a command).
    /// Refused when the source held several certificates and no
    /// `--cert-sha256` chose one.
    pub fn pem_to_save(&self) -> Result<String> {
        if self.fingerprints.len() > 1 && !self.pinned {
            let list: Vec<String> = self.fingerprints.iter().map(hex).collect();
            bail!(
                "certificate {} holds {} certificates (sha256 {}); choose the one to save with --cert-sha256",
                self.source,
                list.len(),
                list.join(", ")
            );
        }
        Ok(self.cert.to_pem())
    }
}

/// A sealed-secrets controller in a cluster, and how to reach it.
#[derive(Debug, Clone)]
// Without the feature `cluster`, only the names are read (for the hint).
#[cfg_attr(not(feature = "cluster"), allow(dead_code))]
pub struct ControllerRef {
    /// Namespace of the controller's Service.
    pub namespace: String,
    /// Name of the controller's Service.
    pub name: String,
    /// How to reach the cluster: kubeconfig, context, kubectl's flags.
    pub access: crate::kube_access::ClusterAccess,
}

impl ControllerRef {
    /// From the command line (a malformed kubectl flag is a usage error).
    pub fn from_args(args: &ControllerArgs) -> Result<Self> {
        Ok(ControllerRef {
            namespace: args.controller_namespace.clone(),
            name: args.controller_name.clone(),
            access: crate::kube_access::ClusterAccess::from_args(args)?,
        })
    }
}

/// What the user asked for: where the certificate is, the fingerprint it
/// must have, and whether an expired one is accepted.
#[derive(Debug)]
pub struct CertSource {
    /// `--cert` as given; `None`: the controller in the cluster.
    spec: Option<String>,
    /// The SHA-256 fingerprint the certificate must have (`--cert-sha256`).
    pin: Option<[u8; 32]>,
    /// Seal even with an expired certificate.
    allow_expired: bool,
    /// Refuse a plain `http://` URL (`--require-https`; `.sealtoken.toml` may say so too).
    require_https: bool,
    /// The controller to ask when there is no `--cert`.
    controller: ControllerRef,
}

impl CertSource {
    /// Checks the arguments (a malformed pin is a usage error, reported
    /// before any network access) and keeps them as plain values.
    pub fn from_args(args: &CertArgs) -> Result<Self> {
        if args.cert.len() > 1 {
            bail!(
                "--cert is given {} times: only `seal` and the main job seal for several clusters (with {} in -w)",
                args.cert.len(),
                clusters::PLACEHOLDER
            );
        }
        // A bare name that is neither a file nor a URL: a cluster of `.sealtoken.toml`.
        if let [spec] = args.cert.as_slice() {
            if spec != "-"
                && crate::config::is_cluster_name(spec)
                && !std::path::Path::new(spec).exists()
                && url_scheme(spec).is_none()
            {
                let cwd = std::env::current_dir().context("cannot read the current directory")?;
                if let Some(cluster) = clusters::from_args(args, &cwd)?.pop() {
                    return Ok(cluster.source);
                }
            }
        }
        Ok(CertSource {
            spec: args.cert.first().cloned(),
            pin: args.cert_sha256.as_deref().map(parse_pin).transpose()?,
            allow_expired: args.allow_expired_cert,
            require_https: args.require_https,
            controller: ControllerRef::from_args(&args.controller)?,
        })
    }

    /// Reads the certificate from its source, parses and pins it (among
    /// several, the pin picks one); does not judge its validity period.
    /// One that came over plain http draws a warning on stderr.
    pub fn fetch(&self) -> Result<Fetched> {
        let (pem, source) = self.read()?;
        let what = || format!("certificate {source}");
        let ders = Certificate::pem_certificates(&pem).with_context(what)?;
        let fingerprints: Vec<[u8; 32]> = ders.iter().map(|d| sha256(d)).collect();
        let cert = match &self.pin {
            Some(pin) if ders.len() > 1 => {
                let Some(i) = fingerprints.iter().position(|f| f == pin) else {
                    return Err(anyhow!(
                        "none of its {} certificates has the pinned fingerprint {}; refusing them",
                        ders.len(),
                        hex(pin)
                    ))
                    .with_context(what);
                };
                Certificate::from_der(&ders[i])
            }
            _ => Certificate::from_pem(&pem),
        }
        .with_context(what)?;
        if let Some(pin) = &self.pin {
            check_pin(&cert, pin).with_context(what)?;
        }
        let plain_http = self.spec.as_deref().is_some_and(is_plain_http);
        if plain_http {
            let what = if self.pin.is_some() {
                "; it matches the --cert-sha256 pin"
            } else {
                ": anyone on the network path could have replaced it; \
                 use an https:// URL, or pin it with --cert-sha256"
            };
            stderrln!(
                "sealtoken: warning: certificate {source} came over plain http{what} \
                 (--require-https refuses http)"
            );
        }
        Ok(Fetched {
            cert,
            source,
            fingerprints,
            pinned: self.pin.is_some(),
            plain_http,
        })
    }

    /// [`fetch`](Self::fetch), then the validity policy: refuses an expired
    /// certificate unless allowed, and warns on stderr when it is not yet
    /// valid or expires soon.
    pub fn load(&self) -> Result<Fetched> {
        self.load_for(Use::Seal)
    }

    /// [`load`](Self::load), for `use_`: the words of a refusal or warning
    /// name what is done with the certificate.
    pub fn load_for(&self, use_: Use) -> Result<Fetched> {
        let fetched = self.fetch()?;
        check_validity(&fetched.cert, &fetched.source, self.allow_expired, use_)?;
        Ok(fetched)
    }

    /// The certificate's bytes, and a name for its source in messages.
    fn read(&self) -> Result<(Vec<u8>, String)> {
        match classify(self.spec.as_deref()) {
            Source::File(path) => file::read(path),
            Source::Url(url) => {
                if is_plain_http(url) {
                    self.refuse_plain_http(url)?;
                }
                fetch_url(url)
            }
            Source::Unsupported(scheme) => bail!(
                "certificate {}: unsupported URL scheme {scheme:?}; give a file path, - for stdin, or an http(s):// URL",
                redact::url(self.spec.as_deref().unwrap_or_default())
            ),
            Source::Cluster => fetch_cluster(&self.controller),
        }
    }

    /// Refuses the plain `http://` URL `url` when `--require-https` is given
    /// or `.sealtoken.toml` (found from the working directory) says
    /// `[cert] require-https = true`; read only here, for a plain http URL.
    fn refuse_plain_http(&self, url: &str) -> Result<()> {
        let why = if self.require_https {
            "--require-https".to_string()
        } else {
            let cwd = std::env::current_dir().context("cannot read the current directory")?;
            match crate::config::load(None, &cwd)? {
                Some(l) if l.config.cert.require_https => {
                    format!("require-https in {}", crate::io::display(&l.path))
                }
                _ => return Ok(()),
            }
        };
        bail!(
            "certificate {}: plain http refused ({why}); give its https:// URL",
            redact::url(url)
        )
    }
}

/// The certificate `args` name, read, pinned and checked, printing warnings
/// to stderr (see [`CertSource::load`]).
pub fn load(args: &CertArgs) -> Result<Fetched> {
    CertSource::from_args(args)?.load()
}

/// [`load`], for `use_` (the words of the expiry policy).
pub fn load_for(args: &CertArgs, use_: Use) -> Result<Fetched> {
    CertSource::from_args(args)?.load_for(use_)
}

/// The certificate to seal with (see [`CertSource::load`]).
pub fn load_cert(args: &CertArgs) -> Result<Certificate> {
    Ok(load(args)?.cert)
}

/// The certificate `args` name, read and pinned, without judging its
/// validity period, and a name for its source.
pub fn parse_cert(args: &CertArgs) -> Result<(Certificate, String)> {
    let f = CertSource::from_args(args)?.fetch()?;
    Ok((f.cert, f.source))
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
        Some(s) if s.eq_ignore_ascii_case("file") => match file::url_path(&spec[s.len() + 1..]) {
            Some(path) => Source::File(path),
            None => Source::Unsupported(s),
        },
        Some(s) => Source::Unsupported(s),
    }
}

/// Whether `spec` is a plain `http://` URL (any case).
fn is_plain_http(spec: &str) -> bool {
    url_scheme(spec).is_some_and(|s| s.eq_ignore_ascii_case("http"))
}

/// The SHA-256 of `der`: a certificate's fingerprint.
fn sha256(der: &[u8]) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    Sha256::digest(der).into()
}

/// A fingerprint as lowercase hex.
fn hex(fingerprint: &[u8; 32]) -> String {
    base16ct::lower::encode_string(fingerprint)
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

#[cfg(feature = "http")]
fn fetch_url(url: &str) -> Result<(Vec<u8>, String)> {
    let shown = redact::url(url).into_owned();
    let bytes = url::fetch(url, net::timeout()?)
        .map_err(crate::failed)
        .with_context(|| format!("certificate {shown}"))?;
    Ok((bytes, shown))
}

#[cfg(not(feature = "http"))]
fn fetch_url(url: &str) -> Result<(Vec<u8>, String)> {
    bail!(
        "certificate {}: this build cannot fetch URLs (feature `http` is off); download it and pass the file",
        redact::url(url)
    )
}

#[cfg(feature = "cluster")]
fn fetch_cluster(controller: &ControllerRef) -> Result<(Vec<u8>, String)> {
    cluster::fetch_cert(controller, net::timeout()?)
}

#[cfg(not(feature = "cluster"))]
fn fetch_cluster(controller: &ControllerRef) -> Result<(Vec<u8>, String)> {
    bail!(
        "no certificate given: pass --cert FILE or URL (or set SEALED_SECRETS_CERT); this build does not \
         fetch it from the cluster (feature `cluster`): save it once with \
         `kubectl get --raw /api/v1/namespaces/{}/services/http:{}:http/proxy/v1/cert.pem > pub.pem`",
        controller.namespace,
        controller.name
    );
}

/// What a certificate is loaded for: the words of the expiry policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Use {
    /// Sealing with it.
    Seal,
    /// Saving it (`fetch-cert`).
    Save,
}

/// The library's expiry policy, with this command's words: refuses an expired
/// certificate (unless `allow_expired`), and warns on stderr when it is not
/// yet valid or expires soon.
fn check_validity(cert: &Certificate, source: &str, allow_expired: bool, use_: Use) -> Result<()> {
    let (refusing, anyway) = match use_ {
        Use::Seal => ("refusing to seal with it", "sealing anyway"),
        Use::Save => ("not saved", "saving anyway"),
    };
    let warnings = match cert.check_validity_at(Timestamp::now(), allow_expired) {
        Ok(warnings) => warnings,
        Err(CertError::Expired { not_after }) => bail!(
            "certificate {source} expired on {not_after}; {refusing} \
             (fetch the current one, or pass --allow-expired-cert if the controller still holds this key)"
        ),
        Err(e) => return Err(e).with_context(|| format!("certificate {source}")),
    };
    for warning in warnings {
        let what = match warning {
            ValidityWarning::Expired { not_after } => {
                format!(" expired on {not_after}; {anyway} (--allow-expired-cert)")
            }
            ValidityWarning::ExpiresSoon { not_after } => {
                format!(" expires on {not_after}; the controller will soon renew its key")
            }
            ValidityWarning::NotYetValid { not_before } => {
                format!(" is not valid before {not_before} (is the clock right?)")
            }
            other => format!(": {other}"),
        };
        stderrln!("sealtoken: warning: certificate {source}{what}");
    }
    Ok(())
}

/// A `--cert-sha256` pin: 64 hex digits, colons allowed between them.
fn parse_pin(pin: &str) -> Result<[u8; 32]> {
    let digits: Vec<u8> = pin.bytes().filter(|b| *b != b':').collect();
    let mut out = [0u8; 32];
    match base16ct::mixed::decode(&digits, &mut out) {
        Ok(bytes) if bytes.len() == 32 => Ok(out),
        _ => Err(anyhow!(
            "--cert-sha256 must be 64 hex digits (colons allowed)"
        )),
    }
}

/// Refuses a certificate whose SHA-256 fingerprint is not `pin` (compared as bytes).
fn check_pin(cert: &Certificate, pin: &[u8; 32]) -> Result<()> {
    if cert.fingerprint_sha256() != *pin {
        let mut buf = [0u8; 64];
        let want = base16ct::lower::encode_str(pin, &mut buf).unwrap_or_default();
        bail!(
            "SHA-256 fingerprint {} does not match the pinned {want}; refusing it",
            cert.fingerprint_hex()
        );
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

    #[test]
    fn pins_are_64_hex_digits_with_optional_colons_in_either_case() {
        let want: [u8; 32] = std::array::from_fn(|i| (i as u8).wrapping_mul(7).wrapping_add(0xa0));
        let lower: String = want.iter().map(|b| format!("{b:02x}")).collect();
        let colons: Vec<String> = want.iter().map(|b| format!("{b:02X}")).collect();
        assert_eq!(parse_pin(&lower).unwrap(), want);
        assert_eq!(parse_pin(&colons.join(":")).unwrap(), want);
        for bad in [
            "",
            "ab",
            &lower[..62],
            &format!("{lower}00"),
            &lower.replace('a', "g"),
        ] {
            let err = parse_pin(bad).unwrap_err().to_string();
            assert_eq!(err, "--cert-sha256 must be 64 hex digits (colons allowed)");
        }
    }
}
