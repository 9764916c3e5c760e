//! The release recipe's parts that run here: the archive packer
//! (`release/package.sh`) and the krew manifest (`krew/sealtoken.yaml`),
//! filled by `release/krew-manifest.sh` as the release workflow does, checked
//! against krew's own validation rules (kubernetes-sigs/krew,
//! `internal/index/validation/validate.go`, and the `index.Plugin` type).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn run(c: &mut Command) -> Output {
    c.output()
        .unwrap_or_else(|e| panic!("cannot run {c:?}: {e}"))
}

/// A YAML file as a JSON value (krew reads manifests with sigs.k8s.io/yaml,
/// which converts YAML to JSON first, as this does).
fn yaml(bytes: &[u8]) -> Value {
    serde_yaml::from_slice(bytes).unwrap_or_else(|e| panic!("not YAML: {e}"))
}

/// The targets the release workflow builds (its build matrix).
fn workflow_targets() -> Vec<String> {
    let wf = yaml(&std::fs::read(workspace().join(".github/workflows/release.yml")).unwrap());
    wf["jobs"]["build"]["strategy"]["matrix"]["include"]
        .as_array()
        .expect("jobs.build.strategy.matrix.include")
        .iter()
        .map(|e| e["target"].as_str().expect("target").to_owned())
        .collect()
}

/// The archive name `release/package.sh` gives a target.
fn archive_name(version: &str, target: &str) -> String {
    let ext = if target.contains("windows") {
        "zip"
    } else {
        "tar.gz"
    };
    format!("sealtoken-v{version}-{target}.{ext}")
}

fn keys(v: &Value) -> BTreeSet<&str> {
    v.as_object()
        .unwrap_or_else(|| panic!("not a mapping: {v}"))
        .keys()
        .map(String::as_str)
        .collect()
}

/// Fields must be among krew's (`index.Plugin` and friends): a misspelt
/// field would be dropped silently by krew.
fn only_fields(v: &Value, allowed: &[&str], what: &str) {
    let extra: Vec<_> = keys(v)
        .into_iter()
        .filter(|k| !allowed.contains(k))
        .collect();
    assert!(
        extra.is_empty(),
        "{what}: fields krew does not know: {extra:?}"
    );
}

fn str_field<'a>(v: &'a Value, key: &str, what: &str) -> &'a str {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("{what}: `{key}` must be a string, got {}", v[key]))
}

/// `k8s.io/apimachinery/pkg/util/version.ParseSemantic` after krew's "v" prefix.
fn is_krew_semver(s: &str) -> bool {
    let Some(rest) = s.strip_prefix('v') else {
        return false;
    };
    let core = rest.split(['-', '+']).next().unwrap_or("");
    let parts: Vec<_> = core.split('.').collect();
    parts.len() == 3
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.bytes().all(|b| b.is_ascii_digit())
                && (p.len() == 1 || !p.starts_with('0'))
        })
}

/// krew's `ValidatePlugin(name, plugin)`, plus its `index` types' field sets.
/// `placeholders`: accept the template's `@SHA256@` and `v@VERSION@`.
fn validate_krew_plugin(name: &str, p: &Value, placeholders: bool) {
    only_fields(p, &["apiVersion", "kind", "metadata", "spec"], "plugin");
    assert_eq!(
        str_field(p, "apiVersion", "plugin"),
        "krew.googlecontainertools.github.com/v1alpha2"
    );
    assert_eq!(str_field(p, "kind", "plugin"), "Plugin");
    // IsSafePluginName: ^[\w-]+$ and not a reserved Windows name.
    assert!(
        !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    );
    assert_eq!(str_field(&p["metadata"], "name", "metadata"), name);

    let spec = &p["spec"];
    only_fields(
        spec,
        &[
            "version",
            "shortDescription",
            "description",
            "caveats",
            "homepage",
            "platforms",
        ],
        "spec",
    );
    let short = str_field(spec, "shortDescription", "spec");
    assert!(!short.is_empty() && !short.contains(['\r', '\n']));
    // krew-index's review asks for a tagline of a few words (`kubectl krew search`).
    assert!(short.len() <= 50, "shortDescription too long: {short:?}");
    assert!(!str_field(spec, "description", "spec").trim().is_empty());
    assert!(str_field(spec, "homepage", "spec").starts_with("https://"));
    let version = str_field(spec, "version", "spec");
    assert!(
        is_krew_semver(version) || (placeholders && version == "v@VERSION@"),
        "version {version:?} is not krew's v-prefixed semver"
    );

    let platforms = spec["platforms"].as_array().expect("spec.platforms");
    assert!(!platforms.is_empty(), "should have a platform specified");
    for pl in platforms {
        let what = format!("platform {}", pl["uri"]);
        only_fields(pl, &["uri", "sha256", "selector", "files", "bin"], &what);
        let uri = str_field(pl, "uri", &what);
        assert!(uri.ends_with(".tar.gz") || uri.ends_with(".zip"), "{uri}");
        let sha = str_field(pl, "sha256", &what);
        let hex64 = sha.len() == 64
            && sha
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        assert!(
            hex64 || (placeholders && sha == "@SHA256@"),
            "{what}: sha256 {sha:?}"
        );
        assert!(!str_field(pl, "bin", &what).is_empty());
        if let Some(files) = pl.get("files") {
            let files = files.as_array().expect("files is a list");
            assert!(
                !files.is_empty(),
                "`files` has to be unspecified or non-empty"
            );
            for f in files {
                only_fields(f, &["from", "to"], &what);
                assert!(!str_field(f, "from", &what).is_empty());
                assert!(!str_field(f, "to", &what).is_empty());
            }
        }
        let sel = &pl["selector"];
        only_fields(sel, &["matchLabels", "matchExpressions"], &what);
        let labels = sel.get("matchLabels");
        let exprs = sel.get("matchExpressions");
        assert!(labels.is_some() || exprs.is_some(), "empty selector");
        if let Some(l) = labels {
            assert!(!keys(l).is_empty(), "`matchLabels` specified but empty");
            for k in keys(l) {
                assert!(k == "os" || k == "arch", "selector key {k:?} not supported");
            }
        }
        if let Some(e) = exprs {
            let e = e.as_array().expect("matchExpressions is a list");
            assert!(!e.is_empty(), "`matchExpressions` specified but empty");
            for x in e {
                let k = str_field(x, "key", &what);
                assert!(k == "os" || k == "arch", "selector key {k:?} not supported");
            }
        }
    }
}

/// Each (os, arch) the release serves, its archive's target, and the binary.
fn platform_table(p: &Value) -> Vec<(String, String, String, String)> {
    p["spec"]["platforms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|pl| {
            let l = &pl["selector"]["matchLabels"];
            (
                str_field(l, "os", "matchLabels").to_owned(),
                str_field(l, "arch", "matchLabels").to_owned(),
                str_field(pl, "uri", "platform").to_owned(),
                str_field(pl, "bin", "platform").to_owned(),
            )
        })
        .collect()
}

fn template() -> Vec<u8> {
    std::fs::read(workspace().join("krew/sealtoken.yaml")).unwrap()
}

#[test]
fn krew_template_has_krew_shape_and_covers_every_platform_once() {
    let p = yaml(&template());
    validate_krew_plugin("sealtoken", &p, true);
    let mut seen = BTreeSet::new();
    for (os, arch, uri, bin) in platform_table(&p) {
        assert!(seen.insert((os.clone(), arch.clone())), "{os}/{arch} twice");
        assert!(
            uri.starts_with(
                "https://github.com/sealtoken/sealtoken/releases/download/v@VERSION@/sealtoken-v@VERSION@-"
            ),
            "{uri}"
        );
        let want_bin = if os == "windows" {
            "sealtoken.exe"
        } else {
            "sealtoken"
        };
        assert_eq!(bin, want_bin);
    }
    let want: BTreeSet<_> = [
        ("darwin", "amd64"),
        ("darwin", "arm64"),
        ("linux", "amd64"),
        ("linux", "arm64"),
        ("windows", "amd64"),
    ]
    .into_iter()
    .map(|(o, a)| (o.to_owned(), a.to_owned()))
    .collect();
    assert_eq!(seen, want);
}

#[test]
fn krew_manifest_filled_by_the_release_script_passes_krew_validation() {
    let tmp = tempfile::tempdir().unwrap();
    let version = "1.2.3";
    // A checksum listing as `sha256sum` writes it, one distinct sum per archive
    // the workflow builds (one in binary mode, `*name`).
    let mut sums = String::new();
    let mut want = Vec::new();
    for (i, target) in workflow_targets().iter().enumerate() {
        let name = archive_name(version, target);
        let sum = format!("{:064x}", 0xabc0_u64 + i as u64);
        let sep = if i == 0 { " *" } else { "  " };
        sums.push_str(&format!("{sum}{sep}{name}\n"));
        want.push((name, sum));
    }
    let sums_path = tmp.path().join("SHA256SUMS");
    std::fs::write(&sums_path, &sums).unwrap();

    let o = run(Command::new("bash")
        .arg(workspace().join("release/krew-manifest.sh"))
        .arg(version)
        .arg(&sums_path));
    assert!(o.status.success(), "{}", text(&o));
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(!out.contains('@'), "a placeholder is left:\n{out}");
    let p = yaml(out.as_bytes());
    validate_krew_plugin("sealtoken", &p, false);
    assert_eq!(p["spec"]["version"], "v1.2.3");

    // Every platform points at an archive the workflow builds, with its sum;
    // the Linux entries use the static musl builds.
    for pl in p["spec"]["platforms"].as_array().unwrap() {
        let uri = pl["uri"].as_str().unwrap();
        let file = uri.rsplit('/').next().unwrap();
        assert!(
            uri.starts_with("https://github.com/sealtoken/sealtoken/releases/download/v1.2.3/"),
            "{uri}"
        );
        let (_, sum) = want
            .iter()
            .find(|(n, _)| n == file)
            .unwrap_or_else(|| panic!("{file} is not built by the release workflow"));
        assert_eq!(pl["sha256"].as_str().unwrap(), sum, "{file}");
        if pl["selector"]["matchLabels"]["os"] == "linux" {
            assert!(file.contains("-unknown-linux-musl."), "{file}");
        }
    }
}

#[test]
fn krew_manifest_script_refuses_a_missing_checksum() {
    let tmp = tempfile::tempdir().unwrap();
    let sums_path = tmp.path().join("SHA256SUMS");
    let only_linux = archive_name("1.2.3", "x86_64-unknown-linux-musl");
    std::fs::write(&sums_path, format!("{:064x}  {only_linux}\n", 1)).unwrap();
    let o = run(Command::new("bash")
        .arg(workspace().join("release/krew-manifest.sh"))
        .arg("1.2.3")
        .arg(&sums_path));
    assert!(!o.status.success(), "{}", text(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("no checksum for sealtoken-v1.2.3-aarch64-unknown-linux-musl.tar.gz"),
        "{err}"
    );
    // A version with krew's "v" would give "vv1.2.3": refused.
    let o = run(Command::new("bash")
        .arg(workspace().join("release/krew-manifest.sh"))
        .arg("v1.2.3")
        .arg(&sums_path));
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
}

fn tar_list(archive: &Path) -> BTreeSet<String> {
    let o = run(Command::new("tar").arg("-tzf").arg(archive));
    assert!(o.status.success(), "{}", text(&o));
    String::from_utf8(o.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn release_archive_holds_the_binary_licence_and_readme_at_its_root() {
    let tmp = tempfile::tempdir().unwrap();
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_sealtoken"));
    let o = run(Command::new("bash")
        .arg(workspace().join("release/package.sh"))
        .args(["1.2.3", "x86_64-unknown-linux-musl"])
        .arg(&bin)
        .arg(tmp.path().join("dist")));
    assert!(o.status.success(), "{}", text(&o));
    let archive = tmp
        .path()
        .join("dist/sealtoken-v1.2.3-x86_64-unknown-linux-musl.tar.gz");
    assert_eq!(
        String::from_utf8_lossy(&o.stdout).trim(),
        archive.to_str().unwrap()
    );
    // krew's `files` take exactly these names from the archive's root.
    let krew = yaml(&template());
    let linux = &krew["spec"]["platforms"][0];
    let from: BTreeSet<String> = linux["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["from"].as_str().unwrap().to_owned())
        .collect();
    let listed = tar_list(&archive);
    assert_eq!(
        listed,
        BTreeSet::from(["LICENSE", "README.md", "sealtoken"].map(str::to_owned))
    );
    assert!(from.is_subset(&listed), "{from:?} not in {listed:?}");

    let x = tmp.path().join("x");
    std::fs::create_dir(&x).unwrap();
    let o = run(Command::new("tar")
        .arg("-xzf")
        .arg(&archive)
        .arg("-C")
        .arg(&x));
    assert!(o.status.success(), "{}", text(&o));
    let o = run(Command::new(x.join("sealtoken")).arg("--version"));
    assert!(o.status.success(), "{}", text(&o));
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("sealtoken "));
    assert_eq!(
        std::fs::read(x.join("LICENSE")).unwrap(),
        std::fs::read(workspace().join("LICENSE")).unwrap()
    );
}

#[test]
fn version_names_the_crypto_backend_and_the_enabled_features() {
    let o = run(crate::common::sealtoken_std().arg("--version"));
    assert!(o.status.success(), "{}", text(&o));
    let out = String::from_utf8(o.stdout).unwrap();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], format!("sealtoken {}", env!("CARGO_PKG_VERSION")));
    // aws-lc wins when both backends are on (kubeseal-core's rule).
    let backend = if cfg!(feature = "aws-lc") {
        "aws-lc-rs"
    } else {
        "rustcrypto"
    };
    assert_eq!(lines[1], format!("crypto backend: {backend}"));
    let features: Vec<&str> = lines[2]
        .strip_prefix("features: ")
        .unwrap_or_else(|| panic!("{out}"))
        .split(", ")
        .collect();
    for (name, on) in [
        ("aws-lc", cfg!(feature = "aws-lc")),
        ("rust-crypto", cfg!(feature = "rust-crypto")),
        ("parallel", cfg!(feature = "parallel")),
        ("http", cfg!(feature = "http")),
        ("cluster", cfg!(feature = "cluster")),
    ] {
        assert_eq!(features.contains(&name), on, "{name} in {out}");
    }
    // -V stays one line, for scripts.
    let o = run(crate::common::sealtoken_std().arg("-V"));
    assert_eq!(
        String::from_utf8(o.stdout).unwrap(),
        format!("sealtoken {}\n", env!("CARGO_PKG_VERSION"))
    );
}
