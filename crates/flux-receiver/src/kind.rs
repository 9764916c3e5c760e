//! The Receiver types the notification-controller accepts, with what each
//! needs and what the Flux documentation tells the sender to configure.

use std::fmt;
use std::str::FromStr;

/// A Receiver `spec.type` (`api/v1/receiver_types.go`): how the
/// notification-controller verifies a delivery and which events it filters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum ReceiverType {
    /// `generic`: any request to the path triggers; no verification.
    Generic,
    /// `generic-hmac`: `X-Signature: <sha1|sha256|sha512>=<hex HMAC of the body>`.
    GenericHmac,
    /// `generic-oidc`: an OIDC ID token in `Authorization: Bearer`; no token Secret.
    GenericOidc,
    /// `github` (also Gitea): `X-Hub-Signature-256`/`X-Hub-Signature`, events from `X-GitHub-Event`.
    GitHub,
    /// `gitlab`: `X-Gitlab-Token` equals the token, events from `X-Gitlab-Event`.
    GitLab,
    /// `bitbucket` (Server and Cloud): `X-Hub-Signature`, events from `X-Event-Key`.
    Bitbucket,
    /// `harbor`: `Authorization` equals the token.
    Harbor,
    /// `dockerhub`: the body must decode as a Docker Hub payload; no verification.
    DockerHub,
    /// `quay`: the body must decode as a Quay push notification; no verification.
    Quay,
    /// `gcr`: a Google-signed OIDC ID token (Pub/Sub push), checked against the
    /// Secret's `email` and `audience` keys.
    Gcr,
    /// `nexus`: `X-Nexus-Webhook-Signature`, the hex HMAC-SHA1 of the body.
    Nexus,
    /// `acr`: the body must decode as an Azure Container Registry payload; no verification.
    Acr,
    /// `cdevents`: the body must be a valid CDEvent; events from `Ce-Type`.
    CdEvents,
}

/// A `spec.resources[].kind` the Receiver CRD accepts (its enum, at
/// notification-controller v1.9), with the `apiVersion` written for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum ResourceKind {
    /// `source.toolkit.fluxcd.io/v1` `Bucket`.
    Bucket,
    /// `source.toolkit.fluxcd.io/v1` `GitRepository` (Git hosts and the generic types).
    GitRepository,
    /// `kustomize.toolkit.fluxcd.io/v1` `Kustomization`.
    Kustomization,
    /// `helm.toolkit.fluxcd.io/v2` `HelmRelease`.
    HelmRelease,
    /// `source.toolkit.fluxcd.io/v1` `HelmChart`.
    HelmChart,
    /// `source.toolkit.fluxcd.io/v1` `HelmRepository`.
    HelmRepository,
    /// `image.toolkit.fluxcd.io/v1` `ImageRepository` (container registries).
    ImageRepository,
    /// `image.toolkit.fluxcd.io/v1` `ImagePolicy`.
    ImagePolicy,
    /// `image.toolkit.fluxcd.io/v1` `ImageUpdateAutomation`.
    ImageUpdateAutomation,
    /// `source.toolkit.fluxcd.io/v1` `OCIRepository`.
    OciRepository,
    /// `source.extensions.fluxcd.io/v1beta1` `ArtifactGenerator` (source-watcher).
    ArtifactGenerator,
    /// `source.toolkit.fluxcd.io/v1` `ExternalArtifact`.
    ExternalArtifact,
}

impl ResourceKind {
    /// Every kind, in the CRD enum's order.
    pub const ALL: [ResourceKind; 12] = [
        ResourceKind::Bucket,
        ResourceKind::GitRepository,
        ResourceKind::Kustomization,
        ResourceKind::HelmRelease,
        ResourceKind::HelmChart,
        ResourceKind::HelmRepository,
        ResourceKind::ImageRepository,
        ResourceKind::ImagePolicy,
        ResourceKind::ImageUpdateAutomation,
        ResourceKind::OciRepository,
        ResourceKind::ArtifactGenerator,
        ResourceKind::ExternalArtifact,
    ];

    /// The `kind`.
    pub fn kind(self) -> &'static str {
        match self {
            ResourceKind::Bucket => "Bucket",
            ResourceKind::GitRepository => "GitRepository",
            ResourceKind::Kustomization => "Kustomization",
            ResourceKind::HelmRelease => "HelmRelease",
            ResourceKind::HelmChart => "HelmChart",
            ResourceKind::HelmRepository => "HelmRepository",
            ResourceKind::ImageRepository => "ImageRepository",
            ResourceKind::ImagePolicy => "ImagePolicy",
            ResourceKind::ImageUpdateAutomation => "ImageUpdateAutomation",
            ResourceKind::OciRepository => "OCIRepository",
            ResourceKind::ArtifactGenerator => "ArtifactGenerator",
            ResourceKind::ExternalArtifact => "ExternalArtifact",
        }
    }

    /// The `apiVersion`, always written: the controller has defaults for
    /// some kinds only (none for `ExternalArtifact`, `Kustomization`,
    /// `HelmRelease`, `ImagePolicy`, `ImageUpdateAutomation`).
    pub fn api_version(self) -> &'static str {
        match self {
            ResourceKind::Bucket
            | ResourceKind::GitRepository
            | ResourceKind::HelmChart
            | ResourceKind::HelmRepository
            | ResourceKind::OciRepository
            | ResourceKind::ExternalArtifact => "source.toolkit.fluxcd.io/v1",
            ResourceKind::Kustomization => "kustomize.toolkit.fluxcd.io/v1",
            ResourceKind::HelmRelease => "helm.toolkit.fluxcd.io/v2",
            ResourceKind::ImageRepository
            | ResourceKind::ImagePolicy
            | ResourceKind::ImageUpdateAutomation => "image.toolkit.fluxcd.io/v1",
            ResourceKind::ArtifactGenerator => "source.extensions.fluxcd.io/v1beta1",
        }
    }

    /// All kinds, comma-separated (for messages).
    pub fn names() -> String {
        Self::ALL.map(Self::kind).join(", ")
    }
}

impl fmt::Display for ResourceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.kind())
    }
}

impl FromStr for ResourceKind {
    type Err = UnknownResourceKind;

    /// Parses a `kind` exactly (the CRD's enum is case-sensitive).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|k| k.kind() == s)
            .ok_or_else(|| UnknownResourceKind(s.to_string()))
    }
}

/// A resource `kind` that the Receiver CRD does not accept.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown resource kind {0:?} (expected one of: {list})", list = ResourceKind::names())]
pub struct UnknownResourceKind(pub String);

/// A `spec.type` that is not one the notification-controller accepts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown Receiver type {0:?} (expected one of: {list})", list = ReceiverType::names())]
pub struct UnknownReceiverType(pub String);

impl ReceiverType {
    /// Every type, in the order of the Receivers documentation.
    pub const ALL: [ReceiverType; 13] = [
        ReceiverType::Generic,
        ReceiverType::GenericHmac,
        ReceiverType::GenericOidc,
        ReceiverType::GitHub,
        ReceiverType::GitLab,
        ReceiverType::Bitbucket,
        ReceiverType::Harbor,
        ReceiverType::DockerHub,
        ReceiverType::Quay,
        ReceiverType::Nexus,
        ReceiverType::Acr,
        ReceiverType::Gcr,
        ReceiverType::CdEvents,
    ];

    /// The `spec.type` value.
    pub fn as_str(self) -> &'static str {
        match self {
            ReceiverType::Generic => "generic",
            ReceiverType::GenericHmac => "generic-hmac",
            ReceiverType::GenericOidc => "generic-oidc",
            ReceiverType::GitHub => "github",
            ReceiverType::GitLab => "gitlab",
            ReceiverType::Bitbucket => "bitbucket",
            ReceiverType::Harbor => "harbor",
            ReceiverType::DockerHub => "dockerhub",
            ReceiverType::Quay => "quay",
            ReceiverType::Gcr => "gcr",
            ReceiverType::Nexus => "nexus",
            ReceiverType::Acr => "acr",
            ReceiverType::CdEvents => "cdevents",
        }
    }

    /// The sender's name, for messages.
    pub fn display_name(self) -> &'static str {
        match self {
            ReceiverType::Generic => "Generic webhook",
            ReceiverType::GenericHmac => "Generic webhook with HMAC",
            ReceiverType::GenericOidc => "Generic webhook with OIDC",
            ReceiverType::GitHub => "GitHub",
            ReceiverType::GitLab => "GitLab",
            ReceiverType::Bitbucket => "Bitbucket",
            ReceiverType::Harbor => "Harbor",
            ReceiverType::DockerHub => "Docker Hub",
            ReceiverType::Quay => "Quay",
            ReceiverType::Gcr => "Google Artifact Registry (gcr)",
            ReceiverType::Nexus => "Nexus",
            ReceiverType::Acr => "Azure Container Registry",
            ReceiverType::CdEvents => "CDEvents",
        }
    }

    /// All `spec.type` values, comma-separated (for messages).
    pub fn names() -> String {
        Self::ALL.map(Self::as_str).join(", ")
    }

    /// Whether the controller filters deliveries by `spec.events` for this type
    /// (the docs' "Supports filtering using Events" column).
    pub fn filters_events(self) -> bool {
        matches!(
            self,
            ReceiverType::GitHub
                | ReceiverType::GitLab
                | ReceiverType::Bitbucket
                | ReceiverType::CdEvents
        )
    }

    /// The `spec.events` the Flux documentation's example for this type lists
    /// (empty for the types that do not filter events).
    pub fn default_events(self) -> &'static [&'static str] {
        match self {
            ReceiverType::GitHub => &["ping", "push"],
            ReceiverType::GitLab => &["Push Hook", "Tag Push Hook"],
            ReceiverType::Bitbucket => &["repo:refs_changed"],
            ReceiverType::CdEvents => &["dev.cdevents.change.merged"],
            _ => &[],
        }
    }

    /// Whether a Receiver of this type has a token Secret (`spec.secretRef`).
    /// Only `generic-oidc` has none: its path is computed with an empty token.
    pub fn uses_token_secret(self) -> bool {
        self != ReceiverType::GenericOidc
    }

    /// Keys the token Secret needs besides `token` (`gcr`: `email` and `audience`).
    pub fn extra_secret_keys(self) -> &'static [&'static str] {
        match self {
            ReceiverType::Gcr => &["email", "audience"],
            _ => &[],
        }
    }

    /// Whether the controller checks the token (or an HMAC made with it) on
    /// every delivery. For the others, the secret path is the only protection.
    pub fn verifies_token(self) -> bool {
        matches!(
            self,
            ReceiverType::GenericHmac
                | ReceiverType::GitHub
                | ReceiverType::GitLab
                | ReceiverType::Bitbucket
                | ReceiverType::Harbor
                | ReceiverType::Nexus
        )
    }

    /// Whether the webhook path is the only credential of a Receiver of this
    /// type: the controller checks nothing else on a delivery (no token, no
    /// HMAC, no signed ID token). Then the URL must not be written anywhere
    /// that is committed, such as the token Secret's URL annotation.
    pub fn path_is_only_credential(self) -> bool {
        matches!(
            self,
            ReceiverType::Generic
                | ReceiverType::Quay
                | ReceiverType::DockerHub
                | ReceiverType::Acr
                | ReceiverType::CdEvents
        )
    }

    /// The resource a Receiver of this type usually reconciles.
    pub fn resource_kind(self) -> ResourceKind {
        match self {
            ReceiverType::Harbor
            | ReceiverType::DockerHub
            | ReceiverType::Quay
            | ReceiverType::Gcr
            | ReceiverType::Nexus
            | ReceiverType::Acr => ResourceKind::ImageRepository,
            _ => ResourceKind::GitRepository,
        }
    }

    /// Guesses the type from a Receiver name such as `tenant-github`: the
    /// longest type name the name contains (`generic-hmac` before `generic`).
    pub fn from_receiver_name(name: &str) -> Option<ReceiverType> {
        Self::ALL
            .into_iter()
            .filter(|t| name.contains(t.as_str()))
            .max_by_key(|t| t.as_str().len())
    }

    /// What to configure at the sender, in one line, from the Receivers
    /// documentation. `url` is the webhook URL; the token is never included.
    pub fn instructions(self, url: &str) -> String {
        match self {
            ReceiverType::Generic => format!(
                "any HTTP POST to {url} triggers a reconciliation (nothing is verified: the URL is the secret)"
            ),
            ReceiverType::GenericHmac => format!(
                "POST to {url} with header X-Signature: sha256=<hex HMAC-SHA256 of the body, keyed with the token> (sha1 and sha512 work too)"
            ),
            ReceiverType::GenericOidc => format!(
                "POST to {url} with Authorization: Bearer <OIDC ID token> (audience notification-controller unless spec.oidcProviders[].audience says otherwise); the path is not secret"
            ),
            ReceiverType::GitHub => format!(
                "Settings > Webhooks > Add webhook: Payload URL {url}, content type application/json, Secret = the token, events: push"
            ),
            ReceiverType::GitLab => format!(
                "Settings > Webhooks: URL {url}, Secret token = the token, triggers: Push events + Tag push events"
            ),
            ReceiverType::Bitbucket => format!(
                "Repository settings > Webhooks: URL {url}, Secret = the token, event: Repository push (Server: repo:refs_changed, Cloud: repo:push)"
            ),
            ReceiverType::Harbor => format!(
                "Project > Webhooks > New webhook: Endpoint URL {url}, Auth Header = the token"
            ),
            ReceiverType::DockerHub => format!(
                "Repository > Webhooks: Webhook URL {url} (Docker Hub sends no secret: the URL is the secret)"
            ),
            ReceiverType::Quay => format!(
                "Repository > Settings > Create Notification: event Push to Repository, Webhook POST to {url}"
            ),
            ReceiverType::Gcr => format!(
                "Pub/Sub push subscription on the gcr topic: endpoint URL {url}, authentication on, with the service account of the Secret's email key and its audience key"
            ),
            ReceiverType::Nexus => format!(
                "System > Capabilities > Webhook: Repository: URL {url}, Secret Key = the token"
            ),
            ReceiverType::Acr => format!(
                "Container registry > Webhooks > Add: Service URI {url}, actions: push"
            ),
            ReceiverType::CdEvents => format!(
                "send CDEvents (CloudEvents binary mode, event type in the Ce-Type header) to {url}"
            ),
        }
    }
}

impl fmt::Display for ReceiverType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ReceiverType {
    type Err = UnknownReceiverType;

    /// Parses a `spec.type` value exactly (the CRD's enum is case-sensitive).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|t| t.as_str() == s)
            .ok_or_else(|| UnknownReceiverType(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The CRD's `+kubebuilder:validation:Enum` list, copied from
    /// `api/v1/receiver_types.go`: every value parses, and nothing else.
    #[test]
    fn every_crd_type_parses_and_round_trips() {
        let crd = "generic;generic-hmac;generic-oidc;github;gitlab;bitbucket;harbor;dockerhub;quay;gcr;nexus;acr;cdevents";
        let mut seen = Vec::new();
        for s in crd.split(';') {
            let t: ReceiverType = s.parse().unwrap();
            assert_eq!(t.as_str(), s);
            assert_eq!(t.to_string(), s);
            seen.push(t);
        }
        seen.sort();
        let mut all = ReceiverType::ALL.to_vec();
        all.sort();
        assert_eq!(seen, all);
        for bad in ["GitHub", "", "gitea", "generic_hmac", "github "] {
            let e = bad.parse::<ReceiverType>().unwrap_err();
            assert!(e.to_string().contains("generic-hmac"), "{e}");
        }
    }

    /// The docs' "Supports filtering using Events" column.
    #[test]
    fn event_filtering_follows_the_docs_table() {
        let filtering: Vec<&str> = ReceiverType::ALL
            .into_iter()
            .filter(|t| t.filters_events())
            .map(ReceiverType::as_str)
            .collect();
        assert_eq!(filtering, ["github", "gitlab", "bitbucket", "cdevents"]);
        for t in ReceiverType::ALL {
            assert_eq!(t.filters_events(), !t.default_events().is_empty(), "{t}");
        }
    }

    #[test]
    fn secrets_and_resources() {
        assert!(!ReceiverType::GenericOidc.uses_token_secret());
        assert_eq!(
            ReceiverType::ALL
                .into_iter()
                .filter(|t| !t.uses_token_secret())
                .count(),
            1
        );
        assert_eq!(ReceiverType::Gcr.extra_secret_keys(), ["email", "audience"]);
        assert!(ReceiverType::GitHub.extra_secret_keys().is_empty());
        assert_eq!(
            ReceiverType::Harbor.resource_kind(),
            ResourceKind::ImageRepository
        );
        assert_eq!(
            ReceiverType::GitLab.resource_kind().api_version(),
            "source.toolkit.fluxcd.io/v1"
        );
    }

    /// The CRD's `spec.resources[].kind` enum, copied from
    /// `api/v1/reference_types.go` at v1.9.3: every value parses, and nothing else.
    #[test]
    fn every_crd_resource_kind_parses() {
        let crd = "Bucket;GitRepository;Kustomization;HelmRelease;HelmChart;HelmRepository;ImageRepository;ImagePolicy;ImageUpdateAutomation;OCIRepository;ArtifactGenerator;ExternalArtifact";
        let parsed: Vec<ResourceKind> = crd.split(';').map(|k| k.parse().unwrap()).collect();
        assert_eq!(parsed, ResourceKind::ALL);
        for k in ResourceKind::ALL {
            assert_eq!(k.to_string().parse::<ResourceKind>().unwrap(), k);
        }
        for bad in ["gitrepository", "Secret", "", "OciRepository"] {
            let e = bad.parse::<ResourceKind>().unwrap_err();
            assert!(e.to_string().contains("ExternalArtifact"), "{e}");
        }
        assert_eq!(
            ResourceKind::ArtifactGenerator.api_version(),
            "source.extensions.fluxcd.io/v1beta1"
        );
        assert_eq!(
            ResourceKind::ExternalArtifact.api_version(),
            "source.toolkit.fluxcd.io/v1"
        );
    }

    #[test]
    fn names_guess_the_longest_type() {
        let g = |n| ReceiverType::from_receiver_name(n);
        assert_eq!(g("tenant-github"), Some(ReceiverType::GitHub));
        assert_eq!(g("apps-generic-hmac"), Some(ReceiverType::GenericHmac));
        assert_eq!(g("apps-generic-oidc"), Some(ReceiverType::GenericOidc));
        assert_eq!(g("apps-generic"), Some(ReceiverType::Generic));
        assert_eq!(g("webhook"), None);
    }

    #[test]
    fn instructions_name_the_url_and_never_need_the_token() {
        for t in ReceiverType::ALL {
            let s = t.instructions("https://flux.example.org/hook/abc");
            assert!(s.contains("https://flux.example.org/hook/abc"), "{t}: {s}");
        }
        assert!(ReceiverType::GitHub
            .instructions("u")
            .contains("application/json"));
        assert!(ReceiverType::Harbor
            .instructions("u")
            .contains("Auth Header"));
    }
}
