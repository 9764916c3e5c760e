//! `check`, the pre-commit hook.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::*;

pub(super) const CHECK_EXAMPLES: &str = "\
Examples:
  sealtoken check                   # the whole tree (honours .gitignore)
  sealtoken check k8s/secret.yaml   # given files (what pre-commit passes)
  sealtoken check --fix --cert pub.pem -n apps k8s/   # seal them in place

Allow a document: annotation sealtoken.dev/allow-plain: \"true\", or the comment
`# sealtoken: allow` on its kind line. Allow paths in .sealtoken.toml:
  [check]
  allow = [\"charts/**/templates/*.yaml\"]";

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files or directories to check (default: the current tree, honouring .gitignore).
    pub paths: Vec<PathBuf>,

    /// Output format of the findings.
    #[arg(long, value_enum, default_value = "text")]
    pub format: CheckFormat,

    /// Replace plain Secret documents in place by SealedSecrets (needs --cert).
    #[arg(long)]
    pub fix: bool,

    #[command(flatten)]
    pub cert: CertArgs,

    /// With --fix: namespace for Secrets that have none.
    #[arg(short = 'n', long, env = "SEALED_SECRETS_NAMESPACE", value_name = "NS")]
    pub namespace: Option<String>,

    /// The configuration file (default: .sealtoken.toml in the current
    /// directory or a parent, up to the repository root).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Threads (default: the number of CPUs).
    #[arg(short = 'j', long, value_name = "N")]
    pub jobs: Option<usize>,
}

/// Output layouts of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    /// One `path:line:column: message` line per finding.
    Text,
    /// A JSON array of findings.
    Json,
    /// SARIF 2.1.0, for code scanning (GitHub's upload-sarif).
    Sarif,
}
