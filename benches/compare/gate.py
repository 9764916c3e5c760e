"""Correctness gate: does a peer's sealed value decrypt, with sealtoken unseal, to the value?

    python3 gate.py SEALTOKEN KEY VALUE SCOPE < sealed-base64

SCOPE is strict (the label flux-system/webhook-token) or namespace-wide (the
label flux-system, marked by the annotation as kubeseal does). Prints "ok" and
exits 0, or prints the reason and exits 1.
"""

import base64
import json
import os
import subprocess
import sys
import tempfile

NAMESPACE, NAME, KEY = "flux-system", "webhook-token", "token"


def main():
    sealtoken, key, value, scope = sys.argv[1:5]
    sealed = sys.stdin.read().strip()
    if not sealed:
        print("no sealed value")
        return 1
    meta = {"name": NAME, "namespace": NAMESPACE}
    if scope == "namespace-wide":
        meta["annotations"] = {"sealedsecrets.bitnami.com/namespace-wide": "true"}
    elif scope != "strict":
        print(f"unknown scope {scope}")
        return 1
    doc = {
        "apiVersion": "bitnami.com/v1alpha1",
        "kind": "SealedSecret",
        "metadata": meta,
        "spec": {"encryptedData": {KEY: sealed}, "template": {"metadata": dict(meta)}},
    }
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(doc, f)
    try:
        r = subprocess.run(
            [sealtoken, "unseal", "--key", key, "-f", f.name, "-o", "json"],
            capture_output=True,
            text=True,
        )
    finally:
        os.unlink(f.name)
    if r.returncode != 0:
        print("unseal failed: " + " ".join(r.stderr.split())[:200])
        return 1
    try:
        data = json.loads(r.stdout)
        got = data.get("data", {}).get(KEY)
        got = base64.b64decode(got).decode() if got is not None else data["stringData"][KEY]
    except Exception as e:  # noqa: BLE001 - any malformed output fails the gate
        print(f"unreadable unseal output: {e}")
        return 1
    if got != value:
        print(f"decrypts to {got!r}, not the value")
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
