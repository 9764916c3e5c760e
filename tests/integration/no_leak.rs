//! No secret left behind: every failure path reachable with a known token or
//! known Secret values, and a check that neither the values nor their base64
//! show up in stdout, stderr, or any file other than the inputs (which hold
//! them by design). Temporary files must be gone too, from the target's
//! directory and from `$TMPDIR`.

use std::path::{Path, PathBuf};

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use kubeseal_core::{
    seal_secret, Certificate, Format, ObjectRef, SealOptions, Secret, SecretValue,
};

use crate::common::{demo_cert, demo_key, fixture, read_fixture, sealtoken};

/// A Secret value nobody would write by chance.
const CANARY: &str = "S3CR3T-CANARY-7f3a9c0e";
/// A webhook token, likewise.
const TOKEN: &str = "S3CR3T-CANARY-TOKEN-51d2e8b4";

/// The forms of a secret that must never leak: as is, and base64 at each
/// of the three alignments (any base64 text holding it contains one of these).
fn forbidden(secret: &str) -> Vec<String> {
    let mut v = vec![secret.to_string()];
    for pad in 0..3 {
        let padded = format!("{}{secret}", "x".repeat(pad));
        let enc = STANDARD.encode(padded.as_bytes());
        // Skip the characters that depend on the prefix and the padding.
        let skip = (pad * 4).div_ceil(3) + 1;
        v.push(enc[skip..enc.len() - 4].to_string());
    }
    v
}

fn assert_clean(bytes: &[u8], what: &str) {
    let text = String::from_utf8_lossy(bytes);
    for secret in [CANARY, TOKEN] {
        for f in forbidden(secret) {
            assert!(!text.contains(&f), "{what} holds {f:?}:\n{text}");
        }
    }
}

/// Every file under `dir`, recursively.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(files(&p));
        } else {
            out.push(p);
        }
    }
    out.sort();
    out
}

struct Scenario {
    name: &'static str,
    /// Input files (relative to the work directory) and their contents.
    inputs: Vec<(&'static str, Vec<u8>)>,
    /// Arguments; `@` at the start of one is replaced by the work directory.
    args: Vec<String>,
    stdin: Option<Vec<u8>>,
    code: i32,
}

fn scenario(
    name: &'static str,
    inputs: Vec<(&'static str, Vec<u8>)>,
    args: &[&str],
    stdin: Option<&[u8]>,
    code: i32,
) -> Scenario {
    Scenario {
        name,
        inputs,
        args: args.iter().map(|s| s.to_string()).collect(),
        stdin: stdin.map(<[u8]>::to_vec),
        code,
    }
}

fn run(s: &Scenario) {
    let work = tempfile::tempdir().unwrap();
    let tmp = work.path().join("tmp");
    std::fs::create_dir(&tmp).unwrap();
    for (rel, body) in &s.inputs {
        let p = work.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, body).unwrap();
    }
    let args: Vec<String> = s
        .args
        .iter()
        .map(|a| match a.strip_prefix('@') {
            Some(rest) => format!("{}/{rest}", work.path().display()),
            None => a.clone(),
        })
        .collect();
    let mut cmd = sealtoken();
    cmd.args(&args).current_dir(work.path()).env("TMPDIR", &tmp);
    if let Some(stdin) = &s.stdin {
        cmd.write_stdin(stdin.clone());
    }
    let out = cmd.output().unwrap();
    let what = s.name;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(s.code), "{what}: {stderr}");
    assert!(!stderr.contains("panicked"), "{what}: {stderr}");
    assert_clean(&out.stdout, &format!("{what}: stdout"));
    assert_clean(&out.stderr, &format!("{what}: stderr"));
    for f in files(work.path()) {
        let rel = f
            .strip_prefix(work.path())
            .unwrap()
            .to_string_lossy()
            .into_owned();
        match s.inputs.iter().find(|(r, _)| *r == rel) {
            Some((_, body)) => {
                assert_eq!(&std::fs::read(&f).unwrap(), body, "{what}: {rel} changed")
            }
            None => assert_clean(&std::fs::read(&f).unwrap(), &format!("{what}: file {rel}")),
        }
    }
    assert_eq!(
        files(&tmp),
        Vec::<PathBuf>::new(),
        "{what}: left files in TMPDIR"
    );
}

fn secret_yaml(extra: &str) -> Vec<u8> {
    format!(
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\n  namespace: prod\nstringData:\n  password: {CANARY}\n{extra}"
    )
    .into_bytes()
}

/// A SealedSecret of prod/app with `password: CANARY` and, when `tamper`, a
/// second item no key can open.
fn sealed_yaml(tamper: bool) -> Vec<u8> {
    let cert = Certificate::from_pem(&read_fixture("upstream/controller.crt")).unwrap();
    let mut s = Secret::new(&ObjectRef::new("prod", "app"));
    s.insert("password", SecretValue::from(CANARY));
    let mut sealed = seal_secret(
        &cert,
        &s,
        &SealOptions::new().allow_expired_certificate(true),
    )
    .unwrap();
    if tamper {
        let good = sealed.encrypted_data["password"].clone();
        let mut bytes = STANDARD.decode(good).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        sealed
            .encrypted_data
            .insert("z-tampered".into(), STANDARD.encode(bytes));
    }
    sealed.to_string(Format::Yaml).into_bytes()
}

#[test]
fn no_failure_path_leaks_a_secret() {
    let cert = demo_cert().display().to_string();
    let key = demo_key().display().to_string();
    let rsa1024 = fixture("keys/rsa1024.crt").display().to_string();
    let expired = fixture("keys/expired.crt").display().to_string();
    let other_key = fixture("keys/rsa3072.pkcs1.key").display().to_string();
    let c = cert.as_str();
    let secret = || vec![("in.yaml", secret_yaml(""))];
    let token_nl = format!("{TOKEN}\n");
    let token_2nl = format!("{TOKEN}\n\n");
    let token_space = format!("{TOKEN} x");
    let mut not_utf8 = secret_yaml("");
    not_utf8.extend(b"  other: \xFF\n");
    let mut utf16_odd = vec![0xFF, 0xFE];
    for u in String::from_utf8(secret_yaml("")).unwrap().encode_utf16() {
        utf16_odd.extend(u.to_le_bytes());
    }
    utf16_odd.push(b'x');

    let scenarios = vec![
        // seal:
        scenario(
            "value that is not base64",
            vec![("in.yaml", format!("kind: Secret\nmetadata: {{name: a, namespace: b}}\ndata:\n  k: {CANARY}!\n").into_bytes())],
            &["seal", "-f", "in.yaml", "-w", "out.json", "--cert", c],
            None,
            2,
        ),
        scenario(
            "stringData value that is a list",
            vec![("in.yaml", format!("kind: Secret\nmetadata: {{name: a, namespace: b}}\nstringData:\n  k: [{CANARY}]\n").into_bytes())],
            &["seal", "-f", "in.yaml", "-w", "out.json", "--cert", c],
            None,
            2,
        ),
        scenario(
            "syntax error next to the value",
            vec![("in.yaml", format!("kind: Secret\nmetadata: {{name: a, namespace: b}}\nstringData: {{k: {CANARY}, [\n").into_bytes())],
            &["seal", "-f", "in.yaml", "-w", "out.json", "--cert", c],
            None,
            2,
        ),
        scenario(
            "syntax error inside a quoted value",
            vec![("in.yaml", format!("kind: Secret\nmetadata: {{name: a, namespace: b}}\nstringData:\n  k: \"{CANARY}\\q\"\n").into_bytes())],
            &["seal", "-f", "in.yaml", "--cert", c],
            None,
            2,
        ),
        scenario(
            "wrong kind",
            vec![("in.yaml", String::from_utf8(secret_yaml("")).unwrap().replace("kind: Secret", "kind: ConfigMap").into_bytes())],
            &["seal", "-f", "in.yaml", "--cert", c],
            None,
            2,
        ),
        scenario(
            "duplicate key",
            vec![("in.yaml", secret_yaml(&format!("  password: {CANARY}x\n")))],
            &["seal", "-f", "in.yaml", "--cert", c],
            None,
            2,
        ),
        scenario(
            "not UTF-8 after the value",
            vec![("in.yaml", not_utf8)],
            &["seal", "-f", "in.yaml", "--cert", c],
            None,
            2,
        ),
        scenario(
            "malformed UTF-16",
            vec![("in.yaml", utf16_odd)],
            &["seal", "-f", "in.yaml", "--cert", c],
            None,
            2,
        ),
        scenario("namespace mismatch", secret(), &["seal", "-f", "in.yaml", "-n", "other", "--cert", c], None, 2),
        scenario(
            "missing namespace",
            vec![("in.yaml", format!("kind: Secret\nmetadata: {{name: a}}\nstringData: {{k: {CANARY}}}\n").into_bytes())],
            &["seal", "-f", "in.yaml", "--cert", c],
            None,
            2,
        ),
        scenario(
            "missing name",
            vec![("in.yaml", format!("kind: Secret\nmetadata: {{namespace: a}}\nstringData: {{k: {CANARY}}}\n").into_bytes())],
            &["seal", "-f", "in.yaml", "--cert", c],
            None,
            2,
        ),
        scenario("certificate too small", secret(), &["seal", "-f", "in.yaml", "--cert", &rsa1024], None, 2),
        scenario("expired certificate", secret(), &["seal", "-f", "in.yaml", "--cert", &expired], None, 2),
        scenario("no certificate file", secret(), &["seal", "-f", "in.yaml", "--cert", "missing.crt"], None, 2),
        scenario("from stdin, output in a folder that cannot be created", vec![("blocker", b"x".to_vec())], &["seal", "-w", "blocker/out.json", "--cert", c], Some(&secret_yaml("")), 1),
        scenario("output is a directory", vec![("in.yaml", secret_yaml("")), ("dir/keep", b"x".to_vec())], &["seal", "-f", "in.yaml", "-w", "dir", "--cert", c], None, 1),
        scenario(
            "merge into a file that is not a SealedSecret",
            vec![("in.yaml", secret_yaml("")), ("target.yaml", b"kind: ConfigMap\n".to_vec())],
            &["seal", "-f", "in.yaml", "--merge-into", "target.yaml", "--cert", c],
            None,
            2,
        ),
        scenario(
            "merge a bad value",
            vec![
                ("in.yaml", format!("kind: Secret\nmetadata: {{name: a, namespace: b}}\ndata:\n  k: {CANARY}!\n").into_bytes()),
                ("target.yaml", sealed_yaml(false)),
            ],
            &["seal", "-f", "in.yaml", "--merge-into", "target.yaml", "--cert", c],
            None,
            2,
        ),
        scenario(
            "raw without a namespace",
            vec![("value.txt", CANARY.as_bytes().to_vec())],
            &["seal", "--raw", "--from-file", "value.txt", "--name", "a", "--cert", c],
            None,
            2,
        ),
        scenario(
            "raw into a folder that cannot be created",
            vec![("blocker", b"x".to_vec())],
            &["seal", "--raw", "-n", "b", "--name", "a", "-w", "blocker/out.txt", "--cert", c],
            Some(CANARY.as_bytes()),
            1,
        ),
        // the main job, with a known token:
        scenario("token with a space", vec![], &["--token-stdin", "--cert", c], Some(token_space.as_bytes()), 2),
        scenario("token with two line breaks", vec![], &["--token-stdin", "--cert", c], Some(token_2nl.as_bytes()), 2),
        scenario(
            "token file not UTF-8",
            vec![("token.in", [TOKEN.as_bytes(), b"\xFF"].concat())],
            &["--token-file-in", "token.in", "--cert", c],
            None,
            2,
        ),
        scenario("token and a certificate too small", vec![], &["--token-stdin", "--cert", &rsa1024], Some(token_nl.as_bytes()), 2),
        scenario(
            "token and an existing output",
            vec![("out.yaml", b"old\n".to_vec())],
            &["--token-stdin", "-w", "out.yaml", "--cert", c],
            Some(token_nl.as_bytes()),
            2,
        ),
        scenario(
            "token, token file, output in a folder that cannot be created",
            vec![("blocker", b"x".to_vec())],
            &["--token-stdin", "--token-file", "token.txt", "-w", "blocker/out.yaml", "--cert", c],
            Some(token_nl.as_bytes()),
            1,
        ),
        scenario(
            "token and an existing token file",
            vec![("token.txt", b"old\n".to_vec())],
            &["--token-stdin", "--token-file", "token.txt", "--cert", c],
            Some(token_nl.as_bytes()),
            2,
        ),
        scenario("token and a bad receiver name", vec![], &["--token-stdin", "--receiver", "Bad Name!", "--cert", c], Some(token_nl.as_bytes()), 2),
        scenario("webhook-path, token with a space", vec![], &["webhook-path", "--receiver", "r"], Some(token_space.as_bytes()), 2),
        scenario("webhook-path, bad receiver name", vec![], &["webhook-path", "--receiver", "Bad Name!"], Some(token_nl.as_bytes()), 2),
        // unseal: plaintext in memory:
        scenario(
            "unseal to an existing file",
            vec![("sealed.yaml", sealed_yaml(false)), ("plain.yaml", b"old\n".to_vec())],
            &["unseal", "--key", &key, "-f", "sealed.yaml", "-w", "plain.yaml"],
            None,
            2,
        ),
        scenario(
            "unseal into a folder that cannot be created",
            vec![("sealed.yaml", sealed_yaml(false)), ("blocker", b"x".to_vec())],
            &["unseal", "--key", &key, "-f", "sealed.yaml", "-w", "blocker/plain.yaml"],
            None,
            1,
        ),
        scenario(
            "unseal with the wrong key",
            vec![("sealed.yaml", sealed_yaml(false))],
            &["unseal", "--key", &other_key, "-f", "sealed.yaml"],
            None,
            1,
        ),
        scenario(
            "unseal with one item tampered",
            vec![("sealed.yaml", sealed_yaml(true))],
            &["unseal", "--key", &key, "-f", "sealed.yaml"],
            None,
            1,
        ),
        scenario(
            "unseal a stream whose second document fails",
            vec![("sealed.yaml", [sealed_yaml(false), sealed_yaml(true)].concat())],
            &["unseal", "--key", &key, "-f", "sealed.yaml"],
            None,
            1,
        ),
        // check:
        scenario("check finds a plain Secret", secret(), &["check", "in.yaml"], None, 1),
        scenario("check finds a plain Secret (JSON report)", secret(), &["check", "--format", "json", "in.yaml"], None, 1),
        scenario(
            "check reads invalid YAML line by line",
            vec![("in.yaml", secret_yaml("  [broken: {\n"))],
            &["check", "in.yaml"],
            None,
            1,
        ),
        scenario("check --fix with a certificate too small", secret(), &["check", "--fix", "--cert", &rsa1024, "in.yaml"], None, 2),
    ];
    for s in &scenarios {
        run(s);
    }
}

/// The secret-bearing types of the library never show their contents in `Debug`.
#[test]
fn debug_output_is_redacted() {
    let token = flux_receiver::Token::from_string(TOKEN.to_string()).unwrap();
    assert_clean(format!("{token:?}").as_bytes(), "Token");
    let mut s = Secret::new(&ObjectRef::new("prod", "app"));
    s.insert("password", SecretValue::from(CANARY));
    assert_clean(format!("{s:?} {s:#?}").as_bytes(), "Secret");
    let keys =
        kubeseal_core::PrivateKey::from_pem(&read_fixture("upstream/controller.key")).unwrap();
    let key_pem = String::from_utf8(read_fixture("upstream/controller.key")).unwrap();
    let line = key_pem.lines().nth(5).unwrap();
    assert!(!format!("{keys:?}").contains(line));
    assert!(!format!("{keys:?}").contains("MII"));
}
