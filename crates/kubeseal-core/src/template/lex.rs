//! The lexer of Go's `text/template` (`text/template/parse/lex.go`), default
//! delimiters.

/// One token; `pos` is its byte offset in the template text.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Token {
    pub kind: Tok,
    pub pos: usize,
    /// Its source text (for numbers, identifiers and error context).
    pub text: String,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Tok {
    /// Text outside actions, already trimmed by `{{-`/`-}}`.
    Text(String),
    LeftDelim,
    RightDelim,
    Space,
    Pipe,
    LeftParen,
    RightParen,
    Declare,
    Assign,
    /// Any other single printable character (`,` in `range $i, $v :=`).
    Char(char),
    /// A string literal, unquoted (Go escapes applied; raw strings lose `\r`).
    Str(Vec<u8>),
    /// A character constant's code point.
    CharConst(u32),
    Number,
    Bool(bool),
    Nil,
    Dot,
    /// `.name`, without the dot.
    Field(String),
    /// `$` or `$name`, with the dollar.
    Variable(String),
    Identifier(String),
    Keyword(&'static str),
    Comment,
    Eof,
}

const KEYWORDS: [&str; 11] = [
    "block", "break", "continue", "define", "else", "end", "if", "range", "nil", "template", "with",
];

/// A lexing error: message and byte offset.
pub(super) type LexError = (String, usize);

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n')
}

fn is_alnum(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

struct Lexer<'a> {
    src: &'a str,
    pos: usize,
    tokens: Vec<Token>,
    paren_depth: usize,
}

/// Splits `src` into tokens, ending with `Eof`.
pub(super) fn lex(src: &str) -> Result<Vec<Token>, LexError> {
    let mut lx = Lexer {
        src,
        pos: 0,
        tokens: Vec::new(),
        paren_depth: 0,
    };
    let mut trim_next_text = false;
    loop {
        // Text up to the next action.
        let rest = &src[lx.pos..];
        let (text_end, found) = match rest.find("{{") {
            Some(i) => (lx.pos + i, true),
            None => (src.len(), false),
        };
        let left_trim = found && has_left_trim(&src[text_end + 2..]);
        let mut text = &src[lx.pos..text_end];
        if trim_next_text {
            text = text.trim_start_matches([' ', '\t', '\r', '\n']);
        }
        if left_trim {
            text = text.trim_end_matches([' ', '\t', '\r', '\n']);
        }
        if !text.is_empty() {
            lx.push(Tok::Text(text.to_string()), lx.pos, text);
        }
        if !found {
            lx.push(Tok::Eof, src.len(), "");
            return Ok(lx.tokens);
        }
        lx.pos = text_end + 2;
        if left_trim {
            lx.pos += 2;
        }
        if src[lx.pos..].starts_with("/*") {
            trim_next_text = lx.comment(text_end)?;
            continue;
        }
        lx.push(Tok::LeftDelim, text_end, "{{");
        trim_next_text = lx.inside_action()?;
    }
}

fn has_left_trim(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 2 && b[0] == b'-' && is_space(b[1])
}

impl Lexer<'_> {
    fn push(&mut self, kind: Tok, pos: usize, text: &str) {
        self.tokens.push(Token {
            kind,
            pos,
            text: text.to_string(),
        });
    }

    fn peek(&self) -> Option<char> {
        self.src[self.pos..].chars().next()
    }

    /// At `}}` or ` -}}`: Some(trim).
    fn at_right_delim(&self) -> Option<bool> {
        let rest = &self.src[self.pos..];
        let b = rest.as_bytes();
        if b.len() >= 2 && is_space(b[0]) && b[1] == b'-' && rest[2..].starts_with("}}") {
            return Some(true);
        }
        rest.starts_with("}}").then_some(false)
    }

    fn comment(&mut self, start: usize) -> Result<bool, LexError> {
        let Some(i) = self.src[self.pos..].find("*/") else {
            return Err(("unclosed comment".into(), start));
        };
        self.pos += i + 2;
        let Some(trim) = self.at_right_delim() else {
            return Err(("comment ends before closing delimiter".into(), start));
        };
        self.pos += if trim { 4 } else { 2 };
        self.push(Tok::Comment, start, "");
        Ok(trim)
    }

    /// Lexes one action after its `{{`; returns whether it ended with `-}}`.
    fn inside_action(&mut self) -> Result<bool, LexError> {
        loop {
            if let Some(trim) = self.at_right_delim() {
                if self.paren_depth != 0 {
                    return Err(("unclosed left paren".into(), self.pos));
                }
                let start = self.pos + if trim { 2 } else { 0 };
                self.pos = start + 2;
                self.push(Tok::RightDelim, start, "}}");
                return Ok(trim);
            }
            let start = self.pos;
            let Some(c) = self.peek() else {
                return Err(("unclosed action".into(), start));
            };
            match c {
                ' ' | '\t' | '\r' | '\n' => {
                    while self
                        .peek()
                        .is_some_and(|c| c.is_ascii() && is_space(c as u8))
                    {
                        self.pos += 1;
                    }
                    // A single space before `-}}` belongs to the trim marker.
                    let rest = &self.src[self.pos - 1..];
                    if rest.len() >= 4 && rest[1..].starts_with("-}}") {
                        self.pos -= 1;
                        if self.pos == start {
                            continue;
                        }
                    }
                    self.push(Tok::Space, start, " ");
                }
                '=' => self.single(Tok::Assign),
                ':' => {
                    if !self.src[self.pos..].starts_with(":=") {
                        return Err(("expected :=".into(), start));
                    }
                    self.pos += 2;
                    self.push(Tok::Declare, start, ":=");
                }
                '|' => self.single(Tok::Pipe),
                '"' => self.quote()?,
                '`' => self.raw_quote()?,
                '\'' => self.char_const()?,
                '$' => self.field_or_variable(true)?,
                '.' => {
                    let next = self.src.as_bytes().get(self.pos + 1).copied();
                    if next.is_some_and(|b| b.is_ascii_digit()) {
                        self.number()?;
                    } else {
                        self.field_or_variable(false)?;
                    }
                }
                '+' | '-' | '0'..='9' => self.number()?,
                '(' => {
                    self.paren_depth += 1;
                    self.single(Tok::LeftParen);
                }
                ')' => {
                    if self.paren_depth == 0 {
                        return Err(("unexpected right paren".into(), start));
                    }
                    self.paren_depth -= 1;
                    self.single(Tok::RightParen);
                }
                c if is_alnum(c) => self.identifier()?,
                c if c.is_ascii_graphic() => self.single(Tok::Char(c)),
                c => {
                    return Err((
                        format!("unrecognized character in action: {}", go_rune(c)),
                        start,
                    ))
                }
            }
        }
    }

    fn single(&mut self, kind: Tok) {
        let start = self.pos;
        let c = self.peek().map_or(1, char::len_utf8);
        self.pos += c;
        let text = self.src[start..self.pos].to_string();
        self.tokens.push(Token {
            kind,
            pos: start,
            text,
        });
    }

    fn at_terminator(&self) -> bool {
        match self.peek() {
            None => true,
            Some(c) if c.is_ascii() && is_space(c as u8) => true,
            Some('.' | ',' | '|' | ':' | ')' | '(') => true,
            _ => self.src[self.pos..].starts_with("}}"),
        }
    }

    fn bad_char(&self) -> LexError {
        let c = self.peek().unwrap_or('\u{fffd}');
        (format!("bad character {}", go_rune(c)), self.pos)
    }

    fn alnum_run(&mut self) {
        while self.peek().is_some_and(is_alnum) {
            self.pos += self.peek().map_or(1, char::len_utf8);
        }
    }

    fn field_or_variable(&mut self, variable: bool) -> Result<(), LexError> {
        let start = self.pos;
        self.pos += 1;
        if self.at_terminator() {
            let kind = if variable {
                Tok::Variable("$".into())
            } else {
                Tok::Dot
            };
            self.push(kind, start, &self.src[start..self.pos]);
            return Ok(());
        }
        self.alnum_run();
        if !self.at_terminator() {
            return Err(self.bad_char());
        }
        let text = &self.src[start..self.pos];
        let kind = if variable {
            Tok::Variable(text.to_string())
        } else {
            Tok::Field(text[1..].to_string())
        };
        self.push(kind, start, text);
        Ok(())
    }

    fn identifier(&mut self) -> Result<(), LexError> {
        let start = self.pos;
        self.alnum_run();
        if !self.at_terminator() {
            return Err(self.bad_char());
        }
        let word = &self.src[start..self.pos];
        let kind = match word {
            "true" => Tok::Bool(true),
            "false" => Tok::Bool(false),
            "nil" => Tok::Nil,
            w => match KEYWORDS.iter().find(|k| **k == w) {
                Some(k) => Tok::Keyword(k),
                None => Tok::Identifier(w.to_string()),
            },
        };
        self.push(kind, start, word);
        Ok(())
    }

    /// Scans a number as Go's `scanNumber` does; the parser interprets it.
    fn number(&mut self) -> Result<(), LexError> {
        let start = self.pos;
        let b = self.src.as_bytes();
        let mut i = self.pos;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let mut digits: &[u8] = b"0123456789_";
        if b.get(i) == Some(&b'0') {
            match b.get(i + 1).map(u8::to_ascii_lowercase) {
                Some(b'x') => {
                    i += 2;
                    digits = b"0123456789abcdefABCDEF_";
                }
                Some(b'o') => {
                    i += 2;
                    digits = b"01234567_";
                }
                Some(b'b') => {
                    i += 2;
                    digits = b"01_";
                }
                _ => {}
            }
        }
        let run = |i: &mut usize| {
            while b.get(*i).is_some_and(|c| digits.contains(c)) {
                *i += 1;
            }
        };
        run(&mut i);
        if b.get(i) == Some(&b'.') {
            i += 1;
            run(&mut i);
        }
        let hex = digits.len() > 12;
        let exp: &[u8] = if hex { b"pP" } else { b"eE" };
        if b.get(i).is_some_and(|c| exp.contains(c)) {
            i += 1;
            if matches!(b.get(i), Some(b'+' | b'-')) {
                i += 1;
            }
            while b.get(i).is_some_and(|c| c.is_ascii_digit() || *c == b'_') {
                i += 1;
            }
        }
        if b.get(i) == Some(&b'i') {
            i += 1;
        }
        self.pos = i;
        if let Some(c) = self.peek().filter(|&c| is_alnum(c)) {
            self.pos += c.len_utf8();
            return Err((
                format!("bad number syntax: {:?}", &self.src[start..self.pos]),
                start,
            ));
        }
        self.push(Tok::Number, start, &self.src[start..i]);
        Ok(())
    }

    fn quote(&mut self) -> Result<(), LexError> {
        let start = self.pos;
        let b = self.src.as_bytes();
        let mut i = self.pos + 1;
        loop {
            match b.get(i) {
                None | Some(b'\n') => return Err(("unterminated quoted string".into(), start)),
                Some(b'\\') => {
                    if matches!(b.get(i + 1), None | Some(b'\n')) {
                        return Err(("unterminated quoted string".into(), start));
                    }
                    i += 2;
                }
                Some(b'"') => break,
                Some(_) => i += 1,
            }
        }
        let text = &self.src[start..=i];
        let value = unquote(&text[1..text.len() - 1], b'"').map_err(|m| (m, start))?;
        self.pos = i + 1;
        self.push(Tok::Str(value), start, text);
        Ok(())
    }

    fn raw_quote(&mut self) -> Result<(), LexError> {
        let start = self.pos;
        let Some(len) = self.src[start + 1..].find('`') else {
            return Err(("unterminated raw quoted string".into(), start));
        };
        let text = &self.src[start..start + len + 2];
        let value = text[1..text.len() - 1].replace('\r', "").into_bytes();
        self.pos = start + len + 2;
        self.push(Tok::Str(value), start, text);
        Ok(())
    }

    fn char_const(&mut self) -> Result<(), LexError> {
        let start = self.pos;
        let b = self.src.as_bytes();
        let mut i = self.pos + 1;
        loop {
            match b.get(i) {
                None | Some(b'\n') => {
                    return Err(("unterminated character constant".into(), start))
                }
                Some(b'\\') => i += 2,
                Some(b'\'') => break,
                Some(_) => i += 1,
            }
        }
        let text = &self.src[start..=i.min(self.src.len() - 1)];
        let inner = unquote(&text[1..text.len() - 1], b'\'').map_err(|m| (m, start))?;
        let inner = String::from_utf8(inner).unwrap_or_default();
        let mut chars = inner.chars();
        let (Some(c), None) = (chars.next(), chars.next()) else {
            return Err((format!("malformed character constant: {text}"), start));
        };
        self.pos = i + 1;
        self.push(Tok::CharConst(c as u32), start, text);
        Ok(())
    }
}

/// Go's `%#U` of a rune: `U+0023 '#'`.
pub(super) fn go_rune(c: char) -> String {
    if c.is_control() {
        format!("U+{:04X}", c as u32)
    } else {
        format!("U+{:04X} '{c}'", c as u32)
    }
}

/// Go's escapes inside a quoted literal (`strconv.Unquote`); `quote` is the
/// delimiter that may be escaped. `\xff` and `\377` give single bytes.
fn unquote(s: &str, quote: u8) -> Result<Vec<u8>, String> {
    let bad = || "invalid syntax".to_string();
    let mut out = Vec::with_capacity(s.len());
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'\\' {
            out.push(b[i]);
            i += 1;
            continue;
        }
        let c = *b.get(i + 1).ok_or_else(bad)?;
        i += 2;
        let hex = |i: &mut usize, n: usize| -> Result<u32, String> {
            let digits = s.get(*i..*i + n).ok_or_else(bad)?;
            *i += n;
            u32::from_str_radix(digits, 16).map_err(|_| bad())
        };
        match c {
            b'a' => out.push(7),
            b'b' => out.push(8),
            b'f' => out.push(12),
            b'n' => out.push(b'\n'),
            b'r' => out.push(b'\r'),
            b't' => out.push(b'\t'),
            b'v' => out.push(11),
            b'\\' => out.push(b'\\'),
            c if c == quote => out.push(c),
            b'x' => out.push(u8::try_from(hex(&mut i, 2)?).map_err(|_| bad())?),
            b'u' | b'U' => {
                let n = if c == b'u' { 4 } else { 8 };
                let c = char::from_u32(hex(&mut i, n)?).ok_or_else(bad)?;
                let mut buf = [0; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
            b'0'..=b'7' => {
                let digits = s.get(i - 1..i + 2).ok_or_else(bad)?;
                i += 2;
                let v = u32::from_str_radix(digits, 8).map_err(|_| bad())?;
                out.push(u8::try_from(v).map_err(|_| bad())?);
            }
            _ => return Err(bad()),
        }
    }
    Ok(out)
}
