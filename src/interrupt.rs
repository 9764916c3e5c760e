//! Interrupts (SIGINT, SIGTERM, SIGHUP) leave no file half written.
//!
//! Every file being written is registered here while it is incomplete: the
//! temporary file of an atomic write, or a new file created in place. On a
//! signal, a watcher thread removes every registered file and then ends the
//! process as the signal would have. The rename that completes an atomic write
//! runs under the same lock, so an interrupt finds either the temporary file
//! (removed; the target untouched) or the finished target (kept), never a mix.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};

/// Files to remove if the process is interrupted now.
static PENDING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn pending() -> MutexGuard<'static, Vec<PathBuf>> {
    PENDING.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Live [`Hold`]s: while any exists, a signal is only recorded.
static HELD: AtomicUsize = AtomicUsize::new(0);
/// A signal arrived while held.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Defers interrupts while it lives: a signal is recorded (see
/// [`Hold::interrupted`]) instead of ending the process, so that the holder
/// can clean up first (`edit` wipes its plaintext file after the editor).
#[derive(Debug)]
pub struct Hold(());

/// Starts deferring interrupts until the returned guard is dropped.
pub fn hold() -> Hold {
    HELD.fetch_add(1, Ordering::SeqCst);
    Hold(())
}

impl Hold {
    /// Whether a signal arrived since interrupts were first held.
    pub fn interrupted(&self) -> bool {
        INTERRUPTED.load(Ordering::SeqCst)
    }
}

impl Drop for Hold {
    fn drop(&mut self) {
        HELD.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Starts the watcher thread. Called once, first thing in `main`.
pub fn install() {
    #[cfg(unix)]
    {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
            return;
        };
        let _ = std::thread::Builder::new()
            .name("interrupt".into())
            .spawn(move || {
                for signal in signals.forever() {
                    if HELD.load(Ordering::SeqCst) > 0 {
                        INTERRUPTED.store(true, Ordering::SeqCst);
                        continue;
                    }
                    // The lock is kept until the process ends: no write can
                    // complete (or start) after the files are removed.
                    let mut files = pending();
                    for f in files.drain(..) {
                        let _ = std::fs::remove_file(&f);
                    }
                    let _ = signal_hook::low_level::emulate_default_handler(signal);
                    std::process::exit(128 + signal);
                }
            });
    }
}

/// A registered incomplete file: removed on an interrupt until it is
/// [completed](Pending::complete) or dropped.
#[derive(Debug)]
pub struct Pending {
    path: PathBuf,
}

impl Pending {
    /// Runs `create` (which makes a file and returns it) and registers the
    /// file at `path_of(&created)`, with interrupts held off in between, so
    /// that no created file escapes registration.
    pub fn create<T>(
        create: impl FnOnce() -> io::Result<T>,
        path_of: impl FnOnce(&T) -> PathBuf,
    ) -> io::Result<(T, Pending)> {
        let mut files = pending();
        let created = create()?;
        let path = path_of(&created);
        files.push(path.clone());
        Ok((created, Pending { path }))
    }

    /// Runs `finish` (the rename onto the target, or the last write) with
    /// interrupts held off, then forgets the file: from now on it stays.
    pub fn complete<T>(self, finish: impl FnOnce() -> T) -> T {
        let mut files = pending();
        let out = finish();
        forget(&mut files, &self.path);
        out
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        forget(&mut pending(), &self.path);
    }
}

fn forget(files: &mut Vec<PathBuf>, path: &Path) {
    if let Some(i) = files.iter().rposition(|p| p == path) {
        files.swap_remove(i);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registered_until_completed_or_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a");
        let b = dir.path().join("b");
        let registered = |p: &Path| pending().iter().any(|q| q == p);
        let (_, pa) = Pending::create(
            || std::fs::write(&a, b"x").map(|()| a.clone()),
            PathBuf::clone,
        )
        .unwrap();
        let (_, pb) = Pending::create(
            || std::fs::write(&b, b"y").map(|()| b.clone()),
            PathBuf::clone,
        )
        .unwrap();
        assert!(registered(&a) && registered(&b));
        assert_eq!(pa.complete(|| 7), 7);
        assert!(!registered(&a) && registered(&b));
        drop(pb);
        assert!(!registered(&b));
    }
}
