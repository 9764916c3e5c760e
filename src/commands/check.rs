//! `sealtoken check`: refuse plain Secrets (a pre-commit hook).
//!
//! Files are scanned in parallel; output is sorted by path, then line.
//! Exit 0 clean, 1 plain Secrets found (or sealed in place with --fix),
//! 2 a file could not be read or understood.

mod json;
mod sarif;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use k8s_manifest::escape;
use kubeseal_core::{Certificate, SealError, SealOptions};
use sealtoken_check::{Finding, FindingKind, Location, UnfixedReason};
use zeroize::Zeroizing;

use self::json::JsonFinding;
use self::sarif::SarifFinding;
use crate::cli::{CheckArgs, CheckFormat};
use crate::config::{self, Allow};
use crate::io::{self, Overwrite};
use crate::walk::{self, display_path};
use crate::{cert_source, CliResult};

/// What happened to one file.
#[derive(Default)]
struct FileResult {
    display: String,
    findings: Vec<Finding>,
    /// stderr lines without the path prefix.
    notes: Vec<String>,
    /// stdout lines (sealed in place) without the path prefix.
    fixed: Vec<(usize, String)>,
    /// Why the file (or a file it names) could not be read or understood.
    errors: Vec<String>,
    /// The file as read (not stdin), and its report, for the rules that
    /// span files (Flux post-build substitution).
    scanned: Option<(PathBuf, sealtoken_check::Report)>,
}

struct Ctx {
    /// The allow-lists that apply: the one of `--config`, or for each file
    /// the nearest `.sealtoken.toml` from its directory up to the
    /// repository root ([`config::find_from`]); with the file each came from.
    allow: Allows,
    cwd: PathBuf,
    fix: Option<(Certificate, SealOptions)>,
}

pub fn run(args: &CheckArgs) -> CliResult {
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    let fix = if args.fix {
        let cert = cert_source::load_cert(&args.cert)?;
        let mut opts = SealOptions::new().allow_expired_certificate(args.cert.allow_expired_cert);
        if let Some(namespace) = &args.namespace {
            opts = opts.namespace(namespace);
        }
        Some((cert, opts))
    } else {
        None
    };
    let threads = walk::threads(args.jobs);
    let (entries, walk_errors) = walk::files(&args.paths, threads, walk::Select::Committed);
    let allow = Allows::load(args.config.as_deref(), &cwd, &entries)?;
    let ctx = Ctx { allow, cwd, fix };
    // An unreadable directory entry: reported, not skipped silently.
    let mut results: Vec<FileResult> = walk_errors
        .into_iter()
        .map(|e| FileResult {
            display: e.path.as_deref().map_or_else(|| ".".into(), display_path),
            errors: vec![e.message],
            ..FileResult::default()
        })
        .collect();
    let stdin = Path::new("-");
    // A file the configuration allows is not read, and the output says so.
    let (allowed, entries): (Vec<_>, Vec<_>) = entries
        .into_iter()
        .partition(|e| e.path != stdin && ctx.allowed_by(&e.path).is_some());
    results.extend(allowed.iter().map(|e| FileResult {
        display: display_path(&e.path),
        notes: vec![format!(
            "not checked: allowed by {}",
            ctx.allowed_by(&e.path).unwrap_or_default()
        )],
        ..FileResult::default()
    }));
    results.extend(walk::par_map(&entries, threads, |e| {
        let display = if e.path == stdin {
            "stdin".to_string()
        } else {
            display_path(&e.path)
        };
        scan_file(&e.path, display, &ctx)
    }));

    across_files(&mut results, &ctx.cwd);
    results.sort_by(|a, b| a.display.cmp(&b.display));
    report(&results, args.format)
}

/// The rules that span files: Flux post-build substitution, judged over
/// every file read, by its path relative to the repository root (the Git
/// top level, or the current directory outside Git).
fn across_files(results: &mut [FileResult], cwd: &Path) {
    let root = crate::paths::git_top_level(cwd).unwrap_or_else(|| cwd.to_path_buf());
    let (index, files): (Vec<usize>, Vec<(String, &sealtoken_check::Report)>) = results
        .iter()
        .enumerate()
        .filter_map(|(i, r)| {
            let (path, report) = r.scanned.as_ref()?;
            let abs = crate::paths::normalize(&cwd.join(path));
            let rel = abs.strip_prefix(&root).unwrap_or(&abs);
            let rel = rel.to_string_lossy().replace('\\', "/");
            Some((i, (rel, report)))
        })
        .unzip();
    let files: Vec<(&str, &sealtoken_check::Report)> =
        files.iter().map(|(p, r)| (p.as_str(), *r)).collect();
    let found = sealtoken_check::substitutions(&files);
    for (i, finding) in found {
        if let Some(r) = index.get(i).and_then(|&at| results.get_mut(at)) {
            r.findings.push(finding);
        }
    }
}

fn scan_file(path: &Path, display: String, ctx: &Ctx) -> FileResult {
    let mut r = FileResult {
        display,
        ..FileResult::default()
    };
    let bytes = match io::read_input(path) {
        Ok(b) => Zeroizing::new(b),
        Err(e) => {
            r.errors.push(format!("{e:#}"));
            return r;
        }
    };
    let kustomization = path
        .file_name()
        .and_then(|n| n.to_str())
        .is_some_and(sealtoken_check::is_kustomization_file);
    let scanned = if kustomization {
        let dir = path.parent().unwrap_or(Path::new("")).to_path_buf();
        sealtoken_check::scan_kustomization(&bytes, &mut |rel: &str| {
            // Only regular files: a FIFO or a device would hang or never end.
            let p = dir.join(rel);
            if !std::fs::metadata(&p)?.is_file() {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidInput,
                    "not a regular file",
                ));
            }
            io::read_limited(&p)
        })
    } else {
        sealtoken_check::scan(&bytes)
    };
    let report = match scanned {
        Ok(rep) => rep,
        Err(e) => {
            r.errors.push(e.to_string());
            return r;
        }
    };
    r.notes = report.notes().iter().map(ToString::to_string).collect();
    // A file the kustomization names could not be read: not fully checked.
    r.errors = report
        .unreadable()
        .iter()
        .map(ToString::to_string)
        .collect();
    r.findings = report.findings().to_vec();
    if path != Path::new("-") {
        r.scanned = Some((path.to_path_buf(), report));
    }
    if ctx.fix.is_some() {
        for f in &r.findings {
            if f.kind() != FindingKind::PlainSecret {
                r.notes.push(format!(
                    "line {}: cannot fix automatically: {}",
                    f.pos().line,
                    remedy(f, &r.display)
                ));
            }
        }
    }
    if let Some((cert, opts)) = &ctx.fix {
        if path != Path::new("-")
            && r.findings
                .iter()
                .any(|f| f.kind() == FindingKind::PlainSecret)
        {
            fix_file(path, &bytes, cert, opts, &mut r);
        }
    }
    r
}

fn fix_file(path: &Path, bytes: &[u8], cert: &Certificate, opts: &SealOptions, r: &mut FileResult) {
    let fixed = match sealtoken_check::fix(bytes, cert, opts) {
        Ok(f) => f,
        Err(e) => {
            r.notes.push(format!("cannot fix: {e}"));
            return;
        }
    };
    if let Some(out) = fixed.output() {
        if let Err(e) = io::write_atomic(path, out, Overwrite::Replace, None) {
            r.errors.push(format!("{e:#}"));
            return;
        }
        let sealed_lines: Vec<usize> = fixed.sealed().iter().map(|s| s.line()).collect();
        r.findings.retain(|f| {
            !(f.kind() == FindingKind::PlainSecret && sealed_lines.contains(&f.pos().line))
        });
        r.fixed = fixed
            .sealed()
            .iter()
            .map(|s| {
                (
                    s.line(),
                    format!("sealed Secret {:?} in place", s.qualified_name()),
                )
            })
            .collect();
    }
    for u in fixed.unfixed() {
        r.notes.push(format!(
            "line {}: cannot fix {}: {}",
            u.finding().pos().line,
            u.finding()
                .to_string()
                .split(" (")
                .next()
                .unwrap_or_default(),
            unfixed_reason(u.reason())
        ));
    }
}

/// Why a Secret was left unsealed, with the flag that would help.
fn unfixed_reason(reason: &UnfixedReason) -> String {
    match reason {
        UnfixedReason::Seal(SealError::MissingNamespace { .. }) => {
            "it has no namespace; pass -n/--namespace to seal it".to_string()
        }
        UnfixedReason::Seal(SealError::NamespaceMismatch { found, given, .. }) => {
            format!("it is in namespace {found:?} but -n {given:?} was given")
        }
        other => other.to_string(),
    }
}

fn remedy(f: &Finding, path: &str) -> String {
    let file = f.file().map(escape::text).unwrap_or_default();
    match f.kind() {
        FindingKind::PlainSecret if matches!(f.location(), Location::Document(1)) => {
            // A Secret without a namespace is sealed for the one given.
            let namespace = if f.namespace().is_none() {
                " -n <namespace>"
            } else {
                ""
            };
            format!("seal it with sealtoken seal -f {path} -w {path}{namespace} --cert <cert>")
        }
        FindingKind::PlainSecret => match f.location() {
            Location::ListItem(_) => {
                "move it out of the List and seal it with sealtoken seal -f FILE --cert <cert>"
                    .to_string()
            }
            Location::Lines(_) => "template a SealedSecret instead \
                 (sealtoken seal --raw --cert <cert> for each value)"
                .to_string(),
            _ => format!("seal it with sealtoken check --fix --cert <cert> {path}"),
        },
        FindingKind::Unparseable => {
            "fix the file so that it parses, or allow it (# sealtoken: allow)".to_string()
        }
        FindingKind::SealedTemplateLiteral => "seal each value into spec.encryptedData \
             (sealtoken seal --raw --cert <cert>) and refer to it from the template"
            .to_string(),
        FindingKind::ControllerKey => {
            "remove the key backup from the repository and keep it offline".to_string()
        }
        FindingKind::PatchedSecret if file.is_empty() => {
            format!("take the value out of the patch in {path}; seal it in a SealedSecret")
        }
        FindingKind::PatchedSecret => {
            format!("take the value out of the patch {file}; seal it in a SealedSecret")
        }
        FindingKind::ReplacementIntoSecret => {
            "copy the value from a Secret (a SealedSecret) instead".to_string()
        }
        FindingKind::PostBuildSubstitute => {
            "move the value into a Secret and use postBuild.substituteFrom".to_string()
        }
        _ => "generate it from a SOPS-encrypted file, or use a SealedSecret (sealtoken seal)"
            .to_string(),
    }
}

fn report(results: &[FileResult], format: CheckFormat) -> CliResult {
    let mut out = String::new();
    let mut err = String::new();
    let mut json = Vec::new();
    let mut sarif = Vec::new();
    let (mut errors, mut findings, mut fixed) = (0usize, 0usize, 0usize);
    for r in results {
        let path = &r.display;
        // Paths, keys and messages may hold anything a file name or a
        // manifest holds: shown escaped, never as terminal controls.
        let shown = escape::text(path);
        for e in &r.errors {
            errors += 1;
            err.push_str(&format!("{shown}: {}\n", escape::text(e)));
        }
        for n in &r.notes {
            err.push_str(&format!("{shown}: {}\n", escape::text(n)));
        }
        let mut lines: Vec<(usize, usize, String)> = Vec::new();
        for f in &r.findings {
            findings += 1;
            let message = format!("{f}: {}", remedy(f, &shown));
            match format {
                CheckFormat::Text => lines.push((
                    f.pos().line,
                    f.pos().col,
                    format!("{shown}:{}:{}: {message}\n", f.pos().line, f.pos().col),
                )),
                CheckFormat::Json => json.push(JsonFinding {
                    path,
                    line: f.pos().line,
                    column: f.pos().col,
                    kind: f.kind().object(),
                    namespace: f.namespace(),
                    name: f.name(),
                    keys: f.keys(),
                    message,
                }),
                CheckFormat::Sarif => sarif.push(SarifFinding {
                    path,
                    line: f.pos().line,
                    column: f.pos().col,
                    kind: f.kind(),
                    namespace: f.namespace(),
                    name: f.name(),
                    file: f.file(),
                    message,
                }),
            }
        }
        for (line, msg) in &r.fixed {
            fixed += 1;
            let text = format!("{shown}:{line}: {}\n", escape::text(msg));
            match format {
                CheckFormat::Text => lines.push((*line, 0, text)),
                CheckFormat::Json | CheckFormat::Sarif => err.push_str(&text),
            }
        }
        lines.sort();
        for (_, _, l) in lines {
            out.push_str(&l);
        }
    }
    match format {
        CheckFormat::Text => {}
        CheckFormat::Json => {
            out = json::to_string(&json).context("cannot write the findings as JSON")?;
            out = escape::json_document(&out).into_owned();
        }
        CheckFormat::Sarif => {
            out = sarif::to_string(&sarif, errors == 0)
                .context("cannot write the findings as SARIF")?;
            out = escape::json_document(&out).into_owned();
        }
    }
    io::write_stdout(out.as_bytes())?;
    if !err.is_empty() {
        stderr!("{err}");
    }
    Ok(if errors > 0 {
        ExitCode::from(2)
    } else if findings > 0 || fixed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The allow-lists of a run.
enum Allows {
    /// `--config FILE`: one list for every file.
    Given(Option<(Allow, String)>),
    /// Each file's nearest `.sealtoken.toml`, by the directory it is
    /// looked up from (each configuration file read once).
    Nearest(HashMap<PathBuf, Option<std::sync::Arc<(Allow, String)>>>),
}

impl Allows {
    /// Reads `--config`, or every configuration file that applies to one
    /// of `entries` (a broken one is an error, as with `--config`).
    fn load(
        explicit: Option<&Path>,
        cwd: &Path,
        entries: &[walk::Entry],
    ) -> anyhow::Result<Allows> {
        let shown = |l: &config::Loaded| display_path(l.path.strip_prefix(cwd).unwrap_or(&l.path));
        if explicit.is_some() {
            let allow = match config::load(explicit, cwd)? {
                Some(l) => Some((l.allow(cwd)?, shown(&l))),
                None => None,
            };
            return Ok(Allows::Given(allow));
        }
        let mut by_file: HashMap<PathBuf, Option<std::sync::Arc<(Allow, String)>>> = HashMap::new();
        let mut by_dir = HashMap::new();
        // The starting directory's own configuration is read even when no
        // file needs it: a typo in it is an error, never a silent pass.
        let here = [walk::Entry {
            path: cwd.join(".sealtoken.toml"),
            named: false,
        }];
        for e in here
            .iter()
            .chain(entries)
            .filter(|e| e.path != Path::new("-"))
        {
            let dir = Self::dir_of(cwd, &e.path);
            if by_dir.contains_key(&dir) {
                continue;
            }
            let found = config::find_from(&dir, cwd);
            let allow = match &found {
                Some(file) if !by_file.contains_key(file) => {
                    let loaded = config::load(Some(file), cwd)?;
                    let allow = match loaded {
                        Some(l) => Some(std::sync::Arc::new((l.allow(cwd)?, shown(&l)))),
                        None => None,
                    };
                    by_file.insert(file.clone(), allow.clone());
                    allow
                }
                Some(file) => by_file.get(file).cloned().flatten(),
                None => None,
            };
            by_dir.insert(dir, allow);
        }
        Ok(Allows::Nearest(by_dir))
    }

    fn dir_of(cwd: &Path, path: &Path) -> PathBuf {
        let abs = crate::paths::normalize(&cwd.join(path));
        abs.parent().map(Path::to_path_buf).unwrap_or(abs)
    }
}

impl Ctx {
    /// The configuration file whose allow-list matches `path`.
    fn allowed_by(&self, path: &Path) -> Option<&str> {
        let found = match &self.allow {
            Allows::Given(allow) => allow.as_ref(),
            Allows::Nearest(by_dir) => by_dir
                .get(&Allows::dir_of(&self.cwd, path))
                .and_then(|a| a.as_deref()),
        };
        found
            .filter(|(allow, _)| allow.matches(&self.cwd, path))
            .map(|(_, file)| file.as_str())
    }
}
