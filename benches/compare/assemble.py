"""Complete an RSA-OAEP ciphertext made by the openssl command line into a sealed value.

    python assemble.py RSA_CIPHERTEXT_FILE SESSION_KEY_FILE VALUE -> base64

The openssl row is the floor (one RSA-4096 OAEP-SHA256 encryption); the
command line has no AES-GCM, so pyca/cryptography adds it (zero nonce, as
kubeseal) to let sealtoken unseal check that openssl did the same RSA work:
same padding, hashes and label.
"""

import base64
import struct
import sys

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

rsa = open(sys.argv[1], "rb").read()
key = open(sys.argv[2], "rb").read()
body = AESGCM(key).encrypt(b"\0" * 12, sys.argv[3].encode(), None)
print(base64.b64encode(struct.pack(">H", len(rsa)) + rsa + body).decode())
