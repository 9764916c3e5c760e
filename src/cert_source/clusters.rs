//! Several clusters at once: each `--cert` names a cluster (`NAME=PATH`,
//! `NAME=URL`, the file's stem by default, or a name from the
//! `[clusters]` table of `.sealtoken.toml`, read by [`crate::config`], or
//! last a cluster the repository declares, [`super::repository`]), and
//! each gets its own sealed file.

use std::path::{Path, PathBuf};

use anyhow::{anyhow, Context, Result};

use super::{parse_pin, url_scheme, CertSource, ControllerRef};
use crate::cli::CertArgs;
use crate::config::{self, is_cluster_name, Loaded};

/// The placeholder a `-w` template must contain when there are several clusters.
pub const PLACEHOLDER: &str = "{cluster}";

/// One cluster: its name and where its certificate comes from.
#[derive(Debug)]
pub struct Cluster {
    /// The name substituted for `{cluster}`.
    pub name: String,
    /// Its certificate's source and pin.
    pub source: CertSource,
}

/// The clusters the `--cert` flags name, in order; names are unique.
/// `config` is the `.sealtoken.toml` to read names from (found from `cwd`
/// when `None`); it is read only when a `--cert` is a bare configured name.
pub fn from_args(args: &CertArgs, cwd: &Path) -> Result<Vec<Cluster>> {
    if args.cert.len() > 1 && args.cert_sha256.is_some() {
        bail!("--cert-sha256 pins one certificate: with several --cert, put each pin in .sealtoken.toml ([clusters.NAME] sha256 = …)");
    }
    let mut config: Option<Option<Loaded>> = None;
    let mut out: Vec<Cluster> = Vec::new();
    for spec in &args.cert {
        let cluster = resolve(spec, args, cwd, &mut config)?;
        if out.iter().any(|c| c.name == cluster.name) {
            bail!(
                "two certificates are named {:?}: name them with --cert NAME=PATH",
                cluster.name
            );
        }
        out.push(cluster);
    }
    Ok(out)
}

fn resolve(
    spec: &str,
    args: &CertArgs,
    cwd: &Path,
    config: &mut Option<Option<Loaded>>,
) -> Result<Cluster> {
    let controller = ControllerRef::from_args(&args.controller)?;
    let source = |spec: String, pin: Option<[u8; 32]>| CertSource {
        spec: Some(spec),
        pin,
        allow_expired: args.allow_expired_cert,
        require_https: args.require_https,
        controller: controller.clone(),
    };
    let cli_pin = args.cert_sha256.as_deref().map(parse_pin).transpose()?;
    // NAME=PATH or NAME=URL, unless the whole is an existing file.
    if let Some((name, rest)) = spec.split_once('=') {
        if is_cluster_name(name) && !rest.is_empty() && !Path::new(spec).exists() {
            return Ok(Cluster {
                name: name.to_string(),
                source: source(rest.to_string(), cli_pin),
            });
        }
    }
    // A name from .sealtoken.toml: not a file, not a URL.
    if is_cluster_name(spec) && !Path::new(spec).exists() && url_scheme(spec).is_none() {
        if config.is_none() {
            *config = Some(config::load(None, cwd)?);
        }
        if let Some(Some(Loaded { path, config: file })) = config.as_ref() {
            if let Some(c) = file.clusters.get(spec) {
                let what = format!("{}: clusters.{spec}", path.display());
                let pin = c
                    .sha256
                    .as_deref()
                    .map(parse_pin)
                    .transpose()
                    .with_context(|| what.clone())?;
                if pin.is_some() && cli_pin.is_some() {
                    bail!("{what} has a pin already: drop --cert-sha256");
                }
                let Some(cert) = &c.cert else {
                    // No cert: the repository's route, with the recorded pin.
                    return match super::repository::lookup(spec, args, cwd, pin.or(cli_pin))? {
                        Some(source) => Ok(Cluster {
                            name: spec.to_string(),
                            source,
                        }),
                        None => bail!(
                            "{what} has no cert, and the repository declares no cluster {spec:?} (`sealtoken clusters` lists them)"
                        ),
                    };
                };
                let cert = if url_scheme(cert).is_some() {
                    cert.clone()
                } else {
                    let base = path.parent().unwrap_or(Path::new("."));
                    base.join(cert).display().to_string()
                };
                return Ok(Cluster {
                    name: spec.to_string(),
                    source: source(cert, pin.or(cli_pin)),
                });
            }
        }
        // Last: a cluster the repository declares (its route's certificate URL, pinned).
        if let Some(source) = super::repository::lookup(spec, args, cwd, cli_pin)? {
            return Ok(Cluster {
                name: spec.to_string(),
                source,
            });
        }
    }
    // A plain path or URL: named after the file's stem.
    let stem = spec
        .rsplit('/')
        .next()
        .and_then(|last| Path::new(last).file_stem())
        .and_then(|s| s.to_str())
        .filter(|s| is_cluster_name(s) && *s != "-")
        .ok_or_else(|| {
            let spec = crate::redact::url(spec);
            anyhow!("--cert {spec:?}: cannot name a cluster after it; write --cert NAME={spec}")
        })?;
    Ok(Cluster {
        name: stem.to_string(),
        source: source(spec.to_string(), cli_pin),
    })
}

/// `template` with `{cluster}` replaced by `name`.
pub fn output_path(template: &Path, name: &str) -> PathBuf {
    PathBuf::from(template.to_string_lossy().replace(PLACEHOLDER, name))
}

/// The clusters named by `--cert` (resolved against `cwd`) and the `-w`
/// template their files go to: refused unless there is a certificate per
/// cluster and the template names `{cluster}`.
pub fn for_template<'a>(
    args: &CertArgs,
    template: Option<&'a Path>,
) -> Result<(Vec<Cluster>, &'a Path)> {
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    let list = from_args(args, &cwd)?;
    if list.is_empty() {
        bail!(
            "{PLACEHOLDER} in -w needs a --cert per cluster (NAME=PATH, a path, or a name from .sealtoken.toml)"
        );
    }
    check_template(template, &list)?;
    let template = template.ok_or_else(|| anyhow!("-w with {PLACEHOLDER} is needed"))?;
    Ok((list, template))
}

/// Refuses several clusters without `{cluster}` in the output template.
pub fn check_template(template: Option<&Path>, clusters: &[Cluster]) -> Result<()> {
    if clusters.len() < 2 {
        return Ok(());
    }
    let names: Vec<&str> = clusters.iter().map(|c| c.name.as_str()).collect();
    match template {
        Some(t) if t.to_string_lossy().contains(PLACEHOLDER) => Ok(()),
        Some(t) => bail!(
            "{} certificates ({}) need one output file each: put {PLACEHOLDER} in -w (e.g. -w {}); {} has none",
            names.len(),
            names.join(", "),
            example(t),
            t.display()
        ),
        None => bail!(
            "{} certificates ({}) need one output file each: give -w with {PLACEHOLDER}, e.g. -w clusters/{PLACEHOLDER}/secret.sealed.yaml",
            names.len(),
            names.join(", ")
        ),
    }
}

fn example(t: &Path) -> String {
    let s = t.display().to_string();
    match s.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() && !ext.contains('/') => {
            format!("{stem}.{PLACEHOLDER}.{ext}")
        }
        _ => format!("{s}.{PLACEHOLDER}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_templates() {
        assert!(is_cluster_name("prod-eu_1.a"));
        for bad in ["", ".", "..", "a/b", "a=b", "a b", "-"] {
            assert!(!is_cluster_name(bad) || bad == "-", "{bad}");
        }
        assert_eq!(
            output_path(Path::new("out/{cluster}/s.yaml"), "prod"),
            Path::new("out/prod/s.yaml")
        );
        assert_eq!(
            example(Path::new("s.sealed.yaml")),
            "s.sealed.{cluster}.yaml"
        );
    }
}
