//! One module per subcommand; each turns the arguments parsed in `cli` into
//! library calls and I/O. A new subcommand gets a module here with a
//! `run(&…Args) -> CliResult`, and one arm in [`run`].

use std::process::ExitCode;

use crate::cli::{Cli, Command, CompletionsArgs, ReceiverCommand};
use crate::CliResult;

mod check;
mod clusters;
mod diff;
mod doctor;
mod edit;
mod fetch_cert;
mod info;
mod keys;
mod man;
#[cfg(feature = "http")]
mod receiver_test;
mod receivers;
mod reseal;
mod rotate;
mod seal;
mod token;
mod unseal;

/// `sealtoken seal` (also the binary run as `kubeseal`).
pub fn seal(args: &crate::cli::SealArgs) -> CliResult {
    seal::run(args)
}

/// Runs the command `cli` names (the token workflow without a subcommand).
pub fn run(cli: Cli) -> CliResult {
    match cli.command {
        None => token::run(&cli.token),
        Some(Command::Seal(a)) => seal::run(&a),
        Some(Command::Unseal(a)) => unseal::run(&a),
        Some(Command::Check(a)) => check::run(&a),
        Some(Command::WebhookPath(a)) => info::webhook_path(&a),
        Some(Command::CertInfo(a)) => info::cert_info(&a),
        Some(Command::FetchCert(a)) => fetch_cert::run(&a),
        Some(Command::Receiver(a)) => match a.command {
            #[cfg(feature = "http")]
            ReceiverCommand::Test(t) => receiver_test::run(&t),
            #[cfg(not(feature = "http"))]
            ReceiverCommand::Test(_) => {
                bail!("`receiver test` needs the feature `http`; this build has none")
            }
        },
        Some(Command::Receivers(a)) => receivers::run(&a),
        Some(Command::Clusters(a)) => clusters::run(&a),
        Some(Command::Rotate(a)) => rotate::run(&a),
        Some(Command::Doctor(a)) => doctor::run(&a),
        Some(Command::Keys(a)) => keys::run(&a),
        Some(Command::Reseal(a)) => reseal::run(&a),
        Some(Command::Edit(a)) => edit::run(&a),
        Some(Command::Diff(a)) => diff::run(&a),
        Some(Command::Completions(a)) => completions(&a),
        Some(Command::Man(a)) => man::run(&a),
    }
}

/// `completions SHELL`: the script clap generates from the definitions in `cli`.
fn completions(args: &CompletionsArgs) -> CliResult {
    let mut cmd = <Cli as clap::CommandFactory>::command();
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "sealtoken", &mut out);
    crate::io::write_stdout(&out)?;
    Ok(ExitCode::SUCCESS)
}
