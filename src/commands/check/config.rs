//! `.sealtoken.toml`: paths `check` does not read.

use std::path::{Component, Path, PathBuf};

use anyhow::{anyhow, Context, Result};
use serde::Deserialize;

pub(crate) const CONFIG_NAME: &str = ".sealtoken.toml";

/// The file as written. Other top-level tables are left to other tools.
#[derive(Debug, Default, Deserialize)]
struct ConfigFile {
    #[serde(default)]
    check: CheckConfig,
}

/// `[check]`: a key it does not know is an error, not a silent pass.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct CheckConfig {
    /// Glob patterns relative to the file's directory.
    #[serde(default)]
    allow: Vec<String>,
}

/// Allowed paths from `.sealtoken.toml`, relative to its directory.
pub(super) struct Allow {
    root: PathBuf,
    set: globset::GlobSet,
}

impl Allow {
    /// Whether `path` (relative to `cwd`) is allowed.
    pub(super) fn matches(&self, cwd: &Path, path: &Path) -> bool {
        let abs = normalize(&cwd.join(path));
        abs.strip_prefix(&self.root)
            .is_ok_and(|rel| self.set.is_match(rel))
    }
}

/// Removes `.` and resolves `..` lexically.
fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// The nearest `.sealtoken.toml` from `cwd` up to the repository root (shared with `[clusters]`).
pub(crate) fn find_config(cwd: &Path) -> Option<PathBuf> {
    for dir in cwd.ancestors() {
        let candidate = dir.join(CONFIG_NAME);
        if candidate.is_file() {
            return Some(candidate);
        }
        if dir.join(".git").exists() {
            break;
        }
    }
    None
}

/// Reads the given configuration file, or the nearest `.sealtoken.toml` from
/// `cwd` up to the repository root; `None` when there is none.
pub(super) fn load(explicit: Option<&Path>, cwd: &Path) -> Result<Option<Allow>> {
    let Some(path) = explicit.map(Path::to_path_buf).or_else(|| find_config(cwd)) else {
        return Ok(None);
    };
    let what = path.display().to_string();
    let text = std::fs::read_to_string(&path).with_context(|| format!("cannot read {what}"))?;
    let config: ConfigFile = toml::from_str(&text).map_err(|e| parse_error(&what, &text, &e))?;
    let mut builder = globset::GlobSetBuilder::new();
    for p in &config.check.allow {
        let glob = globset::GlobBuilder::new(p.trim_start_matches("./"))
            .literal_separator(true)
            .build()
            .with_context(|| format!("{what}: check.allow pattern {p:?}"))?;
        builder.add(glob);
    }
    let set = builder
        .build()
        .with_context(|| format!("{what}: check.allow"))?;
    let root = normalize(&cwd.join(&path))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    Ok(Some(Allow { root, set }))
}

/// `FILE: line N: message`, naming an unknown key with its table
/// (`unknown key check.alow (expected allow)`).
fn parse_error(what: &str, text: &str, e: &toml::de::Error) -> anyhow::Error {
    let message = e.message();
    // serde's wording for a field `deny_unknown_fields` refused; only [check] refuses.
    let message = match message
        .strip_prefix("unknown field `")
        .and_then(|rest| rest.split_once("`, expected "))
    {
        Some((key, expected)) => {
            format!(
                "unknown key check.{key} (expected {})",
                expected.replace('`', "")
            )
        }
        None => message.to_string(),
    };
    match e.span() {
        Some(span) => {
            let line = text
                .get(..span.start)
                .map_or(0, |t| t.matches('\n').count())
                + 1;
            anyhow!("{what}: line {line}: {message}")
        }
        None => anyhow!("{what}: {message}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_text(text: &str) -> Result<Option<Allow>> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(CONFIG_NAME);
        std::fs::write(&path, text).unwrap();
        load(Some(&path), dir.path())
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

    #[test]
    fn other_tables_and_an_empty_check_are_accepted() {
        let allow = load_text("[other]\nx = 1\n[check]\n").unwrap().unwrap();
        assert!(!allow.matches(Path::new("/"), Path::new("a.yaml")));
        let allow = load_text("[check]\nallow = [\"./charts/**/*.yaml\"]\n")
            .unwrap()
            .unwrap();
        assert!(allow.matches(&allow.root, Path::new("charts/a/b.yaml")));
        assert!(!allow.matches(&allow.root, Path::new("a.yaml")));
    }
}
