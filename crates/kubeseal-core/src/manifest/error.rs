//! Why a manifest could not be read.

use super::Origin;

/// Why a manifest could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ManifestError {
    /// The input is not UTF-8 (nor UTF-16 with a byte-order mark).
    #[error("input is not UTF-8 text (invalid byte at offset {offset})")]
    NotUtf8 {
        /// Byte offset of the first invalid byte.
        offset: usize,
    },
    /// The input starts with a UTF-16 byte-order mark but is not valid UTF-16.
    #[error("input has a UTF-16 byte-order mark but is not valid UTF-16")]
    BadUtf16,
    /// The input is not well-formed YAML or JSON.
    #[error("line {line}, column {col}: not valid YAML or JSON: {message}")]
    Syntax {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        col: usize,
        /// The parser's description.
        message: String,
    },
    /// The input holds no objects of the expected kind.
    #[error("no {expected} found in the input")]
    NoObjects {
        /// `Secret` or `SealedSecret`.
        expected: &'static str,
    },
    /// A document is not what was expected.
    #[error("{origin}: {problem}")]
    Invalid {
        /// Which document.
        origin: Origin,
        /// What is wrong.
        problem: Problem,
    },
}

/// What is wrong with one document. Messages name fields and keys, never values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Problem {
    /// The document is not a mapping.
    #[error("expected a Kubernetes object (a mapping), found {found}")]
    NotAnObject {
        /// What was found.
        found: &'static str,
    },
    /// The document is of another kind.
    #[error("expected kind {expected}, found kind {found:?}")]
    WrongKind {
        /// The kind expected.
        expected: &'static str,
        /// The kind found.
        found: String,
    },
    /// The document is a SealedSecret where a Secret was expected.
    #[error("this is already a SealedSecret; nothing to seal")]
    AlreadySealed,
    /// The `apiVersion` does not match the kind.
    #[error("expected apiVersion {expected}, found {found:?}")]
    WrongApiVersion {
        /// The apiVersion expected.
        expected: &'static str,
        /// The apiVersion found.
        found: String,
    },
    /// A field has the wrong type.
    #[error("{field} (line {line}): expected {expected}, found {found}")]
    FieldType {
        /// Dotted path of the field.
        field: String,
        /// Line of the value.
        line: usize,
        /// What was expected.
        expected: &'static str,
        /// What was found.
        found: &'static str,
    },
    /// A `data` value is not valid base64.
    #[error("{field} (line {line}): not valid base64")]
    Base64 {
        /// Dotted path of the field.
        field: String,
        /// Line of the value.
        line: usize,
    },
    /// A key appears twice in the same mapping.
    #[error(
        "{field} (line {line}): duplicate key (Kubernetes would silently keep the last value; \
         remove one)"
    )]
    DuplicateKey {
        /// Dotted path of the repeated key.
        field: String,
        /// Line of the second occurrence.
        line: usize,
    },
    /// A required field is missing.
    #[error("missing {field}")]
    Missing {
        /// Dotted path of the field.
        field: &'static str,
    },
}
