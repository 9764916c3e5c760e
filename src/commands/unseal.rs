//! `sealtoken unseal`: recovery with the controller's private key.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use kubeseal_core::{read_sealed_secrets, unseal, PrivateKey};
use zeroize::Zeroizing;

use crate::cli::UnsealArgs;
use crate::io;
use crate::{CliError, CliResult};

pub fn run(args: &UnsealArgs) -> CliResult {
    let mut keys = Vec::new();
    for path in &args.keys {
        let pem = Zeroizing::new(io::read_input(path)?);
        keys.extend(PrivateKey::from_pem(&pem).with_context(|| path.display().to_string())?);
    }
    let input_path = args.input.clone().unwrap_or_else(|| PathBuf::from("-"));
    let what = io::display(&input_path);
    let input = io::read_input(&input_path)?;
    let sealed = read_sealed_secrets(&input).with_context(|| what.clone())?;
    let mut out = Zeroizing::new(String::new());
    for s in &sealed {
        let secret = unseal(&keys, s)
            .with_context(|| format!("{what}: SealedSecret {:?}", s.object_ref().name))
            .map_err(CliError::failed)?;
        // The rendered Secret is plaintext: wipe it too once copied.
        out.push_str(&Zeroizing::new(secret.to_string(args.format.into())));
    }
    eprintln!("sealtoken: warning: the output is a PLAINTEXT Secret; never commit it");
    match &args.output {
        Some(p) => io::write_private_new(p, out.as_bytes()).map_err(CliError::failed)?,
        None => io::write_stdout(out.as_bytes()).map_err(CliError::failed)?,
    }
    Ok(ExitCode::SUCCESS)
}
