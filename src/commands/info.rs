//! Small informational subcommands: `webhook-path`, `cert-info`.

use std::fmt::Write as _;
use std::path::Path;
use std::process::ExitCode;

use kubeseal_core::{ObjectRef, Timestamp};
use zeroize::Zeroizing;

use crate::cli::{CertInfoArgs, WebhookPathArgs};
use crate::{cert_source, io, CliResult};

pub fn webhook_path(args: &WebhookPathArgs) -> CliResult {
    crate::args::namespace("-n/--namespace", &args.namespace)?;
    for r in &args.receivers {
        crate::args::object_name("--receiver", r)?;
    }
    let bytes = Zeroizing::new(io::read_input(Path::new("-"))?);
    let token = crate::token_input::from_bytes(&bytes, "stdin", crate::token_input::Weak::Warn)?;
    let mut out = String::new();
    for r in &args.receivers {
        let path = flux_receiver::webhook_path(&token, &ObjectRef::new(&args.namespace, r));
        let line = match &args.host {
            Some(h) => flux_receiver::webhook_url(h, &path),
            None => path,
        };
        let _ = writeln!(out, "{line}");
    }
    io::write_stdout_text(&out)?;
    Ok(ExitCode::SUCCESS)
}

pub fn cert_info(args: &CertInfoArgs) -> CliResult {
    let (cert, source) = cert_source::parse_cert(&args.cert)?;
    let now = Timestamp::now();
    let mut out = String::new();
    let _ = writeln!(out, "source:       {source}");
    if cert.is_bare_public_key() {
        let _ = writeln!(out, "kind:         bare public key (no validity period)");
    } else {
        let subject = if cert.subject().is_empty() {
            "(empty, as the controller sets it)"
        } else {
            cert.subject()
        };
        let _ = writeln!(out, "subject:      {subject}");
    }
    if let (Some(nb), Some(na)) = (cert.not_before(), cert.not_after()) {
        let state = if cert.is_expired_at(now) {
            "EXPIRED"
        } else if cert.is_not_yet_valid_at(now) {
            "not yet valid"
        } else {
            "valid"
        };
        let _ = writeln!(out, "not before:   {nb}");
        let _ = writeln!(out, "not after:    {na} ({state})");
    }
    let _ = writeln!(out, "key:          RSA {} bits", cert.key_bits());
    let _ = writeln!(out, "sha256:       {}", cert.fingerprint_hex());
    io::write_stdout_text(&out)?;
    Ok(ExitCode::SUCCESS)
}
