#!/usr/bin/env bash
# Copies the project's fixtures into fuzz/corpus/<target>/ as starting inputs.
# The corpus directory is not committed (libFuzzer adds to it as it runs).
set -euo pipefail
cd "$(dirname "$0")"
root=..

seed() { # seed TARGET FILE...
    local target=$1
    shift
    mkdir -p "corpus/$target"
    local f
    for f in "$@"; do
        [ -f "$f" ] || continue
        # Flattened path as the name: stable, so reseeding does not duplicate.
        local name=${f#"$root"/}
        name=${name#seeds/*/}
        cp "$f" "corpus/$target/seed-${name//\//_}"
    done
}

shopt -s nullglob globstar
seed pem "$root"/fixtures/keys/* "$root"/fixtures/upstream/controller.*
seed patch "$root"/fixtures/upstream/*.sealed.*
seed manifest "$root"/fixtures/upstream/*.yaml "$root"/fixtures/upstream/*.json \
    "$root"/tests/check-corpus/**/*.yaml "$root"/tests/check-corpus/**/*.json
seed check "$root"/tests/check-corpus/** "$root"/fixtures/upstream/*.yaml \
    "$root"/fixtures/upstream/*.json
seed doctor "$root"/fixtures/upstream/*.sealed.*
seed key_backup "$root"/fixtures/keys/backup-* "$root"/fixtures/keys/*.key \
    "$root"/fixtures/upstream/controller.key
seed receiver "$root"/fixtures/receivers/**/*.yaml "$root"/fixtures/upstream/*.yaml \
    "$root"/fixtures/upstream/*.json
# Committed seeds: small inputs for the structured targets (arbitrary-derived
# input) and every input that once crashed a target (regression seeds).
for dir in seeds/*/; do
    target=$(basename "$dir")
    seed "$target" "$dir"*
done
