//! Base64 as Kubernetes decodes it, in one place with one whitespace rule.
//!
//! Decoding follows Go's `base64.StdEncoding`, which both the API server (for
//! a Secret's `data`) and the sealed-secrets controller (for `encryptedData`)
//! use: the standard alphabet with `=` padding, line breaks (`\r`, `\n`)
//! ignored anywhere, any other character outside the alphabet (spaces and
//! tabs included) an error. Readers with a syntax of their own (PEM lines)
//! remove their own framing before calling [`decode`].

use ::base64::engine::general_purpose::STANDARD;
use ::base64::Engine as _;
use zeroize::Zeroizing;

/// Decodes `encoded`; `None` if it is not valid base64. The result (and the
/// copy made to drop line breaks) is wiped on drop: it may be a secret. It is
/// decoded into a buffer of ours sized up front, so the bytes decoded before
/// an invalid character are wiped too.
pub fn decode(encoded: &str) -> Option<Zeroizing<Vec<u8>>> {
    let bytes = encoded.as_bytes();
    let cleaned: Option<Zeroizing<Vec<u8>>> =
        bytes.iter().any(|b| matches!(b, b'\r' | b'\n')).then(|| {
            Zeroizing::new(
                bytes
                    .iter()
                    .copied()
                    .filter(|b| !matches!(b, b'\r' | b'\n'))
                    .collect(),
            )
        });
    let input: &[u8] = cleaned.as_deref().map_or(bytes, Vec::as_slice);
    let mut out = Zeroizing::new(vec![0u8; ::base64::decoded_len_estimate(input.len())]);
    let n = STANDARD.decode_slice(input, &mut out[..]).ok()?;
    out.truncate(n);
    Some(out)
}

/// Standard padded base64, as Kubernetes writes a Secret's `data`.
pub fn encode(data: &[u8]) -> String {
    STANDARD.encode(data)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_std_encoding_whitespace_rule() {
        // Expected bytes: "hello" is aGVsbG8= (RFC 4648 alphabet).
        let cases: &[(&str, Option<&[u8]>)] = &[
            ("aGVsbG8=", Some(b"hello")),
            ("aGVs\nbG8=", Some(b"hello")),
            ("aGVs\r\nbG8=\n", Some(b"hello")),
            ("\naGVsbG8=", Some(b"hello")),
            ("", Some(b"")),
            ("aGVs bG8=", None),
            (" aGVsbG8=", None),
            ("aGVsbG8=\t", None),
            ("aGVsbG8", None),
            ("aGVsbG8=*", None),
            ("aGVs-G8=", None),
        ];
        for (input, want) in cases {
            assert_eq!(decode(input).as_deref().map(|v| &v[..]), *want, "{input:?}");
        }
    }
}
