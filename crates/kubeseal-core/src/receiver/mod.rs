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
