// Harness for @linode/kubeseal-encrypt (WebCrypto, no CLI).
//
//   node linode.mjs MODULE_DIR CERT seal  NAMESPACE VALUE   -> one sealed value (base64)
//   node linode.mjs MODULE_DIR CERT bench NAMESPACE VALUE N -> JSON timing of N sequential seals
//
// The package takes an SPKI public key PEM, not a certificate: the key is
// taken out of the certificate once, outside the timed loop. Each call still
// parses the PEM and imports the key, as its only API (encryptSecretItem) does.
// Its OAEP label is the namespace argument alone (namespace-wide scope).
import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { join } from "node:path";

const [modDir, certPath, mode, namespace, value, nStr] = process.argv.slice(2);
const { encryptSecretItem } = await import(pathToFileURL(join(modDir, "dist", "index.js")).href);
const pem = new X509Certificate(readFileSync(certPath)).publicKey.export({ type: "spki", format: "pem" });

if (mode === "seal") {
  try {
    process.stdout.write((await encryptSecretItem(pem, namespace, value)) + "\n");
  } catch (e) {
    process.stderr.write(`${e.message}\n`);
    process.exit(1);
  }
} else if (mode === "bench") {
  const n = Number(nStr);
  for (let i = 0; i < Math.min(20, n); i++) await encryptSecretItem(pem, namespace, value);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await encryptSecretItem(pem, namespace, value);
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  process.stdout.write(JSON.stringify({ n, total_s: s, per_value_s: s / n }) + "\n");
} else {
  process.stderr.write("mode: seal | bench\n");
  process.exit(2);
}
