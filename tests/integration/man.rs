//! `sealtoken man`: a page for every subcommand `--help` lists, each rendered
//! by man-db (`man -l`, groff) without a warning.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use crate::common::{sealtoken, Run};

/// The subcommands `sealtoken [SUB] --help` lists (clap's `help` left out).
fn listed_subcommands(path: &[&str]) -> Vec<String> {
    let out = sealtoken().args(path).arg("--help").output().unwrap();
    assert!(out.status.success(), "{path:?}: {out:?}");
    let help = String::from_utf8(out.stdout).unwrap();
    help.lines()
        .skip_while(|l| *l != "Commands:")
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        // Continuation lines of a wrapped description are indented further.
        .filter(|l| !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(str::to_owned)
        .collect()
}

/// Every page name the help text implies: `sealtoken.1`, `sealtoken-seal.1`, …
fn expected_pages() -> BTreeSet<String> {
    fn walk(path: &mut Vec<String>, out: &mut BTreeSet<String>) {
        let args: Vec<&str> = path.iter().map(String::as_str).collect();
        out.insert(format!(
            "sealtoken{}.1",
            args.iter().map(|a| format!("-{a}")).collect::<String>()
        ));
        for sub in listed_subcommands(&args) {
            path.push(sub);
            walk(path, out);
            path.pop();
        }
    }
    let mut out = BTreeSet::new();
    walk(&mut Vec::new(), &mut out);
    out
}

fn man_available() -> bool {
    let found = Command::new("man")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var_os("SEALTOKEN_CI").is_none(),
            "man (Debian's man-db) is required under SEALTOKEN_CI=1"
        );
        eprintln!("skipped: no `man` (Debian's man-db) on this machine");
    }
    found
}

/// The page as man-db formats it for an 80-column terminal, and groff's warnings.
fn render(page: &Path) -> (String, String) {
    let out = Command::new("man")
        .args(["--warnings=all", "-l"])
        .arg(page)
        .env("MANWIDTH", "80")
        .env("MANPAGER", "cat")
        .env("PAGER", "cat")
        .env("MAN_KEEP_FORMATTING", "")
        .env("LC_ALL", "C.UTF-8")
        .output()
        .unwrap();
    assert!(out.status.success(), "man -l {}: {out:?}", page.display());
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn man_writes_a_page_per_subcommand_that_man_renders() {
    let dir = tempfile::tempdir().unwrap();
    sealtoken()
        .arg("man")
        .arg("--dir")
        .arg(dir.path())
        .succeeds();
    let written: BTreeSet<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    let expected = expected_pages();
    assert!(
        expected.contains("sealtoken-receiver-test.1"),
        "{expected:?}"
    );
    assert_eq!(written, expected);

    // Without --dir: the main page on stdout.
    let out = sealtoken().arg("man").output().unwrap();
    assert!(out.status.success());
    assert_eq!(
        out.stdout,
        std::fs::read(dir.path().join("sealtoken.1")).unwrap()
    );

    // Pages are not replaced silently.
    let again = sealtoken()
        .arg("man")
        .arg("--dir")
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(2), "{again:?}");
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists; pass --force"));
    sealtoken()
        .arg("man")
        .arg("--dir")
        .arg(dir.path())
        .arg("--force")
        .succeeds();

    if !man_available() {
        return;
    }
    for page in &written {
        let (text, warnings) = render(&dir.path().join(page));
        assert!(warnings.is_empty(), "{page}: {warnings}");
        let title = page.trim_end_matches(".1").to_uppercase();
        assert!(text.starts_with(&format!("{title}(1)")), "{page}:\n{text}");
        for section in ["NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS"] {
            assert!(
                text.contains(&format!("\n{section}\n")),
                "{page}: no {section}:\n{text}"
            );
        }
        assert!(
            text.lines().all(|l| l.chars().count() <= 80),
            "{page}:\n{text}"
        );
    }
    // The options of a subcommand are on its page, with their help text.
    let (check, _) = render(&dir.path().join("sealtoken-check.1"));
    assert!(check.contains("--format <FORMAT>"), "{check}");
    assert!(check.contains("sarif"), "{check}");
    let (main, _) = render(&dir.path().join("sealtoken.1"));
    assert!(main.contains("--receiver <NAME>"), "{main}");
}
