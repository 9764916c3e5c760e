//! `sealtoken keys`: an inventory of the controller's keys for retiring old
//! ones: what each key opens and where, the keys that open nothing, and the
//! values no key opens.
//!
//! Exit 0 when every value opens with some key, 1 when some value opens with
//! none (like `doctor`'s findings: those values need a key the backups do
//! not hold, or `doctor` to say why), 2 a usage or input error.

use std::collections::BTreeMap;
use std::process::ExitCode;

use anyhow::Context;
use kubeseal_core::diagnose::{Doctor, ValueReport};
use kubeseal_core::BackupKey;
use serde::Serialize;

use crate::cli::{DoctorFormat, KeysArgs};
use crate::diagnosis::{private_keys, scan};
use crate::{io, key_files, CliResult};

#[derive(Serialize)]
struct JsonCert {
    fingerprint: String,
    not_before: Option<String>,
    not_after: Option<String>,
}

#[derive(Serialize)]
struct JsonFile<'a> {
    path: &'a str,
    values: usize,
}

#[derive(Serialize)]
struct JsonKey<'a> {
    fingerprint: String,
    bits: usize,
    secret: Option<&'a str>,
    source: &'a str,
    certificate: Option<JsonCert>,
    values: usize,
    files: Vec<JsonFile<'a>>,
}

#[derive(Serialize)]
struct JsonValue<'a> {
    path: &'a str,
    line: usize,
    namespace: Option<&'a str>,
    name: &'a str,
    key: &'a str,
}

#[derive(Serialize)]
struct JsonInventory<'a> {
    keys: Vec<JsonKey<'a>>,
    unused: Vec<String>,
    unopened: Vec<JsonValue<'a>>,
}

fn hex(b: [u8; 32]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

pub fn run(args: &KeysArgs) -> CliResult {
    let keys = key_files::load_backups(&args.keys)?;
    let doctor = Doctor::new().keys(private_keys(&keys));
    let scanned = scan(&args.paths, args.jobs, &doctor);

    // Per key: values opened per file (in path order).
    let mut per_key: Vec<BTreeMap<&str, usize>> = vec![BTreeMap::new(); keys.len()];
    let mut unopened: Vec<(&str, &ValueReport)> = Vec::new();
    let mut errors = String::new();
    let mut total = 0usize;
    for s in &scanned {
        let d = match &s.result {
            Ok(d) => d,
            Err(e) => {
                errors.push_str(&format!("{e}\n"));
                continue;
            }
        };
        for v in d.values() {
            total += 1;
            match &v.opened_by {
                Some(o) => *per_key[o.key_index].entry(&s.display).or_default() += 1,
                None => unopened.push((&s.display, v)),
            }
        }
    }

    let inventory = JsonInventory {
        keys: keys
            .iter()
            .zip(&per_key)
            .map(|((source, k), files)| json_key(source, k, files))
            .collect(),
        unused: keys
            .iter()
            .zip(&per_key)
            .filter(|(_, f)| f.is_empty())
            .map(|((_, k), _)| hex(k.key().fingerprint()))
            .collect(),
        unopened: unopened
            .iter()
            .map(|(path, v)| JsonValue {
                path,
                line: v.line,
                namespace: v.namespace.as_deref(),
                name: &v.name,
                key: &v.key,
            })
            .collect(),
    };
    match args.format {
        DoctorFormat::Json => {
            let mut s = serde_json::to_string_pretty(&inventory)
                .context("cannot write the inventory as JSON")?;
            s.push('\n');
            io::write_stdout_json(&s)?;
        }
        DoctorFormat::Text => io::write_stdout_text(&text(&inventory, total))?,
    }
    if !errors.is_empty() {
        stderr!("{errors}");
        return Ok(ExitCode::from(2));
    }
    Ok(if inventory.unopened.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn json_key<'a>(
    source: &'a str,
    k: &'a BackupKey,
    files: &BTreeMap<&'a str, usize>,
) -> JsonKey<'a> {
    JsonKey {
        fingerprint: hex(k.key().fingerprint()),
        bits: k.key().bits(),
        secret: k.secret_name(),
        source,
        certificate: k.certificate().map(|c| JsonCert {
            fingerprint: c.fingerprint_hex(),
            not_before: c.not_before().map(|t| t.to_string()),
            not_after: c.not_after().map(|t| t.to_string()),
        }),
        values: files.values().sum(),
        files: files
            .iter()
            .map(|(path, values)| JsonFile {
                path,
                values: *values,
            })
            .collect(),
    }
}

fn text(inv: &JsonInventory<'_>, total: usize) -> String {
    let mut out = String::new();
    for (i, k) in inv.keys.iter().enumerate() {
        let name = k.secret.unwrap_or("(PEM key)");
        out.push_str(&format!(
            "key {}: {name} from {}, RSA-{}\n",
            i + 1,
            k.source,
            k.bits
        ));
        out.push_str(&format!("  public key sha256: {}\n", k.fingerprint));
        if let Some(c) = &k.certificate {
            out.push_str(&format!(
                "  certificate sha256: {}, valid {} to {}\n",
                c.fingerprint,
                c.not_before.as_deref().unwrap_or("?"),
                c.not_after.as_deref().unwrap_or("?")
            ));
        }
        if k.files.is_empty() {
            out.push_str("  opens no value: safe to retire\n");
        } else {
            let files: Vec<String> = k
                .files
                .iter()
                .map(|f| format!("{} ({})", f.path, f.values))
                .collect();
            out.push_str(&format!(
                "  opens {} value(s): {}\n",
                k.values,
                files.join(", ")
            ));
        }
    }
    out.push_str(&format!(
        "{total} value(s); {} key(s) open nothing; {} value(s) no key opens\n",
        inv.unused.len(),
        inv.unopened.len()
    ));
    for v in &inv.unopened {
        let object = match v.namespace {
            Some(ns) => format!("{ns}/{}", v.name),
            None => v.name.to_string(),
        };
        out.push_str(&format!(
            "{}:{}: SealedSecret {object:?}: encryptedData.{}: no key opens it (sealtoken doctor --key … says why)\n",
            v.path, v.line, v.key
        ));
    }
    out
}
