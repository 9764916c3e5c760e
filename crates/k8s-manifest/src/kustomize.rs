//! The file names kustomize reads as a kustomization, in the order it looks
//! for them in a directory (`konfig.RecognizedKustomizationFileNames`).

/// `kustomization.yaml`, `kustomization.yml`, `Kustomization`.
pub const KUSTOMIZATION_FILE_NAMES: [&str; 3] =
    ["kustomization.yaml", "kustomization.yml", "Kustomization"];

/// Whether a file name is one kustomize reads as a kustomization.
///
/// ```
/// assert!(k8s_manifest::is_kustomization_file("Kustomization"));
/// assert!(!k8s_manifest::is_kustomization_file("kustomization.json"));
/// ```
pub fn is_kustomization_file(file_name: &str) -> bool {
    KUSTOMIZATION_FILE_NAMES.contains(&file_name)
}
