//! Writing Secrets and SealedSecrets in kubeseal's two layouts.

use super::{Format, ObjectMeta, SealedSecret, Secret, SEALED_SECRET_API_VERSION};
use crate::b64;
use k8s_manifest::emit::{self, Out};

impl Secret {
    /// Writes the Secret (with base64 `data`) in `format`; this is plaintext.
    pub fn to_string(&self, format: Format) -> String {
        let mut o = Out::map();
        o.put("kind", Out::Str("Secret".into()));
        o.put("apiVersion", Out::Str("v1".into()));
        o.put("metadata", object_meta(&self.metadata));
        if let Some(i) = self.immutable {
            o.put("immutable", Out::Bool(i));
        }
        if !self.data.is_empty() {
            let data = self
                .data
                .iter()
                .map(|(k, v)| (k.clone(), Out::Str(b64::encode(v.expose()))))
                .collect();
            o.put("data", Out::Map(data));
        }
        if let Some(t) = &self.secret_type {
            o.put("type", Out::Str(t.clone()));
        }
        render(&o, format)
    }
}

impl Secret {
    /// Writes the Secret as YAML for a person to edit: values that are
    /// UTF-8 text under `stringData` (as written), others under `data`
    /// (base64). This is plaintext; the result and every copy made on the
    /// way are wiped when dropped. [`read_secrets`](crate::read_secrets)
    /// reads it back to the same values.
    pub fn to_editable_yaml(&self) -> zeroize::Zeroizing<String> {
        let mut text = Vec::new();
        let mut binary = Vec::new();
        for (k, v) in &self.data {
            match std::str::from_utf8(v.expose()) {
                Ok(s) => text.push((k.clone(), Out::Str(s.to_string()))),
                Err(_) => binary.push((k.clone(), Out::Str(b64::encode(v.expose())))),
            }
        }
        let mut o = Out::map();
        o.put("apiVersion", Out::Str("v1".into()));
        o.put("kind", Out::Str("Secret".into()));
        o.put("metadata", object_meta(&self.metadata));
        if let Some(t) = &self.secret_type {
            o.put("type", Out::Str(t.clone()));
        }
        if !text.is_empty() {
            o.put("stringData", Out::Map(text));
        }
        if !binary.is_empty() {
            o.put("data", Out::Map(binary));
        }
        let out = zeroize::Zeroizing::new(emit::to_yaml_as_written(&o));
        wipe(o);
        out
    }
}

/// Wipes every string of `o` (plaintext copies made for writing).
fn wipe(o: Out) {
    use zeroize::Zeroize as _;
    match o {
        Out::Str(mut s) | Out::Quoted(mut s) => s.zeroize(),
        Out::Map(entries) => entries.into_iter().for_each(|(_, v)| wipe(v)),
        Out::Seq(items) => items.into_iter().for_each(wipe),
        Out::Bool(_) => {}
    }
}

impl SealedSecret {
    /// Writes the SealedSecret exactly as kubeseal does in `format`
    /// (YAML starts with `---`; JSON ends with a newline).
    pub fn to_string(&self, format: Format) -> String {
        let t = &self.template;
        let mut template = Out::map();
        template.put("metadata", object_meta(&t.metadata));
        if let Some(st) = &t.secret_type {
            template.put("type", Out::Str(st.clone()));
        }
        if let Some(i) = t.immutable {
            template.put("immutable", Out::Bool(i));
        }
        template.put_string_map("data", &t.data, false);

        let mut spec = Out::map();
        spec.put("template", template);
        spec.put_string_map("encryptedData", &self.encrypted_data, true);

        let mut o = Out::map();
        o.put("kind", Out::Str("SealedSecret".into()));
        o.put("apiVersion", Out::Str(SEALED_SECRET_API_VERSION.into()));
        o.put("metadata", object_meta(&self.metadata));
        o.put("spec", spec);
        render(&o, format)
    }
}

/// `metadata` in Go's ObjectMeta field order, empty maps omitted.
fn object_meta(m: &ObjectMeta) -> Out {
    let mut meta = Out::map();
    if let Some(n) = &m.name {
        meta.put("name", Out::Str(n.clone()));
    }
    if let Some(ns) = &m.namespace {
        meta.put("namespace", Out::Str(ns.clone()));
    }
    meta.put_string_map("labels", &m.labels, false);
    meta.put_string_map("annotations", &m.annotations, false);
    meta
}

fn render(o: &Out, format: Format) -> String {
    match format {
        Format::Json => emit::to_json(o),
        Format::Yaml => format!("---\n{}", emit::to_yaml(o)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::{read_sealed_secrets, ObjectRef};

    #[test]
    fn editable_yaml_reads_back() {
        let mut s = Secret::new(&ObjectRef::new("ns", "x"));
        s.insert("text", "multi\nline: yes\n".into());
        s.insert("yes", "true".into());
        s.insert("bin", crate::SecretValue::new(vec![0xff, 0, 1]));
        let y = s.to_editable_yaml();
        assert!(y.contains("stringData:"), "{}", *y);
        let back = crate::read_secrets(y.as_bytes()).unwrap();
        assert_eq!(back[0].data, s.data);
    }

    /// Found by fuzzing (target `manifest`): a key with a line break was
    /// written as a YAML block scalar, which did not read back.
    #[test]
    fn line_breaks_and_long_keys_read_back_from_yaml() {
        let mut s = SealedSecret {
            metadata: ObjectMeta::new(&ObjectRef::new("b", "a")),
            ..SealedSecret::default()
        };
        s.encrypted_data.insert("k\n  x".into(), "AgA=".into());
        s.template
            .metadata
            .labels
            .insert("\nl".into(), "v\n".into());
        s.template
            .metadata
            .annotations
            .insert("k".repeat(2000), "v".into());
        // Found by fuzzing (target roundtrip): a value of only a line break read back empty.
        s.template
            .metadata
            .annotations
            .insert("\n".into(), "\n".into());
        s.template.secret_type = Some("\n".into());
        let back = read_sealed_secrets(s.to_string(Format::Yaml).as_bytes()).unwrap();
        assert_eq!(back[0].encrypted_data, s.encrypted_data);
        assert_eq!(back[0].template.metadata.labels, s.template.metadata.labels);
        assert_eq!(
            back[0].template.metadata.annotations,
            s.template.metadata.annotations
        );
        assert_eq!(back[0].template.secret_type, s.template.secret_type);
    }
}
