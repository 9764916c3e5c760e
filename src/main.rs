//! `sealtoken`: a thin command line over `kubeseal-core`.
//!
//! Exit codes: 0 success; 1 a check found plain Secrets, or an operation
//! failed (decryption, writing); 2 usage or input error.

#![forbid(unsafe_code)]

/// Like `anyhow::bail!`, for functions returning either `anyhow::Result` or `CliResult`.
macro_rules! bail {
    ($($t:tt)*) => {
        return Err(anyhow::anyhow!($($t)*).into())
    };
}

/// `eprint!` that survives a full or closed stderr: the message is dropped
/// and the operation goes on, keeping its exit code and its output (a
/// warning that cannot be shown never costs a token or a file).
macro_rules! stderr {
    ($($t:tt)*) => {
        $crate::io::write_stderr(format_args!($($t)*))
    };
}

/// `eprintln!` that survives a full or closed stderr (see [`stderr!`]).
macro_rules! stderrln {
    () => {
        $crate::io::write_stderr(format_args!("\n"))
    };
    ($($t:tt)*) => {
        $crate::io::write_stderr(format_args!("{}\n", format_args!($($t)*)))
    };
}

mod args;
mod cert_source;
mod cli;
mod commands;
mod config;
mod controller;
mod diagnosis;
mod interrupt;
mod io;
mod key_files;
mod kube_access;
mod paths;
mod receiver_tree;
mod recovery;
mod redact;
mod report;
mod token_input;
mod version;
mod walk;

use std::ffi::OsString;
use std::process::ExitCode;

/// An error with its exit code.
#[derive(Debug)]
pub struct CliError {
    code: u8,
    err: anyhow::Error,
}

impl CliError {
    /// An operation that failed (exit 1).
    pub fn failed(err: impl Into<anyhow::Error>) -> Self {
        Self {
            code: 1,
            err: err.into(),
        }
    }
}

impl<E: Into<anyhow::Error>> From<E> for CliError {
    /// Bad input or usage (exit 2), the common case.
    fn from(err: E) -> Self {
        Self {
            code: 2,
            err: err.into(),
        }
    }
}

pub type CliResult<T = ExitCode> = Result<T, CliError>;

fn main() -> ExitCode {
    io::guard_stdio();
    interrupt::install();
    let args: Vec<OsString> = std::env::args_os().collect();
    let personality = cli::Personality::of(args.first().map(OsString::as_os_str));
    let result = match cli::parse(personality, args) {
        cli::Parsed::Kubeseal(seal) => commands::seal(&seal),
        cli::Parsed::KubesealVersion => io::write_stdout(version::kubeseal().as_bytes())
            .map(|()| ExitCode::SUCCESS)
            .map_err(CliError::failed),
        cli::Parsed::Sealtoken(cli) => commands::run(*cli),
    };
    match result {
        Ok(code) => code,
        // As kubeseal reports every error after its flags were read: `error: …`, exit 1.
        Err(e) if personality == cli::Personality::Kubeseal => {
            stderrln!("error: {:#}", e.err);
            ExitCode::from(1)
        }
        Err(e) => {
            // One line: what and where. `{:#}` joins the context chain.
            stderrln!("sealtoken: error: {:#}", e.err);
            ExitCode::from(e.code)
        }
    }
}
