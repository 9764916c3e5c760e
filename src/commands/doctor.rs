//! `sealtoken doctor`: why the controller would fail to decrypt each
//! SealedSecret, and what to change (`kubeseal_core::diagnose`).
//!
//! Output like `check`: `file:line: …` lines sorted by path then line, or
//! `--format json`; exit 0 healthy, 1 findings, 2 a usage or input error.
//! No value is ever printed.

use std::process::ExitCode;

use anyhow::Context;
use kubeseal_core::diagnose::{Cause, Doctor, Finding};
use kubeseal_core::{BackupKey, Certificate};
use serde::Serialize;

use crate::cli::{DoctorArgs, DoctorFormat};
use crate::diagnosis::{scan, Scanned};
use crate::{io, key_files, CliResult};

pub fn run(args: &DoctorArgs) -> CliResult {
    for ns in &args.namespaces {
        crate::args::namespace("-n/--namespace", ns)?;
    }
    if (!args.namespaces.is_empty() || !args.names.is_empty()) && args.keys.is_empty() {
        bail!("--namespace and --name are candidates to try with --key: pass --key too");
    }
    let cert = match &args.cert {
        Some(p) => {
            let pem = io::read_input(p)?;
            Some(Certificate::from_pem(&pem).with_context(|| io::display(p))?)
        }
        None => None,
    };
    let keys: Vec<(String, BackupKey)> = if args.keys.is_empty() {
        Vec::new()
    } else {
        key_files::load_backups(&args.keys)?
    };
    let mut doctor = Doctor::new().keys(keys.iter().map(|(_, k)| k.key()));
    if let Some(c) = &cert {
        doctor = doctor.certificate(c);
    }
    for ns in &args.namespaces {
        doctor = doctor.namespace(ns);
    }
    for n in &args.names {
        doctor = doctor.name(n);
    }
    let scanned = scan(&args.paths, args.jobs, &doctor);
    report(&scanned, args.format, !keys.is_empty())
}

/// The binary's hint added to a finding.
fn hint(f: &Finding, with_keys: bool) -> &'static str {
    match f.cause() {
        Cause::NoKeyOpens { .. } if with_keys => {
            " (--namespace/--name add candidates to try; --key adds keys)"
        }
        _ => "",
    }
}

/// One finding as `--format json` prints it.
#[derive(Serialize)]
struct JsonFinding<'a> {
    path: &'a str,
    line: usize,
    namespace: Option<&'a str>,
    name: Option<&'a str>,
    key: Option<&'a str>,
    cause: &'static str,
    message: String,
}

fn report(scanned: &[Scanned], format: DoctorFormat, with_keys: bool) -> CliResult {
    let (mut out, mut err) = (String::new(), String::new());
    let (mut errors, mut findings, mut objects) = (0usize, 0usize, 0usize);
    let mut json = Vec::new();
    for s in scanned {
        let path = &s.display;
        let d = match &s.result {
            Ok(d) => d,
            Err(e) => {
                errors += 1;
                err.push_str(&format!("{e}\n"));
                continue;
            }
        };
        objects += d.sealed_secrets();
        if d.sealed_secrets() == 0 {
            err.push_str(&format!("{path}: note: no SealedSecret in it\n"));
        }
        for f in d.findings() {
            findings += 1;
            let message = format!("{f}{}", hint(f, with_keys));
            match format {
                DoctorFormat::Text => out.push_str(&format!("{path}:{}: {message}\n", f.line())),
                DoctorFormat::Json => json.push(JsonFinding {
                    path,
                    line: f.line(),
                    namespace: f.namespace(),
                    name: f.name(),
                    key: f.key(),
                    cause: f.cause().code(),
                    message,
                }),
            }
        }
    }
    if format == DoctorFormat::Json {
        out = json_lines(&json).context("cannot write the findings as JSON")?;
        io::write_stdout_json(&out)?;
    } else {
        if findings == 0 && errors == 0 {
            err.push_str(&format!(
                "sealtoken: {objects} SealedSecret(s) checked: nothing found that would stop the controller\n"
            ));
        }
        io::write_stdout_text(&out)?;
    }
    if !err.is_empty() {
        stderr!("{err}");
    }
    Ok(if errors > 0 {
        ExitCode::from(2)
    } else if findings > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// `[\n  {…},\n  {…}\n]\n` as `check --format json` writes it.
fn json_lines<T: Serialize>(items: &[T]) -> serde_json::Result<String> {
    if items.is_empty() {
        return Ok("[]\n".to_string());
    }
    let mut out = String::from("[\n");
    for (i, item) in items.iter().enumerate() {
        out.push_str(if i == 0 { "  " } else { ",\n  " });
        out.push_str(&serde_json::to_string(item)?);
    }
    out.push_str("\n]\n");
    Ok(out)
}
