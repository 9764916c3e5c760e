//! JSON or YAML: how Kubernetes decides what it reads, and the two layouts written.

/// The two output layouts kubeseal writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Format {
    /// Indented JSON in Go struct order, kubeseal's default.
    #[default]
    Json,
    /// `---`-prefixed YAML with sorted keys.
    Yaml,
}

impl Format {
    /// The format Kubernetes reads raw input as: JSON when `{` comes first
    /// after the runes Go's `unicode.IsSpace` skips, within the first 4096
    /// bytes (`k8s.io/apimachinery`'s `GuessJSONStream`, which kubectl and
    /// kubeseal read through); YAML otherwise, a byte-order mark included.
    /// Every reader here decides with this one rule.
    ///
    /// ```
    /// use k8s_manifest::Format;
    ///
    /// assert_eq!(Format::detect(b" \n{\"kind\": \"Secret\"}"), Format::Json);
    /// // A form feed is a space to Go: JSON (which the JSON parser then refuses).
    /// assert_eq!(Format::detect(b"\x0c{}"), Format::Json);
    /// // A BOM is not: YAML.
    /// assert_eq!(Format::detect(b"\xEF\xBB\xBF{}"), Format::Yaml);
    /// ```
    pub fn detect(input: &[u8]) -> Format {
        if crate::json::is_json_buffer(input) {
            Format::Json
        } else {
            Format::Yaml
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_detection() {
        assert_eq!(Format::detect(b"  \n{\"a\":1}"), Format::Json);
        assert_eq!(Format::detect(b"---\na: 1"), Format::Yaml);
        // Go's `unicode.IsSpace` holds for a form feed: Kubernetes decides JSON.
        assert_eq!(Format::detect(b"\x0c{\"a\":1}"), Format::Json);
        // Not for a BOM: Kubernetes decides YAML (go-yaml drops the BOM).
        assert_eq!(Format::detect(b"\xEF\xBB\xBF{\"a\":1}"), Format::Yaml);
    }
}
