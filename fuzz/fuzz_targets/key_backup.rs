//! Key-backup parsing (what `unseal --key`, `keys`, `doctor --key` and
//! `reseal --key` read: PEM keys, a key Secret, a `List` in YAML or JSON)
//! over arbitrary input: keys or an error, never a panic; the two readers agree.
#![no_main]

use kubeseal_core::{read_key_backup, read_private_keys};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match read_key_backup(data) {
        Ok(found) => {
            for k in &found {
                assert!(k.key().bits() > 0);
                let _ = k.key().fingerprint();
                let _ = k.secret_name();
                let _ = k.origin();
                let _ = k.certificate().map(|c| c.fingerprint_hex());
            }
            let keys = read_private_keys(data).expect("read_key_backup accepted it");
            assert_eq!(keys.len(), found.len());
        }
        Err(e) => {
            let _ = e.to_string();
            let _ = e.is_not_a_key();
            assert!(read_private_keys(data).is_err());
        }
    }
});
