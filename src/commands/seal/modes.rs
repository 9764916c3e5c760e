//! kubeseal's other modes, as flags of `seal`: `--recovery-unseal`,
//! `--validate`, `--re-encrypt` (`--rotate`) and `--fetch-cert`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use kubeseal_core::{read_sealed_secrets, Format, SealedSecret, Timestamp};

use super::output::{output_format, write_output};
use crate::cli::SealArgs;
use crate::io::{self, Overwrite};
use crate::recovery;
use crate::{cert_source, controller, key_files, CliError, CliResult};

/// `--recovery-unseal --recovery-private-key K`: the plaintext Secrets, in
/// kubeseal's format rules (JSON unless -o yaml or a `.yaml` -w file).
pub fn recovery_unseal(args: &SealArgs) -> CliResult {
    if args.recovery_private_key.is_empty() {
        bail!("--recovery-unseal needs --recovery-private-key FILE (a private key, a key backup, or a folder of them)");
    }
    let keys = key_files::load(&args.recovery_private_key)?;
    let input = input_path(args);
    let format = output_format(args, args.sealed_secret_file.as_deref());
    recovery::recover(
        &keys,
        &input,
        args.namespace.as_deref(),
        format,
        args.sealed_secret_file.as_deref(),
        // kubeseal replaces the -w file.
        Overwrite::Replace,
    )
}

/// `--validate`: the controller tries to decrypt each SealedSecret
/// (`POST /v1/verify` through the service proxy). Silent on success.
pub fn validate(args: &SealArgs) -> CliResult {
    let (sealed, what) = read_sealed(args)?;
    let client =
        controller::Client::connect(&args.cert.controller, "validate the SealedSecrets with")?;
    for s in &sealed {
        recovery::warn_on_metadata_mismatch(s, &what);
        if !client.verify(s.to_string(Format::Json).into_bytes())? {
            return Err(CliError::failed(anyhow::anyhow!(
                "{what}: unable to decrypt sealed secret: {}",
                s.object_ref().name
            )));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `--re-encrypt`: the controller decrypts each SealedSecret and seals it
/// again with its newest key (`POST /v1/rotate`). With -f and no -w the
/// file is replaced in place, as kubeseal does.
pub fn re_encrypt(args: &SealArgs) -> CliResult {
    let (sealed, what) = read_sealed(args)?;
    let target = args
        .sealed_secret_file
        .clone()
        .or_else(|| args.secret_file.clone().filter(|p| p.as_os_str() != "-"));
    let format = output_format(args, target.as_deref());
    let client =
        controller::Client::connect(&args.cert.controller, "re-encrypt the SealedSecrets with")?;
    let mut out = String::new();
    for s in &sealed {
        recovery::warn_on_metadata_mismatch(s, &what);
        let answer = client.rotate(s.to_string(Format::Json).into_bytes())?;
        let resealed = read_sealed_secrets(&answer)
            .map_err(|e| {
                anyhow::anyhow!(
                    "the controller's answer for SealedSecret {:?}: {e}",
                    s.object_ref().name
                )
            })
            .map_err(CliError::failed)?;
        for r in resealed {
            out.push_str(&r.to_string(format));
        }
    }
    write_output(target.as_deref(), out.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

/// `--fetch-cert`: the certificate (from --cert, or the controller), to
/// stdout or -w, PEM-encoded here: the one certificate checked, not the body
/// as served. It must be a certificate; an expired one is printed with a
/// warning, as kubeseal prints it.
pub fn fetch_cert(args: &SealArgs) -> CliResult {
    let fetched = cert_source::CertSource::from_args(&args.cert)?.fetch()?;
    let pem = fetched.pem_to_save()?;
    if let Some(not_after) = fetched.cert.not_after() {
        if fetched.cert.is_expired_at(Timestamp::now()) {
            stderrln!(
                "sealtoken: warning: certificate {} expired on {not_after}",
                fetched.source
            );
        }
    }
    write_output(args.sealed_secret_file.as_deref(), pem.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

fn input_path(args: &SealArgs) -> PathBuf {
    args.secret_file
        .clone()
        .unwrap_or_else(|| PathBuf::from("-"))
}

/// The SealedSecrets of -f (or stdin), with the input's name for messages.
fn read_sealed(args: &SealArgs) -> CliResult<(Vec<SealedSecret>, String)> {
    let input = input_path(args);
    let what = io::display(&input);
    let text = io::read_input(&input)?;
    let sealed = read_sealed_secrets(&text).with_context(|| what.clone())?;
    Ok((sealed, what))
}
