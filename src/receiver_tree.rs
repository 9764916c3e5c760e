//! Receivers declared in a repository: files and directories walked as
//! `sealtoken check` walks them (.gitignore honoured), with each
//! kustomization's `namespace:` applied to the resources it lists, as
//! `kustomize build` applies it (the outermost kustomization that sets one wins).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use crate::paths::normalize;
use crate::walk;

use anyhow::{anyhow, Result};
use flux_receiver::{Kustomization, ReceiverManifest};

use crate::io;

/// Where a Receiver's namespace came from.
#[derive(Debug, Clone, PartialEq, Eq)]
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
pub struct Found {
    pub file: PathBuf,
    pub manifest: ReceiverManifest,
    /// `None` when neither the manifest, a kustomization nor the caller names one.
    pub namespace: Option<String>,
    pub namespace_from: NamespaceFrom,
}

/// What a scan found, and what it could not read.
#[derive(Debug, Default)]
pub struct Scan {
    pub receivers: Vec<Found>,
    /// One line each: a file that could not be read or parsed (in a walked
    /// directory), a kustomization entry that does not exist, a remote base.
    pub warnings: Vec<String>,
}

/// A file's namespace from a kustomization, and that kustomization's path.
type Placement = (Option<String>, Option<PathBuf>);
/// A kustomization to visit, the namespace set above it (and by which file),
/// and the kustomizations on the way to it (cycle detection).
type Frame = (PathBuf, Option<(String, PathBuf)>, Vec<PathBuf>);

fn is_kustomization(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(k8s_manifest::is_kustomization_file)
}

fn kustomization_in(dir: &Path) -> Option<PathBuf> {
    k8s_manifest::KUSTOMIZATION_FILE_NAMES
        .iter()
        .map(|n| dir.join(n))
        .find(|p| p.is_file())
}

/// Scans `paths` (files and directories; none means `.`). Files named
/// explicitly must read; files met while walking a directory are skipped
/// with a warning when they do not. `default_ns` applies to Receivers
/// that get no namespace otherwise.
pub fn scan(paths: &[PathBuf], default_ns: Option<&str>, threads: usize) -> Result<Scan> {
    let mut scan = Scan::default();
    let mut named: Vec<PathBuf> = Vec::new();
    let mut walked: Vec<PathBuf> = Vec::new();
    let mut roots: Vec<PathBuf> = Vec::new();
    let (entries, errors) = walk::files(paths, threads);
    scan.warnings.extend(errors.into_iter().map(|e| e.message));
    for e in entries {
        let p = normalize(&e.path);
        if is_kustomization(&p) {
            roots.push(p);
        } else if e.named {
            named.push(p);
        } else {
            walked.push(p);
        }
    }

    // Kustomizations: read each one reachable from those found, on demand.
    let mut kustomizations: HashMap<PathBuf, Kustomization> = HashMap::new();
    let mut children: HashMap<PathBuf, (Vec<PathBuf>, Vec<PathBuf>)> = HashMap::new();
    let mut queue: Vec<PathBuf> = roots.clone();
    let mut referenced: BTreeSet<PathBuf> = BTreeSet::new();
    while let Some(k) = queue.pop() {
        if kustomizations.contains_key(&k) {
            continue;
        }
        let text = io::read_input(&k)?;
        let kz = flux_receiver::read_kustomization(&text)
            .map_err(|e| anyhow!("{}: {e}", k.display()))?;
        let dir = k.parent().unwrap_or(Path::new("")).to_path_buf();
        let (mut files, mut subs) = (Vec::new(), Vec::new());
        for entry in &kz.resources {
            if entry.contains("://") || entry.starts_with("github.com/") || entry.contains("?ref=")
            {
                scan.warnings.push(format!(
                    "{}: remote resource {entry:?} not read",
                    k.display()
                ));
                continue;
            }
            let target = normalize(&dir.join(entry));
            if target.is_dir() {
                match kustomization_in(&target) {
                    Some(sub) => {
                        let sub = normalize(&sub);
                        referenced.insert(sub.clone());
                        queue.push(sub.clone());
                        subs.push(sub);
                    }
                    None => scan.warnings.push(format!(
                        "{}: {entry:?} is a directory without a kustomization",
                        k.display()
                    )),
                }
            } else if target.is_file() {
                files.push(target);
            } else {
                scan.warnings
                    .push(format!("{}: {entry:?} does not exist", k.display()));
            }
        }
        children.insert(k.clone(), (files, subs));
        kustomizations.insert(k, kz);
    }

    // Each top kustomization places its files; the outermost namespace wins.
    // A file reached from several overlays is emitted once per namespace.
    let mut placed: BTreeMap<PathBuf, BTreeSet<Placement>> = BTreeMap::new();
    let tops: BTreeSet<PathBuf> = roots
        .iter()
        .map(|r| normalize(r))
        .filter(|r| !referenced.contains(r))
        .collect();
    for top in &tops {
        let mut stack: Vec<Frame> = vec![(top.clone(), None, Vec::new())];
        while let Some((k, outer, path)) = stack.pop() {
            if path.contains(&k) {
                scan.warnings
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
                placed.entry(f.clone()).or_default().insert((
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

    // Read every file once, in parallel: named files must read, walked ones may not.
    let mut files: BTreeMap<PathBuf, bool> = BTreeMap::new();
    for f in placed.keys() {
        files.insert(f.clone(), false);
    }
    for f in walked {
        files.entry(f).or_insert(false);
    }
    for f in named {
        files.insert(f, true);
    }
    let list: Vec<(PathBuf, bool)> = files.into_iter().collect();
    let read = read_all(&list, threads);
    for ((file, must), result) in list.iter().zip(read) {
        let manifests = match result {
            Ok(m) => m,
            Err(e) if *must => return Err(e),
            Err(e) => {
                scan.warnings.push(format!("{e:#}"));
                continue;
            }
        };
        if manifests.is_empty() {
            continue;
        }
        let placements: Vec<Placement> = match placed.get(file) {
            Some(p) => p.iter().cloned().collect(),
            None => vec![(None, None)],
        };
        for (ns, from) in placements {
            for m in &manifests {
                let (namespace, namespace_from) = match (&ns, &from, &m.namespace) {
                    (Some(n), Some(k), _) => {
                        (Some(n.clone()), NamespaceFrom::Kustomization(k.clone()))
                    }
                    (_, _, Some(own)) => (Some(own.clone()), NamespaceFrom::Manifest),
                    _ => (default_ns.map(str::to_string), NamespaceFrom::Default),
                };
                scan.receivers.push(Found {
                    file: file.clone(),
                    manifest: m.clone(),
                    namespace,
                    namespace_from,
                });
            }
        }
    }
    Ok(scan)
}

/// Reads and searches each file, on up to `threads` threads; results in order.
fn read_all(files: &[(PathBuf, bool)], threads: usize) -> Vec<Result<Vec<ReceiverManifest>>> {
    walk::par_map(files, threads, |(path, _)| {
        io::read_input(path).and_then(|bytes| {
            flux_receiver::find_receivers(&bytes).map_err(|e| anyhow!("{}: {e}", path.display()))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn receiver(name: &str, ns: Option<&str>) -> String {
        let ns = ns
            .map(|n| format!("  namespace: {n}\n"))
            .unwrap_or_default();
        format!("---\napiVersion: notification.toolkit.fluxcd.io/v1\nkind: Receiver\nmetadata:\n  name: {name}\n{ns}spec:\n  type: github\n  secretRef:\n    name: webhook-token\n  resources: []\n")
    }

    fn write(dir: &Path, rel: &str, text: &str) {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    fn names(s: &Scan) -> Vec<String> {
        let mut v: Vec<String> = s
            .receivers
            .iter()
            .map(|f| {
                format!(
                    "{}/{}",
                    f.namespace.as_deref().unwrap_or("?"),
                    f.manifest.name
                )
            })
            .collect();
        v.sort();
        v
    }

    /// base (namespace: base-ns) used by two overlays (staging, prod): the
    /// overlay's namespace wins, and the Receiver appears once per overlay.
    #[test]
    fn overlays_override_the_base_namespace() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path();
        write(
            root,
            "base/receiver.yaml",
            &receiver("github", Some("flux-system")),
        );
        write(
            root,
            "base/kustomization.yaml",
            "namespace: base-ns\nresources:\n  - receiver.yaml\n",
        );
        write(
            root,
            "staging/kustomization.yaml",
            "namespace: staging\nresources:\n  - ../base\n",
        );
        write(
            root,
            "prod/kustomization.yaml",
            "namespace: prod\nresources: [../base]\n",
        );
        write(root, "plain/r.yaml", &receiver("plain", Some("apps")));
        write(root, "plain/none.yaml", &receiver("nons", None));
        let s = scan(&[root.to_path_buf()], None, 2).unwrap();
        assert_eq!(
            names(&s),
            ["?/nons", "apps/plain", "prod/github", "staging/github"]
        );
        assert!(s.warnings.is_empty(), "{:?}", s.warnings);
        // Only the base scanned: its own namespace applies.
        let s = scan(&[root.join("base")], None, 1).unwrap();
        assert_eq!(names(&s), ["base-ns/github"]);
        assert!(matches!(
            &s.receivers[0].namespace_from,
            NamespaceFrom::Kustomization(p) if p.ends_with("base/kustomization.yaml")
        ));
        // A default namespace fills in only where nothing else does.
        let s = scan(&[root.join("plain")], Some("flux-system"), 1).unwrap();
        assert_eq!(names(&s), ["apps/plain", "flux-system/nons"]);
    }

    #[test]
    fn overlay_without_namespace_keeps_the_base_one() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path();
        write(root, "base/r.yaml", &receiver("r", None));
        write(
            root,
            "base/kustomization.yaml",
            "namespace: tenant\nresources: [r.yaml]\n",
        );
        write(
            root,
            "overlay/kustomization.yaml",
            "resources: [../base, missing.yaml, https://example.org/x]\n",
        );
        let s = scan(&[root.join("overlay")], None, 1).unwrap();
        assert_eq!(names(&s), ["tenant/r"]);
        assert_eq!(s.warnings.len(), 2, "{:?}", s.warnings);
    }

    #[test]
    fn broken_files_warn_when_walked_and_fail_when_named() {
        let d = tempfile::tempdir().unwrap();
        write(d.path(), "bad.yaml", "kind: Receiver\nmetadata: [\n");
        write(d.path(), "good.yaml", &receiver("ok", Some("ns")));
        let s = scan(&[d.path().to_path_buf()], None, 1).unwrap();
        assert_eq!(names(&s), ["ns/ok"]);
        assert_eq!(s.warnings.len(), 1);
        assert!(s.warnings[0].contains("bad.yaml"), "{:?}", s.warnings);
        let e = scan(&[d.path().join("bad.yaml")], None, 1).unwrap_err();
        let e = format!("{e:#}");
        assert!(e.contains("bad.yaml: line 3: not valid YAML"), "{e}");
    }
}
