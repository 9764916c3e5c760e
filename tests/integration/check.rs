//! `sealtoken check`: the corpus in tests/check-corpus (table-driven by its
//! expected.txt), exit codes, ordering, JSON, the allow-list, --fix.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use crate::common::{demo_cert, demo_key, sealtoken, Run};

/// Marker contained in every secret value of the corpus.
const MARKER: &str = "s3cr3t";

fn corpus() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/check-corpus")
}

#[derive(Debug, PartialEq)]
enum Expect {
    Clean,
    Finding(Vec<usize>),
    Error,
}

fn expectations() -> Vec<(String, Expect, bool)> {
    let text = fs::read_to_string(corpus().join("expected.txt")).unwrap();
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (file, rest) = l
                .split_once(": ")
                .unwrap_or_else(|| panic!("bad line {l:?}"));
            let mut words: Vec<&str> = rest.split_whitespace().collect();
            let note = words.last() == Some(&"note");
            if note {
                words.pop();
            }
            let expect = match words.as_slice() {
                ["clean"] => Expect::Clean,
                ["error"] => Expect::Error,
                ["finding", lines @ ..] if !lines.is_empty() => {
                    Expect::Finding(lines.iter().map(|n| n.parse().unwrap()).collect())
                }
                _ => panic!("bad expectation {l:?}"),
            };
            (file.to_string(), expect, note)
        })
        .collect()
}

fn run_in(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = sealtoken()
        .current_dir(dir)
        .arg("check")
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// Finding lines of `path:line:col: ...` output, for one file.
fn finding_lines(stdout: &str, file: &str) -> Vec<usize> {
    stdout
        .lines()
        .filter_map(|l| l.strip_prefix(&format!("{file}:")))
        .map(|rest| rest.split(':').next().unwrap().parse().unwrap())
        .collect()
}

#[test]
fn corpus_cases() {
    let mut failures = Vec::new();
    for (file, expect, note) in expectations() {
        let (code, stdout, stderr) = run_in(&corpus(), &[&file]);
        let ok = match &expect {
            Expect::Clean => code == 0 && stdout.is_empty(),
            Expect::Error => code == 2 && stderr.starts_with(&format!("{file}: ")),
            Expect::Finding(lines) => {
                code == 1
                    && &finding_lines(&stdout, &file) == lines
                    && stdout.lines().count() == lines.len()
                    && stdout
                        .lines()
                        .all(|l| l.contains("(keys: ") || l.contains(": cannot be parsed ("))
            }
        };
        let note_ok = !note || stderr.lines().any(|l| l.starts_with(&format!("{file}: ")));
        let quiet_ok = note || expect == Expect::Error || stderr.is_empty();
        if !ok || !note_ok || !quiet_ok {
            failures.push(format!(
                "{file}: expected {expect:?} (note: {note}), got exit {code}\nstdout: {stdout}stderr: {stderr}"
            ));
        }
        for text in [&stdout, &stderr] {
            assert!(!text.contains(MARKER), "{file}: a value leaked: {text}");
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_corpus_file_has_an_expectation() {
    let listed: BTreeSet<String> = expectations().into_iter().map(|(f, ..)| f).collect();
    let mut found = BTreeSet::new();
    let mut stack = vec![corpus()];
    while let Some(dir) = stack.pop() {
        for e in fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("yaml" | "yml" | "json")
            ) {
                let rel = p.strip_prefix(corpus()).unwrap();
                found.insert(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    assert_eq!(found, listed);
}

#[test]
fn walking_the_corpus_is_sorted_and_complete() {
    let (code, stdout, stderr) = run_in(&corpus(), &[]);
    // not-utf8.yaml cannot be read: exit 2 even though there are findings.
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("not-utf8.yaml: not UTF-8"), "{stderr}");
    let mut expected = Vec::new();
    for (file, expect, _) in expectations() {
        if let Expect::Finding(lines) = expect {
            expected.extend(lines.into_iter().map(|l| (file.clone(), l)));
        }
    }
    expected.sort();
    let got: Vec<(String, usize)> = stdout
        .lines()
        .map(|l| {
            let mut parts = l.splitn(3, ':');
            let file = parts.next().unwrap().to_string();
            (file, parts.next().unwrap().parse().unwrap())
        })
        .collect();
    assert_eq!(got, expected);
    assert!(!stdout.contains(MARKER) && !stderr.contains(MARKER));
    // Deterministic: the same bytes again.
    let (_, again, _) = run_in(&corpus(), &["-j", "1"]);
    assert_eq!(again, stdout);
}

#[test]
fn message_format() {
    let (code, stdout, _) = run_in(&corpus(), &["plain-data.yaml", "list.yaml"]);
    assert_eq!(code, 1);
    assert_eq!(
        stdout.lines().next().unwrap(),
        "list.yaml:11:9: plain Secret \"apps/in-a-list\" (keys: token): move it out of the List and seal it with sealtoken seal -f FILE --cert <cert>"
    );
    assert_eq!(
        stdout.lines().nth(1).unwrap(),
        "plain-data.yaml:2:7: plain Secret \"apps/db\" (keys: username, password): seal it with sealtoken seal -f plain-data.yaml -w plain-data.yaml --cert <cert>"
    );
    let (_, stdout, _) = run_in(&corpus(), &["kind-quoted.yaml"]);
    assert!(stdout.starts_with("kind-quoted.yaml:2:7: plain Secret \"quoted\" (keys: key): "));
}

#[test]
fn json_output() {
    let (code, stdout, _) = run_in(
        &corpus(),
        &["--format", "json", "multi.yaml", "sealed.yaml"],
    );
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let items = v.as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["path"], "multi.yaml");
    assert_eq!(items[0]["line"], 2);
    assert_eq!(items[0]["column"], 7);
    assert_eq!(items[0]["kind"], "Secret");
    assert_eq!(items[0]["namespace"], "apps");
    assert_eq!(items[0]["name"], "one");
    assert_eq!(items[0]["keys"], serde_json::json!(["a"]));
    assert!(items[1]["message"]
        .as_str()
        .unwrap()
        .starts_with("plain Secret \"apps/two\""));
    assert!(!stdout.contains(MARKER));

    let (code, stdout, _) = run_in(&corpus(), &["--format", "json", "sealed.yaml"]);
    assert_eq!(code, 0);
    assert_eq!(stdout.trim(), "[]");
}

#[test]
fn no_value_is_printed_anywhere() {
    // Values in findings, notes, errors and JSON: a mix of every path.
    let dir = tempfile::tempdir().unwrap();
    let value = "VALUE-hunter2-VALUE";
    let b64 = "VkFMVUUtaHVudGVyMi1WQUxVRQ==";
    let files = [
        (
            "a.yaml",
            format!("kind: Secret\nmetadata: {{name: a}}\nstringData:\n  k: {value}\n"),
        ),
        ("b.yaml", format!("kind: Secret\ndata:\n  k: {b64}\n")),
        (
            "c.yaml",
            format!("{{{{ if .X }}}}\nkind: Secret\nstringData:\n  k: {value}\n  bad: [{value}\n"),
        ),
        (
            "d.yaml",
            format!("kind: Secret\nstringData:\n  k: {value}\n  k: [oops\n"),
        ),
        (
            "e.json",
            format!("{{\"kind\": \"Secret\", \"stringData\": {{\"k\": \"{value}\"}}"),
        ),
        (
            "kustomization.yaml",
            format!("secretGenerator:\n- name: g\n  literals: [k={value}]\n  envs: [x.env]\n"),
        ),
    ];
    for (name, text) in &files {
        fs::write(dir.path().join(name), text).unwrap();
    }
    fs::write(dir.path().join("x.env"), format!("K={value}\n")).unwrap();
    for args in [vec![], vec!["--format", "json"]] {
        let (code, stdout, stderr) = run_in(dir.path(), &args);
        // d.yaml and e.json do not parse and name a Secret: each is a
        // finding (exit 1), with its parse error, not a note.
        assert_eq!(code, 1, "{stdout}{stderr}");
        assert!(
            stdout.contains("cannot be parsed (not valid JSON (nor YAML): line 1"),
            "{stdout}"
        );
        assert!(
            stdout.contains("cannot be parsed (not valid YAML: line 5"),
            "{stdout}"
        );
        for needle in ["hunter2", b64] {
            assert!(!stdout.contains(needle), "{stdout}");
            assert!(!stderr.contains(needle), "{stderr}");
        }
    }
    // A --fix failure message (no namespace) does not show it either.
    let out = sealtoken()
        .current_dir(dir.path())
        .args(["check", "--fix", "--allow-expired-cert", "--cert"])
        .arg(demo_cert())
        .arg("a.yaml")
        .output()
        .unwrap();
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(all.contains("cannot fix"), "{all}");
    assert!(!all.contains("hunter2"), "{all}");
}

#[test]
fn findings_and_unreadable_files_exit_2() {
    let (code, stdout, stderr) = run_in(
        &corpus(),
        &["plain-data.yaml", "not-utf8.yaml", "missing.yaml"],
    );
    assert_eq!(code, 2);
    assert!(stdout.starts_with("plain-data.yaml:2:7: "));
    assert!(
        stderr.contains("missing.yaml: cannot read missing.yaml"),
        "{stderr}"
    );
    assert!(stderr.contains("not-utf8.yaml: "), "{stderr}");
}

#[test]
fn walking_reads_every_manifest_outside_git_and_honours_the_config() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let plain = "apiVersion: v1\nkind: Secret\nmetadata: {name: x}\nstringData: {k: v}\n";
    for f in [
        "a.yaml",
        "sub/b.yml",
        "ignored/c.yaml",
        "notes.txt",
        "charts/app/templates/s.yaml",
        ".hidden/d.json",
    ] {
        let p = d.join(f);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        let text = if f.ends_with(".json") {
            "{\"kind\":\"Secret\",\"stringData\":{\"k\":\"v\"}}".to_string()
        } else {
            plain.to_string()
        };
        fs::write(p, text).unwrap();
    }
    fs::write(d.join(".gitignore"), "ignored/\n").unwrap();
    let (code, stdout, _) = run_in(d, &[]);
    assert_eq!(code, 1);
    let files: Vec<&str> = stdout
        .lines()
        .map(|l| l.split(':').next().unwrap())
        .collect();
    // Outside Git, every manifest: a .gitignore does not hide one.
    assert_eq!(
        files,
        [
            ".hidden/d.json",
            "a.yaml",
            "charts/app/templates/s.yaml",
            "ignored/c.yaml",
            "sub/b.yml"
        ]
    );

    // Allow-list in .sealtoken.toml, found from a subdirectory too.
    fs::write(
        d.join(".sealtoken.toml"),
        "[check]\nallow = [\"charts/**/templates/*.yaml\", \"sub/*.yml\", \".hidden/**\"]\n",
    )
    .unwrap();
    let (code, stdout, stderr) = run_in(d, &[]);
    assert_eq!(code, 1);
    assert_eq!(stdout.lines().count(), 2, "{stdout}");
    assert!(stdout.starts_with("a.yaml:2:7:"));
    // Each file an allow rule skips is said, with the rule's file.
    assert!(
        stderr.contains("sub/b.yml: not checked: allowed by .sealtoken.toml"),
        "{stderr}"
    );
    // The configuration is looked up to the repository root only: outside
    // Git, in the starting directory alone; inside, up to the top level.
    let (code, _, _) = run_in(&d.join("sub"), &["b.yml"]);
    assert_eq!(code, 1);
    assert!(std::process::Command::new("git")
        .args(["init", "-q"])
        .current_dir(d)
        .status()
        .unwrap()
        .success());
    let (code, stdout, _) = run_in(&d.join("sub"), &["b.yml"]);
    assert_eq!((code, stdout.as_str()), (0, ""));
    // Explicit paths are checked against the list too, and always read whatever their name.
    let (code, stdout, _) = run_in(d, &["charts/app/templates/s.yaml", "notes.txt"]);
    assert_eq!(code, 1);
    assert!(stdout.starts_with("notes.txt:2:7:"), "{stdout}");

    // A typo in the configuration is an error, not a silent pass.
    fs::write(d.join(".sealtoken.toml"), "[check]\nalow = []\n").unwrap();
    let (code, _, stderr) = run_in(d, &[]);
    assert_eq!(code, 2);
    assert!(stderr.contains("unknown key check.alow"), "{stderr}");
}

fn fix(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = sealtoken()
        .current_dir(dir)
        .args(["check", "--fix", "--allow-expired-cert", "--cert"])
        .arg(demo_cert())
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn fix_seals_in_place_and_keeps_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let head = "# Deployment first\r\napiVersion: apps/v1\r\nkind: Deployment # keep\r\nmetadata: {name: app}\r\n---\r\n# Source: app/templates/secret.yaml\r\n";
    let secret = "apiVersion: v1\r\nkind: Secret\r\nmetadata:\r\n  name: db\r\nstringData:\r\n  password: fix-s3cr3t\r\n";
    let tail = "\r\n# about the next one\r\n---\r\napiVersion: v1\r\nkind: ConfigMap\r\nmetadata: {name: c}\r\n";
    fs::write(d.join("app.yaml"), format!("{head}{secret}{tail}")).unwrap();

    let (code, stdout, stderr) = fix(d, &["-n", "apps", "app.yaml"]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(stdout, "app.yaml:8: sealed Secret \"apps/db\" in place\n");
    let fixed = fs::read_to_string(d.join("app.yaml")).unwrap();
    assert!(
        fixed.starts_with(&format!(
            "{head}apiVersion: bitnami.com/v1alpha1\r\nkind: SealedSecret\r\n"
        )),
        "{fixed}"
    );
    assert!(fixed.ends_with(tail), "{fixed}");
    assert!(!fixed.contains(MARKER));

    // Clean now, and the controller's key opens it.
    let (code, stdout, _) = run_in(d, &["app.yaml"]);
    assert_eq!((code, stdout.as_str()), (0, ""));
    let sealed_only: String = fixed
        .split("---\r\n")
        .find(|doc| doc.contains("SealedSecret"))
        .unwrap()
        .to_string();
    fs::write(d.join("sealed.yaml"), sealed_only).unwrap();
    let out = sealtoken()
        .args(["unseal", "--key"])
        .arg(demo_key())
        .arg("-f")
        .arg(d.join("sealed.yaml"))
        .succeeds();
    let plain = String::from_utf8(out.stdout).unwrap();
    assert!(plain.contains("namespace: apps"), "{plain}");
    assert!(
        plain.contains(&base64_of("fix-s3cr3t")) || plain.contains("fix-s3cr3t"),
        "{plain}"
    );
}

fn base64_of(s: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(s)
}

#[test]
fn fix_json_and_what_it_cannot_fix() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::copy(corpus().join("secret.json"), d.join("secret.json")).unwrap();
    fs::copy(corpus().join("list.yaml"), d.join("list.yaml")).unwrap();
    fs::copy(
        corpus().join("helm-literal.yaml"),
        d.join("helm-literal.yaml"),
    )
    .unwrap();
    let list_before = fs::read(d.join("list.yaml")).unwrap();
    let (code, stdout, stderr) = fix(d, &["secret.json", "list.yaml", "helm-literal.yaml"]);
    assert_eq!(code, 1, "{stderr}");
    let json = fs::read_to_string(d.join("secret.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["kind"], "SealedSecret");
    assert_eq!(v["metadata"]["namespace"], "apps");
    assert!(
        stdout.contains("secret.json:3: sealed Secret \"apps/from-json\" in place"),
        "{stdout}"
    );
    // Left as they were, with the finding and the reason.
    assert_eq!(fs::read(d.join("list.yaml")).unwrap(), list_before);
    assert!(stdout.contains("list.yaml:11:9: plain Secret"), "{stdout}");
    assert!(
        stderr.contains("list.yaml: line 11: cannot fix"),
        "{stderr}"
    );
    assert!(
        stderr.contains("helm-literal.yaml: line 3: cannot fix"),
        "{stderr}"
    );
}

#[test]
fn fix_needs_a_certificate() {
    let (code, _, stderr) = run_in(&corpus(), &["--fix", "plain-data.yaml"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("no certificate given"), "{stderr}");
}

#[test]
fn unreadable_kustomize_file_is_an_error_not_a_missing_one() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::write(
        d.join("kustomization.yaml"),
        "secretGenerator:\n- name: db\n  files:\n  - key.pem\n  envs:\n  - gone.env\n",
    )
    .unwrap();
    // A directory where a file is named: it exists but cannot be read (even as root).
    fs::create_dir(d.join("key.pem")).unwrap();
    let (code, stdout, stderr) = run_in(d, &["kustomization.yaml"]);
    assert_eq!(code, 2, "{stdout}{stderr}");
    assert_eq!(stdout, "");
    assert!(
        stderr.contains("kustomization.yaml: secretGenerator \"db\": cannot read key.pem: "),
        "{stderr}"
    );
    assert!(!stderr.contains("key.pem not found"), "{stderr}");
    assert!(
        stderr.contains(
            "kustomization.yaml: secretGenerator \"db\": file gone.env not found; not checked"
        ),
        "{stderr}"
    );
}

#[test]
fn fix_says_which_flag_gives_a_namespace() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::write(
        d.join("s.yaml"),
        "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData: {k: fix-s3cr3t}\n",
    )
    .unwrap();
    let (code, stdout, stderr) = fix(d, &["s.yaml"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stdout.starts_with("s.yaml:2:7: plain Secret \"s\""),
        "{stdout}"
    );
    assert_eq!(
        stderr,
        "s.yaml: line 2: cannot fix plain Secret \"s\": it has no namespace; pass -n/--namespace to seal it\n"
    );
    let (_, _, stderr) = fix(d, &["-n", "b", "s.yaml"]);
    assert_eq!(stderr, "", "a namespace given: sealed");
}

/// One rule decides JSON for every command, Kubernetes' `GuessJSONStream`:
/// a form feed is a space to Go, so a form-feed-led JSON file is JSON, which
/// `encoding/json` refuses. `seal` refuses it naming line 1, `check` names it
/// JSON (not YAML), and `--fix` leaves it alone; a BOM-led one is YAML to
/// Kubernetes, and `--fix` seals it as such.
#[test]
fn form_feed_led_json_is_json_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let json = format!(
        "{{\"apiVersion\": \"v1\", \"kind\": \"Secret\", \"metadata\": {{\"name\": \"ff\", \"namespace\": \"apps\"}}, \"stringData\": {{\"k\": \"{MARKER}\"}}}}\n"
    );
    let ff = format!("\x0c{json}");
    fs::write(d.join("ff.json"), &ff).unwrap();

    let out = sealtoken()
        .args(["seal", "--allow-expired-cert", "--cert"])
        .arg(demo_cert())
        .arg("-f")
        .arg(d.join("ff.json"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("line 1"), "{stderr}");
    assert!(!stderr.contains(MARKER), "{stderr}");

    // Neither JSON nor YAML, and it names a Secret: refused unchecked.
    let (code, stdout, stderr) = run_in(d, &["ff.json"]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(
        stdout.starts_with("ff.json:1:1: cannot be parsed (not valid JSON"),
        "{stdout}{stderr}"
    );

    let (_, stdout, stderr) = fix(d, &["ff.json"]);
    assert_eq!(fs::read_to_string(d.join("ff.json")).unwrap(), ff);
    assert!(!stdout.contains("sealed Secret"), "{stdout}{stderr}");

    fs::write(d.join("bom.json"), format!("\u{feff}{json}")).unwrap();
    let (code, stdout, stderr) = fix(d, &["bom.json"]);
    // Exit 1: there was a finding (now fixed).
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(
        stdout.contains("bom.json:1: sealed Secret \"apps/ff\" in place"),
        "{stdout}"
    );
    let fixed = fs::read_to_string(d.join("bom.json")).unwrap();
    assert!(fixed.starts_with('\u{feff}'), "{fixed}");
    assert!(fixed.contains("kind: SealedSecret"), "{fixed}");
    assert!(!fixed.contains(MARKER), "{fixed}");
    let (code, stdout, _) = run_in(d, &["bom.json"]);
    assert_eq!((code, stdout.as_str()), (0, ""));
}

/// Keys, names and paths are shown escaped: nothing in a manifest or a file
/// name reaches the terminal as a control (ESC, C1, DEL, bidi), in text, JSON
/// and SARIF alike; the JSON still reads back to the same key.
#[test]
fn output_is_safe_for_a_terminal() {
    let d = tempfile::tempdir().unwrap();
    let unsafe_char = |c: char| matches!(c, '\u{0}'..='\u{8}' | '\u{b}'..='\u{1f}' | '\u{7f}'..='\u{9f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
    let file = "s\u{202e}lmay.yaml";
    fs::write(
        d.path().join(file),
        "kind: Secret\nmetadata: {name: \"n\\e[2J\"}\nstringData:\n  \"k\\e]0;x\\a\\x9b\": v\n",
    )
    .unwrap();
    let (code, stdout, stderr) = run_in(d.path(), &[]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(!stdout.chars().any(unsafe_char), "{stdout:?}");
    assert!(
        stdout.starts_with("s\\u{202e}lmay.yaml:1:7: plain Secret"),
        "{stdout}"
    );
    assert!(
        stdout.contains("keys: k\\u{1b}]0;x\\u{7}\\u{9b}"),
        "{stdout}"
    );
    for format in ["json", "sarif"] {
        let (_, stdout, _) = run_in(d.path(), &["--format", format]);
        assert!(!stdout.chars().any(unsafe_char), "{format}: {stdout:?}");
        let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
        if format == "json" {
            assert_eq!(v[0]["keys"][0], "k\u{1b}]0;x\u{7}\u{9b}");
            assert_eq!(v[0]["path"], file);
        }
    }
}

/// A generator never reads outside its kustomization, never opens a FIFO
/// (which would hang the hook), and prints no file content: each is an
/// error naming the path (exit 2).
#[cfg(unix)]
#[test]
fn generators_read_only_regular_files_below_the_kustomization() {
    let d = tempfile::tempdir().unwrap();
    let outside = d.path().join("outside.env");
    fs::write(&outside, "REGISTRY_AUTH=c2VjcmV0LXZhbHVl\n").unwrap();
    let k = d.path().join("app");
    fs::create_dir(&k).unwrap();
    let fifo = k.join("pipe.env");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    fs::write(
        k.join("kustomization.yaml"),
        format!(
            "secretGenerator:\n- name: g\n  envs: [../outside.env, {}, pipe.env]\n",
            outside.display()
        ),
    )
    .unwrap();
    let (code, stdout, stderr) = run_in(&k, &["kustomization.yaml"]);
    assert_eq!(code, 2, "{stdout}{stderr}");
    assert!(
        stderr.contains("cannot read ../outside.env: outside the kustomization's directory"),
        "{stderr}"
    );
    assert!(
        stderr.contains("outside.env: outside the kustomization's directory"),
        "{stderr}"
    );
    assert!(
        stderr.contains("cannot read pipe.env: not a regular file"),
        "{stderr}"
    );
    for leak in ["REGISTRY_AUTH", "c2VjcmV0"] {
        assert!(
            !stdout.contains(leak) && !stderr.contains(leak),
            "{stdout}{stderr}"
        );
    }
}

/// A Flux Kustomization that substitutes a plain value into a Secret under
/// its path is refused, at the substitution; the Secret itself only holds
/// the placeholder. substituteFrom, or a Secret outside the path, passes.
#[test]
fn flux_post_build_substitution_into_a_secret() {
    let d = tempfile::tempdir().unwrap();
    let root = d.path();
    let files = [
        (
            "clusters/prod/apps.yaml",
            "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: apps, namespace: flux-system}\nspec:\n  path: ./apps/prod\n  sourceRef: {kind: GitRepository, name: flux-system}\n  postBuild:\n    substitute:\n      cluster_name: prod\n      db_password: VALUE-s3cr3t\n",
        ),
        (
            "apps/prod/db.yaml",
            "apiVersion: v1\nkind: Secret\nmetadata: {name: db, namespace: apps}\nstringData:\n  password: ${db_password}\n",
        ),
        (
            "apps/prod/config.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: apps}\ndata:\n  cluster: ${cluster_name}\n",
        ),
    ];
    for (f, text) in files {
        let p = root.join(f);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, text).unwrap();
    }
    let (code, stdout, stderr) = run_in(root, &[]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert_eq!(
        stdout,
        "clusters/prod/apps.yaml:10:7: Kustomization \"flux-system/apps\" substitutes plain values \
         into Secrets (keys: db_password): used by Secrets in apps/prod/db.yaml: move the value \
         into a Secret and use postBuild.substituteFrom\n"
    );
    assert!(!stdout.contains(MARKER) && !stderr.contains(MARKER));

    // The Secret moved out of the Kustomization's path: nothing to refuse.
    fs::create_dir_all(root.join("apps/staging")).unwrap();
    fs::rename(
        root.join("apps/prod/db.yaml"),
        root.join("apps/staging/db.yaml"),
    )
    .unwrap();
    let (code, stdout, stderr) = run_in(root, &[]);
    assert_eq!((code, stdout.as_str()), (0, ""), "{stderr}");
}

/// `.sealtoken.toml` is looked up for each file, from its directory up to
/// the repository root (the starting directory outside Git): a
/// subdirectory's configuration applies to the files below it only.
#[test]
fn each_file_takes_the_nearest_configuration() {
    let d = tempfile::tempdir().unwrap();
    let root = d.path();
    let plain = "apiVersion: v1\nkind: Secret\nmetadata: {name: x}\nstringData: {k: v}\n";
    for f in ["a.yaml", "team/b.yaml", "team/deep/c.yaml", "other/b.yaml"] {
        let p = root.join(f);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, plain).unwrap();
    }
    fs::write(
        root.join("team/.sealtoken.toml"),
        "[check]\nallow = [\"b.yaml\", \"deep/*.yaml\"]\n",
    )
    .unwrap();
    let (code, stdout, stderr) = run_in(root, &[]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    let files: Vec<&str> = stdout
        .lines()
        .map(|l| l.split(':').next().unwrap())
        .collect();
    assert_eq!(files, ["a.yaml", "other/b.yaml"], "{stdout}");
    assert!(
        stderr.contains("team/b.yaml: not checked: allowed by team/.sealtoken.toml")
            && stderr.contains("team/deep/c.yaml: not checked: allowed by team/.sealtoken.toml"),
        "{stderr}"
    );
    // A broken configuration that applies is an error, not a silent pass.
    fs::write(root.join("team/.sealtoken.toml"), "[check]\nalow = []\n").unwrap();
    let (code, _, stderr) = run_in(root, &[]);
    assert_eq!(code, 2, "{stderr}");
}
