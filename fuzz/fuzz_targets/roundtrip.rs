//! Seal → unseal round trips with the demo key pair: raw values under every
//! scope, and whole manifests through their JSON and YAML text.
#![no_main]

use std::collections::BTreeMap;
use std::sync::OnceLock;

use arbitrary::Arbitrary;
use kubeseal_core::{
    ObjectRef,
    read_sealed_secrets, seal_raw, seal_secret, unseal, unseal_raw, Certificate, Format,
    PrivateKey, Scope, SealOptions, Secret, SecretValue,
};
use libfuzzer_sys::fuzz_target;

static CERT_PEM: &[u8] = include_bytes!("../../fixtures/upstream/controller.crt");
static KEY_PEM: &[u8] = include_bytes!("../../fixtures/upstream/controller.key");

fn cert() -> &'static Certificate {
    static CERT: OnceLock<Certificate> = OnceLock::new();
    CERT.get_or_init(|| Certificate::from_pem(CERT_PEM).expect("demo cert"))
}

fn keys() -> &'static [PrivateKey] {
    static KEYS: OnceLock<Vec<PrivateKey>> = OnceLock::new();
    KEYS.get_or_init(|| PrivateKey::from_pem(KEY_PEM).expect("demo key"))
}

#[derive(Arbitrary, Debug)]
enum Input {
    Raw {
        scope: u8,
        namespace: String,
        name: String,
        value: Vec<u8>,
    },
    Manifest {
        scope: Option<u8>,
        name: String,
        namespace: Option<String>,
        secret_type: Option<String>,
        immutable: Option<bool>,
        labels: BTreeMap<String, String>,
        annotations: BTreeMap<String, String>,
        data: BTreeMap<String, Vec<u8>>,
        yaml: bool,
    },
}

fuzz_target!(|input: Input| match input {
    Input::Raw {
        scope,
        namespace,
        name,
        value,
    } => {
        let scope = Scope::ALL[usize::from(scope) % 3];
        let object = ObjectRef::new(namespace, name);
        match seal_raw(cert(), scope, &object, &value) {
            Ok(b64) => {
                let back = unseal_raw(keys(), scope, &object, &b64).expect("unseals");
                assert_eq!(back.expose(), &value[..]);
            }
            // Only missing names and namespaces are refused.
            Err(_) => assert!(
                object.namespace.is_empty() && scope != Scope::ClusterWide
                    || object.name.is_empty() && scope == Scope::Strict
            ),
        }
    }
    Input::Manifest {
        scope,
        name,
        namespace,
        secret_type,
        immutable,
        labels,
        annotations,
        data,
        yaml,
    } => {
        // A few values are enough; each costs one RSA operation each way.
        if data.len() > 4 {
            return;
        }
        let mut secret = Secret::new(&ObjectRef::new(namespace.clone().unwrap_or_default(), name));
        secret.metadata.namespace = namespace;
        secret.secret_type = secret_type;
        secret.immutable = immutable;
        secret.metadata.labels = labels;
        secret.metadata.annotations = annotations;
        for (k, v) in data {
            secret.insert(k, SecretValue::new(v));
        }
        let mut opts = SealOptions::new()
            .allow_empty_data(true)
            .allow_expired_certificate(true);
        if let Some(s) = scope {
            opts = opts.scope(Scope::ALL[usize::from(s) % 3]);
        }
        let Ok(sealed) = seal_secret(cert(), &secret, &opts) else {
            return;
        };
        let format = if yaml { Format::Yaml } else { Format::Json };
        let text = sealed.to_string(format);
        let mut back = read_sealed_secrets(text.as_bytes())
            .unwrap_or_else(|e| panic!("sealed manifest does not read back: {e}\n{text}"));
        assert_eq!(back.len(), 1, "{text}");
        let mut back = back.remove(0);
        back.origin = sealed.origin;
        assert_eq!(back, sealed, "{text}");
        // And the controller's key opens every value under the manifest's own label.
        let opened = unseal(keys(), &back).expect("unseals");
        assert_eq!(opened.data, secret.data);
    }
});
