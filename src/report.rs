//! `--report json`: one JSON document describing what a command did, for
//! scripts (Terraform, `gh api`) instead of scraping text or `kubectl -o jsonpath`.
//! The token appears only when asked for (`--report-include-token`).

use serde::Serialize;
use zeroize::Zeroizing;

/// The document. Field names are part of the interface: add, never rename.
#[derive(Debug, Default, Serialize)]
pub struct Report<'a> {
    /// `token` (the main job), `receivers` or `rotate`.
    pub command: &'static str,
    /// The token Secret sealed (absent for `receivers`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<SecretInfo>,
    /// The sealing certificate (absent when nothing was sealed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub certificate: Option<CertInfo>,
    /// With several `--cert` (the main job): each cluster's certificate and
    /// sealed file, in order (`certificate` is then absent).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub clusters: Vec<ClusterInfo>,
    pub receivers: Vec<ReceiverInfo>,
    /// Files written, in order.
    pub files: Vec<FileInfo>,
    /// The webhook token, only with `--report-include-token`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<&'a str>,
}

#[derive(Debug, Serialize)]
pub struct SecretInfo {
    pub name: String,
    pub namespace: String,
    pub key: String,
    pub scope: String,
    /// Whether the Secret carries `reconcile.fluxcd.io/watch: Enabled`.
    pub watch_label: bool,
    /// Keys sealed besides the token (gcr: `email`, `audience`).
    pub extra_keys: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct CertInfo {
    /// Lowercase hex SHA-256 of the certificate's DER.
    pub sha256: String,
    /// Where it came from (file, URL or cluster).
    pub source: String,
}

/// One cluster of several: its name, certificate and sealed file.
#[derive(Debug, Serialize)]
pub struct ClusterInfo {
    pub name: String,
    /// Lowercase hex SHA-256 of the certificate's DER.
    pub sha256: String,
    /// Where the certificate came from.
    pub source: String,
    /// The SealedSecret written for this cluster.
    pub file: String,
}

#[derive(Debug, Default, Serialize)]
pub struct ReceiverInfo {
    pub name: String,
    /// `null` when no namespace is known (then there is no path either).
    pub namespace: Option<String>,
    #[serde(rename = "type")]
    pub receiver_type: Option<String>,
    /// `/hook/…`; `null` when the token is not known for this Receiver.
    pub path: Option<String>,
    /// `https://host/hook/…`; `null` without a host or a path.
    pub url: Option<String>,
    pub secret_ref: Option<String>,
    pub events: Vec<String>,
    /// The manifest it was read from or written to, and its line.
    pub file: Option<String>,
    pub line: Option<usize>,
    /// What to configure at the sender, when the URL is known.
    pub instructions: Option<String>,
    /// One URL per host: each cluster's, when the hosts come from the
    /// repository's routes (`url` is also set when there is one).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub urls: Vec<UrlInfo>,
}

/// A Receiver's URL at one host.
#[derive(Debug, Serialize)]
pub struct UrlInfo {
    /// The cluster, when the host comes from the repository.
    pub cluster: Option<String>,
    pub host: String,
    pub url: String,
    /// Where the host is declared (`file:line`), when read from the repository.
    pub host_from: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct FileInfo {
    pub path: String,
    /// `sealed-secret`, `receiver`, `patch` or `token`.
    pub kind: &'static str,
}

impl Report<'_> {
    /// The JSON text with a final newline, in memory that is wiped on drop
    /// (it may hold the token).
    pub fn to_json(&self) -> Zeroizing<Vec<u8>> {
        // Sized up front so that the buffer is not reallocated (leaving copies) while written.
        let mut out = Zeroizing::new(Vec::with_capacity(
            4096 + 1024 * (self.receivers.len() + self.files.len()),
        ));
        // Serializing plain data structures into memory cannot fail.
        let _ = serde_json::to_writer_pretty(&mut *out, self);
        out.push(b'\n');
        // Names, paths and URLs come from input: safe for a terminal.
        match std::str::from_utf8(&out).map(k8s_manifest::escape::json_document) {
            Ok(std::borrow::Cow::Owned(escaped)) => Zeroizing::new(escaped.into_bytes()),
            _ => out,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_is_there_only_when_given() {
        let mut r = Report {
            command: "receivers",
            ..Report::default()
        };
        r.receivers.push(ReceiverInfo {
            name: "github".into(),
            namespace: Some("flux-system".into()),
            receiver_type: Some("github".into()),
            ..ReceiverInfo::default()
        });
        let v: serde_json::Value = serde_json::from_slice(&r.to_json()).unwrap();
        assert!(v.get("token").is_none());
        assert!(v.get("secret").is_none());
        assert_eq!(v["receivers"][0]["type"], "github");
        assert!(v["receivers"][0]["path"].is_null());
        r.token = Some("abc");
        let v: serde_json::Value = serde_json::from_slice(&r.to_json()).unwrap();
        assert_eq!(v["token"], "abc");
    }
}
