//! Bad input, bad certificates and bad output paths, against the real binary.
//!
//! Every case checks the same promises: a one-line error naming the input and
//! the documented exit code (2 input or usage, 1 a failed operation), no
//! panic, nothing on stdout, no partial or temporary file, and a pre-existing
//! output file left as it was. Cases already in `cli.rs` (wrong kind, missing
//! name, values that are not base64, empty input, an input that is already a
//! SealedSecret, expired/future/EC/1024-bit certificates, a file that is not a
//! certificate, an output folder that cannot be created) are not repeated here.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command as StdCommand, Stdio};
use std::time::{Duration, Instant};

use kubeseal_core::{read_sealed_secrets, unseal, PrivateKey};

use crate::common::{clean_env, demo_cert, fixture, read_fixture, sealtoken, sealtoken_std, Run};

/// What is left in a pre-existing output file; it must survive every failure.
const PRECIOUS: &str = "precious: existing output\n";

/// A plain Secret with one known value.
const SECRET: &str =
    "apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\n  namespace: prod\nstringData:\n  password: hunter2\n";

enum Expect {
    /// Exit code, and text the one-line error must contain.
    Error(i32, &'static str),
    /// Success: the output unseals to `password: hunter2`.
    Sealed,
}

struct Case {
    name: &'static str,
    input: Vec<u8>,
    /// Certificate file (default: the demo certificate).
    cert: Option<PathBuf>,
    expect: Expect,
}

fn case(name: &'static str, input: impl Into<Vec<u8>>, expect: Expect) -> Case {
    Case {
        name,
        input: input.into(),
        cert: None,
        expect,
    }
}

fn cert_case(name: &'static str, cert: PathBuf, expect: Expect) -> Case {
    Case {
        name,
        input: SECRET.into(),
        cert: Some(cert),
        expect,
    }
}

fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
    let mut out = if big_endian {
        vec![0xFE, 0xFF]
    } else {
        vec![0xFF, 0xFE]
    };
    for u in text.encode_utf16() {
        out.extend(if big_endian {
            u.to_be_bytes()
        } else {
            u.to_le_bytes()
        });
    }
    out
}

fn keys() -> Vec<PrivateKey> {
    PrivateKey::from_pem(&read_fixture("upstream/controller.key")).unwrap()
}

/// The output must be one SealedSecret holding `password: hunter2` for prod/app.
fn assert_sealed(bytes: &[u8], what: &str) {
    let sealed = read_sealed_secrets(bytes).unwrap_or_else(|e| panic!("{what}: {e}"));
    assert_eq!(sealed.len(), 1, "{what}");
    assert_eq!(sealed[0].metadata.name.as_deref(), Some("app"), "{what}");
    assert_eq!(
        sealed[0].metadata.namespace.as_deref(),
        Some("prod"),
        "{what}"
    );
    let secret = unseal(&keys(), &sealed[0]).unwrap();
    assert_eq!(secret.data["password"].expose(), b"hunter2", "{what}");
}

/// Names of the entries of `dir`, sorted.
fn entries(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// The error line of a failed run, after checking it is the only line
/// (warnings aside) and that nothing panicked.
fn error_line(stderr: &str, what: &str) -> String {
    assert!(!stderr.contains("panicked"), "{what}: {stderr}");
    let errors: Vec<&str> = stderr
        .lines()
        .filter(|l| !l.starts_with("sealtoken: warning:"))
        .collect();
    assert_eq!(errors.len(), 1, "{what}: one line expected: {stderr}");
    assert!(
        errors[0].starts_with("sealtoken: error: "),
        "{what}: {stderr}"
    );
    errors[0].to_string()
}

/// Runs `sealtoken seal -f DIR/in.yaml -w DIR/out.yaml` under a 1 GiB
/// address-space limit and checks the promises of the module comment.
fn run_case(c: &Case) {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.yaml");
    let output = dir.path().join("out.yaml");
    std::fs::write(&input, &c.input).unwrap();
    std::fs::write(&output, PRECIOUS).unwrap();
    let cert = c.cert.clone().unwrap_or_else(demo_cert);
    let start = Instant::now();
    let out = limited_memory(&[&"seal", &"-f", &input, &"-w", &output, &"--cert", &cert]);
    let took = start.elapsed();
    let what = c.name;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        took < Duration::from_secs(5),
        "{what}: took {took:?}: {stderr}"
    );
    assert!(out.stdout.is_empty(), "{what}: stdout not empty");
    assert!(!stderr.contains("panicked"), "{what}: {stderr}");
    assert_eq!(
        entries(dir.path()),
        ["in.yaml", "out.yaml"],
        "{what}: temporary file left"
    );
    match c.expect {
        Expect::Error(code, want) => {
            assert_eq!(out.status.code(), Some(code), "{what}: {stderr}");
            let line = error_line(&stderr, what);
            assert!(line.contains(want), "{what}: want {want:?}: {line}");
            let named = if c.cert.is_some() {
                cert.display().to_string()
            } else {
                input.display().to_string()
            };
            assert!(
                line.contains(&named),
                "{what}: does not name {named}: {line}"
            );
            assert!(!line.contains("hunter2"), "{what}: leaks the value: {line}");
            assert_eq!(
                std::fs::read_to_string(&output).unwrap(),
                PRECIOUS,
                "{what}: output changed"
            );
        }
        Expect::Sealed => {
            assert!(out.status.success(), "{what}: {stderr}");
            assert_sealed(&std::fs::read(&output).unwrap(), what);
        }
    }
}

/// Runs `sealtoken ARGS` with its address space limited to 1 GiB (`ulimit -v`),
/// so that an input that makes memory explode fails the test, not the machine.
fn limited_memory(args: &[&dyn AsRef<std::ffi::OsStr>]) -> std::process::Output {
    let mut sh = StdCommand::new("sh");
    sh.arg("-c")
        .arg("ulimit -v 1048576 && exec \"$@\"")
        .arg("sh")
        .arg(env!("CARGO_BIN_EXE_sealtoken"));
    for a in args {
        sh.arg(a);
    }
    clean_env(&mut sh).stdin(Stdio::null()).output().unwrap()
}

/// `kind: Secret` whose `data` nests `depth` flow sequences deep.
fn nested(depth: usize) -> String {
    format!(
        "apiVersion: v1\nkind: Secret\nmetadata: {{name: app, namespace: prod}}\ndata: {}{}\n",
        "[".repeat(depth),
        "]".repeat(depth)
    )
}

/// "Billion laughs": ten aliases per level, nine levels (10^9 strings if expanded).
fn alias_bomb() -> String {
    let mut s = String::from(
        "apiVersion: v1\nkind: Secret\nmetadata: {name: app, namespace: prod}\nx0: &a0 [lol]\n",
    );
    for i in 1..10 {
        let refs = vec![format!("*a{}", i - 1); 10].join(", ");
        s.push_str(&format!("x{i}: &a{i} [{refs}]\n"));
    }
    s.push_str("stringData: {password: hunter2}\ndata: *a9\n");
    s
}

#[test]
fn bad_input_matrix() {
    let mut garbage = Vec::with_capacity(4096);
    let mut x: u32 = 0x1234_5678;
    for _ in 0..4096 {
        // xorshift: reproducible noise with NULs and high bytes.
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        garbage.push(x as u8);
    }
    let mut not_utf8 = SECRET.as_bytes().to_vec();
    let at = not_utf8.len() - 3;
    not_utf8.insert(at, 0xFF);

    let pem = std::fs::read_to_string(demo_cert()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let cert_file = |name: &str, body: &[u8]| {
        let p = dir.path().join(name);
        std::fs::write(&p, body).unwrap();
        p
    };
    let truncated = cert_file("truncated.crt", &pem.as_bytes()[..pem.len() / 2]);
    let truncated_body = cert_file(
        "truncated-body.crt",
        format!(
            "{}\n-----END CERTIFICATE-----\n",
            &pem[..pem.len() / 2].trim_end()
        )
        .as_bytes(),
    );
    let empty_cert = cert_file("empty.crt", b"");
    let key_as_cert = fixture("upstream/controller.key");
    let garbage_cert = cert_file("garbage.crt", &garbage);

    let cases = vec![
        case("binary garbage", garbage, Expect::Error(2, "not UTF-8")),
        case("non-UTF-8 byte", not_utf8, Expect::Error(2, "not UTF-8")),
        case("UTF-16LE with BOM", utf16(SECRET, false), Expect::Sealed),
        case("UTF-16BE with BOM", utf16(SECRET, true), Expect::Sealed),
        case(
            "UTF-16 BOM, odd length",
            [utf16(SECRET, false), vec![b'x']].concat(),
            Expect::Error(2, "UTF-16"),
        ),
        case("UTF-8 BOM", [b"\xEF\xBB\xBF".as_slice(), SECRET.as_bytes()].concat(), Expect::Sealed),
        case("NUL bytes only", vec![0u8; 1000], Expect::Error(2, "")),
        case("deeply nested YAML", nested(100_000), Expect::Error(2, "")),
        case(
            "deeply nested block YAML",
            format!(
                "kind: Secret\nmetadata: {{name: app, namespace: prod}}\ndata:\n{}",
                (0..2000).map(|i| format!("{}k{i}:\n", " ".repeat(i))).collect::<String>()
            ),
            Expect::Error(2, ""),
        ),
        case(
            "deeply nested JSON",
            format!(
                "{{\"kind\":\"Secret\",\"metadata\":{{\"name\":\"app\",\"namespace\":\"prod\"}},\"data\":{}{}}}",
                "{\"a\":".repeat(100_000),
                "}".repeat(100_000)
            ),
            Expect::Error(2, ""),
        ),
        case("alias bomb", alias_bomb(), Expect::Error(2, "")),
        case(
            "wrong apiVersion",
            SECRET.replace("apiVersion: v1", "apiVersion: v2"),
            Expect::Error(2, "apiVersion"),
        ),
        case(
            "apiVersion not a string",
            SECRET.replace("apiVersion: v1", "apiVersion: [v1]"),
            Expect::Error(2, "apiVersion"),
        ),
        case(
            "kind in lower case",
            SECRET.replace("kind: Secret", "kind: secret"),
            Expect::Error(2, "kind"),
        ),
        case(
            "duplicate data key",
            format!("{SECRET}  password: other\n"),
            Expect::Error(2, "duplicate"),
        ),
        // Outside the value maps, the last of duplicate keys wins, as with
        // kubeseal (Go's YAML decoder is not strict there).
        case(
            "duplicate top-level key: the last wins",
            format!("kind: ConfigMap\n{SECRET}"),
            Expect::Sealed,
        ),
        case(
            "duplicate metadata key: the last wins",
            SECRET.replace("  name: app\n", "  name: other\n  name: app\n"),
            Expect::Sealed,
        ),
        case(
            "duplicate JSON key",
            r#"{"apiVersion":"v1","kind":"Secret","metadata":{"name":"app","namespace":"prod"},"data":{"k":"YQ==","k":"Yg=="}}"#,
            Expect::Error(2, "duplicate"),
        ),
        case(
            "base64 without padding",
            "kind: Secret\nmetadata: {name: app, namespace: prod}\ndata: {password: aHVudGVyMg}\n",
            Expect::Error(2, "base64"),
        ),
        case(
            "name not a string",
            SECRET.replace("name: app", "name: [app]"),
            Expect::Error(2, "name"),
        ),
        case(
            "a scalar document",
            "just text\n",
            Expect::Error(2, ""),
        ),
        case(
            "a SealedSecret among Secrets",
            format!(
                "{SECRET}---\n{}",
                String::from_utf8(read_fixture("upstream/flux-webhook-token.sealed.yaml")).unwrap()
            ),
            Expect::Error(2, "SealedSecret"),
        ),
        cert_case("truncated certificate", truncated, Expect::Error(2, "")),
        cert_case(
            "certificate with a truncated body",
            truncated_body,
            Expect::Error(2, ""),
        ),
        cert_case("empty certificate file", empty_cert, Expect::Error(2, "")),
        cert_case(
            "private key as certificate",
            key_as_cert,
            Expect::Error(2, ""),
        ),
        cert_case("garbage as certificate", garbage_cert, Expect::Error(2, "")),
    ];
    for c in &cases {
        run_case(c);
    }
}

/// A 100 MB input is refused before it is read whole (the binary reads at
/// most 64 MiB + 1 byte), from a file, from stdin and for `--raw`.
#[test]
fn oversized_input_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.yaml");
    // Sparse: 100 MB of zeros without writing them.
    std::fs::File::create(&big)
        .unwrap()
        .set_len(100_000_000)
        .unwrap();
    let output = dir.path().join("out.json");
    std::fs::write(&output, PRECIOUS).unwrap();
    let cert = demo_cert();
    let from_file = limited_memory(&[&"seal", &"-f", &big, &"-w", &output, &"--cert", &cert]);
    let from_raw = limited_memory(&[
        &"seal",
        &"--raw",
        &"--scope",
        &"cluster-wide",
        &"--from-file",
        &format!("v={}", big.display()),
        &"-w",
        &output,
        &"--cert",
        &cert,
    ]);
    for (what, out) in [("-f", from_file), ("--raw", from_raw)] {
        assert_eq!(out.status.code(), Some(2), "{what}");
        let line = error_line(&String::from_utf8_lossy(&out.stderr), what);
        assert!(line.contains("larger than 64 MiB"), "{what}: {line}");
        assert!(line.contains("big.yaml"), "{what}: {line}");
        assert!(out.stdout.is_empty());
    }
    // The same through a pipe.
    let mut child = sealtoken_std()
        .args(["seal", "--cert"])
        .arg(demo_cert())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        let chunk = vec![b'#'; 1 << 20];
        for _ in 0..100 {
            if stdin.write_all(&chunk).is_err() {
                break; // the binary stopped reading: expected
            }
        }
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let line = error_line(&String::from_utf8_lossy(&out.stderr), "stdin");
    assert!(line.contains("stdin is larger than 64 MiB"), "{line}");
    assert_eq!(std::fs::read_to_string(&output).unwrap(), PRECIOUS);
    assert_eq!(entries(dir.path()), ["big.yaml", "out.json"]);
}

/// `seal -f x.yaml -w x.yaml`: the input is read whole first, then replaced atomically.
#[test]
fn output_path_equal_to_input_path() {
    let dir = tempfile::tempdir().unwrap();
    let x = dir.path().join("x.yaml");
    std::fs::write(&x, SECRET).unwrap();
    sealtoken()
        .args(["seal", "-f"])
        .arg(&x)
        .arg("-w")
        .arg(&x)
        .arg("--cert")
        .arg(demo_cert())
        .assert()
        .success();
    assert_sealed(&std::fs::read(&x).unwrap(), "in place");
    assert_eq!(entries(dir.path()), ["x.yaml"]);
    // A second run reads a SealedSecret: refused, and the file stays as it is.
    let before = std::fs::read(&x).unwrap();
    let out = sealtoken()
        .args(["seal", "-f"])
        .arg(&x)
        .arg("-w")
        .arg(&x)
        .arg("--cert")
        .arg(demo_cert())
        .fails();
    assert_eq!(out.status.code(), Some(2));
    let line = error_line(&String::from_utf8_lossy(&out.stderr), "again");
    assert!(line.contains("already a SealedSecret"), "{line}");
    assert_eq!(std::fs::read(&x).unwrap(), before);
    assert_eq!(entries(dir.path()), ["x.yaml"]);
}

/// Whether permissions bite for this user (they do not for root).
fn permissions_enforced(dir: &Path) -> bool {
    let probe = dir.join("probe");
    match std::fs::write(&probe, "x") {
        Ok(()) => {
            let _ = std::fs::remove_file(&probe);
            false
        }
        Err(_) => true,
    }
}

/// Seals the demo Secret into `target`, expecting a failure to write (exit 1).
fn seal_to_failing_target(target: &Path, want: &str) {
    let out = sealtoken()
        .args(["seal", "--cert"])
        .arg(demo_cert())
        .arg("-w")
        .arg(target)
        .write_stdin(SECRET)
        .output()
        .unwrap();
    let what = target.display().to_string();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{what}: {stderr}");
    let line = error_line(&stderr, &what);
    assert!(line.contains(&format!("cannot write {what}")), "{line}");
    assert!(line.contains(want), "{what}: want {want:?}: {line}");
    assert!(out.stdout.is_empty());
}

#[cfg(unix)]
#[test]
fn output_in_a_read_only_directory() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let ro = dir.path().join("ro");
    std::fs::create_dir(&ro).unwrap();
    let target = ro.join("out.yaml");
    std::fs::write(&target, PRECIOUS).unwrap();
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o555)).unwrap();
    if !permissions_enforced(&ro) {
        eprintln!("skipped: permissions are not enforced for this user (root)");
        std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o755)).unwrap();
        return;
    }
    seal_to_failing_target(&target, "Permission denied");
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(std::fs::read_to_string(&target).unwrap(), PRECIOUS);
    assert_eq!(entries(&ro), ["out.yaml"]);
}

/// `-w` naming something that is not a regular file: renaming a temporary
/// file over it would replace a device node (as root) or a FIFO by a plain
/// file. An honest error instead, and nothing left beside it.
#[cfg(target_os = "linux")]
#[test]
fn output_that_is_not_a_regular_file() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo");
    let made = StdCommand::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    seal_to_failing_target(&fifo, "not a regular file");
    assert_eq!(entries(dir.path()), ["fifo"]);
    assert!(!fifo.is_file(), "the FIFO was replaced");

    let full = Path::new("/dev/full");
    if full.exists() {
        let before = entries(Path::new("/dev"));
        seal_to_failing_target(full, "not a regular file");
        assert_eq!(entries(Path::new("/dev")), before, "left a file in /dev");
        assert!(!full.is_file(), "/dev/full was replaced by a file");
    }
}

/// A full disk: a 64 KiB tmpfs (needs root and mount permission; skipped otherwise).
#[cfg(target_os = "linux")]
#[test]
fn output_on_a_full_disk() {
    let dir = tempfile::tempdir().unwrap();
    let mnt = dir.path().join("small");
    std::fs::create_dir(&mnt).unwrap();
    let mounted = StdCommand::new("mount")
        .args(["-t", "tmpfs", "-o", "size=64k", "tmpfs"])
        .arg(&mnt)
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !mounted {
        eprintln!("skipped: cannot mount a small tmpfs (needs root)");
        return;
    }
    struct Unmount(PathBuf);
    impl Drop for Unmount {
        fn drop(&mut self) {
            let _ = StdCommand::new("umount").arg(&self.0).status();
        }
    }
    let _guard = Unmount(mnt.clone());
    let target = mnt.join("out.yaml");
    std::fs::write(&target, PRECIOUS).unwrap();
    // Fill the rest of the file system.
    let mut filler = std::fs::File::create(mnt.join("filler")).unwrap();
    while filler.write_all(&[0u8; 4096]).is_ok() {}
    drop(filler);
    // Enough values to need more room than is left.
    let mut input =
        String::from("kind: Secret\nmetadata: {name: app, namespace: prod}\nstringData:\n");
    for i in 0..20 {
        input.push_str(&format!("  k{i}: v{i}\n"));
    }
    let out = sealtoken()
        .args(["seal", "--cert"])
        .arg(demo_cert())
        .arg("-w")
        .arg(&target)
        .write_stdin(input)
        .fails();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let line = error_line(&stderr, "full disk");
    assert!(
        line.contains(&format!("cannot write {}", target.display())),
        "{line}"
    );
    assert!(line.contains("No space left on device"), "{line}");
    assert_eq!(std::fs::read_to_string(&target).unwrap(), PRECIOUS);
    assert_eq!(entries(&mnt), ["filler", "out.yaml"]);
}

/// SIGINT while the binary waits on a slow stdin: it dies, and leaves
/// neither the output nor a temporary file.
#[cfg(unix)]
#[test]
fn sigint_while_reading_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let fresh = dir.path().join("fresh.yaml");
    let existing = dir.path().join("existing.yaml");
    std::fs::write(&existing, PRECIOUS).unwrap();
    for target in [&fresh, &existing] {
        let mut child = sealtoken_std()
            .args(["seal", "--cert"])
            .arg(demo_cert())
            .arg("-w")
            .arg(target)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        // Half a Secret, then silence.
        stdin.write_all(&SECRET.as_bytes()[..40]).unwrap();
        stdin.flush().unwrap();
        std::thread::sleep(Duration::from_millis(300));
        let killed = StdCommand::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status()
            .unwrap();
        assert!(killed.success());
        let out = child.wait_with_output().unwrap();
        drop(stdin);
        assert!(!out.status.success());
        assert!(out.stdout.is_empty());
        assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
    }
    assert!(!fresh.exists());
    assert_eq!(std::fs::read_to_string(&existing).unwrap(), PRECIOUS);
    assert_eq!(entries(dir.path()), ["existing.yaml"]);
}

/// SIGINT, SIGTERM or SIGHUP at pseudo-random moments during a large
/// `seal -w` over an existing file: the target is always either untouched or
/// the complete output, and no temporary file is ever left behind.
#[cfg(unix)]
#[test]
fn interrupts_at_random_moments_of_a_large_write_leave_no_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("big.yaml");
    // 4 MiB of stringData: writing and syncing the output is a real share of the run.
    let value = "x".repeat(4 << 20);
    std::fs::write(
        &input,
        format!("apiVersion: v1\nkind: Secret\nmetadata:\n  name: big\n  namespace: prod\nstringData:\n  blob: {value}\n"),
    )
    .unwrap();
    let target = dir.path().join("big.sealed.yaml");
    let spawn = || {
        sealtoken_std()
            .args(["seal", "--cert"])
            .arg(demo_cert())
            .arg("-f")
            .arg(&input)
            .arg("-w")
            .arg(&target)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };

    // One uninterrupted run: the complete output's length and a run's duration.
    let start = Instant::now();
    let out = spawn().wait_with_output().unwrap();
    let full = start.elapsed();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let complete_len = std::fs::metadata(&target).unwrap().len();
    assert!(complete_len > 4 << 20);

    let mut seed: u64 = 0x5ea1_70ce;
    let mut interrupted = 0;
    for round in 0..18 {
        std::fs::write(&target, PRECIOUS).unwrap();
        // xorshift: reproducible moments spread over the whole run.
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let at = full.mul_f64((seed % 1000) as f64 / 1000.0 * 1.1);
        let signal = ["-INT", "-TERM", "-HUP"][round % 3];
        let child = spawn();
        std::thread::sleep(at);
        let _ = StdCommand::new("kill")
            .args([signal, &child.id().to_string()])
            .status()
            .unwrap();
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{stderr}");
        if !out.status.success() {
            interrupted += 1;
        }
        assert_eq!(
            entries(dir.path()),
            ["big.sealed.yaml", "big.yaml"],
            "round {round}: {signal} after {at:?}"
        );
        let now = std::fs::read(&target).unwrap();
        assert!(
            now == PRECIOUS.as_bytes() || now.len() as u64 == complete_len,
            "round {round}: {signal} after {at:?} left a {}-byte target",
            now.len()
        );
    }
    // The moments really fell inside runs, not only after them.
    assert!(
        interrupted >= 9,
        "only {interrupted} of 18 runs were interrupted"
    );
}
