//! Diagnosing the SealedSecrets of a tree in parallel, shared by `doctor`
//! and `keys`.

use std::path::{Path, PathBuf};

use kubeseal_core::diagnose::{diagnose, Diagnosis, Doctor};
use kubeseal_core::{BackupKey, PrivateKey};
use zeroize::Zeroizing;

use crate::io;
use crate::walk::{self, display_path};

/// One file looked at.
pub struct Scanned {
    /// The file as shown in messages.
    pub display: String,
    /// The diagnosis, or the error message (naming the file).
    pub result: Result<Diagnosis, String>,
}

/// Diagnoses every file of `paths` ([`walk::files`]) in parallel; sorted by path.
pub fn scan(paths: &[PathBuf], jobs: Option<usize>, doctor: &Doctor<'_>) -> Vec<Scanned> {
    let threads = walk::threads(jobs);
    let (entries, errors) = walk::files(paths, threads, walk::Select::Visible);
    let mut results: Vec<Scanned> = errors
        .into_iter()
        .map(|e| Scanned {
            display: ".".to_string(),
            result: Err(format!("cannot walk the tree: {}", e.message)),
        })
        .collect();
    results.extend(
        walk::par_map(&entries, threads, |e| {
            let display = if e.named {
                io::display(&e.path)
            } else {
                display_path(&e.path)
            };
            scan_file(&e.path, display, !e.named, doctor)
        })
        .into_iter()
        .flatten(),
    );
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
