//! Receivers declared in a repository: files and directories walked as
//! `sealtoken check` walks them (.gitignore honoured), read on all cores, and
//! placed in the namespace kustomize gives them (`flux_receiver::place`).

use std::path::{Path, PathBuf};

use anyhow::{anyhow, Result};
use flux_receiver::{PlacedReceiver, ReceiverManifest, Tree};

use crate::paths::normalize;
use crate::{io, walk};

/// What a scan found, and what it could not read.
#[derive(Debug, Default)]
pub struct Scan {
    pub receivers: Vec<PlacedReceiver>,
    /// One line each: a file that could not be read or parsed (in a walked
    /// directory), a kustomization entry that does not exist, a remote base.
    pub warnings: Vec<String>,
}

/// The file system, as discovery sees it.
pub struct Files;

impl Tree for Files {
    fn is_dir(&self, path: &Path) -> bool {
        path.is_dir()
    }
    fn is_file(&self, path: &Path) -> bool {
        path.is_file()
    }
    fn read(&self, path: &Path) -> std::io::Result<Vec<u8>> {
        io::read_limited(path)
    }
}

pub fn is_kustomization(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(k8s_manifest::is_kustomization_file)
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
    let (entries, errors) = walk::files(paths, threads, walk::Select::Visible);
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
    let placements = flux_receiver::place(&Files, &roots)?;
    scan.warnings.extend(placements.warnings.iter().cloned());

    // Read every file once, in parallel: named files must read, walked ones may not.
    let mut files: std::collections::BTreeMap<PathBuf, bool> = placements
        .files()
        .map(|f| (f.to_path_buf(), false))
        .collect();
    for f in walked {
        files.entry(f).or_insert(false);
    }
    for f in named {
        files.insert(f, true);
    }
    let list: Vec<(PathBuf, bool)> = files.into_iter().collect();
    let read = walk::par_map(&list, threads, |(path, _)| receivers_in(path));
    for ((file, must), result) in list.iter().zip(read) {
        let manifests = match result {
            Ok(m) => m,
            Err(e) if *must => return Err(e),
            Err(e) => {
                scan.warnings.push(format!("{e:#}"));
                continue;
            }
        };
        scan.receivers
            .extend(placements.assign(file, &manifests, default_ns));
    }
    Ok(scan)
}

/// The Receivers one file declares.
fn receivers_in(path: &Path) -> Result<Vec<ReceiverManifest>> {
    let bytes = io::read_input(path)?;
    flux_receiver::find_receivers(&bytes).map_err(|e| anyhow!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use flux_receiver::NamespaceFrom;

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
