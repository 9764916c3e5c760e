//! The main job: token → sealed `webhook-token` SealedSecret → webhook URLs.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{anyhow, Context};
use flux_receiver::Token;
use flux_receiver::TokenSecret;
use flux_receiver::{ReceiverType, ResourceKind};
use kubeseal_core::{seal_secret, ObjectRef, SealOptions};
use zeroize::Zeroizing;

use crate::cert_source::clusters;
use crate::cli::{ReportFormat, TokenArgs};
use crate::io::{self, Overwrite};
use crate::repo_clusters::Chosen;
use crate::report::{CertInfo, ClusterInfo, FileInfo, ReceiverInfo, Report, SecretInfo};
use crate::{args, cert_source, CliError, CliResult};

/// One Receiver the token serves.
struct Receiver {
    name: String,
    provider: Option<ReceiverType>,
}

pub fn run(args: &TokenArgs) -> CliResult {
    // --host auto, or none: the repository's one webhook host, if it declares
    // one; with several (--host auto), each cluster's URLs are listed.
    let (with_host, several) =
        crate::repo_clusters::with_chosen_host(args, args.host.as_deref(), |a, h| a.host = h)?;
    let args = with_host.as_ref().unwrap_or(args);
    let several = several.as_slice();
    // Check everything that can be checked before a token exists.
    args::namespace("--namespace", &args.namespace)?;
    args::object_name("--name", &args.name)?;
    args::secret_key("--key", &args.key)?;
    args::token_bytes("--bytes", args.bytes)?;
    if !flux_receiver::is_valid_duration(&args.interval) {
        bail!(
            "--interval {:?} is not a Flux duration such as 1h or 30m",
            args.interval
        );
    }
    let git_repository = args
        .git_repository
        .as_deref()
        .map(|r| args::object_ref("--git-repository", r, &args.namespace))
        .transpose()?;
    let image_repository = args
        .image_repository
        .as_deref()
        .map(|r| args::object_ref("--image-repository", r, &args.namespace))
        .transpose()?;
    let repos = Repos {
        git: git_repository.as_ref(),
        image: image_repository.as_ref(),
    };
    let receivers = receivers(args, &repos)?;
    let specs = receiver_specs(args, &receivers, &repos)?;
    // generic-oidc Receivers have no token Secret: with only those, nothing is sealed.
    let seals = receivers.is_empty()
        || receivers
            .iter()
            .any(|r| r.provider.is_none_or(ReceiverType::uses_token_secret));
    if !seals {
        for (given, flag) in [
            (args.output.is_some(), "-w"),
            (args.token_file.is_some(), "--token-file"),
            (args.token_stdin, "--token-stdin"),
            (args.token_file_in.is_some(), "--token-file-in"),
            (args.gcr_email.is_some(), "--gcr-email"),
            (args.report_include_token, "--report-include-token"),
        ] {
            if given {
                bail!("generic-oidc Receivers have no token Secret, so there is no token and nothing to seal: drop {flag}");
            }
        }
    }
    if args.report.is_some() && args.output.is_none() && seals {
        bail!("--report json prints the report on stdout: write the SealedSecret with -w FILE");
    }
    let gcr: Vec<&Receiver> = receivers
        .iter()
        .filter(|r| r.provider == Some(ReceiverType::Gcr))
        .collect();
    if gcr.is_empty() && (args.gcr_email.is_some() || args.gcr_audience.is_some()) {
        bail!("--gcr-email and --gcr-audience are for gcr Receivers: add --provider gcr");
    }
    if !gcr.is_empty() && args.gcr_email.is_none() {
        bail!("a gcr Receiver checks the Pub/Sub ID token against the Secret's email key: pass --gcr-email SERVICE-ACCOUNT-EMAIL");
    }
    let gcr_audience = match (&args.gcr_audience, gcr.as_slice(), &args.host) {
        (Some(a), _, _) => Some(a.clone()),
        (None, [], _) => None,
        (None, [_], None) => bail!(
            "a gcr Receiver checks the ID token's audience against the Secret's audience key: pass --gcr-audience, or --host to use the webhook URL"
        ),
        (None, [_], Some(_)) => Some(String::new()), // the URL, once the token exists
        (None, _, _) => bail!(
            "several gcr Receivers share the token Secret: pass --gcr-audience (the audience of their subscriptions)"
        ),
    };
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
    let overwrite = if args.force {
        Overwrite::Replace
    } else {
        Overwrite::Refuse
    };
    let mut files: Vec<FileInfo> = Vec::new();

    if !seals {
        let urls = paths_and_urls(args, &receivers, None);
        if let Some(dir) = &args.receiver_manifests {
            let mut prepared = Vec::new();
            write_receiver_files(
                args,
                dir,
                &specs,
                &repos,
                overwrite,
                &mut files,
                &mut prepared,
            )
            .map_err(CliError::failed)?;
            for f in prepared {
                f.commit().map_err(CliError::failed)?;
            }
        }
        return finish(args, None, None, &receivers, &urls, several, &repos, files);
    }

    // Every certificate loaded and pinned before a token exists or a file is written.
    let targets = sealing_targets(args)?;
    let reused = args.token_stdin || args.token_file_in.is_some();
    let token = read_or_generate_token(args)?;

    let urls = paths_and_urls(args, &receivers, Some(&token));
    // The Receivers spec: the controller reconciles a Receiver as soon as a
    // labelled Secret changes; as `flux create secret receiver` does, the one
    // URL is recorded on the Secret.
    let (mut recipe, withheld) =
        TokenSecret::new(ObjectRef::new(&args.namespace, &args.name), &args.key)
            .watch_label(!args.no_watch_label)
            .webhook_url_for(
                receivers.first().and_then(|r| r.provider),
                match urls.as_slice() {
                    [(_, Some(url))] => Some(url.clone()),
                    _ => None,
                },
                args.annotate_url,
            );
    if withheld {
        stderrln!("sealtoken: note: the webhook URL is not recorded in the Secret's annotation: for this Receiver type the URL is the only credential, and the annotation is committed in plain (--annotate-url records it anyway)");
    }
    if let (Some(email), Some(audience)) = (&args.gcr_email, &gcr_audience) {
        // receiver_handlers.go reads these two keys of the token Secret for gcr.
        let audience = if audience.is_empty() {
            // One gcr Receiver and --host: Pub/Sub's default audience is the push endpoint.
            let i = receivers
                .iter()
                .position(|r| r.provider == Some(ReceiverType::Gcr))
                .unwrap_or_default();
            urls[i].1.clone().unwrap_or_default()
        } else {
            audience.clone()
        };
        let keys = ReceiverType::Gcr.extra_secret_keys();
        for (k, v) in keys.iter().zip([email.as_str(), audience.as_str()]) {
            recipe = recipe.extra_key(ReceiverType::Gcr, *k, v);
        }
    }
    let extra_keys: Vec<String> = recipe.extra_keys().map(str::to_string).collect();
    let secret = recipe.build(&token).map_err(|e| anyhow!("--key: {e}"))?;
    let opts = SealOptions::new()
        .scope(args.scope.into())
        .allow_expired_certificate(args.cert.allow_expired_cert);
    let mut manifests = Vec::with_capacity(targets.len());
    for t in &targets {
        let sealed = seal_secret(&t.fetched.cert, &secret, &opts).map_err(|e| {
            CliError::failed(match &t.cluster {
                Some(c) => anyhow::Error::new(e).context(format!("cluster {c}")),
                None => anyhow::Error::new(e),
            })
        })?;
        manifests.push(sealed.to_string(args.format.into()));
    }
    drop(secret);

    // Token file first: if the manifest cannot be written, remove it again,
    // so that no token exists without its sealed Secret or the other way round.
    if let Some(p) = &args.token_file {
        io::write_private_new(p, token.expose().as_bytes()).map_err(CliError::failed)?;
        files.push(FileInfo {
            path: p.display().to_string(),
            kind: "token",
        });
    }
    // Each sealed file is written to its temporary place and renamed onto
    // its target only once the token has been shown (or written to
    // --token-file): when showing it fails, no sealed file holds a token
    // nobody saw, and a rerun is not refused for a file left behind.
    let mut prepared: Vec<io::Prepared> = Vec::new();
    let undo_token_file = || {
        if let Some(p) = &args.token_file {
            let _ = std::fs::remove_file(p);
        }
    };
    for (t, manifest) in targets.iter().zip(&manifests) {
        let written = match &t.output {
            Some(p) => create_parent(p)
                .and_then(|()| io::prepare_atomic(p, manifest.as_bytes(), overwrite, None))
                .map(|f| prepared.push(f)),
            None => io::write_stdout(manifest.as_bytes()),
        };
        if let Err(e) = written {
            // No token without all its sealed Secrets.
            undo_token_file();
            return Err(CliError::failed(e));
        }
        if let Some(p) = &t.output {
            files.push(FileInfo {
                path: p.display().to_string(),
                kind: "sealed-secret",
            });
        }
    }
    if let Some(dir) = &args.receiver_manifests {
        if let Err(e) = write_receiver_files(
            args,
            dir,
            &specs,
            &repos,
            overwrite,
            &mut files,
            &mut prepared,
        ) {
            undo_token_file();
            return Err(CliError::failed(e));
        }
    }
    let sealed_info = Sealed {
        token: &token,
        reused,
        targets: &targets,
        extra_keys,
    };
    let shown = finish(
        args,
        Some(&sealed_info),
        Some(&token),
        &receivers,
        &urls,
        several,
        &repos,
        files,
    );
    if let Err(e) = shown {
        // The token was not shown: nothing sealed lands (dropping the
        // prepared files removes them), and no token file stays.
        drop(prepared);
        undo_token_file();
        return Err(CliError::failed(e.err.context(
            "the token could not be shown; no sealed file was written",
        )));
    }
    for (i, f) in prepared.into_iter().enumerate() {
        f.commit().map_err(|e| {
            CliError::failed(e.context(if i == 0 {
                "the token shown is not sealed anywhere: discard it and run again"
            } else {
                "the token shown is sealed for some clusters only: discard it and run again"
            }))
        })?;
    }
    shown
}

/// What was sealed, for the report.
struct Sealed<'a> {
    token: &'a Token,
    reused: bool,
    targets: &'a [Target],
    extra_keys: Vec<String>,
}

/// Where one sealed copy of the token Secret goes: one without a cluster
/// name (one `--cert`, or the cluster's), or one per cluster.
struct Target {
    /// The cluster's name, with several `--cert`.
    cluster: Option<String>,
    /// The certificate, loaded and pinned.
    fetched: cert_source::Fetched,
    /// The file to write (`-w` with `{cluster}` replaced); stdout when `None`.
    output: Option<PathBuf>,
}

/// One target per certificate: with several `--cert` (or `{cluster}` in
/// `-w`), one per cluster as `seal` names them; every certificate loaded and
/// pinned, and no target file in the way (unless `--force`).
fn sealing_targets(args: &TokenArgs) -> CliResult<Vec<Target>> {
    let placeholder = args
        .output
        .as_ref()
        .is_some_and(|p| p.to_string_lossy().contains(clusters::PLACEHOLDER));
    if args.cert.cert.len() < 2 && !placeholder {
        return Ok(vec![Target {
            cluster: None,
            fetched: cert_source::load(&args.cert)?,
            output: args.output.clone(),
        }]);
    }
    let (list, template) = clusters::for_template(&args.cert, args.output.as_deref())?;
    let mut out = Vec::with_capacity(list.len());
    for c in list {
        let output = clusters::output_path(template, &c.name);
        if !args.force && output.exists() {
            bail!(
                "{} already exists; pass --force to replace it",
                output.display()
            );
        }
        let fetched = c
            .source
            .load()
            .with_context(|| format!("cluster {}", c.name))?;
        out.push(Target {
            cluster: Some(c.name),
            fetched,
            output: Some(output),
        });
    }
    Ok(out)
}

/// Creates the folder `path` goes into (a `{cluster}` folder, say).
fn create_parent(path: &Path) -> anyhow::Result<()> {
    match path.parent().filter(|d| !d.as_os_str().is_empty()) {
        Some(dir) => {
            std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))
        }
        None => Ok(()),
    }
}

/// The resources Receivers reconcile: a GitRepository for Git hosts and the
/// generic types, an ImageRepository for registries.
struct Repos<'a> {
    git: Option<&'a ObjectRef>,
    image: Option<&'a ObjectRef>,
}

impl Repos<'_> {
    /// The resource a Receiver of `kind` reconciles.
    fn for_kind(&self, kind: ReceiverType) -> Option<&ObjectRef> {
        match kind.resource_kind() {
            ResourceKind::ImageRepository => self.image,
            _ => self.git,
        }
    }
}

/// Each Receiver's webhook path and, with --host, URL. `generic-oidc`: the
/// path of an empty token, as the controller computes it.
fn paths_and_urls(
    args: &TokenArgs,
    receivers: &[Receiver],
    token: Option<&Token>,
) -> Vec<(String, Option<String>)> {
    receivers
        .iter()
        .map(|r| {
            let me = ObjectRef::new(&args.namespace, &r.name);
            let path = match token {
                Some(t) if r.provider != Some(ReceiverType::GenericOidc) => {
                    flux_receiver::webhook_path(t, &me)
                }
                _ => flux_receiver::oidc_webhook_path(&me),
            };
            let url = args
                .host
                .as_deref()
                .map(|h| flux_receiver::webhook_url(h, &path));
            (path, url)
        })
        .collect()
}

/// The text report (stdout with -w, else stderr), or the JSON report on stdout.
#[allow(clippy::too_many_arguments)]
fn finish(
    args: &TokenArgs,
    sealed: Option<&Sealed<'_>>,
    token: Option<&Token>,
    receivers: &[Receiver],
    urls: &[(String, Option<String>)],
    several: &[Chosen],
    repos: &Repos<'_>,
    files: Vec<FileInfo>,
) -> CliResult {
    if let Some(ReportFormat::Json) = args.report {
        let report = Report {
            command: "token",
            secret: sealed.map(|s| SecretInfo {
                name: args.name.clone(),
                namespace: args.namespace.clone(),
                key: args.key.clone(),
                scope: kubeseal_core::Scope::from(args.scope).to_string(),
                watch_label: !args.no_watch_label,
                extra_keys: s.extra_keys.clone(),
            }),
            certificate: sealed
                .and_then(|s| match s.targets {
                    [one] if one.cluster.is_none() => Some(one),
                    _ => None,
                })
                .map(|t| CertInfo {
                    sha256: t.fetched.cert.fingerprint_hex(),
                    source: t.fetched.source.clone(),
                }),
            clusters: sealed
                .map(|s| {
                    s.targets
                        .iter()
                        .filter_map(|t| {
                            Some(ClusterInfo {
                                name: t.cluster.clone()?,
                                sha256: t.fetched.cert.fingerprint_hex(),
                                source: t.fetched.source.clone(),
                                file: t.output.as_ref()?.display().to_string(),
                            })
                        })
                        .collect()
                })
                .unwrap_or_default(),
            receivers: receivers
                .iter()
                .zip(urls)
                .map(|(r, (path, url))| {
                    let file = args
                        .receiver_manifests
                        .as_ref()
                        .map(|d| d.join(receiver_file_name(&r.name)).display().to_string());
                    ReceiverInfo {
                        name: r.name.clone(),
                        namespace: Some(args.namespace.clone()),
                        receiver_type: r.provider.map(|k| k.to_string()),
                        path: Some(path.clone()),
                        url: url.clone(),
                        secret_ref: r
                            .provider
                            .is_none_or(ReceiverType::uses_token_secret)
                            .then(|| args.name.clone()),
                        events: r
                            .provider
                            .map(|k| k.default_events().iter().map(|e| e.to_string()).collect())
                            .unwrap_or_default(),
                        line: file.as_ref().map(|_| 1),
                        file,
                        instructions: r
                            .provider
                            .zip(url.as_deref())
                            .map(|(k, u)| k.instructions(u)),
                        urls: crate::repo_clusters::urls_at(several, path),
                    }
                })
                .collect(),
            files,
            token: token
                .filter(|_| args.report_include_token)
                .map(Token::expose),
        };
        match sealed {
            Some(_) if args.report_include_token => io::write_stdout_secret(&report.to_json())?,
            _ => io::write_stdout(&report.to_json())?,
        }
        if let Some(s) = sealed {
            if !args.report_include_token && args.token_file.is_none() && !s.reused {
                let shown = format!(
                    "Webhook token (shown once; paste it into the Git provider, never into Git):\n  {}\n",
                    s.token.expose()
                );
                io::write_stderr_secret(Zeroizing::new(shown).as_bytes())?;
            }
        }
        return Ok(ExitCode::SUCCESS);
    }
    let text = report(args, sealed, receivers, urls, several, repos.git);
    // The report carries the token when one was sealed: then a stream that
    // fails is an error, and the caller rolls back.
    let text = k8s_manifest::escape::lines(&text);
    match (sealed.is_some(), args.output.is_some()) {
        (false, _) => io::write_stdout(text.as_bytes())?,
        (true, true) => io::write_stdout_secret(text.as_bytes())?,
        (true, false) => io::write_stderr_secret(text.as_bytes())?,
    }
    Ok(ExitCode::SUCCESS)
}

/// Receivers from --receiver (paired with --provider in order, or guessed from
/// the name), or named `<git-repository>-<provider>`.
fn receivers(args: &TokenArgs, repos: &Repos<'_>) -> anyhow::Result<Vec<Receiver>> {
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
    } else if repos.git.is_some() || repos.image.is_some() {
        providers
            .iter()
            .map(|p| {
                // Named after the resource it reconciles, else after the one given.
                let repo = repos
                    .for_kind(*p)
                    .or(repos.git)
                    .or(repos.image)
                    .ok_or_else(|| anyhow!("no repository to name the Receiver after"))?;
                Ok(Receiver {
                    name: format!("{}-{}", repo.name, p.as_str()),
                    provider: Some(*p),
                })
            })
            .collect::<anyhow::Result<_>>()?
    } else {
        if !providers.is_empty() {
            bail!("--provider needs --receiver NAME, --git-repository NAME or --image-repository NAME to name the Receiver");
        }
        Vec::new()
    };
    for r in &list {
        args::object_name("receiver name", &r.name)?;
    }
    Ok(list)
}

fn planned_files(
    args: &TokenArgs,
    receivers: &[Receiver],
    git_repository: Option<&ObjectRef>,
) -> Vec<PathBuf> {
    let Some(dir) = &args.receiver_manifests else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = receivers
        .iter()
        .map(|r| dir.join(receiver_file_name(&r.name)))
        .collect();
    if let Some(repo) = git_repository {
        files.push(dir.join(patch_file_name(repo)));
    }
    files
}

fn receiver_file_name(receiver: &str) -> String {
    format!("receiver-{receiver}.yaml")
}

fn patch_file_name(repo: &ObjectRef) -> String {
    format!("gitrepository-{}-interval-patch.yaml", repo.name)
}

/// With `--receiver-manifests`, each Receiver's spec, checked before a
/// token exists ([`crate::receiver_spec::specs`]).
fn receiver_specs(
    args: &TokenArgs,
    receivers: &[Receiver],
    repos: &Repos<'_>,
) -> anyhow::Result<Vec<(String, flux_receiver::ReceiverSpec)>> {
    let list: Vec<(&str, Option<ReceiverType>)> = receivers
        .iter()
        .map(|r| (r.name.as_str(), r.provider))
        .collect();
    crate::receiver_spec::specs(args, &list, |k| repos.for_kind(k))
}

/// One manifest per Receiver, then the GitRepository interval patch when
/// there is a GitRepository.
fn write_receiver_files(
    args: &TokenArgs,
    dir: &Path,
    specs: &[(String, flux_receiver::ReceiverSpec)],
    repos: &Repos<'_>,
    overwrite: Overwrite,
    files: &mut Vec<FileInfo>,
    prepared: &mut Vec<io::Prepared>,
) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    for (name, spec) in specs {
        // Checked before anything was written.
        let me = ObjectRef::new(&args.namespace, name);
        let text = flux_receiver::receiver_manifest(&me, spec)?;
        let path = dir.join(receiver_file_name(name));
        prepared.push(io::prepare_atomic(&path, text.as_bytes(), overwrite, None)?);
        files.push(FileInfo {
            path: path.display().to_string(),
            kind: "receiver",
        });
    }
    if let Some(repo) = repos.git {
        let patch = flux_receiver::git_repository_interval_patch(repo, &args.interval);
        let path = dir.join(patch_file_name(repo));
        prepared.push(io::prepare_atomic(
            &path,
            patch.as_bytes(),
            overwrite,
            None,
        )?);
        files.push(FileInfo {
            path: path.display().to_string(),
            kind: "patch",
        });
    }
    Ok(())
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
    let weak = if args.allow_weak_token {
        crate::token_input::Weak::Warn
    } else {
        crate::token_input::Weak::Refuse
    };
    crate::token_input::from_bytes(&bytes, &what, weak)
}

fn report(
    args: &TokenArgs,
    sealed: Option<&Sealed<'_>>,
    receivers: &[Receiver],
    urls: &[(String, Option<String>)],
    several: &[Chosen],
    repo: Option<&ObjectRef>,
) -> Zeroizing<String> {
    let mut s = Zeroizing::new(String::new());
    let per_cluster = sealed.is_some_and(|s| s.targets.iter().any(|t| t.cluster.is_some()));
    let dest = match &args.output {
        _ if per_cluster => "one file per cluster".to_string(),
        Some(p) => p.display().to_string(),
        None => "stdout".to_string(),
    };
    match sealed {
        None => {
            let _ = writeln!(
                s,
                "Nothing sealed: generic-oidc Receivers have no token Secret (their paths use an empty token and are not secret)."
            );
        }
        Some(sealed) => {
            let extra = if sealed.extra_keys.is_empty() {
                String::new()
            } else {
                format!(" and {}", sealed.extra_keys.join(", "))
            };
            let _ = writeln!(
                s,
                "Sealed Secret {}/{} (key {:?}{extra}, scope {}) written to {dest}.",
                args.namespace,
                args.name,
                args.key,
                kubeseal_core::Scope::from(args.scope)
            );
            for t in sealed.targets {
                if let (Some(c), Some(p)) = (&t.cluster, &t.output) {
                    let _ = writeln!(
                        s,
                        "  {c}: {} (certificate sha256 {}, {})",
                        p.display(),
                        t.fetched.cert.fingerprint_hex(),
                        t.fetched.source
                    );
                }
            }
            if let Some(p) = &args.token_file {
                let _ = writeln!(s, "Webhook token written to {} (mode 0600).", p.display());
            } else if !sealed.reused {
                let _ = writeln!(
                    s,
                    "\nWebhook token (shown once; paste it into the Git provider, never into Git):\n  {}",
                    sealed.token.expose()
                );
            }
        }
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
        for u in crate::repo_clusters::urls_at(several, path) {
            let _ = writeln!(
                s,
                "  {}: {} (host from {})",
                u.cluster.as_deref().unwrap_or("-"),
                u.url,
                u.host_from.as_deref().unwrap_or("--host")
            );
        }
    }
    if !receivers.is_empty() && args.host.is_none() && several.is_empty() {
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
