//! The positioned tree that both readers ([`crate::yaml`] and the JSON
//! reader) build: documents, nodes with their 1-based line and column, scalars
//! resolved as Kubernetes resolves them, and the two input errors.

use std::borrow::Cow;

use zeroize::Zeroize as _;

/// Most nodes one stream may expand to, aliases included.
pub const MAX_NODES: usize = 1_000_000;
/// Deepest nesting accepted.
pub const MAX_DEPTH: usize = 128;

/// A 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Pos {
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub col: usize,
}

/// A node of a parsed document, with the position of its first character.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub(crate) pos: Pos,
    pub(crate) kind: Kind,
}

/// What a [`Node`] holds.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// A scalar (plain, quoted or block).
    Scalar(Scalar),
    /// A sequence, in order.
    Seq(Vec<Node>),
    /// A mapping: (key, value) pairs in order of appearance, repeated keys kept.
    Map(Vec<(Node, Node)>),
}

/// A scalar with its resolved core-schema type.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Scalar {
    /// `null`, `~` or nothing.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// An integer or float; the source text is kept.
    Number(String),
    /// Any other scalar, quoted scalars included.
    Str(String),
}

/// Scalar text may be a Secret's plaintext: it is wiped when dropped.
impl Drop for Scalar {
    fn drop(&mut self) {
        if let Scalar::Number(s) | Scalar::Str(s) = self {
            s.zeroize();
        }
    }
}

/// A parsed document and where it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub(crate) start: Pos,
    /// `None` for an empty document (only comments or nothing).
    pub(crate) root: Option<Node>,
}

/// Why a YAML stream could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub(crate) pos: Pos,
    pub(crate) message: String,
}

impl YamlError {
    /// Where the stream stopped being readable.
    pub fn pos(&self) -> Pos {
        self.pos
    }

    /// What went wrong, without the position.
    pub fn message(&self) -> &str {
        &self.message
    }
}

/// `line L: message`.
impl std::fmt::Display for YamlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.pos.line, self.message)
    }
}

impl std::error::Error for YamlError {}

impl Document {
    /// Where the document starts (its `---`, or its first node).
    pub fn start(&self) -> Pos {
        self.start
    }

    /// The root node; `None` for an empty document (only comments or nothing).
    pub fn root(&self) -> Option<&Node> {
        self.root.as_ref()
    }

    /// The root node, taken out of the document.
    pub fn into_root(self) -> Option<Node> {
        self.root
    }
}

impl Node {
    /// Where the node starts (1-based line and column).
    pub fn pos(&self) -> Pos {
        self.pos
    }

    /// What the node holds.
    pub fn kind(&self) -> &Kind {
        &self.kind
    }

    /// What the node holds, taken out of it.
    pub fn into_kind(self) -> Kind {
        self.kind
    }

    /// The text of a string scalar; `None` for any other node.
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::Scalar(Scalar::Str(s)) => Some(s),
            _ => None,
        }
    }

    /// Whether the node is a null scalar.
    pub fn is_null(&self) -> bool {
        matches!(self.kind, Kind::Scalar(Scalar::Null))
    }

    /// The value of `key` in a mapping (the last one if repeated, as Go's decoders do).
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.kind {
            Kind::Map(entries) => entries
                .iter()
                .rev()
                .find(|(k, _)| k.as_str() == Some(key))
                .map(|(_, v)| v),
            _ => None,
        }
    }

    /// The string Kubernetes makes of this mapping key (`sigs.k8s.io/yaml`
    /// turns `0x10` into `"16"`, `yes` into `"true"`, `1e3` into `"1000"`),
    /// or why it refuses the key.
    pub fn key_string(&self) -> Result<String, &'static str> {
        use crate::resolve::{key_string, plain, KeyRefused};
        match &self.kind {
            Kind::Scalar(Scalar::Str(s)) => Ok(s.clone()),
            Kind::Scalar(Scalar::Bool(b)) => Ok(b.to_string()),
            Kind::Scalar(Scalar::Number(s)) => match key_string(&plain(s)) {
                Ok(Some(k)) => Ok(k),
                Ok(None) => Ok(s.clone()),
                Err(KeyRefused::Uint) => Err("an integer key above 2^63-1 (Kubernetes refuses it)"),
                Err(KeyRefused::Null) => Err("a null key (Kubernetes refuses it)"),
            },
            Kind::Scalar(Scalar::Null) => Err("a null key (Kubernetes refuses it)"),
            Kind::Seq(_) | Kind::Map(_) => {
                Err("a list or mapping as a key (Kubernetes refuses it)")
            }
        }
    }

    /// What the node is, in words for a message (a YAML 1.1 boolean or number
    /// says how Kubernetes reads it).
    pub fn type_name(&self) -> &'static str {
        match &self.kind {
            Kind::Scalar(Scalar::Null) => "null",
            Kind::Scalar(Scalar::Bool(_)) => {
                "a boolean (Kubernetes reads YAML 1.1: unquoted y, n, yes, no, on, off, true, false)"
            }
            Kind::Scalar(Scalar::Number(_)) => {
                "a number (Kubernetes reads YAML 1.1: unquoted 12, 0x1F, 017, 0b1, 1_000, 1e3, .inf)"
            }
            Kind::Scalar(Scalar::Str(_)) => "a string",
            Kind::Seq(_) => "a list",
            Kind::Map(_) => "a mapping",
        }
    }
}

/// Decodes input bytes to text: strips a UTF-8 BOM, converts UTF-16 (with BOM).
pub fn decode_text(bytes: &[u8]) -> Result<Cow<'_, str>, TextError> {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return std::str::from_utf8(rest)
            .map(Cow::Borrowed)
            .map_err(|e| TextError::NotUtf8 {
                offset: 3 + e.valid_up_to(),
            });
    }
    let utf16 = |le: bool| -> Result<Cow<'_, str>, TextError> {
        let body = &bytes[2..];
        if !body.len().is_multiple_of(2) {
            return Err(TextError::BadUtf16);
        }
        let units = body.chunks_exact(2).map(|c| {
            if le {
                u16::from_le_bytes([c[0], c[1]])
            } else {
                u16::from_be_bytes([c[0], c[1]])
            }
        });
        // Room for the whole text up front (a UTF-16 unit is at most 3 UTF-8
        // bytes), so no partial copy is left behind by a reallocation; a
        // malformed text's partial copy is wiped.
        let mut text = String::with_capacity(body.len() / 2 * 3);
        for c in char::decode_utf16(units) {
            match c {
                Ok(c) => text.push(c),
                Err(_) => {
                    text.zeroize();
                    return Err(TextError::BadUtf16);
                }
            }
        }
        Ok(Cow::Owned(text))
    };
    match bytes {
        [0xFF, 0xFE, ..] => utf16(true),
        [0xFE, 0xFF, ..] => utf16(false),
        _ => std::str::from_utf8(bytes)
            .map(Cow::Borrowed)
            .map_err(|e| TextError::NotUtf8 {
                offset: e.valid_up_to(),
            }),
    }
}

/// Input that is not text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    /// Not UTF-8 (and no UTF-16 byte-order mark).
    #[error("not UTF-8 text (invalid byte at offset {offset})")]
    NotUtf8 {
        /// Byte offset of the first invalid byte.
        offset: usize,
    },
    /// UTF-16 with a byte-order mark, but malformed.
    #[error("malformed UTF-16 text")]
    BadUtf16,
}
