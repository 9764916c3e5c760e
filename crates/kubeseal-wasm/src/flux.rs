//! A Flux Receiver for the offline page, from the `flux-receiver` crate as
//! the CLI's main job uses it: its type (given, or guessed from its name),
//! webhook path and URL, manifest, and what to set up at the sender.

use flux_receiver::{ReceiverType, Token};
use k8s_manifest::escape::error_chain;
use k8s_manifest::names;
use kubeseal_core::ObjectRef;

use crate::json_string;

/// What the page asks about one Receiver.
pub(crate) struct ReceiverInput<'a> {
    /// `name` or `name:type` (the type guessed from the name otherwise).
    pub spec: &'a str,
    /// The Receivers' and the token Secret's namespace.
    pub namespace: &'a str,
    /// The token Secret's name (the Receiver's `secretRef`).
    pub secret_name: &'a str,
    /// The GitRepository to reconcile, in `namespace`.
    pub git_repository: Option<&'a str>,
    /// The ImageRepository to reconcile (image registry Receivers), in `namespace`.
    pub image_repository: Option<&'a str>,
    /// The webhook host (`flux.example.org` or a base URL).
    pub host: Option<&'a str>,
}

/// One Receiver as a JSON object: `{name, type, path, url, manifest,
/// instructions, note}` (`type`, `url`, `manifest` and `instructions` null
/// when unknown, `note` saying what is missing for the manifest).
pub(crate) fn receiver_impl(token: String, input: &ReceiverInput<'_>) -> Result<String, String> {
    let (name, given) = match input.spec.split_once(':') {
        Some((n, t)) => (n.trim(), Some(t.trim())),
        None => (input.spec.trim(), None),
    };
    names::object_name(name)
        .and_then(|()| names::namespace(input.namespace))
        .and_then(|()| names::object_name(input.secret_name))
        .map_err(|e| e.to_string())?;
    let kind = match given {
        Some(t) => Some(t.parse::<ReceiverType>().map_err(|e| e.to_string())?),
        None => ReceiverType::from_receiver_name(name),
    };
    let me = ObjectRef::new(input.namespace, name);
    let path = if kind == Some(ReceiverType::GenericOidc) {
        flux_receiver::oidc_webhook_path(&me)
    } else {
        let token = Token::from_input(token).map_err(|e| error_chain(&e))?;
        flux_receiver::webhook_path(&token, &me)
    };
    let url = input
        .host
        .filter(|h| !h.is_empty())
        .map(|h| flux_receiver::webhook_url(h, &path));
    let (manifest, note) = match kind {
        None => (
            None,
            Some(format!(
                "the type of Receiver {name} is not in its name: write {name}:TYPE (one of {})",
                ReceiverType::names()
            )),
        ),
        // The CRD requires its OIDC providers, which the page does not ask for.
        Some(ReceiverType::GenericOidc) => (
            None,
            Some(format!(
                "a generic-oidc Receiver needs its OIDC issuers and validations (the CRD refuses one without): write Receiver {name} with sealtoken's --oidc-issuer and --oidc-validation"
            )),
        ),
        Some(kind) => {
            let resource = match kind.resource_kind() {
                flux_receiver::ResourceKind::ImageRepository => input.image_repository,
                _ => input.git_repository,
            }
            .filter(|r| !r.is_empty());
            match resource {
                Some(r) => {
                    names::object_name(r).map_err(|e| e.to_string())?;
                    let spec = flux_receiver::ReceiverSpec::new(kind)
                        .secret_ref(input.secret_name)
                        .resource(flux_receiver::ReceiverResource::new(kind.resource_kind(), r));
                    let yaml =
                        flux_receiver::receiver_manifest(&me, &spec).map_err(|e| e.to_string())?;
                    (Some(yaml), None)
                }
                None => (
                    None,
                    Some(format!(
                        "Receiver {name} ({kind}) reconciles a {}: give its name for the manifest",
                        kind.resource_kind().kind()
                    )),
                ),
            }
        }
    };
    let instructions = kind.map(|k| k.instructions(url.as_deref().unwrap_or(&path)));
    let opt = |s: Option<&str>| s.map_or("null".to_string(), json_string);
    Ok(format!(
        "{{\"name\":{},\"type\":{},\"path\":{},\"url\":{},\"manifest\":{},\"instructions\":{},\"note\":{}}}",
        json_string(name),
        opt(kind.map(ReceiverType::as_str)),
        json_string(&path),
        opt(url.as_deref()),
        opt(manifest.as_deref()),
        opt(instructions.as_deref()),
        opt(note.as_deref()),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "8f3c2a1b9d4e5f6a7b8c9d0e1f2a3b4c";

    fn input(spec: &str) -> ReceiverInput<'_> {
        ReceiverInput {
            spec,
            namespace: "flux-system",
            secret_name: "webhook-token",
            git_repository: Some("flux-system"),
            image_repository: None,
            host: Some("flux.example.org"),
        }
    }

    fn json(spec: &str) -> serde_json::Value {
        serde_json::from_str(&receiver_impl(TOKEN.into(), &input(spec)).unwrap()).unwrap()
    }

    #[test]
    fn a_receiver_named_after_its_type() {
        let v = json("tenant-demo-github");
        assert_eq!(v["type"], "github");
        // The value documented beside flux_receiver::webhook_path.
        let path = "/hook/a9103a0523b26719250dc181140a680663c2f300fcbe0b8c66dc11aca753fbb9";
        assert_eq!(v["path"], path);
        assert_eq!(v["url"], format!("https://flux.example.org{path}"));
        let manifest = v["manifest"].as_str().unwrap();
        assert!(manifest.contains("kind: Receiver\n"), "{manifest}");
        assert!(manifest.contains("  type: github\n"), "{manifest}");
        assert!(manifest.contains("name: webhook-token"), "{manifest}");
        assert!(!manifest.contains(TOKEN));
        assert!(v["instructions"].as_str().unwrap().contains(path));
    }

    #[test]
    fn types_given_guessed_or_missing() {
        assert_eq!(json("deploy:gitlab")["type"], "gitlab");
        let v = json("deploy");
        assert_eq!(v["type"], serde_json::Value::Null);
        assert_eq!(v["manifest"], serde_json::Value::Null);
        assert!(v["note"].as_str().unwrap().contains("deploy:TYPE"));
        // An image registry Receiver needs an ImageRepository.
        let v = json("images:harbor");
        assert!(v["note"].as_str().unwrap().contains("ImageRepository"));
        // generic-oidc: no manifest the CRD would refuse (no oidcProviders).
        let v = json("deploy:generic-oidc");
        assert_eq!(v["manifest"], serde_json::Value::Null);
        assert!(v["note"].as_str().unwrap().contains("--oidc-issuer"));
        assert!(receiver_impl(TOKEN.into(), &input("x:nope")).is_err());
        assert!(receiver_impl(TOKEN.into(), &input("Bad_Name")).is_err());
        let e = receiver_impl("short".into(), &input("github")).unwrap_err();
        assert!(!e.contains("short"), "{e}");
    }
}

/// The binding exported to JavaScript (only on `wasm32-unknown-unknown`).
#[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
pub(crate) mod js {
    use super::{receiver_impl, ReceiverInput};
    use wasm_bindgen::prelude::*;

    /// `receiver`: see `receiver_impl` (a JSON string; the wrapper parses it).
    #[wasm_bindgen]
    pub fn receiver(
        token: String,
        spec: &str,
        namespace: &str,
        secret_name: &str,
        git_repository: Option<String>,
        image_repository: Option<String>,
        host: Option<String>,
    ) -> Result<String, JsError> {
        let input = ReceiverInput {
            spec,
            namespace,
            secret_name,
            git_repository: git_repository.as_deref(),
            image_repository: image_repository.as_deref(),
            host: host.as_deref(),
        };
        receiver_impl(token, &input).map_err(|m| JsError::new(&m))
    }
}
