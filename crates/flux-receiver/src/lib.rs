//! Flux webhook Receivers, offline: what the notification-controller will
//! do with a token, computed before the Receiver exists.
//!
//! # Which item do I need?
//!
//! - [`Token`]: a webhook token from the OS CSPRNG (at least
//!   [`MIN_TOKEN_BYTES`] random bytes), or an existing one; wiped on drop.
//! - [`webhook_path`] / [`webhook_url`]: the path the controller publishes in
//!   `.status.webhookPath`, and the URL to give the sender;
//!   [`oidc_webhook_path`] for `generic-oidc` Receivers.
//! - [`ReceiverType`]: every `spec.type`, its events, headers and the keys
//!   its token Secret holds.
//! - [`TokenSecret`]: the token Secret recipe (watch label, URL annotation,
//!   extra keys), as `flux create secret receiver` makes it.
//! - [`ReceiverSpec`] (with [`ReceiverResource`], [`OidcProvider`]): a
//!   Receiver's spec, checked against the CRD's schema and CEL rules
//!   ([`ReceiverSpec::validate`]); [`check_cel`]: the syntax of one CEL
//!   expression (feature `cel`, default).
//! - [`receiver_manifest`], [`git_repository_interval_patch`]: the Flux
//!   manifests to commit.
//! - [`find_receivers`], [`read_kustomization`], [`place`]: the Receivers a
//!   repository declares, and the namespace kustomize gives each (the caller
//!   reads the files, through a [`Tree`]).
//! - [`find_clusters`]: each cluster's webhook host and certificate URL, from
//!   the HTTPRoutes and Ingresses of its kustomize overlay.
//! - `test_delivery` (feature `delivery`, default): the request a sender would
//!   make, signed as that sender signs it, and `explain_status`: what the
//!   controller's (or a proxy's) answer to it means.
//!
//! # Example
//!
//! ```
//! use flux_receiver::{webhook_path, webhook_url, Token, TokenSecret};
//! use k8s_manifest::ObjectRef;
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let token = Token::generate(16)?; // like `openssl rand -hex 16`
//! let secret = TokenSecret::new(ObjectRef::new("flux-system", "webhook-token"), "token")
//!     .build(&token)?; // seal this one (kubeseal_core::seal_secret)
//! assert_eq!(secret.data["token"].expose().len(), 32);
//! let path = webhook_path(&token, &ObjectRef::new("flux-system", "github-receiver"));
//! let url = webhook_url("flux.example.org", &path);
//! assert!(url.starts_with("https://flux.example.org/hook/"));
//! # Ok(())
//! # }
//! ```

#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![deny(missing_docs)]
#![warn(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

mod cel;
#[cfg(feature = "delivery")]
mod delivery;
#[cfg(feature = "delivery")]
mod explain;
mod find;
mod kind;
mod manifests;
mod path;
mod placement;
mod recipe;
mod routes;
mod spec;
mod token;

pub use cel::{check_cel, CelError, CelPlace, CEL_SYNTAX_CHECKED};
#[cfg(feature = "delivery")]
pub use delivery::{test_delivery, Delivery, DeliveryError, DeliveryOptions};
#[cfg(feature = "delivery")]
pub use explain::explain_status;
pub use find::{
    find_flux_kustomizations, find_receivers, read_kustomization, FindError, FluxKustomization,
    Kustomization, ReceiverManifest, FLUX_KUSTOMIZE_API_GROUP, NOTIFICATION_API_GROUP,
};
pub use kind::{ReceiverType, ResourceKind, UnknownReceiverType, UnknownResourceKind};
pub use manifests::{
    git_repository_interval_patch, is_valid_duration, parse_duration, receiver_manifest,
};
pub use path::{oidc_webhook_path, webhook_path, webhook_url, WEBHOOK_PATH_PREFIX};
pub use placement::{place, NamespaceFrom, PlacedReceiver, PlacementError, Placements, Tree};
pub use recipe::{
    RecipeError, TokenSecret, WATCH_LABEL, WATCH_LABEL_VALUE, WEBHOOK_URL_ANNOTATION,
};
pub use routes::{
    find_clusters, ClusterRoutes, RouteOptions, RouteScan, Sourced, WEBHOOK_RECEIVER_SERVICE,
};
pub use spec::{OidcProvider, ReceiverResource, ReceiverSpec, SpecError, DEFAULT_OIDC_AUDIENCE};
pub use token::{
    Token, TokenError, DEFAULT_TOKEN_BYTES, MAX_TOKEN_BYTES, MIN_HEX_TOKEN_CHARS, MIN_TOKEN_BYTES,
};
