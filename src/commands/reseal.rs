//! `sealtoken reseal`: offline re-encryption for a key rotation. Each file is
//! resealed as a whole or left untouched.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use std::sync::Mutex;

use kubeseal_core::{reseal, Certificate, PrivateKey};

use crate::walk::is_manifest_name;

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
    // No PATH: the tree under the current directory, rewritten in place.
    let in_place = args.in_place || args.paths.is_empty();
    if args.paths.is_empty() && args.output.is_some() {
        bail!("-w writes one file: name it (reseal --key … --cert … FILE -w OUT)");
    }
    if !in_place && !single {
        bail!("several files to reseal: pass --in-place (or one file, with -w FILE or to stdout)");
    }
    let cert = cert_source::load_cert(&args.cert)?;
    let work = |path: &PathBuf| one_file(&keys, &cert, path, in_place, args);
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
        eprintln!("sealtoken: warning: {f} (kept as it was)");
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
        Err(e) => Outcome::Error(format!("{e:#}")),
    }
}

/// The files to reseal: files as given; in directories (the current one
/// when none is given), the files `check` reads (`.yaml`, `.yml`, `.json`,
/// kustomization files; `.gitignore` honoured, `.git` skipped) that mention
/// `SealedSecret`, in name order.
fn input_files(paths: &[PathBuf]) -> CliResult<Vec<PathBuf>> {
    let mut files = Vec::new();
    let mut dirs = Vec::new();
    if paths.is_empty() {
        dirs.push(PathBuf::from("."));
    }
    for p in paths {
        if p.is_dir() {
            dirs.push(p.clone());
        } else if p.exists() {
            files.push(p.clone());
        } else {
            bail!("{}: no such file or directory", p.display());
        }
    }
    if dirs.is_empty() {
        return Ok(files);
    }
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let found: Mutex<Vec<Result<PathBuf, String>>> = Mutex::new(Vec::new());
    let push = |r| found.lock().unwrap_or_else(|e| e.into_inner()).push(r);
    io::walker(&dirs, threads).run(|| {
        Box::new(|entry| {
            match entry {
                Err(e) => push(Err(format!("cannot walk the tree: {e}"))),
                Ok(entry) => {
                    let path = entry.path();
                    if entry.file_type().is_some_and(|t| t.is_file()) && is_manifest_name(path) {
                        match io::read_limited(path) {
                            Ok(text) if text.windows(12).any(|w| w == b"SealedSecret") => {
                                let shown = path.strip_prefix(".").unwrap_or(path);
                                push(Ok(shown.to_path_buf()));
                            }
                            Ok(_) => {}
                            Err(e) => push(Err(format!("cannot read {}: {e}", path.display()))),
                        }
                    }
                }
            }
            ignore::WalkState::Continue
        })
    });
    let mut found: Vec<PathBuf> = found
        .into_inner()
        .unwrap_or_else(|e| e.into_inner())
        .into_iter()
        .collect::<Result<_, String>>()
        .map_err(|e| CliError::from(anyhow::anyhow!(e)))?;
    found.sort();
    files.extend(found);
    Ok(files)
}
