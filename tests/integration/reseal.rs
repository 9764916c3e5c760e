//! `sealtoken reseal`: every value opens with the new key (checked by the
//! independent implementation), none with the old ones, and the files change
//! only in their encryptedData values.

use std::path::{Path, PathBuf};

use kubeseal_core::{
    read_sealed_secrets, seal_secret, unseal_raw, Certificate, Format, ObjectRef, PrivateKey,
    Scope, SealOptions, SealedSecret, Secret, SecretValue,
};
use serde_json::{json, Value};

use crate::common::hybrid::hybrid_py;
use crate::common::{demo_cert, demo_key, fixture, reseal_cmd, sealtoken, Run};

pub fn new_cert() -> PathBuf {
    fixture("keys/rsa2048.crt")
}

pub fn new_key() -> PathBuf {
    fixture("keys/rsa2048.pkcs8.key")
}

fn cert(path: &Path) -> Certificate {
    Certificate::from_pem(&std::fs::read(path).unwrap()).unwrap()
}

fn keys(path: &Path) -> Vec<PrivateKey> {
    PrivateKey::from_pem(&std::fs::read(path).unwrap()).unwrap()
}

/// A SealedSecret `ns/name` with `values`, sealed for `cert_path`.
pub fn sealed_text(
    cert_path: &Path,
    scope: Scope,
    ns: &str,
    name: &str,
    values: &[(&str, &str)],
    format: Format,
) -> String {
    let mut s = Secret::new(&ObjectRef::new(ns, name));
    for (k, v) in values {
        s.insert(*k, SecretValue::from(*v));
    }
    let opts = SealOptions::new()
        .scope(scope)
        .allow_expired_certificate(true);
    seal_secret(&cert(cert_path), &s, &opts)
        .unwrap()
        .to_string(format)
}

/// Opens every value of `s` with the independent implementation and `key`.
pub fn open_elsewhere(key: &Path, s: &SealedSecret) -> Vec<(String, String)> {
    let doc = json!({
        "metadata": {
            "name": s.metadata.name,
            "namespace": s.metadata.namespace.clone().unwrap_or_default(),
            "annotations": s.metadata.annotations,
        },
        "spec": {"encryptedData": s.encrypted_data},
    });
    let opened = hybrid_py(&["open-sealed"], key, &doc);
    let Value::Object(m) = opened else {
        panic!("{opened}")
    };
    use base64::Engine as _;
    m.into_iter()
        .map(|(k, v)| {
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(v.as_str().unwrap())
                .unwrap();
            (k, String::from_utf8(bytes).unwrap())
        })
        .collect()
}

/// SealedSecrets of a file that may hold other kinds too.
pub fn sealed_in(text: &str) -> Vec<SealedSecret> {
    kubeseal_core::SealedFile::parse(text.as_bytes())
        .unwrap()
        .sealed_secrets()
        .cloned()
        .collect()
}

/// The lines that differ between `before` and `after` (same number of lines).
pub fn changed_lines(before: &str, after: &str) -> Vec<(String, String)> {
    let (a, b): (Vec<_>, Vec<_>) = (before.lines().collect(), after.lines().collect());
    assert_eq!(a.len(), b.len(), "line count changed:\n{after}");
    a.iter()
        .zip(&b)
        .filter(|(x, y)| x != y)
        .map(|(x, y)| (x.to_string(), y.to_string()))
        .collect()
}

fn tree(dir: &Path) -> Vec<(PathBuf, String)> {
    let strict = format!(
        "# Database credentials (sealed).\n{}---\napiVersion: v1\nkind: ConfigMap\nmetadata: {{name: db-config}}\ndata: {{host: db}}\n",
        sealed_text(&demo_cert(), Scope::Strict, "prod", "db", &[("user", "admin"), ("password", "s3cr3t")], Format::Yaml)
    );
    let namespace_wide = sealed_text(
        &fixture("keys/rsa3072.crt"),
        Scope::NamespaceWide,
        "prod",
        "api",
        &[("token", "t0ken")],
        Format::Json,
    );
    let cluster_wide = sealed_text(
        &demo_cert(),
        Scope::ClusterWide,
        "",
        "shared",
        &[("a", "one"), ("b", "two")],
        Format::Yaml,
    )
    .replace("  encryptedData:\n", "  encryptedData:  # rotated yearly\n");
    let files = [
        ("db.sealed.yaml", strict),
        ("nested/api.sealed.json", namespace_wide),
        ("shared.yml", cluster_wide),
        (
            "plain.yaml",
            "kind: ConfigMap\nmetadata: {name: x}\n".to_string(),
        ),
    ];
    files
        .into_iter()
        .map(|(p, text)| {
            let path = dir.join(p);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &text).unwrap();
            (path, text)
        })
        .collect()
}

#[test]
fn reseal_moves_every_value_to_the_new_key_and_changes_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let files = tree(dir.path());
    let old_keys = format!(
        "{},{}",
        demo_key().display(),
        fixture("keys/rsa3072.pkcs1.key").display()
    );
    let out = sealtoken()
        .args(["reseal", "--key", &old_keys, "--cert"])
        .arg(new_cert())
        .arg("--in-place")
        .arg(dir.path())
        .succeeds();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("resealed 5 value(s) in 3 file(s)"),
        "{stderr}"
    );
    assert!(stderr.contains("opened 4 value(s)"), "{stderr}");
    assert!(stderr.contains("opened 1 value(s)"), "{stderr}");

    let mut old_all = keys(&demo_key());
    old_all.extend(keys(&fixture("keys/rsa3072.pkcs1.key")));
    let want: &[(&str, &[(&str, &str)])] = &[
        ("db", &[("password", "s3cr3t"), ("user", "admin")]),
        ("api", &[("token", "t0ken")]),
        ("shared", &[("a", "one"), ("b", "two")]),
    ];
    for ((path, before), (name, values)) in files.iter().zip(want) {
        let after = std::fs::read_to_string(path).unwrap();
        let (old, new) = (&sealed_in(before)[0], &sealed_in(&after)[0]);
        assert_eq!(new.metadata.name.as_deref(), Some(*name));
        // The new key opens every value, in the independent implementation.
        let opened = open_elsewhere(&new_key(), new);
        let want: Vec<(String, String)> = values
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        assert_eq!(opened, want, "{}", path.display());
        // No old key opens any value any more.
        let scope = Scope::from_annotations(&new.metadata.annotations);
        for v in new.encrypted_data.values() {
            assert!(unseal_raw(&old_all, scope, &new.object_ref(), v).is_err());
        }
        // Only encryptedData value lines changed, each in its value alone.
        let changed = changed_lines(before, &after);
        assert_eq!(changed.len(), values.len(), "{after}");
        for (a, b) in changed {
            let key = new
                .encrypted_data
                .iter()
                .find(|(_, v)| b.contains(v.as_str()))
                .map(|(k, _)| k.clone())
                .expect("a changed line holds a new value");
            assert_eq!(
                a.replace(&old.encrypted_data[&key], "V"),
                b.replace(&new.encrypted_data[&key], "V")
            );
        }
    }
    // The file without SealedSecrets is untouched.
    assert_eq!(std::fs::read_to_string(&files[3].0).unwrap(), files[3].1);
}

#[test]
fn reseal_leaves_a_file_untouched_when_a_value_does_not_open() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mixed.yaml");
    // One value sealed for the old key, one for a key that is not given.
    let good = sealed_text(
        &demo_cert(),
        Scope::Strict,
        "apps",
        "web",
        &[("a", "1")],
        Format::Yaml,
    );
    let other = sealed_text(
        &new_cert(),
        Scope::Strict,
        "apps",
        "web",
        &[("b", "2")],
        Format::Yaml,
    );
    let b_line = other
        .lines()
        .find(|l| l.trim_start().starts_with("b: "))
        .unwrap();
    let text = good.replace("    a: ", &format!("{b_line}\n    a: "));
    std::fs::write(&path, &text).unwrap();

    let out = reseal_cmd(&demo_key(), &fixture("keys/rsa3072.crt"))
        .arg("-i")
        .arg(&path)
        .fails();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("SealedSecret apps/web: encryptedData.b: no key could decrypt it"),
        "{stderr}"
    );
    assert!(stderr.contains("left untouched"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);

    // --skip-undecryptable reseals the rest and keeps b as it was.
    sealtoken()
        .args(["reseal", "--skip-undecryptable", "--key"])
        .arg(demo_key())
        .arg("--cert")
        .arg(fixture("keys/rsa3072.crt"))
        .arg("-i")
        .arg(&path)
        .succeeds();
    let after = std::fs::read_to_string(&path).unwrap();
    assert!(after.contains(b_line), "{after}");
    let changed = changed_lines(&text, &after);
    assert_eq!(changed.len(), 1);
    assert!(changed[0].0.trim_start().starts_with("a: "));
    let s = &sealed_in(&after)[0];
    assert_eq!(
        unseal_raw(
            &keys(&fixture("keys/rsa3072.pkcs1.key")),
            Scope::Strict,
            &s.object_ref(),
            &s.encrypted_data["a"]
        )
        .unwrap()
        .expose(),
        b"1"
    );
}

#[test]
fn reseal_one_file_to_stdout_or_w() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("one.yaml");
    let text = sealed_text(
        &demo_cert(),
        Scope::Strict,
        "apps",
        "web",
        &[("a", "1")],
        Format::Yaml,
    );
    std::fs::write(&path, &text).unwrap();
    let out = reseal_cmd(&demo_key(), &new_cert()).arg(&path).succeeds();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let s = &read_sealed_secrets(stdout.as_bytes()).unwrap()[0];
    assert_eq!(
        open_elsewhere(&new_key(), s),
        [("a".to_string(), "1".to_string())]
    );
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        text,
        "input untouched"
    );

    let w = dir.path().join("out.yaml");
    std::fs::write(&w, "x").unwrap();
    let refused = reseal_cmd(&demo_key(), &new_cert())
        .arg(&path)
        .arg("-w")
        .arg(&w)
        .fails();
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--force"));
    assert_eq!(std::fs::read_to_string(&w).unwrap(), "x");

    // Several inputs need --in-place.
    let out = reseal_cmd(&demo_key(), &new_cert()).arg(dir.path()).fails();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--in-place"));
}

/// Without PATH: the tree under the current directory, in place, walked as
/// `check` walks it (`.gitignore` honoured); other files are not touched.
#[test]
fn reseal_without_a_path_rewrites_the_current_tree_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let files = tree(dir.path());
    // Ignored by .gitignore: left as it was, though it holds a SealedSecret.
    let ignored = dir.path().join("vendor/ignored.sealed.yaml");
    std::fs::create_dir_all(ignored.parent().unwrap()).unwrap();
    let ignored_text = sealed_text(
        &demo_cert(),
        Scope::Strict,
        "prod",
        "vendored",
        &[("k", "v")],
        Format::Yaml,
    );
    std::fs::write(&ignored, &ignored_text).unwrap();
    std::fs::write(dir.path().join(".gitignore"), "vendor/\n").unwrap();
    let plain_mtime = std::fs::metadata(dir.path().join("plain.yaml"))
        .unwrap()
        .modified()
        .unwrap();
    let old_keys = format!(
        "{},{}",
        demo_key().display(),
        fixture("keys/rsa3072.pkcs1.key").display()
    );
    let out = sealtoken()
        .current_dir(dir.path())
        .args(["reseal", "--key", &old_keys, "--cert"])
        .arg(new_cert())
        .succeeds();
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("resealed 5 value(s) in 3 file(s)"),
        "{stderr}"
    );
    for (path, before) in &files[..3] {
        let after = std::fs::read_to_string(path).unwrap();
        assert_ne!(&after, before, "{}", path.display());
        for s in sealed_in(&after) {
            assert!(!open_elsewhere(&new_key(), &s).is_empty());
        }
    }
    assert_eq!(std::fs::read_to_string(&ignored).unwrap(), ignored_text);
    let (plain, plain_text) = &files[3];
    assert_eq!(&std::fs::read_to_string(plain).unwrap(), plain_text);
    assert_eq!(
        std::fs::metadata(plain).unwrap().modified().unwrap(),
        plain_mtime
    );
    // A value that does not open: its file is named relative to the tree.
    let stranger = dir.path().join("stranger.yaml");
    std::fs::write(
        &stranger,
        sealed_text(
            &fixture("keys/rsa3072.crt"),
            Scope::Strict,
            "prod",
            "x",
            &[("k", "v")],
            Format::Yaml,
        ),
    )
    .unwrap();
    let o = reseal_cmd(&new_key(), &new_cert())
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("sealtoken: stranger.yaml: left untouched"),
        "{err}"
    );
    // -w names one file: without PATH it is refused.
    let o = reseal_cmd(&new_key(), &new_cert())
        .current_dir(dir.path())
        .args(["-w", "out.yaml"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(!dir.path().join("out.yaml").exists());
}
