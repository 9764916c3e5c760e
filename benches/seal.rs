//! Sealing cost beside its floor, measured in the same run.
//!
//! The floor is one bare RSA-4096 OAEP-SHA256 encryption of a 32-byte key
//! plus AES-256-GCM over the value, with the same backend, plus the base64
//! encoding every manifest needs. Targets: sealing a
//! small value within 1.1x of the RSA floor; a 1 MiB value within 1.1x of
//! (RSA floor + AES-GCM of 1 MiB); cost linear in keys and documents.
//!
//! Run: `cargo bench --bench seal` (add `--no-default-features --features
//! rust-crypto,parallel` for the pure-Rust backend).

#![allow(clippy::disallowed_macros)] // a benchmark reports on stderr

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use kubeseal_core::{
    hazmat, read_secrets, seal_raw, seal_secret, seal_secrets, Certificate, Format, ObjectRef,
    Scope, SealOptions, Secret, SecretValue,
};

fn cert() -> Certificate {
    Certificate::from_pem(include_bytes!("../fixtures/upstream/controller.crt")).unwrap()
}

fn secret_with(keys: usize, value_len: usize) -> Secret {
    let mut s = Secret::new(&ObjectRef::new("flux-system", "bench"));
    for i in 0..keys {
        s.insert(
            format!("key-{i:04}"),
            SecretValue::new(vec![b'x'; value_len]),
        );
    }
    s
}

fn floor(c: &mut Criterion) {
    let cert = cert();
    let mut g = c.benchmark_group("floor");
    g.bench_function("rsa4096_oaep_sha256_32B", |b| {
        b.iter(|| {
            hazmat::rsa_oaep_encrypt(&cert, b"flux-system/webhook-token", black_box(&[7u8; 32]))
                .unwrap()
        })
    });
    let key = [9u8; 32];
    let mut buf = vec![0u8; 1 << 20];
    g.throughput(Throughput::Bytes(buf.len() as u64));
    g.bench_function("aes256gcm_1MiB", |b| {
        b.iter(|| hazmat::aes_gcm_seal(&key, black_box(&mut buf)).unwrap())
    });
    // The sealed value must be written as base64 too: part of any manifest's floor.
    g.bench_function("base64_1MiB", |b| {
        b.iter(|| hazmat::base64_encode(black_box(&buf)))
    });
    g.finish();
}

fn values(c: &mut Criterion) {
    let cert = cert();
    let mut g = c.benchmark_group("seal_value");
    let object = ObjectRef::new("flux-system", "webhook-token");
    for len in [32usize, 4 << 10, 1 << 20] {
        let v = vec![b'v'; len];
        g.throughput(Throughput::Bytes(len as u64));
        g.bench_with_input(BenchmarkId::from_parameter(len), &v, |b, v| {
            b.iter(|| seal_raw(&cert, Scope::Strict, &object, black_box(v)).unwrap())
        });
    }
    g.finish();
}

fn keys(c: &mut Criterion) {
    let cert = cert();
    let opts = SealOptions::new();
    let mut g = c.benchmark_group("seal_secret_keys");
    g.sample_size(10).measurement_time(Duration::from_secs(5));
    for n in [1usize, 10, 100, 1000] {
        let s = secret_with(n, 32);
        g.throughput(Throughput::Elements(n as u64));
        g.bench_with_input(BenchmarkId::from_parameter(n), &s, |b, s| {
            b.iter(|| seal_secret(&cert, s, &opts).unwrap())
        });
    }
    g.finish();
}

fn documents(c: &mut Criterion) {
    let cert = cert();
    let opts = SealOptions::new();
    let mut g = c.benchmark_group("seal_stream_docs");
    g.sample_size(10).measurement_time(Duration::from_secs(5));
    for n in [1usize, 100, 1000] {
        let input: String = (0..n)
            .map(|i| format!("---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: s{i}\n  namespace: apps\nstringData:\n  token: {i:032x}\n"))
            .collect();
        g.throughput(Throughput::Elements(n as u64));
        g.bench_with_input(BenchmarkId::from_parameter(n), &input, |b, input| {
            b.iter(|| {
                let secrets = read_secrets(input.as_bytes()).unwrap();
                let sealed = seal_secrets(&cert, &secrets, &opts).unwrap();
                sealed
                    .iter()
                    .map(|s| s.to_string(Format::Yaml).len())
                    .sum::<usize>()
            })
        });
    }
    g.finish();
}

criterion_group!(benches, floor, values, keys, documents);
criterion_main!(benches);
