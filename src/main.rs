//! `sealtoken`: a thin command line over `kubeseal-core`.
//!
//! Exit codes (one table for every command: docs/exit-codes.md): 0 success;
//! 1 the operation ran and failed or found problems (a value that does not
//! open, a finding, a refused delivery, a failed write or request); 2 usage
//! or unreadable input.

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
mod receiver_spec;
mod receiver_tree;
mod recovery;
mod redact;
mod repo_clusters;
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
    /// Bad input or usage (exit 2), the common case, unless the error (or a
    /// cause it was given context for) was marked by [`failed`]: exit 1.
    fn from(err: E) -> Self {
        let err = err.into();
        let code = if err.chain().any(|e| e.is::<Failed>()) {
            1
        } else {
            2
        };
        Self { code, err }
    }
}

/// An operation that ran and failed (a write, a network request, a refused
/// delivery): whatever context is added on its way up, the exit code is 1
/// (see the table in docs/exit-codes.md).
#[derive(Debug)]
pub struct Failed(anyhow::Error);

impl std::fmt::Display for Failed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:#}", self.0)
    }
}

impl std::error::Error for Failed {}

/// Marks `err` as an operation that ran and failed (exit 1); its message is unchanged.
pub fn failed(err: impl Into<anyhow::Error>) -> anyhow::Error {
    let err = err.into();
    if err.chain().any(|e| e.is::<Failed>()) {
        return err;
    }
    anyhow::Error::new(Failed(err))
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
