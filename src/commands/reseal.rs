//! `sealtoken reseal`: offline re-encryption for a key rotation. Each file is
//! resealed as a whole or left untouched.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use kubeseal_core::{reseal, Certificate, PrivateKey};

use crate::walk;

use crate::cli::ResealArgs;
use crate::io::{self, Overwrite};
use crate::{cert_source, key_files, CliError, CliResult};

/// What happened to one file.
enum Outcome {
    /// Rewritten (or written to -w / stdout): values resealed, per key.
    Resealed {
        values: usize,
        opened_by: Vec<usize>,
    },
    /// No SealedSecret values in it.
    Nothing,
    /// Left untouched: values that did not open (messages).
    Failed(Vec<String>),
    /// Could not be read, or the output was refused (usage).
    Error(String),
    /// The output could not be written (the operation failed).
    Unwritten(String),
}

pub fn run(args: &ResealArgs) -> CliResult {
    let keys = key_files::load(&args.keys)?;
    let files = input_files(&args.paths)?;
    let single = args.paths.len() == 1 && files.len() == 1 && !args.paths[0].is_dir();
    // No PATH: the tree under the current directory, rewritten in place.
    let in_place = args.in_place || args.paths.is_empty();
    if args.paths.is_empty() && args.output.is_some() {
        bail!("-w writes one file: name it (reseal --key … --cert … FILE -w OUT)");
    }
    if !in_place && !single {
        bail!("several files to reseal: pass --in-place (or one file, with -w FILE or to stdout)");
    }
    let cert = cert_source::load_cert(&args.cert)?;
    let outcomes: Vec<Outcome> = walk::par_map(&files, walk::threads(None), |path| {
        one_file(&keys, &cert, path, in_place, args)
    });

    let mut total = (0usize, 0usize);
    let mut per_key = vec![0usize; keys.len()];
    let (mut failed, mut errors) = (0usize, 0usize);
    for (path, outcome) in files.iter().zip(&outcomes) {
        match outcome {
            Outcome::Resealed { values, opened_by } => {
                total.0 += 1;
                total.1 += values;
                for (sum, n) in per_key.iter_mut().zip(opened_by) {
                    *sum += n;
                }
            }
            Outcome::Nothing => {}
            Outcome::Failed(msgs) => {
                failed += 1;
                for m in msgs {
                    stderrln!("sealtoken: {m}");
                }
                stderrln!(
                    "sealtoken: {}: left untouched ({} value(s) did not open; --skip-undecryptable reseals the rest)",
                    path.display(),
                    msgs.len()
                );
            }
            Outcome::Error(m) => {
                errors += 1;
                stderrln!("sealtoken: error: {m}");
            }
            Outcome::Unwritten(m) => {
                failed += 1;
                stderrln!("sealtoken: error: {m}");
            }
        }
    }
    stderrln!(
        "sealtoken: resealed {} value(s) in {} file(s){}",
        total.1,
        total.0,
        if failed + errors > 0 {
            format!("; {} file(s) left untouched", failed + errors)
        } else {
            String::new()
        }
    );
    for (key, n) in keys.iter().zip(&per_key) {
        let what = if *n == 0 {
            "opened nothing".to_string()
        } else {
            format!("opened {n} value(s)")
        };
        stderrln!("  old key {}: {what}", key_files::short_fingerprint(key));
    }
    if errors > 0 && failed == 0 && total.0 == 0 {
        // Nothing could even be read: an input error.
        return Ok(ExitCode::from(2));
    }
    Ok(if failed + errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn one_file(
    keys: &[PrivateKey],
    cert: &Certificate,
    path: &Path,
    in_place: bool,
    args: &ResealArgs,
) -> Outcome {
    let what = path.display().to_string();
    let input = match io::read_input(path) {
        Ok(b) => b,
        Err(e) => return Outcome::Error(format!("{e:#}")),
    };
    let done = match reseal(keys, cert, &input) {
        Ok(d) => d,
        Err(e) => return Outcome::Error(format!("{what}: {e}")),
    };
    let failures: Vec<String> = done
        .failures
        .iter()
        .map(|f| format!("{what}: {f}"))
        .collect();
    if !failures.is_empty() && !args.skip_undecryptable {
        return Outcome::Failed(failures);
    }
    for f in &failures {
        stderrln!("sealtoken: warning: {f} (kept as it was)");
    }
    if done.values == 0 && in_place {
        return Outcome::Nothing;
    }
    let written = if in_place {
        io::write_atomic(path, &done.output, Overwrite::Replace, None)
    } else if let Some(out) = &args.output {
        let overwrite = if args.force {
            Overwrite::Replace
        } else {
            Overwrite::Refuse
        };
        io::write_atomic(out, &done.output, overwrite, None)
    } else {
        io::write_stdout(&done.output)
    };
    match written {
        Ok(()) => Outcome::Resealed {
            values: done.values,
            opened_by: done.opened_by,
        },
        Err(e) if e.chain().any(|c| c.is::<crate::Failed>()) => {
            Outcome::Unwritten(format!("{e:#}"))
        }
        Err(e) => Outcome::Error(format!("{e:#}")),
    }
}

/// The files to reseal: files as given; in directories (the current one
/// when none is given), the files `check` reads (`.yaml`, `.yml`, `.json`,
/// kustomization files; `.gitignore` honoured, `.git` skipped) that mention
/// `SealedSecret`, in name order.
fn input_files(paths: &[PathBuf]) -> CliResult<Vec<PathBuf>> {
    if let Some(p) = paths.iter().find(|p| !p.exists()) {
        bail!("{}: no such file or directory", p.display());
    }
    let threads = walk::threads(None);
    let (entries, errors) = walk::files(paths, threads, walk::Select::Visible);
    if let Some(e) = errors.into_iter().next() {
        bail!("cannot walk the tree: {}", e.message);
    }
    let mentions = walk::par_map(&entries, threads, |e| {
        if e.named {
            return Ok(true);
        }
        io::read_limited(&e.path)
            .map(|text| text.windows(12).any(|w| w == b"SealedSecret"))
            .map_err(|err| format!("cannot read {}: {err}", e.path.display()))
    });
    let mut files = Vec::new();
    for (e, mentions) in entries.into_iter().zip(mentions) {
        if mentions.map_err(|m| CliError::from(anyhow::anyhow!(m)))? {
            let shown = e.path.strip_prefix(".").unwrap_or(&e.path);
            files.push(shown.to_path_buf());
        }
    }
    Ok(files)
}
