//! The Receiver spec flags (`--resource`, `--resource-label`, `--filter`,
//! `--resource-filter`, `--oidc-*`) turned into the library's
//! [`ReceiverSpec`], once: their grouping (each flag belongs to the
//! `--resource` or `--oidc-issuer` before it), each CEL expression checked
//! with the flag named, and the library's one set of CRD rules applied to
//! every Receiver written.

use anyhow::{anyhow, Result};
use flux_receiver::{
    check_cel, CelPlace, OidcProvider, ReceiverResource, ReceiverSpec, ReceiverType, ResourceKind,
    SpecError,
};
use kubeseal_core::ObjectRef;

use crate::cli::{SpecArgs, SpecFlag, TokenArgs};

/// With `--receiver-manifests`, the spec of each Receiver `(name, type)` of
/// the main job (every type: its documented events, its resources, its token
/// Secret or OIDC providers, the filters), checked before a token exists;
/// without it, no spec flag may be given. `repo_for` is the resource of
/// `--git-repository`/`--image-repository` for a type.
pub fn specs<'a>(
    args: &TokenArgs,
    receivers: &[(&str, Option<ReceiverType>)],
    repo_for: impl Fn(ReceiverType) -> Option<&'a ObjectRef>,
) -> Result<Vec<(String, ReceiverSpec)>> {
    let plan = SpecPlan::read(&args.spec, args.resource_filter.as_deref())?;
    if args.receiver_manifests.is_none() {
        if let Some(flag) = plan.first_flag() {
            bail!("{flag} is written into the Receiver manifests: add --receiver-manifests DIR");
        }
        return Ok(Vec::new());
    }
    if receivers.is_empty() {
        bail!("--receiver-manifests needs Receivers: add --provider TYPE with --git-repository NAME (or --image-repository NAME), or --receiver NAME");
    }
    if plan.has_oidc()
        && !receivers
            .iter()
            .any(|(_, t)| *t == Some(ReceiverType::GenericOidc))
    {
        bail!("--oidc-issuer is for generic-oidc Receivers: add --provider generic-oidc");
    }
    let mut specs = Vec::with_capacity(receivers.len());
    for (name, kind) in receivers {
        let Some(kind) = *kind else {
            bail!("--receiver-manifests needs the type of Receiver {name}: add --provider TYPE (one for all, or one per --receiver)");
        };
        let repo = repo_for(kind);
        if repo.is_none() && !plan.has_resources() {
            let flag = match kind.resource_kind() {
                ResourceKind::ImageRepository => "--image-repository",
                _ => "--git-repository",
            };
            bail!(
                "Receiver {name} ({kind}) reconciles a {}: pass {flag} NAME (or --resource KIND/NAME) for its manifest",
                kind.resource_kind().kind()
            );
        }
        if !kind.uses_token_secret() && !plan.has_oidc() {
            bail!("Receiver {name} (generic-oidc) needs an OIDC provider in its manifest: pass --oidc-issuer URL with --oidc-validation EXPR");
        }
        specs.push((name.to_string(), plan.build(name, kind, &args.name, repo)?));
    }
    Ok(specs)
}

/// What the flags say about every Receiver written in one run.
#[derive(Debug, Default)]
pub struct SpecPlan {
    /// `--resource` entries; empty: the repository of each type.
    resources: Vec<ReceiverResource>,
    resource_filter: Option<String>,
    providers: Vec<OidcProvider>,
    /// The first flag given, to name in messages.
    first_flag: Option<&'static str>,
}

/// One `--oidc-issuer` group while it is read.
struct Draft {
    issuer: String,
    audience: Option<String>,
    variables: Vec<(String, String)>,
    validations: Vec<(String, Option<String>)>,
}

impl SpecPlan {
    /// Reads the flags in order. Flags before the first `--oidc-issuer`
    /// belong to it; `--resource-label` and `--filter` need a `--resource`
    /// before them.
    pub fn read(args: &SpecArgs, resource_filter: Option<&str>) -> Result<SpecPlan> {
        let mut plan = SpecPlan {
            resource_filter: resource_filter.map(str::to_string),
            first_flag: args
                .flags
                .first()
                .map(SpecFlag::flag)
                .or(resource_filter.map(|_| "--resource-filter")),
            ..SpecPlan::default()
        };
        if let Some(f) = resource_filter {
            check(
                "--resource-filter",
                f,
                CelPlace::ResourceFilter { claims: true },
            )?;
        }
        let mut drafts: Vec<Draft> = Vec::new();
        let mut before_issuer: Vec<&SpecFlag> = Vec::new();
        let issuers = args
            .flags
            .iter()
            .filter(|f| matches!(f, SpecFlag::OidcIssuer(_)))
            .count();
        for flag in &args.flags {
            match flag {
                SpecFlag::Resource(v) => plan.resources.push(resource(v)?),
                SpecFlag::ResourceLabel(v) => {
                    let r = plan.resources.pop().ok_or_else(|| {
                        anyhow!("--resource-label {v:?} applies to the --resource KIND/* before it; give that first")
                    })?;
                    let (k, val) = v
                        .split_once('=')
                        .ok_or_else(|| anyhow!("--resource-label {v:?}: expected KEY=VALUE"))?;
                    plan.resources.push(r.match_label(k, val));
                }
                SpecFlag::Filter(v) => {
                    let r = plan.resources.pop().ok_or_else(|| {
                        anyhow!("--filter applies to the --resource before it; give that first (--resource-filter applies to all)")
                    })?;
                    check("--filter", v, CelPlace::ResourceFilter { claims: true })?;
                    plan.resources.push(r.filter(v));
                }
                SpecFlag::OidcIssuer(v) => drafts.push(Draft {
                    issuer: v.clone(),
                    audience: None,
                    variables: Vec::new(),
                    validations: Vec::new(),
                }),
                other if drafts.is_empty() => {
                    if issuers == 0 {
                        return Err(anyhow!(
                            "{} is for an OIDC issuer: give --oidc-issuer URL (generic-oidc Receivers)",
                            other.flag()
                        ));
                    }
                    before_issuer.push(other);
                }
                other => {
                    let last = drafts.len() - 1;
                    oidc_flag(&mut drafts[last], other)?;
                }
            }
            if let (Some(first), SpecFlag::OidcIssuer(_)) = (drafts.first_mut(), flag) {
                for f in before_issuer.drain(..) {
                    oidc_flag(first, f)?;
                }
            }
        }
        for d in drafts {
            if d.validations.is_empty() {
                return Err(anyhow!(
                    "--oidc-issuer {}: give at least one --oidc-validation EXPR for it (the controller requires one: a valid signature alone lets anyone the issuer serves trigger the Receiver)",
                    d.issuer
                ));
            }
            let mut p = OidcProvider::new(&d.issuer);
            if let Some(a) = d.audience {
                p = p.audience(a);
            }
            for (n, e) in d.variables {
                p = p.variable(n, e);
            }
            for (e, m) in d.validations {
                p = p.validation(e, m);
            }
            plan.providers.push(p);
        }
        Ok(plan)
    }

    /// The first flag given, if any (for "needs --receiver-manifests").
    pub fn first_flag(&self) -> Option<&'static str> {
        self.first_flag
    }

    /// Whether `--resource` names the resources (else each type's repository).
    pub fn has_resources(&self) -> bool {
        !self.resources.is_empty()
    }

    /// Whether OIDC providers were given.
    pub fn has_oidc(&self) -> bool {
        !self.providers.is_empty()
    }

    /// The spec of the Receiver `name` of `kind`: `--resource` or else
    /// `default_resource`, the token Secret or the OIDC providers, the
    /// filters; checked against the CRD's rules, a failure naming the flag.
    pub fn build(
        &self,
        name: &str,
        kind: ReceiverType,
        token_secret: &str,
        default_resource: Option<&ObjectRef>,
    ) -> Result<ReceiverSpec> {
        let mut spec = ReceiverSpec::new(kind);
        if self.resources.is_empty() {
            if let Some(r) = default_resource {
                spec = spec.resource(
                    ReceiverResource::new(kind.resource_kind(), &r.name).namespace(&r.namespace),
                );
            }
        }
        for r in &self.resources {
            spec = spec.resource(r.clone());
        }
        if kind.uses_token_secret() {
            spec = spec.secret_ref(token_secret);
        } else {
            for p in &self.providers {
                spec = spec.oidc_provider(p.clone());
            }
        }
        if let Some(f) = &self.resource_filter {
            spec = spec.resource_filter(f);
        }
        spec.validate().map_err(|e| {
            anyhow!(
                "Receiver {name} ({kind}): {}{e}",
                flag_of(&e).map(|f| format!("{f}: ")).unwrap_or_default()
            )
        })?;
        Ok(spec)
    }
}

/// `KIND/NAME`, `KIND/NAMESPACE/NAME` or `KIND/*`.
fn resource(v: &str) -> Result<ReceiverResource> {
    let mut parts = v.splitn(3, '/');
    let (kind, a, b) = (parts.next(), parts.next(), parts.next());
    let (Some(kind), Some(a)) = (kind, a) else {
        return Err(anyhow!(
            "--resource {v:?}: expected KIND/NAME, KIND/NAMESPACE/NAME or KIND/*"
        ));
    };
    let kind: ResourceKind = kind.parse().map_err(|e| anyhow!("--resource {v:?}: {e}"))?;
    Ok(match b {
        Some(name) => ReceiverResource::new(kind, name).namespace(a),
        None => ReceiverResource::new(kind, a),
    })
}

/// One `--oidc-audience`, `--oidc-variable`, `--oidc-validation` or
/// `--oidc-message` into its issuer's group.
fn oidc_flag(d: &mut Draft, flag: &SpecFlag) -> Result<()> {
    match flag {
        SpecFlag::OidcAudience(a) if d.audience.replace(a.clone()).is_some() => {
            return Err(anyhow!(
                "--oidc-issuer {}: --oidc-audience is given twice",
                d.issuer
            ));
        }
        SpecFlag::OidcVariable(v) => {
            let (n, e) = v
                .split_once('=')
                .ok_or_else(|| anyhow!("--oidc-variable {v:?}: expected NAME=EXPR"))?;
            check("--oidc-variable", e, CelPlace::OidcVariable)?;
            d.variables.push((n.to_string(), e.to_string()));
        }
        SpecFlag::OidcValidation(e) => {
            check("--oidc-validation", e, CelPlace::OidcValidation)?;
            d.validations.push((e.clone(), None));
        }
        SpecFlag::OidcMessage(m) => match d.validations.last_mut() {
            Some((_, msg @ None)) => *msg = Some(m.clone()),
            Some(_) => {
                return Err(anyhow!(
                    "--oidc-message {m:?}: the --oidc-validation before it has a message already"
                ))
            }
            None => {
                return Err(anyhow!(
                "--oidc-message {m:?} applies to the --oidc-validation before it; give that first"
            ))
            }
        },
        _ => {}
    }
    Ok(())
}

/// A CEL expression checked for its place, the flag named.
fn check(flag: &str, expr: &str, place: CelPlace) -> Result<()> {
    check_cel(expr, place).map_err(|e| anyhow!("{flag} {expr:?}: {e}"))
}

/// The flag that sets the field a [`SpecError`] names.
fn flag_of(e: &SpecError) -> Option<&'static str> {
    let field = match e {
        SpecError::Invalid { field, .. } | SpecError::Cel { field, .. } => field.as_str(),
        _ => return None,
    };
    Some(if field == "spec.resourceFilter" {
        "--resource-filter"
    } else if field.ends_with(".filter") {
        "--filter"
    } else if field.contains("matchLabels") {
        "--resource-label"
    } else if field.starts_with("spec.resources") {
        "--resource"
    } else if field.contains("audience") {
        "--oidc-audience"
    } else if field.contains("variables") {
        "--oidc-variable"
    } else if field.ends_with("message") {
        "--oidc-message"
    } else if field.contains("validations") {
        "--oidc-validation"
    } else if field.contains("issuerURL") {
        "--oidc-issuer"
    } else if field.starts_with("spec.secretRef") {
        "--name"
    } else {
        return None;
    })
}
