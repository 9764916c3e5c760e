//! `fix`: plain Secret documents replaced in place by their SealedSecrets.

use std::fmt;
use std::ops::Range;

use k8s_manifest::yaml;
use kubeseal_core::{
    read_secrets, seal_secret, Certificate, Format, ManifestError, SealError, SealOptions,
};
use zeroize::Zeroizing;

use crate::finding::{CheckError, Finding, FindingKind, Location, Report};
use crate::scan::scan_text;
use crate::text::{decode, line_starts};

/// A Secret sealed in place by [`fix`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sealed {
    line: usize,
    qualified_name: String,
}

impl Sealed {
    /// Line of its `kind` in the original input.
    pub fn line(&self) -> usize {
        self.line
    }

    /// `namespace/name` as sealed.
    pub fn qualified_name(&self) -> &str {
        &self.qualified_name
    }
}

/// Why [`fix`] left a finding as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum UnfixedReason {
    /// An item of a `kind: List`.
    ListItem,
    /// The input is not valid YAML (it was read line by line).
    NotYaml,
    /// The input reads as JSON to Kubernetes but is not valid JSON (it was
    /// read as YAML, as kustomize reads it).
    NotJson,
    /// A JSON input holding more than one document.
    JsonNotSingle,
    /// The document's text could not be located.
    NotLocated,
    /// The document did not read as exactly one Secret.
    NotOneSecret,
    /// The document did not read as a Secret.
    Manifest(ManifestError),
    /// The Secret could not be sealed (e.g. it has no namespace and the
    /// options give none).
    Seal(SealError),
}

/// Why, in a few words (never a value), e.g. `it is an item of a List; seal it by hand`.
impl fmt::Display for UnfixedReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UnfixedReason::ListItem => f.write_str("it is an item of a List; seal it by hand"),
            UnfixedReason::NotYaml => f.write_str("the file is not valid YAML; seal it by hand"),
            UnfixedReason::NotJson => {
                f.write_str("the file is not valid JSON; fix it, then seal it")
            }
            UnfixedReason::JsonNotSingle => {
                f.write_str("a JSON file can only be fixed when it holds a single Secret")
            }
            UnfixedReason::NotLocated => f.write_str("cannot locate the document"),
            UnfixedReason::NotOneSecret => f.write_str("expected one Secret in the document"),
            UnfixedReason::Manifest(e) => write!(f, "{e}"),
            UnfixedReason::Seal(SealError::MissingNamespace { .. }) => {
                f.write_str("it has no namespace and none was given")
            }
            UnfixedReason::Seal(SealError::MissingName { .. }) => {
                f.write_str("it has no metadata.name")
            }
            UnfixedReason::Seal(SealError::NamespaceMismatch { found, given, .. }) => {
                write!(f, "it is in namespace {found:?} but {given:?} was given")
            }
            UnfixedReason::Seal(e) => write!(f, "{e}"),
        }
    }
}

/// A finding [`fix`] could not fix, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unfixed {
    finding: Finding,
    reason: UnfixedReason,
}

impl Unfixed {
    /// The finding.
    pub fn finding(&self) -> &Finding {
        &self.finding
    }

    /// Why it was left.
    pub fn reason(&self) -> &UnfixedReason {
        &self.reason
    }
}

/// The result of [`fix`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fixed {
    output: Option<Vec<u8>>,
    sealed: Vec<Sealed>,
    unfixed: Vec<Unfixed>,
    report: Report,
}

impl Fixed {
    /// The new file contents; `None` when nothing was changed.
    pub fn output(&self) -> Option<&[u8]> {
        self.output.as_deref()
    }

    /// What was sealed.
    pub fn sealed(&self) -> &[Sealed] {
        &self.sealed
    }

    /// Findings left as they are.
    pub fn unfixed(&self) -> &[Unfixed] {
        &self.unfixed
    }

    /// The scan of the original input.
    pub fn report(&self) -> &Report {
        &self.report
    }
}

/// Replaces every plain Secret document of a YAML stream by its SealedSecret
/// (YAML), in place: other documents, separators and comments outside the
/// replaced documents stay byte for byte. A JSON file is rewritten as the
/// SealedSecret's JSON when it holds a single Secret. Secrets inside a
/// `kind: List`, in files read line by line, or that cannot be sealed are
/// left and reported in [`Fixed::unfixed`].
///
/// # Errors
///
/// [`CheckError`] when the input is not UTF-8 text (UTF-16 is not rewritten),
/// or when the rewritten text would not read back as the same documents
/// (nothing is returned to write then).
pub fn fix(input: &[u8], cert: &Certificate, opts: &SealOptions) -> Result<Fixed, CheckError> {
    if matches!(input, [0xFF, 0xFE, ..] | [0xFE, 0xFF, ..]) {
        return Err(CheckError::FixUtf16);
    }
    let (bom, body) = match input.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        Some(rest) => (true, rest),
        None => (false, input),
    };
    let text = decode(body)?;
    // One rule for the whole run, decided on the raw bytes (a BOM makes it YAML).
    let format = Format::detect(input);
    let report = scan_text(&text, format, None)?;
    let mut out = Fixed {
        report: report.clone(),
        ..Fixed::default()
    };
    let plain: Vec<&Finding> = report
        .findings()
        .iter()
        .filter(|f| f.kind == FindingKind::PlainSecret)
        .collect();
    if plain.is_empty() {
        return Ok(out);
    }
    let unfixed = |f: &Finding, reason: UnfixedReason| Unfixed {
        finding: f.clone(),
        reason,
    };
    if report.line_based {
        out.unfixed = plain
            .iter()
            .map(|f| unfixed(f, UnfixedReason::NotYaml))
            .collect();
        return Ok(out);
    }
    let docs = match yaml::parse_manifests_as(&text, format) {
        Ok(d) => d,
        Err(_) => {
            out.unfixed = plain
                .iter()
                .map(|f| unfixed(f, UnfixedReason::NotJson))
                .collect();
            return Ok(out);
        }
    };
    let json = format == Format::Json;
    let non_empty = docs.iter().filter(|d| d.root().is_some()).count();
    let lines = line_starts(&text);
    let crlf = text.contains("\r\n");
    let mut edits: Vec<(Range<usize>, String)> = Vec::new();
    for f in plain {
        let Location::Document(doc) = f.location else {
            out.unfixed.push(unfixed(f, UnfixedReason::ListItem));
            continue;
        };
        if json && non_empty != 1 {
            out.unfixed.push(unfixed(f, UnfixedReason::JsonNotSingle));
            continue;
        }
        let Some(range) = document_range(&text, &lines, &docs, doc) else {
            out.unfixed.push(unfixed(f, UnfixedReason::NotLocated));
            continue;
        };
        let range = if json { 0..text.len() } else { range };
        // Pad with newlines so that line numbers in messages match the file.
        let start_line = text
            .get(..range.start)
            .map_or(0, |s| s.matches('\n').count());
        // In a YAML stream Kubernetes reads each document as YAML, even one
        // that starts with `{`: a leading BOM makes the reader decide so too.
        let mut doc_text: Zeroizing<Vec<u8>> = Zeroizing::new(Vec::new());
        if !json {
            doc_text.extend_from_slice("\u{feff}".as_bytes());
        }
        doc_text.extend(std::iter::repeat_n(b'\n', start_line));
        doc_text.extend_from_slice(text.get(range.clone()).unwrap_or_default().as_bytes());
        let secret = match read_secrets(&doc_text) {
            Ok(mut s) if s.len() == 1 => s.remove(0),
            Ok(_) => {
                out.unfixed.push(unfixed(f, UnfixedReason::NotOneSecret));
                continue;
            }
            Err(e) => {
                out.unfixed.push(unfixed(f, UnfixedReason::Manifest(e)));
                continue;
            }
        };
        let sealed = match seal_secret(cert, &secret, opts) {
            Ok(s) => s,
            Err(e) => {
                out.unfixed.push(unfixed(f, UnfixedReason::Seal(e)));
                continue;
            }
        };
        let qualified = sealed.object_ref().to_string();
        let mut replacement = if json {
            sealed.to_string(Format::Json)
        } else {
            let y = sealed.to_string(Format::Yaml);
            y.strip_prefix("---\n").map(str::to_string).unwrap_or(y)
        };
        if !json && range.start > 0 && text.as_bytes().get(range.start - 1) != Some(&b'\n') {
            replacement.insert(0, '\n');
        }
        if crlf {
            replacement = replacement.replace('\n', "\r\n");
        }
        out.sealed.push(Sealed {
            line: f.pos.line,
            qualified_name: qualified,
        });
        edits.push((range, replacement));
    }
    if edits.is_empty() {
        return Ok(out);
    }
    edits.sort_by_key(|(r, _)| std::cmp::Reverse(r.start));
    let mut new_text = text.into_owned();
    for (range, replacement) in edits {
        new_text.replace_range(range, &replacement);
    }
    // Read the result back: same number of documents, the sealed ones clean.
    let check = yaml::parse_manifests_as(&new_text, format).map_err(|e| CheckError::FixVerify {
        line: e.pos().line,
        message: e.message().to_string(),
    })?;
    if check.len() != docs.len() && !json {
        return Err(CheckError::FixVerify {
            line: 1,
            message: format!("{} documents instead of {}", check.len(), docs.len()),
        });
    }
    let mut bytes = Vec::with_capacity(new_text.len() + 3);
    if bom {
        bytes.extend_from_slice(&[0xEF, 0xBB, 0xBF]);
    }
    bytes.extend_from_slice(new_text.as_bytes());
    out.output = Some(bytes);
    Ok(out)
}

/// Byte range of document `doc` (1-based): from the line of its root node to
/// its last content line (trailing blank lines and column-0 comments stay
/// outside, as does the next `---` or a `...`).
fn document_range(
    text: &str,
    lines: &[usize],
    docs: &[yaml::Document],
    doc: usize,
) -> Option<Range<usize>> {
    let d = docs.get(doc.checked_sub(1)?)?;
    let root = d.root()?;
    let root_line = root.pos().line.checked_sub(1)?;
    let line_start = *lines.get(root_line)?;
    let line_end = lines.get(root_line + 1).copied().unwrap_or(text.len());
    let line_text = text.get(line_start..line_end)?;
    let col_off = line_text
        .char_indices()
        .nth(root.pos().col.saturating_sub(1))
        .map_or(line_text.len(), |(i, _)| i);
    let start = if line_text.get(..col_off)?.trim().is_empty() {
        line_start
    } else {
        line_start + col_off
    };
    // The next document's first line (its `---`), or the end.
    let limit_line = match docs.get(doc) {
        Some(next) => next.start().line.checked_sub(1)?,
        None => lines.len(),
    };
    let mut last = root_line; // last content line (0-based)
    for l in root_line + 1..limit_line.max(root_line + 1) {
        let s = *lines.get(l)?;
        let e = lines.get(l + 1).copied().unwrap_or(text.len());
        let t = text.get(s..e)?;
        if t.starts_with("...") || t.starts_with("---") {
            break;
        }
        let trimmed = t.trim();
        if trimmed.is_empty() || t.starts_with('#') {
            continue;
        }
        last = l;
    }
    let end = lines.get(last + 1).copied().unwrap_or(text.len());
    (start <= end).then_some(start..end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::scan;

    #[test]
    fn document_ranges() {
        let t = "# head\n---\n# Source: a\napiVersion: v1\nkind: Secret\nstringData:\n  k: v\n\n# tail\n---\nkind: ConfigMap\n...\n";
        let docs = yaml::parse_stream(t).unwrap();
        let lines = line_starts(t);
        let r = document_range(t, &lines, &docs, 1).unwrap();
        assert_eq!(&t[r], "apiVersion: v1\nkind: Secret\nstringData:\n  k: v\n");
        let r = document_range(t, &lines, &docs, 2).unwrap();
        assert_eq!(&t[r], "kind: ConfigMap\n");
    }

    #[test]
    fn fix_replaces_only_the_secret() {
        let pem = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../fixtures/upstream/controller.crt"
        ))
        .unwrap();
        let cert = Certificate::from_pem(&pem).unwrap();
        let opts = SealOptions::new().allow_expired_certificate(true);
        let head =
            "# keep me\napiVersion: v1\nkind: ConfigMap # c\ndata: {a: b}\n---\n# Source: s.yaml\n";
        let tail = "# trailing\n---\nkind: Service\n";
        // `'n'` quoted: a plain n is the boolean false to Kubernetes (YAML 1.1).
        let t = format!("{head}apiVersion: v1\nkind: Secret\nmetadata: {{name: s, namespace: 'n'}}\nstringData:\n  k: hunter2\n{tail}");
        let fixed = fix(t.as_bytes(), &cert, &opts).unwrap();
        assert_eq!(fixed.sealed.len(), 1, "{:?}", fixed.unfixed);
        assert_eq!(fixed.sealed[0].qualified_name, "n/s");
        let out = String::from_utf8(fixed.output.unwrap()).unwrap();
        assert!(out.starts_with(&format!(
            "{head}apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\n"
        )));
        assert!(out.ends_with(tail), "{out}");
        assert!(!out.contains("hunter2"));
        assert!(scan(out.as_bytes()).unwrap().findings.is_empty());

        // No namespace: left, with a reason.
        let t = "kind: Secret\nmetadata: {name: s}\nstringData: {k: v}\n";
        let fixed = fix(t.as_bytes(), &cert, &opts).unwrap();
        assert!(fixed.output.is_none());
        assert!(
            matches!(
                fixed.unfixed[0].reason,
                UnfixedReason::Seal(SealError::MissingNamespace { .. })
            ),
            "{:?}",
            fixed.unfixed
        );
        // The library names no command-line flag; the binary adds that hint.
        assert_eq!(
            fixed.unfixed[0].reason.to_string(),
            "it has no namespace and none was given"
        );
        let fixed = fix(t.as_bytes(), &cert, &opts.clone().namespace("x")).unwrap();
        assert!(fixed.output.is_some());

        // JSON with a surrogate-pair escape is read as JSON and sealed as JSON.
        let t = "{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"Secret\",\n  \"metadata\": {\"name\": \"s\", \"namespace\": \"n\"},\n  \"stringData\": {\"k\": \"hunter2 \\ud83d\\udd10\"}\n}\n";
        let fixed = fix(t.as_bytes(), &cert, &opts).unwrap();
        assert_eq!(fixed.sealed.len(), 1, "{:?}", fixed.unfixed);
        assert_eq!(fixed.sealed[0].line, 3);
        let out = String::from_utf8(fixed.output.unwrap()).unwrap();
        assert!(out.starts_with("{\n  \"kind\": \"SealedSecret\""), "{out}");
        assert!(!out.contains("hunter2"));
    }
}
