//! Webhook paths and URLs: where the notification-controller serves each
//! Receiver, computed offline as the controller computes them.

use k8s_manifest::ObjectRef;
use sha2::{Digest, Sha256};

use crate::Token;

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
/// use flux_receiver::{webhook_path, Token};
/// use k8s_manifest::ObjectRef;
///
/// let token = Token::from_string("8f3c2a1b9d4e5f6a7b8c9d0e1f2a3b4c".into())?;
/// let receiver = ObjectRef::new("flux-system", "tenant-demo-github");
/// let path = webhook_path(&token, &receiver);
/// assert_eq!(path, "/hook/a9103a0523b26719250dc181140a680663c2f300fcbe0b8c66dc11aca753fbb9");
/// # Ok::<(), flux_receiver::TokenError>(())
/// ```
pub fn webhook_path(token: &Token, receiver: &ObjectRef) -> String {
    let digest = sha256(&[
        token.expose().as_bytes(),
        receiver.name.as_bytes(),
        receiver.namespace.as_bytes(),
    ]);
    format!(
        "{WEBHOOK_PATH_PREFIX}{}",
        base16ct::lower::encode_string(&digest)
    )
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

/// The webhook path of a `generic-oidc` Receiver: it has no token Secret,
/// so the controller hashes an empty token with its name and namespace
/// (`/hook/` + hex SHA-256 of name and namespace). The path is not secret.
///
/// ```
/// use flux_receiver::oidc_webhook_path;
/// use k8s_manifest::ObjectRef;
/// // `printf %s 'deployflux-system' | sha256sum`
/// assert_eq!(
///     oidc_webhook_path(&ObjectRef::new("flux-system", "deploy")),
///     "/hook/adb1470179a1e6b508d16af8d47231f7ae0803ecbd0148588a6a05689593e613"
/// );
/// ```
pub fn oidc_webhook_path(receiver: &ObjectRef) -> String {
    let digest = sha256(&[receiver.name.as_bytes(), receiver.namespace.as_bytes()]);
    format!(
        "{}{}",
        WEBHOOK_PATH_PREFIX,
        base16ct::lower::encode_string(&digest)
    )
}

/// SHA-256 of the parts, concatenated.
fn sha256(parts: &[&[u8]]) -> [u8; 32] {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p);
    }
    h.finalize().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_matches_an_independent_sha256() {
        // `printf %s 'tokreceiverns' | sha256sum`
        let token = Token::from_string("tok".into()).unwrap();
        assert_eq!(
            webhook_path(&token, &ObjectRef::new("ns", "receiver")),
            "/hook/76b13b4c3845c930e0e5a0ae2db83dd7ead445f8b66ca67be82060dc1f35ee39"
        );
    }

    #[test]
    fn url_adds_https_only_when_missing() {
        assert_eq!(
            webhook_url("flux.example.org", "/hook/x"),
            "https://flux.example.org/hook/x"
        );
        assert_eq!(
            webhook_url("https://flux.example.org/", "/hook/x"),
            "https://flux.example.org/hook/x"
        );
        assert_eq!(
            webhook_url("http://localhost:9292", "/hook/x"),
            "http://localhost:9292/hook/x"
        );
    }
}
