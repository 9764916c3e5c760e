//! `sealtoken reseal`: offline re-encryption for a key rotation. Each file is
//! resealed as a whole or left untouched.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use kubeseal_core::{reseal, Certificate, PrivateKey};

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
    /// Could not be read or written.
    Error(String),
}

pub fn run(args: &ResealArgs) -> CliResult {
    let keys = key_files::load(&args.keys)?;
    let files = input_files(&args.paths)?;
    let single = args.paths.len() == 1 && files.len() == 1 && !args.paths[0].is_dir();
    if !args.in_place && !single {
        bail!("several files to reseal: pass --in-place (or one file, with -w FILE or to stdout)");
    }
    let cert = cert_source::load_cert(&args.cert)?;
    let work = |path: &PathBuf| one_file(&keys, &cert, path, args);
    #[cfg(feature = "parallel")]
    let outcomes: Vec<Outcome> = {
        use rayon::prelude::*;
        files.par_iter().map(work).collect()
    };
    #[cfg(not(feature = "parallel"))]
    let outcomes: Vec<Outcome> = files.iter().map(work).collect();

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
                    eprintln!("sealtoken: {m}");
                }
                eprintln!(
                    "sealtoken: {}: left untouched ({} value(s) did not open; --skip-undecryptable reseals the rest)",
                    path.display(),
                    msgs.len()
                );
            }
            Outcome::Error(m) => {
                errors += 1;
                eprintln!("sealtoken: error: {m}");
            }
        }
    }
    eprintln!(
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
        eprintln!("  old key {}: {what}", short_fingerprint(key));
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

fn short_fingerprint(key: &PrivateKey) -> String {
    let hex = base16ct::lower::encode_string(&key.fingerprint());
    format!("SHA256:{}… ({} bits)", &hex[..16], key.bits())
}

fn one_file(keys: &[PrivateKey], cert: &Certificate, path: &Path, args: &ResealArgs) -> Outcome {
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
        eprintln!("sealtoken: warning: {f} (kept as it was)");
    }
    if done.values == 0 && args.in_place {
        return Outcome::Nothing;
    }
    let written = if args.in_place {
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
        Err(e) => Outcome::Error(format!("{e:#}")),
    }
}

/// The files to reseal: files as given; in directories, `.yaml`, `.yml` and
/// `.json` files mentioning `SealedSecret` (.gitignore honoured), in name order.
fn input_files(paths: &[PathBuf]) -> CliResult<Vec<PathBuf>> {
    let mut files = Vec::new();
    for p in paths {
        if !p.is_dir() {
            if !p.exists() {
                bail!("{}: no such file or directory", p.display());
            }
            files.push(p.clone());
            continue;
        }
        let walk = ignore::WalkBuilder::new(p)
            .hidden(false)
            .require_git(false)
            .filter_entry(|e| e.file_name() != ".git")
            .build();
        let mut found = Vec::new();
        for entry in walk {
            let entry = entry.with_context(|| format!("cannot walk {}", p.display()))?;
            let path = entry.path();
            let manifest = path
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| matches!(e, "yaml" | "yml" | "json"));
            if manifest && entry.file_type().is_some_and(|t| t.is_file()) {
                let text = io::read_limited(path).map_err(|e| {
                    CliError::from(anyhow::anyhow!("cannot read {}: {e}", path.display()))
                })?;
                if text.windows(12).any(|w| w == b"SealedSecret") {
                    found.push(path.to_path_buf());
                }
            }
        }
        found.sort();
        files.extend(found);
    }
    Ok(files)
}
