//! A small, lenient PEM reader: several blocks per file, CRLF, surrounding text.
//!
//! Writing PEM is `pem-rfc7468`'s job ([`encode`]). Reading stays here for two
//! reasons `pem-rfc7468` does not cover: it reads what Go's `pem.Decode` reads
//! (text between blocks, RFC 1421 headers, any line width), which kubeseal
//! accepts and RFC 7468's strict grammar refuses; and it decodes into wiped
//! buffers ([`Block::der`]), because the DER may be the controller's private key.

use zeroize::Zeroizing;

/// One decoded PEM block.
pub(crate) struct Block {
    /// The label, e.g. `CERTIFICATE` or `RSA PRIVATE KEY`.
    pub(crate) label: String,
    /// The decoded DER (wiped on drop: it may be a private key).
    pub(crate) der: Zeroizing<Vec<u8>>,
}

/// A PEM block that could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BadBlock {
    /// The block's label.
    pub(crate) label: String,
    /// 1-based line of the BEGIN marker.
    pub(crate) line: usize,
}

/// Decodes every PEM block in `text`, in order. Text outside blocks is ignored,
/// as Go's `pem.Decode` does.
pub(crate) fn blocks(text: &str) -> Result<Vec<Block>, BadBlock> {
    let mut out = Vec::new();
    let mut lines = text.lines().enumerate();
    while let Some((i, line)) = lines.next() {
        let Some(label) = marker(line, "-----BEGIN ") else {
            continue;
        };
        let bad = || BadBlock {
            label: label.to_string(),
            line: i + 1,
        };
        let mut body = Zeroizing::new(String::new());
        let mut ended = false;
        for (_, l) in lines.by_ref() {
            if let Some(end) = marker(l, "-----END ") {
                if end != label {
                    return Err(bad());
                }
                ended = true;
                break;
            }
            // RFC 1421 headers (e.g. Proc-Type) are not base64.
            if l.contains(':') {
                continue;
            }
            body.extend(l.chars().filter(|c| !c.is_ascii_whitespace()));
        }
        if !ended {
            return Err(bad());
        }
        let der = crate::b64::decode(&body).ok_or_else(bad)?;
        out.push(Block {
            label: label.to_string(),
            der,
        });
    }
    Ok(out)
}

fn marker<'a>(line: &'a str, prefix: &str) -> Option<&'a str> {
    line.trim().strip_prefix(prefix)?.strip_suffix("-----")
}

/// Encodes DER as a PEM block with 64-character lines and `\n` line ends, as
/// Go's `pem.Encode` writes it.
///
/// Only for public data (certificates, public keys): the output is not wiped.
pub(crate) fn encode(label: &'static str, der: &[u8]) -> String {
    // Fails only for a label RFC 7468 forbids or an output longer than `usize`
    // can count; callers pass constant labels and DER that was just parsed.
    pem_rfc7468::encode_string(label, pem_rfc7468::LineEnding::LF, der).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_several_blocks_with_crlf_and_noise() {
        let der = [1u8, 2, 3, 4, 5];
        let text = format!(
            "junk\r\n{}\r\nmore\n{}",
            encode("CERTIFICATE", &der).replace('\n', "\r\n"),
            encode("PUBLIC KEY", &[9, 9])
        );
        let b = blocks(&text).unwrap();
        assert_eq!(b.len(), 2);
        assert_eq!(b[0].label, "CERTIFICATE");
        assert_eq!(&b[0].der[..], &der);
        assert_eq!(b[1].label, "PUBLIC KEY");
    }

    #[test]
    fn unterminated_or_mismatched_blocks_are_errors() {
        assert_eq!(
            blocks("-----BEGIN CERTIFICATE-----\nAAAA\n")
                .err()
                .unwrap()
                .line,
            1
        );
        assert!(blocks("x\n-----BEGIN A-----\nAAAA\n-----END B-----\n").is_err());
        assert!(blocks("-----BEGIN A-----\n!!!!\n-----END A-----\n").is_err());
    }
}
