//! Certificate sources end to end: `--cert https://…` and the controller in
//! the cluster (no `--cert`), against a loopback HTTPS server playing the API
//! server, with real TLS (certificates made at test time), bearer tokens,
//! client certificates and an exec credential plugin. Also every failure:
//! refused connection, untrusted server, 401, 403, 404, a body that is not a
//! certificate, a server that never answers, a body too large, a wrong pin.
//! And what the network must not get away with: a plain `http://` URL (a
//! warning, or refused with `--require-https`), a redirect from https to
//! http, endless redirects, a body trickling in past the timeout, a password
//! in the URL shown back, junk or a second certificate saved by `fetch-cert`.
//! URL tests need the feature `http` (default), cluster tests `cluster`
//! (`cargo test --features cluster`).

#![cfg(feature = "http")]
#![cfg_attr(not(feature = "cluster"), allow(dead_code, unused_imports))]

use std::path::Path;
use std::time::{Duration, Instant};

use assert_cmd::Command;
use kubeseal_core::{read_sealed_secrets, unseal, PrivateKey};
use serde_json::json;

use crate::common::api_server::{
    client_cert_user, closed_port, kubeconfig, pki, sealtoken_in, token_user, ApiServer,
    FORBIDDEN_TOKEN, NS, TOKEN,
};
use crate::common::web_server::{redirect, reply, trickle, WebServer};
use crate::common::{demo_cert, fixture, read_fixture, sealtoken, Run};

const SECRET: &str = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: apps\nstringData:\n  password: s3cr3t\n";

/// Unseals one SealedSecret with the controller's key and returns `password`.
fn unsealed_password(sealed: &[u8]) -> Vec<u8> {
    let keys = PrivateKey::from_pem(&read_fixture("upstream/controller.key")).unwrap();
    let v = read_sealed_secrets(sealed).unwrap();
    assert_eq!(v.len(), 1);
    unseal(&keys, &v[0]).unwrap().data["password"]
        .expose()
        .to_vec()
}

fn fingerprint() -> String {
    let out = sealtoken()
        .args(["cert-info", "--cert"])
        .arg(demo_cert())
        .succeeds();
    let text = String::from_utf8(out.stdout).unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix("sha256:"))
        .unwrap()
        .trim()
        .to_string()
}

/// Runs a failing command: exit code not 0, exactly one stderr line, an
/// error naming `source`, no output file, no secret in the message.
fn assert_fails(mut c: Command, out_file: &Path, source: &str, expect: &str) -> String {
    let out = c.fails();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "not one line: {stderr}");
    assert!(stderr.starts_with("sealtoken: error: "), "{stderr}");
    assert!(stderr.contains(source), "{source:?} not named in {stderr}");
    assert!(stderr.contains(expect), "{expect:?} not in {stderr}");
    for secret in [TOKEN, FORBIDDEN_TOKEN, "PRIVATE KEY", "secret-in-stdout"] {
        assert!(!stderr.contains(secret), "secret in {stderr}");
    }
    assert!(!out_file.exists(), "{} was written", out_file.display());
    assert!(out.stdout.is_empty());
    stderr
}

#[test]
fn url_source_fetches_over_https_and_seals() {
    let srv = ApiServer::start();
    let dir = tempfile::tempdir().unwrap();
    let out = sealtoken_in(dir.path())
        .args(["seal", "-n", "apps", "--cert", &srv.url("/v1/cert.pem")])
        .write_stdin(SECRET)
        .succeeds();
    assert_eq!(unsealed_password(&out.stdout), b"s3cr3t");
    assert_eq!(srv.requests(), ["/v1/cert.pem"]);

    // cert-info and fetch-cert with the same source, and a matching pin.
    let out = sealtoken_in(dir.path())
        .args(["cert-info", "--cert", &srv.url("/v1/cert.pem")])
        .succeeds();
    assert!(String::from_utf8(out.stdout)
        .unwrap()
        .contains(&fingerprint()));
    let pem = dir.path().join("pub.pem");
    let out = sealtoken_in(dir.path())
        .args([
            "fetch-cert",
            "--cert",
            &srv.url("/v1/cert.pem"),
            "--cert-sha256",
        ])
        .arg(fingerprint())
        .arg("-w")
        .arg(&pem)
        .succeeds();
    assert_eq!(
        std::fs::read(&pem).unwrap(),
        read_fixture("upstream/controller.crt")
    );
    assert!(String::from_utf8(out.stderr)
        .unwrap()
        .contains(&fingerprint()));
}

#[test]
fn url_source_failures_are_one_line_naming_the_url() {
    let srv = ApiServer::start();
    let dir = tempfile::tempdir().unwrap();
    let out_file = dir.path().join("out.pem");
    let fetch = |url: &str| {
        let mut c = sealtoken_in(dir.path());
        c.args(["fetch-cert", "--cert", url, "-w"]).arg(&out_file);
        c
    };
    let url = srv.url("/missing.pem");
    assert_fails(fetch(&url), &out_file, &url, "HTTP 404 Not Found");
    let url = srv.url("/notpem");
    assert_fails(fetch(&url), &out_file, &url, "no PEM certificate");
    let url = srv.url("/big");
    assert_fails(fetch(&url), &out_file, &url, "larger than 64 KiB");
    let url = format!("https://127.0.0.1:{}/v1/cert.pem", closed_port());
    assert_fails(fetch(&url), &out_file, &url, "cannot connect");
    // A server certificate from a CA that is not trusted.
    let other = dir.path().join("other-ca.pem");
    std::fs::write(&other, &pki().other_ca_pem).unwrap();
    let url = srv.url("/v1/cert.pem");
    let mut c = fetch(&url);
    c.env("SSL_CERT_FILE", &other);
    assert_fails(c, &out_file, &url, "certificate");
    // A server that never answers.
    let url = srv.url("/hang");
    let mut c = fetch(&url);
    c.env("SEALTOKEN_HTTP_TIMEOUT", "0.5");
    assert_fails(c, &out_file, &url, "timed out after 0.5 s");
    // A pin that does not match.
    let url = srv.url("/v1/cert.pem");
    let mut c = fetch(&url);
    c.args(["--cert-sha256", &"00".repeat(32)]);
    assert_fails(c, &out_file, &url, "does not match the pinned");
    // Seal refuses the same way and writes nothing.
    let sealed = dir.path().join("s.json");
    let mut c = sealtoken_in(dir.path());
    c.args(["seal", "-n", "apps", "--cert", &srv.url("/big"), "-w"])
        .arg(&sealed)
        .write_stdin(SECRET);
    assert_fails(c, &sealed, &srv.url("/big"), "larger than");
}

/// A server answering `/v1/cert.pem` with `body`, anything else with 404.
fn serving(tls: bool, body: Vec<u8>) -> WebServer {
    let respond = move |path: &str, out: &mut dyn std::io::Write| match path {
        "/v1/cert.pem" => reply(out, 200, &[], &body),
        _ => reply(out, 404, &[], b"404 page not found\n"),
    };
    if tls {
        WebServer::https(respond)
    } else {
        WebServer::http(respond)
    }
}

fn stderr_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The SHA-256 fingerprint of a fixture's certificate, and its PEM as the
/// library writes it.
fn fixture_cert(rel: &str) -> (String, String) {
    let cert = kubeseal_core::Certificate::from_pem(&read_fixture(rel)).unwrap();
    (cert.fingerprint_hex(), cert.to_pem())
}

#[test]
fn plain_http_certificates_warn_every_time_and_require_https_refuses_them() {
    let web = serving(false, read_fixture("upstream/controller.crt"));
    let dir = tempfile::tempdir().unwrap();
    let url = web.url("/v1/cert.pem");
    let warning = format!("sealtoken: warning: certificate {url} came over plain http");

    // fetch-cert: a warning naming the URL; the pin it suggests says where it came from.
    let pem = dir.path().join("pub.pem");
    let out = sealtoken_in(dir.path())
        .args(["fetch-cert", "--cert", &url, "-w"])
        .arg(&pem)
        .succeeds();
    let err = stderr_of(&out);
    assert!(err.lines().any(|l| l.starts_with(&warning)), "{err}");
    let saved = err.lines().find(|l| l.contains("saved:")).unwrap();
    assert!(
        saved.contains(&format!("--cert-sha256 {}", fingerprint())),
        "{saved}"
    );
    assert!(saved.contains("plain http"), "{saved}");

    // Every time, for every command, pinned or not.
    for pin in [None, Some(fingerprint())] {
        let mut c = sealtoken_in(dir.path());
        c.args(["seal", "-n", "apps", "--cert", &url]);
        if let Some(p) = &pin {
            c.args(["--cert-sha256", p]);
        }
        let out = c.write_stdin(SECRET).succeeds();
        assert_eq!(unsealed_password(&out.stdout), b"s3cr3t");
        let err = stderr_of(&out);
        assert_eq!(
            err.lines().filter(|l| l.starts_with(&warning)).count(),
            1,
            "{err}"
        );
    }
    let out = sealtoken_in(dir.path())
        .args(["cert-info", "--cert", &url])
        .succeeds();
    assert!(stderr_of(&out).contains(&warning));
    // https: no warning.
    let tls = serving(true, read_fixture("upstream/controller.crt"));
    let out = sealtoken_in(dir.path())
        .args(["cert-info", "--cert", &tls.url("/v1/cert.pem")])
        .succeeds();
    assert!(
        !stderr_of(&out).contains("plain http"),
        "{}",
        stderr_of(&out)
    );

    // --require-https: refused before any request, in one line.
    let asked = web.requests().len();
    let out_file = dir.path().join("refused.pem");
    let mut c = sealtoken_in(dir.path());
    c.args(["fetch-cert", "--require-https", "--cert", &url, "-w"])
        .arg(&out_file);
    let err = assert_fails(c, &out_file, &url, "plain http refused (--require-https)");
    assert!(err.contains("https://"), "{err}");
    let mut c = sealtoken_in(dir.path());
    c.args([
        "seal",
        "-n",
        "apps",
        "--require-https",
        "--cert",
        &url,
        "-w",
    ])
    .arg(&out_file)
    .write_stdin(SECRET);
    assert_fails(c, &out_file, &url, "--require-https");
    // The same from .sealtoken.toml, for a plain URL and for a named cluster.
    let config = dir.path().join(".sealtoken.toml");
    std::fs::write(
        &config,
        format!("[cert]\nrequire-https = true\n\n[clusters.prod]\ncert = \"{url}\"\n"),
    )
    .unwrap();
    for cert in [url.as_str(), "prod"] {
        let mut c = sealtoken_in(dir.path());
        c.current_dir(dir.path())
            .args(["fetch-cert", "--cert", cert, "-w"])
            .arg(&out_file);
        let err = assert_fails(c, &out_file, &url, "plain http refused (require-https in ");
        assert!(err.contains(".sealtoken.toml)"), "{err}");
    }
    assert_eq!(web.requests().len(), asked, "{:?}", web.requests());
    // An https URL is unaffected.
    sealtoken_in(dir.path())
        .current_dir(dir.path())
        .args(["cert-info", "--cert", &tls.url("/v1/cert.pem")])
        .succeeds();
}

#[test]
fn https_redirected_to_http_is_refused_and_redirects_are_capped() {
    let cert = read_fixture("upstream/controller.crt");
    let plain = serving(false, cert.clone());
    let plain_url = plain.url("/v1/cert.pem");
    let tls = WebServer::https(move |path, out| {
        if path == "/v1/cert.pem" {
            reply(out, 200, &[], &cert);
        } else if path == "/to-http" {
            redirect(out, &plain_url);
        } else if let Some(n) = path.strip_prefix("/hop/") {
            match n.parse::<u32>().unwrap() {
                0 => redirect(out, "/v1/cert.pem"),
                n => redirect(out, &format!("/hop/{}", n - 1)),
            }
        } else {
            reply(out, 404, &[], b"");
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let out_file = dir.path().join("pub.pem");
    let fetch = |url: &str| {
        let mut c = sealtoken_in(dir.path());
        c.args(["fetch-cert", "--cert", url, "-w"]).arg(&out_file);
        c
    };
    let url = tls.url("/to-http");
    let err = assert_fails(
        fetch(&url),
        &out_file,
        &url,
        &format!(
            "redirected from https to {}: refusing plain http",
            plain.url("/v1/cert.pem")
        ),
    );
    assert!(!err.contains("came over plain http"), "{err}");
    assert!(plain.requests().is_empty(), "{:?}", plain.requests());
    // Five redirects are followed; a sixth is refused.
    fetch(&tls.url("/hop/4")).succeeds();
    std::fs::remove_file(&out_file).unwrap();
    let url = tls.url("/hop/5");
    assert_fails(
        fetch(&url),
        &out_file,
        &url,
        "more than 5 redirects; refusing to follow more",
    );
    // http to https is followed (the answer came over https), still with the warning.
    let hop = WebServer::http({
        let to = tls.url("/v1/cert.pem");
        move |_, out| redirect(out, &to)
    });
    let out = fetch(&hop.url("/x")).succeeds();
    assert!(stderr_of(&out).contains("came over plain http"));
}

#[test]
fn a_body_trickling_in_cannot_outlast_the_timeout() {
    let cert = read_fixture("upstream/controller.crt");
    let dir = tempfile::tempdir().unwrap();
    let out_file = dir.path().join("pub.pem");
    for tls in [false, true] {
        let cert = cert.clone();
        let respond = move |_: &str, out: &mut dyn std::io::Write| {
            trickle(out, &cert, Duration::from_millis(500))
        };
        let web = if tls {
            WebServer::https(respond)
        } else {
            WebServer::http(respond)
        };
        let url = web.url("/v1/cert.pem");
        let mut c = sealtoken_in(dir.path());
        c.args(["fetch-cert", "--cert", &url, "-w"])
            .arg(&out_file)
            .env("SEALTOKEN_HTTP_TIMEOUT", "1.5")
            .timeout(Duration::from_secs(20));
        let started = Instant::now();
        assert_fails(c, &out_file, &url, "timed out after 1.5 s");
        let took = started.elapsed();
        assert!(took < Duration::from_secs(5), "{tls}: {took:?}");
    }
    // A body with no length that never ends is cut at the size cap.
    let web = WebServer::http(|_, out| {
        let _ = out.write_all(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n");
        let chunk = [b'A'; 4096];
        while out.write_all(&chunk).is_ok() {}
    });
    let url = web.url("/v1/cert.pem");
    let mut c = sealtoken_in(dir.path());
    c.args(["fetch-cert", "--cert", &url, "-w"]).arg(&out_file);
    assert_fails(c, &out_file, &url, "larger than 64 KiB");
}

#[test]
fn passwords_in_urls_are_never_shown() {
    const PASSWORD: &str = "hunter2-in-the-url";
    let userinfo = format!("alice:{PASSWORD}");
    let plain = serving(false, read_fixture("upstream/controller.crt"));
    let to_http = plain.url_with_userinfo(&userinfo, "/v1/cert.pem");
    let tls = WebServer::https(move |path, out| match path {
        "/v1/cert.pem" => reply(out, 200, &[], &read_fixture("upstream/controller.crt")),
        "/to-http" => redirect(out, &to_http),
        "/hang" => std::thread::sleep(Duration::from_secs(30)),
        _ => reply(out, 404, &[], b""),
    });
    let dir = tempfile::tempdir().unwrap();
    let out_file = dir.path().join("pub.pem");
    let shown = |url: &str| url.replace(&userinfo, "alice:***");
    let check = |out: &std::process::Output| {
        for bytes in [&out.stdout, &out.stderr] {
            let text = String::from_utf8_lossy(bytes);
            assert!(!text.contains(PASSWORD), "{text}");
        }
    };
    let fetch = |url: &str| {
        let mut c = sealtoken_in(dir.path());
        c.args(["fetch-cert", "--cert", url, "-w"])
            .arg(&out_file)
            .env("SEALTOKEN_HTTP_TIMEOUT", "1");
        c
    };
    // Errors: a 404, a refused redirect (the password in its Location), a
    // timeout, a refused connection.
    let closed = format!("https://{userinfo}@127.0.0.1:{}/v1/cert.pem", closed_port());
    for (url, expect) in [
        (tls.url_with_userinfo(&userinfo, "/missing.pem"), "HTTP 404"),
        (
            tls.url_with_userinfo(&userinfo, "/to-http"),
            "redirected from https",
        ),
        (tls.url_with_userinfo(&userinfo, "/hang"), "timed out"),
        (closed, "cannot connect"),
    ] {
        let out = fetch(&url).fails();
        check(&out);
        let err = stderr_of(&out);
        assert!(err.contains(&shown(&url)), "{err}");
        assert!(err.contains(expect), "{err}");
    }
    // A lone user name may be a token: hidden whole.
    let url = tls.url_with_userinfo("tok3n-in-the-url", "/missing.pem");
    let out = fetch(&url).fails();
    let err = stderr_of(&out);
    assert!(!err.contains("tok3n"), "{err}");
    assert!(
        err.contains(&url.replace("tok3n-in-the-url", "***")),
        "{err}"
    );

    // The plain-http warning and fetch-cert's report.
    let url = plain.url_with_userinfo(&userinfo, "/v1/cert.pem");
    let out = fetch(&url).succeeds();
    check(&out);
    let err = stderr_of(&out);
    assert!(
        err.contains(&format!("certificate {} came over", shown(&url))),
        "{err}"
    );
    assert!(
        err.contains(&format!("certificate from {}", shown(&url))),
        "{err}"
    );

    // The main job's JSON report.
    let url = tls.url_with_userinfo(&userinfo, "/v1/cert.pem");
    let sealed = dir.path().join("token.sealed.yaml");
    let out = sealtoken_in(dir.path())
        .args([
            "--cert",
            &url,
            "--receiver",
            "apps",
            "--report",
            "json",
            "-w",
        ])
        .arg(&sealed)
        .succeeds();
    check(&out);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["certificate"]["source"], shown(&url), "{report}");
    // Several clusters: each cluster's source.
    let out = sealtoken_in(dir.path())
        .args(["--cert", &format!("prod={url}"), "--cert"])
        .arg(format!("staging={}", demo_cert().display()))
        .args(["--receiver", "apps", "--report", "json", "-w"])
        .arg(dir.path().join("{cluster}.sealed.yaml"))
        .succeeds();
    check(&out);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["clusters"][0]["source"], shown(&url), "{report}");
}

#[test]
fn fetch_cert_saves_only_the_certificate_it_checked() {
    let (fp, want) = fixture_cert("upstream/controller.crt");
    let (other_fp, other) = fixture_cert("keys/rsa2048.crt");
    let cert = String::from_utf8(read_fixture("upstream/controller.crt")).unwrap();
    // Junk around it, terminal escapes, another PEM block.
    let noisy = format!(
        "\x1b[31mmaintenance banner\x1b[0m\r\n{cert}\n-----BEGIN NOTE-----\naGVsbG8=\n-----END NOTE-----\n\x1b]0;title\x07trailer\n"
    );
    let two = format!(
        "{cert}{}",
        String::from_utf8(read_fixture("keys/rsa2048.crt")).unwrap()
    );
    let web = WebServer::https(move |path, out| match path {
        "/noisy.pem" => reply(out, 200, &[], noisy.as_bytes()),
        "/two.pem" => reply(out, 200, &[], two.as_bytes()),
        _ => reply(out, 404, &[], b""),
    });
    let dir = tempfile::tempdir().unwrap();
    let pem = dir.path().join("pub.pem");
    let noisy = web.url("/noisy.pem");

    // fetch-cert -w, fetch-cert to stdout, seal --fetch-cert (-w and stdout).
    sealtoken_in(dir.path())
        .args(["fetch-cert", "--cert", &noisy, "-w"])
        .arg(&pem)
        .succeeds();
    assert_eq!(std::fs::read_to_string(&pem).unwrap(), want);
    assert_eq!(want.as_bytes(), read_fixture("upstream/controller.crt"));
    let out = sealtoken_in(dir.path())
        .args(["fetch-cert", "--cert", &noisy])
        .succeeds();
    assert_eq!(String::from_utf8(out.stdout).unwrap(), want);
    let out = sealtoken_in(dir.path())
        .args(["seal", "--fetch-cert", "--cert", &noisy])
        .succeeds();
    assert_eq!(String::from_utf8(out.stdout).unwrap(), want);
    let kpem = dir.path().join("kubeseal.pem");
    sealtoken_in(dir.path())
        .args(["seal", "--fetch-cert", "--cert", &noisy, "-w"])
        .arg(&kpem)
        .succeeds();
    assert_eq!(std::fs::read_to_string(&kpem).unwrap(), want);

    // Two certificates: refused, naming how many and how to pick one.
    let two = web.url("/two.pem");
    let out_file = dir.path().join("two.pem");
    let mut c = sealtoken_in(dir.path());
    c.args(["fetch-cert", "--cert", &two, "-w"]).arg(&out_file);
    let err = assert_fails(c, &out_file, &two, "holds 2 certificates");
    assert!(err.contains(&fp) && err.contains(&other_fp), "{err}");
    assert!(err.contains("--cert-sha256"), "{err}");
    let mut c = sealtoken_in(dir.path());
    c.args(["seal", "--fetch-cert", "--cert", &two, "-w"])
        .arg(&out_file);
    assert_fails(c, &out_file, &two, "holds 2 certificates");
    // --cert-sha256 picks one, whichever its place.
    for (pin, want) in [(&fp, &want), (&other_fp, &other)] {
        sealtoken_in(dir.path())
            .args([
                "fetch-cert",
                "--force",
                "--cert",
                &two,
                "--cert-sha256",
                pin,
                "-w",
            ])
            .arg(&out_file)
            .succeeds();
        assert_eq!(&std::fs::read_to_string(&out_file).unwrap(), want);
    }
    let mut c = sealtoken_in(dir.path());
    c.args([
        "fetch-cert",
        "--cert",
        &two,
        "--cert-sha256",
        &"ab".repeat(32),
        "-w",
    ])
    .arg(dir.path().join("none.pem"));
    assert_fails(
        c,
        &dir.path().join("none.pem"),
        &two,
        "none of its 2 certificates has the pinned fingerprint",
    );
    // A file holding two is refused the same way.
    let both = dir.path().join("both.pem");
    let mut text = read_fixture("upstream/controller.crt");
    text.extend(std::fs::read(fixture("keys/rsa2048.crt")).unwrap());
    std::fs::write(&both, text).unwrap();
    let mut c = sealtoken_in(dir.path());
    c.args(["fetch-cert", "--cert"])
        .arg(&both)
        .arg("-w")
        .arg(&out_file);
    std::fs::remove_file(&out_file).unwrap();
    assert_fails(c, &out_file, "both.pem", "holds 2 certificates");
}

#[test]
#[cfg(feature = "cluster")]
fn a_file_source_never_touches_the_network() {
    let srv = ApiServer::start();
    let dir = tempfile::tempdir().unwrap();
    let kc = kubeconfig(
        dir.path(),
        &srv.url(""),
        &pki().server_ca_pem,
        token_user(TOKEN),
    );
    let out = sealtoken_in(dir.path())
        .args(["seal", "-n", "apps", "--cert"])
        .arg(demo_cert())
        .arg("--kubeconfig")
        .arg(&kc)
        .env("HTTPS_PROXY", format!("http://127.0.0.1:{}", srv.port))
        .write_stdin(SECRET)
        .succeeds();
    assert_eq!(unsealed_password(&out.stdout), b"s3cr3t");
    assert!(srv.requests().is_empty(), "{:?}", srv.requests());
}

#[test]
#[cfg(feature = "cluster")]
fn cluster_source_with_a_bearer_token_fetches_and_seals() {
    let srv = ApiServer::start();
    let dir = tempfile::tempdir().unwrap();
    let kc = kubeconfig(
        dir.path(),
        &srv.url(""),
        &pki().server_ca_pem,
        token_user(TOKEN),
    );
    let pem = dir.path().join("pub.pem");
    let out = sealtoken_in(dir.path())
        .args(["fetch-cert", "--controller-namespace", NS, "--kubeconfig"])
        .arg(&kc)
        .arg("-w")
        .arg(&pem)
        .succeeds();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(
        std::fs::read(&pem).unwrap(),
        read_fixture("upstream/controller.crt")
    );
    assert!(stderr.contains(&fingerprint()), "{stderr}");
    assert!(stderr.contains("RSA 4096 bits"), "{stderr}");
    assert_eq!(
        srv.requests(),
        [
            format!("/api/v1/namespaces/{NS}/services/sealed-secrets-controller"),
            format!("/api/v1/namespaces/{NS}/services/http:sealed-secrets-controller:http/proxy/v1/cert.pem"),
        ]
    );
    // An existing file is kept unless --force.
    let mut c = sealtoken_in(dir.path());
    c.args(["fetch-cert", "--controller-namespace", NS, "--kubeconfig"])
        .arg(&kc)
        .arg("-w")
        .arg(&pem);
    c.assert().failure();
    c.arg("--force").assert().success();

    // seal with no --cert, the kubeconfig from KUBECONFIG, the names from flags.
    let out = sealtoken_in(dir.path())
        .args(["seal", "-n", "apps", "--controller-namespace", NS])
        .args(["--controller-name", "sealed-secrets-controller"])
        .env("KUBECONFIG", &kc)
        .write_stdin(SECRET)
        .succeeds();
    assert_eq!(unsealed_password(&out.stdout), b"s3cr3t");

    // cert-info from the cluster, with the names from the environment.
    let out = sealtoken_in(dir.path())
        .arg("cert-info")
        .env("SEALED_SECRETS_KUBECONFIG", &kc)
        .env("SEALED_SECRETS_CONTROLLER_NAMESPACE", NS)
        .succeeds();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains(&fingerprint()), "{stdout}");
    assert!(
        stdout.contains(&format!(
            "service {NS}/sealed-secrets-controller via https://127.0.0.1:{}",
            srv.port
        )),
        "{stdout}"
    );
}

#[test]
#[cfg(feature = "cluster")]
fn cluster_source_with_a_client_certificate_and_context_flag() {
    let srv = ApiServer::start();
    let dir = tempfile::tempdir().unwrap();
    let kc = kubeconfig(
        dir.path(),
        &srv.url(""),
        &pki().server_ca_pem,
        client_cert_user(),
    );
    let out_file = dir.path().join("s.yaml");
    sealtoken_in(dir.path())
        .args([
            "seal",
            "-n",
            "apps",
            "--controller-namespace",
            NS,
            "--kubeconfig",
        ])
        .arg(&kc)
        .args(["--context", "test", "-w"])
        .arg(&out_file)
        .write_stdin(SECRET)
        .succeeds();
    assert_eq!(
        unsealed_password(&std::fs::read(&out_file).unwrap()),
        b"s3cr3t"
    );

    // --context picks another context: its server is not reachable.
    let out_file = dir.path().join("s2.yaml");
    let mut c = sealtoken_in(dir.path());
    c.args([
        "seal",
        "-n",
        "apps",
        "--controller-namespace",
        NS,
        "--kubeconfig",
    ])
    .arg(&kc)
    .args(["--context", "broken", "-w"])
    .arg(&out_file)
    .write_stdin(SECRET);
    assert_fails(
        c,
        &out_file,
        "cannot fetch the certificate from service",
        "refused",
    );
}

#[test]
#[cfg(feature = "cluster")]
fn cluster_source_with_an_exec_credential_plugin() {
    use std::os::unix::fs::PermissionsExt;
    let srv = ApiServer::start();
    let dir = tempfile::tempdir().unwrap();
    let write_script = |name: &str, body: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, body).unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
        p
    };
    let good = write_script(
        "good-plugin",
        &format!(
            "#!/bin/sh\nprintf '%s' '{}'\n",
            json!({"apiVersion": "client.authentication.k8s.io/v1beta1", "kind": "ExecCredential",
                   "status": {"token": TOKEN}})
        ),
    );
    let exec = |cmd: &Path| {
        json!({"exec": {"apiVersion": "client.authentication.k8s.io/v1beta1",
                        "command": cmd, "interactiveMode": "Never"}})
    };
    let kc = kubeconfig(dir.path(), &srv.url(""), &pki().server_ca_pem, exec(&good));
    let pem = dir.path().join("pub.pem");
    sealtoken_in(dir.path())
        .args(["fetch-cert", "--controller-namespace", NS, "--kubeconfig"])
        .arg(&kc)
        .arg("-w")
        .arg(&pem)
        .succeeds();
    assert_eq!(
        std::fs::read(&pem).unwrap(),
        read_fixture("upstream/controller.crt")
    );

    // A failing plugin: its stderr is shown, never its stdout.
    let bad = write_script(
        "bad-plugin",
        "#!/bin/sh\necho secret-in-stdout\necho 'error: login required' >&2\nexit 1\n",
    );
    let sub = dir.path().join("bad");
    std::fs::create_dir(&sub).unwrap();
    let kc = kubeconfig(&sub, &srv.url(""), &pki().server_ca_pem, exec(&bad));
    let out_file = dir.path().join("out.pem");
    let mut c = sealtoken_in(dir.path());
    c.args(["fetch-cert", "--controller-namespace", NS, "--kubeconfig"])
        .arg(&kc)
        .arg("-w")
        .arg(&out_file);
    assert_fails(
        c,
        &out_file,
        "cannot fetch the certificate from service",
        "login required",
    );
}

#[test]
#[cfg(feature = "cluster")]
fn cluster_source_failures_are_one_line_naming_the_service_and_server() {
    let srv = ApiServer::start();
    let dir = tempfile::tempdir().unwrap();
    let out_file = dir.path().join("out.pem");
    let ca = &pki().server_ca_pem;
    let run = |kc: &Path, name: &str| {
        let mut c = sealtoken_in(dir.path());
        c.args([
            "fetch-cert",
            "--controller-namespace",
            NS,
            "--controller-name",
            name,
        ])
        .arg("--kubeconfig")
        .arg(kc)
        .arg("-w")
        .arg(&out_file);
        c
    };
    let source =
        |name: &str, port: u16| format!("service {NS}/{name} via https://127.0.0.1:{port}");
    let sub = |name: &str| {
        let d = dir.path().join(name);
        std::fs::create_dir(&d).unwrap();
        d
    };
    let good = kubeconfig(&sub("good"), &srv.url(""), ca, token_user(TOKEN));
    let name = "sealed-secrets-controller";

    // 401: no credentials. 403: a token without rights.
    let anon = kubeconfig(&sub("anon"), &srv.url(""), ca, json!({}));
    assert_fails(
        run(&anon, name),
        &out_file,
        &source(name, srv.port),
        "401 Unauthorized",
    );
    let forbidden = kubeconfig(
        &sub("forbidden"),
        &srv.url(""),
        ca,
        token_user(FORBIDDEN_TOKEN),
    );
    assert_fails(
        run(&forbidden, name),
        &out_file,
        &source(name, srv.port),
        "403 Forbidden (services is forbidden",
    );
    // 404: no such service.
    assert_fails(
        run(&good, "nope"),
        &out_file,
        &source("nope", srv.port),
        "404 Not Found (services \"nope\" not found)",
    );
    // A body that is not a certificate, one too large, one that never comes.
    assert_fails(
        run(&good, "notpem"),
        &out_file,
        &source("notpem", srv.port),
        "",
    );
    assert_fails(
        run(&good, "big"),
        &out_file,
        &source("big", srv.port),
        "larger than 64 KiB",
    );
    let mut c = run(&good, "hang");
    c.env("SEALTOKEN_HTTP_TIMEOUT", "0.5");
    assert_fails(
        c,
        &out_file,
        &source("hang", srv.port),
        "timed out after 0.5 s",
    );
    // A server whose certificate the kubeconfig's CA did not sign.
    let untrusted = kubeconfig(
        &sub("untrusted"),
        &srv.url(""),
        &pki().other_ca_pem,
        token_user(TOKEN),
    );
    assert_fails(
        run(&untrusted, name),
        &out_file,
        &source(name, srv.port),
        "certificate",
    );
    // Nothing listening.
    let port = closed_port();
    let closed = kubeconfig(
        &sub("closed"),
        &format!("https://127.0.0.1:{port}"),
        ca,
        token_user(TOKEN),
    );
    assert_fails(
        run(&closed, name),
        &out_file,
        &source(name, port),
        "refused",
    );
    // A pin that does not match.
    let mut c = run(&good, name);
    c.args(["--cert-sha256", &"ab".repeat(32)]);
    assert_fails(
        c,
        &out_file,
        &source(name, srv.port),
        "does not match the pinned",
    );
}
