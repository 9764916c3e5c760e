//! [`kubeseal_core`] for JavaScript: the functions behind the npm package in
//! `npm/` and the offline page in `web/`, built for `wasm32-unknown-unknown`
//! with `wasm-bindgen` on the pure-Rust RustCrypto backend.
//!
//! The JavaScript wrapper (`npm/index.js`) turns strings, objects and options
//! into the plain arguments taken here. Every function is a thin call into
//! the core; errors become JavaScript exceptions whose messages are the core's
//! (the CLI's) messages, which name keys, fields and positions but never a value.
//!
//! The `*_impl` functions hold the logic and return `Result<_, String>`, so
//! they are tested on the host as well.

// On the host only the tests call the `*_impl` functions.
#![cfg_attr(
    not(all(target_arch = "wasm32", target_os = "unknown")),
    allow(dead_code)
)]

use std::cell::RefCell;
use std::rc::Rc;

use kubeseal_core::{
    flux, read_secrets, seal_raw, seal_secrets, Certificate, Format, ObjectRef, Scope, SealOptions,
    Timestamp, Token,
};

/// An error's message with its causes, joined as the CLI joins them (`{:#}`).
fn message(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        let m = c.to_string();
        if !s.ends_with(&m) {
            s.push_str(": ");
            s.push_str(&m);
        }
        cur = c.source();
    }
    s
}

fn parse_cert(cert: &[u8]) -> Result<Certificate, String> {
    Certificate::from_pem(cert).map_err(|e| format!("certificate: {}", message(&e)))
}

thread_local! {
    /// The last certificate parsed from bytes, with those bytes: a certificate
    /// is public data, and parsing it (and the RSA key's Montgomery parameters)
    /// costs a sizeable part of one seal, so repeated calls with the same PEM
    /// reuse it. One entry: a caller switching between certificates parses each
    /// time, as before.
    static LAST_CERT: RefCell<Option<(Vec<u8>, Rc<Certificate>)>> = const { RefCell::new(None) };
}

/// `cert` parsed, or the last parse of the same bytes.
fn cached_cert(cert: &[u8]) -> Result<Rc<Certificate>, String> {
    if let Some(hit) = LAST_CERT.with_borrow(|last| {
        last.as_ref()
            .filter(|(bytes, _)| bytes.as_slice() == cert)
            .map(|(_, c)| Rc::clone(c))
    }) {
        return Ok(hit);
    }
    let parsed = Rc::new(parse_cert(cert)?);
    LAST_CERT.set(Some((cert.to_vec(), Rc::clone(&parsed))));
    Ok(parsed)
}

fn parse_scope(scope: Option<&str>) -> Result<Option<Scope>, String> {
    scope
        .map(|s| s.parse::<Scope>().map_err(|e| message(&e)))
        .transpose()
}

fn parse_format(format: Option<&str>) -> Result<Format, String> {
    match format {
        None | Some("json") => Ok(Format::Json),
        Some("yaml" | "yml") => Ok(Format::Yaml),
        Some(other) => Err(format!(
            "unknown output format {other:?}: must be json or yaml"
        )),
    }
}

/// The options of `seal_secret_impl` (kubeseal's flags).
#[derive(Debug, Default, Clone)]
struct SecretOptions {
    /// `--scope`: replaces the Secret's scope annotations (strict leaves them).
    scope: Option<String>,
    /// `--name`: replaces `metadata.name`.
    name: Option<String>,
    /// `--namespace`: used when the Secret has none; another one is refused.
    namespace: Option<String>,
    /// `json` (kubeseal's default) or `yaml`.
    format: Option<String>,
    /// `--allow-empty-data`.
    allow_empty_data: bool,
    /// Seal with an expired certificate.
    allow_expired_certificate: bool,
}

/// Seals every Secret of a YAML or JSON manifest (several documents, `kind:
/// List`) into SealedSecrets, rendered one after the other as the CLI does.
fn seal_secret_impl(
    cert: &Certificate,
    manifest: &[u8],
    options: &SecretOptions,
) -> Result<String, String> {
    let format = parse_format(options.format.as_deref())?;
    let mut opts = SealOptions::new()
        .allow_empty_data(options.allow_empty_data)
        .allow_expired_certificate(options.allow_expired_certificate);
    if let Some(scope) = parse_scope(options.scope.as_deref())? {
        opts = opts.scope(scope);
    }
    if let Some(name) = &options.name {
        opts = opts.name(name.as_str());
    }
    if let Some(ns) = &options.namespace {
        opts = opts.namespace(ns.as_str());
    }
    let secrets = read_secrets(manifest).map_err(|e| message(&e))?;
    if secrets.is_empty() {
        return Err("no Secret found in the input".into());
    }
    let sealed = seal_secrets(cert, &secrets, &opts).map_err(|e| message(&e))?;
    Ok(sealed.iter().map(|s| s.to_string(format)).collect())
}

/// Seals one value as `kubeseal --raw`: base64 of upstream's hybrid ciphertext.
fn seal_raw_impl(
    cert: &Certificate,
    value: &[u8],
    scope: Option<&str>,
    namespace: &str,
    name: &str,
) -> Result<String, String> {
    let scope = parse_scope(scope)?.unwrap_or_default();
    if scope != Scope::ClusterWide && namespace.is_empty() {
        return Err(format!(
            "must provide the namespace option with sealRaw and scope {scope}"
        ));
    }
    if scope == Scope::Strict && name.is_empty() {
        return Err(format!(
            "must provide the name option with sealRaw and scope {scope}"
        ));
    }
    cert.check_validity_at(Timestamp::now(), false)
        .map_err(|e| message(&e))?;
    seal_raw(cert, scope, &ObjectRef::new(namespace, name), value).map_err(|e| message(&e))
}

/// The certificate's facts as a JSON object (what `sealtoken cert-info` shows).
fn cert_info_impl(cert: &Certificate, now: Timestamp) -> String {
    let ts = |t: Option<Timestamp>| t.map_or("null".to_string(), |t| format!("\"{t}\""));
    let expired = cert.is_expired_at(now);
    let not_yet_valid = cert.is_not_yet_valid_at(now);
    format!(
        "{{\"subject\":{subject},\"barePublicKey\":{bare},\"keyBits\":{bits},\
         \"fingerprintSha256\":\"{fp}\",\"notBefore\":{nb},\"notAfter\":{na},\
         \"expired\":{expired},\"notYetValid\":{not_yet_valid}}}",
        subject = json_string(cert.subject()),
        bare = cert.is_bare_public_key(),
        bits = cert.key_bits(),
        fp = cert.fingerprint_hex(),
        nb = ts(cert.not_before()),
        na = ts(cert.not_after()),
    )
}

/// A JSON string literal.
fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A fresh token of `bytes` random bytes, hex-encoded.
fn generate_token_impl(bytes: usize) -> Result<String, String> {
    let token = Token::generate(bytes).map_err(|e| message(&e))?;
    Ok(token.expose().to_string())
}

/// The path notification-controller publishes for the Receiver `namespace/receiver`.
fn webhook_path_impl(token: String, receiver: &str, namespace: &str) -> Result<String, String> {
    for (what, n) in [("receiver", receiver), ("namespace", namespace)] {
        if !flux::is_valid_name(n) {
            return Err(format!("{what} name {n:?} is not a valid Kubernetes name"));
        }
    }
    let token = Token::from_string(token).map_err(|e| message(&e))?;
    Ok(flux::webhook_path(
        &token,
        &ObjectRef::new(namespace, receiver),
    ))
}

#[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
pub use js::*;

/// The functions exported to JavaScript (only on `wasm32-unknown-unknown`).
#[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
mod js {
    use super::*;
    use wasm_bindgen::prelude::*;
    use zeroize::{Zeroize, Zeroizing};

    fn js<T>(r: Result<T, String>) -> Result<T, JsError> {
        r.map_err(|m| JsError::new(&m))
    }

    /// A certificate parsed once (`loadCertificate` in the wrapper): sealing
    /// with it skips parsing the PEM and preparing the RSA key on every call.
    /// It holds public data only.
    #[wasm_bindgen]
    pub struct ParsedCertificate(Rc<Certificate>);

    #[wasm_bindgen]
    impl ParsedCertificate {
        /// Parses a PEM certificate or bare public key (or reuses the last parse
        /// of the same bytes).
        #[wasm_bindgen(constructor)]
        pub fn new(cert: &[u8]) -> Result<ParsedCertificate, JsError> {
            js(cached_cert(cert)).map(ParsedCertificate)
        }

        /// `sealSecret` with this certificate.
        #[wasm_bindgen(js_name = sealSecret)]
        #[allow(clippy::too_many_arguments)]
        pub fn seal_secret(
            &self,
            manifest: Vec<u8>,
            scope: Option<String>,
            name: Option<String>,
            namespace: Option<String>,
            format: Option<String>,
            allow_empty_data: bool,
            allow_expired_certificate: bool,
        ) -> Result<String, JsError> {
            let manifest = Zeroizing::new(manifest);
            let options = SecretOptions {
                scope,
                name,
                namespace,
                format,
                allow_empty_data,
                allow_expired_certificate,
            };
            js(seal_secret_impl(&self.0, &manifest, &options))
        }

        /// `sealRaw` with this certificate. The value buffer is zeroized.
        #[wasm_bindgen(js_name = sealRaw)]
        pub fn seal_raw(
            &self,
            mut value: Vec<u8>,
            scope: Option<String>,
            namespace: &str,
            name: &str,
        ) -> Result<String, JsError> {
            let r = seal_raw_impl(&self.0, &value, scope.as_deref(), namespace, name);
            value.zeroize();
            js(r)
        }

        /// `certInfo` of this certificate (a JSON string; the wrapper parses it).
        pub fn info(&self) -> String {
            cert_info_impl(&self.0, Timestamp::now())
        }
    }

    /// `sealSecret`: see `seal_secret_impl`. The manifest buffer is zeroized.
    #[wasm_bindgen(js_name = sealSecret)]
    #[allow(clippy::too_many_arguments)]
    pub fn seal_secret_js(
        cert: &[u8],
        manifest: Vec<u8>,
        scope: Option<String>,
        name: Option<String>,
        namespace: Option<String>,
        format: Option<String>,
        allow_empty_data: bool,
        allow_expired_certificate: bool,
    ) -> Result<String, JsError> {
        let manifest = Zeroizing::new(manifest);
        let cert = js(cached_cert(cert))?;
        let options = SecretOptions {
            scope,
            name,
            namespace,
            format,
            allow_empty_data,
            allow_expired_certificate,
        };
        js(seal_secret_impl(&cert, &manifest, &options))
    }

    /// `sealRaw`: see `seal_raw_impl`. The value buffer is zeroized.
    #[wasm_bindgen(js_name = sealRaw)]
    pub fn seal_raw_js(
        cert: &[u8],
        mut value: Vec<u8>,
        scope: Option<String>,
        namespace: &str,
        name: &str,
    ) -> Result<String, JsError> {
        let r = cached_cert(cert)
            .and_then(|cert| seal_raw_impl(&cert, &value, scope.as_deref(), namespace, name));
        value.zeroize();
        js(r)
    }

    /// `certInfo`: see `cert_info_impl` (a JSON string; the wrapper parses it).
    #[wasm_bindgen(js_name = certInfo)]
    pub fn cert_info_js(cert: &[u8]) -> Result<String, JsError> {
        js(cached_cert(cert).map(|c| cert_info_impl(&c, Timestamp::now())))
    }

    /// `generateToken`: see `generate_token_impl`.
    #[wasm_bindgen(js_name = generateToken)]
    pub fn generate_token_js(bytes: usize) -> Result<String, JsError> {
        js(generate_token_impl(bytes))
    }

    /// `webhookPath`: see `webhook_path_impl`.
    #[wasm_bindgen(js_name = webhookPath)]
    pub fn webhook_path_js(
        token: String,
        receiver: &str,
        namespace: &str,
    ) -> Result<String, JsError> {
        js(webhook_path_impl(token, receiver, namespace))
    }

    /// The crypto backend compiled in (`rust-crypto`).
    #[wasm_bindgen]
    pub fn backend() -> String {
        kubeseal_core::BACKEND.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CERT: &[u8] = include_bytes!("../../../fixtures/upstream/controller.crt");

    #[test]
    fn errors_name_no_value() {
        let secret = b"apiVersion: v1\nkind: Secret\nmetadata: {name: db, namespace: ns}\ndata: {password: 'not base64 s3cr3t!'}\n";
        let cert = cached_cert(CERT).unwrap();
        let e = seal_secret_impl(&cert, secret, &SecretOptions::default()).unwrap_err();
        assert!(!e.contains("s3cr3t"), "{e}");
        assert!(e.contains("password"), "{e}");
    }

    #[test]
    fn bad_options_refused() {
        let secret = b"apiVersion: v1\nkind: Secret\nmetadata: {name: db, namespace: ns}\nstringData: {a: b}\n";
        let cert = cached_cert(CERT).unwrap();
        let opts = SecretOptions {
            scope: Some("global".into()),
            ..SecretOptions::default()
        };
        let e = seal_secret_impl(&cert, secret, &opts).unwrap_err();
        assert!(e.starts_with("unknown scope \"global\""), "{e}");
        let opts = SecretOptions {
            format: Some("toml".into()),
            ..SecretOptions::default()
        };
        assert!(seal_secret_impl(&cert, secret, &opts).is_err());
        assert!(seal_raw_impl(&cert, b"v", Some("strict"), "ns", "").is_err());
        assert!(seal_raw_impl(&cert, b"v", Some("namespace-wide"), "", "").is_err());
        assert!(seal_raw_impl(&cert, b"v", Some("cluster-wide"), "", "").is_ok());
        assert!(cached_cert(b"junk")
            .unwrap_err()
            .starts_with("certificate: no PEM certificate found"));
    }

    #[test]
    fn last_certificate_is_reused() {
        let a = cached_cert(CERT).unwrap();
        let b = cached_cert(CERT).unwrap();
        assert!(Rc::ptr_eq(&a, &b));
        // A failed parse leaves the entry; other bytes replace it.
        assert!(cached_cert(b"junk").is_err());
        assert!(Rc::ptr_eq(&a, &cached_cert(CERT).unwrap()));
        let other = [CERT, b"\n"].concat();
        let c = cached_cert(&other).unwrap();
        assert!(!Rc::ptr_eq(&a, &c));
        assert_eq!(c.fingerprint_hex(), a.fingerprint_hex());
        assert!(!Rc::ptr_eq(&a, &cached_cert(CERT).unwrap()));
    }

    #[test]
    fn cert_info_is_json() {
        let info = cert_info_impl(&cached_cert(CERT).unwrap(), Timestamp::from_unix(0));
        let v: serde_json::Value = serde_json::from_str(&info).unwrap();
        assert_eq!(v["keyBits"], 4096);
        assert_eq!(v["barePublicKey"], false);
        assert_eq!(v["notYetValid"], true);
        assert_eq!(v["fingerprintSha256"].as_str().unwrap().len(), 64);
        assert_eq!(json_string("a\"\\\n"), "\"a\\\"\\\\\\u000a\"");
    }

    #[test]
    fn tokens_and_paths() {
        let t = generate_token_impl(16).unwrap();
        assert_eq!(t.len(), 32);
        assert!(generate_token_impl(0).is_err());
        // The value documented beside flux::webhook_path (notification-controller's algorithm).
        let p = webhook_path_impl(
            "8f3c2a1b9d4e5f6a7b8c9d0e1f2a3b4c".into(),
            "tenant-demo-github",
            "flux-system",
        )
        .unwrap();
        assert_eq!(
            p,
            "/hook/a9103a0523b26719250dc181140a680663c2f300fcbe0b8c66dc11aca753fbb9"
        );
        let e = webhook_path_impl("tok en".into(), "r", "ns").unwrap_err();
        assert!(!e.contains("tok en"), "{e}");
        assert!(webhook_path_impl("t".into(), "Bad_Name", "ns").is_err());
    }
}
