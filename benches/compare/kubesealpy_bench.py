"""Harness for kubesealpy (pyca/cryptography on OpenSSL).

    python kubesealpy_bench.py seal  CERT VALUE    -> one sealed value (base64), strict scope
    python kubesealpy_bench.py bench CERT VALUE N  -> JSON timing of N seals

Whole-process runs time `seal`: the import of kubesealpy (kubernetes, pydantic,
httpx) dominates them. The value is sealed for flux-system/webhook-token and
base64-encoded, as sealtoken's seal_raw does.
"""

import base64
import json
import sys
import time

import kubesealpy

NAMESPACE, NAME = "flux-system", "webhook-token"


def seal(sealer, value):
    return base64.b64encode(
        sealer.seal_value(value, NAMESPACE, NAME, kubesealpy.SealingScope.STRICT)
    ).decode()


def main():
    mode, cert, value = sys.argv[1], sys.argv[2], sys.argv[3].encode()
    sealer = kubesealpy.Sealer.from_certificate_file(cert)
    if mode == "seal":
        print(seal(sealer, value))
        return
    n = int(sys.argv[4])
    for _ in range(min(20, n)):
        seal(sealer, value)
    t0 = time.perf_counter()
    for _ in range(n):
        seal(sealer, value)
    s = time.perf_counter() - t0
    print(json.dumps({"n": n, "total_s": s, "per_value_s": s / n}))


if __name__ == "__main__":
    main()
