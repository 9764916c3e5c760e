//! The token Secret a Receiver reads, as `flux create secret receiver`
//! makes it: the token under its key, the watch label, the webhook URL
//! annotation, and the extra keys some Receiver types read. The main job,
//! `rotate` and the npm package all build it here.

use k8s_manifest::{ObjectMeta, ObjectRef, Secret, SecretValue};

use crate::{ReceiverType, Token};

/// The label that makes the notification-controller reconcile a Receiver as
/// soon as its token Secret changes, instead of at its next interval (ten
/// minutes by default). Value: [`WATCH_LABEL_VALUE`].
pub const WATCH_LABEL: &str = "reconcile.fluxcd.io/watch";
/// The value of [`WATCH_LABEL`].
pub const WATCH_LABEL_VALUE: &str = "Enabled";

/// Annotation on the token Secret recording the webhook URL, as `flux create secret receiver` sets it.
pub const WEBHOOK_URL_ANNOTATION: &str = "notification.toolkit.fluxcd.io/webhook";

/// Why a token Secret could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RecipeError {
    /// The token's key is also a key the Receiver type reads for itself.
    #[error("the token key {0:?} collides with the {1} Secret key {0:?}")]
    KeyCollision(String, ReceiverType),
}

/// The recipe of a Receiver's token Secret.
///
/// ```
/// use flux_receiver::{ReceiverType, Token, TokenSecret, WATCH_LABEL};
/// use k8s_manifest::ObjectRef;
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let token = Token::generate(16)?;
/// let secret = TokenSecret::new(ObjectRef::new("flux-system", "webhook-token"), "token")
///     .webhook_url(Some("https://flux.example.org/hook/…".into()))
///     .extra_key(ReceiverType::Gcr, "email", "pubsub@example.iam.gserviceaccount.com")
///     .build(&token)?;
/// assert_eq!(secret.metadata.labels[WATCH_LABEL], "Enabled");
/// assert_eq!(secret.data["token"].expose(), token.expose().as_bytes());
/// assert!(secret.data.contains_key("email"));
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct TokenSecret {
    object: ObjectRef,
    key: String,
    watch: bool,
    url: Option<String>,
    extra: Vec<(ReceiverType, String, String)>,
}

impl TokenSecret {
    /// The Secret `object`, holding the token under `key`, with the watch label.
    pub fn new(object: ObjectRef, key: impl Into<String>) -> TokenSecret {
        TokenSecret {
            object,
            key: key.into(),
            watch: true,
            url: None,
            extra: Vec::new(),
        }
    }

    /// Whether the Secret carries the watch label (default: yes).
    pub fn watch_label(mut self, on: bool) -> Self {
        self.watch = on;
        self
    }

    /// The webhook URL to record in the annotation (only when one Receiver
    /// uses the token: the annotation holds one URL).
    pub fn webhook_url(mut self, url: Option<String>) -> Self {
        self.url = url;
        self
    }

    /// The webhook URL of the one Receiver of type `kind` using the token, to
    /// record in the annotation, unless the path is that type's only
    /// credential ([`ReceiverType::path_is_only_credential`]): the
    /// annotation is committed in plain inside the SealedSecret's template,
    /// so it would put the credential into Git. `annotate_anyway` records it
    /// all the same. Returns whether the URL was left out for that reason.
    pub fn webhook_url_for(
        mut self,
        kind: Option<ReceiverType>,
        url: Option<String>,
        annotate_anyway: bool,
    ) -> (Self, bool) {
        let withheld = url.is_some()
            && !annotate_anyway
            && kind.is_some_and(ReceiverType::path_is_only_credential);
        self.url = if withheld { None } else { url };
        (self, withheld)
    }

    /// A key that Receivers of `kind` read from the token Secret (one of
    /// [`ReceiverType::extra_secret_keys`], e.g. gcr's `email` and `audience`).
    pub fn extra_key(
        mut self,
        kind: ReceiverType,
        key: impl Into<String>,
        value: impl Into<String>,
    ) -> Self {
        self.extra.push((kind, key.into(), value.into()));
        self
    }

    /// Sets the recipe's label and annotation on `meta`, as on an existing
    /// Secret's (or SealedSecret template's) metadata: the watch label added
    /// when asked, the URL annotation set when there is one URL and removed
    /// otherwise.
    pub fn apply_metadata(&self, meta: &mut ObjectMeta) {
        if self.watch {
            meta.labels
                .insert(WATCH_LABEL.into(), WATCH_LABEL_VALUE.into());
        }
        match &self.url {
            Some(u) => {
                meta.annotations
                    .insert(WEBHOOK_URL_ANNOTATION.into(), u.clone());
            }
            None => {
                meta.annotations.remove(WEBHOOK_URL_ANNOTATION);
            }
        }
    }

    /// The plaintext Secret holding `token`.
    pub fn build(&self, token: &Token) -> Result<Secret, RecipeError> {
        let mut secret = Secret::new(&self.object);
        self.apply_metadata(&mut secret.metadata);
        secret.insert(&self.key, SecretValue::from(token.expose()));
        for (kind, k, v) in &self.extra {
            if *k == self.key {
                return Err(RecipeError::KeyCollision(k.clone(), *kind));
            }
            secret.insert(k, SecretValue::from(v.as_str()));
        }
        Ok(secret)
    }

    /// The extra keys the Secret holds beside the token, in order.
    pub fn extra_keys(&self) -> impl Iterator<Item = &str> {
        self.extra.iter().map(|(_, k, _)| k.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token() -> Token {
        Token::from_string("8f3c2a1b9d4e5f6a7b8c9d0e1f2a3b4c".into()).unwrap()
    }

    #[test]
    fn the_secret_flux_create_secret_receiver_makes() {
        let s = TokenSecret::new(ObjectRef::new("flux-system", "webhook-token"), "token")
            .webhook_url(Some("https://flux.example.org/hook/abc".into()))
            .build(&token())
            .unwrap();
        assert_eq!(s.metadata.name.as_deref(), Some("webhook-token"));
        assert_eq!(s.metadata.namespace.as_deref(), Some("flux-system"));
        assert_eq!(s.secret_type.as_deref(), Some("Opaque"));
        assert_eq!(
            s.metadata
                .labels
                .get("reconcile.fluxcd.io/watch")
                .map(String::as_str),
            Some("Enabled")
        );
        assert_eq!(
            s.metadata
                .annotations
                .get("notification.toolkit.fluxcd.io/webhook")
                .map(String::as_str),
            Some("https://flux.example.org/hook/abc")
        );
        assert_eq!(s.data.len(), 1);
        assert_eq!(
            s.data["token"].expose(),
            b"8f3c2a1b9d4e5f6a7b8c9d0e1f2a3b4c"
        );
    }

    #[test]
    fn without_the_label_or_url_and_with_gcr_keys() {
        let recipe = TokenSecret::new(ObjectRef::new("ns", "t"), "token")
            .watch_label(false)
            .extra_key(ReceiverType::Gcr, "email", "a@b")
            .extra_key(ReceiverType::Gcr, "audience", "https://x");
        let s = recipe.build(&token()).unwrap();
        assert!(s.metadata.labels.is_empty());
        assert!(s.metadata.annotations.is_empty());
        assert_eq!(s.data["email"].expose(), b"a@b");
        assert_eq!(s.data["audience"].expose(), b"https://x");
        assert_eq!(
            recipe.extra_keys().collect::<Vec<_>>(),
            ["email", "audience"]
        );
        let clash = TokenSecret::new(ObjectRef::new("ns", "t"), "email")
            .extra_key(ReceiverType::Gcr, "email", "a@b")
            .build(&token())
            .unwrap_err();
        assert_eq!(
            clash.to_string(),
            "the token key \"email\" collides with the gcr Secret key \"email\""
        );
    }

    #[test]
    fn apply_metadata_removes_a_stale_url() {
        let mut meta = ObjectMeta::default();
        meta.annotations
            .insert(WEBHOOK_URL_ANNOTATION.into(), "https://old".into());
        TokenSecret::new(ObjectRef::new("ns", "t"), "token").apply_metadata(&mut meta);
        assert!(meta.annotations.is_empty());
        assert_eq!(meta.labels[WATCH_LABEL], WATCH_LABEL_VALUE);
    }

    /// The URL of a type whose path is its only credential is not recorded
    /// (it would be committed in plain), unless asked; other types' is.
    #[test]
    fn a_url_that_is_the_credential_is_not_recorded() {
        let token = Token::generate(16).unwrap();
        let url = Some("https://flux.example.org/hook/abc".to_string());
        let annotation = |kind: Option<ReceiverType>, anyway: bool| {
            let (recipe, withheld) = TokenSecret::new(ObjectRef::new("flux-system", "t"), "token")
                .webhook_url_for(kind, url.clone(), anyway);
            let secret = recipe.build(&token).unwrap();
            (
                secret
                    .metadata
                    .annotations
                    .get(WEBHOOK_URL_ANNOTATION)
                    .cloned(),
                withheld,
            )
        };
        for kind in [
            ReceiverType::Generic,
            ReceiverType::Quay,
            ReceiverType::DockerHub,
            ReceiverType::Acr,
            ReceiverType::CdEvents,
        ] {
            assert!(
                kind.path_is_only_credential() && !kind.verifies_token(),
                "{kind}"
            );
            assert_eq!(annotation(Some(kind), false), (None, true), "{kind}");
            assert_eq!(annotation(Some(kind), true), (url.clone(), false), "{kind}");
        }
        for kind in [
            ReceiverType::GitHub,
            ReceiverType::GitLab,
            ReceiverType::GenericHmac,
            ReceiverType::Gcr,
            ReceiverType::GenericOidc,
        ] {
            assert!(!kind.path_is_only_credential(), "{kind}");
            assert_eq!(
                annotation(Some(kind), false),
                (url.clone(), false),
                "{kind}"
            );
        }
        assert_eq!(annotation(None, false), (url.clone(), false));
    }
}
