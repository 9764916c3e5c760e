//! Go's `fmt.Sprint`, `Sprintln` and `Sprintf` over template values.

use std::io::Write;

use zeroize::Zeroizing;

use super::text::{quote, quote_rune, rune_count, spans};
use super::value::{format_g, Bytes, Value};

/// `fmt.Sprint` (`ln`: `fmt.Sprintln`): operands as `%v`, a space between
/// two operands when neither is a string (always, with `ln`).
pub(super) fn sprint(args: &[Value], ln: bool) -> Bytes {
    let mut out = Zeroizing::new(Vec::new());
    let mut prev_string = false;
    for (i, a) in args.iter().enumerate() {
        let is_string = matches!(a, Value::Str(_));
        if i > 0 && (ln || (!is_string && !prev_string)) {
            out.push(b' ');
        }
        a.write_v(&mut out);
        prev_string = is_string;
    }
    if ln {
        out.push(b'\n');
    }
    out
}

#[derive(Default, Clone, Copy)]
struct Flags {
    plus: bool,
    minus: bool,
    sharp: bool,
    space: bool,
    zero: bool,
    width: Option<usize>,
    prec: Option<usize>,
}

/// `fmt.Sprintf`. Errors only for what is not implemented (float verbs
/// other than `%v`, `%g`, `%f`; `%#v` of lists and maps; argument indexes).
pub(super) fn sprintf(format: &[u8], args: &[Value]) -> Result<Bytes, String> {
    let mut out = Zeroizing::new(Vec::new());
    let mut next_arg = 0;
    let mut i = 0;
    while i < format.len() {
        if format[i] != b'%' {
            let end = format[i..]
                .iter()
                .position(|&b| b == b'%')
                .map_or(format.len(), |p| i + p);
            out.extend_from_slice(&format[i..end]);
            i = end;
            continue;
        }
        i += 1;
        let mut f = Flags::default();
        while let Some(&c) = format.get(i) {
            match c {
                b'#' => f.sharp = true,
                b'0' => f.zero = !f.minus,
                b'+' => f.plus = true,
                b'-' => {
                    f.minus = true;
                    f.zero = false;
                }
                b' ' => f.space = true,
                _ => break,
            }
            i += 1;
        }
        // Width and precision: digits or `*` (an int argument).
        let mut number = |i: &mut usize, out: &mut Vec<u8>| -> Option<usize> {
            if format.get(*i) == Some(&b'*') {
                *i += 1;
                let w = match args.get(next_arg) {
                    Some(Value::Int(n, _)) => usize::try_from(*n).ok().filter(|&n| n < 1_000_000),
                    _ => None,
                };
                next_arg += 1;
                if w.is_none() {
                    out.extend_from_slice(b"%!(BADWIDTH)");
                }
                return w;
            }
            let start = *i;
            while format.get(*i).is_some_and(u8::is_ascii_digit) {
                *i += 1;
            }
            std::str::from_utf8(&format[start..*i]).ok()?.parse().ok()
        };
        f.width = number(&mut i, &mut out);
        if format.get(i) == Some(&b'.') {
            i += 1;
            f.prec = Some(number(&mut i, &mut out).unwrap_or(0));
        }
        if format.get(i) == Some(&b'[') {
            return Err("printf argument indexes are not supported by sealtoken".into());
        }
        let (verb, w) = super::text::decode(&format[i..]);
        let Some(verb) = verb.filter(|_| w > 0) else {
            out.extend_from_slice(b"%!(NOVERB)");
            break;
        };
        i += w;
        if verb == '%' {
            out.push(b'%');
            continue;
        }
        match args.get(next_arg) {
            None => write(&mut out, format_args!("%!{verb}(MISSING)")),
            Some(a) => {
                next_arg += 1;
                print_arg(&mut out, a, verb, f, true)?;
            }
        }
    }
    if next_arg < args.len() {
        out.extend_from_slice(b"%!(EXTRA ");
        for (n, a) in args[next_arg..].iter().enumerate() {
            if n > 0 {
                out.extend_from_slice(b", ");
            }
            if matches!(a, Value::Nil | Value::Missing) {
                out.extend_from_slice(b"<nil>");
            } else {
                out.extend_from_slice(a.type_name().as_bytes());
                out.push(b'=');
                print_arg(&mut out, a, 'v', Flags::default(), true)?;
            }
        }
        out.push(b')');
    }
    Ok(out)
}

fn write(out: &mut Vec<u8>, args: std::fmt::Arguments<'_>) {
    // Writing to a Vec cannot fail.
    let _ = out.write_fmt(args);
}

/// `printArg`/`printValue` of one operand (`top`: not inside a list or map).
fn print_arg(out: &mut Vec<u8>, a: &Value, verb: char, f: Flags, top: bool) -> Result<(), String> {
    if verb == 'T' && top {
        pad(out, a.type_name().as_bytes(), f);
        return Ok(());
    }
    match a {
        Value::Nil | Value::Missing => match verb {
            'v' | 'T' => pad(out, b"<nil>", f),
            _ if !top => pad(out, b"<nil>", f),
            _ => write(out, format_args!("%!{verb}(<nil>)")),
        },
        Value::Bool(b) => match verb {
            't' | 'v' => pad(out, if *b { b"true" } else { b"false" }, f),
            _ => bad_verb(out, a, verb, f)?,
        },
        Value::Int(n, _) => fmt_integer(out, a, *n, verb, f)?,
        Value::Float(x) => match verb {
            'v' | 'g' if f.prec.is_none() => {
                let s = format_g(*x);
                pad_number(out, s.as_bytes(), f);
            }
            'f' | 'F' => {
                let s = format!("{:.*}", f.prec.unwrap_or(6), x);
                let s = if f.plus && *x >= 0.0 {
                    format!("+{s}")
                } else {
                    s
                };
                pad_number(out, s.as_bytes(), f);
            }
            'b' | 'g' | 'G' | 'e' | 'E' | 'x' | 'X' => {
                return Err(format!(
                    "printf verb %{verb} on a float is not supported by sealtoken"
                ))
            }
            _ => bad_verb(out, a, verb, f)?,
        },
        Value::Str(s) => match verb {
            // `%#v` quotes with double quotes (fmt clears `#` for `%#v`).
            'v' if f.sharp => fmt_q(out, s, Flags { sharp: false, ..f }),
            'v' | 's' => {
                let s = truncate(s, f.prec);
                pad(out, s, f);
            }
            'q' => fmt_q(out, s, f),
            'x' | 'X' => fmt_sbx(out, s, verb, f),
            _ => bad_verb(out, a, verb, f)?,
        },
        Value::List(l, _) => {
            if f.sharp && verb == 'v' {
                return Err("printf %#v of a list is not supported by sealtoken".into());
            }
            out.push(b'[');
            for (i, v) in l.iter().enumerate() {
                if i > 0 {
                    out.push(b' ');
                }
                print_arg(out, v, verb, f, false)?;
            }
            out.push(b']');
        }
        Value::Map(m, _) => {
            if f.sharp && verb == 'v' {
                return Err("printf %#v of a map is not supported by sealtoken".into());
            }
            out.extend_from_slice(b"map[");
            for (i, (k, v)) in m.iter().enumerate() {
                if i > 0 {
                    out.push(b' ');
                }
                print_arg(out, &Value::Str(k.0.clone()), verb, f, false)?;
                out.push(b':');
                print_arg(out, v, verb, f, false)?;
            }
            out.push(b']');
        }
    }
    Ok(())
}

/// `fmtSbx`: `%x`/`%X` of a string's bytes (`#`: `0x` prefixes, space:
/// bytes apart).
fn fmt_sbx(out: &mut Vec<u8>, b: &[u8], verb: char, f: Flags) {
    let digits: &[u8; 16] = if verb == 'x' {
        b"0123456789abcdef"
    } else {
        b"0123456789ABCDEF"
    };
    let x = if verb == 'x' { b'x' } else { b'X' };
    let length = f.prec.map_or(b.len(), |p| p.min(b.len()));
    let mut width = 2 * length;
    if width == 0 {
        pad(out, b"", f);
        return;
    }
    if f.space {
        if f.sharp {
            width *= 2;
        }
        width += length - 1;
    } else if f.sharp {
        width += 2;
    }
    let fill = f.width.unwrap_or(0).saturating_sub(width);
    if !f.minus {
        out.extend(std::iter::repeat_n(if f.zero { b'0' } else { b' ' }, fill));
    }
    if f.sharp {
        out.extend_from_slice(&[b'0', x]);
    }
    for (i, &c) in b[..length].iter().enumerate() {
        if f.space && i > 0 {
            out.push(b' ');
            if f.sharp {
                out.extend_from_slice(&[b'0', x]);
            }
        }
        out.push(digits[usize::from(c >> 4)]);
        out.push(digits[usize::from(c & 15)]);
    }
    if f.minus {
        out.extend(std::iter::repeat_n(b' ', fill));
    }
}

/// `%!d(string=…)`: the operand printed with `%v` and the same flags.
fn bad_verb(out: &mut Vec<u8>, a: &Value, verb: char, f: Flags) -> Result<(), String> {
    write(out, format_args!("%!{verb}({}=", a.type_name()));
    print_arg(out, a, 'v', f, false)?;
    out.push(b')');
    Ok(())
}

fn truncate(s: &[u8], prec: Option<usize>) -> &[u8] {
    match prec {
        Some(p) => match spans(s).get(p) {
            Some(&(start, _)) => &s[..start],
            None => s,
        },
        None => s,
    }
}

fn fmt_q(out: &mut Vec<u8>, s: &[u8], f: Flags) {
    let s = truncate(s, f.prec);
    if f.sharp
        && !s.contains(&b'`')
        && std::str::from_utf8(s).is_ok_and(|t| {
            !t.chars()
                .any(|c| (c < ' ' && c != '\t') || c == '\u{7f}' || c == '\u{feff}')
        })
    {
        let mut q = Zeroizing::new(Vec::with_capacity(s.len() + 2));
        q.push(b'`');
        q.extend_from_slice(s);
        q.push(b'`');
        pad(out, &q, f);
        return;
    }
    let mut q = Zeroizing::new(Vec::with_capacity(s.len() + 2));
    quote(s, f.plus, &mut q);
    pad(out, &q, f);
}

/// `fmt.pad`: width in runes, zeros on the left with `0`, spaces on the
/// right with `-`.
fn pad(out: &mut Vec<u8>, b: &[u8], f: Flags) {
    let fill = f.width.unwrap_or(0).saturating_sub(rune_count(b));
    let c = if f.zero { b'0' } else { b' ' };
    if !f.minus {
        out.extend(std::iter::repeat_n(c, fill));
        out.extend_from_slice(b);
    } else {
        out.extend_from_slice(b);
        out.extend(std::iter::repeat_n(b' ', fill));
    }
}

/// Padding of a formatted number: zeros go after the sign.
fn pad_number(out: &mut Vec<u8>, b: &[u8], f: Flags) {
    if f.zero && !f.minus && matches!(b.first(), Some(b'-' | b'+')) {
        out.push(b[0]);
        let f = Flags {
            width: f.width.map(|w| w.saturating_sub(1)),
            ..f
        };
        pad(out, &b[1..], f);
    } else {
        pad(out, b, f);
    }
}

/// `fmtInteger` and the rune verbs.
fn fmt_integer(out: &mut Vec<u8>, a: &Value, n: i64, verb: char, f: Flags) -> Result<(), String> {
    let (base, upper) = match verb {
        'v' | 'd' => (10, false),
        'b' => (2, false),
        'o' | 'O' => (8, false),
        'x' => (16, false),
        'X' => (16, true),
        'c' => {
            let c = u32::try_from(n)
                .ok()
                .and_then(char::from_u32)
                .unwrap_or('\u{fffd}');
            let mut buf = [0; 4];
            pad(out, c.encode_utf8(&mut buf).as_bytes(), f);
            return Ok(());
        }
        'q' => {
            let mut q = Vec::new();
            quote_rune(n, f.plus, &mut q);
            pad(out, &q, f);
            return Ok(());
        }
        'U' => {
            let s = if n < 0 {
                format!("U+{:X}", n)
            } else {
                format!("U+{:04X}", n)
            };
            pad(out, s.as_bytes(), Flags { zero: false, ..f });
            return Ok(());
        }
        _ => return bad_verb(out, a, verb, f),
    };
    let neg = n < 0;
    let u = n.unsigned_abs();
    let mut digits = match base {
        2 => format!("{u:b}"),
        8 => format!("{u:o}"),
        16 if upper => format!("{u:X}"),
        16 => format!("{u:x}"),
        _ => u.to_string(),
    };
    let mut prec = 0;
    if let Some(p) = f.prec {
        if p == 0 && u == 0 {
            pad(out, b"", Flags { zero: false, ..f });
            return Ok(());
        }
        prec = p;
    } else if f.zero && !f.minus {
        if let Some(w) = f.width {
            prec = w.saturating_sub(usize::from(neg || f.plus || f.space));
        }
    }
    if digits.len() < prec {
        digits = format!("{}{digits}", "0".repeat(prec - digits.len()));
    }
    let prefix = match (f.sharp, base, verb) {
        (_, 8, 'O') => "0o",
        (true, 2, _) => "0b",
        (true, 8, _) if !digits.starts_with('0') => "0",
        (true, 16, _) if upper => "0X",
        (true, 16, _) => "0x",
        _ => "",
    };
    let sign = if neg {
        "-"
    } else if f.plus {
        "+"
    } else if f.space {
        " "
    } else {
        ""
    };
    let s = format!("{sign}{prefix}{digits}");
    pad(out, s.as_bytes(), Flags { zero: false, ..f });
    Ok(())
}
