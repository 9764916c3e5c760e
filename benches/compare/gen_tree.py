"""Generate a tree of N Kubernetes YAML files for `sealtoken check`.

    python3 gen_tree.py N DIR

99% ordinary manifests (Deployment, Service, ConfigMap, Ingress,
ServiceAccount), 1% plain Secrets (every 100th file), 100 files per folder.
Idempotent: a finished tree has DIR/.complete with its file and byte counts,
and is left as it is.
"""

import json
import os
import sys

DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-{i}
  namespace: team-{t}
  labels:
    app.kubernetes.io/name: app-{i}
    app.kubernetes.io/part-of: shop
spec:
  replicas: 2
  selector:
    matchLabels:
      app.kubernetes.io/name: app-{i}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: app-{i}
    spec:
      containers:
        - name: app
          image: registry.example.org/shop/app-{i}:1.{t}.0
          ports:
            - containerPort: 8080
          env:
            - name: LOG_LEVEL
              value: info
            - name: DB_PASSWORD
              valueFrom:
                secretKeyRef:
                  name: db-{t}
                  key: password
          resources:
            requests:
              cpu: 100m
              memory: 128Mi
"""

SERVICE = """apiVersion: v1
kind: Service
metadata:
  name: app-{i}
  namespace: team-{t}
spec:
  selector:
    app.kubernetes.io/name: app-{i}
  ports:
    - port: 80
      targetPort: 8080
"""

CONFIGMAP = """apiVersion: v1
kind: ConfigMap
metadata:
  name: app-{i}-config
  namespace: team-{t}
data:
  settings.yaml: |
    server:
      port: 8080
      timeout: 30s
    features:
      search: true
      checkout: {t}
  banner.txt: "Welcome to app-{i}"
"""

INGRESS = """---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: app-{i}
  namespace: team-{t}
  annotations:
    cert-manager.io/cluster-issuer: letsencrypt
spec:
  rules:
    - host: app-{i}.example.org
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: app-{i}
                port:
                  number: 80
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: app-{i}
  namespace: team-{t}
"""

SECRET = """apiVersion: v1
kind: Secret
metadata:
  name: db-{i}
  namespace: team-{t}
type: Opaque
data:
  password: c3VwZXJzZWNyZXQtezF9
stringData:
  username: app-{i}
"""

ORDINARY = [DEPLOYMENT, SERVICE, CONFIGMAP, INGRESS]


def main():
    n, root = int(sys.argv[1]), sys.argv[2]
    marker = os.path.join(root, ".complete")
    if os.path.exists(marker):
        with open(marker) as f:
            info = json.load(f)
        if info.get("files") == n:
            print(json.dumps(info))
            return
    total = secrets = 0
    for i in range(n):
        d = os.path.join(root, f"d{i // 100:04d}")
        if i % 100 == 0:
            os.makedirs(d, exist_ok=True)
        if i % 100 == 99:
            text, secrets = SECRET, secrets + 1
        else:
            text = ORDINARY[i % len(ORDINARY)]
        data = text.format(i=i, t=i % 17).encode()
        with open(os.path.join(d, f"m{i:06d}.yaml"), "wb") as f:
            f.write(data)
        total += len(data)
    info = {"files": n, "bytes": total, "secrets": secrets}
    with open(marker, "w") as f:
        json.dump(info, f)
    print(json.dumps(info))


if __name__ == "__main__":
    main()
