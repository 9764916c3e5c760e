//! `sealtoken receiver test`: the sender's own test delivery, and what the answer means.

use k8s_manifest::escape::error_chain;
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
    let token = token_input::read(args.token_file.as_deref(), token_input::Weak::Warn)?;
    let id_token = match &args.id_token_file {
        Some(p) => {
            Some(token_input::read(Some(p), token_input::Weak::Warn).context("the ID token")?)
        }
        None if !receiver_type.uses_token_secret() => Some(token.clone()),
        None => None,
    };
    let url = match url {
        Some(u) => u,
        None => {
            let (Some(name), Some(host)) = (&receiver, &args.host) else {
                // Checked by `target`.
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
    let retry_delay = flux_receiver::parse_duration(&args.retry_delay).ok_or_else(|| {
        anyhow!(
            "--retry-delay {:?} is not a duration such as 10s, 500ms or 1m30s",
            args.retry_delay
        )
    })?;
    let payload = match &args.payload {
        Some(p) if p.as_os_str() == "-" && args.token_file.is_none() => {
            bail!("--payload - reads stdin, where the token is read too: give the token with --token-file")
        }
        Some(p) => Some(crate::io::read_input(p)?),
        None => None,
    };
    let mut opts = DeliveryOptions::new();
    if let Some(p) = &payload {
        opts = opts.payload(p);
    }
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
        flux_receiver::DeliveryError::PayloadNotGeneric(_)
        | flux_receiver::DeliveryError::PayloadNotJson(_) => anyhow!("--payload: {e}"),
        other => anyhow!(other),
    })?;
    drop(token);

    let timeout = crate::cert_source::net::timeout()?;
    let what = describe(&delivery);
    if url
        .get(..7)
        .is_some_and(|s| s.eq_ignore_ascii_case("http://"))
    {
        stderrln!(
            "sealtoken: warning: {} is plain http: anyone on the network path can read {}; use https",
            redact(&url),
            exposed(&delivery)
        );
    }
    // As `flux trigger receiver`: a Receiver that is not Ready yet answers
    // 404, a proxy 502 to 504; those and connection errors are retried.
    let mut attempt = 0;
    let (status, elapsed) = loop {
        let started = Instant::now();
        let sent = send(&url, &delivery, timeout);
        let elapsed = started.elapsed();
        let retry = match &sent {
            Ok(status) => is_retryable_status(*status),
            Err(_) => true,
        };
        if !retry || attempt >= args.retries {
            let status =
                sent.map_err(|e| CliError::failed(anyhow!("{what} to {}: {e}", redact(&url))))?;
            break (status, elapsed);
        }
        attempt += 1;
        let why = match sent {
            Ok(status) => format!("HTTP {status}"),
            Err(e) => format!("{e}"),
        };
        stderrln!(
            "sealtoken: {what}: {why}; retrying in {} ({attempt}/{})",
            args.retry_delay,
            args.retries
        );
        std::thread::sleep(retry_delay);
    };
    let (accepted, meaning) = flux_receiver::explain_status(status, &delivery);
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
                bail!("{:?} is not an http(s):// URL", redact(u));
            }
            if !u.contains(flux_receiver::WEBHOOK_PATH_PREFIX) {
                bail!(
                    "{:?} has no {} path; give the full webhook URL, or --receiver and --host",
                    redact(u),
                    flux_receiver::WEBHOOK_PATH_PREFIX
                );
            }
            Ok((Some(u.clone()), None))
        }
        (None, None) => bail!(
            "no Receiver to test: give its webhook URL, or --receiver NAME and --host HOST \
             (sealtoken receivers prints the URLs of a repository's Receivers)"
        ),
        (None, Some(name)) if args.host.is_none() => bail!(
            "--receiver {name} needs --host HOST, the name its webhook is reached at \
             (the URL is https://HOST plus the Receiver's path); or give the whole webhook URL"
        ),
        (None, r) => Ok((None, r.clone())),
    }
}

/// The URL without its secret path nor its userinfo's credentials, for messages.
fn redact(url: &str) -> String {
    let url = match url.find(flux_receiver::WEBHOOK_PATH_PREFIX) {
        Some(i) => format!("{}{}…", &url[..i], flux_receiver::WEBHOOK_PATH_PREFIX),
        None => url.to_string(),
    };
    crate::redact::url(&url).into_owned()
}

/// What a delivery exposes on the wire besides the body: each header that
/// carries the token or a value made with it, named with what it carries,
/// and the webhook path (derived from the token; for some types the
/// Receiver's only credential).
fn exposed(d: &Delivery) -> String {
    let t = d.receiver_type();
    let mut parts: Vec<String> = d
        .headers()
        .iter()
        .filter_map(|(name, _)| {
            let what = match *name {
                "X-Gitlab-Token" => "the token itself",
                "Authorization" if t == ReceiverType::Harbor => "the token itself",
                "Authorization" => "the OIDC ID token",
                "X-Hub-Signature-256"
                | "X-Hub-Signature"
                | "X-Signature"
                | "X-Nexus-Webhook-Signature" => "an HMAC of the body keyed with the token",
                _ => return None,
            };
            Some(format!("the header {name} ({what})"))
        })
        .collect();
    parts.push(if t.path_is_only_credential() {
        "the webhook path, this Receiver's only credential".to_string()
    } else {
        "the webhook path".to_string()
    });
    match parts.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        None => String::new(),
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

/// The statuses `flux trigger receiver` retries (`isRetryableStatus`): 404
/// (the path is not registered yet while the Receiver reconciles), 408,
/// 429, 500, 502, 503 and 504.
fn is_retryable_status(status: u16) -> bool {
    matches!(status, 404 | 408 | 429 | 500 | 502 | 503 | 504)
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
        .map_err(|e| anyhow!(transport_error(&e.without_url(), timeout)))?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_follow_flux_trigger_receiver() {
        let retried: Vec<u16> = (100..600).filter(|s| is_retryable_status(*s)).collect();
        assert_eq!(retried, [404, 408, 429, 500, 502, 503, 504]);
    }

    #[test]
    fn urls_lose_their_secret_path_in_messages() {
        assert_eq!(
            redact("https://flux.example.org/hook/abcdef"),
            "https://flux.example.org/hook/…"
        );
        assert_eq!(
            redact("http://u:p4ss@flux.example.org/hook/abcdef"),
            "http://u:***@flux.example.org/hook/…"
        );
    }
}
