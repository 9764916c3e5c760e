//! `seal` (kubeseal's flags), `unseal`, `cert-info` and `fetch-cert`.

use std::path::PathBuf;

use clap::Args;

use super::*;

pub(super) const SEAL_EXAMPLES: &str = "\
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

    /// Where to write the SealedSecret(s) (default: stdout); replaced
    /// atomically. A name ending in .yaml or .yml is written as YAML whatever
    /// -o says, as kubeseal does.
    #[arg(short = 'w', long = "sealed-secret-file", value_name = "FILE")]
    pub sealed_secret_file: Option<PathBuf>,

    /// Namespace for Secrets that have none; a Secret in another namespace is refused.
    #[arg(short = 'n', long, env = "SEALED_SECRETS_NAMESPACE", value_name = "NS")]
    pub namespace: Option<String>,

    /// Sealing scope (default: from the Secret's annotations, else strict).
    #[arg(long, value_enum, env = "SEALED_SECRETS_SCOPE")]
    pub scope: Option<ScopeArg>,

    /// Output format (default json; yaml whenever -w ends in .yaml/.yml); any
    /// case (`YAML`, `Json`), as kubeseal lower-cases it.
    #[arg(
        short = 'o',
        long,
        value_enum,
        ignore_case = true,
        env = "SEALED_SECRETS_FORMAT"
    )]
    pub format: Option<OutputFormat>,

    /// Seal one raw value (from stdin or --from-file) and print only its base64.
    #[arg(long)]
    pub raw: bool,

    /// With --raw: the Secret's name. Otherwise: replaces metadata.name.
    #[arg(long)]
    pub name: Option<String>,

    /// With --raw: read the value from this file ([key=]path; the key is ignored).
    #[arg(long = "from-file", value_name = "[KEY=]PATH", value_delimiter = ',')]
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

    #[command(flatten)]
    pub kubectl: KubectlArgs,
}

impl SealArgs {
    /// Hands kubectl's flags to the controller arguments (see [`parse`]).
    pub(super) fn finish(mut self) -> Self {
        self.cert.controller.kubectl = Some(std::mem::take(&mut self.kubectl));
        self
    }
}

pub(super) const UNSEAL_EXAMPLES: &str = "\
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

    /// Output format (any case).
    #[arg(
        short = 'o',
        long,
        value_enum,
        ignore_case = true,
        default_value = "yaml"
    )]
    pub format: OutputFormat,
}

pub(super) const CERT_INFO_EXAMPLES: &str = "\
Example:
  sealtoken cert-info --cert pub.pem";

#[derive(Debug, Args)]
pub struct CertInfoArgs {
    #[command(flatten)]
    pub cert: CertArgs,
}

pub(super) const FETCH_CERT_EXAMPLES: &str = "\
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

    #[command(flatten)]
    pub kubectl: KubectlArgs,
}

impl FetchCertArgs {
    /// Hands kubectl's flags to the controller arguments (see [`parse`]).
    pub(super) fn finish(mut self) -> Self {
        self.cert.controller.kubectl = Some(std::mem::take(&mut self.kubectl));
        self
    }
}
