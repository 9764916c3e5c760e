//! The one walk of the commands that read a tree (`check`, `doctor`, `keys`,
//! `reseal`, `receivers`), and the one way they spread files over threads:
//! which files they read, in which order, and how a walked path is shown.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// A file to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The path (`-` for stdin).
    pub path: PathBuf,
    /// Given by name (always read, whatever its name), not met while walking.
    pub named: bool,
}

/// A directory entry the walk could not read.
#[derive(Debug)]
pub struct WalkError {
    /// Where, when the walker knows.
    pub path: Option<PathBuf>,
    /// What went wrong.
    pub message: String,
}

/// The files of `paths`: each file as given (`-` included), then every
/// manifest ([`is_manifest_name`]) under each directory, in path order
/// (`.gitignore` honoured even outside Git, hidden files included, `.git`
/// skipped); no path means the current directory. Directories are walked on
/// `threads` threads; what could not be read is returned beside.
pub fn files(paths: &[PathBuf], threads: usize) -> (Vec<Entry>, Vec<WalkError>) {
    let mut named = Vec::new();
    let mut dirs = Vec::new();
    if paths.is_empty() {
        dirs.push(PathBuf::from("."));
    }
    for p in paths {
        if p != Path::new("-") && p.is_dir() {
            dirs.push(p.clone());
        } else {
            named.push(Entry {
                path: p.clone(),
                named: true,
            });
        }
    }
    if dirs.is_empty() {
        return (named, Vec::new());
    }
    let found = Mutex::new(Vec::new());
    let errors = Mutex::new(Vec::new());
    crate::io::walker(&dirs, threads).run(|| {
        Box::new(|entry| {
            match entry {
                Ok(e) => {
                    if e.file_type().is_some_and(|t| t.is_file()) && is_manifest_name(e.path()) {
                        lock(&found).push(e.into_path());
                    }
                }
                Err(e) => lock(&errors).push(WalkError {
                    path: error_path(&e).map(Path::to_path_buf),
                    message: e.to_string(),
                }),
            }
            ignore::WalkState::Continue
        })
    });
    let mut found = found.into_inner().unwrap_or_else(|e| e.into_inner());
    found.sort();
    named.extend(found.into_iter().map(|path| Entry { path, named: false }));
    let errors = errors.into_inner().unwrap_or_else(|e| e.into_inner());
    (named, errors)
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn error_path(e: &ignore::Error) -> Option<&Path> {
    match e {
        ignore::Error::WithPath { path, .. } => Some(path),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        _ => None,
    }
}

/// `f` of each item on `threads` threads (rayon, with feature `parallel`;
/// one after another without it), results in the items' order.
pub fn par_map<T: Sync, R: Send>(
    items: &[T],
    threads: usize,
    f: impl Fn(&T) -> R + Sync + Send,
) -> Vec<R> {
    #[cfg(feature = "parallel")]
    if threads > 1 && items.len() > 1 {
        use rayon::prelude::*;
        if let Ok(pool) = rayon::ThreadPoolBuilder::new()
            .num_threads(threads.min(items.len()))
            .build()
        {
            return pool.install(|| items.par_iter().map(&f).collect());
        }
    }
    #[cfg(not(feature = "parallel"))]
    let _ = threads;
    items.iter().map(f).collect()
}

/// `--jobs N` (0 or none: one thread per CPU).
pub fn threads(jobs: Option<usize>) -> usize {
    jobs.filter(|n| *n > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// Whether a file met while walking is one the commands read: YAML, JSON
/// or a kustomization.
pub fn is_manifest_name(path: &Path) -> bool {
    if path
        .file_name()
        .and_then(|n| n.to_str())
        .is_some_and(k8s_manifest::is_kustomization_file)
    {
        return true;
    }
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "yaml" | "yml" | "json"))
}

/// A walked path as shown in messages (without the leading `./`).
pub fn display_path(path: &Path) -> String {
    path.strip_prefix(".").unwrap_or(path).display().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_files_first_then_walked_manifests_in_order() {
        let d = tempfile::tempdir().unwrap();
        for f in [
            "b.yaml",
            "a/c.json",
            "a/Kustomization",
            "notes.txt",
            ".hidden/x.yml",
        ] {
            let p = d.path().join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, "x").unwrap();
        }
        std::fs::write(d.path().join(".gitignore"), "b.yaml\n").unwrap();
        let named = d.path().join("notes.txt");
        let (found, errors) = files(&[named.clone(), d.path().to_path_buf()], 2);
        assert!(errors.is_empty());
        let got: Vec<(String, bool)> = found
            .iter()
            .map(|e| {
                let p = e.path.strip_prefix(d.path()).unwrap_or(&e.path);
                (p.display().to_string(), e.named)
            })
            .collect();
        assert_eq!(
            got,
            [
                ("notes.txt".to_string(), true),
                (".hidden/x.yml".to_string(), false),
                ("a/Kustomization".to_string(), false),
                ("a/c.json".to_string(), false),
            ]
        );
    }

    #[test]
    fn par_map_keeps_order() {
        let items: Vec<u32> = (0..100).collect();
        assert_eq!(
            par_map(&items, 4, |i| i * 2),
            (0..100).map(|i| i * 2).collect::<Vec<_>>()
        );
        assert_eq!(threads(Some(3)), 3);
        assert!(threads(Some(0)) >= 1);
    }
}
