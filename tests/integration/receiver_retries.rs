//! `receiver test --retries N --retry-delay D` against the shared loopback
//! web server: retried on 404 (a Receiver not Ready yet), 408, 429, 500,
//! 502, 503, 504 and connection errors, as `flux trigger receiver` does,
//! and on nothing else; `--payload FILE` for the generic types, its bytes
//! sent as they are and, for generic-hmac, signed (verified by the
//! controller stand-in with AWS-LC's HMAC).

#![cfg(feature = "http")]

use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crate::common::receiver_server::{self, Hook, Mode, Server, MAX_BODY};
use crate::common::sealtoken;
use crate::common::web_server::{reply, WebServer};

const TOKEN: &str = "8f3c2a1b9d4e5f6a7b8c9d0e1f2a3b4c";

/// A plain-HTTP server answering `statuses` in turn (the last one from
/// then on); the number of requests it saw.
fn server(statuses: &'static [u16]) -> (WebServer, Arc<AtomicUsize>) {
    let count = Arc::new(AtomicUsize::new(0));
    let seen = count.clone();
    let s = WebServer::http(move |_: &str, out: &mut dyn std::io::Write| {
        let i = seen.fetch_add(1, Ordering::SeqCst);
        reply(out, statuses[i.min(statuses.len() - 1)], &[], b"");
    });
    (s, count)
}

/// `receiver test URL --provider generic` with the token on stdin.
fn run(url: &str, extra: &[&str]) -> std::process::Output {
    let mut c = sealtoken();
    c.args(["receiver", "test", url, "--provider", "generic"])
        .args(extra)
        .env("SEALTOKEN_HTTP_TIMEOUT", "5")
        .timeout(Duration::from_secs(60))
        .write_stdin(TOKEN);
    c.output().unwrap()
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn a_receiver_not_ready_yet_is_retried_until_it_accepts() {
    let (s, count) = server(&[404, 503, 200]);
    let out = run(
        &s.url("/hook/abc"),
        &["--retries", "3", "--retry-delay", "10ms"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(count.load(Ordering::SeqCst), 3);
    let err = stderr(&out);
    assert_eq!(err.matches("; retrying in 10ms").count(), 2, "{err}");
    assert!(err.contains("HTTP 404; retrying in 10ms (1/3)"), "{err}");
    assert!(err.contains("HTTP 503; retrying in 10ms (2/3)"), "{err}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("HTTP 200"));
}

#[test]
fn every_retryable_status_is_retried_and_the_last_answer_explained() {
    for status in [404u16, 408, 429, 500, 502, 503, 504] {
        let statuses: &'static [u16] = Box::leak(vec![status].into_boxed_slice());
        let (s, count) = server(statuses);
        let out = run(
            &s.url("/hook/abc"),
            &["--retries", "2", "--retry-delay", "1ms"],
        );
        assert_eq!(out.status.code(), Some(1), "{status}");
        assert_eq!(count.load(Ordering::SeqCst), 3, "{status}: 1 + 2 retries");
        let last = stderr(&out).lines().last().unwrap_or("").to_string();
        assert!(last.starts_with("sealtoken: error: "), "{status}: {last}");
        assert!(
            last.contains(&format!("HTTP {status} in")),
            "{status}: {last}"
        );
    }
}

#[test]
fn other_statuses_are_not_retried() {
    for status in [400u16, 401, 403, 413, 501, 505] {
        let statuses: &'static [u16] = Box::leak(vec![status].into_boxed_slice());
        let (s, count) = server(statuses);
        let out = run(
            &s.url("/hook/abc"),
            &["--retries", "3", "--retry-delay", "1ms"],
        );
        assert_eq!(out.status.code(), Some(1), "{status}");
        assert_eq!(count.load(Ordering::SeqCst), 1, "{status}");
        assert!(!stderr(&out).contains("retrying"), "{status}");
    }
    // No --retries: one try, as before.
    let (s, count) = server(&[404]);
    let out = run(&s.url("/hook/abc"), &[]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(count.load(Ordering::SeqCst), 1);
}

#[test]
fn connection_errors_are_retried() {
    let port = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let url = format!("http://127.0.0.1:{port}/hook/abc");
    let out = run(&url, &["--retries", "2", "--retry-delay", "5ms"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert_eq!(err.matches("cannot connect").count(), 3, "{err}");
    assert!(err.contains("retrying in 5ms (2/2)"), "{err}");
}

#[test]
fn a_payload_of_your_own_is_sent_as_it_is_and_signed() {
    let dir = tempfile::tempdir().unwrap();
    let payload = dir.path().join("payload.json");
    let body = br#"{"image": "ghcr.io/org/app:v1.0.0", "tag": "v1.0.0"}"#;
    std::fs::write(&payload, body).unwrap();
    let p = payload.to_str().unwrap();

    // The bytes, unchanged, for each generic type.
    let (s, _) = server(&[200]);
    for kind in ["generic", "generic-hmac"] {
        let mut c = sealtoken();
        c.args([
            "receiver",
            "test",
            &s.url("/hook/abc"),
            "--provider",
            kind,
            "--payload",
            p,
        ])
        .write_stdin(TOKEN);
        let out = c.output().unwrap();
        assert!(out.status.success(), "{kind}: {}", stderr(&out));
    }
    assert_eq!(s.bodies(), [body.to_vec(), body.to_vec()]);

    // generic-hmac: the controller stand-in verifies X-Signature over those bytes.
    let hook = Hook::new("r-hmac", "generic-hmac", TOKEN);
    let ctl = Server::start(vec![hook], Mode::Controller { max_body: MAX_BODY });
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, &receiver_server::pki().ca_pem).unwrap();
    let mut c = sealtoken();
    c.args([
        "receiver",
        "test",
        "--receiver",
        "r-hmac",
        "--host",
        &ctl.base(),
    ])
    .args(["--provider", "generic-hmac", "--payload", p])
    .env("SSL_CERT_FILE", &ca)
    .write_stdin(TOKEN);
    let out = c.output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(ctl.log().len(), 1);
    assert_eq!(ctl.log()[0].1, 200);
}

#[test]
fn bad_payload_and_retry_flags_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("p.json");
    std::fs::write(&json, "{}").unwrap();
    let not_json = dir.path().join("p.txt");
    std::fs::write(&not_json, "s3cr3t=1").unwrap();
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["--provider", "github", "--payload", json.to_str().unwrap()],
            "--payload: a payload of your own goes to generic, generic-hmac and generic-oidc",
        ),
        (
            vec![
                "--provider",
                "generic",
                "--payload",
                not_json.to_str().unwrap(),
            ],
            "--payload: the payload is not JSON",
        ),
        (
            vec!["--provider", "generic", "--payload", "-"],
            "--payload - reads stdin",
        ),
        (
            vec!["--provider", "generic", "--retry-delay", "10"],
            "--retry-delay \"10\"",
        ),
        (
            vec!["--provider", "generic", "--retries=-1"],
            "--retries <N>",
        ),
    ];
    for (flags, want) in cases {
        let mut c = sealtoken();
        c.args(["receiver", "test", "https://127.0.0.1:9/hook/abc"])
            .args(&flags)
            .write_stdin(TOKEN);
        let out = c.output().unwrap();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{flags:?}: {err}");
        assert!(err.contains(want), "{flags:?}: {err}");
        assert!(!err.contains("s3cr3t"), "{err}");
    }
}
