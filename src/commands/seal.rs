//! `sealtoken seal`: kubeseal's sealing step, flag for flag.

use std::io::IsTerminal as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use kubeseal_core::{
    read_sealed_secrets, read_secrets, seal_raw, seal_secret, seal_secrets, Format, ObjectRef,
    Scope, SealError, SealOptions,
};
use zeroize::Zeroizing;

mod modes;
mod output;

use self::output::{output_format, write_output};
use crate::cert_source::clusters;
use crate::cli::SealArgs;
use crate::io::{self, Overwrite};
use crate::{cert_source, CliError, CliResult};

pub fn run(args: &SealArgs) -> CliResult {
    if args.rotate {
        // pflag's words, as kubeseal prints them.
        stderrln!("Flag --rotate has been deprecated, please use --re-encrypt instead");
    }
    if !args.from_file.is_empty() && !args.raw {
        bail!("--from-file requires --raw");
    }
    if let Some(ns) = &args.namespace {
        crate::args::namespace("-n/--namespace", ns)?;
    }
    // stdin can be read once: the certificate and the input cannot share it.
    let stdin = Path::new("-");
    let input_from_stdin = if args.raw {
        args.from_file.is_empty()
    } else {
        args.secret_file.as_deref().is_none_or(|f| f == stdin)
    };
    if input_from_stdin && !args.fetch_cert && args.cert.cert.iter().any(|c| c == "-") {
        bail!("--cert - and the input (-f -, or no -f) both read stdin; give one of them a file");
    }
    // kubeseal's hint when the input would come from a terminal.
    if args.secret_file.is_none() && !args.raw && !args.fetch_cert && std::io::stdin().is_terminal()
    {
        stderrln!("(tty detected: expecting json/yaml k8s resource in stdin)");
    }
    // kubeseal's order: the first mode given wins.
    if args.recovery_unseal {
        return modes::recovery_unseal(args);
    }
    if !args.recovery_private_key.is_empty() {
        stderrln!("sealtoken: warning: ignoring --recovery-private-key because unseal command not chosen with --recovery-unseal");
    }
    if args.validate {
        return modes::validate(args);
    }
    if args.re_encrypt || args.rotate {
        return modes::re_encrypt(args);
    }
    if args.fetch_cert {
        return modes::fetch_cert(args);
    }
    let template_has_placeholder = args
        .sealed_secret_file
        .as_deref()
        .is_some_and(|p| p.to_string_lossy().contains(clusters::PLACEHOLDER));
    if args.cert.cert.len() > 1 || template_has_placeholder {
        if args.raw || args.merge_into.is_some() {
            bail!(
                "--raw and --merge-into seal for one cluster: give one --cert and a -w without {}",
                clusters::PLACEHOLDER
            );
        }
        return seal_clusters(args);
    }
    if args.raw {
        return raw(args);
    }
    if let Some(target) = &args.merge_into {
        // kubeseal ignores -w here; a script that passes both expects a file
        // it would not get.
        if let Some(w) = &args.sealed_secret_file {
            bail!(
                "--merge-into rewrites {} in place; -w {} cannot be used with it",
                crate::io::display(target),
                crate::io::display(w)
            );
        }
        return merge(args, target);
    }
    let (secrets, what) = read_input_secrets(args)?;
    let cert = cert_source::load_cert(&args.cert)?;
    let format = output_format(args, args.sealed_secret_file.as_deref());
    let opts = options(args, args.scope.map(Scope::from), args.name.as_deref())?;
    let sealed = seal_secrets(&cert, &secrets, &opts)
        .map_err(flag_hints)
        .with_context(|| what.clone())?;
    drop(secrets);
    let out: String = sealed.iter().map(|s| s.to_string(format)).collect();
    write_output(args.sealed_secret_file.as_deref(), out.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

/// Several clusters: every certificate loaded (and pinned) first, the input
/// read once and kept in wiped memory, one sealed file per cluster at `-w`
/// with `{cluster}` replaced by its name.
fn seal_clusters(args: &SealArgs) -> CliResult {
    let (list, template) = clusters::for_template(&args.cert, args.sealed_secret_file.as_deref())?;
    let targets: Vec<PathBuf> = list
        .iter()
        .map(|c| clusters::output_path(template, &c.name))
        .collect();
    // A bad certificate writes nothing.
    let certs = list
        .iter()
        .map(|c| {
            c.source
                .load()
                .with_context(|| format!("cluster {}", c.name))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let (secrets, what) = read_input_secrets(args)?;
    let opts = options(args, args.scope.map(Scope::from), args.name.as_deref())?;
    let mut outputs = Vec::with_capacity(list.len());
    for (target, fetched) in targets.iter().zip(&certs) {
        let format = output_format(args, Some(target));
        let sealed = seal_secrets(&fetched.cert, &secrets, &opts)
            .map_err(flag_hints)
            .with_context(|| what.clone())?;
        outputs.push(
            sealed
                .iter()
                .map(|s| s.to_string(format))
                .collect::<String>(),
        );
    }
    drop(secrets);
    for ((c, target), (out, fetched)) in list.iter().zip(&targets).zip(outputs.iter().zip(&certs)) {
        if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))
                .map_err(CliError::failed)?;
        }
        write_output(Some(target), out.as_bytes())?;
        stderrln!(
            "sealtoken: {}: sealed for certificate sha256 {} ({}) into {}",
            c.name,
            fetched.cert.fingerprint_hex(),
            fetched.source,
            target.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// A sealing error, with the flag that would let it through where there is one.
fn flag_hints(e: SealError) -> anyhow::Error {
    match e {
        SealError::EmptyData { .. } => {
            anyhow::anyhow!("{e} (pass --allow-empty-data to seal it anyway)")
        }
        SealError::MissingNamespace { .. } => anyhow::anyhow!(
            "{e} (pass -n/--namespace, or use a kubeconfig context that names a namespace)"
        ),
        e => e.into(),
    }
}

/// The Secrets of `-f` (or stdin), with the input's name for messages.
fn read_input_secrets(args: &SealArgs) -> CliResult<(Vec<kubeseal_core::Secret>, String)> {
    let input_path = args
        .secret_file
        .clone()
        .unwrap_or_else(|| PathBuf::from("-"));
    let what = io::display(&input_path);
    let input = Zeroizing::new(io::read_input(&input_path)?);
    let secrets = read_secrets(&input).with_context(|| what.clone())?;
    Ok((secrets, what))
}

/// kubeseal's sealing flags; `scope` and `name` are given separately
/// because `--merge-into` replaces them with the target's.
fn options(args: &SealArgs, scope: Option<Scope>, name: Option<&str>) -> CliResult<SealOptions> {
    let mut opts = SealOptions::new()
        .allow_empty_data(args.allow_empty_data)
        .allow_expired_certificate(args.cert.allow_expired_cert);
    if let Some(scope) = scope {
        opts = opts.scope(scope);
    }
    if let Some(name) = name {
        opts = opts.name(name);
    }
    match &args.namespace {
        Some(namespace) => opts = opts.namespace(namespace),
        None => {
            if let Some(namespace) = context_namespace(args)? {
                opts = opts.default_namespace(namespace);
            }
        }
    }
    Ok(opts)
}

/// Without `-n`: the namespace of the kubeconfig's context (`--context`, else
/// the current one; `default` when it names none), as kubeseal takes it;
/// `None` when there is no kubeconfig.
fn context_namespace(args: &SealArgs) -> CliResult<Option<String>> {
    let access = crate::kube_access::ClusterAccess::from_args(&args.cert.controller)?;
    let namespace = access.namespace()?;
    if let Some(ns) = &namespace {
        crate::args::namespace("the kubeconfig context's namespace", ns)?;
    }
    Ok(namespace)
}

/// `--raw`: one value, printed as base64 without a newline (as kubeseal prints it).
fn raw(args: &SealArgs) -> CliResult {
    let scope = args.scope.map(Scope::from).unwrap_or_default();
    let namespace = match &args.namespace {
        Some(ns) => Some(ns.clone()),
        None if scope != Scope::ClusterWide => context_namespace(args)?,
        None => None,
    };
    let object = ObjectRef::new(
        namespace.unwrap_or_default(),
        args.name.clone().unwrap_or_default(),
    );
    if scope != Scope::ClusterWide && object.namespace.is_empty() {
        bail!("must provide the --namespace flag with --raw and --scope {scope}");
    }
    if scope == Scope::Strict && object.name.is_empty() {
        bail!("must provide the --name flag with --raw and --scope {scope}");
    }
    if args.from_file.len() > 1 {
        bail!("must provide only one --from-file when encrypting a single item with --raw");
    }
    let path = match args.from_file.first() {
        Some(spec) => PathBuf::from(spec.split_once('=').map_or(spec.as_str(), |(_, p)| p)),
        None => {
            if std::io::stdin().is_terminal() {
                stderrln!("(tty detected: expecting a secret to encrypt in stdin)");
            }
            PathBuf::from("-")
        }
    };
    let value = Zeroizing::new(io::read_input(&path)?);
    let cert = cert_source::load_cert(&args.cert)?;
    let sealed = seal_raw(&cert, scope, &object, &value).map_err(CliError::failed)?;
    write_output(args.sealed_secret_file.as_deref(), sealed.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

/// `--merge-into FILE`: seal the input's values with the target's name,
/// namespace and scope, and add them to the target, which keeps its format.
fn merge(args: &SealArgs, target: &Path) -> CliResult {
    let target_text = io::read_input(target)?;
    let mut targets =
        read_sealed_secrets(&target_text).with_context(|| target.display().to_string())?;
    if targets.len() != 1 {
        bail!(
            "{}: expected exactly one SealedSecret to merge into, found {}",
            target.display(),
            targets.len()
        );
    }
    let mut orig = targets.remove(0);
    let (secrets, what) = read_input_secrets(args)?;
    let cert = cert_source::load_cert(&args.cert)?;
    // Seal under the target's scope unless --scope says otherwise, so that the
    // merged values decrypt under the same label as the existing ones.
    let scope = args
        .scope
        .map(Scope::from)
        .unwrap_or_else(|| Scope::from_annotations(&orig.metadata.annotations));
    let mut opts = options(args, Some(scope), orig.metadata.name.as_deref())?;
    if let Some(namespace) = &orig.metadata.namespace {
        opts = opts.override_namespace(namespace);
    }
    for secret in &secrets {
        let mut secret = secret.clone();
        if scope == Scope::Strict {
            Scope::Strict.apply_to_annotations(&mut secret.metadata.annotations);
        }
        let update = seal_secret(&cert, &secret, &opts)
            .map_err(flag_hints)
            .with_context(|| what.clone())?;
        orig.merge_from(&update);
    }
    let format = match args.format {
        Some(f) => f.into(),
        None => Format::detect(&target_text),
    };
    io::write_atomic(
        target,
        orig.to_string(format).as_bytes(),
        Overwrite::Replace,
        None,
    )
    .map_err(CliError::failed)?;
    Ok(ExitCode::SUCCESS)
}
