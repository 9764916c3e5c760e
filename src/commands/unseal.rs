//! `sealtoken unseal` (and `seal --recovery-unseal`): recovery with the
//! controller's private keys.

use std::path::PathBuf;

use crate::cli::UnsealArgs;
use crate::io::Overwrite;
use crate::recovery::recover;
use crate::{key_files, CliResult};

pub fn run(args: &UnsealArgs) -> CliResult {
    if let Some(ns) = &args.namespace {
        crate::args::namespace("-n/--namespace", ns)?;
    }
    let keys = key_files::load(&args.keys)?;
    let overwrite = if args.force {
        Overwrite::Replace
    } else {
        Overwrite::Refuse
    };
    let input = args.input.clone().unwrap_or_else(|| PathBuf::from("-"));
    recover(
        &keys,
        &input,
        args.namespace.as_deref(),
        args.format.into(),
        args.output.as_deref(),
        overwrite,
    )
}
