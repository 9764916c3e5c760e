//! File output: atomic writes beside the target, stdin/stdout, private token files.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{anyhow, Context, Result};

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
/// the temporary file is removed and the target is untouched. A symlink is
/// written through (see [`prepare_atomic`]).
pub fn write_atomic(
    path: &Path,
    contents: &[u8],
    overwrite: Overwrite,
    mode: Option<u32>,
) -> Result<()> {
    prepare_atomic(path, contents, overwrite, mode)?.commit()
}

/// A file written to its temporary place, not yet renamed onto its target:
/// [`Prepared::commit`] renames it; dropping it removes it, leaving the
/// target as it was. Used to show a token before the file that seals it
/// lands, and to roll back when showing it fails.
pub struct Prepared {
    tmp: tempfile::NamedTempFile,
    pending: crate::interrupt::Pending,
    path: PathBuf,
    overwrite: Overwrite,
}

impl Prepared {
    /// Renames the temporary file onto the target (with interrupts held off).
    pub fn commit(self) -> Result<()> {
        let Prepared {
            tmp,
            pending,
            path,
            overwrite,
        } = self;
        pending
            .complete(|| {
                if overwrite == Overwrite::Refuse {
                    // Never clobber a file that appeared meanwhile.
                    tmp.persist_noclobber(&path).map(drop)
                } else {
                    tmp.persist(&path).map(drop)
                }
            })
            .map_err(|e| e.error)
            .with_context(|| format!("cannot write {}", path.display()))
            .map_err(crate::failed)
    }
}

/// Everything of [`write_atomic`] but the rename. A symlink being replaced
/// is written through: the temporary file goes beside the link's final
/// target and is renamed onto it, so the link stays and what it points to
/// is updated, provided every hop of the link stays inside the working
/// tree (the Git top level of the current directory, or the current
/// directory outside Git); otherwise it is refused, naming the link.
pub fn prepare_atomic(
    path: &Path,
    contents: &[u8],
    overwrite: Overwrite,
    mode: Option<u32>,
) -> Result<Prepared> {
    let what = path.display();
    // Before the --force hint: --force cannot help here.
    if fs::metadata(path).is_ok_and(|m| m.is_dir()) {
        bail!("cannot write {what}: it is a directory; name a file");
    }
    if overwrite == Overwrite::Refuse && fs::symlink_metadata(path).is_ok() {
        bail!("{what} already exists; pass --force to replace it");
    }
    if fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        let target = link_target_in_tree(path)?;
        return prepare_atomic(&target, contents, overwrite, mode);
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
            .with_context(|| format!("cannot write {what}: cannot create {}", dir.display()))
            .map_err(crate::failed)?;
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
    })
    .map_err(crate::failed)?;
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
            .with_context(|| format!("cannot write {what}"))
            .map_err(crate::failed)?;
    }
    #[cfg(not(unix))]
    let _ = mode;
    tmp.write_all(contents)
        .and_then(|()| tmp.as_file().sync_all())
        .with_context(|| format!("cannot write {what}"))
        .map_err(crate::failed)?;
    Ok(Prepared {
        tmp,
        pending,
        path: path.to_path_buf(),
        overwrite,
    })
}

/// The final target of a symlink, followed hop by hop; refused (naming the
/// link) when a hop leaves the working tree, dangles or loops.
fn link_target_in_tree(link: &Path) -> Result<PathBuf> {
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    let tree = crate::paths::git_top_level(&cwd).unwrap_or(cwd.clone());
    let tree = fs::canonicalize(&tree).unwrap_or(tree);
    let shown = link.display();
    let mut cur = if link.is_absolute() {
        link.to_path_buf()
    } else {
        cwd.join(link)
    };
    for _ in 0..40 {
        let Ok(meta) = fs::symlink_metadata(&cur) else {
            // The last hop names a file that does not exist yet: it is created.
            return Ok(cur);
        };
        if !meta.file_type().is_symlink() {
            return Ok(cur);
        }
        let next =
            fs::read_link(&cur).with_context(|| format!("cannot read the symlink {shown}"))?;
        let parent = cur.parent().map(Path::to_path_buf).unwrap_or_default();
        let parent = fs::canonicalize(&parent)
            .with_context(|| format!("{shown} is a dangling symlink; not replaced"))?;
        cur = crate::paths::normalize(&parent.join(next));
        if !cur.starts_with(&tree) {
            bail!(
                "{shown} is a symlink to {}, outside the working tree {}; not replaced \
                 (write to the target itself)",
                cur.display(),
                tree.display()
            );
        }
    }
    bail!("{shown}: too many levels of symlinks; not replaced")
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
        return Err(e)
            .with_context(|| format!("cannot write {what}"))
            .map_err(crate::failed);
    }
    pending.complete(|| ());
    Ok(())
}

/// Writes to stderr, ignoring a failure: a full disk, a closed or broken
/// stderr never panics and never changes what the operation did.
/// Every message is escaped for a terminal (its line breaks and tabs
/// kept): a name, path, URL or server answer in it cannot drive the terminal.
pub fn write_stderr(args: std::fmt::Arguments<'_>) {
    let text = args.to_string();
    let shown = k8s_manifest::escape::lines(&text);
    let mut err = io::stderr().lock();
    let _ = err.write_all(shown.as_bytes()).and_then(|()| err.flush());
}

/// A JSON document on stdout, escaped for a terminal
/// ([`escape::json_document`](k8s_manifest::escape::json_document): it
/// reads back the same); a closed pipe is not an error.
pub fn write_stdout_json(json: &str) -> Result<()> {
    write_stdout(k8s_manifest::escape::json_document(json).as_bytes())
}

/// A text report (not a manifest) on stdout, escaped for a terminal as
/// [`write_stderr`] escapes messages; a closed pipe is not an error.
pub fn write_stdout_text(text: &str) -> Result<()> {
    write_stdout(k8s_manifest::escape::lines(text).as_bytes())
}

/// Which of stdin, stdout and stderr were closed when the program started
/// (then reopened on `/dev/null`, see [`guard_stdio`]).
static CLOSED_AT_START: std::sync::OnceLock<[bool; 3]> = std::sync::OnceLock::new();

/// Notes which of descriptors 0, 1 and 2 were closed when the program
/// started. With stdout closed (`>&-`), the next file opened would get
/// descriptor 1 and receive what is printed, a token included: Rust's
/// runtime reopens a closed one on `/dev/null`, read-write, before `main`.
/// A stream that is `/dev/null` opened read-write is taken for one that was
/// closed (a shell's `>/dev/null` opens it write-only): a token or
/// plaintext is never "shown" there ([`write_stdout_secret`],
/// [`write_stderr_secret`] fail).
pub fn guard_stdio() {
    #[cfg(unix)]
    let closed = {
        use std::os::unix::fs::MetadataExt;
        let null = fs::metadata("/dev/null").ok().map(|m| m.rdev());
        let reopened = |fd: std::os::fd::BorrowedFd<'_>| {
            let is_null = rustix::fs::fstat(fd).is_ok_and(|st| {
                rustix::fs::FileType::from_raw_mode(st.st_mode)
                    == rustix::fs::FileType::CharacterDevice
                    && null == Some(st.st_rdev)
            });
            is_null
                && rustix::fs::fcntl_getfl(fd)
                    .is_ok_and(|fl| fl & rustix::fs::OFlags::ACCMODE == rustix::fs::OFlags::RDWR)
        };
        use std::os::fd::AsFd;
        [
            reopened(io::stdin().as_fd()),
            reopened(io::stdout().as_fd()),
            reopened(io::stderr().as_fd()),
        ]
    };
    #[cfg(not(unix))]
    let closed = [false; 3];
    let _ = CLOSED_AT_START.set(closed);
}

fn closed_at_start(fd: usize) -> bool {
    CLOSED_AT_START
        .get()
        .and_then(|c| c.get(fd).copied())
        .unwrap_or(false)
}

/// Writes text that carries a token or plaintext to stdout. Any failure is
/// an error, a closed pipe and a stdout closed at start-up included: the
/// caller rolls back what the token was for.
pub fn write_stdout_secret(contents: &[u8]) -> Result<()> {
    write_secret(1, "stdout", io::stdout().lock(), contents)
}

/// Writes text that carries a token to stderr. Any failure is an error (see
/// [`write_stdout_secret`]).
pub fn write_stderr_secret(contents: &[u8]) -> Result<()> {
    write_secret(2, "stderr", io::stderr().lock(), contents)
}

fn write_secret(fd: usize, name: &str, mut stream: impl Write, contents: &[u8]) -> Result<()> {
    if closed_at_start(fd) {
        return Err(crate::failed(anyhow!(
            "cannot write to {name}: it was closed"
        )));
    }
    stream
        .write_all(contents)
        .and_then(|()| stream.flush())
        .with_context(|| format!("cannot write to {name}"))
        .map_err(crate::failed)
}

/// Writes to stdout; a closed pipe (e.g. `| head`) is not an error, as in
/// ripgrep: for output that carries no secret.
pub fn write_stdout(contents: &[u8]) -> Result<()> {
    let mut out = io::stdout().lock();
    match out.write_all(contents).and_then(|()| out.flush()) {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other
            .context("cannot write to stdout")
            .map_err(crate::failed),
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
