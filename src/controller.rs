//! The sealed-secrets controller's own API, as kubeseal's `--validate` and
//! `--re-encrypt` use it: `POST /v1/verify` and `POST /v1/rotate` with a
//! SealedSecret as JSON, through the API server's service proxy (so every
//! kubeconfig authentication method works, and the user needs `create` on
//! `services/proxy` in the controller's namespace).
//!
//! The controller answers (upstream `pkg/controller/server.go`):
//! `/v1/verify` 200 when one of its keys decrypts every value, 409 when
//! none does, 500 when the body is not one SealedSecret; `/v1/rotate` 200
//! with the SealedSecret sealed again with its newest key, 500 when it
//! cannot decrypt it.

use anyhow::anyhow;

use crate::cert_source::ControllerRef;
use crate::cli::ControllerArgs;
#[cfg(feature = "cluster")]
use crate::CliError;
use crate::CliResult;

/// A connection to one controller.
pub struct Client {
    #[cfg(feature = "cluster")]
    session: crate::cert_source::Session,
    /// Without the feature `cluster` there is no client.
    #[cfg(not(feature = "cluster"))]
    never: std::convert::Infallible,
}

#[cfg(feature = "cluster")]
impl Client {
    /// Connects (kubeconfig, API server, the Service's port); `doing` names
    /// the operation in errors.
    pub fn connect(args: &ControllerArgs, doing: &str) -> CliResult<Client> {
        let target = ControllerRef::from_args(args)?;
        let timeout = crate::cert_source::timeout()?;
        // Network failures are marked in the session (exit 1); a missing or
        // broken kubeconfig is a usage error (exit 2).
        let session = crate::cert_source::Session::connect(&target, timeout, doing)?;
        Ok(Client { session })
    }

    /// `POST /v1/verify`: whether the controller can decrypt `sealed_json`.
    pub fn verify(&self, sealed_json: Vec<u8>) -> CliResult<bool> {
        let (status, body) = self.post("/v1/verify", sealed_json, 64 * 1024)?;
        match status.as_u16() {
            200..=299 => Ok(true),
            409 => Ok(false),
            _ => Err(self.refused("validate the SealedSecret with", status, &body)),
        }
    }

    /// `POST /v1/rotate`: the SealedSecret sealed again with the controller's newest key.
    pub fn rotate(&self, sealed_json: Vec<u8>) -> CliResult<Vec<u8>> {
        let limit = usize::try_from(crate::io::MAX_INPUT).unwrap_or(usize::MAX);
        let (status, body) = self.post("/v1/rotate", sealed_json, limit)?;
        if status.is_success() {
            return Ok(body);
        }
        Err(self.refused("re-encrypt the SealedSecret with", status, &body))
    }

    fn post(
        &self,
        path: &str,
        body: Vec<u8>,
        limit: usize,
    ) -> CliResult<(http::StatusCode, Vec<u8>)> {
        self.session.post(path, body, limit).map_err(|m| {
            CliError::failed(anyhow!(
                "cannot reach the controller {}{path}: {m}",
                self.session.what()
            ))
        })
    }

    fn refused(&self, doing: &str, status: http::StatusCode, body: &[u8]) -> CliError {
        let hint = if status == http::StatusCode::INTERNAL_SERVER_ERROR {
            " (the controller could not decrypt it with any of its keys, or it is not a SealedSecret)"
        } else {
            ""
        };
        CliError::failed(anyhow!(
            "cannot {doing} {}: {}{hint}",
            self.session.what(),
            crate::cert_source::Session::status_line(status, body)
        ))
    }
}

#[cfg(not(feature = "cluster"))]
impl Client {
    /// This build cannot reach a cluster.
    pub fn connect(args: &ControllerArgs, doing: &str) -> CliResult<Client> {
        let target = ControllerRef::from_args(args)?;
        Err(anyhow!(
            "cannot {doing} the controller {}/{}: this build does not reach the cluster (feature `cluster`)",
            target.namespace,
            target.name
        )
        .into())
    }

    pub fn verify(&self, _sealed_json: Vec<u8>) -> CliResult<bool> {
        match self.never {}
    }

    pub fn rotate(&self, _sealed_json: Vec<u8>) -> CliResult<Vec<u8>> {
        match self.never {}
    }
}
