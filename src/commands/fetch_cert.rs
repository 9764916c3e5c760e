//! `fetch-cert`: get the controller's certificate once (from the cluster or a
//! URL), check it, and save it, so that sealing can then run offline.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use crate::cli::CertArgs;
use crate::io::{self, Overwrite};
use crate::{source, CliResult};

/// Examples shown by `sealtoken fetch-cert --help`.
pub const EXAMPLES: &str = "\
Examples:
  # From the controller in the current kubeconfig context:
  sealtoken fetch-cert -w pub.pem
  sealtoken fetch-cert --context prod --controller-namespace sealed-secrets -w prod.pem
  # Then seal offline, refusing any other certificate:
  sealtoken seal --cert pub.pem --cert-sha256 <sha256 printed above> -f secret.yaml";

#[derive(Debug, Args)]
pub struct FetchCertArgs {
    #[command(flatten)]
    pub cert: CertArgs,

    /// Write the certificate to this file (atomically) instead of stdout.
    #[arg(short = 'w', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Replace the file if it already exists.
    #[arg(long)]
    pub force: bool,
}

/// Fetches, parses, pins and checks the certificate, writes it as received,
/// and reports its fingerprint and validity on stderr.
pub fn run(args: &FetchCertArgs) -> CliResult {
    let fetched = source::fetch_cert(&args.cert)?;
    let (cert, src) = (&fetched.cert, &fetched.source);
    source::check_validity(cert, src, args.cert.allow_expired_cert)?;
    match &args.output {
        Some(path) => {
            let overwrite = if args.force {
                Overwrite::Replace
            } else {
                Overwrite::Refuse
            };
            io::write_atomic(path, &fetched.pem, overwrite, None)?;
        }
        None => io::write_stdout(&fetched.pem)?,
    }
    let mut report = format!("sealtoken: certificate from {src}\n");
    if let (Some(nb), Some(na)) = (cert.not_before(), cert.not_after()) {
        report.push_str(&format!("  valid:  {nb} to {na}\n"));
    }
    report.push_str(&format!("  key:    RSA {} bits\n", cert.key_bits()));
    report.push_str(&format!("  sha256: {}\n", cert.fingerprint_hex()));
    if let Some(path) = &args.output {
        report.push_str(&format!(
            "  saved:  {}; seal offline with --cert {0} --cert-sha256 {}\n",
            path.display(),
            cert.fingerprint_hex()
        ));
    }
    eprint!("{report}");
    Ok(ExitCode::SUCCESS)
}
