//! Every command-line definition (clap), and nothing else.
//!
//! This module imports no other module of the binary but `version` (the
//! `--version` text), and the commands import their argument types from
//! here. This file holds the top-level [`Cli`] and its [`Command`] enum,
//! argument groups shared by several commands ([`CertArgs`],
//! [`ControllerArgs`]) and the shared value types (their values come from the
//! libraries' own lists); each area's `…Args` structs, with their examples,
//! live in a file of their own: `kubeseal` (seal, unseal, cert-info,
//! fetch-cert), `flux` (the main job, webhook-path, receiver, receivers,
//! rotate), `check`, `repair` (doctor, keys, reseal, edit).
//!
//! A new subcommand: a variant in [`Command`] (with its `after_help`
//! examples), its `…Args` struct in its area's file, a module in
//! `src/commands/` with a `run(&…Args) -> CliResult`, and one line in
//! `commands::run`. A new flag shared by several commands goes into a group
//! (a struct flattened with `#[command(flatten)]`).

use std::path::PathBuf;
use std::sync::OnceLock;

use clap::builder::PossibleValue;
use clap::{Args, Parser, Subcommand, ValueEnum};
use kubeseal_core::{Format, Scope};

mod check;
mod flux;
mod kubeseal;
mod repair;

use self::check::CHECK_EXAMPLES;
pub use self::check::{CheckArgs, CheckFormat};
#[cfg(feature = "http")]
pub use self::flux::ReceiverTestArgs;
pub use self::flux::{
    ClustersArgs, ClustersFormat, ReceiverArgs, ReceiverCommand, ReceiversArgs, ReportFormat,
    RotateArgs, SpecArgs, SpecFlag, TokenArgs, WebhookPathArgs,
};
use self::flux::{CLUSTERS_EXAMPLES, RECEIVERS_EXAMPLES, ROTATE_EXAMPLES, WEBHOOK_EXAMPLES};
pub use self::kubeseal::{CertInfoArgs, FetchCertArgs, SealArgs, UnsealArgs};
use self::kubeseal::{CERT_INFO_EXAMPLES, FETCH_CERT_EXAMPLES, SEAL_EXAMPLES, UNSEAL_EXAMPLES};
pub use self::repair::{DiffArgs, DoctorArgs, DoctorFormat, EditArgs, KeysArgs, ResealArgs};
use self::repair::{DIFF_EXAMPLES, DOCTOR_EXAMPLES, EDIT_EXAMPLES, KEYS_EXAMPLES, RESEAL_EXAMPLES};

const MAIN_EXAMPLES: &str = "\
Examples:
  # Token + sealed webhook-token Secret for Flux, and the URL to register:
  sealtoken --cert pub.pem --namespace flux-system \\
      -w flux-webhook-token.sealed.yaml \\
      --receiver tenant-demo-github --host flux.example.org

  # Also the Receiver manifests and a patch raising the GitRepository interval:
  sealtoken --cert pub.pem -w webhook-token.sealed.yaml --provider github \\
      --git-repository tenant-demo --receiver-manifests ./receivers \\
      --host flux.example.org

  # Reseal an existing token (rotation, a new cluster):
  sealtoken --cert new-cluster.pem --token-file-in token.txt \\
      -w webhook-token.sealed.yaml --force

  # kubeseal's command line, unchanged but for the binary name:
  sealtoken seal -f secret.yaml -w flux-webhook-token.sealed.yaml \\
      --controller-namespace sealed-secrets -n flux-system";

/// Seal Kubernetes Secrets for Bitnami Sealed Secrets, and give a Flux
/// webhook Receiver its token in one command.
///
/// Without a subcommand: generate a webhook token, seal it into a
/// `webhook-token` SealedSecret, and print the webhook path and URL to register.
#[derive(Debug, Parser)]
#[command(name = "sealtoken", version, long_version = crate::version::LONG.as_str(), after_help = MAIN_EXAMPLES, args_conflicts_with_subcommands = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    #[command(flatten)]
    pub token: TokenArgs,
}

// The binary run under the name `kubeseal` (a symbolic link or a copy):
// exactly `sealtoken seal`, so that it replaces kubeseal in scripts.
#[derive(Debug, Parser)]
#[command(
    name = "kubeseal",
    disable_version_flag = true,
    about = "sealtoken run as kubeseal: seal Secrets with kubeseal's flags and output (= sealtoken seal).",
    after_help = SEAL_EXAMPLES
)]
pub struct KubesealCli {
    #[command(flatten)]
    pub seal: SealArgs,

    /// Print version information and exit (kubeseal's first line, then sealtoken's).
    #[arg(long)]
    pub version: bool,
}

/// A parsed command line: what to run.
#[derive(Debug)]
pub enum Parsed {
    /// `sealtoken …` (or `kubectl sealtoken …`).
    Sealtoken(Box<Cli>),
    /// The binary run as `kubeseal`: `sealtoken seal`.
    Kubeseal(Box<SealArgs>),
    /// `kubeseal --version`.
    KubesealVersion,
}

/// Parses `args` for `personality`, or exits as clap does (usage errors: 2).
///
/// `seal` (and the binary run as `kubeseal`) reads its flags as kubeseal
/// does ([`kubeseal_style`]). For every command, a variable that is set but
/// empty counts as unset ([`empty_env_is_unset`]).
pub fn parse(personality: Personality, args: Vec<std::ffi::OsString>) -> Parsed {
    use clap::{CommandFactory, FromArgMatches};
    let cmd = match personality {
        Personality::Kubeseal => kubeseal_style(KubesealCli::command()),
        Personality::KubectlPlugin => Cli::command()
            .bin_name("kubectl sealtoken")
            .mut_subcommand("seal", kubeseal_style),
        Personality::Sealtoken => Cli::command().mut_subcommand("seal", kubeseal_style),
    };
    let mut matches = empty_env_is_unset(cmd).get_matches_from(args);
    let parsed = match personality {
        Personality::Kubeseal => KubesealCli::from_arg_matches_mut(&mut matches).map(|k| {
            if k.version {
                Parsed::KubesealVersion
            } else {
                Parsed::Kubeseal(Box::new(k.seal.finish()))
            }
        }),
        _ => Cli::from_arg_matches_mut(&mut matches).map(|mut cli| {
            cli.command = cli.command.map(|c| match c {
                Command::Seal(a) => Command::Seal(a.finish()),
                Command::FetchCert(a) => Command::FetchCert(a.finish()),
                c => c,
            });
            Parsed::Sealtoken(Box::new(cli))
        }),
    };
    parsed.unwrap_or_else(|e| e.exit())
}

/// The prefix of kubeseal's variables: every flag `--some-flag` of `seal` can
/// be set as `SEALED_SECRETS_SOME_FLAG` (kubeseal's `flagenv`).
pub const ENV_PREFIX: &str = "SEALED_SECRETS_";

/// The variable kubeseal reads for the long flag `long`: `SEALED_SECRETS_` and
/// the name in upper case, `-` as `_` (`from-file`: `SEALED_SECRETS_FROM_FILE`).
pub fn env_name(long: &str) -> String {
    format!(
        "{ENV_PREFIX}{}",
        long.to_ascii_uppercase().replace('-', "_")
    )
}

/// kubeseal's flag syntax for `cmd` (pflag, flagenv): every flag has its
/// `SEALED_SECRETS_…` variable ([`env_name`]; the command line wins), and a
/// boolean flag also takes a value after `=` (`--raw=true`,
/// `--allow-empty-data=false`), in Go's words for booleans (`1`, `t`,
/// `TRUE`, `0`, `f`, `False`, …); a variable takes the same words.
pub fn kubeseal_style(cmd: clap::Command) -> clap::Command {
    use clap::builder::ValueParser;
    use clap::ArgAction;
    cmd.mut_args(|arg| {
        let Some(long) = arg.get_long().map(str::to_owned) else {
            return arg;
        };
        if matches!(
            arg.get_action(),
            ArgAction::Help | ArgAction::HelpShort | ArgAction::HelpLong | ArgAction::Version
        ) {
            return arg;
        }
        let arg = if arg.get_env().is_none() {
            arg.env(env_name(&long)).hide_env(true)
        } else {
            arg
        };
        match arg.get_action() {
            ArgAction::SetTrue => arg
                .action(ArgAction::Set)
                .num_args(0..=1)
                .require_equals(true)
                .value_name("BOOL")
                .default_missing_value("true")
                .default_value("false")
                .hide_default_value(true)
                .hide_possible_values(true)
                .value_parser(ValueParser::new(go_bool)),
            _ => arg,
        }
    })
}

/// Go's `strconv.ParseBool`, as pflag reads `--flag=VALUE` and flagenv a variable.
fn go_bool(s: &str) -> Result<bool, String> {
    match s {
        "1" | "t" | "T" | "true" | "TRUE" | "True" => Ok(true),
        "0" | "f" | "F" | "false" | "FALSE" | "False" => Ok(false),
        _ => Err(format!("invalid boolean {s:?} (true or false)")),
    }
}

/// A variable that is set but empty (`SEALED_SECRETS_SCOPE=`) counts as
/// unset, in `cmd` and all its subcommands: the flag keeps its default.
pub fn empty_env_is_unset(cmd: clap::Command) -> clap::Command {
    cmd.mut_args(|arg| match arg.get_env() {
        Some(name) if std::env::var_os(name).is_some_and(|v| v.is_empty()) => arg.env(None),
        _ => arg,
    })
    .mut_subcommands(empty_env_is_unset)
}

/// What the binary behaves as, by the name it was run under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Personality {
    /// `sealtoken` (and any other name).
    Sealtoken,
    /// `kubectl-sealtoken`: a kubectl plugin, `kubectl sealtoken …`.
    KubectlPlugin,
    /// `kubeseal`: `sealtoken seal`.
    Kubeseal,
}

impl Personality {
    /// From `argv[0]`: its file name, without a `.exe` suffix.
    pub fn of(argv0: Option<&std::ffi::OsStr>) -> Personality {
        let name = argv0
            .map(std::path::Path::new)
            .and_then(std::path::Path::file_name)
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        match name.strip_suffix(".exe").unwrap_or(&name) {
            "kubeseal" => Personality::Kubeseal,
            "kubectl-sealtoken" => Personality::KubectlPlugin,
            _ => Personality::Sealtoken,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Seal Secrets like kubeseal: same flags, same output.
    #[command(after_help = SEAL_EXAMPLES)]
    Seal(SealArgs),
    /// Turn a SealedSecret back into a plaintext Secret with the controller's private key.
    #[command(after_help = UNSEAL_EXAMPLES)]
    Unseal(UnsealArgs),
    /// Refuse plain Kubernetes Secrets in files (a pre-commit hook).
    #[command(after_help = CHECK_EXAMPLES)]
    Check(CheckArgs),
    /// Print the webhook path of a Flux Receiver for a token read from stdin.
    #[command(after_help = WEBHOOK_EXAMPLES)]
    WebhookPath(WebhookPathArgs),
    /// Show a sealing certificate: subject, validity, key size, fingerprint.
    #[command(after_help = CERT_INFO_EXAMPLES)]
    CertInfo(CertInfoArgs),
    /// Fetch the controller's certificate, check it, and save it for sealing offline.
    #[command(after_help = FETCH_CERT_EXAMPLES)]
    FetchCert(FetchCertArgs),
    /// Send a Flux Receiver its sender's test delivery and explain the answer.
    Receiver(ReceiverArgs),
    /// Print the webhook paths and URLs of the Receivers declared in files and directories.
    #[command(after_help = RECEIVERS_EXAMPLES)]
    Receivers(ReceiversArgs),
    /// Each cluster's webhook host and certificate URL, read from the repository's routes.
    #[command(after_help = CLUSTERS_EXAMPLES)]
    Clusters(ClustersArgs),
    /// Put a new webhook token into an existing token SealedSecret, and say what to update.
    #[command(after_help = ROTATE_EXAMPLES)]
    Rotate(RotateArgs),
    /// Explain, per SealedSecret, why the controller would fail to decrypt it, and what to change.
    #[command(after_help = DOCTOR_EXAMPLES)]
    Doctor(DoctorArgs),
    /// List the controller's keys in backups: what each opens, which are safe to retire.
    #[command(after_help = KEYS_EXAMPLES)]
    Keys(KeysArgs),
    /// Re-encrypt SealedSecrets for a new certificate with the old private keys, offline.
    #[command(after_help = RESEAL_EXAMPLES)]
    Reseal(ResealArgs),
    /// Change values of a SealedSecret; unchanged values keep their ciphertext.
    #[command(after_help = EDIT_EXAMPLES)]
    Edit(EditArgs),
    /// What changed between two versions of SealedSecrets, key by key, without a value.
    #[command(after_help = DIFF_EXAMPLES)]
    Diff(DiffArgs),
    /// Print a shell completion script.
    #[command(after_help = COMPLETIONS_EXAMPLES)]
    Completions(CompletionsArgs),
    /// Print the man page, or write one page per subcommand into a directory.
    #[command(after_help = MAN_EXAMPLES)]
    Man(ManArgs),
}

/// Where the sealing certificate comes from, and what is accepted.
#[derive(Debug, Clone, Args)]
pub struct CertArgs {
    /// The controller's public certificate: a PEM file, or - for stdin
    /// (as saved by `kubeseal --fetch-cert`), or an http(s):// URL.
    /// Without it, the certificate is fetched from the cluster.
    /// `seal` and the main job take it once per cluster: NAME=PATH (or URL), a
    /// path named after its stem, or a name from .sealtoken.toml [clusters];
    /// -w then contains {cluster}.
    #[arg(long, env = "SEALED_SECRETS_CERT", value_name = "FILE", action = clap::ArgAction::Append)]
    pub cert: Vec<String>,

    /// Refuse the certificate unless its SHA-256 fingerprint is this (hex; colons allowed).
    #[arg(long, value_name = "HEX")]
    pub cert_sha256: Option<String>,

    /// Seal even with an expired certificate (the controller may still hold its key).
    #[arg(long)]
    pub allow_expired_cert: bool,

    /// Refuse a certificate URL that is plain http:// (anyone on the network
    /// path could replace the certificate); also `[cert] require-https = true`
    /// in .sealtoken.toml.
    #[arg(long)]
    pub require_https: bool,

    // The controller to fetch the certificate from when there is no --cert.
    #[command(flatten)]
    pub controller: ControllerArgs,
}

/// Which sealed-secrets controller to ask, and through which kubeconfig.
#[derive(Debug, Clone, Args)]
pub struct ControllerArgs {
    /// Namespace of the sealed-secrets controller (for fetching its certificate).
    #[arg(
        long,
        env = "SEALED_SECRETS_CONTROLLER_NAMESPACE",
        default_value = "kube-system",
        value_name = "NS"
    )]
    pub controller_namespace: String,

    /// Name of the sealed-secrets controller service (for fetching its certificate).
    #[arg(
        long,
        env = "SEALED_SECRETS_CONTROLLER_NAME",
        default_value = "sealed-secrets-controller",
        value_name = "NAME"
    )]
    pub controller_name: String,

    /// Kubeconfig file for fetching the certificate from the cluster
    /// (default: $KUBECONFIG, else ~/.kube/config).
    #[arg(long, env = "SEALED_SECRETS_KUBECONFIG", value_name = "PATH")]
    pub kubeconfig: Option<PathBuf>,

    /// Kubeconfig context for fetching the certificate (default: the current context).
    #[arg(long, env = "SEALED_SECRETS_CONTEXT", value_name = "NAME")]
    pub context: Option<String>,

    /// kubectl's cluster flags, where the command takes them (`seal`, the
    /// binary run as `kubeseal`, `fetch-cert`): filled in by [`parse`] from
    /// that command's [`KubectlArgs`].
    #[arg(skip)]
    pub kubectl: Option<KubectlArgs>,
}

/// kubectl's flags for reaching a cluster (client-go's
/// `RecommendedConfigOverrideFlags`), which kubeseal accepts: each overrides
/// the kubeconfig, and `--server` with `--token` needs no kubeconfig at all.
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Cluster access (kubectl's flags)")]
pub struct KubectlArgs {
    /// The address and port of the Kubernetes API server.
    #[arg(short = 's', long, value_name = "URL")]
    pub server: Option<String>,

    /// Bearer token for authentication to the API server.
    #[arg(long, value_name = "TOKEN")]
    pub token: Option<SecretArg>,

    /// Path to a cert file for the certificate authority.
    #[arg(long, value_name = "FILE")]
    pub certificate_authority: Option<PathBuf>,

    /// Path to a client certificate file for TLS.
    #[arg(long, value_name = "FILE")]
    pub client_certificate: Option<PathBuf>,

    /// Path to a client key file for TLS.
    #[arg(long, value_name = "FILE")]
    pub client_key: Option<PathBuf>,

    /// Do not check the server's certificate (insecure).
    #[arg(long)]
    pub insecure_skip_tls_verify: bool,

    /// Proxy URL for requests to the API server.
    #[arg(long, value_name = "URL")]
    pub proxy_url: Option<String>,

    /// Server name to use for server certificate validation.
    #[arg(long, value_name = "NAME")]
    pub tls_server_name: Option<String>,

    /// The name of the kubeconfig cluster to use.
    #[arg(long, value_name = "NAME")]
    pub cluster: Option<String>,

    /// The name of the kubeconfig user to use.
    #[arg(long, value_name = "NAME")]
    pub user: Option<String>,

    /// Username for basic authentication to the API server.
    #[arg(long, value_name = "NAME")]
    pub username: Option<String>,

    /// Password for basic authentication to the API server.
    #[arg(long, value_name = "PASSWORD")]
    pub password: Option<SecretArg>,

    /// Username to impersonate for the operation.
    #[arg(long = "as", value_name = "USER")]
    pub as_user: Option<String>,

    /// Group to impersonate for the operation; repeatable.
    #[arg(long = "as-group", value_name = "GROUP")]
    pub as_group: Vec<String>,

    /// The length of time to wait before giving up on a single server
    /// request: seconds, or a duration such as 1s, 2m, 3h; 0 means the default.
    #[arg(long, value_name = "DURATION")]
    pub request_timeout: Option<String>,

    /// Log level (accepted for kubectl's and kubeseal's command lines; sealtoken's
    /// messages do not change with it).
    #[arg(short = 'v', long = "v", value_name = "LEVEL")]
    pub verbosity: Option<String>,
}

/// A secret given on the command line (`--token`, `--password`): never shown
/// by `Debug`, wiped when dropped.
#[derive(Clone)]
#[cfg_attr(not(feature = "cluster"), allow(dead_code))]
pub struct SecretArg(pub zeroize::Zeroizing<String>);

impl std::fmt::Debug for SecretArg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretArg(<redacted>)")
    }
}

impl std::str::FromStr for SecretArg {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(SecretArg(zeroize::Zeroizing::new(s.to_owned())))
    }
}

/// Output layouts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Json,
    Yaml,
}

/// A sealing scope on the command line: the values come from [`Scope::ALL`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScopeArg(pub Scope);

impl ValueEnum for ScopeArg {
    fn value_variants<'a>() -> &'a [Self] {
        static ALL: OnceLock<Vec<ScopeArg>> = OnceLock::new();
        ALL.get_or_init(|| Scope::ALL.iter().map(|s| ScopeArg(*s)).collect())
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(PossibleValue::new(self.0.as_str()))
    }
}

impl From<ScopeArg> for Scope {
    fn from(s: ScopeArg) -> Scope {
        s.0
    }
}

impl From<OutputFormat> for Format {
    fn from(f: OutputFormat) -> Format {
        match f {
            OutputFormat::Json => Format::Json,
            OutputFormat::Yaml => Format::Yaml,
        }
    }
}

const COMPLETIONS_EXAMPLES: &str = "\
Example:
  sealtoken completions bash > /etc/bash_completion.d/sealtoken";

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    pub shell: clap_complete::Shell,
}

const MAN_EXAMPLES: &str = "\
Examples:
  sealtoken man | man -l -
  sealtoken man --dir /usr/local/share/man/man1";

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write sealtoken.1 and a page per subcommand (sealtoken-seal.1, …) here.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,

    /// Replace pages that already exist in --dir.
    #[arg(long, requires = "dir")]
    pub force: bool,
}
