#!/usr/bin/env bash
# Packs one release archive with the binary, LICENSE and README.md at its root
# (where krew/sealtoken.yaml's `files` and the README's install lines expect them):
# sealtoken-vVERSION-TARGET.tar.gz, or .zip for Windows targets.
#
# Usage: release/package.sh VERSION TARGET BINARY OUTDIR
# Used by .github/workflows/release.yml; tested by tests/integration/release.rs.
set -euo pipefail
if [ $# -ne 4 ]; then
    echo "usage: $0 VERSION TARGET BINARY OUTDIR" >&2
    exit 2
fi
version=$1 target=$2 binary=$3 outdir=$4
root=$(cd "$(dirname "$0")/.." && pwd)
name="sealtoken-v${version}-${target}"
case $target in
    *windows*) exe=sealtoken.exe ;;
    *) exe=sealtoken ;;
esac

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
cp "$binary" "$stage/$exe"
chmod 0755 "$stage/$exe"
cp "$root/LICENSE" "$root/README.md" "$stage/"
mkdir -p "$outdir"
outdir=$(cd "$outdir" && pwd)
case $target in
    *windows*)
        # 7-Zip is on GitHub's Windows runners; zip elsewhere.
        if command -v 7z >/dev/null; then
            (cd "$stage" && 7z a -tzip -bso0 "$outdir/$name.zip" "$exe" LICENSE README.md)
        else
            (cd "$stage" && zip -q "$outdir/$name.zip" "$exe" LICENSE README.md)
        fi
        echo "$outdir/$name.zip"
        ;;
    *)
        tar -C "$stage" -czf "$outdir/$name.tar.gz" "$exe" LICENSE README.md
        echo "$outdir/$name.tar.gz"
        ;;
esac
