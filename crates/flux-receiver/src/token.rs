//! Webhook tokens: random shared secrets, hex-encoded like `openssl rand -hex N`.

use std::fmt;

use zeroize::Zeroizing;

/// Default token size in random bytes, as in `openssl rand -hex 16`.
pub const DEFAULT_TOKEN_BYTES: usize = 16;
/// The smallest token size accepted, in random bytes: 128 bits, what
/// `openssl rand -hex 16` gives and the Flux docs use. The token is the only
/// secret guarding a public webhook URL.
pub const MIN_TOKEN_BYTES: usize = 16;
/// The largest token size accepted, in random bytes.
pub const MAX_TOKEN_BYTES: usize = 1024;

/// The fewest characters a token given as input may have when it is made
/// only of hex digits: 32, i.e. [`MIN_TOKEN_BYTES`] bytes of entropy.
pub const MIN_HEX_TOKEN_CHARS: usize = 2 * MIN_TOKEN_BYTES;

/// A secret token. Its memory is wiped on drop and `Debug` never shows it.
#[derive(Clone)]
pub struct Token(Zeroizing<String>);

/// Why a token could not be made or accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TokenError {
    /// The operating system's random number generator failed.
    #[error("the operating system's random number generator failed")]
    Random,
    /// The requested size is below [`MIN_TOKEN_BYTES`] or above [`MAX_TOKEN_BYTES`].
    #[error("token size must be between {MIN_TOKEN_BYTES} and {MAX_TOKEN_BYTES} bytes, got {0}")]
    Size(usize),
    /// The token is empty.
    #[error("the token is empty")]
    Empty,
    /// The token ends with a line break, which Flux would hash as part of it.
    #[error("the token ends with a line break, which the webhook sender would not send")]
    TrailingNewline,
    /// The token contains a control character or whitespace.
    #[error("the token contains whitespace or a control character")]
    Whitespace,
    /// A token given as input is shorter than the floor: [`MIN_HEX_TOKEN_CHARS`]
    /// for a token made only of hex digits, [`MIN_TOKEN_BYTES`] for any other.
    #[error("the token has {len} {}: a webhook token needs at least {} (128 bits) to resist guessing; make a new one", if *.hex { "hex characters" } else { "bytes" }, if *.hex { MIN_HEX_TOKEN_CHARS } else { MIN_TOKEN_BYTES })]
    TooShort {
        /// Its length, in characters (hex) or bytes.
        len: usize,
        /// Whether it is made only of hex digits (4 bits each).
        hex: bool,
    },
}

impl Token {
    /// Generates `bytes` random bytes from the OS CSPRNG, as lowercase hex
    /// (`2 * bytes` characters), the same as `openssl rand -hex bytes`.
    pub fn generate(bytes: usize) -> Result<Token, TokenError> {
        if !(MIN_TOKEN_BYTES..=MAX_TOKEN_BYTES).contains(&bytes) {
            return Err(TokenError::Size(bytes));
        }
        let mut raw = Zeroizing::new(vec![0u8; bytes]);
        getrandom::fill(&mut raw).map_err(|_| TokenError::Random)?;
        // Allocated at its final size and moved, never copied, into the wiped wrapper.
        Ok(Token(Zeroizing::new(base16ct::lower::encode_string(&raw))))
    }

    /// Accepts an existing token (rotation, resealing). Refuses an empty token,
    /// a trailing line break and any other whitespace or control character,
    /// because the Git provider sends the token exactly as typed and Flux hashes it raw.
    pub fn from_string(s: String) -> Result<Token, TokenError> {
        let s = Zeroizing::new(s);
        if s.is_empty() {
            return Err(TokenError::Empty);
        }
        if s.ends_with('\n') || s.ends_with('\r') {
            return Err(TokenError::TrailingNewline);
        }
        if s.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(TokenError::Whitespace);
        }
        Ok(Token(s))
    }

    /// Accepts a token given as input (a file, stdin, a form): what
    /// [`from_string`](Self::from_string) accepts, with at least 128 bits
    /// of room for entropy, the floor of [`generate`](Self::generate): a
    /// token made only of hex digits needs [`MIN_HEX_TOKEN_CHARS`]
    /// characters (`openssl rand -hex 16`), any other [`MIN_TOKEN_BYTES`]
    /// bytes.
    pub fn from_input(s: String) -> Result<Token, TokenError> {
        let token = Token::from_string(s)?;
        token.check_floor()?;
        Ok(token)
    }

    /// Whether the token meets the floor of [`from_input`](Self::from_input).
    pub fn check_floor(&self) -> Result<(), TokenError> {
        let t = self.expose();
        let hex = t.bytes().all(|b| b.is_ascii_hexdigit());
        let floor = if hex {
            MIN_HEX_TOKEN_CHARS
        } else {
            MIN_TOKEN_BYTES
        };
        if t.len() < floor {
            return Err(TokenError::TooShort { len: t.len(), hex });
        }
        Ok(())
    }

    /// The token text. Handle with care: this is the secret.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generates_lowercase_hex_of_requested_size() {
        for n in [MIN_TOKEN_BYTES, 32, 64] {
            let t = Token::generate(n).unwrap();
            assert_eq!(t.expose().len(), 2 * n);
            assert!(t
                .expose()
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
        }
    }

    #[test]
    fn two_tokens_differ() {
        let a = Token::generate(16).unwrap();
        let b = Token::generate(16).unwrap();
        assert_ne!(a.expose(), b.expose());
    }

    #[test]
    fn refuses_bad_sizes() {
        assert_eq!(Token::generate(0).unwrap_err(), TokenError::Size(0));
        // The one floor: 16 bytes (it used to be 1 here and 16 in the CLI's main job).
        assert_eq!(Token::generate(1).unwrap_err(), TokenError::Size(1));
        assert_eq!(
            Token::generate(MIN_TOKEN_BYTES - 1).unwrap_err(),
            TokenError::Size(MIN_TOKEN_BYTES - 1)
        );
        assert_eq!(
            Token::generate(MAX_TOKEN_BYTES).unwrap().expose().len(),
            2 * MAX_TOKEN_BYTES
        );
        assert_eq!(
            Token::generate(MAX_TOKEN_BYTES + 1).unwrap_err(),
            TokenError::Size(MAX_TOKEN_BYTES + 1)
        );
    }

    #[test]
    fn debug_is_redacted() {
        let t = Token::from_string("s3cr3t-value".into()).unwrap();
        assert_eq!(format!("{t:?}"), "Token(<redacted>)");
    }

    #[test]
    fn from_string_rules() {
        assert_eq!(
            Token::from_string(String::new()).unwrap_err(),
            TokenError::Empty
        );
        assert_eq!(
            Token::from_string("abc\n".into()).unwrap_err(),
            TokenError::TrailingNewline
        );
        assert_eq!(
            Token::from_string("abc\r\n".into()).unwrap_err(),
            TokenError::TrailingNewline
        );
        assert_eq!(
            Token::from_string("a b".into()).unwrap_err(),
            TokenError::Whitespace
        );
        assert_eq!(Token::from_string("abc".into()).unwrap().expose(), "abc");
    }

    /// 128 bits: 32 hex characters (`openssl rand -hex 16`), or 16 bytes
    /// of any other text.
    #[test]
    fn input_has_the_generation_floor() {
        let hex31 = "0123456789abcdef0123456789abcde";
        assert_eq!(
            Token::from_input(hex31.into()).unwrap_err(),
            TokenError::TooShort { len: 31, hex: true }
        );
        assert_eq!(
            Token::from_input(format!("{hex31}f"))
                .unwrap()
                .expose()
                .len(),
            32
        );
        // 16 hex characters are only 64 bits.
        assert_eq!(
            Token::from_input("0123456789abcdef".into()).unwrap_err(),
            TokenError::TooShort { len: 16, hex: true }
        );
        assert_eq!(
            Token::from_input("short-secret-15".into()).unwrap_err(),
            TokenError::TooShort {
                len: 15,
                hex: false
            }
        );
        assert_eq!(
            Token::from_input("not-hex-16-bytes".into())
                .unwrap()
                .expose(),
            "not-hex-16-bytes"
        );
        assert_eq!(
            TokenError::TooShort { len: 16, hex: true }.to_string(),
            "the token has 16 hex characters: a webhook token needs at least 32 (128 bits) \
             to resist guessing; make a new one"
        );
        // The other checks come first, and no message holds the token.
        assert_eq!(
            Token::from_input("a b".into()).unwrap_err(),
            TokenError::Whitespace
        );
        let e = Token::from_input("short-secret".into()).unwrap_err();
        assert!(!e.to_string().contains("short-secret"));
    }
}
