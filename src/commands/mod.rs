//! One module per subcommand; each turns checked arguments into library calls and I/O.

use std::process::ExitCode;

use crate::cli::{Cli, Command, OutputFormat};
use crate::CliResult;

pub mod check;
pub mod fetch_cert;
mod info;
mod seal;
mod token;
mod unseal;

pub fn run(cli: Cli) -> CliResult {
    match cli.command {
        None => token::run(&cli.token),
        Some(Command::Seal(a)) => seal::run(&a),
        Some(Command::Unseal(a)) => unseal::run(&a),
        Some(Command::Check(a)) => check::run(&a),
        Some(Command::WebhookPath(a)) => info::webhook_path(&a),
        Some(Command::CertInfo(a)) => info::cert_info(&a),
        Some(Command::FetchCert(a)) => fetch_cert::run(&a),
        Some(Command::Completions { shell }) => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut cmd, "sealtoken", &mut out);
            crate::io::write_stdout(&out)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

impl From<OutputFormat> for kubeseal_core::Format {
    fn from(f: OutputFormat) -> Self {
        match f {
            OutputFormat::Json => kubeseal_core::Format::Json,
            OutputFormat::Yaml => kubeseal_core::Format::Yaml,
        }
    }
}
