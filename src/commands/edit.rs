//! `sealtoken edit`: change values of a SealedSecret, in `$EDITOR` with the
//! private keys or one by one with `--set`/`--set-file`/`--delete` and only
//! the certificate. Values that did not change keep their ciphertext, so the
//! git diff shows only what changed.

use std::collections::BTreeMap;
use std::io::{IsTerminal as _, Write as _};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use kubeseal_core::{
    read_secrets, seal_raw, unseal_indexed, Certificate, Edits, Scope, SealedFile, SealedSecret,
    Secret, SecretValue,
};
use zeroize::Zeroizing;

use crate::cli::EditArgs;
use crate::io::{self, Overwrite};
use crate::{cert_source, key_files, CliError, CliResult};

pub fn run(args: &EditArgs) -> CliResult {
    let input = io::read_input(&args.file)?;
    let what = io::display(&args.file);
    let file = SealedFile::parse(&input).with_context(|| what.clone())?;
    let index = choose(&file, args.name.as_deref(), &what)?;
    let sealed = file
        .sealed_secrets()
        .nth(index)
        .cloned()
        .context("no SealedSecret")?;
    let edits = if args.keys.is_empty() {
        if args.set.is_empty() && args.set_file.is_empty() && args.delete.is_empty() {
            bail!("nothing to do: pass --key to edit in $EDITOR, or --set, --set-file, --delete");
        }
        by_flags(args, &sealed, index)?
    } else {
        match in_editor(args, &sealed, index, &what)? {
            Some(e) => e,
            None => return Ok(ExitCode::from(130)),
        }
    };
    if edits.is_empty() {
        stderrln!("sealtoken: {what}: no changes");
        return Ok(ExitCode::SUCCESS);
    }
    let out = file.apply(&edits).with_context(|| what.clone())?;
    io::write_atomic(&args.file, &out, Overwrite::Replace, None).map_err(CliError::failed)?;
    stderrln!("sealtoken: {what}: {} value(s) changed", edits.len());
    Ok(ExitCode::SUCCESS)
}

/// The index of the SealedSecret to edit: the only one, or the one `--name` names.
fn choose(file: &SealedFile, name: Option<&str>, what: &str) -> CliResult<usize> {
    let names: Vec<String> = file.sealed_secrets().map(|s| s.object_ref().name).collect();
    match (names.len(), name) {
        (0, _) => bail!("{what}: no SealedSecret in it"),
        (1, None) => Ok(0),
        (_, Some(n)) => match names.iter().position(|x| x == n) {
            Some(i) => Ok(i),
            None => bail!(
                "{what}: no SealedSecret named {n:?} (found: {})",
                names.join(", ")
            ),
        },
        (_, None) => bail!(
            "{what} holds {} SealedSecrets ({}): choose one with --name",
            names.len(),
            names.join(", ")
        ),
    }
}

/// Seals `value` for the SealedSecret's own scope and label (from `metadata`).
fn seal_for(cert: &Certificate, sealed: &SealedSecret, value: &[u8]) -> CliResult<String> {
    let scope = Scope::from_annotations(&sealed.metadata.annotations);
    Ok(seal_raw(cert, scope, &sealed.object_ref(), value)?)
}

fn check_key(key: &str) -> CliResult<()> {
    if !k8s_manifest::names::is_secret_key(key) {
        bail!("{key:?} is not a valid Secret key (letters, digits, '-', '_' and '.', at most 253)");
    }
    Ok(())
}

/// `--set`, `--set-file`, `--delete`.
fn by_flags(args: &EditArgs, sealed: &SealedSecret, index: usize) -> CliResult<Edits> {
    let mut values: Vec<(String, SecretValue)> = Vec::new();
    if !args.set.is_empty() {
        stderrln!("sealtoken: warning: --set puts the value on the command line, where ps and the shell's history see it; --set-file KEY=PATH reads it from a file");
    }
    for kv in &args.set {
        let (k, v) = kv
            .split_once('=')
            .with_context(|| "--set takes KEY=VALUE".to_string())?;
        check_key(k)?;
        values.push((k.to_string(), SecretValue::from(v)));
    }
    for kp in &args.set_file {
        let (k, p) = kp.split_once('=').context("--set-file takes KEY=PATH")?;
        check_key(k)?;
        let bytes = io::read_input(Path::new(p))?;
        values.push((k.to_string(), SecretValue::new(bytes)));
    }
    let mut edits = Edits::new();
    for k in &args.delete {
        if !sealed.encrypted_data.contains_key(k) {
            bail!("--delete {k}: the SealedSecret has no such key");
        }
        if values.iter().any(|(s, _)| s == k) {
            bail!("{k} is both set and deleted");
        }
        edits.remove(index, k.clone());
    }
    if !values.is_empty() {
        let cert = cert_source::load_cert(&args.cert)?;
        for (k, v) in values {
            edits.set(index, k, seal_for(&cert, sealed, v.expose())?);
        }
    }
    Ok(edits)
}

/// Opens the values, lets the user edit them in a private temporary file,
/// and returns the edits; `None` when interrupted.
fn in_editor(
    args: &EditArgs,
    sealed: &SealedSecret,
    index: usize,
    what: &str,
) -> CliResult<Option<Edits>> {
    let keys = key_files::load(&args.keys)?;
    let (before, opened_by) = unseal_indexed(&keys, sealed)
        .with_context(|| format!("{what}: SealedSecret {}", sealed.object_ref()))
        .map_err(CliError::failed)?;
    // Signals while the editor runs are recorded, not fatal: the plaintext
    // file is wiped and removed first (`hold` outlives `scratch`).
    let hold = crate::interrupt::hold();
    let scratch = Scratch::new(&before.to_editable_yaml())?;
    loop {
        let status = run_editor(scratch.path());
        if hold.interrupted() || killed_by_interrupt(&status) {
            stderrln!("sealtoken: interrupted; {what} is unchanged");
            return Ok(None);
        }
        let status = status?;
        if !status.success() {
            return Err(CliError::failed(anyhow::anyhow!(
                "the editor exited with {status}; {what} is unchanged"
            )));
        }
        let text =
            Zeroizing::new(std::fs::read(scratch.path()).context("cannot read the edited file")?);
        match compare(&before, &text) {
            Ok(changes) => {
                let mut edits = Edits::new();
                let mut cert = None;
                for (k, change) in changes {
                    match change {
                        Some(v) => {
                            if cert.is_none() {
                                cert = Some(sealing_cert(args, &keys, &opened_by, what)?);
                            }
                            let c = cert.as_ref().context("certificate")?;
                            edits.set(index, k, seal_for(c, sealed, v.expose())?);
                        }
                        None => edits.remove(index, k),
                    }
                }
                return Ok(Some(edits));
            }
            Err(msg) => {
                stderrln!("sealtoken: the edited Secret: {msg}");
                if !std::io::stdin().is_terminal() {
                    bail!("the edited Secret cannot be used; {what} is unchanged");
                }
                stderr!("Reopen the editor? [Y/n] ");
                let _ = std::io::stderr().flush();
                let mut answer = String::new();
                std::io::stdin().read_line(&mut answer).ok();
                if hold.interrupted() || answer.trim().eq_ignore_ascii_case("n") {
                    return Err(CliError::failed(anyhow::anyhow!("{what} is unchanged")));
                }
            }
        }
    }
}

/// The certificate the changed values are sealed with: `--cert` when given;
/// else, offline, the public half of the key that opened the most values
/// (the key the controller used for this file), said on stderr.
fn sealing_cert(
    args: &EditArgs,
    keys: &[kubeseal_core::PrivateKey],
    opened_by: &BTreeMap<String, usize>,
    what: &str,
) -> CliResult<Certificate> {
    if !args.cert.cert.is_empty() {
        return Ok(cert_source::load_cert(&args.cert)?);
    }
    let mut counts = vec![0usize; keys.len()];
    for i in opened_by.values() {
        counts[*i] += 1;
    }
    // The most used key; the first given among equals (no value: the first key).
    let best = (0..keys.len())
        .max_by_key(|i| (counts[*i], std::cmp::Reverse(*i)))
        .unwrap_or(0);
    let key = keys.get(best).context("no private key")?;
    let cert = key.public_key()?;
    if let Some(pin) = &args.cert.cert_sha256 {
        bail!(
            "--cert-sha256 {pin} pins a certificate, but none was given: pass --cert too \
             (without it, values are sealed for the key that opened {what})"
        );
    }
    stderrln!(
        "sealtoken: {what}: sealing the changed values for the key that opened it, {} \
         (offline; --cert seals for another certificate)",
        key_files::short_fingerprint(key)
    );
    Ok(cert)
}

/// What changed: new or changed values (`Some`), removed keys (`None`).
fn compare(before: &Secret, text: &[u8]) -> Result<BTreeMap<String, Option<SecretValue>>, String> {
    let mut after = read_secrets(text).map_err(|e| e.to_string())?;
    if after.len() != 1 {
        return Err(format!("expected one Secret, found {}", after.len()));
    }
    let after = after.remove(0);
    if after.metadata.name != before.metadata.name
        || after.metadata.namespace != before.metadata.namespace
    {
        return Err(
            "metadata.name and metadata.namespace cannot change (every value is bound to them)"
                .into(),
        );
    }
    let mut out = BTreeMap::new();
    for (k, v) in &after.data {
        if !k8s_manifest::names::is_secret_key(k) {
            return Err(format!("{k:?} is not a valid Secret key"));
        }
        if before.data.get(k).map(SecretValue::expose) != Some(v.expose()) {
            out.insert(k.clone(), Some(v.clone()));
        }
    }
    for k in before.data.keys() {
        if !after.data.contains_key(k) {
            out.insert(k.clone(), None);
        }
    }
    Ok(out)
}

/// `$EDITOR`, then `$VISUAL`, then `vi`, run through the shell as Git does
/// (so `EDITOR="code --wait"` works), on `path`.
fn run_editor(path: &Path) -> CliResult<std::process::ExitStatus> {
    let editor = ["EDITOR", "VISUAL"]
        .iter()
        .filter_map(|v| std::env::var(v).ok())
        .find(|e| !e.trim().is_empty())
        .unwrap_or_else(|| "vi".to_string());
    std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("{editor} \"$1\""))
        .arg("sh")
        .arg(path)
        .status()
        .with_context(|| format!("cannot run the editor {editor:?}"))
        .map_err(CliError::failed)
}

/// The plaintext file: mode 0600 in a private 0700 folder, on /dev/shm when
/// it exists; overwritten and removed when dropped (every return path,
/// errors and interruptions included).
struct Scratch {
    dir: Option<tempfile::TempDir>,
    path: PathBuf,
}

impl Scratch {
    fn new(contents: &str) -> CliResult<Scratch> {
        let base = Path::new("/dev/shm");
        let mut builder = tempfile::Builder::new();
        builder.prefix("sealtoken-edit-");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            builder.permissions(std::fs::Permissions::from_mode(0o700));
        }
        let dir = if base.is_dir() {
            builder.tempdir_in(base)
        } else {
            builder.tempdir()
        }
        .context("cannot create a private temporary folder")?;
        let path = dir.path().join("secret.yaml");
        let scratch = Scratch {
            dir: Some(dir),
            path,
        };
        io::write_private_new(&scratch.path, contents.as_bytes())?;
        Ok(scratch)
    }

    fn path(&self) -> &Path {
        &self.path
    }
}

/// Overwrites a regular file with zeros (symbolic links are not followed).
fn overwrite(path: &Path) {
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return;
    };
    if !meta.is_file() {
        return;
    }
    if let Ok(mut f) = std::fs::OpenOptions::new().write(true).open(path) {
        let zeros = vec![0u8; meta.len() as usize];
        let _ = f.write_all(&zeros).and_then(|()| f.sync_all());
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        // Overwrite what the editor left (it may have replaced the file, and
        // left swap or backup files beside it), then remove it all.
        overwrite(&self.path);
        if let Some(dir) = &self.dir {
            if let Ok(entries) = std::fs::read_dir(dir.path()) {
                for e in entries.flatten() {
                    overwrite(&e.path());
                }
            }
        }
        let _ = std::fs::remove_file(&self.path);
        if let Some(dir) = self.dir.take() {
            // Editors leave swap and backup files beside it: the folder goes as a whole.
            let _ = dir.close();
        }
    }
}

/// Whether the editor ended by SIGINT, SIGTERM or SIGHUP. Ctrl-C signals the
/// whole foreground group, and the editor may be gone before the signal
/// watcher has seen this process's copy: the run counts as interrupted anyway.
fn killed_by_interrupt<E>(status: &Result<std::process::ExitStatus, E>) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt as _;
        matches!(
            status.as_ref().ok().and_then(|s| s.signal()),
            Some(
                signal_hook::consts::SIGINT
                    | signal_hook::consts::SIGTERM
                    | signal_hook::consts::SIGHUP
            )
        )
    }
    #[cfg(not(unix))]
    {
        let _ = status;
        false
    }
}
