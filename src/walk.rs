//! What the commands that walk a tree share: which files they read and how
//! a walked path is shown.

use std::path::Path;

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
