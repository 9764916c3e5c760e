//! `sealtoken diff OLD NEW`: what changed in SealedSecrets, key by key,
//! without a value; `--textconv FILE`: the stable view Git diffs.
//!
//! Exit 0 equal, 1 different, 2 bad input (as `diff` does).

use std::fmt::Write as _;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use kubeseal_core::diff::{self, Change, KeyChange, ObjectDiff, Plaintext};
use kubeseal_core::{read_sealed_secrets, PrivateKey, SealedSecret};
use serde::Serialize;

use crate::cli::{DiffArgs, DoctorFormat};
use crate::{io, key_files, CliResult};

pub fn run(args: &DiffArgs) -> CliResult {
    if args.textconv {
        let [file] = args.files.as_slice() else {
            bail!("--textconv takes one file");
        };
        // An empty file (a deleted side of a Git diff) shows as nothing.
        let bytes = io::read_input(file)?;
        let set = if bytes.iter().all(u8::is_ascii_whitespace) {
            Vec::new()
        } else {
            read(file, &bytes)?
        };
        io::write_stdout_text(&diff::text_view(&set))?;
        return Ok(ExitCode::SUCCESS);
    }
    let [old, new] = args.files.as_slice() else {
        bail!("diff takes two files, OLD and NEW (or --textconv FILE)");
    };
    let old_set = read(old, &io::read_input(old)?)?;
    let new_set = read(new, &io::read_input(new)?)?;
    let keys: Vec<PrivateKey> = if args.keys.is_empty() {
        Vec::new()
    } else {
        key_files::load(&args.keys)?
    };
    let changes = diff::diff(&old_set, &new_set, &keys);
    match args.format {
        DoctorFormat::Text => io::write_stdout_text(&text(&changes, &keys))?,
        DoctorFormat::Json => {
            let json = serde_json::to_string_pretty(&json(&changes, &keys))
                .context("cannot write the changes as JSON")?;
            io::write_stdout_json(&format!("{json}\n"))?;
        }
    }
    Ok(if changes.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn read(path: &Path, bytes: &[u8]) -> anyhow::Result<Vec<SealedSecret>> {
    read_sealed_secrets(bytes).with_context(|| io::display(path))
}

/// A key by its fingerprint, as `keys` shows it.
fn key_name(keys: &[PrivateKey], i: usize) -> String {
    keys.get(i).map_or_else(
        || format!("#{i}"),
        |k| {
            k.fingerprint()
                .iter()
                .take(8)
                .map(|b| format!("{b:02x}"))
                .collect()
        },
    )
}

fn plaintext_text(p: Plaintext, keys: &[PrivateKey]) -> String {
    let opened_by = |o: usize, n: usize| {
        if o == n {
            format!("both open with key {}", key_name(keys, o))
        } else {
            format!(
                "old opens with key {}, new with key {}",
                key_name(keys, o),
                key_name(keys, n)
            )
        }
    };
    match p {
        Plaintext::Same { old_key, new_key } => {
            format!(
                "re-encrypted only, same value ({})",
                opened_by(old_key, new_key)
            )
        }
        Plaintext::Changed { old_key, new_key } => {
            format!("value changed ({})", opened_by(old_key, new_key))
        }
        Plaintext::Unknown {
            old_opens,
            new_opens,
        } => {
            let side = match (old_opens, new_opens) {
                (false, false) => "neither side",
                (false, true) => "the old side",
                _ => "the new side",
            };
            format!("value not compared: {side} does not open with the keys given")
        }
        _ => "value not compared".to_string(),
    }
}

/// One line per change, grouped by object.
fn text(changes: &[ObjectDiff], keys: &[PrivateKey]) -> String {
    let mut out = String::new();
    for o in changes {
        let what = match o.change() {
            Change::Added => "added",
            Change::Removed => "removed",
            _ => "changed",
        };
        let _ = writeln!(out, "SealedSecret {} {what}", diff::qualified(o.object()));
        for k in o.keys() {
            let (mark, change) = match k.change() {
                KeyChange::Added => ('+', "added".to_string()),
                KeyChange::Removed => ('-', "removed".to_string()),
                _ => (
                    '~',
                    match k.plaintext() {
                        Some(p) => format!("ciphertext changed: {}", plaintext_text(p, keys)),
                        None => "ciphertext changed".to_string(),
                    },
                ),
            };
            let _ = writeln!(out, "  {mark} encryptedData.{}: {change}", k.key());
        }
        for f in o.fields() {
            let shown = |v: &Option<String>| {
                v.as_deref()
                    .map_or("(none)".to_string(), |s| format!("{s:?}"))
            };
            let mark = match (&f.old, &f.new) {
                (None, _) => '+',
                (_, None) => '-',
                _ => '~',
            };
            let _ = writeln!(
                out,
                "  {mark} {}: {} -> {}",
                f.path,
                shown(&f.old),
                shown(&f.new)
            );
        }
    }
    out
}

#[derive(Serialize)]
struct JsonObject<'a> {
    namespace: &'a str,
    name: &'a str,
    change: &'static str,
    keys: Vec<JsonKey<'a>>,
    fields: Vec<JsonField<'a>>,
}

#[derive(Serialize)]
struct JsonKey<'a> {
    key: &'a str,
    change: &'static str,
    /// `same`, `changed` or `unknown` (with --key).
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    old_key: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    new_key: Option<String>,
}

#[derive(Serialize)]
struct JsonField<'a> {
    path: &'a str,
    old: Option<&'a str>,
    new: Option<&'a str>,
}

fn json<'a>(changes: &'a [ObjectDiff], keys: &[PrivateKey]) -> Vec<JsonObject<'a>> {
    changes
        .iter()
        .map(|o| JsonObject {
            namespace: &o.object().namespace,
            name: &o.object().name,
            change: match o.change() {
                Change::Added => "added",
                Change::Removed => "removed",
                _ => "changed",
            },
            keys: o
                .keys()
                .iter()
                .map(|k| {
                    let (value, old_key, new_key) = match k.plaintext() {
                        Some(Plaintext::Same { old_key, new_key }) => {
                            (Some("same"), Some(old_key), Some(new_key))
                        }
                        Some(Plaintext::Changed { old_key, new_key }) => {
                            (Some("changed"), Some(old_key), Some(new_key))
                        }
                        Some(_) => (Some("unknown"), None, None),
                        None => (None, None, None),
                    };
                    JsonKey {
                        key: k.key(),
                        change: match k.change() {
                            KeyChange::Added => "added",
                            KeyChange::Removed => "removed",
                            _ => "ciphertext",
                        },
                        value,
                        old_key: old_key.map(|i| key_name(keys, i)),
                        new_key: new_key.map(|i| key_name(keys, i)),
                    }
                })
                .collect(),
            fields: o
                .fields()
                .iter()
                .map(|f| JsonField {
                    path: &f.path,
                    old: f.old.as_deref(),
                    new: f.new.as_deref(),
                })
                .collect(),
        })
        .collect()
}
