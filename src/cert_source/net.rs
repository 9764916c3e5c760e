//! What the network sources (`url`, `cluster`) share: limits, the timeout,
//! and one-line descriptions of transport errors.

use std::time::Duration;

use anyhow::{anyhow, Result};

/// Largest certificate body accepted from the network (a PEM certificate is ~2 KiB).
pub const MAX_FETCHED: usize = 64 * 1024;

/// Network timeout unless `SEALTOKEN_HTTP_TIMEOUT` says otherwise: a
/// certificate URL's whole request, body included; each step with the cluster
/// (connect, each read or write).
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// The network timeout: `SEALTOKEN_HTTP_TIMEOUT` (seconds, fractions allowed), else 10 s.
pub fn timeout() -> Result<Duration> {
    match std::env::var("SEALTOKEN_HTTP_TIMEOUT") {
        Err(_) => Ok(DEFAULT_TIMEOUT),
        Ok(v) => v
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|s| s.is_finite() && *s > 0.0 && *s <= 86_400.0)
            .map(Duration::from_secs_f64)
            .ok_or_else(|| anyhow!("SEALTOKEN_HTTP_TIMEOUT={v:?} is not a number of seconds")),
    }
}

/// `timed out after 10 s`, `timed out after 0.5 s`.
pub fn timed_out(timeout: Duration) -> String {
    format!("timed out after {} s", timeout.as_secs_f64())
}

/// The message for a body over `limit` bytes (e.g. [`MAX_FETCHED`]).
pub fn too_large(limit: usize) -> String {
    format!(
        "the response is larger than {} KiB; refusing it",
        limit / 1024
    )
}

/// The innermost error's message (the cause, without the layers' repetitions).
pub fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cur = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string()
}
