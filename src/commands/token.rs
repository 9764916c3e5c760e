//! The main job: token → sealed `webhook-token` SealedSecret → webhook URLs.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{anyhow, Context};
use kubeseal_core::flux::{self, Provider};
use kubeseal_core::receiver::{self, ReceiverType};
use kubeseal_core::{
    seal_secret, ObjectRef, SealOptions, Secret, SecretValue, Token, MAX_TOKEN_BYTES,
};
use zeroize::Zeroizing;

use crate::cli::TokenArgs;
use crate::io::{self, Overwrite};
use crate::{cert_source, CliError, CliResult};

/// The fewest random bytes a webhook token may have: 128 bits, what
/// `openssl rand -hex 16` gives and the Flux docs use.
const MIN_WEBHOOK_TOKEN_BYTES: usize = 16;

/// One Receiver the token serves.
struct Receiver {
    name: String,
    provider: Option<ReceiverType>,
}

pub fn run(args: &TokenArgs) -> CliResult {
    // Check everything that can be checked before a token exists.
    for (what, v) in [("--namespace", &args.namespace), ("--name", &args.name)] {
        if !flux::is_valid_name(v) {
            bail!(
                "{what} {v:?} is not a valid Kubernetes name (lowercase letters, digits, '-', '.')"
            );
        }
    }
    if args.key.is_empty()
        || !args
            .key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._".contains(&b))
    {
        bail!(
            "--key {:?} is not a valid Secret key (letters, digits, '-', '_', '.')",
            args.key
        );
    }
    if !(MIN_WEBHOOK_TOKEN_BYTES..=MAX_TOKEN_BYTES).contains(&args.bytes) {
        bail!(
            "--bytes must be between {MIN_WEBHOOK_TOKEN_BYTES} and {MAX_TOKEN_BYTES}: \
             the token is the only secret guarding a public webhook URL, and fewer than \
             16 random bytes (128 bits) could be guessed"
        );
    }
    if !flux::is_valid_duration(&args.interval) {
        bail!(
            "--interval {:?} is not a Flux duration such as 1h or 30m",
            args.interval
        );
    }
    let git_repository = args
        .git_repository
        .as_deref()
        .map(|r| parse_ref(r, &args.namespace))
        .transpose()?;
    let receivers = receivers(args, git_repository.as_ref())?;
    if args.receiver_manifests.is_some() && receivers.iter().any(|r| r.provider.is_none()) {
        bail!("--receiver-manifests needs a provider for every Receiver: add --provider github or --provider gitlab");
    }
    let planned = planned_files(args, &receivers, git_repository.as_ref());
    if !args.force {
        for p in planned.iter().chain(&args.output) {
            if p.exists() {
                bail!("{} already exists; pass --force to replace it", p.display());
            }
        }
    }
    if let Some(p) = &args.token_file {
        if p.exists() {
            bail!(
                "{} already exists; refusing to replace a token file",
                p.display()
            );
        }
    }

    let cert = cert_source::load_cert(&args.cert)?;
    let reused = args.token_stdin || args.token_file_in.is_some();
    let token = read_or_generate_token(args)?;

    let mut secret = Secret::new(&ObjectRef::new(&args.namespace, &args.name));
    secret.insert(&args.key, SecretValue::from(token.expose()));
    if !args.no_watch_label {
        // The Receivers spec: the controller reconciles a Receiver as soon as a
        // labelled Secret changes, instead of at its next interval.
        secret.metadata.labels.insert(
            kubeseal_core::receiver::WATCH_LABEL.into(),
            kubeseal_core::receiver::WATCH_LABEL_VALUE.into(),
        );
    }
    let urls: Vec<(String, Option<String>)> = receivers
        .iter()
        .map(|r| {
            let me = ObjectRef::new(&args.namespace, &r.name);
            let path = if r.provider == Some(ReceiverType::GenericOidc) {
                // No token Secret: the controller hashes an empty token.
                receiver::oidc_webhook_path(&me)
            } else {
                flux::webhook_path(&token, &me)
            };
            let url = args.host.as_deref().map(|h| flux::webhook_url(h, &path));
            (path, url)
        })
        .collect();
    if let [(_, Some(url))] = urls.as_slice() {
        // As `flux create secret receiver` does: the URL, on the Secret, for the record.
        secret
            .metadata
            .annotations
            .insert(flux::WEBHOOK_URL_ANNOTATION.into(), url.clone());
    }
    let opts = SealOptions::new()
        .scope(args.scope.into())
        .allow_expired_certificate(args.cert.allow_expired_cert);
    let sealed = seal_secret(&cert, &secret, &opts).map_err(CliError::failed)?;
    drop(secret);
    let manifest = sealed.to_string(args.format.into());

    // Token file first: if the manifest cannot be written, remove it again,
    // so that no token exists without its sealed Secret or the other way round.
    if let Some(p) = &args.token_file {
        io::write_private_new(p, token.expose().as_bytes()).map_err(CliError::failed)?;
    }
    let overwrite = if args.force {
        Overwrite::Replace
    } else {
        Overwrite::Refuse
    };
    let written = match &args.output {
        Some(p) => io::write_atomic(p, manifest.as_bytes(), overwrite, None).map(|()| true),
        None => io::write_stdout(manifest.as_bytes()).map(|()| false),
    };
    if let Err(e) = written {
        if let Some(p) = &args.token_file {
            let _ = std::fs::remove_file(p);
        }
        return Err(CliError::failed(e));
    }
    if let (Some(dir), Some(repo)) = (&args.receiver_manifests, &git_repository) {
        write_receiver_files(args, dir, &receivers, repo, overwrite).map_err(CliError::failed)?;
    }

    let report = report(
        args,
        &token,
        reused,
        &receivers,
        &urls,
        git_repository.as_ref(),
    );
    if args.output.is_some() {
        io::write_stdout(report.as_bytes())?;
    } else {
        eprint!("{}", report.as_str());
    }
    Ok(ExitCode::SUCCESS)
}

/// `NAME` or `NAMESPACE/NAME`.
fn parse_ref(s: &str, default_ns: &str) -> anyhow::Result<ObjectRef> {
    let (ns, name) = s.split_once('/').unwrap_or((default_ns, s));
    if !flux::is_valid_name(ns) || !flux::is_valid_name(name) {
        bail!("--git-repository {s:?} is not NAME or NAMESPACE/NAME with valid Kubernetes names");
    }
    Ok(ObjectRef::new(ns, name))
}

/// Receivers from --receiver (paired with --provider in order, or guessed from
/// the name), or named `<git-repository>-<provider>`.
fn receivers(args: &TokenArgs, repo: Option<&ObjectRef>) -> anyhow::Result<Vec<Receiver>> {
    let providers: Vec<ReceiverType> = args
        .providers
        .iter()
        .copied()
        .map(ReceiverType::from)
        .collect();
    let list: Vec<Receiver> = if !args.receivers.is_empty() {
        if !providers.is_empty() && providers.len() != args.receivers.len() && providers.len() != 1
        {
            bail!(
                "give one --provider for all Receivers, or one per --receiver, in the same order"
            );
        }
        args.receivers
            .iter()
            .enumerate()
            .map(|(i, name)| Receiver {
                name: name.clone(),
                provider: providers
                    .get(i)
                    .or(if providers.len() == 1 {
                        providers.first()
                    } else {
                        None
                    })
                    .copied()
                    .or_else(|| ReceiverType::from_receiver_name(name)),
            })
            .collect()
    } else if let Some(repo) = repo {
        providers
            .iter()
            .map(|p| Receiver {
                name: format!("{}-{}", repo.name, p.as_str()),
                provider: Some(*p),
            })
            .collect()
    } else {
        if !providers.is_empty() {
            bail!("--provider needs --receiver NAME or --git-repository NAME to name the Receiver");
        }
        Vec::new()
    };
    for r in &list {
        if !flux::is_valid_name(&r.name) {
            bail!("receiver name {:?} is not a valid Kubernetes name", r.name);
        }
    }
    Ok(list)
}

fn planned_files(
    args: &TokenArgs,
    receivers: &[Receiver],
    repo: Option<&ObjectRef>,
) -> Vec<PathBuf> {
    let (Some(dir), Some(repo)) = (&args.receiver_manifests, repo) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = receivers
        .iter()
        .map(|r| dir.join(format!("receiver-{}.yaml", r.name)))
        .collect();
    files.push(dir.join(patch_file_name(repo)));
    files
}

fn patch_file_name(repo: &ObjectRef) -> String {
    format!("gitrepository-{}-interval-patch.yaml", repo.name)
}

fn write_receiver_files(
    args: &TokenArgs,
    dir: &Path,
    receivers: &[Receiver],
    repo: &ObjectRef,
    overwrite: Overwrite,
) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    for r in receivers {
        let p = r
            .provider
            .and_then(|p| match p {
                ReceiverType::GitHub => Some(Provider::GitHub),
                ReceiverType::GitLab => Some(Provider::GitLab),
                _ => None,
            })
            .ok_or_else(|| anyhow!("--receiver-manifests writes github and gitlab Receivers; write Receiver {} from the Flux docs", r.name))?;
        let me = ObjectRef::new(&args.namespace, &r.name);
        let text = flux::receiver_manifest(&me, p, &args.name, repo);
        io::write_atomic(
            &dir.join(format!("receiver-{}.yaml", r.name)),
            text.as_bytes(),
            overwrite,
            None,
        )?;
    }
    let patch = flux::git_repository_interval_patch(repo, &args.interval);
    io::write_atomic(
        &dir.join(patch_file_name(repo)),
        patch.as_bytes(),
        overwrite,
        None,
    )
}

fn read_or_generate_token(args: &TokenArgs) -> anyhow::Result<Token> {
    let (bytes, what) = if args.token_stdin {
        (
            Zeroizing::new(io::read_input(Path::new("-"))?),
            "stdin".to_string(),
        )
    } else if let Some(p) = &args.token_file_in {
        (Zeroizing::new(io::read_input(p)?), p.display().to_string())
    } else {
        return Ok(Token::generate(args.bytes)?);
    };
    token_from_bytes(&bytes, &what)
}

/// A token as read from a file or stdin. `echo $TOKEN > file` adds a line
/// break the Git provider will not send: exactly one is removed, with a
/// warning (Flux hashes the raw bytes).
pub(super) fn token_from_bytes(bytes: &[u8], what: &str) -> anyhow::Result<Token> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| anyhow!("the token from {what} is not UTF-8 text"))?;
    let trimmed = text
        .strip_suffix('\n')
        .map(|t| t.strip_suffix('\r').unwrap_or(t));
    if trimmed.is_some() {
        eprintln!("sealtoken: warning: removed the line break after the token from {what} (Flux hashes the raw bytes)");
    }
    Token::from_string(trimmed.unwrap_or(text).to_string())
        .with_context(|| format!("token from {what}"))
}

fn report(
    args: &TokenArgs,
    token: &Token,
    reused: bool,
    receivers: &[Receiver],
    urls: &[(String, Option<String>)],
    repo: Option<&ObjectRef>,
) -> Zeroizing<String> {
    let mut s = Zeroizing::new(String::new());
    let dest = args
        .output
        .as_ref()
        .map_or("stdout".to_string(), |p| p.display().to_string());
    let _ = writeln!(
        s,
        "Sealed Secret {}/{} (key {:?}, scope {}) written to {dest}.",
        args.namespace,
        args.name,
        args.key,
        kubeseal_core::Scope::from(args.scope)
    );
    if let Some(p) = &args.token_file {
        let _ = writeln!(s, "Webhook token written to {} (mode 0600).", p.display());
    } else if !reused {
        let _ = writeln!(
            s,
            "\nWebhook token (shown once; paste it into the Git provider, never into Git):\n  {}",
            token.expose()
        );
    }
    for (r, (path, url)) in receivers.iter().zip(urls) {
        let _ = writeln!(s, "\nReceiver {}/{}", args.namespace, r.name);
        let _ = writeln!(s, "  webhook path: {path}");
        let target = url
            .clone()
            .unwrap_or_else(|| format!("https://<flux host>{path}"));
        match r.provider {
            Some(ReceiverType::GitHub) => {
                let _ = writeln!(s, "  GitHub: Payload URL {target}, content type application/json, Secret = the token, events: push");
            }
            Some(ReceiverType::GitLab) => {
                let _ = writeln!(s, "  GitLab: URL {target}, Secret token = the token, events: Push events + Tag push events");
            }
            Some(t) => {
                let _ = writeln!(s, "  {}: {}", t.display_name(), t.instructions(&target));
            }
            None => {
                let _ = writeln!(s, "  URL: {target} (Secret = the token)");
            }
        }
    }
    if !receivers.is_empty() && args.host.is_none() {
        let _ = writeln!(
            s,
            "\nAdd --host flux.<cluster-domain> to print the full URLs."
        );
    }
    if let Some(repo) = repo {
        let _ = writeln!(s, "\nOnce the webhooks fire, polling becomes a fallback:");
        let _ = writeln!(
            s,
            "  - GitRepository {}/{}: interval 1m -> {}{}",
            repo.namespace,
            repo.name,
            args.interval,
            match &args.receiver_manifests {
                Some(d) => format!(" (patch: {})", d.join(patch_file_name(repo)).display()),
                None => String::new(),
            }
        );
        let _ = writeln!(s, "  - Kustomizations re-apply when their source changes; their interval only corrects drift.");
        let _ = writeln!(s, "  - ImageUpdateAutomation: keep polling on GitLab-only setups (its registry sends no project webhooks).");
    }
    s
}
