//! Flux notification-controller helpers: webhook paths for Receivers.

use crate::crypto;

/// The path prefix under which the notification-controller serves Receivers.
pub const WEBHOOK_PATH_PREFIX: &str = "/hook/";

/// The webhook path the notification-controller publishes in a Receiver's
/// `.status.webhookPath`: `/hook/` followed by the lowercase hex SHA-256 of
/// token, Receiver name and Receiver namespace, concatenated in that order
/// (`api/v1/receiver_types.go`, `GetWebhookPath`).
///
/// Computing it offline means the URL is known before the Receiver exists.
///
/// ```
/// let path = kubeseal_core::flux::webhook_path(
///     "8f3c2a1b9d4e5f6a7b8c9d0e1f2a3b4c", "tenant-demo-github", "flux-system");
/// assert_eq!(path, "/hook/a9103a0523b26719250dc181140a680663c2f300fcbe0b8c66dc11aca753fbb9");
/// ```
pub fn webhook_path(token: &str, receiver_name: &str, receiver_namespace: &str) -> String {
    let digest = crypto::sha256(&[
        token.as_bytes(),
        receiver_name.as_bytes(),
        receiver_namespace.as_bytes(),
    ]);
    let mut path = String::with_capacity(WEBHOOK_PATH_PREFIX.len() + 64);
    path.push_str(WEBHOOK_PATH_PREFIX);
    for b in digest {
        path.push_str(&format!("{b:02x}"));
    }
    path
}

/// The full webhook URL for `host` (a bare host name such as
/// `flux.example.org`, or a base URL with scheme): `https://host/hook/…`.
pub fn webhook_url(host: &str, path: &str) -> String {
    let host = host.trim_end_matches('/');
    if host.starts_with("https://") || host.starts_with("http://") {
        format!("{host}{path}")
    } else {
        format!("https://{host}{path}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_matches_an_independent_sha256() {
        // `printf %s 'tokreceiverns' | sha256sum`
        assert_eq!(
            webhook_path("tok", "receiver", "ns"),
            "/hook/76b13b4c3845c930e0e5a0ae2db83dd7ead445f8b66ca67be82060dc1f35ee39"
        );
    }

    #[test]
    fn url_adds_https_only_when_missing() {
        assert_eq!(webhook_url("flux.example.org", "/hook/x"), "https://flux.example.org/hook/x");
        assert_eq!(webhook_url("https://flux.example.org/", "/hook/x"), "https://flux.example.org/hook/x");
        assert_eq!(webhook_url("http://localhost:9292", "/hook/x"), "http://localhost:9292/hook/x");
    }
}
