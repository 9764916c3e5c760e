//! How the binary reaches a cluster, as client-go (and so kubectl and
//! kubeseal) reads it: the kubeconfig files, the context, kubectl's override
//! flags, and the namespace a Secret without one is sealed for.
//!
//! One place for these rules; the certificate source ([`crate::cert_source`])
//! and the controller's API ([`crate::controller`]) connect through
//! [`ClusterAccess::client_config`], and `seal` asks
//! [`ClusterAccess::namespace`].
//!
//! The kubeconfig: `--kubeconfig`, else every file of `KUBECONFIG` that
//! exists, merged (the first to set a value wins; files that do not exist are
//! skipped, as client-go skips them), else `~/.kube/config` when it exists.
//! kubectl's flags override what the kubeconfig says for the chosen context;
//! `--server` needs no kubeconfig at all.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Result;

use crate::cli::{ControllerArgs, KubectlArgs};

/// The kubeconfig, context and kubectl flags, checked once.
#[derive(Debug, Clone, Default)]
// Without the feature `cluster`, no cluster is reached: only the checks run.
#[cfg_attr(not(feature = "cluster"), allow(dead_code))]
pub struct ClusterAccess {
    /// `--kubeconfig` (default: `KUBECONFIG`, else `~/.kube/config`).
    pub kubeconfig: Option<PathBuf>,
    /// `--context` (default: the current context).
    pub context: Option<String>,
    /// kubectl's override flags.
    pub overrides: Overrides,
}

/// There is no cluster to connect to: no kubeconfig, no `--server`, and not
/// running in a pod. Callers say what needed the cluster and what to pass instead.
#[derive(Debug)]
#[cfg_attr(not(feature = "cluster"), allow(dead_code))]
pub struct NoCluster;

impl std::fmt::Display for NoCluster {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(
            "no kubeconfig found ($KUBECONFIG, ~/.kube/config) and not running in a cluster",
        )
    }
}

impl std::error::Error for NoCluster {}

/// kubectl's flags that override the kubeconfig (client-go's `ConfigOverrides`).
#[derive(Debug, Clone, Default)]
#[cfg_attr(not(feature = "cluster"), allow(dead_code))]
pub struct Overrides {
    /// `--cluster`: the kubeconfig cluster to use instead of the context's.
    pub cluster: Option<String>,
    /// `--user`: the kubeconfig user to use instead of the context's.
    pub user: Option<String>,
    /// `-s/--server`.
    pub server: Option<String>,
    /// `--token` (its `Debug` is redacted).
    pub token: Option<crate::cli::SecretArg>,
    /// `--certificate-authority`.
    pub certificate_authority: Option<PathBuf>,
    /// `--client-certificate`.
    pub client_certificate: Option<PathBuf>,
    /// `--client-key`.
    pub client_key: Option<PathBuf>,
    /// `--insecure-skip-tls-verify`.
    pub insecure_skip_tls_verify: bool,
    /// `--tls-server-name`.
    pub tls_server_name: Option<String>,
    /// `--proxy-url`.
    pub proxy_url: Option<String>,
    /// `--username`.
    pub username: Option<String>,
    /// `--password` (its `Debug` is redacted).
    pub password: Option<crate::cli::SecretArg>,
    /// `--as`.
    pub impersonate: Option<String>,
    /// `--as-group`, repeatable.
    pub impersonate_groups: Vec<String>,
    /// `--request-timeout`: replaces the network timeout for each request.
    pub request_timeout: Option<Duration>,
}

impl ClusterAccess {
    /// From the command line; a malformed `--request-timeout` or `--server` is
    /// a usage error.
    pub fn from_args(args: &ControllerArgs) -> Result<Self> {
        let overrides = match &args.kubectl {
            Some(k) => Overrides::from_args(k)?,
            None => Overrides::default(),
        };
        Ok(ClusterAccess {
            kubeconfig: args.kubeconfig.clone(),
            context: args.context.clone(),
            overrides,
        })
    }
}

impl Overrides {
    fn from_args(k: &KubectlArgs) -> Result<Self> {
        if let Some(server) = &k.server {
            if server.is_empty() || server.chars().any(char::is_whitespace) {
                bail!("--server {server:?} is not a URL");
            }
        }
        let request_timeout = match &k.request_timeout {
            None => None,
            Some(v) => {
                Some(crate::args::duration("--request-timeout", v)?).filter(|d| !d.is_zero())
            }
        };
        Ok(Overrides {
            cluster: k.cluster.clone(),
            user: k.user.clone(),
            server: k.server.clone(),
            token: k.token.clone(),
            certificate_authority: k.certificate_authority.clone(),
            client_certificate: k.client_certificate.clone(),
            client_key: k.client_key.clone(),
            insecure_skip_tls_verify: k.insecure_skip_tls_verify,
            tls_server_name: k.tls_server_name.clone(),
            proxy_url: k.proxy_url.clone(),
            username: k.username.clone(),
            password: k.password.clone(),
            impersonate: k.as_user.clone(),
            impersonate_groups: k.as_group.clone(),
            request_timeout,
        })
    }
}

#[cfg(feature = "cluster")]
mod client {
    use std::path::{Path, PathBuf};

    use anyhow::{anyhow, Result};
    use k8s_manifest::escape::error_chain;
    use kube::config::{
        AuthInfo, Cluster, Context, KubeConfigOptions, Kubeconfig, KubeconfigError, NamedAuthInfo,
        NamedCluster, NamedContext,
    };

    use super::{ClusterAccess, Overrides};

    /// The name of the context, cluster and user made up for kubectl's flags
    /// when there is no kubeconfig (`--server` alone).
    const FLAGS_ONLY: &str = "command-line";

    impl ClusterAccess {
        /// The namespace of the chosen context (`--context`, else the current
        /// one), `default` when the context names none; `None` when there is
        /// no kubeconfig (and no `--server`), as there is no context to ask.
        pub fn namespace(&self) -> Result<Option<String>> {
            let Some(kc) = self.kubeconfig()? else {
                return Ok(self.overrides.server.as_ref().map(|_| "default".into()));
            };
            let Some(name) = self.context.as_ref().or(kc.current_context.as_ref()) else {
                return Ok(None);
            };
            let Some(context) = kc.contexts.iter().find(|c| &c.name == name) else {
                bail!("kubeconfig: context {name:?} not found");
            };
            Ok(Some(
                context
                    .context
                    .as_ref()
                    .and_then(|c| c.namespace.clone())
                    .filter(|n| !n.is_empty())
                    .unwrap_or_else(|| "default".into()),
            ))
        }

        /// The client configuration for the chosen context with kubectl's
        /// flags applied; with no kubeconfig, `--server` alone, else the
        /// in-cluster service account (when nothing else was asked for).
        pub async fn client_config(&self) -> Result<kube::Config> {
            let options = KubeConfigOptions {
                context: self.context.clone(),
                cluster: self.overrides.cluster.clone(),
                user: self.overrides.user.clone(),
            };
            let where_ = self.kubeconfig.as_deref();
            let kc = match self.kubeconfig()? {
                Some(kc) => kc,
                None if self.overrides.server.is_some() => flags_only(),
                None if self.context.is_none() && self.overrides.cluster.is_none() => {
                    return kube::Config::incluster()
                        .map_err(|_| anyhow::Error::new(super::NoCluster));
                }
                None => bail!(
                    "no kubeconfig found ($KUBECONFIG, ~/.kube/config) for --context or --cluster"
                ),
            };
            let kc = self.overrides.apply(kc, self.context.as_deref())?;
            kube::Config::from_custom_kubeconfig(kc, &options)
                .await
                .map_err(|e| anyhow!(kubeconfig_error(&e, where_)))
        }

        /// The merged kubeconfig (see the module docs), or `None` when there is none.
        fn kubeconfig(&self) -> Result<Option<Kubeconfig>> {
            if let Some(path) = &self.kubeconfig {
                return read(path).map(Some);
            }
            if let Some(list) = std::env::var_os("KUBECONFIG").filter(|v| !v.is_empty()) {
                let mut merged: Option<Kubeconfig> = None;
                for path in std::env::split_paths(&list) {
                    if path.as_os_str().is_empty() || !path.exists() {
                        continue;
                    }
                    let kc = read(&path)?;
                    merged = Some(match merged {
                        None => kc,
                        Some(m) => m
                            .merge(kc)
                            .map_err(|e| anyhow!(kubeconfig_error(&e, Some(&path))))?,
                    });
                }
                return Ok(merged);
            }
            let home = std::env::var_os("HOME")
                .filter(|h| !h.is_empty())
                .or_else(|| std::env::var_os("USERPROFILE"));
            match home.map(|h| PathBuf::from(h).join(".kube").join("config")) {
                Some(path) if path.exists() => read(&path).map(Some),
                _ => Ok(None),
            }
        }
    }

    fn read(path: &Path) -> Result<Kubeconfig> {
        Kubeconfig::read_from(path).map_err(|e| anyhow!(kubeconfig_error(&e, Some(path))))
    }

    /// A kubeconfig with one context, cluster and user, for kubectl's flags to fill.
    fn flags_only() -> Kubeconfig {
        Kubeconfig {
            clusters: vec![NamedCluster {
                name: FLAGS_ONLY.into(),
                cluster: Some(Cluster::default()),
            }],
            auth_infos: vec![NamedAuthInfo {
                name: FLAGS_ONLY.into(),
                auth_info: Some(AuthInfo::default()),
            }],
            contexts: vec![NamedContext {
                name: FLAGS_ONLY.into(),
                context: Some(Context {
                    cluster: FLAGS_ONLY.into(),
                    user: Some(FLAGS_ONLY.into()),
                    ..Context::default()
                }),
            }],
            current_context: Some(FLAGS_ONLY.into()),
            ..Kubeconfig::default()
        }
    }

    impl Overrides {
        /// Writes the flags into the cluster and user the context (`context`,
        /// else the current one) uses, with client-go's precedence: a flag
        /// wins over the file; `--certificate-authority` or
        /// `--insecure-skip-tls-verify` replaces the file's CA settings; `--token`
        /// (or `--username`) replaces the file user's other credentials.
        fn apply(&self, mut kc: Kubeconfig, context: Option<&str>) -> Result<Kubeconfig> {
            let context_name = context
                .map(str::to_owned)
                .or_else(|| kc.current_context.clone());
            let ctx = context_name
                .as_ref()
                .and_then(|n| kc.contexts.iter().find(|c| &c.name == n))
                .and_then(|c| c.context.clone());
            let Some(ctx) = ctx else {
                // kube reports the missing context in its own words.
                return Ok(kc);
            };
            let cluster_name = self.cluster.clone().unwrap_or(ctx.cluster.clone());
            let user_name = self.user.clone().or(ctx.user.clone());
            if let Some(named) = kc.clusters.iter_mut().find(|c| c.name == cluster_name) {
                let cluster = named.cluster.get_or_insert_with(Cluster::default);
                if let Some(server) = &self.server {
                    cluster.server = Some(server.clone());
                }
                if self.insecure_skip_tls_verify || self.certificate_authority.is_some() {
                    cluster.insecure_skip_tls_verify = Some(self.insecure_skip_tls_verify);
                    cluster.certificate_authority = self
                        .certificate_authority
                        .as_deref()
                        .map(absolute)
                        .transpose()?;
                    cluster.certificate_authority_data = None;
                }
                if let Some(name) = &self.tls_server_name {
                    cluster.tls_server_name = Some(name.clone());
                }
                if let Some(url) = &self.proxy_url {
                    cluster.proxy_url = Some(url.clone());
                }
            }
            let has_user_flags = self.token.is_some()
                || self.username.is_some()
                || self.client_certificate.is_some()
                || self.impersonate.is_some()
                || !self.impersonate_groups.is_empty();
            if has_user_flags {
                let name = match user_name {
                    Some(n) => n,
                    None => {
                        // The context names no user: one for the flags.
                        let n = FLAGS_ONLY.to_string();
                        for c in kc.contexts.iter_mut() {
                            if Some(&c.name) == context_name.as_ref() {
                                if let Some(ctx) = c.context.as_mut() {
                                    ctx.user = Some(n.clone());
                                }
                            }
                        }
                        n
                    }
                };
                if !kc.auth_infos.iter().any(|a| a.name == name) {
                    kc.auth_infos.push(NamedAuthInfo {
                        name: name.clone(),
                        auth_info: Some(AuthInfo::default()),
                    });
                }
                if let Some(named) = kc.auth_infos.iter_mut().find(|a| a.name == name) {
                    let user = named.auth_info.get_or_insert_with(AuthInfo::default);
                    self.apply_user(user)?;
                }
            }
            Ok(kc)
        }

        fn apply_user(&self, user: &mut AuthInfo) -> Result<()> {
            if self.token.is_some() || self.username.is_some() {
                // The flag's credential is the one used.
                user.token = None;
                user.token_file = None;
                user.username = None;
                user.password = None;
                user.auth_provider = None;
                user.exec = None;
            }
            if let Some(token) = &self.token {
                user.token = Some(token.0.as_str().to_owned().into());
            }
            if let Some(name) = &self.username {
                user.username = Some(name.clone());
                user.password = self
                    .password
                    .as_ref()
                    .map(|p| p.0.as_str().to_owned().into());
            }
            if let Some(cert) = &self.client_certificate {
                user.client_certificate = Some(absolute(cert)?);
                user.client_certificate_data = None;
            }
            if let Some(key) = &self.client_key {
                user.client_key = Some(absolute(key)?);
                user.client_key_data = None;
            }
            if let Some(who) = &self.impersonate {
                user.impersonate = Some(who.clone());
            }
            if !self.impersonate_groups.is_empty() {
                user.impersonate_groups = Some(self.impersonate_groups.clone());
            }
            Ok(())
        }
    }

    /// A path from the command line as kube reads kubeconfig paths (absolute).
    fn absolute(p: &Path) -> Result<String> {
        let abs =
            std::path::absolute(p).map_err(|e| anyhow!("cannot resolve {}: {e}", p.display()))?;
        abs.to_str()
            .map(str::to_owned)
            .ok_or_else(|| anyhow!("{} is not valid UTF-8", abs.display()))
    }

    /// One line for a kubeconfig error (`path`: the file it came from, when known).
    fn kubeconfig_error(e: &KubeconfigError, path: Option<&Path>) -> String {
        match e {
            KubeconfigError::ReadConfig(io, p) => {
                format!("cannot read the kubeconfig {}: {io}", p.display())
            }
            KubeconfigError::FindPath => "no kubeconfig found ($KUBECONFIG, ~/.kube/config)".into(),
            _ => match path {
                Some(p) => format!("kubeconfig {}: {}", p.display(), error_chain(e)),
                None => format!("kubeconfig: {}", error_chain(e)),
            },
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        fn two_contexts() -> Kubeconfig {
            Kubeconfig::from_yaml(
                "apiVersion: v1\nkind: Config\ncurrent-context: a\n\
                 clusters:\n- name: ca\n  cluster: {server: 'https://a.example', certificate-authority-data: QUJD}\n\
                 - name: cb\n  cluster: {server: 'https://b.example'}\n\
                 users:\n- name: ua\n  user: {token: file-token, exec: {command: x, apiVersion: client.authentication.k8s.io/v1}}\n\
                 contexts:\n- name: a\n  context: {cluster: ca, user: ua, namespace: apps}\n\
                 - name: b\n  context: {cluster: cb}\n",
            )
            .unwrap()
        }

        #[test]
        fn flags_override_the_chosen_context_only() {
            let o = Overrides {
                server: Some("https://flag.example".into()),
                token: Some("flag-token".parse().unwrap()),
                insecure_skip_tls_verify: true,
                impersonate: Some("bob".into()),
                ..Overrides::default()
            };
            let kc = o.apply(two_contexts(), None).unwrap();
            let ca = kc.clusters[0].cluster.as_ref().unwrap();
            assert_eq!(ca.server.as_deref(), Some("https://flag.example"));
            assert_eq!(ca.insecure_skip_tls_verify, Some(true));
            assert!(ca.certificate_authority_data.is_none());
            // The other context's cluster is untouched.
            let cb = kc.clusters[1].cluster.as_ref().unwrap();
            assert_eq!(cb.server.as_deref(), Some("https://b.example"));
            let ua = kc.auth_infos[0].auth_info.as_ref().unwrap();
            assert!(ua.exec.is_none(), "--token replaces the exec plugin");
            assert_eq!(ua.impersonate.as_deref(), Some("bob"));
            let users = serde_json::to_value(&kc.auth_infos).unwrap();
            assert_eq!(users[0]["user"]["token"], "flag-token");
        }

        #[test]
        fn a_context_without_a_user_gets_one_for_the_flags() {
            let o = Overrides {
                token: Some("t".parse().unwrap()),
                ..Overrides::default()
            };
            let kc = o.apply(two_contexts(), Some("b")).unwrap();
            let b = kc.contexts[1].context.as_ref().unwrap();
            assert_eq!(b.user.as_deref(), Some(FLAGS_ONLY));
            assert!(kc.auth_infos.iter().any(|a| a.name == FLAGS_ONLY));
        }
    }
}

#[cfg(not(feature = "cluster"))]
impl ClusterAccess {
    /// Without the feature `cluster` no kubeconfig is read: there is no
    /// context to take a namespace from.
    pub fn namespace(&self) -> Result<Option<String>> {
        Ok(None)
    }
}
