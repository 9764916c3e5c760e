#!/usr/bin/env bash
# Fuzzes every target for SECONDS each (default 30), from seeded corpora.
# Fails on the first crash, leak, timeout or out-of-memory; libFuzzer keeps the
# failing input in fuzz/artifacts/<target>/ and prints how to reproduce it.
#
# --long: a longer campaign (default 1800 s per target, on every core: one
# libFuzzer job per core), then corpus minimisation (cargo fuzz cmin) so the
# kept corpus stays small. Run by hand or on a schedule, not in CI.
#
# Needs the nightly toolchain; installs cargo-fuzz from crates.io if missing.
# Usage: fuzz/run.sh [--long] [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")"
long=false
if [ "${1:-}" = "--long" ]; then
    long=true
    shift
fi
if $long; then
    secs=${1:-1800}
else
    secs=${1:-30}
fi
shift || true

if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
    cargo install cargo-fuzz --locked
fi
./seed.sh

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    mapfile -t targets < <(cargo +nightly fuzz list)
fi

# Debug assertions on (integer overflow, debug_assert!); one build for all targets.
cargo +nightly fuzz build --debug-assertions

jobs=1
extra=()
if $long; then
    jobs=$(nproc)
    extra=(-fork="$jobs")
fi
for t in "${targets[@]}"; do
    echo "== fuzz $t: ${secs}s, $jobs job(s)"
    # -timeout: one input may take at most 10 s (RSA-4096 operations are slow
    # under the sanitizer); -rss_limit_mb bounds memory per input run.
    cargo +nightly fuzz run --debug-assertions "$t" "corpus/$t" -- \
        -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
        -print_final_stats=1 "${extra[@]}"
    if $long; then
        echo "== minimise corpus/$t"
        cargo +nightly fuzz cmin --debug-assertions "$t" "corpus/$t"
    fi
done
