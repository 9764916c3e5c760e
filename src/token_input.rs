//! Reading an existing token from a file or stdin.

use std::path::Path;

use anyhow::{anyhow, Context, Result};
use flux_receiver::Token;
use zeroize::Zeroizing;

use crate::io;

/// What to do with a token under the floor of [`Token::from_input`] (128 bits).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Weak {
    /// Refuse it (sealing a token: the default).
    Refuse,
    /// Accept it with a warning (`--allow-weak-token`, or a command that
    /// only reads an existing token to compute its webhook paths).
    Warn,
}

/// Reads a token from `path`, or stdin when `None` (or `-`). One trailing
/// line break (`echo $TOKEN > file`) is removed with a warning: the sender
/// sends the token without it, and Flux hashes the raw bytes.
pub fn read(path: Option<&Path>, weak: Weak) -> Result<Token> {
    let path = path.unwrap_or(Path::new("-"));
    let what = io::display(path);
    let bytes = Zeroizing::new(io::read_input(path)?);
    from_bytes(&bytes, &what, weak)
}

/// A token as read from a file or stdin. `echo $TOKEN > file` adds a line
/// break the Git provider will not send: exactly one is removed, with a
/// warning (Flux hashes the raw bytes).
pub fn from_bytes(bytes: &[u8], what: &str, weak: Weak) -> Result<Token> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| anyhow!("the token from {what} is not UTF-8 text"))?;
    let trimmed = text
        .strip_suffix('\n')
        .map(|t| t.strip_suffix('\r').unwrap_or(t));
    if trimmed.is_some() {
        stderrln!("sealtoken: warning: removed the line break after the token from {what} (Flux hashes the raw bytes)");
    }
    let token = Token::from_string(trimmed.unwrap_or(text).to_string())
        .with_context(|| format!("token from {what}"))?;
    if let Err(e) = token.check_floor() {
        match weak {
            Weak::Refuse => {
                return Err(anyhow!(
                    "token from {what}: {e} (sealtoken rotate), or pass --allow-weak-token"
                ))
            }
            Weak::Warn => stderrln!("sealtoken: warning: token from {what}: {e}"),
        }
    }
    Ok(token)
}
