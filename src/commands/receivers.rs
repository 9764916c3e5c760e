//! `sealtoken receivers [PATH…]`: the Receivers declared in a repository,
//! with their webhook paths and URLs.

use std::io::IsTerminal;
use std::process::ExitCode;

use flux_receiver::ReceiverType;
use flux_receiver::Token;
use kubeseal_core::ObjectRef;

use crate::cli::{ReceiversArgs, ReportFormat};
use crate::receiver_tree;
use crate::report::{ReceiverInfo, Report};
use crate::token_input;
use crate::CliResult;
use flux_receiver::{NamespaceFrom, PlacedReceiver as Found};

pub fn run(args: &ReceiversArgs) -> CliResult {
    if args.report_include_token && args.report.is_none() {
        bail!("--report-include-token needs --report json");
    }
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let scan = receiver_tree::scan(&args.paths, args.namespace.as_deref(), threads)?;
    for w in &scan.warnings {
        stderrln!("sealtoken: warning: {w}");
    }
    let token = if args.token_file.is_some() || !std::io::stdin().is_terminal() {
        Some(token_input::read(
            args.token_file.as_deref(),
            token_input::Weak::Warn,
        )?)
    } else {
        None
    };
    let infos: Vec<ReceiverInfo> = scan
        .receivers
        .iter()
        .map(|f| info(f, args, token.as_ref()))
        .collect();
    if infos.is_empty() {
        stderrln!("sealtoken: no Receivers found");
    }
    if token.is_none() && infos.iter().any(|i| i.path.is_none()) {
        stderrln!("sealtoken: note: no token given (stdin or --token-file): paths of Receivers with a token Secret are not computed");
    }
    match args.report {
        Some(ReportFormat::Json) => {
            let report = Report {
                command: "receivers",
                receivers: infos,
                token: token
                    .as_ref()
                    .filter(|_| args.report_include_token)
                    .map(Token::expose),
                ..Report::default()
            };
            crate::io::write_stdout(&report.to_json())?;
        }
        None => {
            let mut out = String::new();
            for (f, i) in scan.receivers.iter().zip(&infos) {
                out.push_str(&line(f, i, args));
            }
            crate::io::write_stdout_text(&out)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Path and URL of one Receiver: with the given token when its `secretRef`
/// names the token Secret, with an empty token for `generic-oidc`.
fn info(f: &Found, args: &ReceiversArgs, token: Option<&Token>) -> ReceiverInfo {
    let m = &f.manifest;
    let kind = m.type_name.parse::<ReceiverType>().ok();
    let path = f.namespace.as_ref().and_then(|ns| {
        let me = ObjectRef::new(ns.as_str(), m.name.as_str());
        match (kind, &m.secret_ref, token) {
            (Some(ReceiverType::GenericOidc), _, _) => Some(flux_receiver::oidc_webhook_path(&me)),
            (_, Some(s), Some(t)) if *s == args.name => Some(flux_receiver::webhook_path(t, &me)),
            _ => None,
        }
    });
    let url = match (&path, &args.host) {
        (Some(p), Some(h)) => Some(flux_receiver::webhook_url(h, p)),
        _ => None,
    };
    ReceiverInfo {
        name: m.name.clone(),
        namespace: f.namespace.clone(),
        receiver_type: Some(m.type_name.clone()),
        instructions: match (kind, &url) {
            (Some(k), Some(u)) => Some(k.instructions(u)),
            _ => None,
        },
        path,
        url,
        secret_ref: m.secret_ref.clone(),
        events: m.events.clone(),
        file: Some(f.file.display().to_string()),
        line: Some(m.pos.line),
    }
}

/// `file:line: namespace/name (type): URL`, or why there is no path.
fn line(f: &Found, i: &ReceiverInfo, args: &ReceiversArgs) -> String {
    let ns = f.namespace.as_deref().unwrap_or("<no namespace>");
    let from = match &f.namespace_from {
        NamespaceFrom::Kustomization(k) => format!(" [namespace from {}]", k.display()),
        _ => String::new(),
    };
    let what = match (&i.url, &i.path) {
        (Some(u), _) => u.clone(),
        (None, Some(p)) => p.clone(),
        (None, None) if f.namespace.is_none() => "no namespace: pass -n NS".into(),
        (None, None) => match &f.manifest.secret_ref {
            Some(s) if *s != args.name => {
                format!(
                    "token Secret {s:?}, not {:?}: its path needs that token",
                    args.name
                )
            }
            _ => "path needs the token".into(),
        },
    };
    format!(
        "{}:{}: {ns}/{} ({}){from}: {what}\n",
        i.file.as_deref().unwrap_or("-"),
        f.manifest.pos.line,
        f.manifest.name,
        f.manifest.type_name
    )
}
