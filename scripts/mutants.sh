#!/usr/bin/env bash
# Mutation testing of kubeseal-core and flux-receiver: cargo-mutants changes
# the code of the crypto, scope, seal, unseal and manifest modules, and of the
# Flux token, path, recipe and manifest modules, one mutant at a time and runs
# the crates' own unit and integration tests against each. A
# mutant the tests do not notice is "missed". Mutants known to be equivalent
# (no test can tell them from the original) are excluded, each with its reason,
# in .cargo/mutants.toml.
#
# Not a CI step: on 2 cores a full run takes about 45 minutes (docs/security.md,
# "Reliability and security"). Installs the pinned cargo-mutants if needed.
#
# Usage: scripts/mutants.sh [CARGO-MUTANTS ARGS...]
#   scripts/mutants.sh                   # every mutant, one at a time, in a copy of the tree
#   scripts/mutants.sh --in-place        # in this checkout (faster: reuses target/; do not edit meanwhile)
#   scripts/mutants.sh --iterate         # only those missed or not tested in the last run
#   scripts/mutants.sh -F is_valid       # only mutants whose name matches
# Results: target/mutants/mutants.out/ (missed.txt, caught.txt, outcomes.json).
set -euo pipefail
cd "$(dirname "$0")/.."
version=27.1.0
if ! cargo mutants --version 2>/dev/null | grep -qx "cargo-mutants $version"; then
    .ci/install-tool cargo-mutants --version "$version"
fi

files=(
    'crates/kubeseal-core/src/crypto/*.rs'
    crates/kubeseal-core/src/scope.rs
    crates/kubeseal-core/src/seal.rs
    crates/kubeseal-core/src/unseal.rs
    'crates/kubeseal-core/src/manifest/**/*.rs'
    crates/flux-receiver/src/manifests.rs
    crates/flux-receiver/src/path.rs
    crates/flux-receiver/src/recipe.rs
    crates/flux-receiver/src/token.rs
)
args=()
for f in "${files[@]}"; do
    args+=(--file "$f")
done

out=target/mutants
status=0
# Every feature, so both crypto backends are compiled and tested against each
# other. Doctests are left out: each is its own compile (minutes per mutant),
# and the examples they run are covered by the unit tests.
cargo mutants --package kubeseal-core --package flux-receiver --all-features \
    --cargo-test-arg=--lib --cargo-test-arg=--tests \
    --minimum-test-timeout 60 --output "$out" "${args[@]}" "$@" || status=$?

python3 - "$out/mutants.out" <<'PY'
import json, os, sys
out = sys.argv[1]
d = json.load(open(os.path.join(out, "outcomes.json")))
caught, missed, timeout, unviable = (d[k] for k in ("caught", "missed", "timeout", "unviable"))


def names(path):
    try:
        return {line.strip() for line in open(path) if line.strip()}
    except FileNotFoundError:
        return set()


# With --iterate, earlier runs' mutants are not tested again. cargo-mutants lists
# the caught and the unviable ones together in previously_caught.txt, so the
# unviable ones of every run are kept apart here.
keep = os.path.join(os.path.dirname(out), "unviable-all.txt")
every_unviable = names(keep) | names(os.path.join(out, "unviable.txt")) | names(out + ".old/unviable.txt")
with open(keep, "w") as f:
    f.writelines(n + "\n" for n in sorted(every_unviable))
earlier = names(os.path.join(out, "previously_caught.txt")) - every_unviable
if earlier:
    print(f"{len(earlier)} mutants caught by earlier runs (--iterate), counted as caught")
    caught += len(earlier)
viable = caught + missed + timeout
print(f"this run: {d['total_mutants']} mutants tested, {unviable} unviable (do not build)")
print(f"caught {caught}, timed out {timeout} (counted as caught: the tests do not pass), missed {missed}")
if viable:
    print(f"score: {100 * (caught + timeout) / viable:.1f}% of {viable} viable mutants caught")
PY
# cargo-mutants exits 2 when some mutant was missed, 3 on timeouts.
exit "$status"
