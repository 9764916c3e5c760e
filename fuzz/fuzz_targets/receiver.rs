//! Receiver manifests (what `receivers`, `token --receiver-file` and
//! `receiver-test` read) over arbitrary input: `find_receivers` and
//! `read_kustomization` give Receivers or an error, never a panic, and the
//! same answer twice; every Receiver found gets a well-formed webhook path
//! that depends only on its name and namespace; and a test delivery built
//! from its `spec.type` and first event (text from the input) is valid JSON
//! with header values free of control characters (no header injection).
#![no_main]

use std::sync::OnceLock;

use flux_receiver::{
    find_receivers, oidc_webhook_path, read_kustomization, test_delivery, DeliveryOptions,
    ReceiverType,
};
use flux_receiver::Token;
use kubeseal_core::ObjectRef;
use libfuzzer_sys::fuzz_target;

fn token() -> &'static Token {
    static TOKEN: OnceLock<Token> = OnceLock::new();
    TOKEN.get_or_init(|| {
        Token::from_string("8f3c2a1b9d4e5f6a7b8c9d0e1f2a3b4c".into()).expect("test token")
    })
}

fn assert_path(path: &str) {
    let hex = path.strip_prefix("/hook/").expect("path starts with /hook/");
    assert_eq!(hex.len(), 64, "{path}");
    assert!(hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')), "{path}");
}

fuzz_target!(|data: &[u8]| {
    let found = find_receivers(data);
    assert_eq!(found, find_receivers(data), "find_receivers is not deterministic");
    if let Ok(receivers) = &found {
        for r in receivers {
            assert!(r.document >= 1 && r.pos.line >= 1);
            let namespace = r.namespace.as_deref().unwrap_or("flux-system");
            let object = ObjectRef::new(namespace, r.name.as_str());
            let path = flux_receiver::webhook_path(token(), &object);
            assert_path(&path);
            let again = ObjectRef::new(namespace.to_string(), r.name.clone());
            assert_eq!(path, flux_receiver::webhook_path(token(), &again));
            let oidc = oidc_webhook_path(&object);
            assert_path(&oidc);
            assert_ne!(path, oidc, "the token must change the path");

            let Ok(kind) = r.type_name.parse::<ReceiverType>() else {
                continue;
            };
            assert_eq!(kind.as_str(), r.type_name);
            let mut opts = DeliveryOptions::new().id_token(token());
            if let Some(event) = r.events.first() {
                opts = opts.event(event);
            }
            match test_delivery(token(), kind, &opts) {
                Ok(d) => {
                    assert_eq!(d.receiver_type(), kind);
                    assert!(
                        serde_json::from_slice::<serde_json::Value>(d.body()).is_ok(),
                        "delivery body is not JSON"
                    );
                    for (name, value) in d.headers() {
                        assert!(
                            !value.bytes().any(|b| b.is_ascii_control()),
                            "control character in header {name}"
                        );
                    }
                }
                Err(e) => {
                    let _ = e.to_string();
                }
            }
        }
    }
    let k = read_kustomization(data);
    assert_eq!(k, read_kustomization(data), "read_kustomization is not deterministic");
});
