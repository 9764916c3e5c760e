//! What kustomize does with paths: the file names it reads as a
//! kustomization, in the order it looks for them in a directory
//! (`konfig.RecognizedKustomizationFileNames`), and how it joins paths.

use std::path::{Component, Path, PathBuf};

/// `kustomization.yaml`, `kustomization.yml`, `Kustomization`.
pub const KUSTOMIZATION_FILE_NAMES: [&str; 3] =
    ["kustomization.yaml", "kustomization.yml", "Kustomization"];

/// Whether a file name is one kustomize reads as a kustomization.
///
/// ```
/// assert!(k8s_manifest::is_kustomization_file("Kustomization"));
/// assert!(!k8s_manifest::is_kustomization_file("kustomization.json"));
/// ```
pub fn is_kustomization_file(file_name: &str) -> bool {
    KUSTOMIZATION_FILE_NAMES.contains(&file_name)
}

/// `a/./b/../c` → `a/c`, without touching the file system, as kustomize and
/// Go's `filepath.Clean` join paths: a `..` past the start of a relative path
/// is kept (`../x`), and `/..` is `/`.
///
/// ```
/// use std::path::{Path, PathBuf};
///
/// assert_eq!(k8s_manifest::normalize(Path::new("overlays/prod/../../base")), PathBuf::from("base"));
/// assert_eq!(k8s_manifest::normalize(Path::new("./k/../../x")), PathBuf::from("../x"));
/// ```
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
}
