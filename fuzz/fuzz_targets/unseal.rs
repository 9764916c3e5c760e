//! Hybrid decryption of arbitrary bytes with the demo key: errors, never panics.
#![no_main]

use std::sync::OnceLock;

use arbitrary::Arbitrary;
use kubeseal_core::{unseal_raw, ObjectRef, PrivateKey, Scope};
use libfuzzer_sys::fuzz_target;

static KEY_PEM: &[u8] = include_bytes!("../../fixtures/upstream/controller.key");

fn keys() -> &'static [PrivateKey] {
    static KEYS: OnceLock<Vec<PrivateKey>> = OnceLock::new();
    KEYS.get_or_init(|| PrivateKey::from_pem(KEY_PEM).expect("demo key"))
}

#[derive(Arbitrary, Debug)]
enum Input<'a> {
    /// Arbitrary text handed over as the base64 value.
    Text(&'a str),
    /// Arbitrary ciphertext bytes, base64-encoded first so that decryption runs.
    Bytes(&'a [u8]),
    /// A well-formed length prefix for the 4096-bit key followed by arbitrary bytes.
    Framed(&'a [u8]),
}

fuzz_target!(|input: (u8, &str, &str, Input<'_>)| {
    let (s, namespace, name, value) = input;
    let scope = Scope::ALL[usize::from(s) % 3];
    let b64 = match value {
        Input::Text(t) => t.to_string(),
        Input::Bytes(b) => base64(b),
        Input::Framed(b) => {
            let mut v = vec![0x02, 0x00];
            v.extend_from_slice(b);
            base64(&v)
        }
    };
    // Nobody but the demo key's owner can make a valid ciphertext, so every
    // input must be refused, cleanly.
    let object = ObjectRef::new(namespace, name);
    assert!(unseal_raw(keys(), scope, &object, &b64).is_err());
    assert!(unseal_raw(&[], scope, &object, &b64).is_err());
});

fn base64(data: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for c in data.chunks(3) {
        let n = c
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= c.len() {
                out.push(A[(n >> (18 - 6 * i)) as usize & 63] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}
