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

/// Which files a walk of a directory yields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Select {
    /// Manifests as a user sees the tree: `.gitignore` honoured (even
    /// outside Git), hidden files included, `.git` skipped.
    Visible,
    /// Manifests as Git holds them (the guard's walk): inside a Git work
    /// tree, the tracked and staged files (`git ls-files`), whatever the
    /// ignore files say; outside Git, every file. Symlinks are followed
    /// when their target stays inside the tree (the Git top level, or the
    /// walked directory outside Git) and reported when it does not.
    Committed,
}

/// The files of `paths`: each file as given (`-` included), then every
/// manifest ([`is_manifest_name`]) under each directory as `select` says,
/// in path order; no path means the current directory. Directories are
/// walked on `threads` threads; what could not be read is returned beside.
pub fn files(paths: &[PathBuf], threads: usize, select: Select) -> (Vec<Entry>, Vec<WalkError>) {
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
    let (mut found, mut errors) = (Vec::new(), Vec::new());
    let mut walk_all = Vec::new();
    for dir in dirs {
        match select {
            Select::Committed => match git_files(&dir) {
                Some(listed) => {
                    let root = git_root(&dir).unwrap_or_else(|| dir.clone());
                    for path in listed {
                        keep(path, &root, &mut found, &mut errors);
                    }
                }
                None => walk_all.push(dir),
            },
            Select::Visible => walk_all.push(dir),
        }
    }
    if !walk_all.is_empty() {
        let (f, e) = walk(&walk_all, threads, select);
        found.extend(f);
        errors.extend(e);
    }
    found.sort();
    found.dedup();
    named.extend(found.into_iter().map(|path| Entry { path, named: false }));
    (named, errors)
}

/// Walks directories with the ignore crate: `.gitignore` honoured for
/// [`Select::Visible`], nothing ignored for [`Select::Committed`].
fn walk(dirs: &[PathBuf], threads: usize, select: Select) -> (Vec<PathBuf>, Vec<WalkError>) {
    let found = Mutex::new(Vec::new());
    let errors = Mutex::new(Vec::new());
    let all = select == Select::Committed;
    crate::io::walker(dirs, threads, all).run(|| {
        Box::new(|entry| {
            match entry {
                Ok(e) => {
                    let t = e.file_type();
                    if t.is_some_and(|t| t.is_file()) && is_manifest_name(e.path()) {
                        lock(&found).push(e.into_path());
                    } else if all && t.is_some_and(|t| t.is_symlink()) {
                        let root = dirs
                            .iter()
                            .find(|d| e.path().starts_with(d))
                            .cloned()
                            .unwrap_or_else(|| PathBuf::from("."));
                        let (mut f, mut errs) = (Vec::new(), Vec::new());
                        keep(e.into_path(), &root, &mut f, &mut errs);
                        lock(&found).extend(f);
                        lock(&errors).extend(errs);
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
    let found = found.into_inner().unwrap_or_else(|e| e.into_inner());
    let errors = errors.into_inner().unwrap_or_else(|e| e.into_inner());
    (found, errors)
}

/// Keeps a listed path that is a manifest: a regular file, or a symlink
/// to a file inside `root`. A symlink leaving `root` is reported; a
/// symlink to a directory, a dangling one, a submodule are skipped (the
/// files of a directory inside the tree are listed at their own place).
fn keep(path: PathBuf, root: &Path, found: &mut Vec<PathBuf>, errors: &mut Vec<WalkError>) {
    if !is_manifest_name(&path) {
        return;
    }
    let Ok(meta) = std::fs::symlink_metadata(&path) else {
        return;
    };
    if meta.is_file() {
        found.push(path);
        return;
    }
    if !meta.file_type().is_symlink() {
        return;
    }
    let (Ok(target), Ok(root)) = (std::fs::canonicalize(&path), std::fs::canonicalize(root)) else {
        return;
    };
    if !target.starts_with(&root) {
        errors.push(WalkError {
            message: format!(
                "{}: a symlink to {}, outside the tree {}; not followed",
                display_path(&path),
                target.display(),
                root.display()
            ),
            path: Some(path),
        });
    } else if target.is_file() {
        found.push(path);
    }
}

/// The files Git holds under `dir` (tracked and staged, `git ls-files`),
/// as paths below `dir`; `None` outside a Git work tree or without Git.
fn git_files(dir: &Path) -> Option<Vec<PathBuf>> {
    let out = std::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["ls-files", "-z", "--cached", "--"])
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    Some(
        out.stdout
            .split(|b| *b == 0)
            .filter(|p| !p.is_empty())
            .filter_map(|p| std::str::from_utf8(p).ok())
            .map(|p| dir.join(p))
            .collect(),
    )
}

/// The top level of the Git work tree holding `dir`.
fn git_root(dir: &Path) -> Option<PathBuf> {
    let abs = std::path::absolute(dir).ok()?;
    crate::paths::git_top_level(&abs)
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
        let (found, errors) = files(&[named.clone(), d.path().to_path_buf()], 2, Select::Visible);
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

    fn git(dir: &Path, args: &[&str]) {
        let ok = std::process::Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(["-c", "user.email=t@example.com", "-c", "user.name=t"])
            .args(args)
            .status()
            .unwrap()
            .success();
        assert!(ok, "git {args:?}");
    }

    fn walked(dir: &Path) -> (Vec<String>, Vec<String>) {
        let (found, errors) = files(&[dir.to_path_buf()], 2, Select::Committed);
        let found = found
            .iter()
            .map(|e| e.path.strip_prefix(dir).unwrap().display().to_string())
            .collect();
        let errors = errors.into_iter().map(|e| e.message).collect();
        (found, errors)
    }

    /// The guard's walk: what Git holds, whatever the ignore files say;
    /// outside Git, everything. Symlinks inside the tree are followed,
    /// those leaving it reported.
    #[cfg(unix)]
    #[test]
    fn committed_files_are_what_git_holds() {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("far.yaml"), "x").unwrap();
        let d = tempfile::tempdir().unwrap();
        let root = d.path();
        for f in [
            "kept.yaml",
            "forced.yaml",
            "ignored-by-dot-ignore.yaml",
            "untracked.yaml",
            "sub/deep.yml",
            "node_modules/m.json",
        ] {
            let p = root.join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, "x").unwrap();
        }
        std::fs::write(root.join(".gitignore"), "forced.yaml\nnode_modules/\n").unwrap();
        std::fs::write(root.join(".ignore"), "ignored-by-dot-ignore.yaml\n").unwrap();
        std::os::unix::fs::symlink("sub/deep.yml", root.join("link.yaml")).unwrap();
        std::os::unix::fs::symlink(outside.path().join("far.yaml"), root.join("far-link.yaml"))
            .unwrap();

        // Outside Git: every file, ignore files or not.
        let (found, errors) = walked(root);
        assert_eq!(
            found,
            [
                "forced.yaml",
                "ignored-by-dot-ignore.yaml",
                "kept.yaml",
                "link.yaml",
                "node_modules/m.json",
                "sub/deep.yml",
                "untracked.yaml"
            ]
        );
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(
            errors[0].starts_with("far-link.yaml: a symlink to ")
                || errors[0].contains("far-link.yaml: a symlink to "),
            "{errors:?}"
        );
        assert!(errors[0].ends_with("not followed"), "{errors:?}");

        // Inside Git: tracked and staged files (a force-added ignored one
        // included), not the untracked one.
        git(root, &["init", "-q"]);
        git(
            root,
            &[
                "add",
                "kept.yaml",
                "ignored-by-dot-ignore.yaml",
                "sub/deep.yml",
                "link.yaml",
                "far-link.yaml",
            ],
        );
        git(root, &["add", "-f", "forced.yaml"]);
        git(root, &["commit", "-q", "-m", "x"]);
        let (found, errors) = walked(root);
        assert_eq!(
            found,
            [
                "forced.yaml",
                "ignored-by-dot-ignore.yaml",
                "kept.yaml",
                "link.yaml",
                "sub/deep.yml"
            ]
        );
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(
            errors[0].contains("far-link.yaml: a symlink to "),
            "{errors:?}"
        );
        // A subdirectory walks its part of the index.
        let (found, _) = walked(&root.join("sub"));
        assert_eq!(found, ["deep.yml"]);
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
