//! Test deliveries: the request a sender makes to a Receiver, signed or
//! authenticated the way the notification-controller verifies it
//! (`internal/server/receiver_handlers.go`).

use std::fmt;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};
use serde_json::json;

use crate::ReceiverType;
use crate::Token;

/// One HTTP request for a Receiver's webhook path: always a `POST` with a
/// JSON body. Its `Debug` output hides the headers that carry a secret.
#[derive(Clone)]
pub struct Delivery {
    receiver_type: ReceiverType,
    event: Option<String>,
    headers: Vec<(&'static str, String)>,
    body: Vec<u8>,
}

/// Why a test delivery could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DeliveryError {
    /// `gcr` and `generic-oidc` deliveries carry an OIDC ID token that only
    /// the identity provider can issue; none was given.
    #[error("a {0} delivery needs an OIDC ID token from the identity provider")]
    NeedsIdToken(ReceiverType),
    /// An event was given for a type whose deliveries carry none.
    #[error("{0} deliveries carry no event type")]
    NoEvents(ReceiverType),
    /// The event contains a character that cannot go into an HTTP header.
    #[error("the event type contains a character that cannot go into an HTTP header")]
    BadEvent,
    /// A payload of the caller's own was given for a type whose body must
    /// be the sender's own format.
    #[error("a payload of your own goes to generic, generic-hmac and generic-oidc Receivers; a {0} delivery is the sender's own payload")]
    PayloadNotGeneric(ReceiverType),
    /// The payload is not JSON (it is sent as `application/json`, and a
    /// resource filter reads it as `req`).
    #[error("the payload is not JSON: {0}")]
    PayloadNotJson(String),
}

/// Options of [`test_delivery`].
#[derive(Debug, Clone, Default)]
pub struct DeliveryOptions<'a> {
    event: Option<&'a str>,
    id_token: Option<&'a Token>,
    delivery_id: Option<&'a str>,
    payload: Option<&'a [u8]>,
}

impl<'a> DeliveryOptions<'a> {
    /// The defaults: the type's first documented event, no ID token.
    pub fn new() -> Self {
        Self::default()
    }

    /// The event to send (`X-GitHub-Event`, `X-Gitlab-Event`, `X-Event-Key`
    /// or `Ce-Type`) instead of the type's first documented event.
    pub fn event(mut self, event: &'a str) -> Self {
        self.event = Some(event);
        self
    }

    /// The OIDC ID token for `gcr` and `generic-oidc` (`Authorization: Bearer`).
    pub fn id_token(mut self, token: &'a Token) -> Self {
        self.id_token = Some(token);
        self
    }

    /// The body to send instead of `{}`, for the generic types (`generic`,
    /// `generic-hmac`, signed over these bytes, and `generic-oidc`); it must be JSON.
    pub fn payload(mut self, json: &'a [u8]) -> Self {
        self.payload = Some(json);
        self
    }

    /// The delivery id (`X-GitHub-Delivery`, `X-Request-UUID`, `Ce-Id`);
    /// `sealtoken-test` when not given.
    pub fn delivery_id(mut self, id: &'a str) -> Self {
        self.delivery_id = Some(id);
        self
    }
}

impl Delivery {
    /// The Receiver type this delivery is for.
    pub fn receiver_type(&self) -> ReceiverType {
        self.receiver_type
    }

    /// The event type sent, for the types that filter events.
    pub fn event(&self) -> Option<&str> {
        self.event.as_deref()
    }

    /// The request headers, `Content-Type` included. Some carry the token
    /// (`X-Gitlab-Token`, Harbor's `Authorization`): never log them.
    pub fn headers(&self) -> &[(&'static str, String)] {
        &self.headers
    }

    /// The request body (JSON).
    pub fn body(&self) -> &[u8] {
        &self.body
    }
}

impl fmt::Debug for Delivery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.headers.iter().map(|(k, _)| *k).collect();
        f.debug_struct("Delivery")
            .field("receiver_type", &self.receiver_type)
            .field("event", &self.event)
            .field("headers", &names)
            .field("body_len", &self.body.len())
            .finish()
    }
}

/// The test delivery a sender of `receiver_type` makes, for a Receiver whose
/// Secret holds `token`: GitHub's `ping` signed with `X-Hub-Signature-256`
/// and `X-Hub-Signature`; GitLab's `Push Hook` with `X-Gitlab-Token`;
/// `generic-hmac` with `X-Signature: sha256=…`; and for every other type the
/// headers and body the controller checks. For `generic-oidc` the token is
/// not used (pass any) and the ID token is required, as for `gcr`.
///
/// ```
/// use flux_receiver::{test_delivery, DeliveryOptions, ReceiverType, Token};
///
/// let token = Token::from_string("8f3c2a1b9d4e5f6a7b8c9d0e1f2a3b4c".into()).unwrap();
/// let d = test_delivery(&token, ReceiverType::GitHub, &DeliveryOptions::new()).unwrap();
/// assert_eq!(d.event(), Some("ping"));
/// assert!(d.headers().iter().any(|(k, v)| *k == "X-Hub-Signature-256" && v.starts_with("sha256=")));
/// ```
pub fn test_delivery(
    token: &Token,
    receiver_type: ReceiverType,
    opts: &DeliveryOptions<'_>,
) -> Result<Delivery, DeliveryError> {
    use ReceiverType as T;
    let key = token.expose().as_bytes();
    let id = opts.delivery_id.unwrap_or("sealtoken-test");
    if opts.event.is_some() && !receiver_type.filters_events() {
        return Err(DeliveryError::NoEvents(receiver_type));
    }
    let event = receiver_type
        .filters_events()
        .then(|| {
            opts.event
                .or_else(|| receiver_type.default_events().first().copied())
                .unwrap_or_default()
                .to_string()
        })
        .filter(|e| !e.is_empty());
    if event
        .as_deref()
        .is_some_and(|e| e.bytes().any(|b| b.is_ascii_control()))
    {
        return Err(DeliveryError::BadEvent);
    }
    let id_token = match receiver_type {
        T::Gcr | T::GenericOidc => Some(
            opts.id_token
                .ok_or(DeliveryError::NeedsIdToken(receiver_type))?,
        ),
        _ => None,
    };
    let ev = event.clone().unwrap_or_default();
    if let Some(p) = opts.payload {
        if !matches!(receiver_type, T::Generic | T::GenericHmac | T::GenericOidc) {
            return Err(DeliveryError::PayloadNotGeneric(receiver_type));
        }
        serde_json::from_slice::<serde_json::Value>(p)
            .map_err(|e| DeliveryError::PayloadNotJson(e.to_string()))?;
    }
    let body = match receiver_type {
        T::Generic | T::GenericHmac | T::GenericOidc => json!({}),
        T::GitHub => json!({
            "zen": "Keep it logically awesome.",
            "hook_id": 0,
            "hook": {"type": "Repository", "active": true, "events": ["push"],
                     "config": {"content_type": "json", "insecure_ssl": "0"}},
        }),
        T::GitLab => json!({
            "object_kind": "push", "event_name": "push",
            "before": "0000000000000000000000000000000000000000",
            "after": "0000000000000000000000000000000000000000",
            "ref": "refs/heads/main", "total_commits_count": 0, "commits": [],
            "project": {"name": "sealtoken-test", "path_with_namespace": "sealtoken/test"},
        }),
        T::Bitbucket => json!({
            "eventKey": ev, "date": "2026-01-01T00:00:00+0000",
            "actor": {"name": "sealtoken"},
            "repository": {"slug": "test", "name": "test", "project": {"key": "TEST"}},
            "changes": [],
        }),
        T::Harbor => json!({
            "type": "PUSH_ARTIFACT", "occur_at": 0, "operator": "sealtoken",
            "event_data": {"resources": [{"tag": "test", "resource_url": "harbor.example.org/library/test:test"}],
                           "repository": {"name": "test", "namespace": "library", "repo_full_name": "library/test"}},
        }),
        T::DockerHub => json!({
            "callback_url": "https://registry.hub.docker.com/u/example/test/hook/0/",
            "push_data": {"pusher": "sealtoken", "tag": "test"},
            "repository": {"name": "test", "namespace": "example", "repo_name": "example/test",
                           "repo_url": "https://hub.docker.com/r/example/test"},
        }),
        T::Quay => json!({
            "repository": "example/test", "namespace": "example", "name": "test",
            "docker_url": "quay.io/example/test", "homepage": "https://quay.io/repository/example/test",
            "updated_tags": ["test"],
        }),
        T::Gcr => {
            let data = json!({"action": "INSERT", "digest": "gcr.io/example/test@sha256:0000000000000000000000000000000000000000000000000000000000000000", "tag": "gcr.io/example/test:test"});
            json!({
                "message": {"data": STANDARD.encode(data.to_string().as_bytes()),
                            "messageId": id, "publishTime": "2026-01-01T00:00:00Z"},
                "subscription": "projects/example/subscriptions/sealtoken-test",
            })
        }
        T::Nexus => json!({
            "timestamp": "2026-01-01T00:00:00.000+0000", "nodeId": "sealtoken",
            "initiator": "sealtoken", "repositoryName": "test", "action": "UPDATED",
        }),
        T::Acr => json!({
            "id": id, "timestamp": "2026-01-01T00:00:00Z", "action": "push",
            "target": {"mediaType": "application/vnd.docker.distribution.manifest.v2+json",
                       "repository": "test", "tag": "test"},
            "request": {"id": id, "host": "example.azurecr.io", "method": "PUT"},
        }),
        T::CdEvents => json!({
            "context": {"version": "0.4.1", "id": id, "source": "/sealtoken/test",
                        "type": "dev.cdevents.change.merged.0.2.0",
                        "timestamp": "2026-01-01T00:00:00Z"},
            "subject": {"id": "sealtoken-test", "source": "/sealtoken/test", "type": "change",
                        "content": {"repository": {"id": "sealtoken/test", "source": "/sealtoken/test"}}},
        }),
    };
    let body = match opts.payload {
        Some(p) => p.to_vec(),
        None => body.to_string().into_bytes(),
    };

    let mut headers: Vec<(&'static str, String)> = vec![
        ("Content-Type", "application/json".into()),
        (
            "User-Agent",
            concat!("sealtoken/", env!("CARGO_PKG_VERSION")).into(),
        ),
    ];
    match receiver_type {
        T::Generic | T::DockerHub | T::Quay | T::Acr => {}
        T::GenericHmac => headers.push((
            "X-Signature",
            format!("sha256={}", hex(&hmac_sha256(key, &body))),
        )),
        T::GenericOidc | T::Gcr => {
            if let Some(t) = id_token {
                headers.push(("Authorization", format!("Bearer {}", t.expose())));
            }
        }
        T::GitHub => {
            headers.push(("X-GitHub-Event", ev));
            headers.push(("X-GitHub-Delivery", id.to_string()));
            headers.push((
                "X-Hub-Signature-256",
                format!("sha256={}", hex(&hmac_sha256(key, &body))),
            ));
            headers.push((
                "X-Hub-Signature",
                format!("sha1={}", hex(&hmac_sha1(key, &body))),
            ));
        }
        T::GitLab => {
            headers.push(("X-Gitlab-Event", ev));
            headers.push(("X-Gitlab-Token", token.expose().to_string()));
        }
        T::Bitbucket => {
            headers.push(("X-Event-Key", ev));
            headers.push(("X-Request-Id", id.to_string()));
            headers.push((
                "X-Hub-Signature",
                format!("sha256={}", hex(&hmac_sha256(key, &body))),
            ));
        }
        T::Harbor => headers.push(("Authorization", token.expose().to_string())),
        T::Nexus => headers.push(("X-Nexus-Webhook-Signature", hex(&hmac_sha1(key, &body)))),
        T::CdEvents => {
            headers.push(("Ce-Specversion", "1.0".into()));
            headers.push(("Ce-Id", id.to_string()));
            headers.push(("Ce-Source", "/sealtoken/test".into()));
            headers.push(("Ce-Type", ev));
        }
    }
    Ok(Delivery {
        receiver_type,
        event,
        headers,
        body,
    })
}

/// HMAC-SHA256 (GitHub, Bitbucket, generic-hmac).
fn hmac_sha256(key: &[u8], msg: &[u8]) -> Vec<u8> {
    // HMAC takes keys of any length; `new_from_slice` cannot fail for it.
    let mut mac = <Hmac<sha2::Sha256> as KeyInit>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC accepts any key length"));
    mac.update(msg);
    mac.finalize().into_bytes().to_vec()
}

/// HMAC-SHA1 (GitHub's legacy header, Nexus).
fn hmac_sha1(key: &[u8], msg: &[u8]) -> Vec<u8> {
    let mut mac = <Hmac<sha1::Sha1> as KeyInit>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC accepts any key length"));
    mac.update(msg);
    mac.finalize().into_bytes().to_vec()
}

fn hex(bytes: &[u8]) -> String {
    base16ct::lower::encode_string(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(s: &str) -> Token {
        Token::from_string(s.into()).unwrap()
    }

    #[test]
    fn a_payload_of_your_own_goes_to_the_generic_types_only() {
        let t = token("8f3c2a1b9d4e5f6a7b8c9d0e1f2a3b4c");
        let id = token("a.b.c");
        let body = br#"{"image": "ghcr.io/org/app:v1.0.0"}"#;
        for kind in [
            ReceiverType::Generic,
            ReceiverType::GenericHmac,
            ReceiverType::GenericOidc,
        ] {
            let o = DeliveryOptions::new().payload(body).id_token(&id);
            let d = test_delivery(&t, kind, &o).unwrap();
            assert_eq!(d.body(), body, "{kind}");
        }
        let plain = test_delivery(&t, ReceiverType::GenericHmac, &DeliveryOptions::new()).unwrap();
        let own = test_delivery(
            &t,
            ReceiverType::GenericHmac,
            &DeliveryOptions::new().payload(body),
        )
        .unwrap();
        assert_ne!(header(&plain, "X-Signature"), header(&own, "X-Signature"));
        assert_eq!(
            test_delivery(
                &t,
                ReceiverType::GitHub,
                &DeliveryOptions::new().payload(body)
            )
            .unwrap_err(),
            DeliveryError::PayloadNotGeneric(ReceiverType::GitHub)
        );
        let e = test_delivery(
            &t,
            ReceiverType::Generic,
            &DeliveryOptions::new().payload(b"s3cr3t-not-json"),
        )
        .unwrap_err();
        assert!(matches!(e, DeliveryError::PayloadNotJson(_)), "{e:?}");
        assert!(!e.to_string().contains("s3cr3t"), "{e}");
    }

    fn header<'a>(d: &'a Delivery, name: &str) -> Option<&'a str> {
        d.headers()
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// RFC 4231 test case 2 (HMAC-SHA256) and RFC 2202 test case 2 (HMAC-SHA1).
    #[test]
    fn hmacs_match_the_rfc_vectors() {
        assert_eq!(
            hex(&hmac_sha256(b"Jefe", b"what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        assert_eq!(
            hex(&hmac_sha1(b"Jefe", b"what do ya want for nothing?")),
            "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"
        );
    }

    /// `printf '{}' | openssl dgst -sha256 -hmac tok`, the docs' recipe for generic-hmac.
    #[test]
    fn generic_hmac_signs_the_body_as_the_docs_show() {
        let d = test_delivery(
            &token("tok"),
            ReceiverType::GenericHmac,
            &DeliveryOptions::new(),
        )
        .unwrap();
        assert_eq!(d.body(), b"{}");
        assert_eq!(
            header(&d, "X-Signature"),
            Some("sha256=5b2fa15e22095bb334899aa26542e536fe6c91ca04402c5ba72d0f2c9e04f77c")
        );
    }

    #[test]
    fn github_ping_is_signed_both_ways() {
        let d = test_delivery(
            &token("s3cr3t"),
            ReceiverType::GitHub,
            &DeliveryOptions::new(),
        )
        .unwrap();
        assert_eq!(d.event(), Some("ping"));
        assert_eq!(header(&d, "X-GitHub-Event"), Some("ping"));
        assert_eq!(header(&d, "Content-Type"), Some("application/json"));
        let s256 = header(&d, "X-Hub-Signature-256").unwrap();
        let s1 = header(&d, "X-Hub-Signature").unwrap();
        assert_eq!(
            s256,
            format!("sha256={}", hex(&hmac_sha256(b"s3cr3t", d.body())))
        );
        assert_eq!(s1, format!("sha1={}", hex(&hmac_sha1(b"s3cr3t", d.body()))));
        let body: serde_json::Value = serde_json::from_slice(d.body()).unwrap();
        assert!(body["zen"].is_string());
    }

    #[test]
    fn gitlab_carries_the_token_and_the_push_hook() {
        let d = test_delivery(
            &token("s3cr3t"),
            ReceiverType::GitLab,
            &DeliveryOptions::new(),
        )
        .unwrap();
        assert_eq!(header(&d, "X-Gitlab-Event"), Some("Push Hook"));
        assert_eq!(header(&d, "X-Gitlab-Token"), Some("s3cr3t"));
        // Debug never shows it.
        assert!(!format!("{d:?}").contains("s3cr3t"));
    }

    #[test]
    fn events_can_be_chosen_only_where_they_are_filtered() {
        let d = test_delivery(
            &token("t"),
            ReceiverType::GitHub,
            &DeliveryOptions::new().event("push"),
        )
        .unwrap();
        assert_eq!(header(&d, "X-GitHub-Event"), Some("push"));
        assert_eq!(
            test_delivery(
                &token("t"),
                ReceiverType::Harbor,
                &DeliveryOptions::new().event("x")
            )
            .unwrap_err(),
            DeliveryError::NoEvents(ReceiverType::Harbor)
        );
        assert_eq!(
            test_delivery(
                &token("t"),
                ReceiverType::GitLab,
                &DeliveryOptions::new().event("a\r\nX-Evil: 1")
            )
            .unwrap_err(),
            DeliveryError::BadEvent
        );
    }

    #[test]
    fn oidc_types_need_an_id_token() {
        for t in [ReceiverType::Gcr, ReceiverType::GenericOidc] {
            assert_eq!(
                test_delivery(&token("t"), t, &DeliveryOptions::new()).unwrap_err(),
                DeliveryError::NeedsIdToken(t)
            );
            let id = token("eyJhbGciOi.eyJpc3Mi.c2ln");
            let d = test_delivery(&token("t"), t, &DeliveryOptions::new().id_token(&id)).unwrap();
            assert_eq!(
                header(&d, "Authorization"),
                Some("Bearer eyJhbGciOi.eyJpc3Mi.c2ln")
            );
        }
    }

    /// Each body decodes into the fields the controller reads for its type.
    #[test]
    fn bodies_decode_as_the_controller_expects() {
        let id = token("a.b.c");
        for t in ReceiverType::ALL {
            let d = test_delivery(&token("t"), t, &DeliveryOptions::new().id_token(&id)).unwrap();
            let v: serde_json::Value = serde_json::from_slice(d.body()).unwrap();
            assert!(v.is_object(), "{t}");
            match t {
                ReceiverType::DockerHub => {
                    assert!(v["push_data"]["tag"].is_string());
                    assert!(v["repository"]["repo_url"].is_string());
                }
                ReceiverType::Quay => assert!(v["updated_tags"].is_array()),
                ReceiverType::Nexus => {
                    assert!(v["action"].is_string() && v["repositoryName"].is_string());
                    assert_eq!(
                        header(&d, "X-Nexus-Webhook-Signature").unwrap(),
                        hex(&hmac_sha1(b"t", d.body()))
                    );
                }
                ReceiverType::Acr => assert!(v["target"]["repository"].is_string()),
                ReceiverType::Gcr => {
                    let data = v["message"]["data"].as_str().unwrap();
                    let raw = STANDARD.decode(data).unwrap();
                    let inner: serde_json::Value = serde_json::from_slice(&raw).unwrap();
                    assert_eq!(inner["action"], "INSERT");
                }
                ReceiverType::CdEvents => {
                    assert_eq!(header(&d, "Ce-Type"), Some("dev.cdevents.change.merged"));
                    assert_eq!(v["subject"]["type"], "change");
                }
                ReceiverType::Bitbucket => {
                    assert_eq!(header(&d, "X-Event-Key"), Some("repo:refs_changed"));
                    assert_eq!(
                        header(&d, "X-Hub-Signature").unwrap(),
                        format!("sha256={}", hex(&hmac_sha256(b"t", d.body())))
                    );
                }
                ReceiverType::Harbor => assert_eq!(header(&d, "Authorization"), Some("t")),
                _ => {}
            }
        }
    }
}
