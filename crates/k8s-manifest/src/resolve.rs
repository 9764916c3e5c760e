//! How Kubernetes resolves a YAML scalar: go-yaml v2's `resolve()` (YAML 1.1
//! rules), which `sigs.k8s.io/yaml` runs under kubectl, the API machinery,
//! kubeseal and the sealed-secrets controller.
//!
//! The reader uses [`plain`] and [`tagged`] to give each scalar the type
//! Kubernetes gives it, and [`key_string`] to turn a non-string mapping key
//! into the string Kubernetes uses (`0x10` -> `"16"`, `yes` -> `"true"`). The
//! emitter uses [`needs_quotes`] to quote every string another reader could
//! take for something else.
//!
//! Each rule below names the go-yaml v2 code it follows (`resolve.go`,
//! `encode.go`) and Go's `strconv` semantics where they matter.

/// What a scalar resolves to.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Resolved {
    Null,
    Bool(bool),
    /// A Go `int` (int64 on 64-bit platforms).
    Int(i64),
    /// An integer above `i64::MAX`: go-yaml returns a `uint64`.
    Uint(u64),
    Float(f64),
    /// A timestamp: decoded into `interface{}` it stays the string (go-yaml v2
    /// keeps it a string "for backward compatibility"), but it is quoted on output.
    Timestamp,
    /// The plain `<<` merge key.
    Merge,
    Str,
}

/// go-yaml v2 `resolve("", s)` for a plain (unquoted, untagged) scalar.
pub(crate) fn plain(s: &str) -> Resolved {
    // resolveTable: the first byte hints at the type; anything else is a string.
    let hint = match s.as_bytes().first() {
        None => b'N',
        Some(b'+' | b'-') => b'S',
        Some(b'0'..=b'9') => b'D',
        Some(b'y' | b'Y' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'o' | b'O' | b'~') => b'M',
        Some(b'.') => b'.',
        Some(_) => {
            return if s == "<<" {
                Resolved::Merge
            } else {
                Resolved::Str
            }
        }
    };
    if let Some(r) = in_map(s) {
        return r;
    }
    match hint {
        b'.' => match go_parse_float(s) {
            Some(f) => Resolved::Float(f),
            None => Resolved::Str,
        },
        b'D' | b'S' => {
            if is_timestamp(s) {
                return Resolved::Timestamp;
            }
            let plain: String = s.chars().filter(|&c| c != '_').collect();
            if let Some(i) = go_parse_int(&plain) {
                return i;
            }
            if yaml_style_float(&plain) {
                if let Some(f) = go_parse_float(&plain) {
                    return Resolved::Float(f);
                }
            }
            if let Some(bin) = plain.strip_prefix("0b") {
                if let Some(r) = parse_radix_unsigned(bin, 2) {
                    return match i64::try_from(r) {
                        Ok(i) => Resolved::Int(i),
                        Err(_) => Resolved::Uint(r),
                    };
                }
            } else if let Some(bin) = plain.strip_prefix("-0b") {
                if let Some(r) = parse_radix_unsigned(bin, 2) {
                    if r <= 1 << 63 {
                        return Resolved::Int((r as i128).wrapping_neg() as i64);
                    }
                }
            }
            Resolved::Str
        }
        _ => Resolved::Str,
    }
}

/// The words of go-yaml v2's `resolveMap`.
fn in_map(s: &str) -> Option<Resolved> {
    Some(match s {
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            Resolved::Bool(true)
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            Resolved::Bool(false)
        }
        "" | "~" | "null" | "Null" | "NULL" => Resolved::Null,
        ".nan" | ".NaN" | ".NAN" => Resolved::Float(f64::NAN),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => Resolved::Float(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => Resolved::Float(f64::NEG_INFINITY),
        "<<" => Resolved::Merge,
        _ => return None,
    })
}

/// A scalar's explicit tag, as go-yaml v2 sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tag {
    Str,
    Binary,
    Bool,
    Int,
    Float,
    Null,
    Timestamp,
    /// Any other tag (`!foo`, `!!map` on a scalar, ...): go-yaml keeps the text as a string.
    Other,
}

impl Tag {
    /// From a tag written `!!x` or `tag:yaml.org,2002:x`.
    pub(crate) fn from_full(tag: &str) -> Tag {
        let short = tag
            .strip_prefix("tag:yaml.org,2002:")
            .or_else(|| tag.strip_prefix("!!"));
        match short {
            Some("str") => Tag::Str,
            Some("binary") => Tag::Binary,
            Some("bool") => Tag::Bool,
            Some("int") => Tag::Int,
            Some("float") => Tag::Float,
            Some("null") => Tag::Null,
            Some("timestamp") => Tag::Timestamp,
            _ => Tag::Other,
        }
    }
}

/// go-yaml v2 `resolve(tag, s)` for an explicitly tagged scalar (quoted or
/// not). `Err` carries go-yaml's own complaint ("cannot decode !!bool `yes`
/// as a !!int" without the value).
pub(crate) fn tagged(tag: Tag, s: &str) -> Result<Resolved, &'static str> {
    match tag {
        Tag::Str | Tag::Other => return Ok(Resolved::Str),
        // Decoded by the caller (base64), then a string.
        Tag::Binary => return Ok(Resolved::Str),
        _ => {}
    }
    // Timestamps are only tried for plain or !!timestamp scalars: plain() tries
    // them, and any other tag wants something else anyway.
    let r = plain(s);
    let found = match r {
        Resolved::Null => Tag::Null,
        Resolved::Bool(_) => Tag::Bool,
        Resolved::Int(_) | Resolved::Uint(_) => Tag::Int,
        Resolved::Float(_) => Tag::Float,
        Resolved::Timestamp => Tag::Timestamp,
        Resolved::Merge | Resolved::Str => {
            if tag == Tag::Null && s.is_empty() {
                Tag::Null
            } else {
                return Err("the value does not match its tag");
            }
        }
    };
    if found == tag {
        return Ok(r);
    }
    // `!!float 1` is the float 1.
    if tag == Tag::Float {
        match r {
            Resolved::Int(i) => return Ok(Resolved::Float(i as f64)),
            Resolved::Uint(u) => {
                // go-yaml converts only int and int64 (defer in resolve()).
                let _ = u;
            }
            _ => {}
        }
    }
    Err("the value does not match its tag")
}

/// Go's `strconv.ParseInt(s, 0, 64)`, then `ParseUint(s, 0, 64)` (underscores
/// already removed), as go-yaml v2 tries them.
fn go_parse_int(s: &str) -> Option<Resolved> {
    let (neg, body) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let u = go_parse_uint_base0(body)?;
    if neg {
        if u <= 1 << 63 {
            return Some(Resolved::Int((u as i128).wrapping_neg() as i64));
        }
        return None;
    }
    match i64::try_from(u) {
        Ok(i) => Some(Resolved::Int(i)),
        // ParseUint does not take a sign.
        Err(_) if s.as_bytes().first() != Some(&b'+') => Some(Resolved::Uint(u)),
        Err(_) => None,
    }
}

/// `strconv.ParseUint(s, 0, 64)`: `0b`/`0o`/`0x` in either case, a leading
/// `0` means octal, otherwise decimal.
fn go_parse_uint_base0(s: &str) -> Option<u64> {
    let b = s.as_bytes();
    if b.is_empty() {
        return None;
    }
    let (digits, radix) = if b[0] == b'0' {
        match b.get(1).map(u8::to_ascii_lowercase) {
            Some(b'b') if b.len() >= 3 => (&s[2..], 2),
            Some(b'o') if b.len() >= 3 => (&s[2..], 8),
            Some(b'x') if b.len() >= 3 => (&s[2..], 16),
            _ => (&s[1..], 8),
        }
    } else {
        (s, 10)
    };
    if digits.is_empty() {
        // "0" alone: base 8 with no digits left is 0.
        return (s == "0").then_some(0);
    }
    parse_radix_unsigned(digits, radix)
}

fn parse_radix_unsigned(digits: &str, radix: u32) -> Option<u64> {
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    u64::from_str_radix(digits, radix).ok()
}

/// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$` (go-yaml's yamlStyleFloat).
fn yaml_style_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'-' | b'+')));
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start
    };
    if b.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            digits(&mut i);
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'-' | b'+')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// Go's `strconv.ParseFloat(s, 64)` for the decimal forms go-yaml hands it:
/// out of range (`1e400`) is an error, so go-yaml keeps the string.
fn go_parse_float(s: &str) -> Option<f64> {
    // Go's syntax here is yamlStyleFloat's (no underscores without a base
    // prefix, no hex floats, no inf/nan words after a '.').
    if !yaml_style_float(s) {
        return None;
    }
    let f: f64 = s.parse().ok()?;
    f.is_finite().then_some(f)
}

/// go-yaml v2 `parseTimestamp`: `YYYY-` then one of its four `time.Parse` layouts.
pub(crate) fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 5 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'-' {
        return false;
    }
    let year: u32 = s[..4].parse().unwrap_or(0);
    let mut p = Cursor { b, i: 5 };
    let Some(month) = p.num(1, 2) else {
        return false;
    };
    if !p.eat(b'-') {
        return false;
    }
    let Some(day) = p.num(1, 2) else { return false };
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return false;
    }
    if p.done() {
        return true; // "2006-1-2"
    }
    let zone = match b[p.i] {
        b'T' | b't' => true,
        b' ' => false,
        _ => return false,
    };
    p.i += 1;
    let (Some(h), true, Some(m), true, Some(sec)) = (
        p.num(1, 2),
        p.eat(b':'),
        p.num(1, 2),
        p.eat(b':'),
        p.num(1, 2),
    ) else {
        return false;
    };
    if h > 23 || m > 59 || sec > 59 {
        return false;
    }
    // Fractional seconds (time.Parse accepts ',' as well as '.').
    if p.i + 1 < b.len() && matches!(b[p.i], b'.' | b',') && b[p.i + 1].is_ascii_digit() {
        p.i += 1;
        while p.i < b.len() && b[p.i].is_ascii_digit() {
            p.i += 1;
        }
    }
    if !zone {
        return p.done();
    }
    // Z07:00: "Z" or "+hh:mm" / "-hh:mm".
    if p.eat(b'Z') {
        return p.done();
    }
    if !(p.eat(b'+') || p.eat(b'-')) {
        return false;
    }
    let (Some(zh), true, Some(zm)) = (p.num(2, 2), p.eat(b':'), p.num(2, 2)) else {
        return false;
    };
    // time.Parse allows offsets up to 24:60.
    zh <= 24 && zm <= 60 && p.done()
}

struct Cursor<'a> {
    b: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    fn num(&mut self, min: usize, max: usize) -> Option<u32> {
        let start = self.i;
        while self.i < self.b.len() && self.i - start < max && self.b[self.i].is_ascii_digit() {
            self.i += 1;
        }
        if self.i - start < min {
            return None;
        }
        std::str::from_utf8(&self.b[start..self.i])
            .ok()?
            .parse()
            .ok()
    }

    fn eat(&mut self, c: u8) -> bool {
        if self.b.get(self.i) == Some(&c) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn done(&self) -> bool {
        self.i == self.b.len()
    }
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// go-yaml v2 `isBase60Float`: quoted on output for YAML 1.1 readers, though
/// go-yaml itself reads it as a string.
fn is_base60_float(s: &str) -> bool {
    // ^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$
    let b = s.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'-' | b'+')));
    if !b.get(i).is_some_and(u8::is_ascii_digit) {
        return false;
    }
    while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
        i += 1;
    }
    let mut groups = 0;
    while b.get(i) == Some(&b':') {
        i += 1;
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() && i - start < 2 {
            i += 1;
        }
        let g = &b[start..i];
        let ok = match g {
            [d] => d.is_ascii_digit(),
            [a, d] => (b'0'..=b'5').contains(a) && d.is_ascii_digit(),
            _ => false,
        };
        if !ok {
            return false;
        }
        groups += 1;
    }
    if groups == 0 {
        return false;
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
            i += 1;
        }
    }
    i == b.len()
}

/// Would some YAML reader take this string, written plain, for something
/// other than a string? The emitter then quotes it.
///
/// The rule is go-yaml v2's (`encode.go`: quote when `resolve()` is not a
/// string, or when it is a base-60 float), widened to what YAML 1.1 readers
/// such as PyYAML and YAML 1.2 readers resolve differently, so the output
/// means the same to all of them:
/// - YAML 1.2 core schema: `1e400` is a float (infinity) there, a string to go-yaml.
/// - PyYAML (the YAML 1.1 type regexps): `=` (the value key), dates that are not
///   calendar dates (`2024-13-45`), timestamps with several spaces or a space
///   before the zone, and `._5` / `0b_` / `0x_` forms that it cannot even construct.
pub(crate) fn needs_quotes(s: &str) -> bool {
    !matches!(plain(s), Resolved::Str)
        || is_base60_float(s)
        || s == "="
        || is_number(s)
        || pyyaml_special(s)
}

/// Strings PyYAML's YAML 1.1 resolver takes for non-strings although go-yaml
/// v2 reads them as strings (see [`needs_quotes`]).
fn pyyaml_special(s: &str) -> bool {
    let b = s.as_bytes();
    let Some(&first) = b.first() else {
        return false;
    };
    if !(first.is_ascii_digit() || matches!(first, b'.' | b'+' | b'-')) {
        return false;
    }
    if pyyaml_timestamp(b) {
        return true;
    }
    // \.[0-9_]+(?:[eE][-+][0-9]+)?
    if let Some(rest) = s.strip_prefix('.') {
        let mant_end = rest.find(['e', 'E']).unwrap_or(rest.len());
        let mant = &rest[..mant_end];
        if !mant.is_empty() && mant.bytes().all(|c| c.is_ascii_digit() || c == b'_') {
            return true;
        }
    }
    let body = s.strip_prefix(['-', '+']).unwrap_or(s);
    // [-+]?0[0-7_]+ and [-+]?[1-9][0-9_]*: PyYAML reads any such string as an
    // integer, go-yaml v2 as a string once the number overflows a float
    // (over 308 digits). Quoting is harmless for go-yaml.
    if body.starts_with(|c: char| c.is_ascii_digit())
        && body.bytes().all(|c| c.is_ascii_digit() || c == b'_')
    {
        return true;
    }
    // [-+]?0b[0-1_]+ and [-+]?0x[0-9a-fA-F_]+ with only underscores left.
    for (prefix, ok) in [
        ("0b", b"01_".as_slice()),
        ("0x", b"0123456789abcdefABCDEF_"),
    ] {
        if let Some(digits) = body.strip_prefix(prefix) {
            if !digits.is_empty() && digits.bytes().all(|c| ok.contains(&c)) {
                return true;
            }
        }
    }
    false
}

/// PyYAML's timestamp regexp:
/// `[0-9]{4}-[0-9]{2}-[0-9]{2}` or
/// `[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(\.[0-9]*)?([ \t]*(Z|[-+][0-9]{1,2}(:[0-9]{2})?))?`.
fn pyyaml_timestamp(b: &[u8]) -> bool {
    if b.len() < 8 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'-' {
        return false;
    }
    let mut p = Cursor { b, i: 5 };
    let (Some(_), true) = (p.num(1, 2), p.eat(b'-')) else {
        return false;
    };
    let month_len = p.i - 6;
    let day_start = p.i;
    if p.num(1, 2).is_none() {
        return false;
    }
    if p.done() {
        return month_len == 2 && p.i - day_start == 2;
    }
    if !(p.eat(b'T') || p.eat(b't')) {
        let start = p.i;
        while p.eat(b' ') || p.eat(b'\t') {}
        if p.i == start {
            return false;
        }
    }
    let (Some(_), true, Some(_), true, Some(_)) = (
        p.num(1, 2),
        p.eat(b':'),
        p.num(2, 2),
        p.eat(b':'),
        p.num(2, 2),
    ) else {
        return false;
    };
    if p.eat(b'.') {
        while p.i < b.len() && b[p.i].is_ascii_digit() {
            p.i += 1;
        }
    }
    while p.eat(b' ') || p.eat(b'\t') {}
    if p.done() {
        return true;
    }
    if p.eat(b'Z') {
        return p.done();
    }
    if !(p.eat(b'+') || p.eat(b'-')) || p.num(1, 2).is_none() {
        return false;
    }
    if p.eat(b':') && p.num(2, 2).is_none() {
        return false;
    }
    p.done()
}

/// Why a mapping key cannot become a Kubernetes (JSON) key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyRefused {
    /// A null key (`~`, `null`, empty).
    Null,
    /// An integer above `i64::MAX` (go-yaml returns `uint64`, which
    /// `sigs.k8s.io/yaml` refuses as a key).
    Uint,
}

/// The string `sigs.k8s.io/yaml` (`convertToJSONableObject`) makes of a
/// resolved non-string key.
pub(crate) fn key_string(r: &Resolved) -> Result<Option<String>, KeyRefused> {
    Ok(Some(match r {
        Resolved::Null => return Err(KeyRefused::Null),
        Resolved::Uint(_) => return Err(KeyRefused::Uint),
        Resolved::Bool(b) => b.to_string(),
        Resolved::Int(i) => i.to_string(),
        Resolved::Float(f) => go_format_float32_g(*f),
        Resolved::Timestamp | Resolved::Merge | Resolved::Str => return Ok(None),
    }))
}

/// Go's `strconv.FormatFloat(f, 'g', -1, 32)` with go-yaml's spellings of
/// the special values (`.inf`, `-.inf`, `.nan`).
pub(crate) fn go_format_float32_g(f: f64) -> String {
    let x = f as f32;
    if x.is_nan() {
        return ".nan".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { ".inf" } else { "-.inf" }.into();
    }
    let neg = x.is_sign_negative();
    let sign = if neg { "-" } else { "" };
    if x == 0.0 {
        return format!("{sign}0");
    }
    // Shortest digits that read back as the same f32, and the decimal exponent.
    let e = format!("{:e}", x.abs());
    let (mant, exp) = e.split_once('e').unwrap_or((&e, "0"));
    let digits: String = mant.chars().filter(|c| *c != '.').collect();
    let exp: i32 = exp.parse().unwrap_or(0);
    let nd = digits.len() as i32;
    // %e when exp < -4 || exp >= 6 (shortest 'g' uses precision 6 for this test).
    if !(-4..6).contains(&exp) {
        let mut out = String::from(sign);
        out.push_str(&digits[..1]);
        if nd > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        out.push('e');
        out.push(if exp < 0 { '-' } else { '+' });
        out.push_str(&format!("{:02}", exp.abs()));
        return out;
    }
    // %f with exactly the shortest digits.
    let dp = exp + 1; // digits before the decimal point
    let mut out = String::from(sign);
    if dp <= 0 {
        out.push_str("0.");
        out.push_str(&"0".repeat((-dp) as usize));
        out.push_str(&digits);
    } else if dp >= nd {
        out.push_str(&digits);
        out.push_str(&"0".repeat((dp - nd) as usize));
    } else {
        out.push_str(&digits[..dp as usize]);
        out.push('.');
        out.push_str(&digits[dp as usize..]);
    }
    out
}

/// Is `s` a YAML 1.2 core-schema number? The emitter also quotes these, for
/// YAML 1.2 readers.
pub(crate) fn is_number(s: &str) -> bool {
    let body = s.strip_prefix(['-', '+']).unwrap_or(s);
    if body.is_empty() {
        return false;
    }
    if let Some(hex) = body.strip_prefix("0x") {
        return !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit());
    }
    if let Some(oct) = body.strip_prefix("0o") {
        return !oct.is_empty() && oct.bytes().all(|b| (b'0'..=b'7').contains(&b));
    }
    if matches!(body, ".inf" | ".Inf" | ".INF") || matches!(s, ".nan" | ".NaN" | ".NAN") {
        return true;
    }
    // [0-9]+ ( . [0-9]* )? ( [eE] [-+]? [0-9]+ )?  or  . [0-9]+ ...
    let b = body.as_bytes();
    let mut i = 0;
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start
    };
    let int_digits = digits(&mut i);
    let mut frac_digits = 0;
    if i < b.len() && b[i] == b'.' {
        i += 1;
        frac_digits = digits(&mut i);
    }
    if int_digits + frac_digits == 0 {
        return false;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'-' || b[i] == b'+') {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

#[cfg(test)]
mod tests;
