//! Text helpers shared by every scanner: decoding input, line access by
//! number, and the allow comment.

use std::borrow::Cow;

use k8s_manifest::yaml::{self, TextError};
use k8s_manifest::Pos;

use crate::finding::CheckError;

/// The input as text (UTF-8, or UTF-16 with a byte-order mark).
pub(crate) fn decode(input: &[u8]) -> Result<Cow<'_, str>, CheckError> {
    yaml::decode_text(input).map_err(|e| match e {
        TextError::NotUtf8 { offset } => CheckError::NotUtf8 { offset },
        TextError::BadUtf16 => CheckError::BadUtf16,
    })
}

/// Line access by 1-based number, for comments and raw text at a position.
pub(crate) struct Lines<'a> {
    text: &'a str,
    starts: std::cell::OnceCell<Vec<usize>>,
}

impl<'a> Lines<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        Self {
            text,
            starts: std::cell::OnceCell::new(),
        }
    }

    fn starts(&self) -> &[usize] {
        self.starts.get_or_init(|| line_starts(self.text))
    }

    pub(crate) fn line(&self, n: usize) -> &'a str {
        let starts = self.starts();
        let Some(&start) = n.checked_sub(1).and_then(|i| starts.get(i)) else {
            return "";
        };
        let end = starts.get(n).copied().unwrap_or(self.text.len());
        self.text
            .get(start..end)
            .unwrap_or_default()
            .trim_end_matches(['\n', '\r'])
    }

    /// The text of the line from a 1-based column (in characters) on.
    pub(crate) fn from(&self, pos: Pos) -> &'a str {
        let line = self.line(pos.line);
        match line.char_indices().nth(pos.col.saturating_sub(1)) {
            Some((i, _)) => line.get(i..).unwrap_or_default(),
            None => "",
        }
    }
}

/// Byte offsets where each line starts.
pub(crate) fn line_starts(text: &str) -> Vec<usize> {
    let mut v = vec![0];
    v.extend(
        text.bytes()
            .enumerate()
            .filter(|(_, b)| *b == b'\n')
            .map(|(i, _)| i + 1),
    );
    if v.last() == Some(&text.len()) && !text.is_empty() {
        v.pop();
    }
    v
}

/// How an allow rule by annotation is named in notes.
pub(crate) const BY_ANNOTATION: &str = "the annotation sealtoken.dev/allow-plain";
/// How an allow rule by comment is named in notes.
pub(crate) const BY_COMMENT: &str = "the comment # sealtoken: allow";

/// Whether `line` carries the allow comment (`# sealtoken: allow`).
pub(crate) fn has_allow_comment(line: &str) -> bool {
    // `# sealtoken: allow`, spaces optional around the colon.
    line.match_indices('#').any(|(i, _)| {
        let rest = line.get(i + 1..).unwrap_or_default().trim_start();
        rest.strip_prefix("sealtoken")
            .map(str::trim_start)
            .and_then(|r| r.strip_prefix(':'))
            .is_some_and(|r| r.trim_start().starts_with("allow"))
    })
}
