//! `sealtoken receiver test` end to end, against a loopback HTTPS server that
//! plays the notification-controller's receiver server: the body limit
//! (413), the lookup by webhook path (404), suspended or not ready (503),
//! each type's validation as `internal/server/receiver_handlers.go` does it
//! (400; HMACs compared in constant time by aws-lc-rs, independently of the
//! RustCrypto code that signs), a failed reconciliation request (500) and
//! acceptance (200). Also what an ingress in front may answer (401, 403,
//! 502), and TLS, DNS, timeout and refused-connection failures.

#![cfg(feature = "http")]

use std::net::TcpListener;
use std::path::Path;
use std::time::Duration;

use assert_cmd::Command;

use crate::common::receiver_server::*;
use crate::common::sealtoken;
use crate::common::web_server::{reply, WebServer};

/// The binary, trusting the test CA only, no proxy, a short timeout.
fn cmd(dir: &Path, ca_pem: &str) -> Command {
    let mut c = sealtoken();
    for v in [
        "HTTPS_PROXY",
        "https_proxy",
        "HTTP_PROXY",
        "http_proxy",
        "ALL_PROXY",
        "all_proxy",
        "NO_PROXY",
        "no_proxy",
        "SSL_CERT_DIR",
    ] {
        c.env_remove(v);
    }
    let ca = dir.join("ca.pem");
    std::fs::write(&ca, ca_pem).unwrap();
    c.env("SSL_CERT_FILE", &ca)
        .env("SEALTOKEN_HTTP_TIMEOUT", "5")
        .timeout(Duration::from_secs(30));
    c
}

const TOKEN: &str = "8f3c2a1b9d4e5f6a7b8c9d0e1f2a3b4c";

/// Runs `receiver test --receiver NAME --host … --provider TYPE` with `TOKEN` on stdin.
fn test_receiver(server: &Server, name: &str, kind: &str, extra: &[&str]) -> std::process::Output {
    let dir = tempfile::tempdir().unwrap();
    let mut c = cmd(dir.path(), &pki().ca_pem);
    c.args([
        "receiver",
        "test",
        "--receiver",
        name,
        "-n",
        "flux-system",
        "--host",
        &server.base(),
        "--provider",
        kind,
    ])
    .args(extra)
    .write_stdin(TOKEN);
    c.output().unwrap()
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn every_type_is_accepted_by_a_controller_that_verifies_it() {
    let mut hooks = Vec::new();
    let kinds = [
        ("r-generic", "generic"),
        ("r-generic-hmac", "generic-hmac"),
        ("r-generic-oidc", "generic-oidc"),
        ("r-github", "github"),
        ("r-gitlab", "gitlab"),
        ("r-bitbucket", "bitbucket"),
        ("r-harbor", "harbor"),
        ("r-dockerhub", "dockerhub"),
        ("r-quay", "quay"),
        ("r-gcr", "gcr"),
        ("r-nexus", "nexus"),
        ("r-acr", "acr"),
        ("r-cdevents", "cdevents"),
    ];
    for (name, kind) in kinds {
        let mut h = Hook::new(name, kind, TOKEN);
        h.events = match kind {
            "github" => vec!["ping", "push"],
            "gitlab" => vec!["Push Hook", "Tag Push Hook"],
            "bitbucket" => vec!["repo:refs_changed"],
            "cdevents" => vec!["dev.cdevents.change.merged"],
            _ => vec![],
        };
        hooks.push(h);
    }
    let server = Server::start(hooks, Mode::Controller { max_body: MAX_BODY });
    let dir = tempfile::tempdir().unwrap();
    let id = dir.path().join("id-token");
    std::fs::write(&id, ID_TOKEN).unwrap();
    for (name, kind) in kinds {
        let id_arg = ["--id-token-file", id.to_str().unwrap()];
        let extra: &[&str] = if kind == "gcr" { &id_arg } else { &[] };
        let out = if kind == "generic-oidc" {
            // No token Secret: what is read is the ID token, and the path uses an empty token.
            let mut c = cmd(dir.path(), &pki().ca_pem);
            c.args([
                "receiver",
                "test",
                "--receiver",
                name,
                "--host",
                &server.base(),
                "--provider",
                kind,
            ])
            .write_stdin(ID_TOKEN);
            c.output().unwrap()
        } else {
            test_receiver(&server, name, kind, extra)
        };
        assert!(out.status.success(), "{kind}: {}", stderr(&out));
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.contains("HTTP 200"), "{kind}: {stdout}");
        assert!(stdout.contains("accepted"), "{kind}: {stdout}");
        assert!(
            !stdout.contains(TOKEN),
            "{kind}: the token leaked: {stdout}"
        );
    }
    let log = server.log();
    assert_eq!(log.len(), kinds.len());
    assert!(log.iter().all(|(_, s)| *s == 200), "{log:?}");
}

#[test]
fn the_whole_url_works_too() {
    let h = Hook::new("tenant-github", "github", TOKEN);
    let path = h.path();
    let server = Server::start(vec![h], Mode::Controller { max_body: MAX_BODY });
    let dir = tempfile::tempdir().unwrap();
    let out = cmd(dir.path(), &pki().ca_pem)
        .args([
            "receiver",
            "test",
            &format!("{}{path}", server.base()),
            "--provider",
            "github",
        ])
        .write_stdin(format!("{TOKEN}\n"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn a_wrong_token_is_a_404_that_names_the_likely_causes() {
    let server = Server::start(
        vec![Hook::new("r-github", "github", "another-token")],
        Mode::Controller { max_body: MAX_BODY },
    );
    let out = test_receiver(&server, "r-github", "github", &[]);
    assert_eq!(out.status.code(), Some(1));
    let e = stderr(&out);
    assert!(e.contains("HTTP 404"), "{e}");
    assert!(
        e.contains("no Receiver has this path: a wrong token, Receiver name or namespace"),
        "{e}"
    );
    assert!(!e.contains(TOKEN), "{e}");
    assert_eq!(e.trim_end().lines().count(), 1, "{e}");
}

#[test]
fn an_event_missing_from_spec_events_is_a_400_blamed_on_the_events() {
    let mut h = Hook::new("r-github", "github", TOKEN);
    h.events = vec!["push"];
    let server = Server::start(vec![h], Mode::Controller { max_body: MAX_BODY });
    let out = test_receiver(&server, "r-github", "github", &[]);
    assert_eq!(out.status.code(), Some(1));
    let e = stderr(&out);
    assert!(e.contains("HTTP 400"), "{e}");
    assert!(
        e.contains("likelier the event \"ping\" is not in the Receiver's spec.events"),
        "{e}"
    );
    // The same Receiver accepts a push.
    let out = test_receiver(&server, "r-github", "github", &["--event", "push"]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn a_rotated_secret_not_yet_reconciled_is_a_400_on_the_signature() {
    // The Receiver still publishes the path of TOKEN, but its Secret already holds a new token.
    for kind in ["generic-hmac", "harbor", "nexus", "gitlab"] {
        let mut h = Hook::new("r", kind, "the-new-token");
        h.path_token = TOKEN.into();
        let server = Server::start(vec![h], Mode::Controller { max_body: MAX_BODY });
        let out = test_receiver(&server, "r", kind, &[]);
        assert_eq!(out.status.code(), Some(1), "{kind}");
        let e = stderr(&out);
        assert!(e.contains("HTTP 400"), "{kind}: {e}");
        assert!(
            e.contains("changed after the Receiver's last reconcile"),
            "{kind}: {e}"
        );
        assert_eq!(server.log(), [(Hook::new("r", kind, TOKEN).path(), 400)]);
    }
}

#[test]
fn suspended_or_not_ready_is_a_503() {
    let mut s = Hook::new("suspended-github", "github", TOKEN);
    s.suspend = true;
    let mut n = Hook::new("notready-gitlab", "gitlab", TOKEN);
    n.ready = false;
    let server = Server::start(vec![s, n], Mode::Controller { max_body: MAX_BODY });
    for (name, kind) in [
        ("suspended-github", "github"),
        ("notready-gitlab", "gitlab"),
    ] {
        let out = test_receiver(&server, name, kind, &[]);
        assert_eq!(out.status.code(), Some(1));
        let e = stderr(&out);
        assert!(
            e.contains("HTTP 503") && e.contains("suspended or not ready"),
            "{e}"
        );
    }
}

#[test]
fn a_failed_reconciliation_request_is_a_500() {
    let mut h = Hook::new("r-generic", "generic", TOKEN);
    h.resources_fail = true;
    let server = Server::start(vec![h], Mode::Controller { max_body: MAX_BODY });
    let out = test_receiver(&server, "r-generic", "generic", &[]);
    assert_eq!(out.status.code(), Some(1));
    let e = stderr(&out);
    assert!(
        e.contains("HTTP 500") && e.contains("notification-controller logs"),
        "{e}"
    );
}

#[test]
fn a_body_over_the_limit_is_a_413() {
    // A controller with a tiny limit stands in for the 3 MiB one (the test deliveries are small).
    let server = Server::start(
        vec![Hook::new("r-github", "github", TOKEN)],
        Mode::Controller { max_body: 8 },
    );
    let out = test_receiver(&server, "r-github", "github", &[]);
    assert_eq!(out.status.code(), Some(1));
    let e = stderr(&out);
    assert!(e.contains("HTTP 413") && e.contains("3 MiB"), "{e}");
}

#[test]
fn what_an_ingress_answers_is_told_apart() {
    for (code, want) in [
        (401, "ingress or proxy in front of it refused"),
        (403, "ingress or proxy in front of it refused"),
        (502, "could not reach the notification-controller"),
    ] {
        let server = Server::start(vec![], Mode::Front(code));
        let out = test_receiver(&server, "r-github", "github", &[]);
        assert_eq!(out.status.code(), Some(1));
        let e = stderr(&out);
        assert!(
            e.contains(&format!("HTTP {code}")) && e.contains(want),
            "{code}: {e}"
        );
    }
}

#[test]
fn tls_timeout_and_refused_connections_get_one_line_each() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(
        vec![Hook::new("r-github", "github", TOKEN)],
        Mode::Controller { max_body: MAX_BODY },
    );
    let hang = Server::start(vec![], Mode::Hang);
    let closed = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    // No DNS case: a failed lookup would send a query to the system resolver,
    // and these tests contact nothing but loopback.
    let cases: [(&str, String, &str); 3] = [
        // The server's CA is not the trusted one.
        ("tls", server.base(), "TLS failed"),
        ("timeout", hang.base(), "no answer within 1 s"),
        (
            "refused",
            format!("https://127.0.0.1:{closed}"),
            "cannot connect",
        ),
    ];
    for (what, host, want) in cases {
        let ca = if what == "tls" {
            &pki().other_ca_pem
        } else {
            &pki().ca_pem
        };
        let out = cmd(dir.path(), ca)
            .env("SEALTOKEN_HTTP_TIMEOUT", "1")
            .args([
                "receiver",
                "test",
                "--receiver",
                "r-github",
                "--host",
                &host,
                "--provider",
                "github",
            ])
            .write_stdin(TOKEN)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{what}");
        let e = stderr(&out);
        assert!(e.contains(want), "{what}: {e}");
        assert!(
            !e.contains("/hook/") || e.contains("/hook/…"),
            "{what}: the path leaked: {e}"
        );
        assert_eq!(e.trim_end().lines().count(), 1, "{what}: {e}");
    }
}

#[test]
fn bad_input_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    for (args, want) in [
        (
            vec!["receiver", "test", "--receiver", "webhook", "--host", "h"],
            "--provider",
        ),
        (
            vec!["receiver", "test", "--provider", "github"],
            "no Receiver to test: give its webhook URL, or --receiver NAME and --host HOST",
        ),
        (
            vec![
                "receiver",
                "test",
                "--provider",
                "github",
                "--receiver",
                "gh",
            ],
            "--receiver gh needs --host HOST",
        ),
        (
            vec!["receiver", "test", "https://h/x", "--provider", "github"],
            "no /hook/ path",
        ),
        (
            vec![
                "receiver",
                "test",
                "--receiver",
                "r",
                "--host",
                "h",
                "--provider",
                "harbor",
                "--event",
                "x",
            ],
            "carry no event",
        ),
        (
            vec![
                "receiver",
                "test",
                "--receiver",
                "r",
                "--host",
                "h",
                "--provider",
                "gcr",
            ],
            "--id-token-file",
        ),
    ] {
        let out = cmd(dir.path(), &pki().ca_pem)
            .args(&args)
            .write_stdin(TOKEN)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(want), "{args:?}: {}", stderr(&out));
    }
}

#[test]
fn the_main_job_labels_the_token_secret_for_watching_unless_told_not_to() {
    let dir = tempfile::tempdir().unwrap();
    for (extra, want) in [(None, true), (Some("--no-watch-label"), false)] {
        let out_file = dir.path().join(format!("t{want}.yaml"));
        let mut c = sealtoken();
        c.args([
            "--cert",
            crate::common::demo_cert().to_str().unwrap(),
            "-w",
            out_file.to_str().unwrap(),
        ]);
        if let Some(e) = extra {
            c.arg(e);
        }
        let out = c.output().unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        let text = std::fs::read_to_string(&out_file).unwrap();
        let sealed = kubeseal_core::read_sealed_secrets(text.as_bytes()).unwrap();
        let labels = &sealed[0].template.metadata.labels;
        assert_eq!(
            labels.get("reconcile.fluxcd.io/watch").map(String::as_str) == Some("Enabled"),
            want,
            "{text}"
        );
    }
}

#[test]
fn the_main_job_takes_every_type_and_hashes_an_empty_token_for_generic_oidc() {
    let dir = tempfile::tempdir().unwrap();
    let out_file = dir.path().join("t.yaml");
    let out = sealtoken()
        .args([
            "--cert",
            crate::common::demo_cert().to_str().unwrap(),
            "-w",
            out_file.to_str().unwrap(),
        ])
        .args([
            "--receiver",
            "apps-harbor",
            "--provider",
            "harbor",
            "--receiver",
            "deploy",
            "--provider",
            "generic-oidc",
        ])
        .args(["--host", "flux.example.org"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(report.contains("Harbor: Project > Webhooks"), "{report}");
    // `printf %s 'deployflux-system' | sha256sum`
    assert!(
        report.contains("/hook/adb1470179a1e6b508d16af8d47231f7ae0803ecbd0148588a6a05689593e613"),
        "{report}"
    );
    for t in [
        "dockerhub",
        "cdevents",
        "nexus",
        "acr",
        "quay",
        "bitbucket",
        "generic-hmac",
        "gcr",
    ] {
        let out = sealtoken()
            .args([
                "--cert",
                crate::common::demo_cert().to_str().unwrap(),
                "--receiver",
                "r",
                "--provider",
                t,
            ])
            .args(if t == "gcr" {
                &[
                    "--gcr-email",
                    "push@p.iam.gserviceaccount.com",
                    "--gcr-audience",
                    "a",
                ][..]
            } else {
                &[][..]
            })
            .output()
            .unwrap();
        assert!(out.status.success(), "{t}: {}", stderr(&out));
    }
}

/// Over plain `http://`, the warning names the header that carries the
/// token (or a signature made with it); over https there is none. The token
/// itself never shows.
#[test]
fn plain_http_deliveries_warn_naming_the_header_that_carries_the_credential() {
    let dir = tempfile::tempdir().unwrap();
    let ok = |_: &str, out: &mut dyn std::io::Write| reply(out, 200, &[], b"");
    let plain = WebServer::http(ok);
    let tls = WebServer::https(ok);
    let ca = &crate::common::api_server::pki().server_ca_pem;
    let run = |base: &str, kind: &str| {
        let mut c = cmd(dir.path(), ca);
        c.args(["receiver", "test", "--receiver", "r", "--host", base])
            .args(["--provider", kind])
            .write_stdin(TOKEN);
        let out = c.output().unwrap();
        assert!(out.status.success(), "{kind}: {}", stderr(&out));
        stderr(&out)
    };
    for (kind, header) in [
        ("gitlab", "X-Gitlab-Token (the token itself)"),
        ("harbor", "Authorization (the token itself)"),
        ("github", "X-Hub-Signature-256"),
        ("bitbucket", "X-Hub-Signature"),
        ("generic-hmac", "X-Signature"),
        ("nexus", "X-Nexus-Webhook-Signature"),
        (
            "generic",
            "the webhook path, this Receiver's only credential",
        ),
    ] {
        let e = run(&plain.url(""), kind);
        assert_eq!(e.lines().count(), 1, "{kind}: {e}");
        assert!(e.starts_with("sealtoken: warning: "), "{kind}: {e}");
        assert!(e.contains("plain http"), "{kind}: {e}");
        assert!(e.contains(header), "{kind}: {e}");
        assert!(e.contains(&plain.url("/hook/…")), "{kind}: {e}");
        assert!(!e.contains(TOKEN), "{kind}: {e}");
        assert!(run(&tls.url(""), kind).is_empty(), "{kind}");
    }
}

/// A password in the webhook URL shows as `***` in warnings and errors.
#[test]
fn receiver_test_urls_never_show_a_password() {
    const PASSWORD: &str = "hunter2-in-the-url";
    let dir = tempfile::tempdir().unwrap();
    let plain = WebServer::http(|_: &str, out: &mut dyn std::io::Write| reply(out, 404, &[], b""));
    let closed = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let hook = format!("/hook/{}", "ab".repeat(32));
    for (url, want) in [
        (
            plain.url_with_userinfo(&format!("alice:{PASSWORD}"), &hook),
            "HTTP 404",
        ),
        (
            format!("https://alice:{PASSWORD}@127.0.0.1:{closed}{hook}"),
            "cannot connect",
        ),
    ] {
        let out = cmd(dir.path(), &pki().ca_pem)
            .args(["receiver", "test", &url, "--provider", "gitlab"])
            .write_stdin(TOKEN)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{url}");
        let e = stderr(&out);
        assert!(e.contains(want), "{e}");
        assert!(!e.contains(PASSWORD), "{e}");
        assert!(e.contains("://alice:***@127.0.0.1:"), "{e}");
    }
}
