#!/usr/bin/env bash
# Side-by-side comparison of sealtoken with its peers, run by hand:
#
#   bash benches/compare.sh
#
# Installs the peers from their package registries into a scratch directory
# (never the system): @linode/kubeseal-encrypt (npm, WebCrypto) and kubesealpy
# (PyPI, in a venv), with the openssl command line as the floor. Every peer
# seals the same 32-byte value for flux-system/webhook-token; its output must
# decrypt to that value with `sealtoken unseal` before its time counts, else
# its row says FAILED. Prints one table (times, and ratios against sealtoken)
# with the machine it ran on, and keeps it in $COMPARE_DIR/table.md.
#
# Settings (environment):
#   COMPARE_DIR       scratch directory (default: target/compare)
#   CARGO_TARGET_DIR  where sealtoken is built (default: target)
#   SEALTOKEN         use this sealtoken binary instead of building one
#   SEALS             in-process seals per peer (default 300)
#   RUNS              hyperfine runs per whole-process command (default 40)
#   TREES             sizes of the `sealtoken check` trees (default "1000 10000 100000")
#   LOAD_MAX          wait before each timed section until the 1-minute load
#   LOAD_WAIT         average is under LOAD_MAX (default 1.0), at most
#                     LOAD_WAIT seconds (default 300; 0 = do not wait)
#   PYTHON            interpreter for the kubesealpy venv (default python3.11)
#   SKIP_BENCH=1      skip the criterion run (sealtoken in-process row)
#   SEAL_BENCH        run this prebuilt criterion binary of benches/seal.rs
#                     instead of `cargo bench --bench seal`
#   NOJITTER=1        also time the main job of a sealtoken built with
#                     AWS_LC_SYS_NO_JITTER_ENTROPY=1 (built in
#                     $CARGO_TARGET_DIR/nojitter, or SEALTOKEN_NOJITTER=binary)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
HERE=$ROOT/benches/compare
SCRATCH=${COMPARE_DIR:-$ROOT/target/compare}
SEALS=${SEALS:-300}
RUNS=${RUNS:-40}
TREES=${TREES:-"1000 10000 100000"}
LOAD_MAX=${LOAD_MAX:-1.0}
LOAD_WAIT=${LOAD_WAIT:-300}
PYTHON=${PYTHON:-python3.11}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}

CERT=$ROOT/fixtures/upstream/controller.crt
KEY=$ROOT/fixtures/upstream/controller.key
SECRET_YAML=$ROOT/fixtures/upstream/secret.yaml
# 32 bytes: the token of fixtures/upstream/secret.yaml.
VALUE=8f3c2a1b9d4e5f6a7b8c9d0e1f2a3b4c
NS=flux-system
NAME=webhook-token
LABEL_HEX=$(printf %s "$NS/$NAME" | od -An -tx1 | tr -d ' \n')
NPM_PKG=@linode/kubeseal-encrypt
PY_PKG=kubesealpy

mkdir -p "$SCRATCH"
SCRATCH=$(cd "$SCRATCH" && pwd)
RESULTS=$SCRATCH/results.jsonl
MACHINE=$SCRATCH/machine.json
LOGS=$SCRATCH/logs
mkdir -p "$LOGS"
: >"$RESULTS"

log() { printf '==> %s\n' "$*" >&2; }
warn() { printf 'warning: %s\n' "$*" >&2; }
load1() { cut -d' ' -f1 /proc/loadavg; }
# Last meaningful line of a log, on one line, for a table cell.
reason() { grep -v '^\s*$' "$1" 2>/dev/null | tail -n 1 | tr -s ' \t|' ' ' | cut -c1-160; }

# row GROUP TOOL WHAT SECONDS STATUS REF NOTE: one line of the table.
# REF is "ref" for the sealtoken row a group's ratios are against,
# "noratio" for rows without a ratio, anything else otherwise.
row() {
    python3 - "$@" "$(load1)" >>"$RESULTS" <<'PY'
import json, sys
g, t, w, s, st, ref, note, load = sys.argv[1:9]
print(json.dumps(dict(group=g, tool=t, what=w, seconds=float(s) if s else None,
                      status=st, ref=ref == "ref", ratio=ref != "noratio",
                      note=note, load=load)))
PY
}

# Wait (at most LOAD_WAIT seconds) until the machine is quiet enough to time.
wait_load() {
    local waited=0
    while awk -v l="$(load1)" -v m="$LOAD_MAX" 'BEGIN { exit !(l >= m) }'; do
        if ((waited >= LOAD_WAIT)); then
            warn "load average $(load1) is still >= $LOAD_MAX after ${waited}s: timing anyway (see the Load column)"
            return 0
        fi
        ((waited == 0)) && log "waiting for load average < $LOAD_MAX (now $(load1), at most ${LOAD_WAIT}s)"
        sleep 10
        waited=$((waited + 10))
    done
}

# gate SCOPE < sealed-base64: prints "ok" or the reason; status 0 when ok.
gate() { python3 "$HERE/gate.py" "$BIN" "$KEY" "$VALUE" "$1"; }

# ---------------------------------------------------------------- machine
cpu=$(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//' || true)
os=$( (. /etc/os-release 2>/dev/null && printf %s "${PRETTY_NAME:-}") || true)
os="${os:-$(uname -s)}, Linux $(uname -r)"
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
log "machine: ${cpu:-unknown CPU}, nproc $(nproc), $os, load $load_start"

# ---------------------------------------------------------------- sealtoken
if [[ -n ${SEALTOKEN:-} ]]; then
    BIN=$SEALTOKEN
else
    log "building sealtoken (release) in $CARGO_TARGET_DIR"
    (cd "$ROOT" && cargo build --release --quiet)
    BIN=$CARGO_TARGET_DIR/release/sealtoken
fi
[[ -x $BIN ]] || { echo "error: no sealtoken binary at $BIN" >&2; exit 1; }
# A copy: `cargo bench` relinks target/release/sealtoken with the features of
# the dev-dependencies, and this is the binary users get from `cargo build`.
cp "$BIN" "$SCRATCH/sealtoken"
BIN=$SCRATCH/sealtoken
version=$("$BIN" --version)
commit=$(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo unknown)
if [[ -n ${SEALTOKEN:-} ]]; then
    commit="the binary given in SEALTOKEN (work tree at the run: $commit)"
else
    commit="built from $commit"
fi

NOJITTER_BIN=${SEALTOKEN_NOJITTER:-}
if [[ -z $NOJITTER_BIN && ${NOJITTER:-0} == 1 ]]; then
    log "building sealtoken with AWS_LC_SYS_NO_JITTER_ENTROPY=1 in $CARGO_TARGET_DIR/nojitter"
    (cd "$ROOT" && AWS_LC_SYS_NO_JITTER_ENTROPY=1 CARGO_TARGET_DIR=$CARGO_TARGET_DIR/nojitter cargo build --release --quiet)
    NOJITTER_BIN=$CARGO_TARGET_DIR/nojitter/release/sealtoken
fi
if [[ -n $NOJITTER_BIN ]]; then
    cp "$NOJITTER_BIN" "$SCRATCH/sealtoken-nojitter"
    NOJITTER_BIN=$SCRATCH/sealtoken-nojitter
fi

size=$(stat -c %s "$BIN")
stripped=$(file -b "$BIN" 2>/dev/null | grep -o 'not stripped\|stripped' || echo "unknown")
row "binary" "$version" "release binary size" "" "ok" "noratio" \
    "$(awk -v s="$size" 'BEGIN { printf "%.2f MiB (%d bytes), %s", s / 1048576, s, "'"$stripped"'" }')"

# ---------------------------------------------------------------- tools
if ! command -v hyperfine >/dev/null; then
    if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
        log "installing hyperfine (apt-get)"
        { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hyperfine; } \
            >"$LOGS/hyperfine-install.log" 2>&1 || warn "hyperfine not installable: $(reason "$LOGS/hyperfine-install.log")"
    fi
fi
if command -v hyperfine >/dev/null; then
    HYPERFINE=hyperfine
else
    HYPERFINE=
    warn "no hyperfine: whole-process times come from benches/compare/hf.py (subprocess timing, no shell)"
fi

# whole WARMUP RUNS EXPORT CMD...: time whole processes, no shell in between.
whole() {
    local warmup=$1 runs=$2 export=$3
    shift 3
    if [[ -n $HYPERFINE ]]; then
        hyperfine -N -i --style basic --warmup "$warmup" --runs "$runs" --export-json "$export" "$@" >&2
    else
        python3 "$HERE/hf.py" run "$export" "$warmup" "$runs" "$@"
    fi
}

# ---------------------------------------------------------------- peers
NPM_DIR=$SCRATCH/npm
NODE_MOD=$NPM_DIR/node_modules/$NPM_PKG
npm_status=ok
if [[ -f $NODE_MOD/package.json ]]; then
    :
elif ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    npm_status="not installable: no node/npm on this machine"
else
    log "installing $NPM_PKG (npm) in $NPM_DIR"
    mkdir -p "$NPM_DIR"
    [[ -f $NPM_DIR/package.json ]] || printf '{ "private": true }\n' >"$NPM_DIR/package.json"
    if ! (cd "$NPM_DIR" && npm install --no-audit --no-fund --loglevel=error "$NPM_PKG") >"$LOGS/npm-install.log" 2>&1; then
        npm_status="not installable: $(reason "$LOGS/npm-install.log")"
    fi
fi
[[ $npm_status == ok ]] && npm_version=$(node -p "require('$NODE_MOD/package.json').version") || npm_version=
[[ $npm_status == ok ]] || warn "$NPM_PKG $npm_status"

VENV=$SCRATCH/venv
VPY=$VENV/bin/python
py_status=ok
if [[ -x $VPY ]] && "$VPY" -c "import $PY_PKG" 2>/dev/null; then
    :
elif ! command -v "$PYTHON" >/dev/null; then
    py_status="not installable: no $PYTHON on this machine"
else
    log "installing $PY_PKG (pip) in $VENV"
    if ! { "$PYTHON" -m venv "$VENV" && "$VPY" -m pip install --quiet --disable-pip-version-check "$PY_PKG"; } \
        >"$LOGS/pip-install.log" 2>&1; then
        py_status="not installable: $(reason "$LOGS/pip-install.log")"
    fi
fi
[[ $py_status == ok ]] && py_version=$("$VPY" -m pip show "$PY_PKG" 2>/dev/null | sed -n 's/^Version: //p') || py_version=
[[ $py_status == ok ]] || warn "$PY_PKG $py_status"

# A Python with pyca/cryptography completes the openssl floor's ciphertext for the gate.
CRYPTO_PY=
if [[ $py_status == ok ]]; then
    CRYPTO_PY=$VPY
elif python3 -c 'import cryptography' 2>/dev/null; then
    CRYPTO_PY=python3
fi

# ---------------------------------------------------------------- gates
log "correctness gates (sealtoken unseal of each peer's sealed value)"
declare -A GATE

GATE[sealtoken]=$(printf %s "$VALUE" | "$BIN" seal --raw --cert "$CERT" -n "$NS" --name "$NAME" --scope strict | gate strict) || true

# Main job: generated token, sealed and unsealed back.
mainjob_gate() {
    local d bin=${1:-$BIN}
    d=$(mktemp -d)
    "$bin" --cert "$CERT" --namespace "$NS" --token-file "$d/token" -o json -w "$d/sealed.json" >/dev/null 2>&1 ||
        { echo "main job failed"; rm -rf "$d"; return 1; }
    "$BIN" unseal --key "$KEY" -f "$d/sealed.json" -o json 2>/dev/null | python3 -c '
import base64, json, sys
token = open(sys.argv[1]).read().strip()
got = base64.b64decode(json.load(sys.stdin)["data"]["token"]).decode().strip()
print("ok" if got == token else "sealed token differs from the token written")
sys.exit(got != token)' "$d/token"
    local rc=$?
    rm -rf "$d"
    return $rc
}
GATE[mainjob]=$(mainjob_gate) || true
[[ -n $NOJITTER_BIN ]] && { GATE[nojitter]=$(mainjob_gate "$NOJITTER_BIN") || true; }

if [[ $py_status == ok ]]; then
    GATE[kubesealpy]=$("$VPY" "$HERE/kubesealpy_bench.py" seal "$CERT" "$VALUE" 2>"$LOGS/kubesealpy-seal.log" | gate strict) ||
        GATE[kubesealpy]="${GATE[kubesealpy]:-$(reason "$LOGS/kubesealpy-seal.log")}"
fi

if [[ $npm_status == ok ]]; then
    # Strict scope: the package's label is its namespace argument alone.
    if sealed=$(node "$HERE/linode.mjs" "$NODE_MOD" "$CERT" seal "$NS/$NAME" "$VALUE" 2>"$LOGS/linode-strict.log"); then
        GATE[linode_strict]=$(gate strict <<<"$sealed") || true
    else
        GATE[linode_strict]="cannot seal strict scope: its label is the namespace argument, and \"$NS/$NAME\" is refused ($(reason "$LOGS/linode-strict.log"))"
    fi
    GATE[linode_ns]=$(node "$HERE/linode.mjs" "$NODE_MOD" "$CERT" seal "$NS" "$VALUE" 2>"$LOGS/linode-ns.log" | gate namespace-wide) ||
        GATE[linode_ns]="${GATE[linode_ns]:-$(reason "$LOGS/linode-ns.log")}"
fi

# openssl: one RSA-OAEP-SHA256 encryption of a session key, label flux-system/webhook-token.
OSSL_KEYFILE=$SCRATCH/session.key
head -c 32 /dev/urandom >"$OSSL_KEYFILE"
OSSL_ENC=(openssl pkeyutl -encrypt -certin -inkey "$CERT" -pkeyopt rsa_padding_mode:oaep
    -pkeyopt rsa_oaep_md:sha256 -pkeyopt rsa_mgf1_md:sha256 -pkeyopt "rsa_oaep_label:$LABEL_HEX"
    -in "$OSSL_KEYFILE")
if ! "${OSSL_ENC[@]}" -out "$SCRATCH/session.rsa" 2>"$LOGS/openssl-enc.log"; then
    GATE[openssl]="openssl pkeyutl failed: $(reason "$LOGS/openssl-enc.log")"
elif [[ -z $CRYPTO_PY ]]; then
    GATE[openssl]="unchecked: no Python with cryptography to complete the value"
else
    GATE[openssl]=$("$CRYPTO_PY" "$HERE/assemble.py" "$SCRATCH/session.rsa" "$OSSL_KEYFILE" "$VALUE" | gate strict) || true
fi

for k in "${!GATE[@]}"; do log "gate $k: ${GATE[$k]}"; done
[[ ${GATE[sealtoken]} == ok ]] || { echo "error: sealtoken's own seal does not unseal: ${GATE[sealtoken]}" >&2; exit 1; }
failed() { printf 'FAILED: %s' "$1"; }

# ---------------------------------------------------------------- per value, in-process
G1="per value, in-process"
W1="seal 32 B, RSA-4096"

wait_load
if [[ ${SKIP_BENCH:-0} == 1 ]]; then
    row "$G1" "sealtoken" "$W1 (seal_raw)" "" "skipped: SKIP_BENCH=1" "" ""
else
    log "sealtoken: criterion, benches/seal.rs (seal_value/32 and its RSA floor)"
    export CRITERION_HOME=$SCRATCH/criterion
    filter=('seal_value/32$|floor/rsa4096_oaep_sha256_32B' --warm-up-time 2 --measurement-time 5)
    if [[ -n ${SEAL_BENCH:-} ]]; then
        bench=(env -C "$ROOT" "$SEAL_BENCH" --bench "${filter[@]}")
    else
        bench=(env -C "$ROOT" cargo bench --bench seal -- "${filter[@]}")
    fi
    if "${bench[@]}" >"$LOGS/criterion.log" 2>&1; then
        est() { python3 -c '
import json, sys
e = json.load(open(sys.argv[1]))["mean"]
print(e["point_estimate"] / 1e9, e["confidence_interval"]["lower_bound"] / 1e9, e["confidence_interval"]["upper_bound"] / 1e9)' \
            "$CRITERION_HOME/$1/new/estimates.json"; }
        read -r m lo hi < <(est seal_value/32)
        row "$G1" "$version (kubeseal-core, aws-lc-rs)" "$W1 (seal_raw → base64)" "$m" "ok" "ref" \
            "criterion mean, 95% CI $(awk -v a="$lo" -v b="$hi" 'BEGIN { printf "%.1f–%.1f µs", a * 1e6, b * 1e6 }'); strict scope"
        read -r m lo hi < <(est floor/rsa4096_oaep_sha256_32B)
        row "$G1" "aws-lc-rs RSA-OAEP alone (same run)" "RSA-4096 OAEP-SHA256 of 32 B" "$m" "ok" "" \
            "criterion mean: sealtoken's own floor"
    else
        row "$G1" "sealtoken" "$W1" "" "FAILED: cargo bench: $(reason "$LOGS/criterion.log")" "" ""
    fi
fi

if [[ $py_status != ok ]]; then
    row "$G1" "$PY_PKG" "$W1" "" "$py_status" "" ""
elif [[ ${GATE[kubesealpy]} != ok ]]; then
    row "$G1" "$PY_PKG $py_version" "$W1" "" "$(failed "${GATE[kubesealpy]}")" "" ""
else
    wait_load
    log "kubesealpy: $SEALS seals in-process"
    s=$("$VPY" "$HERE/kubesealpy_bench.py" bench "$CERT" "$VALUE" "$SEALS" | python3 -c 'import json,sys; print(json.load(sys.stdin)["per_value_s"])')
    row "$G1" "$PY_PKG $py_version (pyca/cryptography)" "$W1 (Sealer.seal_value → base64)" "$s" "ok" "" \
        "mean of $SEALS after warm-up; strict scope"
fi

if [[ $npm_status != ok ]]; then
    row "$G1" "$NPM_PKG" "$W1" "" "$npm_status" "" ""
else
    if [[ ${GATE[linode_strict]} == ok ]]; then
        wait_load
        s=$(node "$HERE/linode.mjs" "$NODE_MOD" "$CERT" bench "$NS/$NAME" "$VALUE" "$SEALS" | python3 -c 'import json,sys; print(json.load(sys.stdin)["per_value_s"])')
        row "$G1" "$NPM_PKG $npm_version (WebCrypto)" "$W1, strict scope" "$s" "ok" "" "mean of $SEALS"
    else
        row "$G1" "$NPM_PKG $npm_version (WebCrypto)" "$W1, strict scope" "" "$(failed "${GATE[linode_strict]}")" "" ""
    fi
    if [[ ${GATE[linode_ns]} == ok ]]; then
        wait_load
        log "$NPM_PKG: $SEALS seals in-process (namespace-wide)"
        s=$(node "$HERE/linode.mjs" "$NODE_MOD" "$CERT" bench "$NS" "$VALUE" "$SEALS" | python3 -c 'import json,sys; print(json.load(sys.stdin)["per_value_s"])')
        row "$G1" "$NPM_PKG $npm_version (WebCrypto)" "$W1, namespace-wide scope (its only one)" "$s" "ok" "" \
            "mean of $SEALS sequential awaits; each call parses the PEM and imports the key (its API); gated as namespace-wide"
    else
        row "$G1" "$NPM_PKG $npm_version (WebCrypto)" "$W1, namespace-wide scope" "" "$(failed "${GATE[linode_ns]}")" "" ""
    fi
fi

wait_load
log "openssl speed -seconds 2 rsa4096"
if openssl speed -seconds 2 rsa4096 >"$LOGS/openssl-speed.log" 2>&1; then
    # "rsa 4096 bits <sign s> <verify s> <sign/s> <verify/s>": the public-key
    # operation (verify) is the one an encryption does.
    s=$(awk '/^rsa 4096 bits/ { print $5 }' "$LOGS/openssl-speed.log" | sed 's/s$//')
    row "$G1" "$(openssl version | cut -d' ' -f1-2) (speed)" "RSA-4096 public-key op (raw)" "$s" "ok" "" \
        "openssl speed rsa4096, verify column: the floor, no OAEP, no AES, no base64"
else
    row "$G1" "openssl" "RSA-4096 public-key op" "" "FAILED: openssl speed: $(reason "$LOGS/openssl-speed.log")" "" ""
fi

# ---------------------------------------------------------------- whole process
G2="whole process"
log "whole-process runs (hyperfine, one run for all commands)"
names=() cmds=()
add() { names+=("$1"); cmds+=("$2"); }
add "openssl rand -hex 16|process start-up floor" "openssl rand -hex 16"
add "sealtoken --version|start-up only: loader, Rust runtime, clap" "$BIN --version"
add "sealtoken cert-info|start-up + read and parse the certificate (no RNG, no RSA)" "$BIN cert-info --cert $CERT"
[[ ${GATE[mainjob]} == ok ]] && add "sealtoken main job|sealtoken --cert controller.crt --namespace $NS" \
    "$BIN --cert $CERT --namespace $NS"
[[ -n $NOJITTER_BIN && ${GATE[nojitter]} == ok ]] && add "sealtoken main job, no jitter entropy|same, aws-lc built with AWS_LC_SYS_NO_JITTER_ENTROPY=1" \
    "$NOJITTER_BIN --cert $CERT --namespace $NS"
[[ ${GATE[sealtoken]} == ok ]] && add "sealtoken seal|sealtoken seal -f secret.yaml --cert controller.crt" \
    "$BIN seal -f $SECRET_YAML --cert $CERT"
[[ ${GATE[openssl]} == ok ]] && add "openssl pkeyutl -encrypt|RSA-4096 OAEP-SHA256 of 32 B, label $NS/$NAME" \
    "${OSSL_ENC[*]} -out /dev/null"
[[ $py_status == ok && ${GATE[kubesealpy]} == ok ]] && add "$PY_PKG $py_version|python: import kubesealpy, seal one value" \
    "$VPY $HERE/kubesealpy_bench.py seal $CERT $VALUE"
[[ $npm_status == ok && ${GATE[linode_ns]} == ok ]] && add "$NPM_PKG $npm_version|node: import, seal one value (no CLI; namespace-wide)" \
    "node $HERE/linode.mjs $NODE_MOD $CERT seal $NS $VALUE"

wait_load
l=$(load1)
if whole 5 "$RUNS" "$SCRATCH/whole.json" "${cmds[@]}" 2>"$LOGS/whole.log"; then
    i=0
    while IFS=$'\t' read -r mean sd min runs user sys _cmd; do
        tool=${names[$i]%%|*} what=${names[$i]#*|}
        ref=""
        [[ $tool == "sealtoken main job" ]] && ref=ref
        row "$G2" "$tool" "$what" "$mean" "ok" "$ref" \
            "$(awk -v s="$sd" -v m="$min" -v r="$runs" -v u="$user" -v y="$sys" 'BEGIN {
                printf "± %.2f ms, min %.2f ms, %d runs", s * 1e3, m * 1e3, r
                if (u >= 0) printf "; CPU user %.2f ms, sys %.2f ms", u * 1e3, y * 1e3 }')"
        sed -i '$ s/"load": "[^"]*"/"load": "'"$l"'"/' "$RESULTS"
        i=$((i + 1))
    done < <(python3 "$HERE/hf.py" summary "$SCRATCH/whole.json")
else
    row "$G2" "all" "whole-process runs" "" "FAILED: $(reason "$LOGS/whole.log")" "" ""
fi
[[ ${GATE[mainjob]} == ok ]] || row "$G2" "sealtoken main job" "" "" "$(failed "${GATE[mainjob]}")" "" ""
[[ -z $NOJITTER_BIN || ${GATE[nojitter]} == ok ]] ||
    row "$G2" "sealtoken main job, no jitter entropy" "" "" "$(failed "${GATE[nojitter]}")" "" ""
[[ ${GATE[openssl]} == ok ]] || row "$G2" "openssl pkeyutl -encrypt" "" "" "$(failed "${GATE[openssl]}")" "" ""
if [[ $py_status != ok ]]; then
    row "$G2" "$PY_PKG" "" "" "$py_status" "" ""
elif [[ ${GATE[kubesealpy]} != ok ]]; then
    row "$G2" "$PY_PKG" "" "" "$(failed "${GATE[kubesealpy]}")" "" ""
fi
if [[ $npm_status != ok ]]; then
    row "$G2" "$NPM_PKG" "" "" "$npm_status" "" ""
elif [[ ${GATE[linode_ns]} != ok ]]; then
    row "$G2" "$NPM_PKG" "" "" "$(failed "${GATE[linode_ns]}")" "" ""
fi

# ---------------------------------------------------------------- check
G3="sealtoken check"
if ! "$BIN" check --help >/dev/null 2>&1; then
    row "$G3" "sealtoken" "check" "" "skipped: no \`check\` subcommand in this binary" "" ""
else
    for n in $TREES; do
        dir=$SCRATCH/trees/$n
        log "check: tree of $n files"
        info=$(python3 "$HERE/gen_tree.py" "$n" "$dir")
        read -r bytes secrets < <(python3 -c 'import json,sys; i=json.loads(sys.argv[1]); print(i["bytes"], i["secrets"])' "$info")
        # Sanity: every plain Secret is found, so the whole tree was read.
        # (check exits 1 when it finds plain Secrets, as it should here.)
        found=$({ "$BIN" check --format json "$dir" 2>/dev/null || true; } | python3 -c '
import json, sys
text = sys.stdin.read()
try:
    doc = json.loads(text)
    items = doc if isinstance(doc, list) else doc.get("findings", [])
    print(len(items))
except ValueError:
    print(sum(1 for line in text.splitlines() if line.strip()))')
        if [[ $found != "$secrets" ]]; then
            row "$G3" "sealtoken" "check, $n files" "" "FAILED: found $found plain Secrets, $secrets expected" "" ""
            continue
        fi
        runs=10
        ((n >= 10000)) && runs=5
        ((n >= 100000)) && runs=3
        wait_load
        l=$(load1)
        if whole 1 "$runs" "$SCRATCH/check-$n.json" "$BIN check $dir" 2>"$LOGS/check-$n.log"; then
            read -r mean sd min r user sys _ < <(python3 "$HERE/hf.py" summary "$SCRATCH/check-$n.json")
            row "$G3" "sealtoken check" "$n files ($(awk -v b="$bytes" 'BEGIN { printf "%.1f MB", b / 1e6 }'), 1% plain Secrets)" "$mean" "ok" "noratio" \
                "$(awk -v n="$n" -v b="$bytes" -v m="$mean" -v s="$sd" -v r="$r" -v f="$found" -v u="$user" -v y="$sys" 'BEGIN {
                    printf "%.0f files/s, %.1f MB/s; ± %.1f ms, %d runs; %d findings", n / m, b / 1e6 / m, s * 1e3, r, f
                    if (u >= 0) printf "; CPU user %.0f ms, sys %.0f ms", u * 1e3, y * 1e3 }')"
            sed -i '$ s/"load": "[^"]*"/"load": "'"$l"'"/' "$RESULTS"
        else
            row "$G3" "sealtoken check" "$n files" "" "FAILED: $(reason "$LOGS/check-$n.log")" "" ""
        fi
    done
fi

# ---------------------------------------------------------------- table
load_end=$(cut -d' ' -f1-3 /proc/loadavg)
python3 - "$MACHINE" "${cpu:-unknown CPU}" "$(nproc)" "$os" "$load_start" "$load_end" "$commit" <<'PY'
import json, sys
path, cpu, nproc, os_, start, end, commit = sys.argv[1:8]
json.dump(dict(cpu=cpu, nproc=int(nproc), os=os_, load_start=start, load_end=end, commit=commit),
          open(path, "w"))
PY
python3 "$HERE/table.py" "$RESULTS" "$MACHINE" | tee "$SCRATCH/table.md"
echo
echo "Ratios: time / sealtoken's in the same group (per value: seal_value/32; whole process: the main job)."
echo "Logs: $LOGS; table: $SCRATCH/table.md"
