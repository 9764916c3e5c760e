//! `sealtoken receivers [PATH…]`: the Receivers declared in a repository,
//! with their webhook paths and URLs: at `--host`, or at each host the
//! repository's routes declare, per cluster.

use std::io::IsTerminal;
use std::process::ExitCode;

use flux_receiver::ReceiverType;
use flux_receiver::{RouteOptions, Token};
use kubeseal_core::ObjectRef;

use crate::cli::{ReceiversArgs, ReportFormat};
use crate::receiver_tree;
use crate::repo_clusters::{self, Chosen, Repo};
use crate::report::{ReceiverInfo, Report, UrlInfo};
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
    let hosts = hosts(args, threads)?;
    let token = if args.token_file.is_some() || !std::io::stdin().is_terminal() {
        Some(token_input::read(
            args.token_file.as_deref(),
            token_input::Weak::Warn,
        )?)
    } else {
        None
    };
    let mut every_cluster = Vec::new();
    let infos: Vec<ReceiverInfo> = scan
        .receivers
        .iter()
        .map(|f| {
            let (at, said) = hosts.for_receiver(f);
            if !said && at.iter().any(|c| c.cluster.is_some()) {
                every_cluster.push(crate::walk::display_path(&f.file));
            }
            info(f, args, token.as_ref(), &at)
        })
        .collect();
    every_cluster.dedup();
    if !every_cluster.is_empty() && hosts.clusters() > 1 {
        // A few files named, the rest counted: a large repository is one line.
        let shown = every_cluster.len().min(3);
        let more = match every_cluster.len() - shown {
            0 => String::new(),
            n => format!(" and {n} more files"),
        };
        stderrln!(
            "sealtoken: note: no Flux Kustomization in the repository shows which cluster applies {}{more}: URLs for every cluster",
            every_cluster[..shown].join(", ")
        );
    }
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

/// The hosts to print URLs for, and the repository they were read from.
struct Hosts {
    chosen: Vec<Chosen>,
    repo: Option<Repo>,
}

impl Hosts {
    /// The hosts that serve a Receiver: the clusters whose Flux
    /// Kustomizations apply its file, else every one (then `false`).
    fn for_receiver(&self, f: &Found) -> (Vec<Chosen>, bool) {
        let via = match &f.namespace_from {
            NamespaceFrom::Kustomization(k) => Some(k.as_path()),
            _ => None,
        };
        let applying = self
            .repo
            .as_ref()
            .and_then(|r| r.clusters_applying(&f.file, via));
        match applying {
            Some(list) => (
                self.chosen
                    .iter()
                    .filter(|c| c.cluster.as_deref().is_none_or(|n| list.contains(&n)))
                    .cloned()
                    .collect(),
                true,
            ),
            None => (self.chosen.clone(), false),
        }
    }

    /// How many clusters the hosts belong to.
    fn clusters(&self) -> usize {
        let mut names: Vec<&str> = self
            .chosen
            .iter()
            .filter_map(|c| c.cluster.as_deref())
            .collect();
        names.sort_unstable();
        names.dedup();
        names.len()
    }
}

/// `--host HOST` as given (warned when the repository declares others),
/// else every webhook host the repository's routes declare.
fn hosts(args: &ReceiversArgs, threads: usize) -> crate::CliResult<Hosts> {
    let options = RouteOptions::default();
    let repo = match repo_clusters::scan(&args.paths, &options, threads) {
        Ok(r) => r,
        Err(e) if args.host.as_deref().is_some_and(|h| h != "auto") => {
            stderrln!("sealtoken: warning: the repository's hosts were not read: {e:#}");
            Repo::default()
        }
        Err(e) => return Err(e.into()),
    };
    let declared = repo.declared();
    let chosen = match args.host.as_deref() {
        Some(h) if h != "auto" => {
            repo_clusters::warn_if_undeclared(h, &declared);
            vec![Chosen::given(h)]
        }
        auto => {
            if declared.is_empty() {
                if auto.is_some() {
                    for w in &repo.warnings {
                        stderrln!("sealtoken: note: {w}");
                    }
                    bail!("--host auto: the repository declares no host for the notification-controller's webhook-receiver Service (no HTTPRoute or Ingress to it with a host name); pass --host HOST");
                }
            } else {
                for w in &repo.warnings {
                    stderrln!("sealtoken: note: {w}");
                }
            }
            declared
        }
    };
    Ok(Hosts {
        chosen,
        repo: Some(repo),
    })
}

/// Path and URLs of one Receiver: with the given token when its `secretRef`
/// names the token Secret, with an empty token for `generic-oidc`.
fn info(f: &Found, args: &ReceiversArgs, token: Option<&Token>, hosts: &[Chosen]) -> ReceiverInfo {
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
    let urls: Vec<UrlInfo> = match &path {
        Some(p) => hosts
            .iter()
            .map(|h| UrlInfo {
                cluster: h.cluster.clone(),
                host: h.host.clone(),
                url: flux_receiver::webhook_url(&h.host, p),
                host_from: h.from.clone(),
            })
            .collect(),
        None => Vec::new(),
    };
    let url = match urls.as_slice() {
        [one] => Some(one.url.clone()),
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
        urls,
    }
}

/// `cluster: URL (host from file:line)`, or the URL alone for a given host.
fn url_text(u: &UrlInfo) -> String {
    match (&u.cluster, &u.host_from) {
        (Some(c), Some(from)) => format!("{c}: {} (host from {from})", u.url),
        _ => u.url.clone(),
    }
}

/// `file:line: namespace/name (type): URL`, or why there is no path; one
/// indented line per URL when there are several.
fn line(f: &Found, i: &ReceiverInfo, args: &ReceiversArgs) -> String {
    let ns = f.namespace.as_deref().unwrap_or("<no namespace>");
    let from = match &f.namespace_from {
        NamespaceFrom::Kustomization(k) => format!(" [namespace from {}]", k.display()),
        _ => String::new(),
    };
    let what = match (i.urls.as_slice(), &i.path) {
        ([one], _) => url_text(one),
        ([], Some(p)) => p.clone(),
        ([], None) if f.namespace.is_none() => "no namespace: pass -n NS".into(),
        ([], None) => match &f.manifest.secret_ref {
            Some(s) if *s != args.name => {
                format!(
                    "token Secret {s:?}, not {:?}: its path needs that token",
                    args.name
                )
            }
            _ => "path needs the token".into(),
        },
        (several, _) => several
            .iter()
            .map(|u| format!("\n  {}", url_text(u)))
            .collect::<String>()
            .trim_start_matches(' ')
            .to_string(),
    };
    let sep = if what.starts_with('\n') { ":" } else { ": " };
    format!(
        "{}:{}: {ns}/{} ({}){from}{sep}{what}\n",
        i.file.as_deref().unwrap_or("-"),
        f.manifest.pos.line,
        f.manifest.name,
        f.manifest.type_name
    )
}
