//! A Receiver's `spec` as typed data, with the one place that holds the
//! rules the notification-controller's CRD (`notification.toolkit.fluxcd.io/v1`,
//! v1.9) and the controller enforce: its `openAPIV3Schema` (enums, patterns,
//! lengths, required fields, `minItems`, the `issuerURL` list-map key), its
//! four `x-kubernetes-validations` (CEL) rules, and what the controller
//! checks later (expressions that compile, `matchLabels` with name `*`).

use std::collections::BTreeMap;

use k8s_manifest::emit::Out;
use k8s_manifest::names;

use crate::{check_cel, CelError, CelPlace, ReceiverType, ResourceKind};

/// The audience the controller expects when an OIDC provider names none
/// (`DefaultOIDCAudience`).
pub const DEFAULT_OIDC_AUDIENCE: &str = "notification-controller";

/// A Receiver `spec`, built with [`ReceiverSpec::new`] and its builder
/// methods, checked by [`ReceiverSpec::validate`] and written by
/// [`receiver_manifest`](crate::receiver_manifest).
///
/// ```
/// use flux_receiver::{OidcProvider, ReceiverResource, ReceiverSpec, ReceiverType, ResourceKind};
///
/// let spec = ReceiverSpec::new(ReceiverType::GenericOidc)
///     .oidc_provider(
///         OidcProvider::new("https://token.actions.githubusercontent.com")
///             .validation("claims.repository_owner == 'acme'", None),
///     )
///     .resource(ReceiverResource::new(ResourceKind::GitRepository, "apps"));
/// assert!(spec.validate().is_ok());
/// // generic-oidc has no secretRef (the CRD's CEL rule):
/// assert!(spec.secret_ref("webhook-token").validate().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiverSpec {
    receiver_type: ReceiverType,
    events: Vec<String>,
    secret_ref: Option<String>,
    oidc_providers: Vec<OidcProvider>,
    resources: Vec<ReceiverResource>,
    resource_filter: Option<String>,
}

/// One `spec.resources[]` entry: a kind and a name, or `*` with
/// `matchLabels`; a namespace, a per-resource CEL `filter`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiverResource {
    kind: ResourceKind,
    name: String,
    namespace: Option<String>,
    match_labels: BTreeMap<String, String>,
    filter: Option<String>,
}

/// One `spec.oidcProviders[]` entry of a `generic-oidc` Receiver.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OidcProvider {
    issuer_url: String,
    audience: Option<String>,
    variables: Vec<(String, String)>,
    validations: Vec<(String, String)>,
}

/// A Receiver spec the API server or the controller would refuse. The
/// message names the field (`spec.…`) and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SpecError {
    /// One of the CRD's four `x-kubernetes-validations` rules; the message
    /// is the CRD's.
    #[error("{0}")]
    Rule(&'static str),
    /// A field breaks the schema or the controller's checks.
    #[error("{field}: {reason}")]
    Invalid {
        /// The field, e.g. `spec.oidcProviders[0].issuerURL`.
        field: String,
        /// What is wrong with it.
        reason: String,
    },
    /// An expression would not compile in the controller.
    #[error("{field}: {source}")]
    Cel {
        /// The field, e.g. `spec.resourceFilter`.
        field: String,
        /// Why.
        source: CelError,
    },
}

fn invalid(field: impl Into<String>, reason: impl Into<String>) -> SpecError {
    SpecError::Invalid {
        field: field.into(),
        reason: reason.into(),
    }
}

impl ReceiverSpec {
    /// A spec of `receiver_type` with its documented default events
    /// ([`ReceiverType::default_events`]), and nothing else yet.
    pub fn new(receiver_type: ReceiverType) -> Self {
        ReceiverSpec {
            receiver_type,
            events: receiver_type
                .default_events()
                .iter()
                .map(|e| e.to_string())
                .collect(),
            secret_ref: None,
            oidc_providers: Vec::new(),
            resources: Vec::new(),
            resource_filter: None,
        }
    }

    /// `spec.secretRef.name`: the token Secret (every type but `generic-oidc`).
    pub fn secret_ref(mut self, name: impl Into<String>) -> Self {
        self.secret_ref = Some(name.into());
        self
    }

    /// Replaces `spec.events`.
    pub fn events(mut self, events: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.events = events.into_iter().map(Into::into).collect();
        self
    }

    /// Adds a `spec.oidcProviders[]` entry (`generic-oidc` only).
    pub fn oidc_provider(mut self, provider: OidcProvider) -> Self {
        self.oidc_providers.push(provider);
        self
    }

    /// Adds a `spec.resources[]` entry.
    pub fn resource(mut self, resource: ReceiverResource) -> Self {
        self.resources.push(resource);
        self
    }

    /// `spec.resourceFilter`: a CEL expression over `res`, `req` (and
    /// `claims` for `generic-oidc`).
    pub fn resource_filter(mut self, expr: impl Into<String>) -> Self {
        self.resource_filter = Some(expr.into());
        self
    }

    /// The type.
    pub fn receiver_type(&self) -> ReceiverType {
        self.receiver_type
    }

    /// The resources.
    pub fn resources(&self) -> &[ReceiverResource] {
        &self.resources
    }

    /// The OIDC providers.
    pub fn oidc_providers(&self) -> &[OidcProvider] {
        &self.oidc_providers
    }

    /// Checks every rule of the CRD and the controller: the four CEL rules
    /// (`generic-oidc` needs `oidcProviders` and no `secretRef`, every other
    /// type a `secretRef` and no `oidcProviders`), at least one resource,
    /// names and lengths, `matchLabels` only with the name `*` (and `*` only
    /// with `matchLabels`), issuer URLs (`^https?://`, each once), at least
    /// one validation per provider, variable names that are CEL identifiers
    /// (each once), and every expression through [`check_cel`].
    pub fn validate(&self) -> Result<(), SpecError> {
        let oidc = self.receiver_type == ReceiverType::GenericOidc;
        if oidc && self.oidc_providers.is_empty() {
            return Err(SpecError::Rule(
                "generic-oidc receivers must define at least one oidcProvider",
            ));
        }
        if !oidc && !self.oidc_providers.is_empty() {
            return Err(SpecError::Rule(
                "oidcProviders can only be set when type is generic-oidc",
            ));
        }
        if oidc && self.secret_ref.is_some() {
            return Err(SpecError::Rule(
                "secretRef cannot be set when type is generic-oidc",
            ));
        }
        if !oidc && self.secret_ref.is_none() {
            return Err(SpecError::Rule(
                "secretRef is required when type is not generic-oidc",
            ));
        }
        if let Some(name) = &self.secret_ref {
            names::object_name(name).map_err(|e| invalid("spec.secretRef.name", e.to_string()))?;
        }
        if self.resources.is_empty() {
            return Err(invalid(
                "spec.resources",
                "at least one resource is required",
            ));
        }
        for (i, r) in self.resources.iter().enumerate() {
            r.validate(&format!("spec.resources[{i}]"), oidc)?;
        }
        if let Some(f) = &self.resource_filter {
            cel(
                "spec.resourceFilter",
                f,
                CelPlace::ResourceFilter { claims: oidc },
            )?;
        }
        for (i, p) in self.oidc_providers.iter().enumerate() {
            let field = format!("spec.oidcProviders[{i}]");
            if self.oidc_providers[..i]
                .iter()
                .any(|q| q.issuer_url == p.issuer_url)
            {
                return Err(invalid(
                    format!("{field}.issuerURL"),
                    format!(
                        "{:?} is given twice (issuerURL is the list's key)",
                        p.issuer_url
                    ),
                ));
            }
            p.validate(&field)?;
        }
        Ok(())
    }
}

impl ReceiverResource {
    /// A resource of `kind` named `name`; `*` (with [`match_label`](Self::match_label))
    /// for every resource of the kind whose labels match.
    pub fn new(kind: ResourceKind, name: impl Into<String>) -> Self {
        ReceiverResource {
            kind,
            name: name.into(),
            namespace: None,
            match_labels: BTreeMap::new(),
            filter: None,
        }
    }

    /// The namespace (default: the Receiver's).
    pub fn namespace(mut self, namespace: impl Into<String>) -> Self {
        self.namespace = Some(namespace.into());
        self
    }

    /// Adds a `matchLabels` entry (the name must be `*`).
    pub fn match_label(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.match_labels.insert(key.into(), value.into());
        self
    }

    /// The per-resource CEL `filter`, evaluated after `spec.resourceFilter`.
    pub fn filter(mut self, expr: impl Into<String>) -> Self {
        self.filter = Some(expr.into());
        self
    }

    /// The kind.
    pub fn kind(&self) -> ResourceKind {
        self.kind
    }

    /// The name, or `*`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The namespace, when one is set.
    pub fn namespace_ref(&self) -> Option<&str> {
        self.namespace.as_deref()
    }

    fn validate(&self, field: &str, oidc: bool) -> Result<(), SpecError> {
        if self.name == "*" {
            if self.match_labels.is_empty() {
                return Err(invalid(
                    format!("{field}.matchLabels"),
                    "the name * needs matchLabels (the controller refuses a wildcard without them)",
                ));
            }
        } else {
            names::object_name(&self.name)
                .map_err(|e| invalid(format!("{field}.name"), e.to_string()))?;
            if !self.match_labels.is_empty() {
                return Err(invalid(
                    format!("{field}.matchLabels"),
                    "matchLabels requires the name to be *",
                ));
            }
        }
        if let Some(ns) = &self.namespace {
            names::namespace(ns)
                .map_err(|e| invalid(format!("{field}.namespace"), e.to_string()))?;
        }
        for (k, v) in &self.match_labels {
            names::label_key(k)
                .map_err(|e| invalid(format!("{field}.matchLabels"), e.to_string()))?;
            names::label_value(v)
                .map_err(|e| invalid(format!("{field}.matchLabels.{k}"), e.to_string()))?;
        }
        if let Some(f) = &self.filter {
            cel(
                &format!("{field}.filter"),
                f,
                CelPlace::ResourceFilter { claims: oidc },
            )?;
        }
        Ok(())
    }
}

impl OidcProvider {
    /// A provider for tokens whose `iss` claim is `issuer_url`.
    pub fn new(issuer_url: impl Into<String>) -> Self {
        OidcProvider {
            issuer_url: issuer_url.into(),
            audience: None,
            variables: Vec::new(),
            validations: Vec::new(),
        }
    }

    /// The expected `aud` claim (written as [`DEFAULT_OIDC_AUDIENCE`] when not set).
    pub fn audience(mut self, audience: impl Into<String>) -> Self {
        self.audience = Some(audience.into());
        self
    }

    /// Adds a variable, readable as `vars.NAME` by the variables after it
    /// and by the validations.
    pub fn variable(mut self, name: impl Into<String>, expr: impl Into<String>) -> Self {
        self.variables.push((name.into(), expr.into()));
        self
    }

    /// Adds a validation; without a message, the message written is
    /// [`OidcProvider::default_message`] of the expression (the CRD requires one).
    pub fn validation(mut self, expr: impl Into<String>, message: Option<String>) -> Self {
        let expr = expr.into();
        let message = message.unwrap_or_else(|| Self::default_message(&expr));
        self.validations.push((expr, message));
        self
    }

    /// The message written for a validation given without one: it names the
    /// expression, as the controller returns it to the caller on failure.
    pub fn default_message(expr: &str) -> String {
        format!("token claims do not satisfy: {expr}")
    }

    /// The issuer URL.
    pub fn issuer_url(&self) -> &str {
        &self.issuer_url
    }

    /// The audience written: the one set, else [`DEFAULT_OIDC_AUDIENCE`].
    pub fn audience_or_default(&self) -> &str {
        self.audience.as_deref().unwrap_or(DEFAULT_OIDC_AUDIENCE)
    }

    /// The variables (name, expression), in order.
    pub fn variables(&self) -> &[(String, String)] {
        &self.variables
    }

    /// The validations (expression, message), in order.
    pub fn validations(&self) -> &[(String, String)] {
        &self.validations
    }

    fn validate(&self, field: &str) -> Result<(), SpecError> {
        let url = &self.issuer_url;
        if !(url.starts_with("https://") || url.starts_with("http://")) {
            return Err(invalid(
                format!("{field}.issuerURL"),
                format!("{url:?} must start with https:// or http://"),
            ));
        }
        if self.audience.as_deref() == Some("") {
            return Err(invalid(format!("{field}.audience"), "empty"));
        }
        for (j, (name, expr)) in self.variables.iter().enumerate() {
            let vfield = format!("{field}.variables[{j}]");
            if !is_cel_identifier(name) {
                return Err(invalid(
                    format!("{vfield}.name"),
                    format!("{name:?} is not a CEL identifier (a letter or _, then letters, digits or _; not a reserved word)"),
                ));
            }
            if self.variables[..j].iter().any(|(n, _)| n == name) {
                return Err(invalid(
                    format!("{vfield}.name"),
                    format!("{name:?} is defined twice"),
                ));
            }
            cel(
                &format!("{vfield}.expression"),
                expr,
                CelPlace::OidcVariable,
            )?;
        }
        if self.validations.is_empty() {
            return Err(invalid(
                format!("{field}.validations"),
                "at least one validation is required: a valid signature alone lets anyone the issuer serves trigger the Receiver",
            ));
        }
        for (j, (expr, message)) in self.validations.iter().enumerate() {
            let vfield = format!("{field}.validations[{j}]");
            cel(
                &format!("{vfield}.expression"),
                expr,
                CelPlace::OidcValidation,
            )?;
            if message.trim().is_empty() {
                return Err(invalid(format!("{vfield}.message"), "empty"));
            }
        }
        Ok(())
    }
}

impl ReceiverSpec {
    /// The `spec` mapping, in the order the Flux docs write it: `type`,
    /// `events`, `secretRef`, `oidcProviders`, `resources`, `resourceFilter`.
    /// `receiver_namespace` leaves out a resource namespace equal to it.
    pub(crate) fn to_out(&self, receiver_namespace: &str) -> Out {
        let mut spec = Out::map();
        spec.put("type", Out::Str(self.receiver_type.as_str().into()));
        if !self.events.is_empty() {
            spec.put(
                "events",
                Out::Seq(self.events.iter().map(|e| Out::Quoted(e.clone())).collect()),
            );
        }
        if let Some(name) = &self.secret_ref {
            let mut secret_ref = Out::map();
            secret_ref.put("name", Out::Str(name.clone()));
            spec.put("secretRef", secret_ref);
        }
        if !self.oidc_providers.is_empty() {
            spec.put(
                "oidcProviders",
                Out::Seq(
                    self.oidc_providers
                        .iter()
                        .map(OidcProvider::to_out)
                        .collect(),
                ),
            );
        }
        spec.put(
            "resources",
            Out::Seq(
                self.resources
                    .iter()
                    .map(|r| r.to_out(receiver_namespace))
                    .collect(),
            ),
        );
        if let Some(f) = &self.resource_filter {
            spec.put("resourceFilter", Out::Str(f.clone()));
        }
        spec
    }
}

impl ReceiverResource {
    fn to_out(&self, receiver_namespace: &str) -> Out {
        let mut o = Out::map();
        o.put("apiVersion", Out::Str(self.kind.api_version().into()));
        o.put("kind", Out::Str(self.kind.kind().into()));
        o.put("name", Out::Str(self.name.clone()));
        if let Some(ns) = self
            .namespace
            .as_ref()
            .filter(|ns| *ns != receiver_namespace)
        {
            o.put("namespace", Out::Str(ns.clone()));
        }
        if !self.match_labels.is_empty() {
            o.put_string_map("matchLabels", &self.match_labels, false);
        }
        if let Some(f) = &self.filter {
            o.put("filter", Out::Str(f.clone()));
        }
        o
    }
}

impl OidcProvider {
    fn to_out(&self) -> Out {
        let mut o = Out::map();
        o.put("issuerURL", Out::Str(self.issuer_url.clone()));
        o.put("audience", Out::Str(self.audience_or_default().into()));
        if !self.variables.is_empty() {
            o.put(
                "variables",
                Out::Seq(
                    self.variables
                        .iter()
                        .map(|(name, expr)| {
                            let mut v = Out::map();
                            v.put("name", Out::Str(name.clone()));
                            v.put("expression", Out::Str(expr.clone()));
                            v
                        })
                        .collect(),
                ),
            );
        }
        o.put(
            "validations",
            Out::Seq(
                self.validations
                    .iter()
                    .map(|(expr, message)| {
                        let mut v = Out::map();
                        v.put("expression", Out::Str(expr.clone()));
                        v.put("message", Out::Str(message.clone()));
                        v
                    })
                    .collect(),
            ),
        );
        o
    }
}

fn cel(field: &str, expr: &str, place: CelPlace) -> Result<(), SpecError> {
    check_cel(expr, place).map_err(|source| SpecError::Cel {
        field: field.to_string(),
        source,
    })
}

/// CEL's identifier rule (`[_a-zA-Z][_a-zA-Z0-9]*`, not a reserved word).
pub(crate) fn is_cel_identifier(s: &str) -> bool {
    const RESERVED: [&str; 22] = [
        "true",
        "false",
        "null",
        "in",
        "as",
        "break",
        "const",
        "continue",
        "else",
        "for",
        "function",
        "if",
        "import",
        "let",
        "loop",
        "package",
        "namespace",
        "return",
        "var",
        "void",
        "while",
        "__proto__",
    ];
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c == '_' || c.is_ascii_alphabetic())
        && chars.all(|c| c == '_' || c.is_ascii_alphanumeric())
        && !RESERVED.contains(&s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn git(name: &str) -> ReceiverResource {
        ReceiverResource::new(ResourceKind::GitRepository, name)
    }

    fn oidc() -> OidcProvider {
        OidcProvider::new("https://token.actions.githubusercontent.com")
            .validation("claims.repository_owner == 'acme'", None)
    }

    fn reason(spec: &ReceiverSpec) -> String {
        spec.validate().unwrap_err().to_string()
    }

    /// The CRD's four `x-kubernetes-validations` rules, with its messages.
    #[test]
    fn the_four_cel_rules() {
        let base = |t| ReceiverSpec::new(t).resource(git("apps"));
        assert_eq!(
            reason(&base(ReceiverType::GenericOidc)),
            "generic-oidc receivers must define at least one oidcProvider"
        );
        assert_eq!(
            reason(
                &base(ReceiverType::GitHub)
                    .secret_ref("t")
                    .oidc_provider(oidc())
            ),
            "oidcProviders can only be set when type is generic-oidc"
        );
        assert_eq!(
            reason(
                &base(ReceiverType::GenericOidc)
                    .oidc_provider(oidc())
                    .secret_ref("t")
            ),
            "secretRef cannot be set when type is generic-oidc"
        );
        assert_eq!(
            reason(&base(ReceiverType::Generic)),
            "secretRef is required when type is not generic-oidc"
        );
        assert!(base(ReceiverType::GenericOidc)
            .oidc_provider(oidc())
            .validate()
            .is_ok());
        assert!(base(ReceiverType::Generic)
            .secret_ref("t")
            .validate()
            .is_ok());
    }

    #[test]
    fn resources_names_labels_and_filters() {
        let s = |r: ReceiverResource| {
            ReceiverSpec::new(ReceiverType::Generic)
                .secret_ref("t")
                .resource(r)
        };
        assert!(
            reason(&ReceiverSpec::new(ReceiverType::Generic).secret_ref("t"))
                .starts_with("spec.resources: ")
        );
        assert!(reason(&s(git("*"))).starts_with("spec.resources[0].matchLabels: the name * needs"));
        assert!(reason(&s(git("a").match_label("app", "web")))
            .contains("matchLabels requires the name to be *"));
        assert!(s(git("*").match_label("app", "web")).validate().is_ok());
        assert!(reason(&s(git("*").match_label("app", "-bad"))).contains("label value"));
        assert!(reason(&s(git("*").match_label("a b", "x"))).contains("label key"));
        assert!(reason(&s(git("Apps"))).starts_with("spec.resources[0].name: "));
        assert!(reason(&s(git(&"a".repeat(254)))).starts_with("spec.resources[0].name: "));
        assert!(reason(&s(git("a").namespace("Bad"))).starts_with("spec.resources[0].namespace: "));
        #[cfg(feature = "cel")]
        {
            assert!(reason(&s(git("a").filter("res.x ==")))
                .starts_with("spec.resources[0].filter: not valid CEL"));
            assert!(reason(&s(git("a").filter("claims.x == 1"))).contains("undeclared reference"));
            assert!(
                reason(&s(git("a")).resource_filter("req")).starts_with("spec.resourceFilter: ")
            );
        }
        assert!(reason(&s(git("a")).secret_ref("Bad_Name")).starts_with("spec.secretRef.name: "));
    }

    #[test]
    fn oidc_providers() {
        let s = |p: OidcProvider| {
            ReceiverSpec::new(ReceiverType::GenericOidc)
                .resource(git("a"))
                .oidc_provider(p)
        };
        assert!(reason(&s(OidcProvider::new("https://x")))
            .starts_with("spec.oidcProviders[0].validations: at least one"));
        assert!(
            reason(&s(OidcProvider::new("ftp://x").validation("true", None)))
                .starts_with("spec.oidcProviders[0].issuerURL: ")
        );
        assert!(reason(&s(oidc()).oidc_provider(oidc())).contains("given twice"));
        assert!(reason(&s(oidc().variable("1x", "claims.a"))).contains("not a CEL identifier"));
        assert!(reason(&s(oidc().variable("in", "claims.a"))).contains("not a CEL identifier"));
        assert!(reason(&s(oidc()
            .variable("a", "claims.a")
            .variable("a", "claims.b")))
        .contains("defined twice"));
        assert!(
            reason(&s(oidc().validation("true", Some(" ".into())))).ends_with(".message: empty")
        );
        assert!(reason(&s(oidc().audience(""))).ends_with(".audience: empty"));
        #[cfg(feature = "cel")]
        assert!(reason(&s(oidc().validation("claims.admin", None))).contains("must be a boolean"));
        assert_eq!(oidc().audience_or_default(), "notification-controller");
        assert_eq!(
            oidc().validations()[0].1,
            "token claims do not satisfy: claims.repository_owner == 'acme'"
        );
        for ok in ["a", "_x", "is_main", "A1"] {
            assert!(is_cel_identifier(ok), "{ok}");
        }
        for bad in ["", "1a", "a-b", "a.b", "true", "null", "in"] {
            assert!(!is_cel_identifier(bad), "{bad}");
        }
    }
}
