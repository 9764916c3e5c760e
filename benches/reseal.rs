//! `sealtoken reseal` beside its floor, measured in the same run on all cores.
//!
//! Workload: 1,000 values across 100 files (10 values each, RSA-4096,
//! strict scope), resealed in place by the real binary. Floor: 1,000 bare
//! RSA-4096 OAEP-SHA256 private-key decryptions plus 1,000 public-key
//! encryptions, spread over all cores with rayon. Target: reseal within 1.3x
//! of the floor.
//!
//! Run: `cargo bench --bench reseal`.

#![allow(clippy::disallowed_macros)] // a benchmark reports on stderr

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use kubeseal_core::{
    hazmat, seal_secret, Certificate, Format, ObjectRef, PrivateKey, SealOptions, Secret,
    SecretValue,
};
use rayon::prelude::*;

const FILES: usize = 100;
const PER_FILE: usize = 10;

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(rel)
}

fn cert() -> Certificate {
    Certificate::from_pem(&std::fs::read(fixture("upstream/controller.crt")).unwrap()).unwrap()
}

/// 100 files of 10 sealed values each in `dir`.
fn write_tree(dir: &Path) {
    let cert = cert();
    let opts = SealOptions::new().allow_expired_certificate(true);
    for f in 0..FILES {
        let mut s = Secret::new(&ObjectRef::new("apps", format!("app-{f:03}")));
        for v in 0..PER_FILE {
            s.insert(
                format!("key-{v}"),
                SecretValue::new(format!("value {f} {v}").into_bytes()),
            );
        }
        let text = format!(
            "# app {f}\n{}",
            seal_secret(&cert, &s, &opts)
                .unwrap()
                .to_string(Format::Yaml)
        );
        std::fs::write(dir.join(format!("app-{f:03}.sealed.yaml")), text).unwrap();
    }
}

fn reseal(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    write_tree(dir.path());
    let cert = cert();
    let key = PrivateKey::from_pem(&std::fs::read(fixture("upstream/controller.key")).unwrap())
        .unwrap()
        .remove(0);
    let label = b"apps/app-000";
    let ct = hazmat::rsa_oaep_encrypt(&cert, label, &[7u8; 32]).unwrap();
    let n = FILES * PER_FILE;

    let mut g = c.benchmark_group("reseal_1000_values");
    g.sample_size(10).measurement_time(Duration::from_secs(30));
    g.throughput(Throughput::Elements(n as u64));
    g.bench_function("floor_rsa4096_decrypt_plus_encrypt_all_cores", |b| {
        b.iter(|| {
            (0..n).into_par_iter().for_each(|_| {
                let k = hazmat::rsa_oaep_decrypt(&key, label, &ct).unwrap();
                hazmat::rsa_oaep_encrypt(&cert, label, &k).unwrap();
            })
        })
    });
    // The same old and new key, so every iteration finds sealed values to open.
    g.bench_function("sealtoken_reseal_100_files_in_place", |b| {
        b.iter(|| {
            let out = Command::new(env!("CARGO_BIN_EXE_sealtoken"))
                .arg("reseal")
                .arg("--key")
                .arg(fixture("upstream/controller.key"))
                .arg("--cert")
                .arg(fixture("upstream/controller.crt"))
                .arg("--allow-expired-cert")
                .arg("--in-place")
                .arg(dir.path())
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
        })
    });
    g.finish();
}

criterion_group!(benches, reseal);
criterion_main!(benches);
