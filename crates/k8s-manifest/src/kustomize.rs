//! What kustomize does with paths: the file names it reads as a
//! kustomization, in the order it looks for them in a directory
//! (`konfig.RecognizedKustomizationFileNames`), how it joins paths, and
//! where a kustomization's patches are (every field kustomize has had).

use std::path::{Component, Path, PathBuf};

use crate::tree::{Kind, Node, Pos};

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

/// The patch fields of a kustomization, in the order kustomize applies them.
pub const PATCH_FIELDS: [&str; 3] = ["patchesStrategicMerge", "patches", "patchesJson6902"];

/// Where a patch's text is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PatchBody<'a> {
    /// Written in the kustomization itself.
    Inline(&'a str),
    /// In a file, by its path as written (relative to the kustomization).
    File(&'a str),
}

/// One patch a kustomization applies.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct PatchEntry<'a> {
    /// The field it is listed in (one of [`PATCH_FIELDS`]).
    pub field: &'static str,
    /// Its text, or the file holding it.
    pub body: PatchBody<'a>,
    /// Its `target:` selector, if any.
    pub target: Option<&'a Node>,
    /// Where the inline text or the path is written.
    pub pos: Pos,
}

/// The patches of a kustomization document, as kustomize reads them:
/// `patches:` and `patchesJson6902:` entries (`{path | patch, target}`),
/// and `patchesStrategicMerge:` items (a file path, or an inline patch: text
/// with a line break or starting with `{` or `[`). Entries of another shape
/// are left out.
///
/// ```
/// use k8s_manifest::{patch_entries, PatchBody};
/// let docs = k8s_manifest::yaml::parse_stream(
///     "patches:\n- path: route.yaml\n  target: {kind: HTTPRoute}\npatchesStrategicMerge:\n- old.yaml\n",
/// )?;
/// let entries = patch_entries(docs[0].root().unwrap());
/// assert_eq!(entries[0].body, PatchBody::File("old.yaml"));
/// assert_eq!(entries[1].body, PatchBody::File("route.yaml"));
/// assert!(entries[1].target.is_some());
/// # Ok::<(), k8s_manifest::yaml::YamlError>(())
/// ```
pub fn patch_entries(root: &Node) -> Vec<PatchEntry<'_>> {
    let mut out = Vec::new();
    for field in PATCH_FIELDS {
        let Some(Kind::Seq(items)) = root.get(field).map(Node::kind) else {
            continue;
        };
        for item in items {
            if field == "patchesStrategicMerge" {
                let Some(s) = item.as_str() else { continue };
                let body = if s.contains('\n') || s.trim_start().starts_with(['{', '[']) {
                    PatchBody::Inline(s)
                } else {
                    PatchBody::File(s)
                };
                out.push(PatchEntry {
                    field,
                    body,
                    target: None,
                    pos: item.pos(),
                });
                continue;
            }
            let target = item.get("target");
            let (node, body) = if let Some(inline) = item.get("patch") {
                match inline.as_str() {
                    Some(text) => (inline, PatchBody::Inline(text)),
                    None => continue,
                }
            } else if let Some(path) = item.get("path") {
                match path.as_str() {
                    Some(p) => (path, PatchBody::File(p)),
                    None => continue,
                }
            } else {
                continue;
            };
            out.push(PatchEntry {
                field,
                body,
                target,
                pos: node.pos(),
            });
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

    #[test]
    fn patches_in_every_field() {
        let docs = crate::yaml::parse_stream(
            "patches:\n- patch: |-\n    kind: X\n  target: {kind: X}\n- {path: a.yaml}\n- {target: {kind: Y}}\npatchesJson6902:\n- {path: ops.yaml, target: {kind: Z, name: z}}\npatchesStrategicMerge:\n- smp.yaml\n- |-\n  kind: W\n  metadata: {name: w}\n- 7\n",
        )
        .unwrap();
        let got: Vec<(&str, PatchBody<'_>, bool)> = patch_entries(docs[0].root().unwrap())
            .iter()
            .map(|e| (e.field, e.body, e.target.is_some()))
            .collect();
        assert_eq!(
            got,
            [
                ("patchesStrategicMerge", PatchBody::File("smp.yaml"), false),
                (
                    "patchesStrategicMerge",
                    PatchBody::Inline("kind: W\nmetadata: {name: w}"),
                    false
                ),
                ("patches", PatchBody::Inline("kind: X"), true),
                ("patches", PatchBody::File("a.yaml"), false),
                ("patchesJson6902", PatchBody::File("ops.yaml"), true),
            ]
        );
    }
}
