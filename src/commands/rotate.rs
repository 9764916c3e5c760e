//! `sealtoken rotate -f FILE`: a new token merged into an existing token
//! SealedSecret (other keys and the file's format kept), and the order of
//! steps that keeps the webhooks working. The old token is never needed.

use std::fmt::Write as _;
use std::process::ExitCode;

use anyhow::Context;
use flux_receiver::Token;
use flux_receiver::{ReceiverType, TokenSecret, WATCH_LABEL, WATCH_LABEL_VALUE};
use kubeseal_core::{
    read_sealed_secrets, seal_secret, Format, ObjectRef, Scope, SealOptions, Secret, SecretValue,
};
use zeroize::Zeroizing;

use crate::cli::{ReportFormat, RotateArgs};
use crate::io::{self, Overwrite};
use crate::receiver_tree;
use crate::report::{CertInfo, FileInfo, ReceiverInfo, Report, SecretInfo};
use crate::{cert_source, CliError, CliResult};

/// A Receiver served by the rotated token.
struct Served {
    name: String,
    namespace: String,
    kind: Option<ReceiverType>,
    /// `spec.events` as written, or the type's documented default for `--receiver`.
    events: Vec<String>,
    file: Option<String>,
    line: Option<usize>,
}

pub fn run(args: &RotateArgs) -> CliResult {
    // --host auto, or none: the repository's one webhook host, if it declares
    // one; with several (--host auto), each cluster's URLs are listed.
    let (with_host, several) =
        crate::repo_clusters::with_chosen_host(args, args.host.as_deref(), |a, h| a.host = h)?;
    let args = with_host.as_ref().unwrap_or(args);
    let several = several.as_slice();
    crate::args::token_bytes("--bytes", args.bytes)?;
    if args.report_include_token && args.report.is_none() {
        bail!("--report-include-token needs --report json");
    }
    if let Some(p) = &args.token_file {
        if p.exists() {
            bail!(
                "{} already exists; refusing to replace a token file",
                p.display()
            );
        }
    }
    let what = args.file.display().to_string();
    let text = io::read_input(&args.file)?;
    let mut found = read_sealed_secrets(&text).with_context(|| what.clone())?;
    if found.len() != 1 {
        bail!(
            "{what}: expected exactly one SealedSecret, found {}",
            found.len()
        );
    }
    let mut sealed = found.remove(0);
    let sealed_name = sealed.metadata.name.clone().unwrap_or_default();
    let namespace = match (&sealed.metadata.namespace, &args.namespace) {
        (Some(ns), _) | (None, Some(ns)) => ns.clone(),
        (None, None) => bail!(
            "{what}: the SealedSecret has no namespace; pass -n NS (the Receivers' namespace)"
        ),
    };
    if !sealed.encrypted_data.contains_key(&args.key) {
        bail!(
            "{what}: the SealedSecret {namespace}/{} has no key {:?} to rotate (keys: {}); pass --key",
            sealed_name,
            args.key,
            sealed.encrypted_data.keys().cloned().collect::<Vec<_>>().join(", ")
        );
    }
    let served = served(args, &sealed_name, &namespace)?;

    let fetched = cert_source::load(&args.cert)?;
    let cert = &fetched.cert;
    let token = Token::generate(args.bytes)?;
    let scope = Scope::from_annotations(&sealed.metadata.annotations);
    let mut secret = Secret::new(&ObjectRef::new(namespace.as_str(), sealed_name.as_str()));
    if scope == Scope::Strict {
        Scope::Strict.apply_to_annotations(&mut secret.metadata.annotations);
    }
    secret.insert(&args.key, SecretValue::from(token.expose()));
    let mut opts = SealOptions::new()
        .scope(scope)
        .allow_expired_certificate(args.cert.allow_expired_cert);
    if let Some(ns) = &sealed.metadata.namespace {
        opts = opts.override_namespace(ns.as_str());
    }
    let update = seal_secret(cert, &secret, &opts).map_err(CliError::failed)?;
    drop(secret);
    sealed.merge_from(&update);
    let paths: Vec<String> = served
        .iter()
        .map(|r| {
            let me = ObjectRef::new(r.namespace.as_str(), r.name.as_str());
            if r.kind == Some(ReceiverType::GenericOidc) {
                flux_receiver::oidc_webhook_path(&me)
            } else {
                flux_receiver::webhook_path(&token, &me)
            }
        })
        .collect();
    let urls: Vec<Option<String>> = paths
        .iter()
        .map(|p| {
            args.host
                .as_deref()
                .map(|h| flux_receiver::webhook_url(h, p))
        })
        .collect();
    // The token Secret recipe: the watch label (unless refused), and the
    // recorded URL, which is stale now: replaced when there is one new URL,
    // else dropped; a Secret that recorded none gets none.
    let recorded = sealed
        .template
        .metadata
        .annotations
        .contains_key(flux_receiver::WEBHOOK_URL_ANNOTATION);
    // A URL that is its Receiver's only credential is never recorded.
    let (recipe, _) = TokenSecret::new(sealed.object_ref(), &args.key)
        .watch_label(!args.no_watch_label)
        .webhook_url_for(
            served.first().and_then(|r| r.kind),
            match urls.as_slice() {
                [Some(u)] if recorded => Some(u.clone()),
                _ => None,
            },
            false,
        );
    recipe.apply_metadata(&mut sealed.template.metadata);
    let format = Format::detect(&text);
    let manifest = sealed.to_string(format);

    let mut files = Vec::new();
    if let Some(p) = &args.token_file {
        io::write_private_new(p, token.expose().as_bytes()).map_err(CliError::failed)?;
        files.push(FileInfo {
            path: p.display().to_string(),
            kind: "token",
        });
    }
    let undo_token_file = || {
        if let Some(p) = &args.token_file {
            let _ = std::fs::remove_file(p);
        }
    };
    // The new sealed file lands only once the new token has been shown (or
    // written to --token-file): when showing it fails, FILE keeps the old
    // token, which still works.
    let prepared =
        match io::prepare_atomic(&args.file, manifest.as_bytes(), Overwrite::Replace, None) {
            Ok(p) => p,
            Err(e) => {
                undo_token_file();
                return Err(CliError::failed(e));
            }
        };
    let show = || -> anyhow::Result<()> {
        files.insert(
            0,
            FileInfo {
                path: what.clone(),
                kind: "sealed-secret",
            },
        );

        let watch = sealed
            .template
            .metadata
            .labels
            .get(WATCH_LABEL)
            .map(String::as_str)
            == Some(WATCH_LABEL_VALUE);
        if let Some(ReportFormat::Json) = args.report {
            let report = Report {
                command: "rotate",
                secret: Some(SecretInfo {
                    name: sealed_name.clone(),
                    namespace: namespace.clone(),
                    key: args.key.clone(),
                    scope: scope.to_string(),
                    watch_label: watch,
                    extra_keys: sealed
                        .encrypted_data
                        .keys()
                        .filter(|k| **k != args.key)
                        .cloned()
                        .collect(),
                }),
                clusters: Vec::new(),
                certificate: Some(CertInfo {
                    sha256: cert.fingerprint_hex(),
                    source: fetched.source.clone(),
                }),
                receivers: served
                    .iter()
                    .zip(paths.iter().zip(&urls))
                    .map(|(r, (p, u))| ReceiverInfo {
                        name: r.name.clone(),
                        namespace: Some(r.namespace.clone()),
                        receiver_type: r.kind.map(|k| k.to_string()),
                        path: Some(p.clone()),
                        url: u.clone(),
                        secret_ref: Some(sealed_name.clone()),
                        instructions: r.kind.zip(u.as_deref()).map(|(k, u)| k.instructions(u)),
                        events: r.events.clone(),
                        file: r.file.clone(),
                        line: r.line,
                        urls: crate::repo_clusters::urls_at(several, p),
                    })
                    .collect(),
                files,
                token: args.report_include_token.then(|| token.expose()),
            };
            io::write_stdout_secret(&report.to_json())?;
            if !args.report_include_token && args.token_file.is_none() {
                let shown = zeroize::Zeroizing::new(format!(
                    "New webhook token (shown once; paste it into the senders, never into Git):\n  {}\n",
                    token.expose()
                ));
                io::write_stderr_secret(shown.as_bytes())?;
            }
            return Ok(());
        }
        let text = steps(
            args,
            &sealed_name,
            &namespace,
            scope,
            watch,
            &token,
            &served,
            &paths,
            &urls,
            several,
        );
        // The steps carry the new token unless it went to --token-file.
        io::write_stdout_secret(k8s_manifest::escape::lines(&text).as_bytes())?;
        Ok(())
    };
    let shown = show();
    if let Err(e) = shown {
        drop(prepared);
        undo_token_file();
        return Err(CliError::failed(e.context(format!(
            "the new token could not be shown; {what} is unchanged"
        ))));
    }
    prepared.commit().map_err(|e| {
        CliError::failed(e.context(format!(
            "the new token shown is not in {what}: discard it; {what} still holds the old one"
        )))
    })?;
    Ok(ExitCode::SUCCESS)
}

/// The Receivers whose `secretRef` names this Secret: from `--receivers-from`
/// and `--receiver`.
fn served(args: &RotateArgs, secret: &str, namespace: &str) -> anyhow::Result<Vec<Served>> {
    let mut out = Vec::new();
    if !args.receivers_from.is_empty() {
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let scan = receiver_tree::scan(&args.receivers_from, Some(namespace), threads)?;
        for w in &scan.warnings {
            stderrln!("sealtoken: warning: {w}");
        }
        for f in scan.receivers {
            let m = &f.manifest;
            if m.secret_ref.as_deref() == Some(secret) && f.namespace.as_deref() == Some(namespace)
            {
                out.push(Served {
                    name: m.name.clone(),
                    namespace: namespace.to_string(),
                    kind: m.type_name.parse().ok(),
                    events: m.events.clone(),
                    file: Some(f.file.display().to_string()),
                    line: Some(m.pos.line),
                });
            }
        }
        if out.is_empty() {
            stderrln!("sealtoken: warning: no Receiver in {namespace} under the given paths has secretRef {secret:?}");
        }
    }
    for name in &args.receivers {
        crate::args::object_name("--receiver", name)?;
        if !out.iter().any(|r| r.name == *name) {
            let kind = ReceiverType::from_receiver_name(name);
            out.push(Served {
                name: name.clone(),
                namespace: namespace.to_string(),
                kind,
                events: kind
                    .map(|k| k.default_events().iter().map(|e| e.to_string()).collect())
                    .unwrap_or_default(),
                file: None,
                line: None,
            });
        }
    }
    Ok(out)
}

#[allow(clippy::too_many_arguments)]
fn steps(
    args: &RotateArgs,
    name: &str,
    namespace: &str,
    scope: Scope,
    watch: bool,
    token: &Token,
    served: &[Served],
    paths: &[String],
    urls: &[Option<String>],
    several: &[crate::repo_clusters::Chosen],
) -> Zeroizing<String> {
    let mut s = Zeroizing::new(String::new());
    let file = args.file.display();
    let _ = writeln!(
        s,
        "Rotated {namespace}/{name} (key {:?}, scope {scope}) in {file}; its other keys are kept.",
        args.key
    );
    match &args.token_file {
        Some(p) => {
            let _ = writeln!(
                s,
                "New webhook token written to {} (mode 0600).",
                p.display()
            );
        }
        None => {
            let _ = writeln!(s, "\nNew webhook token (shown once; paste it into the senders, never into Git):\n  {}", token.expose());
        }
    }
    let _ = writeln!(s, "\nIn this order (a Receiver's old URL stops working once the controller has the new token):");
    let _ = writeln!(s, "  1. Commit and push {file}; Flux applies it and the sealed-secrets controller updates the Secret.");
    if watch {
        let _ = writeln!(s, "  2. The notification-controller reconciles the Receivers at once (the Secret has {WATCH_LABEL}: {WATCH_LABEL_VALUE}).");
    } else {
        let _ = writeln!(s, "  2. The notification-controller picks up the new token at each Receiver's interval (10m by default);\n     `flux reconcile receiver NAME -n {namespace}` makes it immediate.");
    }
    let _ = writeln!(s, "  3. Right after a Receiver shows its new path, update its sender (until then, deliveries get 404):");
    if served.is_empty() {
        let _ = writeln!(s, "     (name the Receivers with --receivers-from PATH or --receiver NAME to print their new URLs)");
    }
    for (r, (p, u)) in served.iter().zip(paths.iter().zip(urls)) {
        let _ = writeln!(
            s,
            "\n  Receiver {}/{}{}",
            r.namespace,
            r.name,
            r.kind.map(|k| format!(" ({k})")).unwrap_or_default()
        );
        let _ = writeln!(s, "    new webhook path: {p}");
        let _ = writeln!(
            s,
            "    check: kubectl -n {} get receiver {} -o jsonpath='{{.status.webhookPath}}'",
            r.namespace, r.name
        );
        let target = u
            .clone()
            .unwrap_or_else(|| format!("https://<flux host>{p}"));
        match r.kind {
            Some(k) => {
                let _ = writeln!(s, "    {}: {}", k.display_name(), k.instructions(&target));
                if k == ReceiverType::Gcr {
                    let _ = writeln!(s, "    gcr: if the Secret's audience key is the old URL, reseal it (sealtoken seal --merge-into) and update the subscription's audience.");
                }
            }
            None => {
                let _ = writeln!(s, "    URL: {target} (Secret = the new token)");
            }
        }
        for u in crate::repo_clusters::urls_at(several, p) {
            let _ = writeln!(
                s,
                "    {}: {} (host from {})",
                u.cluster.as_deref().unwrap_or("-"),
                u.url,
                u.host_from.as_deref().unwrap_or("--host")
            );
        }
    }
    if !served.is_empty() && args.host.is_none() && several.is_empty() {
        let _ = writeln!(
            s,
            "\nAdd --host flux.<cluster-domain> to print the full URLs."
        );
    }
    s
}
