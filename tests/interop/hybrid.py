#!/usr/bin/env python3
"""An independent implementation of the Sealed Secrets hybrid scheme, on pyca/cryptography.

Used by the integration tests to check, in both directions, that what sealtoken
seals decrypts elsewhere and that what another implementation seals, sealtoken reads.

  hybrid.py seal CERT        stdin: JSON list of {"label", "plaintext"} (base64); stdout: list of sealed base64
  hybrid.py open KEY         stdin: JSON list of {"label", "sealed"} (base64); stdout: list of plaintext base64
  hybrid.py open-sealed KEY  stdin: a SealedSecret as JSON; stdout: {key: plaintext base64}
"""
import base64
import json
import os
import sys

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

NONCE = b"\0" * 12


def oaep(label):
    return padding.OAEP(
        mgf=padding.MGF1(algorithm=hashes.SHA256()),
        algorithm=hashes.SHA256(),
        label=label or None,
    )


def seal(public_key, label, plaintext):
    session_key = os.urandom(32)
    rsa_ct = public_key.encrypt(session_key, oaep(label))
    return len(rsa_ct).to_bytes(2, "big") + rsa_ct + AESGCM(session_key).encrypt(NONCE, plaintext, None)


def open_(private_key, label, data):
    n = int.from_bytes(data[:2], "big")
    session_key = private_key.decrypt(data[2 : 2 + n], oaep(label))
    return AESGCM(session_key).decrypt(NONCE, data[2 + n :], None)


def label_for(sealed):
    meta = sealed["metadata"]
    ann = meta.get("annotations") or {}
    ns, name = meta.get("namespace", ""), meta["name"]
    if ann.get("sealedsecrets.bitnami.com/cluster-wide") == "true":
        return b""
    if ann.get("sealedsecrets.bitnami.com/namespace-wide") == "true":
        return ns.encode()
    return f"{ns}/{name}".encode()


def main():
    cmd, path = sys.argv[1], sys.argv[2]
    with open(path, "rb") as f:
        pem = f.read()
    b64d, b64e = base64.b64decode, lambda b: base64.b64encode(b).decode()
    if cmd == "seal":
        pub = x509.load_pem_x509_certificate(pem).public_key()
        out = [b64e(seal(pub, b64d(c["label"]), b64d(c["plaintext"]))) for c in json.load(sys.stdin)]
    elif cmd == "open":
        key = serialization.load_pem_private_key(pem, password=None)
        out = [b64e(open_(key, b64d(c["label"]), b64d(c["sealed"]))) for c in json.load(sys.stdin)]
    elif cmd == "open-sealed":
        key = serialization.load_pem_private_key(pem, password=None)
        sealed = json.load(sys.stdin)
        label = label_for(sealed)
        out = {k: b64e(open_(key, label, b64d(v))) for k, v in sealed["spec"]["encryptedData"].items()}
    else:
        sys.exit(f"unknown command {cmd}")
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
