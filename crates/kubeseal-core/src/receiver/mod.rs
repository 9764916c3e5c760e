//! Flux notification-controller Receivers: every `spec.type`, what each
//! sender is told to configure, the test delivery each sender makes, and the
//! Receivers declared in manifest files.
//!
//! The webhook path itself is [`crate::flux::webhook_path`].

mod delivery;
mod find;
mod kind;

pub use delivery::{test_delivery, Delivery, DeliveryError, DeliveryOptions};
pub use find::{
    find_receivers, read_kustomization, FindError, Kustomization, ReceiverManifest,
    NOTIFICATION_API_GROUP,
};
pub use kind::{ReceiverType, ResourceKind, UnknownReceiverType};

/// The label that makes the notification-controller reconcile a Receiver as
/// soon as its token Secret changes, instead of at its next interval (ten
/// minutes by default). Value: [`WATCH_LABEL_VALUE`].
pub const WATCH_LABEL: &str = "reconcile.fluxcd.io/watch";
/// The value of [`WATCH_LABEL`].
pub const WATCH_LABEL_VALUE: &str = "Enabled";

/// The webhook path of a `generic-oidc` Receiver: it has no token Secret,
/// so the controller hashes an empty token with its name and namespace
/// (`/hook/` + hex SHA-256 of name and namespace). The path is not secret.
///
/// ```
/// use kubeseal_core::{receiver, ObjectRef};
/// // `printf %s 'deployflux-system' | sha256sum`
/// assert_eq!(
///     receiver::oidc_webhook_path(&ObjectRef::new("flux-system", "deploy")),
///     "/hook/adb1470179a1e6b508d16af8d47231f7ae0803ecbd0148588a6a05689593e613"
/// );
/// ```
pub fn oidc_webhook_path(receiver: &crate::ObjectRef) -> String {
    let digest = crate::crypto::sha256(&[receiver.name.as_bytes(), receiver.namespace.as_bytes()]);
    format!(
        "{}{}",
        crate::flux::WEBHOOK_PATH_PREFIX,
        base16ct::lower::encode_string(&digest)
    )
}
