//! Paths as the tree's tools see them: one lexical normaliser, and the
//! Git top level that bounds a search upwards.

use std::path::{Component, Path, PathBuf};

/// `a/./b/../c` → `a/c`, without touching the file system, as kustomize and
/// Go's `filepath.Clean` join paths: a `..` past the start of a relative path
/// is kept (`../x`), and `/..` is `/`.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => match out.components().next_back() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(".."),
            },
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// The nearest ancestor of `start` (itself included) with a `.git`
/// directory or file; `None` outside Git.
pub fn git_top_level(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .find(|dir| dir.join(".git").exists())
        .map(Path::to_path_buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_joins_like_kustomize() {
        assert_eq!(normalize(Path::new("a/./b/../c")), PathBuf::from("a/c"));
        assert_eq!(normalize(Path::new("../x")), PathBuf::from("../x"));
        assert_eq!(normalize(Path::new("./k/../../x")), PathBuf::from("../x"));
        assert_eq!(normalize(Path::new("/a/../../b")), PathBuf::from("/b"));
        assert_eq!(normalize(Path::new("a/..")), PathBuf::from(""));
    }

    #[test]
    fn the_git_top_level_may_have_a_git_file() {
        let d = tempfile::tempdir().unwrap();
        let sub = d.path().join("a/b");
        std::fs::create_dir_all(&sub).unwrap();
        assert!(git_top_level(&sub).is_none_or(|top| !top.starts_with(d.path())));
        // A worktree's `.git` is a file.
        std::fs::write(d.path().join(".git"), "gitdir: elsewhere\n").unwrap();
        assert_eq!(git_top_level(&sub).as_deref(), Some(d.path()));
    }
}
