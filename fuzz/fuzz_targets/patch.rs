//! Rewriting encryptedData values in place, on arbitrary bytes: errors,
//! never panics; edits that apply read back as intended, and no edits give
//! the input back byte for byte.
#![no_main]

use kubeseal_core::{read_sealed_secrets, Edits, SealedFile};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(file) = SealedFile::parse(data) else {
        return;
    };
    // No edits: the same bytes.
    assert_eq!(file.apply(&Edits::new()).unwrap(), data);
    let objects: Vec<_> = file.sealed_secrets().cloned().collect();
    // Replace every value, add one key and remove the first, on each object.
    let mut edits = Edits::new();
    for (i, s) in objects.iter().enumerate() {
        for k in s.encrypted_data.keys().skip(1) {
            edits.set(i, k.clone(), "QUJD");
        }
        if let Some(first) = s.encrypted_data.keys().next() {
            edits.remove(i, first.clone());
        }
        if !s.encrypted_data.contains_key("fuzz-added") {
            edits.set(i, "fuzz-added", "REVG");
        }
    }
    let Ok(out) = file.apply(&edits) else {
        return;
    };
    let back = SealedFile::parse(&out)
        .unwrap_or_else(|e| panic!("patched file does not read back: {e}"));
    let back: Vec<_> = back.sealed_secrets().cloned().collect();
    assert_eq!(back.len(), objects.len());
    for (before, after) in objects.iter().zip(&back) {
        let mut want = before.encrypted_data.clone();
        if let Some(first) = before.encrypted_data.keys().next().cloned() {
            want.remove(&first);
        }
        for v in want.values_mut() {
            *v = "QUJD".into();
        }
        if !before.encrypted_data.contains_key("fuzz-added") {
            want.insert("fuzz-added".into(), "REVG".into());
        }
        assert_eq!(after.encrypted_data, want);
        assert_eq!(after.metadata, before.metadata);
        assert_eq!(after.template, before.template);
    }
    let _ = read_sealed_secrets(&out);
});
