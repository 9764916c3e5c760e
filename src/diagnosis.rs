//! Diagnosing the SealedSecrets of a tree in parallel, shared by `doctor`
//! and `keys`.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use kubeseal_core::diagnose::{diagnose, Diagnosis, Doctor};
use kubeseal_core::{BackupKey, PrivateKey};
use zeroize::Zeroizing;

use crate::io;
use crate::walk::{display_path, is_manifest_name};

/// One file looked at.
pub struct Scanned {
    /// The file as shown in messages.
    pub display: String,
    /// The diagnosis, or the error message (naming the file).
    pub result: Result<Diagnosis, String>,
}

/// Diagnoses every file of `paths` in parallel; sorted by path.
pub fn scan(paths: &[PathBuf], jobs: Option<usize>, doctor: &Doctor<'_>) -> Vec<Scanned> {
    let threads = jobs
        .filter(|n| *n > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let results = Mutex::new(Vec::new());
    let push = |s: Scanned| results.lock().unwrap_or_else(|e| e.into_inner()).push(s);
    let mut files = Vec::new();
    let mut dirs = Vec::new();
    if paths.is_empty() {
        dirs.push(PathBuf::from("."));
    }
    for p in paths {
        if p != Path::new("-") && p.is_dir() {
            dirs.push(p.clone());
        } else {
            files.push(p.clone());
        }
    }
    if !dirs.is_empty() {
        io::walker(&dirs, threads).run(|| {
            Box::new(|entry| {
                match entry {
                    Err(e) => push(Scanned {
                        display: ".".to_string(),
                        result: Err(format!("cannot walk the tree: {e}")),
                    }),
                    Ok(entry) => {
                        let path = entry.path();
                        if entry.file_type().is_some_and(|t| t.is_file()) && is_manifest_name(path)
                        {
                            if let Some(s) = scan_file(path, display_path(path), true, doctor) {
                                push(s);
                            }
                        }
                    }
                }
                ignore::WalkState::Continue
            })
        });
    }
    let next = AtomicUsize::new(0);
    let work = || loop {
        let i = next.fetch_add(1, Ordering::Relaxed);
        let Some(path) = files.get(i) else { break };
        if let Some(s) = scan_file(path, io::display(path), false, doctor) {
            push(s);
        }
    };
    std::thread::scope(|s| {
        for _ in 0..threads.min(files.len()).max(1) {
            s.spawn(work);
        }
    });
    let mut results = results.into_inner().unwrap_or_else(|e| e.into_inner());
    results.sort_by(|a, b| a.display.cmp(&b.display));
    results
}

/// A walked file that is not YAML and does not mention SealedSecret (a Helm
/// template, say) is skipped; a named file is always reported.
fn scan_file(path: &Path, display: String, walked: bool, doctor: &Doctor<'_>) -> Option<Scanned> {
    let bytes = match io::read_input(path) {
        Ok(b) => Zeroizing::new(b),
        Err(e) => {
            return Some(Scanned {
                display,
                result: Err(format!("{e:#}")),
            })
        }
    };
    let result = match diagnose(doctor, &bytes) {
        Ok(d) if walked && d.sealed_secrets() == 0 => return None,
        Ok(d) => Ok(d),
        Err(_) if walked && !mentions_sealed_secret(&bytes) => return None,
        Err(e) => Err(format!("{display}: {e}")),
    };
    Some(Scanned { display, result })
}

fn mentions_sealed_secret(bytes: &[u8]) -> bool {
    bytes.windows(12).any(|w| w == b"SealedSecret")
}

/// Keys as the private keys of `keys` (for [`Doctor::keys`]).
pub fn private_keys(keys: &[(String, BackupKey)]) -> impl Iterator<Item = &PrivateKey> {
    keys.iter().map(|(_, k)| k.key())
}
