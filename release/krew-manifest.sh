#!/usr/bin/env bash
# Fills the krew manifest template: every @VERSION@ with VERSION, and every
# @SHA256@ with the checksum (from a `sha256sum` listing) of the archive named
# by the `uri:` line above it. Fails if an archive has no checksum.
#
# Usage: release/krew-manifest.sh VERSION SHA256SUMS [TEMPLATE] > sealtoken.yaml
# Used by .github/workflows/release.yml; tested by tests/integration/release.rs.
set -euo pipefail
if [ $# -lt 2 ] || [ $# -gt 3 ]; then
    echo "usage: $0 VERSION SHA256SUMS [TEMPLATE]" >&2
    exit 2
fi
root=$(cd "$(dirname "$0")/.." && pwd)
version=$1 sums=$2 template=${3:-$root/krew/sealtoken.yaml}
case $version in
    v*) echo "$0: VERSION without the leading v (got $version)" >&2; exit 2 ;;
esac
awk -v version="$version" -v sums="$sums" '
    BEGIN {
        while ((getline line < sums) > 0) {
            # "HASH  FILE" or "HASH *FILE" (binary mode)
            split(line, f, /[ *]+/)
            sum[f[2]] = f[1]
        }
    }
    # Comments describe the template, not the manifest: left out.
    /^[ \t]*#/ { next }
    { gsub(/@VERSION@/, version) }
    /^[ -]*uri:/ { n = split($NF, parts, "/"); file = parts[n] }
    /^[ -]*sha256:/ && /@SHA256@/ {
        if (!(file in sum)) {
            printf "%s: no checksum for %s in %s\n", "krew-manifest.sh", file, sums > "/dev/stderr"
            exit 2
        }
        sub(/@SHA256@/, sum[file])
    }
    { print }
' "$template"
