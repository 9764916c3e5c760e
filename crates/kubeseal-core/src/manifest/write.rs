//! Writing SealedSecrets in kubeseal's two layouts (plain Secrets are
//! written by `k8s_manifest`).

use super::{Format, SealedSecret, SEALED_SECRET_API_VERSION};
use k8s_manifest::emit::{object_meta, render, Out};

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::{read_sealed_secrets, ObjectMeta, ObjectRef, Secret};

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
