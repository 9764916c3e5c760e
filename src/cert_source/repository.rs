//! `--cert CLUSTER` through the repository: the certificate URL that the
//! cluster's route declares (what `sealtoken clusters` lists), used only
//! with a pin. A URL read from the repository is content anyone with a pull
//! request can change, so it is refused unless the certificate's SHA-256 is
//! recorded in `.sealtoken.toml` (`clusters --write-config`) or given with
//! `--cert-sha256`. The `--cert` resolution calls [`lookup`] last, after a
//! file, a URL and a `.sealtoken.toml` entry.

use std::path::Path;

use anyhow::Result;
use flux_receiver::RouteOptions;

use super::{CertSource, ControllerRef};
use crate::cli::CertArgs;
use crate::repo_clusters;

/// The certificate source of the repository's cluster `name`, pinned with
/// `pin`: `None` when the repository (the Git work tree of `cwd`, else
/// `cwd`) has no such cluster; an error when it has one but no single
/// certificate URL, or when there is no pin.
pub fn lookup(
    name: &str,
    args: &CertArgs,
    cwd: &Path,
    pin: Option<[u8; 32]>,
) -> Result<Option<CertSource>> {
    let root = repo_clusters::repo_root(cwd, true).unwrap_or_else(|| cwd.to_path_buf());
    let options = RouteOptions::new("flux-system", &args.controller.controller_name);
    let repo = repo_clusters::scan(&[root], &options, crate::walk::threads(None))?;
    let Some(cluster) = repo.clusters.iter().find(|c| c.name == name) else {
        return Ok(None);
    };
    let url = match cluster.cert_urls.as_slice() {
        [one] => one,
        [] => bail!(
            "--cert {name}: the repository's cluster {name} declares no route to the {} Service's /v1/cert.pem; give a file or URL",
            args.controller.controller_name
        ),
        several => {
            let list: Vec<String> = several
                .iter()
                .map(|s| format!("{} ({})", s.value, repo_clusters::place(s)))
                .collect();
            bail!(
                "--cert {name}: the repository declares {} certificate URLs for cluster {name}: {}; give the one to use",
                list.len(),
                list.join(", ")
            )
        }
    };
    let Some(pin) = pin else {
        bail!(
            "--cert {name}: the certificate URL {} comes from the repository ({}), which anyone with a pull request can change: it is never used unpinned; record its pin with `sealtoken clusters --write-config` (then check the fingerprint it shows), or pass --cert-sha256",
            url.value,
            repo_clusters::place(url)
        );
    };
    stderrln!(
        "sealtoken: certificate of cluster {name}: {} (from {}, pinned)",
        url.value,
        repo_clusters::place(url)
    );
    Ok(Some(CertSource {
        spec: Some(url.value.clone()),
        pin: Some(pin),
        allow_expired: args.allow_expired_cert,
        require_https: args.require_https,
        controller: ControllerRef::from_args(&args.controller)?,
    }))
}

/// A certificate URL to fetch once, unpinned, so that its fingerprint can
/// be shown and recorded (`clusters --write-config`).
pub fn unpinned(url: &str, require_https: bool) -> CertSource {
    CertSource {
        spec: Some(url.to_string()),
        pin: None,
        allow_expired: false,
        require_https,
        // Not asked: the source is a URL.
        controller: ControllerRef {
            namespace: String::new(),
            name: String::new(),
            access: crate::kube_access::ClusterAccess::default(),
        },
    }
}
