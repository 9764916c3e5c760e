//! The findings model: what a scan reports, and why an input could not be checked.

use k8s_manifest::escape;
use std::fmt;

use k8s_manifest::Pos;

/// What was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum FindingKind {
    /// A `v1` Secret with plain values.
    PlainSecret,
    /// A kustomize `secretGenerator` with plain `literals`.
    GeneratorLiterals,
    /// A kustomize `secretGenerator` whose `files` are not encrypted.
    GeneratorFiles,
    /// A kustomize `secretGenerator` whose env file is not encrypted.
    GeneratorEnv,
    /// A file that does not parse (as YAML, or as JSON and YAML) and looks
    /// like it holds a Secret or a List: it cannot be checked, so it is refused.
    Unparseable,
    /// A `SealedSecret` whose `spec.template.data` holds literal values,
    /// which the controller copies into the Secret as they are.
    SealedTemplateLiteral,
    /// A Secret holding a private key of the sealed-secrets controller (a
    /// key backup): whoever reads it can unseal every SealedSecret.
    ControllerKey,
    /// A kustomize patch (strategic merge or JSON 6902) that puts a plain
    /// value into a Secret.
    PatchedSecret,
    /// A kustomize `replacements:` entry that copies a value from an object
    /// that is not a Secret into a Secret.
    ReplacementIntoSecret,
    /// A Flux `Kustomization` whose `spec.postBuild.substitute` fills a
    /// `${VAR}` placeholder of a Secret with a value written in Git.
    PostBuildSubstitute,
}

impl FindingKind {
    /// The object kind for tools: `Secret`, `secretGenerator`,
    /// `SealedSecret`, `patch`, `replacement`, `Kustomization` or `file`.
    pub fn object(self) -> &'static str {
        match self {
            FindingKind::PlainSecret | FindingKind::ControllerKey => "Secret",
            FindingKind::GeneratorLiterals
            | FindingKind::GeneratorFiles
            | FindingKind::GeneratorEnv => "secretGenerator",
            FindingKind::Unparseable => "file",
            FindingKind::SealedTemplateLiteral => "SealedSecret",
            FindingKind::PatchedSecret => "patch",
            FindingKind::ReplacementIntoSecret => "replacement",
            FindingKind::PostBuildSubstitute => "Kustomization",
        }
    }
}

/// Where in its document a finding sits, which decides whether it can be fixed in place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Location {
    /// The whole document (1-based index in the stream).
    Document(usize),
    /// An item of a `kind: List` document (1-based document index).
    ListItem(usize),
    /// Found by the line-based fallback (1-based document index).
    Lines(usize),
    /// Inside a kustomization file.
    Kustomization,
}

/// One plain Secret (or generator). Holds names and keys, never values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub(crate) pos: Pos,
    pub(crate) kind: FindingKind,
    pub(crate) namespace: Option<String>,
    pub(crate) name: Option<String>,
    pub(crate) keys: Vec<String>,
    pub(crate) file: Option<String>,
    pub(crate) location: Location,
    /// What else to say (a parse error, the patch's target); never a value.
    pub(crate) detail: Option<String>,
}

impl Finding {
    /// Position of the `kind` value (or of the generator field).
    pub fn pos(&self) -> Pos {
        self.pos
    }

    /// What was found.
    pub fn kind(&self) -> FindingKind {
        self.kind
    }

    /// `metadata.namespace` (or the generator's `namespace`).
    pub fn namespace(&self) -> Option<&str> {
        self.namespace.as_deref()
    }

    /// `metadata.name` (or the generator's `name`).
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// The keys holding plain values, in order of appearance.
    pub fn keys(&self) -> &[String] {
        &self.keys
    }

    /// The file that holds the value, when it is not the scanned one: the
    /// env file of [`FindingKind::GeneratorEnv`], a patch file, a generator
    /// configuration.
    pub fn file(&self) -> Option<&str> {
        self.file.as_deref()
    }

    /// Where it sits.
    pub fn location(&self) -> Location {
        self.location
    }

    /// `namespace/name`, or `name`, or `(unnamed)`.
    pub fn qualified_name(&self) -> String {
        match (&self.namespace, &self.name) {
            (Some(ns), Some(n)) => format!("{ns}/{n}"),
            (None, Some(n)) => n.clone(),
            (Some(ns), None) => format!("{ns}/(unnamed)"),
            (None, None) => "(unnamed)".to_string(),
        }
    }

    fn keys_text(&self) -> String {
        if self.keys.is_empty() {
            "keys: unknown".to_string()
        } else {
            let keys: Vec<_> = self.keys.iter().map(|k| escape::text(k)).collect();
            format!("keys: {}", keys.join(", "))
        }
    }
}

/// A short description without position: `plain Secret "ns/name" (keys: a, b)`.
impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = self.qualified_name();
        let keys = self.keys_text();
        match self.kind {
            FindingKind::PlainSecret => write!(f, "plain Secret {name:?} ({keys})"),
            FindingKind::GeneratorLiterals => {
                write!(f, "secretGenerator {name:?} has plain literals ({keys})")
            }
            FindingKind::GeneratorFiles => {
                write!(f, "secretGenerator {name:?} has plain files ({keys})")
            }
            FindingKind::GeneratorEnv => write!(
                f,
                "secretGenerator {name:?} has a plain env file {} ({keys})",
                escape::text(self.file.as_deref().unwrap_or("?"))
            ),
            FindingKind::Unparseable => write!(
                f,
                "cannot be parsed ({}) and looks like it holds a Secret or a List: \
                 refused unchecked",
                escape::text(self.detail.as_deref().unwrap_or("?"))
            ),
            FindingKind::SealedTemplateLiteral => write!(
                f,
                "SealedSecret {name:?} has plain values in spec.template.data ({keys})"
            ),
            FindingKind::ControllerKey => write!(
                f,
                "Secret {name:?} is a sealed-secrets controller private key ({keys}): \
                 whoever reads it can unseal every SealedSecret"
            ),
            FindingKind::PatchedSecret => {
                write!(f, "patch puts plain values into Secret {name:?} ({keys})")?;
                if let Some(file) = &self.file {
                    write!(f, " from {}", escape::text(file))?;
                    if let Some(line) = &self.detail {
                        write!(f, " {line}")?;
                    }
                }
                Ok(())
            }
            FindingKind::ReplacementIntoSecret => write!(
                f,
                "replacement copies {} into Secret {name:?} ({keys})",
                escape::text(self.detail.as_deref().unwrap_or("a value"))
            ),
            FindingKind::PostBuildSubstitute => write!(
                f,
                "Kustomization {name:?} substitutes plain values into Secrets ({keys}){}",
                self.detail
                    .as_deref()
                    .map(|d| format!(": {}", escape::text(d)))
                    .unwrap_or_default()
            ),
        }
    }
}

/// Something worth telling that is not a finding: the input was read line by
/// line, a file a `secretGenerator` names does not exist, an allow rule
/// matched, a remote resource was not checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub(crate) pos: Option<Pos>,
    pub(crate) message: String,
}

impl Note {
    /// Where, when known.
    pub fn pos(&self) -> Option<Pos> {
        self.pos
    }

    /// The message (never a value).
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// A file a kustomization names (for a `secretGenerator`, a patch, a
/// generator configuration, replacements) that exists but could not be
/// read (permission denied, a directory, too large, outside the
/// kustomization's directory…): it was not checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable {
    pub(crate) pos: Pos,
    pub(crate) source: String,
    pub(crate) path: String,
    pub(crate) kind: std::io::ErrorKind,
    pub(crate) message: String,
}

impl Unreadable {
    /// Position of the generator field naming the file.
    pub fn pos(&self) -> Pos {
        self.pos
    }

    /// What names the file: `secretGenerator "db"` (its name, or
    /// `(unnamed)`), or the kustomization field (`patches`, `generators`…).
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The path as written in the kustomization.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The kind of the read error.
    pub fn error_kind(&self) -> std::io::ErrorKind {
        self.kind
    }
}

/// `secretGenerator "db": cannot read key.pem: <the read error>`, or
/// `patches: cannot read …`.
impl fmt::Display for Unreadable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: cannot read {}: {}",
            self.source,
            escape::text(&self.path),
            escape::text(&self.message)
        )
    }
}

/// The result of scanning one input.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    pub(crate) findings: Vec<Finding>,
    pub(crate) notes: Vec<Note>,
    pub(crate) unreadable: Vec<Unreadable>,
    pub(crate) line_based: bool,
    /// Flux Kustomizations' inline substitutions ([`crate::substitutions`]).
    pub(crate) substitutes: Vec<crate::postbuild::Substitute>,
    /// `${VAR}` names used in Secret values ([`crate::substitutions`]).
    pub(crate) secret_variables: Vec<String>,
}

impl Report {
    /// Records `finding`, or, when an allow rule matched, a note that says
    /// so (an allow rule is never silent).
    pub(crate) fn add(&mut self, finding: Finding, allowed: Option<&str>) {
        match allowed {
            Some(rule) => self.notes.push(Note {
                pos: Some(finding.pos),
                message: format!("{finding}: allowed by {rule}"),
            }),
            None => self.findings.push(finding),
        }
    }

    /// Plain Secrets and generators, sorted by position.
    pub fn findings(&self) -> &[Finding] {
        &self.findings
    }

    /// Notes: line-based fallback, missing kustomize files.
    pub fn notes(&self) -> &[Note] {
        &self.notes
    }

    /// Files named by a `secretGenerator` that exist but could not be read.
    /// The input was not fully checked when this is not empty.
    pub fn unreadable(&self) -> &[Unreadable] {
        &self.unreadable
    }

    /// Whether the input was not valid YAML and was read line by line.
    pub fn is_line_based(&self) -> bool {
        self.line_based
    }

    /// The findings, by value.
    pub fn into_findings(self) -> Vec<Finding> {
        self.findings
    }
}

/// Why an input could not be checked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CheckError {
    /// Not UTF-8 (nor UTF-16 with a BOM).
    #[error("not UTF-8 text (invalid byte at offset {offset})")]
    NotUtf8 {
        /// Byte offset of the first invalid byte.
        offset: usize,
    },
    /// UTF-16 with a BOM, but malformed.
    #[error("malformed UTF-16 text")]
    BadUtf16,
    /// [`fix`](crate::fix) was given UTF-16 text, which it does not rewrite.
    #[error("cannot fix UTF-16 text; convert the file to UTF-8 first")]
    FixUtf16,
    /// The fixed output did not read back as the same documents (a bug; nothing is written).
    #[error("the fixed file did not read back correctly (line {line}: {message}); left unchanged")]
    FixVerify {
        /// Line of the problem in the fixed text.
        line: usize,
        /// What went wrong.
        message: String,
    },
}
