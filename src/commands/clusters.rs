//! `sealtoken clusters [PATH]`: each cluster's webhook host and certificate
//! URL as the repository's routes declare them, where each came from, and
//! `--write-config`: the clusters recorded in `.sealtoken.toml` with the
//! certificate URL and the SHA-256 of the certificate fetched now.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use flux_receiver::{ClusterRoutes, RouteOptions, Sourced};
use serde::Serialize;

use crate::cert_source::repository;
use crate::cli::{ClustersArgs, ClustersFormat};
use crate::config::CONFIG_NAME;
use crate::repo_clusters::{self, place, Repo};
use crate::walk::display_path;
use crate::CliResult;

pub fn run(args: &ClustersArgs) -> CliResult {
    let paths: Vec<PathBuf> = args.path.iter().cloned().collect();
    if let Some(p) = &args.path {
        if !p.exists() {
            bail!("{}: no such file or directory", p.display());
        }
    }
    let options = RouteOptions::new(&args.flux_namespace, &args.controller_name);
    let repo = repo_clusters::scan(&paths, &options, crate::walk::threads(None))?;
    for w in &repo.warnings {
        stderrln!("sealtoken: note: {w}");
    }
    if repo.clusters.is_empty() {
        stderrln!(
            "sealtoken: no cluster found: no HTTPRoute or Ingress with a host name leads to the webhook-receiver or {} Service",
            args.controller_name
        );
    }
    let mut failed = false;
    if args.write_config {
        failed = write_config(args, &repo)?;
    }
    match args.format {
        ClustersFormat::Json => {
            let doc = Doc {
                clusters: repo
                    .clusters
                    .iter()
                    .map(|c| cluster_json(c, &repo))
                    .collect(),
                notes: repo.warnings.clone(),
            };
            let text = serde_json::to_string_pretty(&doc).context("cannot write JSON")?;
            crate::io::write_stdout_json(&format!("{text}\n"))?;
        }
        ClustersFormat::Text => {
            let mut out = String::new();
            for c in &repo.clusters {
                out.push_str(&text(c, &repo));
            }
            crate::io::write_stdout_text(&out)?;
        }
    }
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// `source (file:line, HTTPRoute ns/name[, via …])`.
fn from(s: &Sourced) -> String {
    let via = s.via.as_ref().map(|v| format!(", {v}")).unwrap_or_default();
    format!("{} ({}, {}{via})", s.value, place(s), s.route)
}

fn text(c: &ClusterRoutes, repo: &Repo) -> String {
    let mut out = format!("{}\n", c.name);
    let overlays: Vec<String> = c.overlays.iter().map(|o| display_path(o)).collect();
    out.push_str(&format!("  overlays: {}\n", overlays.join(", ")));
    match c.webhook_hosts.as_slice() {
        [] => out.push_str("  webhook host: none declared\n"),
        hosts => {
            for h in hosts {
                out.push_str(&format!("  webhook host: {}\n", from(h)));
            }
        }
    }
    match c.cert_urls.as_slice() {
        [] => out.push_str("  certificate: none declared\n"),
        urls => {
            for u in urls {
                out.push_str(&format!("  certificate: {}\n", from(u)));
            }
        }
    }
    if let Some((file, entry)) = recorded(repo, &c.name) {
        let pin = entry
            .sha256
            .as_deref()
            .map_or("no sha256 pin".to_string(), |p| format!("sha256 {p}"));
        out.push_str(&format!("  {file}: [clusters.{}] {pin}\n", c.name));
    }
    for n in &c.notes {
        out.push_str(&format!("  note: {n}\n"));
    }
    out
}

/// The `.sealtoken.toml` entry of a cluster, with the file's name.
fn recorded<'a>(repo: &'a Repo, name: &str) -> Option<(String, &'a crate::config::ClusterConfig)> {
    let l = repo.config.as_ref()?;
    l.config
        .clusters
        .get(name)
        .map(|e| (display_path(&l.path), e))
}

#[derive(Serialize)]
struct Doc {
    clusters: Vec<ClusterJson>,
    notes: Vec<String>,
}

#[derive(Serialize)]
struct ClusterJson {
    name: String,
    overlays: Vec<String>,
    webhook_hosts: Vec<SourcedJson>,
    cert_urls: Vec<SourcedJson>,
    /// The `.sealtoken.toml` entry: its certificate and pin.
    config: Option<ConfigJson>,
    notes: Vec<String>,
}

#[derive(Serialize)]
struct SourcedJson {
    #[serde(skip_serializing_if = "Option::is_none")]
    host: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
    file: String,
    line: usize,
    route: String,
    overlay: String,
    via: Option<String>,
}

#[derive(Serialize)]
struct ConfigJson {
    file: String,
    cert: Option<String>,
    sha256: Option<String>,
}

fn sourced(s: &Sourced, url: bool) -> SourcedJson {
    SourcedJson {
        host: (!url).then(|| s.value.clone()),
        url: url.then(|| s.value.clone()),
        file: display_path(&s.file),
        line: s.line,
        route: s.route.clone(),
        overlay: display_path(&s.overlay),
        via: s.via.clone(),
    }
}

fn cluster_json(c: &ClusterRoutes, repo: &Repo) -> ClusterJson {
    ClusterJson {
        name: c.name.clone(),
        overlays: c.overlays.iter().map(|o| display_path(o)).collect(),
        webhook_hosts: c.webhook_hosts.iter().map(|s| sourced(s, false)).collect(),
        cert_urls: c.cert_urls.iter().map(|s| sourced(s, true)).collect(),
        config: recorded(repo, &c.name).map(|(file, e)| ConfigJson {
            file,
            cert: e.cert.clone(),
            sha256: e.sha256.clone(),
        }),
        notes: c.notes.clone(),
    }
}

/// Where `--write-config` writes: the `.sealtoken.toml` read, else a new
/// one at the Git top level of PATH (PATH itself outside Git).
fn config_path(args: &ClustersArgs, repo: &Repo) -> PathBuf {
    if let Some(l) = &repo.config {
        return l.path.clone();
    }
    let dir = args.path.clone().unwrap_or_else(|| PathBuf::from("."));
    let dir = if dir.is_dir() {
        dir
    } else {
        dir.parent().map(Path::to_path_buf).unwrap_or_default()
    };
    crate::paths::git_top_level(&dir)
        .unwrap_or(dir)
        .join(CONFIG_NAME)
}

/// Adds every cluster with one certificate URL and no entry yet: the
/// certificate is fetched now and its SHA-256 recorded as the pin, shown
/// for the user to confirm. Comments and order of the file are kept; it is
/// written atomically. Returns whether a fetch failed.
fn write_config(args: &ClustersArgs, repo: &Repo) -> Result<bool> {
    let path = config_path(args, repo);
    let shown = display_path(&path);
    let before = if path.exists() {
        std::fs::read_to_string(&path).with_context(|| format!("cannot read {shown}"))?
    } else {
        String::new()
    };
    let mut doc: toml_edit::DocumentMut = before
        .parse()
        .with_context(|| format!("{shown}: not valid TOML"))?;
    let mut failed = false;
    let mut added = Vec::new();
    for c in &repo.clusters {
        if !crate::config::is_cluster_name(&c.name) {
            stderrln!(
                "sealtoken: cluster {:?}: not a name .sealtoken.toml takes (letters, digits, '-', '_', '.'); not recorded: name its overlay with [clusters.NAME] overlay = \"DIR\"",
                c.name
            );
            continue;
        }
        let exists = doc
            .get("clusters")
            .and_then(|t| t.as_table_like())
            .is_some_and(|t| t.contains_key(&c.name));
        if exists {
            stderrln!(
                "sealtoken: {}: [clusters.{}] exists; kept as it is",
                shown,
                c.name
            );
            continue;
        }
        let url = match c.cert_urls.as_slice() {
            [one] => one,
            [] => {
                stderrln!(
                    "sealtoken: cluster {}: no certificate URL declared; not recorded",
                    c.name
                );
                continue;
            }
            several => {
                let list: Vec<String> = several.iter().map(|s| s.value.clone()).collect();
                stderrln!(
                    "sealtoken: cluster {}: {} certificate URLs ({}); not recorded: add the right one by hand",
                    c.name,
                    list.len(),
                    list.join(", ")
                );
                continue;
            }
        };
        let fetched = match repository::unpinned(&url.value, args.require_https).load() {
            Ok(f) => f,
            Err(e) => {
                stderrln!("sealtoken: error: cluster {}: {e:#}", c.name);
                failed = true;
                continue;
            }
        };
        let pin = fetched.cert.fingerprint_hex();
        stderrln!(
            "sealtoken: cluster {}: certificate {} (from {}) fetched now, sha256 {pin}\n  check it against the controller's own before you trust it, e.g. `kubeseal --fetch-cert | sealtoken cert-info --cert -` with the cluster's kubeconfig",
            c.name,
            url.value,
            place(url),
        );
        let clusters = doc
            .entry("clusters")
            .or_insert_with(|| {
                let mut t = toml_edit::Table::new();
                t.set_implicit(true);
                toml_edit::Item::Table(t)
            })
            .as_table_mut()
            .with_context(|| format!("{shown}: clusters is not a table"))?;
        let mut entry = toml_edit::Table::new();
        entry.insert("cert", toml_edit::value(url.value.as_str()));
        entry.insert("sha256", toml_edit::value(pin));
        clusters.insert(&c.name, toml_edit::Item::Table(entry));
        added.push(c.name.clone());
    }
    if added.is_empty() {
        stderrln!("sealtoken: {shown}: nothing to add");
        return Ok(failed);
    }
    let text = doc.to_string();
    // What is written must read back as the configuration it means.
    let check: crate::config::Config = toml::from_str(&text)
        .with_context(|| format!("{shown}: the edited file does not read back"))?;
    debug_assert!(added.iter().all(|n| check.clusters.contains_key(n)));
    crate::io::write_atomic(&path, text.as_bytes(), crate::io::Overwrite::Replace, None)?;
    stderrln!(
        "sealtoken: {shown}: added {} ({})",
        added.join(", "),
        if added.len() == 1 {
            "1 cluster"
        } else {
            "clusters"
        }
    );
    Ok(failed)
}
