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
//!
//! Sealing's RSA-OAEP step can be handed to the platform: the package's Node
//! entry point (`npm/node.js`) installs a function that runs it through
//! `node:crypto.publicEncrypt` (`setRsaOaepEncrypt`), and certificates parsed
//! afterwards use it ([`kubeseal_core::hazmat::with_rsa_oaep_encrypt`]) unless
//! told not to. The session key, AES-GCM, the labels and the format stay here.

// On the host only the tests call the `*_impl` functions.
#![cfg_attr(
    not(all(target_arch = "wasm32", target_os = "unknown")),
    allow(dead_code)
)]

mod flux;
mod recovery;

use flux_receiver::Token;
use k8s_manifest::escape::error_chain;
use kubeseal_core::{
    read_secrets, seal_raw, seal_secrets, Certificate, Format, ObjectRef, Scope, SealOptions,
    SealedSecret, Timestamp,
};

fn parse_cert(cert: &[u8]) -> Result<Certificate, String> {
    Certificate::from_pem(cert).map_err(|e| format!("certificate: {}", error_chain(&e)))
}

fn parse_scope(scope: Option<&str>) -> Result<Option<Scope>, String> {
    scope
        .map(|s| s.parse::<Scope>().map_err(|e| error_chain(&e)))
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

/// What `seal_secret_impl` and its asynchronous twin read from their
/// arguments: the Secrets, the core's options and the output format.
fn secret_inputs(
    manifest: &[u8],
    options: &SecretOptions,
) -> Result<(Vec<kubeseal_core::Secret>, SealOptions, Format), String> {
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
    let secrets = read_secrets(manifest).map_err(|e| error_chain(&e))?;
    if secrets.is_empty() {
        return Err("no Secret found in the input".into());
    }
    Ok((secrets, opts, format))
}

/// SealedSecrets rendered one after the other, as the CLI writes them.
fn render(sealed: &[SealedSecret], format: Format) -> String {
    sealed.iter().map(|s| s.to_string(format)).collect()
}

/// Seals every Secret of a YAML or JSON manifest (several documents, `kind:
/// List`) into SealedSecrets, rendered one after the other as the CLI does.
fn seal_secret_impl(
    cert: &Certificate,
    manifest: &[u8],
    options: &SecretOptions,
) -> Result<String, String> {
    let (secrets, opts, format) = secret_inputs(manifest, options)?;
    let sealed = seal_secrets(cert, &secrets, &opts).map_err(|e| error_chain(&e))?;
    Ok(render(&sealed, format))
}

/// What `seal_raw_impl` and its asynchronous twin check before sealing: the
/// options the scope needs and the certificate's validity; gives the scope
/// and the object.
fn raw_inputs(
    cert: &Certificate,
    scope: Option<&str>,
    namespace: &str,
    name: &str,
) -> Result<(Scope, ObjectRef), String> {
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
        .map_err(|e| error_chain(&e))?;
    Ok((scope, ObjectRef::new(namespace, name)))
}

/// Seals one value as `kubeseal --raw`: base64 of upstream's hybrid ciphertext.
fn seal_raw_impl(
    cert: &Certificate,
    value: &[u8],
    scope: Option<&str>,
    namespace: &str,
    name: &str,
) -> Result<String, String> {
    let (scope, object) = raw_inputs(cert, scope, namespace, name)?;
    seal_raw(cert, scope, &object, value).map_err(|e| error_chain(&e))
}

/// The certificate's facts as a JSON object (what `sealtoken cert-info` shows).
fn cert_info_impl(cert: &Certificate, now: Timestamp) -> String {
    let ts = |t: Option<Timestamp>| t.map_or("null".to_string(), |t| format!("\"{t}\""));
    let expired = cert.is_expired_at(now);
    let not_yet_valid = cert.is_not_yet_valid_at(now);
    // The CLI's warnings before sealing (expired, expires within
    // EXPIRY_WARNING_DAYS, not yet valid), in its words.
    let warnings = cert.check_validity_at(now, true).unwrap_or_default();
    let expires_soon = warnings
        .iter()
        .any(|w| matches!(w, kubeseal_core::ValidityWarning::ExpiresSoon { .. }));
    let warnings: Vec<String> = warnings
        .iter()
        .map(|w| json_string(&w.to_string()))
        .collect();
    format!(
        "{{\"subject\":{subject},\"barePublicKey\":{bare},\"keyBits\":{bits},\
         \"fingerprintSha256\":\"{fp}\",\"notBefore\":{nb},\"notAfter\":{na},\
         \"expired\":{expired},\"notYetValid\":{not_yet_valid},\"expiresSoon\":{expires_soon},\
         \"warnings\":[{warnings}]}}",
        warnings = warnings.join(","),
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
    let token = Token::generate(bytes).map_err(|e| error_chain(&e))?;
    Ok(token.expose().to_string())
}

/// The path notification-controller publishes for the Receiver `namespace/receiver`.
fn webhook_path_impl(token: String, receiver: &str, namespace: &str) -> Result<String, String> {
    k8s_manifest::names::object_name(receiver)
        .and_then(|()| k8s_manifest::names::namespace(namespace))
        .map_err(|e| e.to_string())?;
    let token = Token::from_input(token).map_err(|e| error_chain(&e))?;
    Ok(flux_receiver::webhook_path(
        &token,
        &ObjectRef::new(namespace, receiver),
    ))
}

/// The Flux token Secret holding `token`, as the CLI's main job builds it
/// (`flux_receiver::TokenSecret`: the watch label, and the webhook URL
/// annotation when `url` is given, unless the type guessed from `receiver`
/// makes the URL its only credential and `annotate_url` is false), as a
/// JSON manifest for `sealSecret`.
/// This is plaintext.
fn token_secret_impl(
    token: String,
    namespace: &str,
    name: &str,
    key: &str,
    url: Option<String>,
    receiver: Option<String>,
    annotate_url: bool,
) -> Result<String, String> {
    k8s_manifest::names::namespace(namespace)
        .and_then(|()| k8s_manifest::names::object_name(name))
        .and_then(|()| k8s_manifest::names::secret_key(key))
        .map_err(|e| e.to_string())?;
    let token = Token::from_input(token).map_err(|e| error_chain(&e))?;
    // The CLI's rule: the Receiver's type guessed from its name, and no URL
    // recorded when the URL is that type's only credential.
    let kind = receiver
        .as_deref()
        .and_then(flux_receiver::ReceiverType::from_receiver_name);
    let (recipe, _) = flux_receiver::TokenSecret::new(ObjectRef::new(namespace, name), key)
        .webhook_url_for(kind, url, annotate_url);
    let secret = recipe.build(&token).map_err(|e| error_chain(&e))?;
    Ok(secret.to_string(Format::Json))
}

#[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
pub use flux::js::*;
#[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
pub use js::*;
#[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
pub use recovery::js::*;

/// The functions exported to JavaScript (only on `wasm32-unknown-unknown`).
#[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
mod js {
    use super::*;
    use kubeseal_core::hazmat::{
        seal_raw_deferred, seal_secrets_deferred, spki_der, with_rsa_oaep_encrypt, DeferredSeal,
        RsaOaepFailed,
    };
    use std::cell::RefCell;
    use wasm_bindgen::prelude::*;
    use zeroize::{Zeroize, Zeroizing};

    fn js<T>(r: Result<T, String>) -> Result<T, JsError> {
        r.map_err(|m| JsError::new(&m))
    }

    #[wasm_bindgen]
    extern "C" {
        /// A JavaScript function `(spki, label, sessionKey) => Uint8Array`: the
        /// RSA-OAEP step (see `kubeseal_core::hazmat::RsaOaepEncrypt`).
        #[derive(Clone)]
        type RsaStep;

        /// `step.call(undefined, spki, label, sessionKey)`. The slices reach
        /// JavaScript as views of the module's memory, not as copies.
        #[wasm_bindgen(method, catch, js_name = call)]
        fn run(
            this: &RsaStep,
            this_arg: &JsValue,
            spki: &[u8],
            label: &[u8],
            session_key: &[u8],
        ) -> Result<Vec<u8>, JsValue>;
    }

    thread_local! {
        /// The RSA-OAEP step installed by `setRsaOaepEncrypt`, if any.
        static RSA_STEP: RefCell<Option<RsaStep>> = const { RefCell::new(None) };
    }

    /// Installs the platform's RSA-OAEP step for certificates parsed from now
    /// on (`undefined` or `null` removes it). The package's Node entry point
    /// calls it once; it is not part of the package's API.
    #[wasm_bindgen(js_name = setRsaOaepEncrypt)]
    pub fn set_rsa_oaep_encrypt(step: JsValue) -> Result<(), JsError> {
        if step.is_undefined() || step.is_null() {
            RSA_STEP.set(None);
        } else if step.is_function() {
            RSA_STEP.set(Some(step.unchecked_into()));
        } else {
            return Err(JsError::new("the RSA-OAEP step must be a function"));
        }
        Ok(())
    }

    /// The `RsaOaepEncrypt` handed to the core: calls the installed JavaScript
    /// step. Its exception (whatever it says) becomes the core's "encryption
    /// failed"; a result of the wrong size is refused.
    fn js_rsa_step(
        spki: &[u8],
        label: &[u8],
        session_key: &[u8],
        out: &mut [u8],
    ) -> Result<(), RsaOaepFailed> {
        // Cloned out first: the step runs JavaScript, which may call back in.
        let step = RSA_STEP.with_borrow(Clone::clone).ok_or(RsaOaepFailed)?;
        let ct = step
            .run(&JsValue::UNDEFINED, spki, label, session_key)
            .map_err(|_| RsaOaepFailed)?;
        if ct.len() != out.len() {
            return Err(RsaOaepFailed);
        }
        out.copy_from_slice(&ct);
        Ok(())
    }

    /// A certificate parsed once (`Certificate` in the wrapper): sealing with
    /// it skips parsing the PEM and preparing the RSA key on every call. It
    /// holds public data only.
    #[wasm_bindgen]
    pub struct ParsedCertificate {
        cert: Certificate,
        native_rsa: bool,
    }

    #[wasm_bindgen]
    impl ParsedCertificate {
        /// Parses a PEM certificate or bare public key. With `native_rsa`, and
        /// an RSA-OAEP step installed, sealing uses that step.
        #[wasm_bindgen(constructor)]
        pub fn new(cert: &[u8], native_rsa: bool) -> Result<ParsedCertificate, JsError> {
            let cert = js(parse_cert(cert))?;
            let native_rsa = native_rsa && RSA_STEP.with_borrow(Option::is_some);
            Ok(ParsedCertificate {
                cert: if native_rsa {
                    with_rsa_oaep_encrypt(cert, js_rsa_step)
                } else {
                    cert
                },
                native_rsa,
            })
        }

        /// Whether sealing's RSA-OAEP step runs in the platform (Node's
        /// OpenSSL) rather than in this module.
        #[wasm_bindgen(getter, js_name = nativeRsa)]
        pub fn native_rsa(&self) -> bool {
            self.native_rsa
        }

        /// `sealSecret` with this certificate. The manifest buffer is zeroized.
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
            js(seal_secret_impl(&self.cert, &manifest, &options))
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
            let r = seal_raw_impl(&self.cert, &value, scope.as_deref(), namespace, name);
            value.zeroize();
            js(r)
        }

        /// The public key as DER `SubjectPublicKeyInfo` (a copy), for
        /// WebCrypto's `importKey("spki", …)`.
        pub fn spki(&self) -> Vec<u8> {
            spki_der(&self.cert).to_vec()
        }

        /// `sealSecret`'s checks, session keys and AES-GCM, each value's
        /// RSA-OAEP step started by `start(label, sessionKey)` before its
        /// AES-GCM runs here (`sealSecretAsync` starts it in WebCrypto, which
        /// works on another thread meanwhile). The manifest buffer is zeroized.
        #[wasm_bindgen(js_name = prepareSealSecret)]
        #[allow(clippy::too_many_arguments)]
        pub fn prepare_seal_secret(
            &self,
            manifest: Vec<u8>,
            scope: Option<String>,
            name: Option<String>,
            namespace: Option<String>,
            format: Option<String>,
            allow_empty_data: bool,
            allow_expired_certificate: bool,
            start: &js_sys::Function,
        ) -> Result<PendingSeal, JsError> {
            let manifest = Zeroizing::new(manifest);
            let options = SecretOptions {
                scope,
                name,
                namespace,
                format,
                allow_empty_data,
                allow_expired_certificate,
            };
            let (secrets, opts, format) = js(secret_inputs(&manifest, &options))?;
            let mut started = Starter::new(start);
            let deferred =
                seal_secrets_deferred(&self.cert, &secrets, &opts, |l, k| started.start(l, k))
                    .map_err(|e| error_chain(&e));
            started.check()?;
            Ok(PendingSeal(Some(Pending::Secrets(js(deferred)?, format))))
        }

        /// `sealRaw`'s checks, session key and AES-GCM, the RSA-OAEP step
        /// started by `start(label, sessionKey)` (`sealRawAsync`). The value
        /// buffer is zeroized.
        #[wasm_bindgen(js_name = prepareSealRaw)]
        pub fn prepare_seal_raw(
            &self,
            mut value: Vec<u8>,
            scope: Option<String>,
            namespace: &str,
            name: &str,
            start: &js_sys::Function,
        ) -> Result<PendingSeal, JsError> {
            let mut started = Starter::new(start);
            let r = raw_inputs(&self.cert, scope.as_deref(), namespace, name).and_then(
                |(scope, object)| {
                    seal_raw_deferred(&self.cert, scope, &object, &value, |l, k| {
                        started.start(l, k)
                    })
                    .map_err(|e| error_chain(&e))
                },
            );
            value.zeroize();
            started.check()?;
            Ok(PendingSeal(Some(Pending::Raw(js(r)?))))
        }

        /// `certInfo` of this certificate (a JSON string; the wrapper parses it).
        pub fn info(&self) -> String {
            cert_info_impl(&self.cert, Timestamp::now())
        }
    }

    /// What a `PendingSeal` waits for.
    enum Pending {
        Secrets(DeferredSeal<Vec<SealedSecret>>, Format),
        Raw(DeferredSeal<String>),
    }

    /// Hands each session key to the wrapper's `start(label, sessionKey)`:
    /// the label and the key copied into `Uint8Array`s over `ArrayBuffer`s of
    /// their own, which this module cannot wipe (the wrapper overwrites the
    /// key once its encryption settles; the core zeroizes its own copy when
    /// this returns).
    struct Starter<'a> {
        start: &'a js_sys::Function,
        failed: bool,
    }

    impl<'a> Starter<'a> {
        fn new(start: &'a js_sys::Function) -> Self {
            Starter {
                start,
                failed: false,
            }
        }

        fn start(&mut self, label: &[u8], session_key: &[u8]) {
            let label = js_sys::Uint8Array::from(label);
            let key = js_sys::Uint8Array::from(session_key);
            if self.start.call2(&JsValue::UNDEFINED, &label, &key).is_err() {
                key.fill(0, 0, key.length());
                self.failed = true;
            }
        }

        /// "encryption failed" if `start` threw (whatever it said).
        fn check(&self) -> Result<(), JsError> {
            if self.failed {
                return Err(JsError::new(&kubeseal_core::SealError::Crypto.to_string()));
            }
            Ok(())
        }
    }

    /// Sealed values waiting for their RSA-OAEP blocks
    /// (`kubeseal_core::hazmat::DeferredSeal`). Not part of the package's API.
    #[wasm_bindgen]
    pub struct PendingSeal(Option<Pending>);

    #[wasm_bindgen]
    impl PendingSeal {
        /// The sealed result (`sealSecret`'s or `sealRaw`'s string) with
        /// `rsa[i]` (RSA-OAEP of the `i`-th session key under its label) in
        /// the `i`-th value; "encryption failed" unless each is one
        /// ciphertext of the modulus' size. Consumes it.
        pub fn finish(self, rsa: Vec<js_sys::Uint8Array>) -> Result<String, JsError> {
            let rsa: Vec<Vec<u8>> = rsa.iter().map(js_sys::Uint8Array::to_vec).collect();
            let r = match self.0 {
                Some(Pending::Secrets(d, format)) => d.finish(&rsa).map(|s| render(&s, format)),
                Some(Pending::Raw(d)) => d.finish(&rsa),
                None => Err(kubeseal_core::SealError::Crypto),
            };
            js(r.map_err(|e| error_chain(&e)))
        }
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

    /// `tokenSecret`: see `token_secret_impl`.
    #[wasm_bindgen(js_name = tokenSecret)]
    pub fn token_secret_js(
        token: String,
        namespace: &str,
        name: &str,
        key: &str,
        url: Option<String>,
        receiver: Option<String>,
        annotate_url: bool,
    ) -> Result<String, JsError> {
        js(token_secret_impl(
            token,
            namespace,
            name,
            key,
            url,
            receiver,
            annotate_url,
        ))
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
        let cert = parse_cert(CERT).unwrap();
        let e = seal_secret_impl(&cert, secret, &SecretOptions::default()).unwrap_err();
        assert!(!e.contains("s3cr3t"), "{e}");
        assert!(e.contains("password"), "{e}");
    }

    #[test]
    fn bad_options_refused() {
        let secret = b"apiVersion: v1\nkind: Secret\nmetadata: {name: db, namespace: ns}\nstringData: {a: b}\n";
        let cert = parse_cert(CERT).unwrap();
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
        assert!(parse_cert(b"junk")
            .unwrap_err()
            .starts_with("certificate: no PEM certificate found"));
    }

    #[test]
    fn cert_info_is_json() {
        let info = cert_info_impl(&parse_cert(CERT).unwrap(), Timestamp::from_unix(0));
        let v: serde_json::Value = serde_json::from_str(&info).unwrap();
        assert_eq!(v["keyBits"], 4096);
        assert_eq!(v["barePublicKey"], false);
        assert_eq!(v["notYetValid"], true);
        assert_eq!(v["expiresSoon"], false);
        assert!(v["warnings"][0]
            .as_str()
            .unwrap()
            .starts_with("the certificate is not valid before "));
        let cert = parse_cert(CERT).unwrap();
        let soon = Timestamp::from_unix(cert.not_after().unwrap().unix() - 86_400);
        let v: serde_json::Value = serde_json::from_str(&cert_info_impl(&cert, soon)).unwrap();
        assert_eq!(v["expiresSoon"], true);
        assert_eq!(v["warnings"].as_array().unwrap().len(), 1);
        assert_eq!(v["fingerprintSha256"].as_str().unwrap().len(), 64);
        assert_eq!(json_string("a\"\\\n"), "\"a\\\"\\\\\\u000a\"");
    }

    #[test]
    fn tokens_and_paths() {
        let t = generate_token_impl(16).unwrap();
        assert_eq!(t.len(), 32);
        assert!(generate_token_impl(0).is_err());
        // The value documented beside flux_receiver::webhook_path (notification-controller's algorithm).
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

    #[test]
    fn the_token_secret_is_the_cli_recipe() {
        let token = "8f3c2a1b9d4e5f6a7b8c9d0e1f2a3b4c".to_string();
        let json = token_secret_impl(
            token.clone(),
            "flux-system",
            "webhook-token",
            "token",
            None,
            None,
            false,
        )
        .unwrap();
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(
            v["metadata"]["labels"]["reconcile.fluxcd.io/watch"],
            "Enabled"
        );
        assert_eq!(v["metadata"]["namespace"], "flux-system");
        assert_eq!(
            v["data"]["token"],
            "OGYzYzJhMWI5ZDRlNWY2YTdiOGM5ZDBlMWYyYTNiNGM="
        );
        let e = token_secret_impl(
            token.clone(),
            "Bad_NS",
            "webhook-token",
            "token",
            None,
            None,
            false,
        )
        .unwrap_err();
        assert!(e.contains("not a valid namespace"), "{e}");
        let e =
            token_secret_impl("short".into(), "ns", "n", "token", None, None, false).unwrap_err();
        assert!(e.contains("at least 16") && !e.contains("short"), "{e}");
    }

    #[test]
    fn token_secret_withholds_a_url_that_is_the_credential() {
        let token = "0123456789abcdef0123456789abcdef".to_string();
        let url = Some("https://flux.example.org/hook/x".to_string());
        let annotated = |receiver: &str, anyway: bool| {
            let json = token_secret_impl(
                token.clone(),
                "flux-system",
                "t",
                "token",
                url.clone(),
                Some(receiver.into()),
                anyway,
            )
            .unwrap();
            json.contains("notification.toolkit.fluxcd.io/webhook")
        };
        assert!(!annotated("apps-generic", false));
        assert!(annotated("apps-generic", true));
        assert!(annotated("apps-github", false));
    }
}
