//! `--cert PATH`, `--cert -` (stdin) and `--cert file://…`: a local file; the
//! network is never touched.

use std::path::Path;

use anyhow::Result;

/// The path a `file:` URL names, as Go's `url.Parse` reads it: `file:///p`
/// (empty authority) and `file://localhost/p` give `/p`, `file:p` gives `p`;
/// `None` for another host (`file://host/p`), which cannot be read here.
pub fn url_path(rest: &str) -> Option<&Path> {
    match rest.strip_prefix("//") {
        Some(rest) if rest.starts_with('/') => Some(Path::new(rest)),
        Some(rest) => rest
            .strip_prefix("localhost")
            .filter(|p| p.starts_with('/'))
            .map(Path::new),
        None => Some(Path::new(rest)),
    }
}

/// Reads the file (or stdin for `-`); returns its bytes and a name for messages.
pub fn read(path: &Path) -> Result<(Vec<u8>, String)> {
    let bytes = crate::io::read_input(path)?;
    Ok((bytes, crate::io::display(path)))
}
