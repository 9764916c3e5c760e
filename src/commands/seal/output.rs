//! Where `seal`'s output goes, and in which format: shared by sealing and
//! kubeseal's other modes.

use std::path::Path;

use kubeseal_core::Format;

use crate::cli::SealArgs;
use crate::io::{self, Overwrite};
use crate::{CliError, CliResult};

/// kubeseal's rule (`main.go`): a -w path ending in .yaml/.yml gives YAML,
/// whatever -o says; else -o; else JSON.
pub fn output_format(args: &SealArgs, target: Option<&Path>) -> Format {
    match target.and_then(Path::extension).and_then(|e| e.to_str()) {
        Some("yaml" | "yml") => Format::Yaml,
        _ => args.format.map_or(Format::Json, Format::from),
    }
}

/// Writes the sealed output to `-w` (atomically) or stdout.
pub fn write_output(target: Option<&Path>, bytes: &[u8]) -> CliResult<()> {
    match target {
        // kubeseal replaces the -w target atomically; so do we.
        Some(p) => io::write_atomic(p, bytes, Overwrite::Replace, None).map_err(CliError::failed),
        None => io::write_stdout(bytes).map_err(CliError::failed),
    }
}
