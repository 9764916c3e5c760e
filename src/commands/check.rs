//! `sealtoken check`: refuse plain Secrets.

use std::path::PathBuf;

use clap::Args;

use crate::CliResult;

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files to check (default: the current tree).
    pub paths: Vec<PathBuf>,
}

pub fn run(_args: &CheckArgs) -> CliResult {
    Err(anyhow::anyhow!("check is not implemented yet").into())
}
