//! Every command-line definition (clap), and nothing else.
//!
//! This module is a leaf: it imports no other module of the binary, and the
//! commands import their argument types from here. Layout, top to bottom:
//! the top-level [`Cli`] and its [`Command`] enum; argument groups shared by
//! several commands ([`CertArgs`], [`ControllerArgs`]); value enums and their
//! conversions to library types; then one section per subcommand, in the
//! order of [`Command`], with its examples and its `…Args` struct.
//!
//! A new subcommand: a variant in [`Command`] (with its `after_help`
//! examples), its `…Args` struct in a new section here, a module in
//! `src/commands/` with a `run(&…Args) -> CliResult`, and one line in
//! `commands::run`. A new flag shared by several commands goes into a group
//! (a struct flattened with `#[command(flatten)]`).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use flux_receiver::ReceiverType;
use kubeseal_core::{Format, Scope};

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
    version,
    about = "sealtoken run as kubeseal: seal Secrets with kubeseal's flags and output (= sealtoken seal).",
    after_help = SEAL_EXAMPLES
)]
pub struct KubesealCli {
    #[command(flatten)]
    pub seal: SealArgs,
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
}

/// Output layouts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Json,
    Yaml,
}

/// Sealing scopes, as kubeseal names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ScopeArg {
    Strict,
    NamespaceWide,
    ClusterWide,
}

impl From<ScopeArg> for Scope {
    fn from(s: ScopeArg) -> Scope {
        match s {
            ScopeArg::Strict => Scope::Strict,
            ScopeArg::NamespaceWide => Scope::NamespaceWide,
            ScopeArg::ClusterWide => Scope::ClusterWide,
        }
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

#[derive(Debug, Args)]
pub struct TokenArgs {
    #[command(flatten)]
    pub cert: CertArgs,

    /// Namespace of the token Secret and the Receivers.
    #[arg(short = 'n', long, default_value = "flux-system", value_name = "NS")]
    pub namespace: String,

    /// Name of the token Secret (the Receivers' secretRef).
    #[arg(long, default_value = "webhook-token")]
    pub name: String,

    /// Key of the token in the Secret (Flux reads `token`).
    #[arg(long, default_value = "token")]
    pub key: String,

    /// Random bytes in a new token; it is written as 2×N hex characters.
    #[arg(long, default_value_t = flux_receiver::DEFAULT_TOKEN_BYTES, value_name = "N")]
    pub bytes: usize,

    /// Read the token from stdin instead of generating one (rotation, resealing).
    #[arg(long, conflicts_with = "token_file_in")]
    pub token_stdin: bool,

    /// Read the token from this file instead of generating one.
    #[arg(long, value_name = "PATH")]
    pub token_file_in: Option<PathBuf>,

    /// Write the token to this new file (mode 0600) instead of showing it.
    #[arg(long, value_name = "PATH")]
    pub token_file: Option<PathBuf>,

    /// Write the SealedSecret to this file (atomically) instead of stdout.
    #[arg(short = 'w', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Replace output files that already exist.
    #[arg(long)]
    pub force: bool,

    /// Output format of the SealedSecret.
    #[arg(short = 'o', long, value_enum, default_value = "yaml")]
    pub format: OutputFormat,

    /// Sealing scope.
    #[arg(
        long,
        value_enum,
        default_value = "strict",
        env = "SEALED_SECRETS_SCOPE"
    )]
    pub scope: ScopeArg,

    /// Name of a Flux Receiver using this token: prints its webhook path (repeatable).
    #[arg(long = "receiver", value_name = "NAME")]
    pub receivers: Vec<String>,

    /// Host name the notification-controller is reached at, e.g. flux.example.org:
    /// prints full webhook URLs.
    #[arg(long, value_name = "HOST")]
    pub host: Option<String>,

    /// Receiver type (repeatable): any type the notification-controller accepts.
    /// With --git-repository/--image-repository, Receivers are named
    /// <repository>-<type> unless --receiver names them.
    #[arg(long = "provider", alias = "type", value_enum, value_name = "TYPE")]
    pub providers: Vec<ReceiverTypeArg>,

    /// Write a Receiver manifest per Receiver (and, with --git-repository, a
    /// GitRepository interval patch) into this directory.
    #[arg(long, value_name = "DIR")]
    pub receiver_manifests: Option<PathBuf>,

    /// The GitRepository the Receivers of Git hosts and generic types reconcile
    /// (NAME or NAMESPACE/NAME).
    #[arg(long, value_name = "NAME")]
    pub git_repository: Option<String>,

    /// The ImageRepository the Receivers of registries (harbor, dockerhub, quay,
    /// gcr, nexus, acr) reconcile (NAME or NAMESPACE/NAME).
    #[arg(long, value_name = "NAME")]
    pub image_repository: Option<String>,

    /// gcr: the service account email of the Pub/Sub push subscription,
    /// sealed as the Secret's `email` key (the controller checks the ID token's email).
    #[arg(long, value_name = "EMAIL")]
    pub gcr_email: Option<String>,

    /// gcr: the audience of the Pub/Sub push subscription's ID token, sealed as
    /// the Secret's `audience` key (default: the Receiver's webhook URL, with --host).
    #[arg(long, value_name = "AUDIENCE")]
    pub gcr_audience: Option<String>,

    /// Print a JSON report (Receivers, paths, URLs, files written, scope,
    /// certificate fingerprint) on stdout instead of text; needs -w.
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub report: Option<ReportFormat>,

    /// Include the token in the JSON report.
    #[arg(long, requires = "report")]
    pub report_include_token: bool,

    /// Polling interval for the GitRepository once webhooks work (written in the patch).
    #[arg(long, default_value = "1h", value_name = "DURATION")]
    pub interval: String,

    /// Do not label the Secret reconcile.fluxcd.io/watch: Enabled (without the label the
    /// notification-controller sees a new token only at the Receiver's interval, 10m by default).
    #[arg(long)]
    pub no_watch_label: bool,
}

const SEAL_EXAMPLES: &str = "\
Examples:
  sealtoken seal -f secret.yaml -w secret.sealed.yaml --cert pub.pem -n apps
  kubectl create secret generic db --from-literal=password=s3cr3t \\
      --dry-run=client -o yaml | sealtoken seal --cert pub.pem -n apps -o yaml
  # Ask the controller whether it can decrypt it; have it re-encrypt it:
  sealtoken seal --validate -f db.sealed.yaml
  sealtoken seal --re-encrypt -f db.sealed.yaml
  # One value for a SealedSecret's encryptedData:
  printf %s \"$PASSWORD\" | sealtoken seal --raw --cert pub.pem -n apps --name db
  # Add or change keys of an existing SealedSecret:
  sealtoken seal -f new-keys.yaml --merge-into db.sealed.yaml --cert pub.pem";

#[derive(Debug, Args)]
pub struct SealArgs {
    #[command(flatten)]
    pub cert: CertArgs,

    /// The Secret(s) to seal, YAML or JSON (default: stdin).
    #[arg(short = 'f', long = "secret-file", value_name = "FILE")]
    pub secret_file: Option<PathBuf>,

    /// Where to write the SealedSecret(s) (default: stdout); replaced atomically.
    #[arg(short = 'w', long = "sealed-secret-file", value_name = "FILE")]
    pub sealed_secret_file: Option<PathBuf>,

    /// Namespace for Secrets that have none; a Secret in another namespace is refused.
    #[arg(short = 'n', long, env = "SEALED_SECRETS_NAMESPACE", value_name = "NS")]
    pub namespace: Option<String>,

    /// Sealing scope (default: from the Secret's annotations, else strict).
    #[arg(long, value_enum, env = "SEALED_SECRETS_SCOPE")]
    pub scope: Option<ScopeArg>,

    /// Output format (default json, or yaml when -w ends in .yaml/.yml).
    #[arg(short = 'o', long, value_enum, env = "SEALED_SECRETS_FORMAT")]
    pub format: Option<OutputFormat>,

    /// Seal one raw value (from stdin or --from-file) and print only its base64.
    #[arg(long)]
    pub raw: bool,

    /// With --raw: the Secret's name. Otherwise: replaces metadata.name.
    #[arg(long)]
    pub name: Option<String>,

    /// With --raw: read the value from this file ([key=]path; the key is ignored).
    #[arg(long = "from-file", value_name = "[KEY=]PATH")]
    pub from_file: Vec<String>,

    /// Merge the sealed values into this existing SealedSecret file (in place).
    #[arg(long, value_name = "FILE")]
    pub merge_into: Option<PathBuf>,

    /// Seal Secrets that have no data.
    #[arg(long)]
    pub allow_empty_data: bool,

    /// Print the controller's certificate (or write it with -w) instead of sealing.
    #[arg(long)]
    pub fetch_cert: bool,

    /// Ask the controller whether it can decrypt the SealedSecret(s) of -f
    /// (or stdin); exit 1 if not. Needs cluster access, not the certificate.
    #[arg(long)]
    pub validate: bool,

    /// Have the controller re-encrypt the SealedSecret(s) of -f (or stdin)
    /// with its newest key; without -w, a -f file is replaced in place.
    #[arg(long)]
    pub re_encrypt: bool,

    /// Deprecated name of --re-encrypt.
    #[arg(long, hide = true)]
    pub rotate: bool,

    /// Decrypt the SealedSecret(s) of -f (or stdin) with --recovery-private-key
    /// (disaster recovery; the output is a plaintext Secret).
    #[arg(long)]
    pub recovery_unseal: bool,

    /// With --recovery-unseal: private key files, key backups (`kubectl get
    /// secret -l sealedsecrets.bitnami.com/sealed-secrets-key -o yaml`) or
    /// folders of them; repeatable or comma-separated.
    #[arg(long, value_name = "FILE", value_delimiter = ',')]
    pub recovery_private_key: Vec<PathBuf>,
}

const UNSEAL_EXAMPLES: &str = "\
Examples:
  sealtoken unseal --key controller.key -f webhook-token.sealed.yaml
  kubectl get secret -n kube-system -o yaml \\
      -l sealedsecrets.bitnami.com/sealed-secrets-key > main.key
  sealtoken unseal --key main.key -f app.sealed.json -o yaml
  sealtoken unseal --key main.key -n apps -f overlays/prod/db.sealed.yaml";

#[derive(Debug, Args)]
pub struct UnsealArgs {
    /// The controller's private keys: PEM (PKCS#1 or PKCS#8), a key backup
    /// (`kubectl get secret -l sealedsecrets.bitnami.com/sealed-secrets-key -o yaml`,
    /// or -o json), or a folder of these; repeatable or comma-separated. Every key is tried.
    #[arg(
        long = "key",
        alias = "recovery-private-key",
        value_name = "FILE",
        value_delimiter = ',',
        required = true
    )]
    pub keys: Vec<PathBuf>,

    /// Namespace of SealedSecrets that have none (kustomize and Helm often
    /// leave it out); a SealedSecret in another namespace is refused.
    #[arg(short = 'n', long, value_name = "NS")]
    pub namespace: Option<String>,

    /// The SealedSecret(s) (default: stdin).
    #[arg(
        short = 'f',
        long = "sealed-secret-file",
        alias = "secret-file",
        value_name = "FILE"
    )]
    pub input: Option<PathBuf>,

    /// Write the plaintext Secret(s) to this new file (mode 0600) instead of stdout.
    #[arg(short = 'w', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Replace the -w file if it exists.
    #[arg(long)]
    pub force: bool,

    /// Output format.
    #[arg(short = 'o', long, value_enum, default_value = "yaml")]
    pub format: OutputFormat,
}

const CHECK_EXAMPLES: &str = "\
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

const DOCTOR_EXAMPLES: &str = "\
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

const KEYS_EXAMPLES: &str = "\
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

const WEBHOOK_EXAMPLES: &str = "\
Example:
  sealtoken webhook-path --receiver tenant-demo-github -n flux-system \\
      --host flux.example.org < token.txt";

#[derive(Debug, Args)]
pub struct WebhookPathArgs {
    /// Receiver name(s) (repeatable).
    #[arg(long = "receiver", value_name = "NAME", required = true)]
    pub receivers: Vec<String>,

    /// Namespace of the Receiver(s).
    #[arg(short = 'n', long, default_value = "flux-system", value_name = "NS")]
    pub namespace: String,

    /// Print full URLs for this host.
    #[arg(long, value_name = "HOST")]
    pub host: Option<String>,
}

const CERT_INFO_EXAMPLES: &str = "\
Example:
  sealtoken cert-info --cert pub.pem";

#[derive(Debug, Args)]
pub struct CertInfoArgs {
    #[command(flatten)]
    pub cert: CertArgs,
}

const FETCH_CERT_EXAMPLES: &str = "\
Examples:
  # From the controller in the current kubeconfig context:
  sealtoken fetch-cert -w pub.pem
  sealtoken fetch-cert --context prod --controller-namespace sealed-secrets \\
      -w prod.pem
  # Then seal offline, refusing any other certificate:
  sealtoken seal --cert pub.pem --cert-sha256 \"$PIN\" -f secret.yaml
  # ($PIN: the sha256 fetch-cert printed, 64 hex digits)";

#[derive(Debug, Args)]
pub struct FetchCertArgs {
    #[command(flatten)]
    pub cert: CertArgs,

    /// Write the certificate to this file (atomically) instead of stdout.
    #[arg(short = 'w', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Replace the file if it already exists.
    #[arg(long)]
    pub force: bool,
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

/// Every Receiver `spec.type` the notification-controller accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReceiverTypeArg {
    #[value(name = "generic")]
    Generic,
    #[value(name = "generic-hmac")]
    GenericHmac,
    #[value(name = "generic-oidc")]
    GenericOidc,
    #[value(name = "github")]
    Github,
    #[value(name = "gitlab")]
    Gitlab,
    #[value(name = "bitbucket")]
    Bitbucket,
    #[value(name = "harbor")]
    Harbor,
    #[value(name = "dockerhub")]
    Dockerhub,
    #[value(name = "quay")]
    Quay,
    #[value(name = "gcr")]
    Gcr,
    #[value(name = "nexus")]
    Nexus,
    #[value(name = "acr")]
    Acr,
    #[value(name = "cdevents")]
    Cdevents,
}

impl From<ReceiverTypeArg> for ReceiverType {
    fn from(t: ReceiverTypeArg) -> ReceiverType {
        match t {
            ReceiverTypeArg::Generic => ReceiverType::Generic,
            ReceiverTypeArg::GenericHmac => ReceiverType::GenericHmac,
            ReceiverTypeArg::GenericOidc => ReceiverType::GenericOidc,
            ReceiverTypeArg::Github => ReceiverType::GitHub,
            ReceiverTypeArg::Gitlab => ReceiverType::GitLab,
            ReceiverTypeArg::Bitbucket => ReceiverType::Bitbucket,
            ReceiverTypeArg::Harbor => ReceiverType::Harbor,
            ReceiverTypeArg::Dockerhub => ReceiverType::DockerHub,
            ReceiverTypeArg::Quay => ReceiverType::Quay,
            ReceiverTypeArg::Gcr => ReceiverType::Gcr,
            ReceiverTypeArg::Nexus => ReceiverType::Nexus,
            ReceiverTypeArg::Acr => ReceiverType::Acr,
            ReceiverTypeArg::Cdevents => ReceiverType::CdEvents,
        }
    }
}

/// Machine-readable reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Json,
}

#[derive(Debug, Args)]
pub struct ReceiverArgs {
    #[command(subcommand)]
    pub command: ReceiverCommand,
}

#[derive(Debug, Subcommand)]
pub enum ReceiverCommand {
    /// Send the sender's own test delivery (GitHub ping, GitLab Push Hook, ...) to
    /// a webhook URL; exit 0 only when the Receiver accepts it.
    #[command(after_help = RECEIVER_TEST_EXAMPLES)]
    Test(ReceiverTestArgs),
}

const RECEIVER_TEST_EXAMPLES: &str = "\
Examples:
  sealtoken receiver test --receiver tenant-demo-github -n flux-system --host flux.example.org < token.txt
  sealtoken receiver test https://flux.example.org/hook/… --provider gitlab --token-file token.txt
  sealtoken receiver test --receiver apps-gcr --host flux.example.org --provider gcr \\
      --token-file token.txt --id-token-file <(gcloud auth print-identity-token --audiences=…)";

#[derive(Debug, Args)]
pub struct ReceiverTestArgs {
    /// The whole webhook URL (https://host/hook/…); or give --receiver and --host.
    #[arg(value_name = "URL")]
    pub url: Option<String>,

    /// Name of the Receiver (its path is computed from the token).
    #[arg(long, value_name = "NAME")]
    pub receiver: Option<String>,

    /// Namespace of the Receiver.
    #[arg(short = 'n', long, default_value = "flux-system", value_name = "NS")]
    pub namespace: String,

    /// Host name the notification-controller is reached at (or a base URL).
    #[arg(long, value_name = "HOST")]
    pub host: Option<String>,

    /// The Receiver type (default: guessed from the Receiver's name).
    #[arg(long, alias = "type", value_enum, value_name = "TYPE")]
    pub provider: Option<ReceiverTypeArg>,

    /// The event to send instead of the type's first documented one (github, gitlab,
    /// bitbucket, cdevents), e.g. push.
    #[arg(long, value_name = "EVENT")]
    pub event: Option<String>,

    /// Read the token from this file (default: stdin). For generic-oidc: the OIDC ID token.
    #[arg(long, value_name = "PATH")]
    pub token_file: Option<PathBuf>,

    /// The OIDC ID token for gcr (and generic-oidc), from this file.
    #[arg(long, value_name = "PATH")]
    pub id_token_file: Option<PathBuf>,
}

const RECEIVERS_EXAMPLES: &str = "\
Examples:
  sealtoken receivers clusters/ tenants/ --host flux.example.org < token.txt
  sealtoken receivers . --token-file token.txt --report json | jq -r '.receivers[].url'";

#[derive(Debug, Args)]
pub struct ReceiversArgs {
    /// Files and directories to read (default: .); a kustomization's namespace applies.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Print full URLs for this host.
    #[arg(long, value_name = "HOST")]
    pub host: Option<String>,

    /// Namespace for Receivers that get none from their manifest or a kustomization.
    #[arg(short = 'n', long, value_name = "NS")]
    pub namespace: Option<String>,

    /// Name of the token Secret: the token read applies to Receivers whose secretRef names it.
    #[arg(long, default_value = "webhook-token")]
    pub name: String,

    /// Read the token from this file (default: stdin, unless it is a terminal).
    #[arg(long, value_name = "PATH")]
    pub token_file: Option<PathBuf>,

    /// Print a JSON report instead of text.
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub report: Option<ReportFormat>,

    /// Include the token in the JSON report.
    #[arg(long, requires = "report")]
    pub report_include_token: bool,
}

const ROTATE_EXAMPLES: &str = "\
Examples:
  sealtoken rotate -f flux-webhook-token.sealed.yaml --cert pub.pem --receivers-from clusters/ --host flux.example.org
  sealtoken rotate -f webhook-token.sealed.json --cert pub.pem --receiver tenant-demo-github --token-file new-token.txt";

#[derive(Debug, Args)]
pub struct RotateArgs {
    #[command(flatten)]
    pub cert: CertArgs,

    /// The token SealedSecret to rotate (replaced atomically, its format and other keys kept).
    #[arg(short = 'f', long = "file", value_name = "FILE", required = true)]
    pub file: PathBuf,

    /// Key of the token in the Secret.
    #[arg(long, default_value = "token")]
    pub key: String,

    /// Random bytes in the new token; it is written as 2×N hex characters.
    #[arg(long, default_value_t = flux_receiver::DEFAULT_TOKEN_BYTES, value_name = "N")]
    pub bytes: usize,

    /// Write the new token to this new file (mode 0600) instead of showing it.
    #[arg(long, value_name = "PATH")]
    pub token_file: Option<PathBuf>,

    /// Find the Receivers using this Secret in these files and directories (repeatable).
    #[arg(long, value_name = "PATH")]
    pub receivers_from: Vec<PathBuf>,

    /// Name of a Receiver using this Secret (repeatable).
    #[arg(long = "receiver", value_name = "NAME")]
    pub receivers: Vec<String>,

    /// Print full URLs for this host.
    #[arg(long, value_name = "HOST")]
    pub host: Option<String>,

    /// Namespace of the Receivers when the SealedSecret has none (cluster-wide).
    #[arg(short = 'n', long, value_name = "NS")]
    pub namespace: Option<String>,

    /// Do not add the reconcile.fluxcd.io/watch: Enabled label to the Secret.
    #[arg(long)]
    pub no_watch_label: bool,

    /// Print a JSON report instead of text.
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub report: Option<ReportFormat>,

    /// Include the new token in the JSON report.
    #[arg(long, requires = "report")]
    pub report_include_token: bool,
}

const RESEAL_EXAMPLES: &str = "\
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

const EDIT_EXAMPLES: &str = "\
Examples:
  sealtoken edit app.sealed.yaml --key keys.yaml --cert pub.pem   # in $EDITOR
  sealtoken edit app.sealed.yaml --cert pub.pem --set LOG_LEVEL=debug --delete OLD
  sealtoken edit app.sealed.yaml --cert pub.pem --set-file tls.key=server.key";

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

    /// The certificate new and changed values are sealed for.
    #[command(flatten)]
    pub cert: CertArgs,
}
