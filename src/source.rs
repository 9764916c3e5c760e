//! Where the sealing certificate comes from, and whether it is acceptable.

use std::path::Path;

use anyhow::{anyhow, Context, Result};
use kubeseal_core::{Certificate, Timestamp};

use crate::cli::CertArgs;

/// Days before expiry at which a warning is shown.
const EXPIRY_WARNING_DAYS: i64 = 30;

/// Loads, pins and validates the certificate named by `args`, printing
/// warnings to stderr. Refuses an expired certificate unless allowed.
pub fn load_cert(args: &CertArgs) -> Result<Certificate> {
    let (cert, source) = parse_cert(args)?;
    let now = Timestamp::now();
    if let Some(not_after) = cert.not_after() {
        if cert.is_expired_at(now) {
            if !args.allow_expired_cert {
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
    Ok(cert)
}

/// Reads, parses and pins the certificate, without judging its validity period.
/// Returns it with a name for its source.
pub fn parse_cert(args: &CertArgs) -> Result<(Certificate, String)> {
    let (pem, source) = read_cert_bytes(args)?;
    let cert = Certificate::from_pem(&pem).with_context(|| format!("certificate {source}"))?;
    if let Some(pin) = &args.cert_sha256 {
        check_pin(&cert, pin).with_context(|| format!("certificate {source}"))?;
    }
    Ok((cert, source))
}

/// Reads the certificate's bytes and names its source for messages.
fn read_cert_bytes(args: &CertArgs) -> Result<(Vec<u8>, String)> {
    let Some(spec) = args.cert.as_deref() else {
        bail!(
            "no certificate given: pass --cert FILE (or set SEALED_SECRETS_CERT); \
             save it once with `kubeseal --fetch-cert > pub.pem`"
        );
    };
    if spec.starts_with("http://") || spec.starts_with("https://") {
        bail!("certificate {spec}: fetching certificates from URLs is not supported by this build; download it and pass the file");
    }
    let path = Path::new(spec);
    let bytes = crate::io::read_input(path)?;
    Ok((bytes, crate::io::display(path)))
}

fn check_pin(cert: &Certificate, pin: &str) -> Result<()> {
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
    let got = cert.fingerprint_hex();
    if got != want {
        bail!("SHA-256 fingerprint {got} does not match the pinned {want}; refusing it");
    }
    Ok(())
}
