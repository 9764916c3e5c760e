//! Each cluster's webhook host and certificate URL as the repository
//! declares them (`flux_receiver::find_clusters` over the walked files),
//! named as `.sealtoken.toml` maps overlays (`[clusters.NAME] overlay`);
//! which clusters apply which tree, from the repository's Flux
//! Kustomizations; and the one choice of host for a command (`--host`,
//! `--host auto`, or the repository's only host). Shared by `clusters`,
//! `receivers`, `rotate`, the main job and `--cert CLUSTER`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use flux_receiver::{ClusterRoutes, RouteOptions, Sourced};

use crate::config::{self, Loaded};
use crate::paths::normalize;
use crate::receiver_tree::{is_kustomization, Files};
use crate::{io, walk};

/// What the repository says about its clusters.
#[derive(Debug, Default)]
pub struct Repo {
    /// By name (after `.sealtoken.toml`'s mapping).
    pub clusters: Vec<ClusterRoutes>,
    /// Placeholders that are not hosts, routes whose Gateway is missing,
    /// files that could not be read.
    pub warnings: Vec<String>,
    /// The Flux Kustomizations found: the cluster that applies each (by a
    /// directory of its file named after a cluster) and its `spec.path`,
    /// resolved against the scanned root.
    pub applied: Vec<(String, PathBuf)>,
    /// The `.sealtoken.toml` read, if any.
    pub config: Option<Loaded>,
}

/// Scans `paths` (none: `.`): every kustomization overlay and every route,
/// Ingress and Gateway under them. `config` is the `.sealtoken.toml` to map
/// overlays with (found from the first path when `None`).
pub fn scan(paths: &[PathBuf], options: &RouteOptions, threads: usize) -> Result<Repo> {
    let (entries, errors) = walk::files(paths, threads, walk::Select::Visible);
    let mut repo = Repo::default();
    repo.warnings.extend(errors.into_iter().map(|e| e.message));
    let (mut roots, mut files) = (Vec::new(), Vec::new());
    for e in entries {
        let p = normalize(&e.path);
        if is_kustomization(&p) {
            roots.push(p);
        } else {
            files.push(p);
        }
    }
    // Every file read once, on all cores: the routes' and the Flux
    // Kustomizations' files are kept; kustomizations and what they list
    // are read through the cache.
    let read = walk::par_map(&files, threads, |f| {
        let bytes = io::read_limited(f).ok()?;
        let flux = flux_receiver::find_flux_kustomizations(&bytes).unwrap_or_default();
        Some((bytes, flux))
    });
    let mut cache = Cached::default();
    let mut flux_files = Vec::new();
    for (f, r) in files.iter().zip(read) {
        let Some((bytes, flux)) = r else { continue };
        if !flux.is_empty() {
            flux_files.push((f.clone(), flux));
        }
        cache.0.insert(f.clone(), bytes);
    }
    let found = flux_receiver::find_clusters(&cache, &roots, &files, options)?;
    repo.clusters = found.clusters;
    repo.warnings.extend(found.warnings);

    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    let first = paths.first().cloned().unwrap_or_else(|| PathBuf::from("."));
    let start = if first.is_dir() {
        first.clone()
    } else {
        first.parent().map(Path::to_path_buf).unwrap_or_default()
    };
    let start = cwd.join(start);
    if let Some(path) = config::find_from(&start, &cwd) {
        repo.config = config::load(Some(&path), &cwd)?;
    }
    rename(&mut repo, &cwd);

    // Flux Kustomizations: which cluster applies which path.
    let names: Vec<String> = repo.clusters.iter().map(|c| c.name.clone()).collect();
    let root = if first.is_dir() {
        first
    } else {
        PathBuf::new()
    };
    for (file, found) in flux_files {
        let Some(cluster) = file
            .components()
            .rev()
            .skip(1)
            .filter_map(|c| c.as_os_str().to_str())
            .find(|c| names.iter().any(|n| n == c))
        else {
            continue;
        };
        for k in found {
            if let Some(p) = k.path {
                repo.applied
                    .push((cluster.to_string(), normalize(&root.join(p))));
            }
        }
    }
    Ok(repo)
}

/// The walked files as read once; anything else (kustomizations) from disk.
#[derive(Default)]
struct Cached(std::collections::HashMap<PathBuf, Vec<u8>>);

impl flux_receiver::Tree for Cached {
    fn is_dir(&self, path: &Path) -> bool {
        Files.is_dir(path)
    }
    fn is_file(&self, path: &Path) -> bool {
        self.0.contains_key(path) || Files.is_file(path)
    }
    fn read(&self, path: &Path) -> std::io::Result<Vec<u8>> {
        match self.0.get(path) {
            Some(b) => Ok(b.clone()),
            None => Files.read(path),
        }
    }
}

/// Renames the clusters whose overlay `.sealtoken.toml` maps to a name
/// (`[clusters.NAME] overlay = "DIR"`), merging clusters that share one.
fn rename(repo: &mut Repo, cwd: &Path) {
    let Some(loaded) = &repo.config else { return };
    let dir = loaded.dir(cwd);
    let mut by_name: BTreeMap<String, ClusterRoutes> = BTreeMap::new();
    for mut c in std::mem::take(&mut repo.clusters) {
        let mapped = loaded.config.clusters.iter().find_map(|(name, entry)| {
            let o = entry.overlay.as_deref()?;
            c.overlays
                .iter()
                .any(|d| {
                    normalize(&cwd.join(d)) == normalize(&dir.join(o))
                        || (!o.contains('/') && d.file_name().is_some_and(|n| n == o))
                })
                .then(|| name.clone())
        });
        if let Some(name) = mapped {
            c.name = name;
        }
        match by_name.get_mut(&c.name) {
            Some(have) => {
                have.overlays.append(&mut c.overlays);
                have.webhook_hosts.append(&mut c.webhook_hosts);
                have.cert_urls.append(&mut c.cert_urls);
                have.notes.append(&mut c.notes);
            }
            None => {
                by_name.insert(c.name.clone(), c);
            }
        }
    }
    repo.clusters = by_name.into_values().collect();
}

impl Repo {
    /// Every webhook host, with its cluster.
    pub fn hosts(&self) -> Vec<(&str, &Sourced)> {
        self.clusters
            .iter()
            .flat_map(|c| c.webhook_hosts.iter().map(move |h| (c.name.as_str(), h)))
            .collect()
    }

    /// Every webhook host as a choice: the host, its cluster and where it is set.
    pub fn declared(&self) -> Vec<Chosen> {
        self.hosts()
            .into_iter()
            .map(|(c, h)| Chosen {
                host: h.value.clone(),
                cluster: Some(c.to_string()),
                from: Some(place(h)),
            })
            .collect()
    }

    /// The clusters that apply a Receiver declared in `file` (placed by
    /// the kustomization `via`, if any): those whose Flux Kustomizations'
    /// paths hold it; `None` when no Flux Kustomization says.
    pub fn clusters_applying(&self, file: &Path, via: Option<&Path>) -> Option<Vec<&str>> {
        let file = normalize(file);
        let via = via.map(normalize);
        let mut out: Vec<&str> = self
            .applied
            .iter()
            .filter(|(_, p)| file.starts_with(p) || via.as_ref().is_some_and(|v| v.starts_with(p)))
            .map(|(c, _)| c.as_str())
            .collect();
        out.sort_unstable();
        out.dedup();
        (!out.is_empty()).then_some(out)
    }
}

/// `file:line`.
pub fn place(s: &Sourced) -> String {
    format!("{}:{}", walk::display_path(&s.file), s.line)
}

/// The repository of `cwd`, relative to it (so that files are named as the
/// user sees them): its Git top level; outside Git, `cwd` itself when
/// `outside_git`, else none.
pub fn repo_root(cwd: &Path, outside_git: bool) -> Option<PathBuf> {
    match crate::paths::git_top_level(cwd) {
        Some(top) => Some(match cwd.strip_prefix(&top) {
            Ok(below) if below.components().count() > 0 => {
                below.components().map(|_| "..").collect::<PathBuf>()
            }
            _ => PathBuf::from("."),
        }),
        None if outside_git => Some(PathBuf::from(".")),
        None => None,
    }
}

/// The hosts a command uses: `--host HOST` as given (a warning when the
/// repository declares hosts and none is this one); `--host auto`: every
/// host the repository declares (an error when it declares none); no
/// `--host`: the repository's host when it declares exactly one, else none.
/// The repository is the Git work tree of the current directory (the
/// current directory outside Git, only with `--host auto`). Each host comes
/// with its cluster and where it was declared.
pub fn hosts_for(host: Option<&str>, options: &RouteOptions) -> Result<Vec<Chosen>> {
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    let auto = host == Some("auto");
    let Some(root) = repo_root(&cwd, auto) else {
        return Ok(host.map(Chosen::given).into_iter().collect());
    };
    let threads = walk::threads(None);
    let repo = match scan(&[root], options, threads) {
        Ok(r) => r,
        Err(e) if !auto => {
            stderrln!("sealtoken: warning: the repository's hosts were not read: {e:#}");
            return Ok(host.map(Chosen::given).into_iter().collect());
        }
        Err(e) => return Err(e),
    };
    let declared = repo.declared();
    match host {
        Some("auto") => {
            if declared.is_empty() {
                for w in &repo.warnings {
                    stderrln!("sealtoken: note: {w}");
                }
                bail!(
                    "--host auto: the repository declares no host for the notification-controller's webhook-receiver Service (no HTTPRoute or Ingress to it with a host name); pass --host HOST"
                );
            }
            Ok(declared)
        }
        Some(h) => {
            warn_if_undeclared(h, &declared);
            Ok(vec![Chosen::given(h)])
        }
        None => Ok(match declared.len() {
            1 => declared,
            _ => Vec::new(),
        }),
    }
}

/// The hosts of a command that prints one URL per Receiver (the main
/// job, `rotate`).
#[derive(Debug)]
pub enum HostChoice {
    /// No host: paths only.
    None,
    /// `--host HOST`, or the repository's only webhook host (said on stderr).
    One(String),
    /// `--host auto` and several hosts: each cluster's.
    Several(Vec<Chosen>),
}

/// `--host HOST` as given; `--host auto` or no `--host`: the repository's
/// webhook host when it declares exactly one; `--host auto` with several:
/// all of them.
pub fn choose_host(host: Option<&str>) -> Result<HostChoice> {
    let chosen = hosts_for(host, &RouteOptions::default())?;
    Ok(match chosen.as_slice() {
        [] => HostChoice::None,
        [one] => {
            if let (Some(c), Some(from)) = (&one.cluster, &one.from) {
                stderrln!(
                    "sealtoken: webhook host {} (cluster {c}, {from}); --host HOST overrides it",
                    one.host
                );
            }
            HostChoice::One(one.host.clone())
        }
        _ => HostChoice::Several(chosen),
    })
}

/// `args` with the host [`choose_host`] picks set by `set` (`None` when
/// it is the one given), and each cluster's hosts when there are several.
pub fn with_chosen_host<A: Clone>(
    args: &A,
    host: Option<&str>,
    set: impl Fn(&mut A, Option<String>),
) -> Result<(Option<A>, Vec<Chosen>)> {
    let mut changed = args.clone();
    Ok(match choose_host(host)? {
        HostChoice::One(h) if host != Some(h.as_str()) => {
            set(&mut changed, Some(h));
            (Some(changed), Vec::new())
        }
        HostChoice::Several(hosts) => {
            set(&mut changed, None);
            (Some(changed), hosts)
        }
        _ => (None, Vec::new()),
    })
}

/// A Receiver's URL at each of `hosts`.
pub fn urls_at(hosts: &[Chosen], path: &str) -> Vec<crate::report::UrlInfo> {
    hosts
        .iter()
        .map(|h| crate::report::UrlInfo {
            cluster: h.cluster.clone(),
            host: h.host.clone(),
            url: flux_receiver::webhook_url(&h.host, path),
            host_from: h.from.clone(),
        })
        .collect()
}

/// Warns when the repository declares webhook hosts and `host` (as given
/// with `--host`, which always wins) is none of them.
pub fn warn_if_undeclared(host: &str, declared: &[Chosen]) {
    let bare = host
        .trim_start_matches("https://")
        .trim_start_matches("http://")
        .trim_end_matches('/');
    if !declared.is_empty() && !declared.iter().any(|d| d.host == bare) {
        let list: Vec<String> = declared
            .iter()
            .map(|d| format!("{} ({})", d.host, d.from.as_deref().unwrap_or("-")))
            .collect();
        stderrln!(
            "sealtoken: warning: --host {host} is none of the webhook hosts the repository declares: {}",
            list.join(", ")
        );
    }
}

/// A host to print URLs for.
#[derive(Debug, Clone)]
pub struct Chosen {
    /// The host (or base URL) as `flux_receiver::webhook_url` takes it.
    pub host: String,
    /// The cluster it belongs to, when read from the repository.
    pub cluster: Option<String>,
    /// Where it was declared (`file:line`), when read from the repository.
    pub from: Option<String>,
}

impl Chosen {
    pub fn given(h: &str) -> Chosen {
        Chosen {
            host: h.to_string(),
            cluster: None,
            from: None,
        }
    }
}
