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

mod cert_source;
mod cli;
mod commands;
mod io;

use std::process::ExitCode;

use clap::Parser;

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
    let cli = cli::Cli::parse();
    match commands::run(cli) {
        Ok(code) => code,
        Err(e) => {
            // One line: what and where. `{:#}` joins the context chain.
            eprintln!("sealtoken: error: {:#}", e.err);
            ExitCode::from(e.code)
        }
    }
}
