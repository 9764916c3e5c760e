//! Reading an existing token from a file or stdin.

use std::path::Path;

use anyhow::{anyhow, Context, Result};
use flux_receiver::Token;
use zeroize::Zeroizing;

use crate::io;

/// Reads a token from `path`, or stdin when `None` (or `-`). One trailing
/// line break (`echo $TOKEN > file`) is removed with a warning: the sender
/// sends the token without it, and Flux hashes the raw bytes.
pub fn read(path: Option<&Path>) -> Result<Token> {
    let path = path.unwrap_or(Path::new("-"));
    let what = io::display(path);
    let bytes = Zeroizing::new(io::read_input(path)?);
    from_bytes(&bytes, &what)
}

/// A token as read from a file or stdin. `echo $TOKEN > file` adds a line
/// break the Git provider will not send: exactly one is removed, with a
/// warning (Flux hashes the raw bytes).
pub fn from_bytes(bytes: &[u8], what: &str) -> Result<Token> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| anyhow!("the token from {what} is not UTF-8 text"))?;
    let trimmed = text
        .strip_suffix('\n')
        .map(|t| t.strip_suffix('\r').unwrap_or(t));
    if trimmed.is_some() {
        stderrln!("sealtoken: warning: removed the line break after the token from {what} (Flux hashes the raw bytes)");
    }
    Token::from_input(trimmed.unwrap_or(text).to_string())
        .with_context(|| format!("token from {what}"))
}
