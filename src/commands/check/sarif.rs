//! `--format sarif`: SARIF 2.1.0 for code scanning (GitHub's upload-sarif).
//!
//! One rule per finding kind, each with a help text; a result per finding
//! with its file, line and column; partial fingerprints that stay the same
//! when lines move (rule, file, namespace, name and occurrence, no line); and
//! never a value: messages name Secrets and keys only, as the text format does.

use std::collections::HashMap;

use sealtoken_check::FindingKind;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// The schema GitHub and the SARIF tools recognise for version 2.1.0.
const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// One finding as SARIF needs it (already free of values).
pub(super) struct SarifFinding<'a> {
    pub path: &'a str,
    pub line: usize,
    pub column: usize,
    pub kind: FindingKind,
    pub namespace: Option<&'a str>,
    pub name: Option<&'a str>,
    /// The env file of a `secretGenerator`, which names the finding too.
    pub file: Option<&'a str>,
    pub message: String,
}

/// A rule: its id, name, short and full descriptions, and help text.
struct Rule {
    id: &'static str,
    name: &'static str,
    short: &'static str,
    full: &'static str,
    help: &'static str,
}

/// Every rule, one per finding kind, in [`FindingKind`]'s order.
const RULES: &[Rule] = &[
    Rule {
        id: "plain-secret",
        name: "PlainSecret",
        short: "Plain Kubernetes Secret",
        full: "A v1 Secret with values in data or stringData: anyone who can read \
               the repository (or its history) can read the values.",
        help: "Seal the Secret into a SealedSecret that only the Sealed Secrets \
               controller can decrypt: `sealtoken seal -f FILE -w FILE --cert CERT`, \
               or seal every plain Secret of a file in place with \
               `sealtoken check --fix --cert CERT FILE`. The values were committed: \
               rotate them.",
    },
    Rule {
        id: "secret-generator-literals",
        name: "SecretGeneratorLiterals",
        short: "kustomize secretGenerator with plain literals",
        full: "A kustomize secretGenerator whose literals hold the values in plain \
               text in the kustomization.",
        help: "Generate the Secret from a SOPS-encrypted file, or replace the \
               generator by a SealedSecret (`sealtoken seal`). The values were \
               committed: rotate them.",
    },
    Rule {
        id: "secret-generator-files",
        name: "SecretGeneratorFiles",
        short: "kustomize secretGenerator with plain files",
        full: "A kustomize secretGenerator whose files are committed unencrypted.",
        help: "Encrypt the files with SOPS, or replace the generator by a \
               SealedSecret (`sealtoken seal`). The values were committed: \
               rotate them.",
    },
    Rule {
        id: "secret-generator-env",
        name: "SecretGeneratorEnv",
        short: "kustomize secretGenerator with a plain env file",
        full: "A kustomize secretGenerator whose env file is committed unencrypted.",
        help: "Encrypt the env file with SOPS, or replace the generator by a \
               SealedSecret (`sealtoken seal`). The values were committed: \
               rotate them.",
    },
    Rule {
        id: "unparseable",
        name: "Unparseable",
        short: "File that cannot be parsed and looks like it holds a Secret or a List",
        full: "A file that is not valid YAML (or JSON) but names a Secret or a List: \
               it cannot be checked, and another reader may still apply it.",
        help: "Fix the file so that it parses, or allow it explicitly with \
               `# sealtoken: allow` on the line of its kind, the annotation \
               sealtoken.dev/allow-plain, or .sealtoken.toml.",
    },
    Rule {
        id: "sealed-template-literal",
        name: "SealedTemplateLiteral",
        short: "SealedSecret template with plain values",
        full: "A SealedSecret whose spec.template.data holds literal values, which the \
               controller copies into the Secret as they are.",
        help: "Seal each value into spec.encryptedData (`sealtoken seal --raw`) and \
               refer to it from the template. The values were committed: rotate them.",
    },
    Rule {
        id: "controller-key",
        name: "ControllerKey",
        short: "Sealed-secrets controller private key",
        full: "A Secret holding a private key of the sealed-secrets controller (a key \
               backup): whoever reads it can unseal every SealedSecret sealed to it.",
        help: "Remove the key backup from the repository and keep it offline; the key \
               was committed: rotate it and reseal.",
    },
    Rule {
        id: "patched-secret",
        name: "PatchedSecret",
        short: "kustomize patch putting plain values into a Secret",
        full: "A strategic-merge or JSON 6902 patch of a kustomization that sets plain \
               values in a Secret's data or stringData.",
        help: "Take the value out of the patch and seal it in a SealedSecret. The \
               values were committed: rotate them.",
    },
    Rule {
        id: "replacement-into-secret",
        name: "ReplacementIntoSecret",
        short: "kustomize replacement copying a plain value into a Secret",
        full: "A kustomize replacement that copies a value from an object that is not a \
               Secret into a Secret's data or stringData.",
        help: "Copy the value from a Secret (a SealedSecret) instead.",
    },
    Rule {
        id: "post-build-substitute",
        name: "PostBuildSubstitute",
        short: "Flux postBuild.substitute filling a Secret with a plain value",
        full: "A Flux Kustomization whose spec.postBuild.substitute fills a ${VAR} \
               placeholder of a Secret with a value written in Git.",
        help: "Move the value into a Secret (a SealedSecret) and use \
               postBuild.substituteFrom.",
    },
];

fn rule_index(kind: FindingKind) -> usize {
    match kind {
        FindingKind::PlainSecret => 0,
        FindingKind::GeneratorLiterals => 1,
        FindingKind::GeneratorFiles => 2,
        FindingKind::Unparseable => 4,
        FindingKind::SealedTemplateLiteral => 5,
        FindingKind::ControllerKey => 6,
        FindingKind::PatchedSecret => 7,
        FindingKind::ReplacementIntoSecret => 8,
        FindingKind::PostBuildSubstitute => 9,
        // GeneratorEnv, and any kind added later until it has a rule of its own.
        _ => 3,
    }
}

/// The SARIF log of `findings` (sorted by path, then line), pretty-printed.
/// `successful`: every file could be read and understood.
pub(super) fn to_string(
    findings: &[SarifFinding<'_>],
    successful: bool,
) -> serde_json::Result<String> {
    let rules: Vec<Value> = RULES
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "name": r.name,
                "shortDescription": { "text": r.short },
                "fullDescription": { "text": r.full },
                "help": { "text": r.help, "markdown": r.help },
                "defaultConfiguration": { "level": "error" },
                "properties": { "tags": ["security", "secrets", "kubernetes"] },
            })
        })
        .collect();
    let mut occurrences: HashMap<String, usize> = HashMap::new();
    let results: Vec<Value> = findings
        .iter()
        .map(|f| {
            let index = rule_index(f.kind);
            let identity = identity(RULES[index].id, f);
            let n = occurrences.entry(identity.clone()).or_default();
            *n += 1;
            json!({
                "ruleId": RULES[index].id,
                "ruleIndex": index,
                "level": "error",
                "message": { "text": f.message },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": artifact_location(f.path),
                        "region": { "startLine": f.line, "startColumn": f.column },
                    },
                }],
                "partialFingerprints": { "sealtoken/v1": fingerprint(&identity, *n) },
            })
        })
        .collect();
    let version = env!("CARGO_PKG_VERSION");
    let log = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "sealtoken",
                    "version": version,
                    "semanticVersion": version,
                    "informationUri": env!("CARGO_PKG_HOMEPAGE"),
                    "rules": rules,
                },
            },
            "invocations": [{ "executionSuccessful": successful }],
            // Columns count characters (the YAML reader's columns).
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    let mut out = serde_json::to_string_pretty(&log)?;
    out.push('\n');
    Ok(out)
}

/// What names a finding apart from where its lines are: rule, file and object.
fn identity(rule: &str, f: &SarifFinding<'_>) -> String {
    let field = |s: Option<&str>| s.map_or_else(String::new, |s| format!("={s}"));
    format!(
        "{rule}\0{}\0{}\0{}\0{}",
        f.path,
        field(f.namespace),
        field(f.name),
        field(f.file)
    )
}

/// 128 bits of SHA-256 over the identity and its occurrence in the file.
fn fingerprint(identity: &str, occurrence: usize) -> String {
    let digest = Sha256::digest(format!("{identity}\0{occurrence}").as_bytes());
    digest[..16].iter().map(|b| format!("{b:02x}")).collect()
}

/// A relative path against the checkout's root (`%SRCROOT%`, as code scanning
/// expects), an absolute one as a `file:` URI; percent-encoded.
fn artifact_location(path: &str) -> Value {
    let path = path.replace('\\', "/");
    if let Some(abs) = path.strip_prefix('/') {
        json!({ "uri": format!("file:///{}", encode(abs)) })
    } else {
        let rel = path.strip_prefix("./").unwrap_or(&path);
        json!({ "uri": encode(rel), "uriBaseId": "%SRCROOT%" })
    }
}

/// Percent-encodes all but RFC 3986's unreserved characters and `/`.
fn encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(line: usize, name: Option<&'static str>) -> SarifFinding<'static> {
        SarifFinding {
            path: "k8s/a b.yaml",
            line,
            column: 7,
            kind: FindingKind::PlainSecret,
            namespace: Some("flux-system"),
            name,
            file: None,
            message: "plain Secret".to_string(),
        }
    }

    fn results(log: &str) -> Vec<Value> {
        let v: Value = serde_json::from_str(log).unwrap();
        v["runs"][0]["results"].as_array().unwrap().clone()
    }

    #[test]
    fn fingerprints_ignore_lines_and_tell_repeats_apart() {
        let before =
            results(&to_string(&[finding(2, Some("db")), finding(9, None)], true).unwrap());
        let after = results(
            &to_string(
                &[
                    finding(12, Some("db")),
                    finding(20, None),
                    finding(30, None),
                ],
                true,
            )
            .unwrap(),
        );
        let fp = |r: &Value| r["partialFingerprints"]["sealtoken/v1"].clone();
        assert_eq!(fp(&before[0]), fp(&after[0]));
        assert_eq!(fp(&before[1]), fp(&after[1]));
        assert_ne!(fp(&after[1]), fp(&after[2]));
        assert_ne!(fp(&after[0]), fp(&after[1]));
        assert_eq!(fp(&after[0]).as_str().unwrap().len(), 32);
    }

    #[test]
    fn locations_are_encoded_uris() {
        let r = &results(&to_string(&[finding(2, Some("db"))], true).unwrap())[0];
        let loc = &r["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uri"], "k8s/a%20b.yaml");
        assert_eq!(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        assert_eq!(loc["region"]["startLine"], 2);
        assert_eq!(loc["region"]["startColumn"], 7);
        assert_eq!(
            artifact_location("/tmp/x#1.yaml"),
            json!({ "uri": "file:///tmp/x%231.yaml" })
        );
    }

    #[test]
    fn one_rule_per_finding_kind() {
        let kinds = [
            FindingKind::PlainSecret,
            FindingKind::GeneratorLiterals,
            FindingKind::GeneratorFiles,
            FindingKind::GeneratorEnv,
            FindingKind::Unparseable,
            FindingKind::SealedTemplateLiteral,
            FindingKind::ControllerKey,
            FindingKind::PatchedSecret,
            FindingKind::ReplacementIntoSecret,
            FindingKind::PostBuildSubstitute,
        ];
        let mut seen: Vec<usize> = kinds.iter().map(|k| rule_index(*k)).collect();
        seen.dedup();
        assert_eq!(seen, (0..RULES.len()).collect::<Vec<_>>());
    }
}
