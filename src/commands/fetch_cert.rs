//! `fetch-cert`: get the controller's certificate once (from the cluster or a
//! URL), check it, and save it, so that sealing can then run offline.

use std::process::ExitCode;

use crate::cert_source;
use crate::cli::FetchCertArgs;
use crate::io::{self, Overwrite};
use crate::CliResult;

/// Fetches, parses, pins and checks the certificate, writes that one
/// certificate (PEM-encoded here, not the body as served), and reports its
/// fingerprint and validity on stderr.
pub fn run(args: &FetchCertArgs) -> CliResult {
    let fetched = cert_source::load_for(&args.cert, cert_source::Use::Save)?;
    let pem = fetched.pem_to_save()?;
    let (cert, src) = (&fetched.cert, &fetched.source);
    match &args.output {
        Some(path) => {
            let overwrite = if args.force {
                Overwrite::Replace
            } else {
                Overwrite::Refuse
            };
            io::write_atomic(path, pem.as_bytes(), overwrite, None)?;
        }
        None => io::write_stdout(pem.as_bytes())?,
    }
    // A pin taken from a certificate that came over plain http pins whatever
    // the network delivered: it says so.
    let unverified = if fetched.plain_http && !fetched.pinned {
        " (it came over plain http: compare it with the controller's before relying on it)"
    } else {
        ""
    };
    let mut report = format!("sealtoken: certificate from {src}\n");
    if let (Some(nb), Some(na)) = (cert.not_before(), cert.not_after()) {
        report.push_str(&format!("  valid:  {nb} to {na}\n"));
    }
    report.push_str(&format!("  key:    RSA {} bits\n", cert.key_bits()));
    match &args.output {
        None => report.push_str(&format!(
            "  sha256: {}{unverified}\n",
            cert.fingerprint_hex()
        )),
        Some(_) => report.push_str(&format!("  sha256: {}\n", cert.fingerprint_hex())),
    }
    if let Some(path) = &args.output {
        report.push_str(&format!(
            "  saved:  {}; seal offline with --cert {0} --cert-sha256 {}{unverified}\n",
            path.display(),
            cert.fingerprint_hex()
        ));
    }
    stderr!("{report}");
    Ok(ExitCode::SUCCESS)
}
