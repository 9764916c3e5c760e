//! Go's `strconv` number parsing and sprig's encodings and checksums.

use base64::Engine as _;
use zeroize::Zeroizing;

use super::value::Bytes;

/// `strconv.ParseInt(s, 0, 64)`.
pub(super) fn parse_int(s: &str) -> Option<i64> {
    let (neg, t) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let lower = t.to_ascii_lowercase();
    let (radix, digits) = if let Some(d) = lower.strip_prefix("0x") {
        (16, d)
    } else if let Some(d) = lower.strip_prefix("0o") {
        (8, d)
    } else if let Some(d) = lower.strip_prefix("0b") {
        (2, d)
    } else if lower.len() > 1 && lower.starts_with('0') {
        (8, &lower[1..])
    } else {
        (10, lower.as_str())
    };
    if t.contains('_') && !underscores_ok(t) {
        return None;
    }
    let digits = digits.replace('_', "");
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let v = i128::from_str_radix(&digits, radix).ok()?;
    i64::try_from(if neg { -v } else { v }).ok()
}

/// Go's `underscoreOK`: each `_` separates two digits (a base prefix
/// counts as a digit).
fn underscores_ok(t: &str) -> bool {
    let b = t.as_bytes();
    let mut saw = b'^';
    let mut i = 0;
    if b.len() >= 2 && b[0] == b'0' && matches!(b[1].to_ascii_lowercase(), b'b' | b'o' | b'x') {
        i = 2;
        saw = b'0';
    }
    for &c in &b[i..] {
        if c.is_ascii_hexdigit() {
            saw = b'0';
        } else if c == b'_' {
            if saw != b'0' {
                return false;
            }
            saw = b'_';
        } else {
            if saw == b'_' {
                return false;
            }
            saw = b'!';
        }
    }
    saw != b'_'
}

/// `strconv.Atoi`: decimal with an optional sign.
pub(super) fn atoi(s: &str) -> Option<i64> {
    let t = s.strip_prefix(['+', '-']).unwrap_or(s);
    if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// sprig's `base64decode`: the decoded string, or Go's error text as the
/// result.
pub(super) fn b64dec(v: &[u8]) -> Bytes {
    // Go's StdEncoding skips \r and \n, requires padding and ignores
    // non-zero trailing bits (it is not `Strict`).
    let cleaned: Zeroizing<Vec<u8>> = Zeroizing::new(
        v.iter()
            .copied()
            .filter(|&b| b != b'\r' && b != b'\n')
            .collect(),
    );
    let engine = base64::engine::GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        base64::engine::GeneralPurposeConfig::new()
            .with_decode_padding_mode(base64::engine::DecodePaddingMode::RequireCanonical)
            .with_decode_allow_trailing_bits(true),
    );
    match engine.decode(&*cleaned) {
        Ok(d) => Zeroizing::new(d),
        Err(e) => {
            let offset = match e {
                base64::DecodeError::InvalidByte(o, _)
                | base64::DecodeError::InvalidLastSymbol(o, _) => o,
                base64::DecodeError::InvalidLength(l) => l / 4 * 4,
                base64::DecodeError::InvalidPadding => cleaned.len().saturating_sub(1) / 4 * 4,
            };
            Zeroizing::new(format!("illegal base64 data at input byte {offset}").into_bytes())
        }
    }
}

const B32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// `base32.StdEncoding.EncodeToString`.
pub(super) fn b32enc(v: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(v.len().div_ceil(5) * 8);
    for chunk in v.chunks(5) {
        let mut buf = [0u8; 5];
        buf[..chunk.len()].copy_from_slice(chunk);
        let n = buf.iter().fold(0u64, |acc, &b| acc << 8 | u64::from(b));
        let chars = match chunk.len() {
            1 => 2,
            2 => 4,
            3 => 5,
            4 => 7,
            _ => 8,
        };
        for k in 0..8 {
            if k < chars {
                out.push(B32[((n >> (35 - 5 * k)) & 31) as usize]);
            } else {
                out.push(b'=');
            }
        }
    }
    out
}

/// sprig's `base32decode`: the decoded string, or Go's error text.
pub(super) fn b32dec(v: &[u8]) -> Bytes {
    let cleaned: Zeroizing<Vec<u8>> = Zeroizing::new(
        v.iter()
            .copied()
            .filter(|&b| b != b'\r' && b != b'\n')
            .collect(),
    );
    let mut out = Zeroizing::new(Vec::new());
    let err =
        |o: usize| Zeroizing::new(format!("illegal base32 data at input byte {o}").into_bytes());
    for (q, chunk) in cleaned.chunks(8).enumerate() {
        if chunk.len() != 8 {
            return err(q * 8);
        }
        let pad = chunk.iter().rev().take_while(|&&b| b == b'=').count();
        let data = 8 - pad;
        let bytes = match data {
            8 => 5,
            7 => 4,
            5 => 3,
            4 => 2,
            2 => 1,
            _ => return err(q * 8 + data),
        };
        if pad > 0 && q * 8 + 8 != cleaned.len() {
            return err(q * 8 + data);
        }
        let mut n = 0u64;
        for (k, &c) in chunk[..data].iter().enumerate() {
            let Some(d) = B32.iter().position(|&x| x == c) else {
                return err(q * 8 + k);
            };
            n = n << 5 | d as u64;
        }
        n <<= 5 * pad;
        for k in 0..bytes {
            out.push((n >> (32 - 8 * k)) as u8);
        }
    }
    out
}

pub(super) fn hex(d: &[u8]) -> Vec<u8> {
    base16ct::lower::encode_string(d).into_bytes()
}

/// `hash/adler32.Checksum`.
pub(super) fn adler32(v: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for &x in v {
        a = (a + u32::from(x)) % 65521;
        b = (b + a) % 65521;
    }
    b << 16 | a
}
