//! Where kustomize puts a Receiver: each kustomization's `namespace:` applied
//! to the resources it lists, as `kustomize build` applies it (the outermost
//! kustomization that sets one wins), and a file reached from several
//! overlays placed once per namespace. The caller reads the files (a
//! [`Tree`]); this module decides.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use k8s_manifest::{normalize, KUSTOMIZATION_FILE_NAMES};

use crate::{read_kustomization, FindError, ReceiverManifest};

/// What discovery may ask of the files: whether a path is a directory or a
/// file, and a file's bytes.
pub trait Tree {
    /// Whether `path` is a directory.
    fn is_dir(&self, path: &Path) -> bool;
    /// Whether `path` is a file.
    fn is_file(&self, path: &Path) -> bool;
    /// The bytes of the file at `path`.
    fn read(&self, path: &Path) -> std::io::Result<Vec<u8>>;
}

/// Why the kustomizations could not be followed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PlacementError {
    /// A kustomization could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// The kustomization.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A kustomization is not one.
    #[error("{}: {source}", path.display())]
    Kustomization {
        /// The kustomization.
        path: PathBuf,
        /// Why.
        source: FindError,
    },
}

/// Where a Receiver's namespace came from.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum NamespaceFrom {
    /// Its own `metadata.namespace`.
    Manifest,
    /// The `namespace:` of this kustomization file.
    Kustomization(PathBuf),
    /// Neither: the caller's default.
    Default,
}

/// One Receiver as it would reach the cluster.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct PlacedReceiver {
    /// The file it is declared in.
    pub file: PathBuf,
    /// The Receiver as written.
    pub manifest: ReceiverManifest,
    /// `None` when neither the manifest, a kustomization nor the caller names one.
    pub namespace: Option<String>,
    /// Where the namespace came from.
    pub namespace_from: NamespaceFrom,
}

/// A file's namespace from a kustomization, and that kustomization's path.
type Placement = (Option<String>, Option<PathBuf>);
/// A kustomization to visit, the namespace set above it (and by which file),
/// and the kustomizations on the way to it (cycle detection).
type Frame = (PathBuf, Option<(String, PathBuf)>, Vec<PathBuf>);

/// The namespaces the kustomizations give the files they list.
#[derive(Debug, Default)]
pub struct Placements {
    placed: BTreeMap<PathBuf, BTreeSet<Placement>>,
    /// One line each: a kustomization entry that does not exist, a remote
    /// base, a directory without a kustomization, a cycle.
    pub warnings: Vec<String>,
}

/// Follows the kustomizations `roots` (and every one they reach) through
/// `tree`, and places the files they list.
pub fn place(tree: &dyn Tree, roots: &[PathBuf]) -> Result<Placements, PlacementError> {
    let mut out = Placements::default();
    let mut kustomizations = HashMap::new();
    let mut children: HashMap<PathBuf, (Vec<PathBuf>, Vec<PathBuf>)> = HashMap::new();
    let mut queue: Vec<PathBuf> = roots.iter().map(|r| normalize(r)).collect();
    let mut referenced: BTreeSet<PathBuf> = BTreeSet::new();
    while let Some(k) = queue.pop() {
        if kustomizations.contains_key(&k) {
            continue;
        }
        let text = tree.read(&k).map_err(|source| PlacementError::Read {
            path: k.clone(),
            source,
        })?;
        let kz = read_kustomization(&text).map_err(|source| PlacementError::Kustomization {
            path: k.clone(),
            source,
        })?;
        let dir = k.parent().unwrap_or(Path::new("")).to_path_buf();
        let (mut files, mut subs) = (Vec::new(), Vec::new());
        for entry in &kz.resources {
            match resolve_entry(tree, &dir, entry) {
                Entry::Kustomization(sub) => {
                    referenced.insert(sub.clone());
                    queue.push(sub.clone());
                    subs.push(sub);
                }
                Entry::File(f) => files.push(f),
                Entry::Skipped(why) => out.warnings.push(format!("{}: {why}", k.display())),
            }
        }
        children.insert(k.clone(), (files, subs));
        kustomizations.insert(k, kz);
    }

    // Each top kustomization places its files; the outermost namespace wins.
    let tops: BTreeSet<PathBuf> = roots
        .iter()
        .map(|r| normalize(r))
        .filter(|r| !referenced.contains(r))
        .collect();
    for top in &tops {
        let mut stack: Vec<Frame> = vec![(top.clone(), None, Vec::new())];
        while let Some((k, outer, path)) = stack.pop() {
            if path.contains(&k) {
                out.warnings
                    .push(format!("{}: kustomization cycle", k.display()));
                continue;
            }
            let Some(kz) = kustomizations.get(&k) else {
                continue;
            };
            let ns = outer.or_else(|| kz.namespace.clone().map(|n| (n, k.clone())));
            let Some((files, subs)) = children.get(&k) else {
                continue;
            };
            for f in files {
                out.placed.entry(f.clone()).or_default().insert((
                    ns.as_ref().map(|(n, _)| n.clone()),
                    ns.as_ref().map(|(_, p)| p.clone()),
                ));
            }
            let mut path = path.clone();
            path.push(k.clone());
            for s in subs {
                stack.push((s.clone(), ns.clone(), path.clone()));
            }
        }
    }
    Ok(out)
}

/// What a `resources:` entry of a kustomization in `dir` names.
pub(crate) enum Entry {
    /// A directory's kustomization file.
    Kustomization(PathBuf),
    /// A manifest file.
    File(PathBuf),
    /// Not read, and why (a remote base, a missing file, a directory
    /// without a kustomization).
    Skipped(String),
}

/// Resolves one `resources:` entry as kustomize does: a remote URL is not
/// read, a directory stands for its kustomization, a file for itself.
pub(crate) fn resolve_entry(tree: &dyn Tree, dir: &Path, entry: &str) -> Entry {
    if entry.contains("://") || entry.starts_with("github.com/") || entry.contains("?ref=") {
        return Entry::Skipped(format!("remote resource {entry:?} not read"));
    }
    let target = normalize(&dir.join(entry));
    if tree.is_dir(&target) {
        match KUSTOMIZATION_FILE_NAMES
            .iter()
            .map(|n| target.join(n))
            .find(|p| tree.is_file(p))
        {
            Some(sub) => Entry::Kustomization(normalize(&sub)),
            None => Entry::Skipped(format!("{entry:?} is a directory without a kustomization")),
        }
    } else if tree.is_file(&target) {
        Entry::File(target)
    } else {
        Entry::Skipped(format!("{entry:?} does not exist"))
    }
}

impl Placements {
    /// The files the kustomizations list, in path order.
    pub fn files(&self) -> impl Iterator<Item = &Path> {
        self.placed.keys().map(PathBuf::as_path)
    }

    /// The Receivers of `file` as they would reach the cluster: once per
    /// namespace a kustomization gives the file, else with their own
    /// namespace, else with `default_ns`.
    pub fn assign(
        &self,
        file: &Path,
        manifests: &[ReceiverManifest],
        default_ns: Option<&str>,
    ) -> Vec<PlacedReceiver> {
        let placements: Vec<Placement> = match self.placed.get(file) {
            Some(p) => p.iter().cloned().collect(),
            None => vec![(None, None)],
        };
        let mut out = Vec::new();
        for (ns, from) in placements {
            for m in manifests {
                let (namespace, namespace_from) = match (&ns, &from, &m.namespace) {
                    (Some(n), Some(k), _) => {
                        (Some(n.clone()), NamespaceFrom::Kustomization(k.clone()))
                    }
                    (_, _, Some(own)) => (Some(own.clone()), NamespaceFrom::Manifest),
                    _ => (default_ns.map(str::to_string), NamespaceFrom::Default),
                };
                out.push(PlacedReceiver {
                    file: file.to_path_buf(),
                    manifest: m.clone(),
                    namespace,
                    namespace_from,
                });
            }
        }
        out
    }
}

/// A tree in memory, for tests here and in `routes`.
#[cfg(test)]
pub(crate) mod test_tree {
    use std::collections::BTreeMap;
    use std::path::{Path, PathBuf};

    use crate::Tree;

    /// A tree in memory: files by path; directories are their parents.
    pub(crate) struct Files(pub(crate) BTreeMap<PathBuf, &'static str>);

    impl Tree for Files {
        fn is_dir(&self, path: &Path) -> bool {
            self.0.keys().any(|f| f.starts_with(path) && f != path)
        }
        fn is_file(&self, path: &Path) -> bool {
            self.0.contains_key(path)
        }
        fn read(&self, path: &Path) -> std::io::Result<Vec<u8>> {
            self.0
                .get(path)
                .map(|t| t.as_bytes().to_vec())
                .ok_or_else(|| std::io::ErrorKind::NotFound.into())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::find_receivers;

    use super::test_tree::Files;

    const RECEIVER: &str = "apiVersion: notification.toolkit.fluxcd.io/v1\nkind: Receiver\nmetadata:\n  name: github\n  namespace: flux-system\nspec:\n  type: github\n  resources: []\n";

    #[test]
    fn the_outermost_namespace_wins_once_per_overlay() {
        let files = Files(BTreeMap::from([
            (PathBuf::from("base/r.yaml"), RECEIVER),
            (
                PathBuf::from("base/kustomization.yaml"),
                "namespace: base-ns\nresources: [r.yaml]\n",
            ),
            (
                PathBuf::from("prod/kustomization.yaml"),
                "namespace: prod\nresources: [../base, gone.yaml, https://example.org/x]\n",
            ),
            (
                PathBuf::from("staging/kustomization.yaml"),
                "namespace: staging\nresources: [../base]\n",
            ),
        ]));
        let roots = [
            PathBuf::from("base/kustomization.yaml"),
            PathBuf::from("prod/kustomization.yaml"),
            PathBuf::from("staging/kustomization.yaml"),
        ];
        let p = place(&files, &roots).unwrap();
        assert_eq!(p.files().collect::<Vec<_>>(), [Path::new("base/r.yaml")]);
        assert_eq!(p.warnings.len(), 2, "{:?}", p.warnings);
        let manifests = find_receivers(RECEIVER.as_bytes()).unwrap();
        let placed = p.assign(Path::new("base/r.yaml"), &manifests, None);
        let ns: Vec<_> = placed.iter().map(|r| r.namespace.as_deref()).collect();
        assert_eq!(ns, [Some("prod"), Some("staging")]);
        assert_eq!(
            placed[0].namespace_from,
            NamespaceFrom::Kustomization(PathBuf::from("prod/kustomization.yaml"))
        );
        // A file no kustomization lists keeps its own namespace.
        let own = p.assign(Path::new("other.yaml"), &manifests, Some("default"));
        assert_eq!(own[0].namespace.as_deref(), Some("flux-system"));
        assert_eq!(own[0].namespace_from, NamespaceFrom::Manifest);
    }

    #[test]
    fn a_cycle_places_nothing_and_a_broken_kustomization_is_an_error() {
        let files = Files(BTreeMap::from([
            (PathBuf::from("a/kustomization.yaml"), "resources: [../b]\n"),
            (PathBuf::from("b/kustomization.yaml"), "resources: [../a]\n"),
            (PathBuf::from("c/kustomization.yaml"), "resources: {}\n"),
        ]));
        let p = place(&files, &[PathBuf::from("a/kustomization.yaml")]).unwrap();
        assert!(p.files().next().is_none());
        let e = place(&files, &[PathBuf::from("c/kustomization.yaml")]).unwrap_err();
        assert!(e.to_string().starts_with("c/kustomization.yaml: "), "{e}");
        let e = place(&files, &[PathBuf::from("d/kustomization.yaml")]).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("cannot read d/kustomization.yaml"),
            "{e}"
        );
    }
}
