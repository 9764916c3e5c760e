//! What a Receiver's answer to a test delivery means.

use crate::{Delivery, ReceiverType};

/// Whether the controller accepted the delivery, and what the status means,
/// from `internal/server/receiver_handlers.go`: 200 accepted, 400 validation
/// failed, 404 no Receiver with this path, 413 body too large, 500
/// reconciliation request failed, 503 suspended or not ready. Any other code
/// comes from something in front of the controller.
pub fn explain_status(status: u16, d: &Delivery) -> (bool, String) {
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
    use super::*;
    use crate::{test_delivery, DeliveryOptions, Token};

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
            assert_eq!(explain_status(s, &d).0, s == 200, "{s}");
        }
    }

    #[test]
    fn each_controller_status_has_its_own_meaning() {
        let d = delivery(ReceiverType::GitLab, None);
        let m = |s| explain_status(s, &d).1;
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
        let hmac = explain_status(400, &delivery(ReceiverType::GenericHmac, None)).1;
        assert!(hmac.contains("token did not verify"), "{hmac}");
        assert!(!hmac.contains("spec.events"), "{hmac}");
        let quay = explain_status(400, &delivery(ReceiverType::Quay, None)).1;
        assert!(quay.contains("could not decode the Quay payload"), "{quay}");
        let gcr = explain_status(400, &delivery(ReceiverType::Gcr, None)).1;
        assert!(gcr.contains("ID token"), "{gcr}");
        let push = explain_status(400, &delivery(ReceiverType::GitHub, Some("push"))).1;
        assert!(push.contains("\"push\""), "{push}");
        assert!(push.contains("signature"), "{push}");
    }
}
