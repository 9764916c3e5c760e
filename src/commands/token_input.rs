//! Reading an existing token from a file or stdin.

use std::path::Path;

use anyhow::Result;
use kubeseal_core::Token;
use zeroize::Zeroizing;

use crate::io;

/// Reads a token from `path`, or stdin when `None` (or `-`). One trailing
/// line break (`echo $TOKEN > file`) is removed with a warning: the sender
/// sends the token without it, and Flux hashes the raw bytes.
pub fn read(path: Option<&Path>) -> Result<Token> {
    let path = path.unwrap_or(Path::new("-"));
    let what = io::display(path);
    let bytes = Zeroizing::new(io::read_input(path)?);
    super::token::token_from_bytes(&bytes, &what)
}
