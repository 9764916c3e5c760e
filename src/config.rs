//! `.sealtoken.toml`: the one parser of the project's configuration file,
//! for every command that reads it. Every table and key is known: a
//! misspelt one (`[cluster.prod]`, `alow = …`) is an error naming it, never a
//! silent pass.
//!
//! ```toml
//! [check]
//! allow = ["charts/**/*.yaml"]   # paths `check` does not read (globs, relative to this file)
//!
//! [cert]
//! require-https = true           # refuse plain http:// certificate URLs (as --require-https)
//!
//! [clusters.prod]
//! cert = "certs/prod.pem"        # a path (relative to this file) or an http(s):// URL
//! sha256 = "9f86d0…"             # optional pin: the certificate's SHA-256 fingerprint
//!
//! [clusters.prod-eu]
//! overlay = "overlays/eu"        # this overlay directory (relative to this file) is cluster prod-eu
//! sha256 = "2c26b4…"             # without cert: the URL of the repository's route, with this pin
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, Context, Result};
use serde::Deserialize;

use crate::paths::normalize;

/// The file's name, looked for from the working directory up to the tree root.
pub const CONFIG_NAME: &str = ".sealtoken.toml";

/// The file as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// `[check]`.
    #[serde(default)]
    pub check: CheckConfig,
    /// `[cert]`.
    #[serde(default)]
    pub cert: CertConfig,
    /// `[clusters.NAME]`, by name.
    #[serde(default)]
    pub clusters: BTreeMap<String, ClusterConfig>,
}

/// `[check]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckConfig {
    /// Glob patterns relative to the file's directory.
    #[serde(default)]
    pub allow: Vec<String>,
}

/// `[cert]`: how certificates are fetched, for every command and cluster.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CertConfig {
    /// Refuse plain `http://` certificate URLs (`--require-https`).
    #[serde(default, rename = "require-https")]
    pub require_https: bool,
}

/// `[clusters.NAME]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClusterConfig {
    /// A path (relative to the configuration file) or an http(s):// URL;
    /// without it, the certificate URL the repository's route declares.
    pub cert: Option<String>,
    /// The SHA-256 fingerprint the certificate must have.
    pub sha256: Option<String>,
    /// The kustomize overlay directory (relative to the configuration file,
    /// or its bare directory name) that builds this cluster, when it is not
    /// named after it.
    pub overlay: Option<String>,
}

/// A configuration file read and checked, with where it was.
#[derive(Debug)]
pub struct Loaded {
    /// The file.
    pub path: PathBuf,
    /// What it says.
    pub config: Config,
}

impl Loaded {
    /// The file's directory, which its relative paths start from.
    pub fn dir(&self, cwd: &Path) -> PathBuf {
        normalize(&cwd.join(&self.path))
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default()
    }

    /// The `[check] allow` patterns, compiled.
    pub fn allow(&self, cwd: &Path) -> Result<Allow> {
        let what = self.path.display().to_string();
        let mut builder = globset::GlobSetBuilder::new();
        for p in &self.config.check.allow {
            let glob = globset::GlobBuilder::new(p.trim_start_matches("./"))
                .literal_separator(true)
                .build()
                .with_context(|| format!("{what}: check.allow pattern {p:?}"))?;
            builder.add(glob);
        }
        let set = builder
            .build()
            .with_context(|| format!("{what}: check.allow"))?;
        Ok(Allow {
            root: self.dir(cwd),
            set,
        })
    }
}

/// Allowed paths from `.sealtoken.toml`, relative to its directory.
pub struct Allow {
    root: PathBuf,
    set: globset::GlobSet,
}

impl Allow {
    /// Whether `path` (relative to `cwd`) is allowed.
    pub fn matches(&self, cwd: &Path, path: &Path) -> bool {
        let abs = normalize(&cwd.join(path));
        abs.strip_prefix(&self.root)
            .is_ok_and(|rel| self.set.is_match(rel))
    }
}

/// The nearest `.sealtoken.toml` from `cwd` up to the Git top level (the
/// first directory with a `.git`); outside Git, in `cwd` only.
pub fn find(cwd: &Path) -> Option<PathBuf> {
    find_from(cwd, cwd)
}

/// The nearest `.sealtoken.toml` from `dir` upwards, up to the Git top
/// level of `dir`; outside Git, up to `start` (the directory the command
/// started in) when `dir` is below it, else in `dir` alone. `check` looks
/// one up for each file it reads.
pub fn find_from(dir: &Path, start: &Path) -> Option<PathBuf> {
    let top = crate::paths::git_top_level(dir).unwrap_or_else(|| {
        if dir.starts_with(start) {
            start.to_path_buf()
        } else {
            dir.to_path_buf()
        }
    });
    dir.ancestors()
        .take_while(|d| d.starts_with(&top))
        .map(|d| d.join(CONFIG_NAME))
        .find(|candidate| candidate.is_file())
}

/// Reads the given configuration file, or the nearest `.sealtoken.toml` from
/// `cwd` upwards ([`find`]); `None` when there is none.
pub fn load(explicit: Option<&Path>, cwd: &Path) -> Result<Option<Loaded>> {
    let Some(path) = explicit.map(Path::to_path_buf).or_else(|| find(cwd)) else {
        return Ok(None);
    };
    let what = path.display().to_string();
    let text = read_capped(&path).with_context(|| format!("cannot read {what}"))?;
    let config: Config = toml::from_str(&text).map_err(|e| parse_error(&what, &text, &e))?;
    for name in config.clusters.keys() {
        if !is_cluster_name(name) {
            bail!("{what}: cluster name {name:?} must be letters, digits, '-', '_' or '.'");
        }
    }
    Ok(Some(Loaded { path, config }))
}

/// The most a configuration file may hold.
const MAX_CONFIG: u64 = 1024 * 1024;

/// A configuration file's text, refused when larger than [`MAX_CONFIG`].
fn read_capped(path: &Path) -> std::io::Result<String> {
    use std::io::Read;
    let mut text = String::new();
    std::fs::File::open(path)?
        .take(MAX_CONFIG + 1)
        .read_to_string(&mut text)?;
    if text.len() as u64 > MAX_CONFIG {
        return Err(std::io::Error::new(
            std::io::ErrorKind::FileTooLarge,
            "is larger than 1 MiB; refusing to read it",
        ));
    }
    Ok(text)
}

/// Whether `s` can name a cluster (and a file name part): letters, digits, `-`, `_`, `.`.
pub fn is_cluster_name(s: &str) -> bool {
    !s.is_empty()
        && s != "."
        && s != ".."
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
}

/// `FILE: line N: message`, naming an unknown table or key with its place
/// (`unknown table [cluster]`, `unknown key check.alow (expected allow)`).
fn parse_error(what: &str, text: &str, e: &toml::de::Error) -> anyhow::Error {
    let message = e.message();
    let line_of = |at: usize| text.get(..at).map_or(0, |t| t.matches('\n').count()) + 1;
    // serde's wording for a field `deny_unknown_fields` refused; the expected
    // list tells which table refused it.
    let message = match message
        .strip_prefix("unknown field `")
        .and_then(|rest| rest.split_once("`, expected "))
    {
        Some((key, expected)) => {
            let key = k8s_manifest::escape::text(key);
            // serde: "`a` or `b`", or "one of `a`, `b`, `c`": said as "a, b or c".
            let expected = expected.replace('`', "");
            let expected = match expected.strip_prefix("one of ") {
                Some(list) => match list.rsplit_once(", ") {
                    Some((head, last)) => format!("{head} or {last}"),
                    None => list.to_string(),
                },
                None => expected,
            };
            if expected.contains("clusters") {
                format!("unknown table [{key}] (expected [check], [cert] or [clusters])")
            } else if expected.contains("require-https") {
                format!("unknown key cert.{key} (expected {expected})")
            } else if expected.contains("cert") {
                let table = e
                    .span()
                    .map(|s| line_of(s.start))
                    .and_then(|line| cluster_table_before(text, line))
                    .unwrap_or_else(|| "clusters.NAME".into());
                format!("unknown key {table}.{key} (expected {expected})")
            } else {
                format!("unknown key check.{key} (expected {expected})")
            }
        }
        None => message.to_string(),
    };
    match e.span() {
        Some(span) => anyhow!("{what}: line {}: {message}", line_of(span.start)),
        None => anyhow!("{what}: {message}"),
    }
}

/// The `[clusters.NAME]` header nearest above 1-based `line`, as `clusters.NAME`.
fn cluster_table_before(text: &str, line: usize) -> Option<String> {
    let lines: Vec<&str> = text.lines().take(line).collect();
    lines.iter().rev().find_map(|l| {
        let t = l.trim();
        let inner = t.strip_prefix('[')?.strip_suffix(']')?.trim();
        inner
            .starts_with("clusters.")
            .then(|| k8s_manifest::escape::text(inner).into_owned())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_text(text: &str) -> Result<Option<Allow>> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(CONFIG_NAME);
        std::fs::write(&path, text).unwrap();
        load(Some(&path), dir.path())?
            .map(|l| l.allow(dir.path()))
            .transpose()
    }

    #[test]
    fn errors_name_the_key_and_line() {
        let cases = [
            (
                "[check]\nalow = []\n",
                "line 2: unknown key check.alow (expected allow)",
            ),
            (
                "[check]\nallow = \"a/*\"\n",
                "line 2: invalid type: string \"a/*\", expected a sequence",
            ),
            (
                "[check]\nallow = [1]\n",
                "line 2: invalid type: integer `1`, expected a string",
            ),
            (
                "check = 1\n",
                "line 1: invalid type: integer `1`, expected struct CheckConfig",
            ),
            ("[check\n", "line 1: "),
            (
                "[check]\nallow = [\"a/[\"]\n",
                "check.allow pattern \"a/[\"",
            ),
        ];
        for (text, want) in cases {
            let err = format!("{:#}", load_text(text).err().unwrap());
            assert!(err.contains(want), "{text:?}: {err}");
        }
    }

    /// One parser for the whole file: a table no command reads is an error
    /// naming it (it used to pass silently, so `[cluster.prod]` was ignored).
    #[test]
    fn unknown_tables_and_cluster_keys_are_named() {
        let cases = [
            (
                "[cluster.prod]\ncert = \"p.pem\"\n",
                "line 1: unknown table [cluster] (expected [check], [cert] or [clusters])",
            ),
            ("[other]\nx = 1\n", "unknown table [other]"),
            (
                "[clusters.prod]\ncert = \"p.pem\"\n\n[clusters.dev]\ncerts = \"d.pem\"\n",
                "line 5: unknown key clusters.dev.certs (expected cert, sha256 or overlay)",
            ),
            ("[clusters.\"a b\"]\ncert = \"x\"\n", "cluster name \"a b\""),
            (
                "[cert]\nrequire_https = true\n",
                "line 2: unknown key cert.require_https (expected require-https)",
            ),
            (
                "[cert]\nrequire-https = \"yes\"\n",
                "line 2: invalid type: string \"yes\", expected a boolean",
            ),
        ];
        for (text, want) in cases {
            let err = format!("{:#}", load_text(text).err().unwrap());
            assert!(err.contains(want), "{text:?}: {err}");
        }
    }

    #[test]
    fn cert_require_https_is_read_and_off_by_default() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(CONFIG_NAME);
        for (text, want) in [
            ("[cert]\nrequire-https = true\n", true),
            ("[cert]\nrequire-https = false\n", false),
            ("[cert]\n", false),
            ("[check]\n", false),
        ] {
            std::fs::write(&path, text).unwrap();
            let loaded = load(Some(&path), dir.path()).unwrap().unwrap();
            assert_eq!(loaded.config.cert.require_https, want, "{text}");
        }
    }

    #[test]
    fn an_empty_check_is_accepted() {
        let allow = load_text("[check]\n").unwrap().unwrap();
        assert!(!allow.matches(Path::new("/"), Path::new("a.yaml")));
        let allow = load_text("[check]\nallow = [\"./charts/**/*.yaml\"]\n")
            .unwrap()
            .unwrap();
        assert!(allow.matches(&allow.root, Path::new("charts/a/b.yaml")));
        assert!(!allow.matches(&allow.root, Path::new("a.yaml")));
    }
}
