//! `sealtoken receiver test`: the sender's own test delivery, and what the answer means.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{anyhow, Context};
use flux_receiver::{test_delivery, Delivery, DeliveryOptions, ReceiverType};
use kubeseal_core::ObjectRef;

use crate::cli::ReceiverTestArgs;
use crate::token_input;
use crate::{CliError, CliResult};

pub fn run(args: &ReceiverTestArgs) -> CliResult {
    let (url, receiver) = target(args)?;
    let receiver_type = match args.provider {
        Some(p) => ReceiverType::from(p),
        None => receiver
            .as_deref()
            .and_then(ReceiverType::from_receiver_name)
            .ok_or_else(|| {
                anyhow!("give --provider: the Receiver type cannot be told from the name")
            })?,
    };
    // generic-oidc has no token Secret: what is read is the OIDC ID token.
    let token = token_input::read(args.token_file.as_deref())?;
    let id_token = match &args.id_token_file {
        Some(p) => Some(token_input::read(Some(p)).context("the ID token")?),
        None if !receiver_type.uses_token_secret() => Some(token.clone()),
        None => None,
    };
    let url = match url {
        Some(u) => u,
        None => {
            let (Some(name), Some(host)) = (&receiver, &args.host) else {
                bail!("give the webhook URL, or --receiver NAME and --host HOST");
            };
            let me = ObjectRef::new(args.namespace.as_str(), name.as_str());
            let path = if receiver_type.uses_token_secret() {
                flux_receiver::webhook_path(&token, &me)
            } else {
                flux_receiver::oidc_webhook_path(&me)
            };
            flux_receiver::webhook_url(host, &path)
        }
    };
    let mut opts = DeliveryOptions::new();
    if let Some(e) = &args.event {
        opts = opts.event(e);
    }
    if let Some(t) = &id_token {
        opts = opts.id_token(t);
    }
    let delivery = test_delivery(&token, receiver_type, &opts).map_err(|e| match e {
        flux_receiver::DeliveryError::NeedsIdToken(_) => anyhow!(
            "{e}: pass it with --id-token-file (e.g. from gcloud auth print-identity-token)"
        ),
        other => anyhow!(other),
    })?;
    drop(token);

    let timeout = crate::cert_source::net::timeout()?;
    let what = describe(&delivery);
    let started = Instant::now();
    let status = send(&url, &delivery, timeout)
        .map_err(|e| CliError::failed(anyhow!("{what} to {}: {e}", redact(&url))))?;
    let elapsed = started.elapsed();
    let (accepted, meaning) = explain(status, &delivery);
    let line = format!(
        "{what}: HTTP {status} in {} ms: {meaning}",
        elapsed.as_millis()
    );
    if accepted {
        crate::io::write_stdout(format!("{line}\n").as_bytes())?;
        Ok(ExitCode::SUCCESS)
    } else {
        Err(CliError::failed(anyhow!(line)))
    }
}

/// The URL (if given whole) and the Receiver name (if known).
fn target(args: &ReceiverTestArgs) -> anyhow::Result<(Option<String>, Option<String>)> {
    match (&args.url, &args.receiver) {
        (Some(_), Some(_)) => bail!("give the webhook URL or --receiver, not both"),
        (Some(u), None) => {
            if !(u.starts_with("https://") || u.starts_with("http://")) {
                bail!("{u:?} is not an http(s):// URL");
            }
            if !u.contains(flux_receiver::WEBHOOK_PATH_PREFIX) {
                bail!(
                    "{u:?} has no {} path; give the full webhook URL, or --receiver and --host",
                    flux_receiver::WEBHOOK_PATH_PREFIX
                );
            }
            Ok((Some(u.clone()), None))
        }
        (None, r) => Ok((None, r.clone())),
    }
}

/// The URL without its secret path, for messages.
fn redact(url: &str) -> String {
    match url.find(flux_receiver::WEBHOOK_PATH_PREFIX) {
        Some(i) => format!("{}{}…", &url[..i], flux_receiver::WEBHOOK_PATH_PREFIX),
        None => url.to_string(),
    }
}

/// `GitHub ping` / `Harbor delivery`, for messages.
fn describe(d: &Delivery) -> String {
    let t = d.receiver_type();
    match d.event() {
        Some(e) => format!("{} {e:?} delivery", t.display_name()),
        None => format!("{} delivery", t.display_name()),
    }
}

/// POSTs the delivery; the status code, or a one-line transport error.
fn send(url: &str, d: &Delivery, timeout: Duration) -> anyhow::Result<u16> {
    let client = reqwest::blocking::Client::builder()
        .connect_timeout(timeout)
        .timeout(timeout)
        // A redirected POST turns into a GET: report the redirect instead.
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .context("cannot set up the HTTPS client")?;
    let mut req = client.post(url).body(d.body().to_vec());
    for (k, v) in d.headers() {
        req = req.header(*k, v);
    }
    let resp = req
        .send()
        .map_err(|e| anyhow!(transport_error(&e, timeout)))?;
    Ok(resp.status().as_u16())
}

/// One line for a transport failure: what failed and what it usually means.
fn transport_error(e: &reqwest::Error, timeout: Duration) -> String {
    let chain = error_chain(e);
    let root = crate::cert_source::net::root_cause(e);
    if e.is_timeout() {
        return format!(
            "no answer within {} s: a firewall, or an ingress that does not route to the notification-controller's webhook-receiver Service",
            timeout.as_secs_f64()
        );
    }
    if chain.contains("dns error") {
        return format!(
            "cannot resolve the host name ({root}): check the host and the DNS record of the ingress"
        );
    }
    if chain.contains("certificate")
        || chain.contains("tls")
        || chain.contains("TLS")
        || chain.contains("alert")
    {
        return format!(
            "TLS failed ({root}): the ingress certificate is not trusted here (a private CA? set SSL_CERT_FILE to it) or does not name this host"
        );
    }
    if e.is_connect() {
        return format!("cannot connect ({root}): nothing listens there, or a firewall refuses it");
    }
    root
}

fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        out.push_str(": ");
        out.push_str(&c.to_string());
        cur = c.source();
    }
    out
}

/// Whether the controller accepted the delivery, and what the status means,
/// from `internal/server/receiver_handlers.go`: 200 accepted, 400 validation
/// failed, 404 no Receiver with this path, 413 body too large, 500
/// reconciliation request failed, 503 suspended or not ready. Any other code
/// comes from something in front of the controller.
pub fn explain(status: u16, d: &Delivery) -> (bool, String) {
    let t = d.receiver_type();
    let msg = match status {
        200 => return (true, "the Receiver accepted it and asked Flux to reconcile its resources".into()),
        404 => "no Receiver has this path: a wrong token, Receiver name or namespace, or the Receiver does not exist or is not Ready yet (its token Secret missing?)".into(),
        503 => "the Receiver exists but is suspended or not ready".into(),
        413 => "the body was larger than the controller's 3 MiB limit".into(),
        500 => "the Receiver accepted the delivery but the controller failed to request a reconciliation of its resources (a resource that does not exist, or RBAC): see the notification-controller logs".into(),
        400 => refused(d),
        401 | 403 => format!("the notification-controller never answers {status}: an ingress or proxy in front of it refused the request (authentication, IP allow-list, WAF)"),
        502 | 504 => "an ingress or proxy could not reach the notification-controller's webhook-receiver Service".into(),
        301 | 302 | 307 | 308 => "a redirect, from an ingress or proxy (http to https?): test the URL it redirects to".into(),
        _ => format!("not a status the notification-controller sends (200, 400, 404, 413, 500, 503): an ingress or proxy answered for {}", t.display_name()),
    };
    (false, msg)
}

/// A 400: say which cause is likelier from what was sent. The path matched,
/// so the token hashed into it is the one the Receiver was last reconciled
/// with; a token mismatch then means the Secret changed since.
fn refused(d: &Delivery) -> String {
    use ReceiverType as T;
    let stale = "the token Secret changed after the Receiver's last reconcile (label the Secret reconcile.fluxcd.io/watch: Enabled, or wait for the Receiver's interval)";
    let t = d.receiver_type();
    match (t, d.event()) {
        (T::GitHub | T::GitLab | T::Bitbucket | T::CdEvents, Some(ev)) => {
            let check = match t {
                T::GitHub | T::Bitbucket => "signature",
                T::GitLab => "token",
                _ => "payload",
            };
            format!(
                "validation failed; likelier the event {ev:?} is not in the Receiver's spec.events (the path matched, so the token is the one it was reconciled with); else the {check} did not verify because {stale}"
            )
        }
        (T::GenericHmac | T::Harbor | T::Nexus | T::GitHub | T::GitLab | T::Bitbucket, _) => {
            format!("validation failed: the token did not verify, because {stale}")
        }
        (T::Gcr | T::GenericOidc, _) => "validation failed: the ID token was refused (issuer, audience, expiry, or for gcr the Secret's email and audience keys; for generic-oidc the oidcProviders validations)".into(),
        _ => format!("validation failed: the controller could not decode the {} payload", t.display_name()),
    }
}

#[cfg(test)]
mod tests {
    use flux_receiver::Token;

    use super::*;

    fn delivery(t: ReceiverType, event: Option<&str>) -> Delivery {
        let tok = Token::from_string("t".into()).unwrap();
        let id = Token::from_string("a.b.c".into()).unwrap();
        let mut o = DeliveryOptions::new().id_token(&id);
        if let Some(e) = event {
            o = o.event(e);
        }
        test_delivery(&tok, t, &o).unwrap()
    }

    #[test]
    fn only_200_is_accepted() {
        let d = delivery(ReceiverType::GitHub, None);
        for s in [
            200u16, 201, 202, 204, 400, 401, 403, 404, 413, 500, 502, 503, 504,
        ] {
            assert_eq!(explain(s, &d).0, s == 200, "{s}");
        }
    }

    #[test]
    fn each_controller_status_has_its_own_meaning() {
        let d = delivery(ReceiverType::GitLab, None);
        let m = |s| explain(s, &d).1;
        assert!(m(404).contains("no Receiver has this path"));
        assert!(m(503).contains("suspended or not ready"));
        assert!(m(413).contains("3 MiB"));
        assert!(m(500).contains("failed to request a reconciliation"));
        assert!(m(401).contains("ingress"));
        assert!(m(403).contains("ingress"));
        assert!(m(502).contains("ingress"));
        let bad = m(400);
        assert!(
            bad.contains("\"Push Hook\" is not in the Receiver's spec.events"),
            "{bad}"
        );
    }

    #[test]
    fn a_400_names_the_likelier_cause_for_the_type() {
        let hmac = explain(400, &delivery(ReceiverType::GenericHmac, None)).1;
        assert!(hmac.contains("token did not verify"), "{hmac}");
        assert!(!hmac.contains("spec.events"), "{hmac}");
        let quay = explain(400, &delivery(ReceiverType::Quay, None)).1;
        assert!(quay.contains("could not decode the Quay payload"), "{quay}");
        let gcr = explain(400, &delivery(ReceiverType::Gcr, None)).1;
        assert!(gcr.contains("ID token"), "{gcr}");
        let push = explain(400, &delivery(ReceiverType::GitHub, Some("push"))).1;
        assert!(push.contains("\"push\""), "{push}");
        assert!(push.contains("signature"), "{push}");
    }

    #[test]
    fn urls_lose_their_secret_path_in_messages() {
        assert_eq!(
            redact("https://flux.example.org/hook/abcdef"),
            "https://flux.example.org/hook/…"
        );
    }
}
