//! Private keys for unsealing, from files and folders: `unseal --key` and
//! kubeseal's `--recovery-private-key`.
//!
//! Each path is a PEM file, a key Secret, several of them or the `List` that
//! upstream's backup procedure writes (see `kubeseal_core::read_key_backup`),
//! or a folder holding such files (e.g. a folder of backups, or the key
//! Secret mounted as a volume: `tls.key` beside `tls.crt`).

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use kubeseal_core::{read_key_backup, BackupKey, PrivateKey};
use zeroize::Zeroizing;

use crate::io;

/// Every key in `paths`, in order, each key once (two backups of the same
/// key have the same public-key fingerprint). Fails when a file is
/// unreadable or holds a damaged key, or when no key is found at all.
pub fn load(paths: &[PathBuf]) -> Result<Vec<PrivateKey>> {
    Ok(load_backups(paths)?
        .into_iter()
        .map(|(_, k)| k.into_key())
        .collect())
}

/// [`load`] with what the backups say about each key (its Secret's name and
/// certificate), and the file each key was first found in.
pub fn load_backups(paths: &[PathBuf]) -> Result<Vec<(String, BackupKey)>> {
    let mut keys = Vec::new();
    for path in paths {
        if path != Path::new("-") && fs::metadata(path).is_ok_and(|m| m.is_dir()) {
            load_dir(path, &mut keys)?;
        } else {
            load_file(path, &mut keys)?;
        }
    }
    let mut seen = HashSet::new();
    keys.retain(|(_, k): &(String, BackupKey)| seen.insert(k.key().fingerprint()));
    if keys.is_empty() {
        bail!("no private key found in {}", list(paths));
    }
    Ok(keys)
}

fn load_file(path: &Path, keys: &mut Vec<(String, BackupKey)>) -> Result<()> {
    let bytes = Zeroizing::new(io::read_input(path)?);
    let found = read_key_backup(&bytes).with_context(|| io::display(path))?;
    keys.extend(found.into_iter().map(|k| (io::display(path), k)));
    Ok(())
}

/// The regular files of a folder (symbolic links followed, names starting
/// with `.` skipped), in name order. Files that hold no key and are no key
/// backup either (a certificate, notes) are skipped with a note.
fn load_dir(dir: &Path, keys: &mut Vec<(String, BackupKey)>) -> Result<()> {
    let what = dir.display();
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .with_context(|| format!("cannot read the folder {what}"))?
        .map(|e| e.map(|e| e.path()))
        .collect::<std::io::Result<_>>()
        .with_context(|| format!("cannot read the folder {what}"))?;
    files.retain(|p| {
        let hidden = p
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'));
        !hidden && fs::metadata(p).is_ok_and(|m| m.is_file())
    });
    files.sort();
    for file in files {
        let bytes = Zeroizing::new(io::read_input(&file)?);
        match read_key_backup(&bytes) {
            Ok(found) => keys.extend(found.into_iter().map(|k| (file.display().to_string(), k))),
            Err(e) if e.is_not_a_key() => {
                stderrln!(
                    "sealtoken: note: skipping {}: no private key in it",
                    file.display()
                );
            }
            Err(e) => return Err(e).with_context(|| file.display().to_string()),
        }
    }
    Ok(())
}

fn list(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|p| io::display(p))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A key as messages name it: `SHA256:` and the first 16 hex digits of its
/// fingerprint, and its size (`SHA256:8fe6a236f91b26e4… (4096 bits)`).
pub fn short_fingerprint(key: &kubeseal_core::PrivateKey) -> String {
    let hex = base16ct::lower::encode_string(&key.fingerprint());
    format!("SHA256:{}… ({} bits)", &hex[..16], key.bits())
}
