//! Recovery with the controller's private keys, shared by `unseal` and
//! `seal --recovery-unseal`: the Secret the controller would create
//! (`kubeseal_core::controller`), and the metadata check that `--validate`
//! and `--re-encrypt` share with them.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use kubeseal_core::controller::{controller_secret, Owner};
use kubeseal_core::{read_sealed_secrets, Format, PrivateKey, Scope, SealedSecret};
use zeroize::Zeroizing;

use crate::io::{self, Overwrite};
use crate::{CliError, CliResult};

/// Unseals every SealedSecret of `input` and writes the plaintext Secrets to
/// `output` (a new 0600 file, written atomically) or stdout.
pub fn recover(
    keys: &[PrivateKey],
    input: &Path,
    namespace: Option<&str>,
    format: Format,
    output: Option<&Path>,
    overwrite: Overwrite,
) -> CliResult {
    if let Some(p) =
        output.filter(|p| overwrite == Overwrite::Refuse && p.symlink_metadata().is_ok())
    {
        bail!("{} already exists; pass --force to replace it", p.display());
    }
    let what = io::display(input);
    let text = io::read_input(input)?;
    let sealed = read_sealed_secrets(&text).with_context(|| what.clone())?;
    let mut out = Zeroizing::new(String::new());
    for s in &sealed {
        warn_on_metadata_mismatch(s, &what);
        let mut s = s.clone();
        s.metadata.namespace = namespace_for(&s, namespace, &what)?;
        let name = s.object_ref().name;
        // The Secret as the controller creates it: templates rendered, owner set.
        let made = controller_secret(keys, &s)
            .with_context(|| format!("{what}: SealedSecret {name:?}"))
            .map_err(CliError::failed)?;
        if made.owner == Owner::NoUid {
            stderrln!(
                "sealtoken: note: {what}: SealedSecret {name:?} has no metadata.uid (it was not \
                 exported from a cluster): the ownerReferences the controller sets are left out"
            );
        }
        // The rendered Secret is plaintext: wipe it too once copied.
        out.push_str(&Zeroizing::new(made.secret.to_string(format)));
    }
    stderrln!("sealtoken: warning: the output is a PLAINTEXT Secret; never commit it");
    match output {
        Some(p) => {
            io::write_atomic(p, out.as_bytes(), overwrite, Some(0o600)).map_err(CliError::failed)?
        }
        // Plaintext: a closed pipe or a full disk is a failure.
        None => io::write_stdout_secret(out.as_bytes()).map_err(CliError::failed)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// The namespace a SealedSecret is unsealed in: its own; else `-n`; else, for
/// a scope bound to a namespace, its template's (with a note), as
/// kustomize overlays and `helm template` leave `metadata.namespace` out.
fn namespace_for(s: &SealedSecret, given: Option<&str>, what: &str) -> CliResult<Option<String>> {
    let name = s.object_ref().name;
    match (&s.metadata.namespace, given) {
        (Some(own), Some(given)) if own != given => bail!(
            "{what}: namespace mismatch: SealedSecret {name:?} is in namespace {own:?} but {given:?} was specified"
        ),
        (Some(own), _) => Ok(Some(own.clone())),
        (None, Some(given)) => Ok(Some(given.to_string())),
        (None, None) => {
            let scope = Scope::from_annotations(&s.metadata.annotations);
            if scope == Scope::ClusterWide {
                return Ok(None);
            }
            match &s.template.metadata.namespace {
                Some(ns) => {
                    stderrln!(
                        "sealtoken: note: {what}: SealedSecret {name:?} has no metadata.namespace; \
                         trying its template's namespace {ns:?} (-n chooses another)"
                    );
                    Ok(Some(ns.clone()))
                }
                None => bail!(
                    "{what}: SealedSecret {name:?} has no metadata.namespace and its scope ({scope}) \
                     binds it to one: pass -n NAMESPACE"
                ),
            }
        }
    }
}

/// Upstream's controller (v0.36, the fix for CVE-2026-22728) trusts
/// `metadata` over `spec.template.metadata`; so does unsealing here. Say so
/// when they disagree, as the file will not behave as it reads.
pub fn warn_on_metadata_mismatch(s: &SealedSecret, what: &str) {
    let (meta, tmeta) = (&s.metadata, &s.template.metadata);
    let name = meta.name.as_deref().unwrap_or_default();
    let mut diffs = Vec::new();
    if let Some(t) = tmeta.name.as_deref().filter(|t| *t != name) {
        diffs.push(format!("name {name:?} vs {t:?}"));
    }
    if let (Some(own), Some(t)) = (meta.namespace.as_deref(), tmeta.namespace.as_deref()) {
        if own != t {
            diffs.push(format!("namespace {own:?} vs {t:?}"));
        }
    }
    if !diffs.is_empty() {
        stderrln!(
            "sealtoken: warning: {what}: SealedSecret {name:?}: metadata and spec.template.metadata disagree ({}); \
             metadata is used, as the controller does",
            diffs.join(", ")
        );
    }
}
