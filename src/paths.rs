//! Paths as the tree's tools see them: the lexical normaliser (kustomize's,
//! from `k8s_manifest`), and the Git top level that bounds a search upwards.

use std::path::{Path, PathBuf};

pub use k8s_manifest::normalize;

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
