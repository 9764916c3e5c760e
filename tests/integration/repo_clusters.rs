//! The webhook host and the certificate URL of each cluster, read from the
//! repository: `sealtoken clusters` (text, `--format json`,
//! `--write-config`), `receivers` with no flag but the token, `--host auto`,
//! and `--cert CLUSTER` through a repository route (pinned only). The
//! repositories are `fixtures/clusters/` (laid out like the reference
//! implementation, and an Ingress variant), copied to a temporary
//! directory. Expected URLs are `https://HOST` + `/hook/` + the hex SHA-256
//! of token, name and namespace, computed here with aws-lc-rs as the
//! notification-controller computes `.status.webhookPath`
//! (`api/v1/receiver_types.go`, `GetWebhookPath`); certificate pins with
//! aws-lc-rs over the PEM's DER.

#![cfg(feature = "http")]

use std::collections::BTreeSet;
use std::path::Path;

use base64::Engine as _;
use serde_json::Value;

use crate::common::api_server::sealtoken_in;
use crate::common::web_server::{reply, ConnectProxy, WebServer};
use crate::common::{demo_cert, fixture, read_fixture, Run};

const TOKEN: &str = "8f3c2a1b9d4e5f6a7b8c9d0e1f2a3b4c";

/// A copy of `fixtures/clusters/NAME` in a new temporary directory.
fn repo(name: &str) -> tempfile::TempDir {
    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for e in std::fs::read_dir(from).unwrap() {
            let e = e.unwrap();
            let target = to.join(e.file_name());
            if e.file_type().unwrap().is_dir() {
                copy(&e.path(), &target);
            } else {
                std::fs::copy(e.path(), target).unwrap();
            }
        }
    }
    let d = tempfile::tempdir().unwrap();
    copy(&fixture(&format!("clusters/{name}")), d.path());
    d
}

/// The notification-controller's path formula, independently: `/hook/` +
/// hex SHA-256 of token + name + namespace.
fn hook(name: &str, namespace: &str) -> String {
    let d = aws_lc_rs::digest::digest(
        &aws_lc_rs::digest::SHA256,
        format!("{TOKEN}{name}{namespace}").as_bytes(),
    );
    let hex: String = d.as_ref().iter().map(|b| format!("{b:02x}")).collect();
    format!("/hook/{hex}")
}

/// SHA-256 of the demo certificate's DER, from its PEM, independently.
fn demo_pin() -> String {
    let pem = String::from_utf8(read_fixture("upstream/controller.crt")).unwrap();
    let b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let der = base64::engine::general_purpose::STANDARD
        .decode(b64)
        .unwrap();
    let d = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, &der);
    d.as_ref().iter().map(|b| format!("{b:02x}")).collect()
}

/// The 1-based line of `rel` holding `text`, found here.
fn line_of(dir: &Path, rel: &str, text: &str) -> usize {
    std::fs::read_to_string(dir.join(rel))
        .unwrap()
        .lines()
        .position(|l| l.contains(text))
        .unwrap_or_else(|| panic!("{text} not in {rel}"))
        + 1
}

/// Each Receiver's name and its (cluster, URL) pairs.
type ReceiverUrls = Vec<(String, BTreeSet<(String, String)>)>;

/// `receivers --report json` in `dir` with the token on stdin: each
/// Receiver's name and its (cluster, URL) pairs.
fn receiver_urls(dir: &Path, extra: &[&str]) -> (ReceiverUrls, String) {
    let out = sealtoken_in(dir)
        .current_dir(dir)
        .args(["receivers", "--report", "json"])
        .args(extra)
        .write_stdin(TOKEN)
        .succeeds();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let got = v["receivers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let urls = r["urls"]
                .as_array()
                .map(|u| {
                    u.iter()
                        .map(|u| {
                            (
                                u["cluster"].as_str().unwrap_or("-").to_string(),
                                u["url"].as_str().unwrap().to_string(),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            (r["name"].as_str().unwrap().to_string(), urls)
        })
        .collect();
    (got, String::from_utf8(out.stderr).unwrap())
}

fn set(pairs: &[(&str, String)]) -> BTreeSet<(String, String)> {
    pairs
        .iter()
        .map(|(c, u)| (c.to_string(), u.clone()))
        .collect()
}

/// The Done-when case: in a repository laid out like the reference, with
/// no flag but the token, every Receiver gets the full URL of every cluster
/// that applies it (its Flux Kustomizations say which), at each host.
#[test]
fn receivers_print_every_clusters_url_with_no_flag_but_the_token() {
    let d = repo("reference");
    let (got, _) = receiver_urls(d.path(), &[]);
    let prod = "https://flux.prod.example.test";
    let staging = [
        "https://flux.staging.example.test",
        "https://flux-webhooks.staging.example.test",
    ];
    let want = |name: &str, clusters: &[&str]| {
        let h = hook(name, "flux-system");
        let mut pairs = Vec::new();
        if clusters.contains(&"prod") {
            pairs.push(("prod", format!("{prod}{h}")));
        }
        if clusters.contains(&"staging") {
            for s in staging {
                pairs.push(("staging", format!("{s}{h}")));
            }
        }
        (name.to_string(), set(&pairs))
    };
    assert_eq!(
        got,
        [
            want("tenant-demo-github", &["prod", "staging"]),
            want("tenant-demo-gitlab", &["prod", "staging"]),
            want("tenant-staging-github", &["staging"]),
        ]
    );
    // The text says which host came from which file.
    let out = sealtoken_in(d.path())
        .current_dir(d.path())
        .arg("receivers")
        .write_stdin(TOKEN)
        .succeeds();
    let text = String::from_utf8(out.stdout).unwrap();
    let patch = "infrastructure/flux-webhook-receiver/overlays/prod/patches/http-route.yaml";
    let line = line_of(d.path(), patch, "flux.prod.example.test");
    let want = format!(
        "  prod: {prod}{} (host from {patch}:{line})\n",
        hook("tenant-demo-github", "flux-system")
    );
    assert!(text.contains(&want), "{text}");
    // An explicit --host wins, and is warned about when the repository declares others.
    let out = sealtoken_in(d.path())
        .current_dir(d.path())
        .args(["receivers", "--host", "flux.other.example.test"])
        .write_stdin(TOKEN)
        .succeeds();
    let (stdout, stderr) = (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    );
    assert!(stdout.contains(&format!(
        "https://flux.other.example.test{}",
        hook("tenant-demo-github", "flux-system")
    )));
    assert!(!stdout.contains("flux.prod.example.test"), "{stdout}");
    assert!(
        stderr.contains("--host flux.other.example.test is none of the webhook hosts"),
        "{stderr}"
    );
}

/// The Ingress variant: hosts from inline JSON 6902 patches, no Flux
/// Kustomization (every cluster, said on stderr); one URL kept in `url`.
#[test]
fn ingress_variant_and_every_cluster_when_flux_does_not_say() {
    let d = repo("ingress");
    let (got, stderr) = receiver_urls(d.path(), &[]);
    let h = hook("apps-gitlab", "flux-system");
    assert_eq!(
        got,
        [(
            "apps-gitlab".to_string(),
            set(&[
                ("eu", format!("https://flux.eu.example.test{h}")),
                ("us", format!("https://flux.us.example.test{h}")),
            ])
        )]
    );
    assert!(stderr.contains("no Flux Kustomization"), "{stderr}");
    // With one host (the other overlay gone), `url` is there too.
    std::fs::remove_dir_all(d.path().join("flux/overlays/us")).unwrap();
    let out = sealtoken_in(d.path())
        .current_dir(d.path())
        .args(["receivers", "--report", "json"])
        .write_stdin(TOKEN)
        .succeeds();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        v["receivers"][0]["url"],
        format!("https://flux.eu.example.test{h}")
    );
    assert_eq!(v["receivers"][0]["urls"][0]["cluster"], "eu");
}

/// `clusters --format json`: per cluster, its overlays, hosts and
/// certificate URL with `file:line`, the lines found here.
#[test]
fn clusters_json_names_each_value_and_where_it_is_set() {
    let d = repo("reference");
    let out = sealtoken_in(d.path())
        .current_dir(d.path())
        .args(["clusters", "--format", "json"])
        .succeeds();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let clusters = v["clusters"].as_array().unwrap();
    let names: Vec<&str> = clusters
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["prod", "staging"]);
    let dir = d.path();
    for c in clusters {
        let name = c["name"].as_str().unwrap();
        let hosts_file =
            format!("infrastructure/flux-webhook-receiver/overlays/{name}/patches/http-route.yaml");
        let cert_file =
            format!("infrastructure/sealed-secrets/overlays/{name}/patches/http-route.yaml");
        let host = format!("flux.{name}.example.test");
        assert_eq!(c["webhook_hosts"][0]["host"], host.as_str());
        assert_eq!(c["webhook_hosts"][0]["file"], hosts_file.as_str());
        assert_eq!(
            c["webhook_hosts"][0]["line"],
            line_of(dir, &hosts_file, &host)
        );
        assert_eq!(
            c["webhook_hosts"][0]["route"],
            "HTTPRoute flux-system/webhook-receiver"
        );
        let cert_host = format!("sealed-secrets.{name}.example.test");
        assert_eq!(c["cert_urls"][0]["url"], format!("https://{cert_host}/"));
        assert_eq!(c["cert_urls"][0]["file"], cert_file.as_str());
        assert_eq!(
            c["cert_urls"][0]["line"],
            line_of(dir, &cert_file, &cert_host)
        );
        assert_eq!(
            c["overlays"],
            serde_json::json!([
                format!("infrastructure/flux-webhook-receiver/overlays/{name}"),
                format!("infrastructure/sealed-secrets/overlays/{name}")
            ])
        );
        assert!(c["config"].is_null());
    }
    assert_eq!(
        clusters[1]["webhook_hosts"][1]["host"],
        "flux-webhooks.staging.example.test"
    );
}

/// A server playing the Gateway in front of the controller: `/` (the
/// route's public path) answers the demo certificate.
fn cert_gateway() -> (WebServer, ConnectProxy) {
    let pem = read_fixture("upstream/controller.crt");
    let web = WebServer::https(move |path, out| match path {
        "/" => reply(out, 200, &[], &pem),
        _ => reply(out, 404, &[], b"404 page not found\n"),
    });
    let proxy = ConnectProxy::to(web.port);
    (web, proxy)
}

/// `--write-config` records each cluster's certificate URL with the
/// SHA-256 of the certificate fetched now, keeps the file's comments,
/// order and existing entries, and what it wrote reads back: `seal --cert
/// prod` then fetches through the route and checks the pin.
#[test]
fn write_config_records_the_pin_and_round_trips() {
    let d = repo("reference");
    let config = d.path().join(".sealtoken.toml");
    let before = "# Team settings: this comment stays.\n[check]\nallow = [\"charts/**\"]\n\n[clusters.staging] # ours\ncert = \"certs/staging.pem\"\n";
    std::fs::write(&config, before).unwrap();
    let (web, proxy) = cert_gateway();
    let out = sealtoken_in(d.path())
        .current_dir(d.path())
        .env("HTTPS_PROXY", proxy.url())
        .args(["clusters", "--write-config"])
        .succeeds();
    let stderr = String::from_utf8(out.stderr).unwrap();
    let pin = demo_pin();
    assert!(stderr.contains(&format!("sha256 {pin}")), "{stderr}");
    assert!(
        stderr.contains("[clusters.staging] exists; kept"),
        "{stderr}"
    );
    assert_eq!(proxy.asked(), ["sealed-secrets.prod.example.test:443"]);
    assert_eq!(web.requests(), ["/"]);
    let after = std::fs::read_to_string(&config).unwrap();
    assert_eq!(
        after,
        format!("{before}\n[clusters.prod]\ncert = \"https://sealed-secrets.prod.example.test/\"\nsha256 = \"{pin}\"\n")
    );
    // It round-trips: `clusters` shows the recorded pin, a second run keeps the file.
    let out = sealtoken_in(d.path())
        .current_dir(d.path())
        .env("HTTPS_PROXY", proxy.url())
        .args(["clusters", "--format", "json", "--write-config"])
        .succeeds();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["clusters"][0]["config"]["sha256"], pin.as_str());
    assert_eq!(std::fs::read_to_string(&config).unwrap(), after);
    // Sealing for the cluster by name uses the recorded URL and pin.
    let out = sealtoken_in(d.path())
        .current_dir(d.path())
        .env("HTTPS_PROXY", proxy.url())
        .args(["seal", "-n", "apps", "--cert", "prod"])
        .write_stdin(
            "apiVersion: v1\nkind: Secret\nmetadata: {name: db}\nstringData: {password: x}\n",
        )
        .succeeds();
    assert!(String::from_utf8(out.stdout)
        .unwrap()
        .contains("\"kind\": \"SealedSecret\""));
}

/// `--cert CLUSTER` through the repository's route: refused without a
/// recorded pin (naming the command that records one); with a
/// `.sealtoken.toml` pin and no cert, the route's URL is fetched and the
/// pin checked.
#[test]
fn cert_cluster_through_a_repository_route_needs_a_pin() {
    let d = repo("reference");
    let (_web, proxy) = cert_gateway();
    let seal = |dir: &Path| {
        let mut c = sealtoken_in(dir);
        c.current_dir(dir)
            .env("HTTPS_PROXY", proxy.url())
            .args(["seal", "-n", "apps", "--cert", "prod"])
            .write_stdin(
                "apiVersion: v1\nkind: Secret\nmetadata: {name: db}\nstringData: {password: x}\n",
            );
        c
    };
    let out = seal(d.path()).fails();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("sealtoken clusters --write-config"),
        "{stderr}"
    );
    assert!(
        stderr.contains("https://sealed-secrets.prod.example.test/"),
        "{stderr}"
    );
    assert!(
        proxy.asked().is_empty(),
        "fetched unpinned: {:?}",
        proxy.asked()
    );
    let config = d.path().join(".sealtoken.toml");
    std::fs::write(
        &config,
        format!("[clusters.prod]\nsha256 = \"{}\"\n", demo_pin()),
    )
    .unwrap();
    let out = seal(d.path()).succeeds();
    assert!(String::from_utf8(out.stdout)
        .unwrap()
        .contains("\"kind\": \"SealedSecret\""));
    let wrong = "00".repeat(32);
    std::fs::write(&config, format!("[clusters.prod]\nsha256 = \"{wrong}\"\n")).unwrap();
    let out = seal(d.path()).fails();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("does not match the pinned"), "{stderr}");
}

/// The main job: `--host auto` lists each cluster's URL when the
/// repository declares several hosts, and takes the one host when it
/// declares one; in a Git work tree with one host, no `--host` takes it.
#[test]
fn main_job_host_auto() {
    let d = repo("ingress");
    let run = |dir: &Path, host: Option<&str>| {
        let mut c = sealtoken_in(dir);
        c.current_dir(dir)
            .arg("--cert")
            .arg(demo_cert())
            .args([
                "--receiver",
                "apps-gitlab",
                "--token-stdin",
                "--allow-weak-token",
            ])
            .write_stdin(TOKEN);
        if let Some(h) = host {
            c.args(["--host", h]);
        }
        c
    };
    // Several hosts: each cluster's URL, with the file that sets its host.
    let out = run(d.path(), Some("auto")).succeeds();
    let stderr = String::from_utf8(out.stderr).unwrap();
    let h = hook("apps-gitlab", "flux-system");
    for c in ["eu", "us"] {
        let line = line_of(
            d.path(),
            &format!("flux/overlays/{c}/kustomization.yaml"),
            "value: flux.",
        );
        let want = format!(
            "  {c}: https://flux.{c}.example.test{h} (host from flux/overlays/{c}/kustomization.yaml:{line})\n"
        );
        assert!(stderr.contains(&want), "{want}\n{stderr}");
    }
    std::fs::remove_dir_all(d.path().join("flux/overlays/us")).unwrap();
    let want = format!(
        "https://flux.eu.example.test{}",
        hook("apps-gitlab", "flux-system")
    );
    let out = run(d.path(), Some("auto")).succeeds();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains(&want), "{stderr}");
    // Outside Git, no --host reads nothing; in a Git work tree it takes the one host.
    let out = run(d.path(), None).succeeds();
    assert!(!String::from_utf8(out.stderr).unwrap().contains(&want));
    std::fs::create_dir(d.path().join(".git")).unwrap();
    let out = run(d.path(), None).succeeds();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains(&want), "{stderr}");
    assert!(
        stderr.contains("webhook host flux.eu.example.test (cluster eu"),
        "{stderr}"
    );
}

/// `[clusters.NAME] overlay = "DIR"` names an overlay's cluster: the
/// certificate Ingress of `sealed-secrets/` joins cluster `eu`.
#[test]
fn config_maps_an_overlay_to_a_cluster() {
    let d = repo("ingress");
    let clusters = |dir: &Path| -> Value {
        let out = sealtoken_in(dir)
            .current_dir(dir)
            .args(["clusters", "--format", "json"])
            .succeeds();
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let names = |v: &Value| -> Vec<String> {
        v["clusters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(names(&clusters(d.path())), ["eu", "sealed-secrets", "us"]);
    std::fs::write(
        d.path().join(".sealtoken.toml"),
        "[clusters.eu]\noverlay = \"sealed-secrets\"\n",
    )
    .unwrap();
    let v = clusters(d.path());
    assert_eq!(names(&v), ["eu", "us"]);
    let eu = &v["clusters"][0];
    assert_eq!(eu["webhook_hosts"][0]["host"], "flux.eu.example.test");
    assert_eq!(
        eu["cert_urls"][0]["url"],
        "https://sealed-secrets.eu.example.test/cert.pem"
    );
    assert_eq!(
        eu["cert_urls"][0]["route"],
        "Ingress sealed-secrets/sealed-secrets-cert"
    );
}

/// `rotate --host auto` prints the new URL at each cluster's host, or at
/// the repository's one host.
#[test]
fn rotate_host_auto() {
    let d = repo("ingress");
    let sealed = d.path().join("webhook-token.sealed.yaml");
    sealtoken_in(d.path())
        .current_dir(d.path())
        .arg("--cert")
        .arg(demo_cert())
        .args(["--receiver", "apps-gitlab", "-w"])
        .arg(&sealed)
        .succeeds();
    // The new token's path, computed here from the token file.
    let rotate = |n: usize| -> (String, String) {
        let token_file = d.path().join(format!("new-token-{n}.txt"));
        let out = sealtoken_in(d.path())
            .current_dir(d.path())
            .args([
                "rotate",
                "--receiver",
                "apps-gitlab",
                "--host",
                "auto",
                "-f",
            ])
            .arg(&sealed)
            .arg("--cert")
            .arg(demo_cert())
            .arg("--token-file")
            .arg(&token_file)
            .succeeds();
        let token = std::fs::read_to_string(&token_file).unwrap();
        let digest = aws_lc_rs::digest::digest(
            &aws_lc_rs::digest::SHA256,
            format!("{token}apps-gitlabflux-system").as_bytes(),
        );
        let hex: String = digest.as_ref().iter().map(|b| format!("{b:02x}")).collect();
        let text = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        (format!("/hook/{hex}"), text)
    };
    // Two hosts: each cluster's new URL.
    let (hook, text) = rotate(1);
    for c in ["eu", "us"] {
        let want =
            format!("    {c}: https://flux.{c}.example.test{hook} (host from flux/overlays/{c}/");
        assert!(text.contains(&want), "{want}\n{text}");
    }
    // One host: it is the URL.
    std::fs::remove_dir_all(d.path().join("flux/overlays/us")).unwrap();
    let (hook, text) = rotate(2);
    assert!(
        text.contains(&format!("URL https://flux.eu.example.test{hook},")),
        "{text}"
    );
}
