//! The main job, `webhook-path`, `receiver test`, `receivers` and `rotate`.

use std::path::PathBuf;
use std::sync::OnceLock;

use clap::builder::PossibleValue;
use clap::{Args, Subcommand, ValueEnum};
use flux_receiver::ReceiverType;

use super::*;

#[derive(Debug, Clone, Args)]
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

    /// Seal a token read with --token-stdin/--token-file-in even when it is
    /// under 128 bits (32 hex characters, or 16 bytes of other text).
    #[arg(long)]
    pub allow_weak_token: bool,

    /// Record the webhook URL in the Secret's annotation even for a Receiver
    /// type whose URL is its only credential (generic, quay, dockerhub,
    /// acr, cdevents): the annotation is committed in plain.
    #[arg(long)]
    pub annotate_url: bool,

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
    /// prints full webhook URLs. `auto`, or no --host in a Git work tree that
    /// declares exactly one: the host of the repository's HTTPRoute or Ingress
    /// to the webhook-receiver Service.
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
    /// Also accepted as `flux create secret receiver`'s --email-claim.
    #[arg(long, value_name = "EMAIL", alias = "email-claim")]
    pub gcr_email: Option<String>,

    /// gcr: the audience of the Pub/Sub push subscription's ID token, sealed as
    /// the Secret's `audience` key (default: the Receiver's webhook URL, with --host).
    /// Also accepted as `flux create secret receiver`'s --audience-claim.
    #[arg(long, value_name = "AUDIENCE", alias = "audience-claim")]
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

    #[command(flatten)]
    pub spec: SpecArgs,

    /// CEL expression over res, req (and claims for generic-oidc) written as
    /// spec.resourceFilter: only resources for which it is true are reconciled.
    #[arg(long, value_name = "EXPR", help_heading = "Receiver manifests")]
    pub resource_filter: Option<String>,
}

/// One flag of a group whose meaning depends on the flag before it: the
/// resources (`--resource`, then its `--resource-label` and `--filter`) and
/// the OIDC providers (`--oidc-issuer`, then its `--oidc-audience`,
/// `--oidc-variable`, `--oidc-validation` and the `--oidc-message` of that
/// validation), in command-line order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SpecFlag {
    Resource(String),
    ResourceLabel(String),
    Filter(String),
    OidcIssuer(String),
    OidcAudience(String),
    OidcVariable(String),
    OidcValidation(String),
    OidcMessage(String),
}

impl SpecFlag {
    /// The flag's name, for messages.
    pub fn flag(&self) -> &'static str {
        match self {
            SpecFlag::Resource(_) => "--resource",
            SpecFlag::ResourceLabel(_) => "--resource-label",
            SpecFlag::Filter(_) => "--filter",
            SpecFlag::OidcIssuer(_) => "--oidc-issuer",
            SpecFlag::OidcAudience(_) => "--oidc-audience",
            SpecFlag::OidcVariable(_) => "--oidc-variable",
            SpecFlag::OidcValidation(_) => "--oidc-validation",
            SpecFlag::OidcMessage(_) => "--oidc-message",
        }
    }
}

/// The Receiver spec flags, in command-line order (clap keeps each flag's
/// values apart; their order across flags is what groups them).
#[derive(Debug, Clone, Default)]
pub struct SpecArgs {
    pub flags: Vec<SpecFlag>,
}

type MakeFlag = fn(String) -> SpecFlag;

/// (long name, value name, help, constructor) of each grouped flag.
const SPEC_FLAGS: [(&str, &str, &str, MakeFlag); 8] = [
    ("resource", "KIND/NAME", "A resource the Receivers reconcile instead of --git-repository/--image-repository (repeatable): KIND/NAME, KIND/NAMESPACE/NAME, or KIND/* with --resource-label", SpecFlag::Resource),
    ("resource-label", "KEY=VALUE", "A matchLabels entry of the KIND/* --resource before it (repeatable)", SpecFlag::ResourceLabel),
    ("filter", "EXPR", "CEL expression written as the filter of the --resource before it", SpecFlag::Filter),
    ("oidc-issuer", "URL", "generic-oidc: an OIDC issuer (repeatable); the --oidc-audience, --oidc-variable and --oidc-validation after it are its own", SpecFlag::OidcIssuer),
    ("oidc-audience", "AUDIENCE", "generic-oidc: the audience of the --oidc-issuer before it [default: notification-controller]", SpecFlag::OidcAudience),
    ("oidc-variable", "NAME=EXPR", "generic-oidc: a CEL variable (vars.NAME) of the --oidc-issuer before it (repeatable)", SpecFlag::OidcVariable),
    ("oidc-validation", "EXPR", "generic-oidc: a CEL validation of the --oidc-issuer before it (at least one per issuer; repeatable)", SpecFlag::OidcValidation),
    ("oidc-message", "MESSAGE", "generic-oidc: the message of the --oidc-validation before it [default: one naming the expression]", SpecFlag::OidcMessage),
];

impl clap::FromArgMatches for SpecArgs {
    fn from_arg_matches(m: &clap::ArgMatches) -> Result<Self, clap::Error> {
        let mut flags = Self::default();
        flags.update_from_arg_matches(m)?;
        Ok(flags)
    }

    fn update_from_arg_matches(&mut self, m: &clap::ArgMatches) -> Result<(), clap::Error> {
        let mut ordered: Vec<(usize, SpecFlag)> = Vec::new();
        for (long, _, _, make) in SPEC_FLAGS {
            let (Ok(Some(values)), Some(indices)) =
                (m.try_get_many::<String>(long), m.indices_of(long))
            else {
                continue;
            };
            ordered.extend(indices.zip(values.cloned().map(make)));
        }
        ordered.sort_by_key(|(i, _)| *i);
        self.flags = ordered.into_iter().map(|(_, f)| f).collect();
        Ok(())
    }
}

impl Args for SpecArgs {
    fn augment_args(mut cmd: clap::Command) -> clap::Command {
        for (long, value, help, _) in SPEC_FLAGS {
            cmd = cmd.arg(
                clap::Arg::new(long)
                    .long(long)
                    .value_name(value)
                    .help(help)
                    .help_heading("Receiver manifests")
                    .action(clap::ArgAction::Append),
            );
        }
        cmd
    }

    fn augment_args_for_update(cmd: clap::Command) -> clap::Command {
        Self::augment_args(cmd)
    }
}

pub(super) const WEBHOOK_EXAMPLES: &str = "\
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

/// A Receiver `spec.type` on the command line: the values come from
/// [`ReceiverType::ALL`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReceiverTypeArg(pub ReceiverType);

impl ValueEnum for ReceiverTypeArg {
    fn value_variants<'a>() -> &'a [Self] {
        static ALL: OnceLock<Vec<ReceiverTypeArg>> = OnceLock::new();
        ALL.get_or_init(|| {
            ReceiverType::ALL
                .iter()
                .map(|t| ReceiverTypeArg(*t))
                .collect()
        })
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(PossibleValue::new(self.0.as_str()))
    }
}

impl From<ReceiverTypeArg> for ReceiverType {
    fn from(t: ReceiverTypeArg) -> ReceiverType {
        t.0
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

pub(super) const RECEIVER_TEST_EXAMPLES: &str = "\
Examples:
  sealtoken receiver test --receiver tenant-demo-github -n flux-system --host flux.example.org < token.txt
  sealtoken receiver test https://flux.example.org/hook/… --provider gitlab --token-file token.txt
  sealtoken receiver test --receiver apps-generic -n flux-system --host flux.example.org \
      --provider generic --payload event.json --retries 10 --retry-delay 10s < token.txt
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

    /// The body to send instead of the test payload (generic, generic-hmac,
    /// generic-oidc): a JSON file, e.g. what a resourceFilter reads as req.
    #[arg(long, value_name = "FILE")]
    pub payload: Option<PathBuf>,

    /// Retry this many times on 404 (a Receiver not Ready yet), 408, 429,
    /// 500, 502, 503, 504 and connection errors, as flux trigger receiver does.
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub retries: u32,

    /// The delay between retries: a duration in ms, s, m and h, such as 10s, 500ms or 1m30s.
    #[arg(long, default_value = "10s", value_name = "DURATION")]
    pub retry_delay: String,
}

pub(super) const RECEIVERS_EXAMPLES: &str = "\
Examples:
  sealtoken receivers clusters/ tenants/ --host flux.example.org < token.txt
  sealtoken receivers . --token-file token.txt --report json | jq -r '.receivers[].url'";

#[derive(Debug, Args)]
pub struct ReceiversArgs {
    /// Files and directories to read (default: .); a kustomization's namespace applies.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Print full URLs for this host (default: each host the repository's
    /// HTTPRoutes and Ingresses declare, per cluster; `auto`: those, or an error).
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

pub(super) const CLUSTERS_EXAMPLES: &str = "\
Examples:
  sealtoken clusters
  sealtoken clusters . --format json | jq -r '.clusters[] | .name + \" \" + .webhook_hosts[0].host'
  sealtoken clusters --write-config    # then check the fingerprints it shows";

#[derive(Debug, Args)]
pub struct ClustersArgs {
    /// The repository, or the directory of it to read (default: .).
    #[arg(value_name = "PATH")]
    pub path: Option<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: ClustersFormat,

    /// Add each cluster to .sealtoken.toml with its certificate URL and the
    /// SHA-256 of the certificate fetched now (entries that exist are kept).
    #[arg(long)]
    pub write_config: bool,

    /// Namespace Flux runs in: its webhook-receiver Service is looked for there.
    #[arg(long, default_value = "flux-system", value_name = "NS")]
    pub flux_namespace: String,

    /// Name of the sealed-secrets controller's Service the certificate routes lead to.
    #[arg(
        long,
        env = "SEALED_SECRETS_CONTROLLER_NAME",
        default_value = "sealed-secrets-controller",
        value_name = "NAME"
    )]
    pub controller_name: String,

    /// With --write-config: refuse a plain http:// certificate URL.
    #[arg(long)]
    pub require_https: bool,
}

/// `clusters --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ClustersFormat {
    Text,
    Json,
}

pub(super) const ROTATE_EXAMPLES: &str = "\
Examples:
  sealtoken rotate -f flux-webhook-token.sealed.yaml --cert pub.pem --receivers-from clusters/ --host flux.example.org
  sealtoken rotate -f webhook-token.sealed.json --cert pub.pem --receiver tenant-demo-github --token-file new-token.txt";

#[derive(Debug, Clone, Args)]
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

    /// Print full URLs for this host. `auto`, or no --host in a Git work tree
    /// that declares exactly one: the repository's webhook host.
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
