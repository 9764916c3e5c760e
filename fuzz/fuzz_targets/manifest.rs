//! Secret and SealedSecret parsing on arbitrary bytes: errors, never panics;
//! whatever parses renders and reads back.
#![no_main]

use kubeseal_core::{read_sealed_secrets, read_secrets, Format};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = Format::detect(data);
    if let Ok(secrets) = read_secrets(data) {
        for s in &secrets {
            for format in [Format::Json, Format::Yaml] {
                let text = s.to_string(format);
                let back = read_secrets(text.as_bytes())
                    .unwrap_or_else(|e| panic!("rendered Secret does not read back: {e}\n{text}"));
                assert_eq!(back.len(), 1, "{text}");
                assert_eq!(back[0].data, s.data, "{text}");
                assert_eq!(back[0].metadata, s.metadata, "{text}");
            }
        }
    }
    if let Ok(sealed) = read_sealed_secrets(data) {
        for s in &sealed {
            for format in [Format::Json, Format::Yaml] {
                let text = s.to_string(format);
                let mut back = read_sealed_secrets(text.as_bytes()).unwrap_or_else(|e| {
                    panic!("rendered SealedSecret does not read back: {e}\n{text}")
                });
                assert_eq!(back.len(), 1, "{text}");
                let mut expect = s.clone();
                back[0].origin = Default::default();
                expect.origin = Default::default();
                assert_eq!(back[0], expect, "{text}");
            }
        }
    }
});
