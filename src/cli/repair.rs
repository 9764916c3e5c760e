//! Repair and rotation without the cluster: `doctor`, `keys`, `reseal`, `edit`.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::*;

pub(super) const DOCTOR_EXAMPLES: &str = "\
Examples:
  sealtoken doctor deploy/
  sealtoken doctor --cert pub-cert.pem deploy/prod/db.sealed.yaml
  sealtoken doctor --key main.key -n staging deploy/
Exit status: 0 healthy, 1 findings, 2 usage or input error.";

#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// Files or directories (default: the current tree, honouring .gitignore).
    pub paths: Vec<PathBuf>,

    /// The controller's certificate (PEM file): values sealed for a key of
    /// another size are reported.
    #[arg(long, value_name = "FILE")]
    pub cert: Option<PathBuf>,

    /// The controller's private keys (any form `unseal --key` takes):
    /// which key opens each value, and for which namespace, name and scope.
    #[arg(long = "key", value_name = "FILE", value_delimiter = ',')]
    pub keys: Vec<PathBuf>,

    /// With --key: one more namespace to try values under (repeatable).
    #[arg(short = 'n', long = "namespace", value_name = "NS")]
    pub namespaces: Vec<String>,

    /// With --key: one more name to try values under (repeatable).
    #[arg(long = "name", value_name = "NAME")]
    pub names: Vec<String>,

    /// Output format of the findings.
    #[arg(long, value_enum, default_value = "text")]
    pub format: DoctorFormat,

    /// Threads (default: the number of CPUs).
    #[arg(short = 'j', long, value_name = "N")]
    pub jobs: Option<usize>,
}

pub(super) const KEYS_EXAMPLES: &str = "\
Examples:
  kubectl get secret -n kube-system -o yaml \\
      -l sealedsecrets.bitnami.com/sealed-secrets-key > main.key
  sealtoken keys --key main.key deploy/
  sealtoken keys --key main.key --key old.key --format json .

Exit status: 0 every value opens with some key, 1 some value opens with
none (listed; `sealtoken doctor --key …` says why), 2 usage or input error.";

#[derive(Debug, Args)]
pub struct KeysArgs {
    /// Files or directories holding SealedSecrets (default: the current
    /// tree, honouring .gitignore).
    pub paths: Vec<PathBuf>,

    /// Key backups (any form `unseal --key` takes); repeatable or comma-separated.
    #[arg(
        long = "key",
        value_name = "FILE",
        value_delimiter = ',',
        required = true
    )]
    pub keys: Vec<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: DoctorFormat,

    /// Threads (default: the number of CPUs).
    #[arg(short = 'j', long, value_name = "N")]
    pub jobs: Option<usize>,
}

/// Output layouts of `doctor` and `keys`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DoctorFormat {
    Text,
    Json,
}

pub(super) const RESEAL_EXAMPLES: &str = "\
Examples:
  sealtoken reseal --key old-keys.yaml --cert new.crt --in-place clusters/
  sealtoken reseal --key old-keys.yaml --cert new.crt   # the whole tree, in place
  sealtoken reseal --key old.key --cert new.crt app.sealed.yaml -w app.new.yaml
  sealtoken reseal --key old.key --cert new.crt app.sealed.yaml > app.new.yaml";

#[derive(Debug, Args)]
pub struct ResealArgs {
    /// The old private keys (any form `unseal --key` takes: PEM, key
    /// backups, folders); repeatable or comma-separated. Every key is tried.
    #[arg(
        long = "key",
        value_name = "FILE",
        value_delimiter = ',',
        required = true
    )]
    pub keys: Vec<PathBuf>,

    /// The new certificate to seal for.
    #[command(flatten)]
    pub cert: CertArgs,

    /// SealedSecret files or directories (directories: the files `check`
    /// reads that hold SealedSecrets, .gitignore honoured). Default: the
    /// tree under the current directory, rewritten in place.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Rewrite each file in place (atomically).
    #[arg(short = 'i', long, conflicts_with = "output")]
    pub in_place: bool,

    /// Write the one input's result to this file instead of stdout.
    #[arg(short = 'w', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Replace the -w file if it exists.
    #[arg(long, requires = "output")]
    pub force: bool,

    /// Reseal what opens and keep values no key opens as they are (default:
    /// such a file is left untouched and the run fails).
    #[arg(long)]
    pub skip_undecryptable: bool,
}

pub(super) const DIFF_EXAMPLES: &str = "\
Examples:
  # What changed in a SealedSecret between two versions (no value is shown)
  git show HEAD~1:apps/db.sealed.yaml > /tmp/old.yaml
  sealtoken diff /tmp/old.yaml apps/db.sealed.yaml
  # Tell a re-seal from a new value with the controller's key backup
  sealtoken diff old.yaml new.yaml --key backup.key
  # As Git's diff driver (.gitattributes: *.sealed.yaml diff=sealedsecret)
  git config diff.sealedsecret.textconv 'sealtoken diff --textconv'";

pub(super) const EDIT_EXAMPLES: &str = "\
Examples:
  sealtoken edit app.sealed.yaml --key keys.yaml --cert pub.pem   # in $EDITOR
  sealtoken edit app.sealed.yaml --cert pub.pem --set LOG_LEVEL=debug --delete OLD
  sealtoken edit app.sealed.yaml --cert pub.pem --set-file tls.key=server.key";

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The old and the new file (YAML or JSON; several documents and
    /// `kind: List` accepted); with --textconv, the one file to show.
    #[arg(required = true, num_args = 1..=2, value_name = "FILE")]
    pub files: Vec<PathBuf>,

    /// Key backups (any form `unseal --key` takes): for each value whose
    /// ciphertext changed, say whether the value changed or was only
    /// re-encrypted. Never shows a value.
    #[arg(long = "key", value_name = "FILE", value_delimiter = ',')]
    pub keys: Vec<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: DoctorFormat,

    /// Print a stable text view of one file for Git's textconv (names,
    /// plain fields, ciphertext fingerprints) instead of a comparison.
    #[arg(long, conflicts_with_all = ["keys", "format"])]
    pub textconv: bool,
}

#[derive(Debug, Args)]
pub struct EditArgs {
    /// The SealedSecret file, rewritten in place (atomically).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// Private keys to open the values with, then edit them in $EDITOR
    /// (then $VISUAL, then vi); repeatable or comma-separated.
    #[arg(long = "key", value_name = "FILE", value_delimiter = ',')]
    pub keys: Vec<PathBuf>,

    /// Set KEY to VALUE (sealed; needs only the certificate).
    #[arg(long = "set", value_name = "KEY=VALUE", conflicts_with = "keys")]
    pub set: Vec<String>,

    /// Set KEY to the contents of the file PATH (sealed; needs only the certificate).
    #[arg(long = "set-file", value_name = "KEY=PATH", conflicts_with = "keys")]
    pub set_file: Vec<String>,

    /// Remove KEY.
    #[arg(long = "delete", value_name = "KEY", conflicts_with = "keys")]
    pub delete: Vec<String>,

    /// Which SealedSecret of the file (by metadata.name), when it holds several.
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,

    /// The certificate new and changed values are sealed for (with --key and
    /// no --cert: the public half of the key that opened the file, offline).
    #[command(flatten)]
    pub cert: CertArgs,
}
