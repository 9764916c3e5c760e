//! File output: atomic writes beside the target, stdin/stdout, private token files.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::interrupt::Pending;

/// Largest input read from a file or stdin (manifests are small; this bounds memory).
pub const MAX_INPUT: u64 = 64 * 1024 * 1024;

/// Reads a whole file, or stdin for `-`, refusing inputs over [`MAX_INPUT`].
pub fn read_input(path: &Path) -> Result<Vec<u8>> {
    let what = display(path);
    let mut buf = Vec::new();
    let n = if path == Path::new("-") {
        io::stdin().lock().take(MAX_INPUT + 1).read_to_end(&mut buf)
    } else {
        let file = File::open(path).with_context(|| format!("cannot read {what}"))?;
        read_file(file, &mut buf)
    }
    .with_context(|| format!("cannot read {what}"))?;
    if n as u64 > MAX_INPUT {
        bail!("{what} {}", too_large());
    }
    Ok(buf)
}

/// Reads a whole file like [`read_input`], keeping the I/O error (its kind
/// tells a missing file from an unreadable one); a file over [`MAX_INPUT`] is
/// an error of kind `FileTooLarge`.
pub fn read_limited(path: &Path) -> io::Result<Vec<u8>> {
    let mut buf = Vec::new();
    if read_file(File::open(path)?, &mut buf)? as u64 > MAX_INPUT {
        return Err(io::Error::new(io::ErrorKind::FileTooLarge, too_large()));
    }
    Ok(buf)
}

/// Reads at most [`MAX_INPUT`] + 1 bytes, with the buffer sized up front
/// (one read instead of a doubling series).
fn read_file(file: File, buf: &mut Vec<u8>) -> io::Result<usize> {
    if let Ok(meta) = file.metadata() {
        buf.reserve_exact(meta.len().min(MAX_INPUT) as usize + 1);
    }
    file.take(MAX_INPUT + 1).read_to_end(buf)
}

fn too_large() -> String {
    format!(
        "is larger than {} MiB; refusing to read it",
        MAX_INPUT / 1024 / 1024
    )
}

/// A name for messages: `stdin` for `-`.
pub fn display(path: &Path) -> String {
    if path == Path::new("-") {
        "stdin".to_string()
    } else {
        path.display().to_string()
    }
}

/// What to do when the target exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overwrite {
    /// Refuse (the default for files we create).
    Refuse,
    /// Replace atomically.
    Replace,
}

/// Writes `contents` to `path` atomically: a temporary file in the same
/// directory, flushed and synced, then renamed over the target. On any error
/// the temporary file is removed and the target is untouched.
pub fn write_atomic(
    path: &Path,
    contents: &[u8],
    overwrite: Overwrite,
    mode: Option<u32>,
) -> Result<()> {
    let what = path.display();
    if overwrite == Overwrite::Refuse && fs::symlink_metadata(path).is_ok() {
        bail!("{what} already exists; pass --force to replace it");
    }
    // Renaming over a device, FIFO or directory would replace it by a plain
    // file (as root, `-w /dev/full` replaced the device node).
    if fs::metadata(path).is_ok_and(|m| !m.is_file()) {
        bail!("cannot write {what}: not a regular file");
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    // A missing parent folder is created (as `--receiver-manifests` does),
    // so that `-w clusters/prod/x.sealed.yaml` works in a fresh checkout.
    if !dir.exists() {
        fs::create_dir_all(&dir)
            .with_context(|| format!("cannot write {what}: cannot create {}", dir.display()))?;
    }
    let prefix = format!(
        ".{}.",
        path.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    );
    let (mut tmp, pending) = Pending::create(
        || {
            tempfile::Builder::new()
                .prefix(&prefix)
                .suffix(".tmp")
                .tempfile_in(&dir)
        },
        |t| t.path().to_path_buf(),
    )
    .with_context(|| {
        format!(
            "cannot write {what}: cannot create a temporary file in {}",
            dir.display()
        )
    })?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = match mode {
            Some(m) => m,
            // Keep an existing file's permissions; else the usual 0644 (less umask is not applied to tempfiles).
            None => fs::metadata(path)
                .map(|m| m.permissions().mode() & 0o7777)
                .unwrap_or(0o644),
        };
        tmp.as_file()
            .set_permissions(fs::Permissions::from_mode(mode))
            .with_context(|| format!("cannot write {what}"))?;
    }
    #[cfg(not(unix))]
    let _ = mode;
    tmp.write_all(contents)
        .and_then(|()| tmp.as_file().sync_all())
        .with_context(|| format!("cannot write {what}"))?;
    // The rename, with interrupts held off (see `interrupt`).
    pending
        .complete(|| {
            if overwrite == Overwrite::Refuse {
                // Never clobber a file that appeared meanwhile.
                tmp.persist_noclobber(path).map(drop)
            } else {
                tmp.persist(path).map(drop)
            }
        })
        .map_err(|e| e.error)
        .with_context(|| format!("cannot write {what}"))?;
    Ok(())
}

/// Creates a new file readable only by its owner (0600) holding `contents`.
/// Refuses to replace an existing file.
pub fn write_private_new(path: &Path, contents: &[u8]) -> Result<()> {
    let what = path.display();
    let mut opts = OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    // Registered once created (never before: an existing file is not ours to
    // remove), until fully written: an interrupt removes a partial file.
    let (mut f, pending) = Pending::create(|| opts.open(path), |_| path.to_path_buf())
        .with_context(|| {
            if path.exists() {
                format!("{what} already exists; refusing to replace a token file")
            } else {
                format!("cannot create {what}")
            }
        })?;
    if let Err(e) = f.write_all(contents).and_then(|()| f.sync_all()) {
        drop(f);
        let _ = fs::remove_file(path);
        return Err(e).with_context(|| format!("cannot write {what}"));
    }
    pending.complete(|| ());
    Ok(())
}

/// Writes to stdout; a closed pipe (e.g. `| head`) is not an error.
pub fn write_stdout(contents: &[u8]) -> Result<()> {
    let mut out = io::stdout().lock();
    match out.write_all(contents).and_then(|()| out.flush()) {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other.context("cannot write to stdout"),
    }
}

/// A parallel walk of `dirs` (at least one), for [`crate::walk`]: hidden
/// files included, `.git` skipped, and ignore files (`.gitignore` even
/// outside a Git repository, `.ignore`, global excludes) honoured unless
/// `all`.
pub fn walker(dirs: &[std::path::PathBuf], threads: usize, all: bool) -> ignore::WalkParallel {
    let mut builder = ignore::WalkBuilder::new(&dirs[0]);
    for d in &dirs[1..] {
        builder.add(d);
    }
    builder
        .require_git(false)
        .standard_filters(!all)
        .hidden(false)
        .threads(threads)
        .filter_entry(|e| e.file_name() != ".git");
    builder.build_parallel()
}
