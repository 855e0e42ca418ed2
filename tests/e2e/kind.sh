#!/usr/bin/env bash
# The README's flow on a real cluster: kind, an ingress controller, metrics-server, the operator from
# config/default, a PostgreSQL database, an autoscaled PlacementService, curl through placement.local,
# an upgrade by editing the image, and deletion.
#
# Needs Docker (a running engine), kind, kubectl and curl. It cannot run on machines without a Docker engine
# (such as the project's CI and build machines); there the fake-API-server tests in tests/Placement.Operator.Tests
# cover the operator. Usage: tests/e2e/kind.sh [--keep]   (--keep leaves the cluster up for inspection)
set -euo pipefail

cd "$(dirname "$0")/../.."
CLUSTER=placement-e2e
KEEP=${1:-}

for tool in docker kind kubectl curl; do
    command -v "$tool" >/dev/null || { echo "kind.sh: $tool is required" >&2; exit 2; }
done
docker info >/dev/null 2>&1 || { echo "kind.sh: no Docker engine is reachable; this script needs one" >&2; exit 2; }
[ -f Dockerfile.api ] || { echo "kind.sh: Dockerfile.api is missing; the API image cannot be built" >&2; exit 2; }

step() { printf '\n== %s\n' "$*"; }
cleanup() { [ "$KEEP" = --keep ] || kind delete cluster --name "$CLUSTER" >/dev/null 2>&1 || true; }
trap cleanup EXIT

step "kind cluster with ports 80/443 mapped for the ingress controller"
kind create cluster --name "$CLUSTER" --wait 120s --config - <<'KIND'
kind: Cluster
apiVersion: kind.x-k8s.io/v1alpha4
nodes:
  - role: control-plane
    labels:
      ingress-ready: "true"
    extraPortMappings:
      - {containerPort: 80, hostPort: 80}
      - {containerPort: 443, hostPort: 443}
KIND

step "ingress-nginx and metrics-server (the autoscaler needs CPU metrics)"
kubectl apply -f https://raw.githubusercontent.com/kubernetes/ingress-nginx/controller-v1.12.0/deploy/static/provider/kind/deploy.yaml
kubectl apply -f https://github.com/kubernetes-sigs/metrics-server/releases/download/v0.7.2/components.yaml
kubectl -n kube-system patch deployment metrics-server --type json \
    -p '[{"op":"add","path":"/spec/template/spec/containers/0/args/-","value":"--kubelet-insecure-tls"}]'
kubectl -n ingress-nginx wait deployment/ingress-nginx-controller --for=condition=Available --timeout=300s

step "images: the API (two tags, for the upgrade) and the operator"
docker build -t placement-api:e2e-1 -f Dockerfile.api .
docker tag placement-api:e2e-1 placement-api:e2e-2
docker build -t placement-operator:latest -f Dockerfile.operator .
kind load docker-image --name "$CLUSTER" placement-api:e2e-1 placement-api:e2e-2 placement-operator:latest

step "install the operator with kustomize"
kubectl apply -k config/default
kubectl -n placement-operator-system wait deployment/placement-operator --for=condition=Available --timeout=180s

step "a PostgreSQL database for an autoscaled Placement"
kubectl apply -f - <<'DB'
apiVersion: v1
kind: Secret
metadata: {name: placement-db}
stringData:
  connection: postgresql://placement:placement@placement-db:5432/placement
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: placement-db}
spec:
  selector: {matchLabels: {app: placement-db}}
  template:
    metadata: {labels: {app: placement-db}}
    spec:
      containers:
        - name: postgres
          image: postgres:16-alpine
          env:
            - {name: POSTGRES_USER, value: placement}
            - {name: POSTGRES_PASSWORD, value: placement}
            - {name: POSTGRES_DB, value: placement}
          ports: [{containerPort: 5432}]
---
apiVersion: v1
kind: Service
metadata: {name: placement-db}
spec:
  selector: {app: placement-db}
  ports: [{port: 5432}]
DB
kubectl wait deployment/placement-db --for=condition=Available --timeout=180s

step "apply the sample"
sed 's#image: placement-api:latest#image: placement-api:e2e-1#' config/samples/placementservice_autoscaled.yaml | kubectl apply -f -
kubectl wait placementservice/placement --for=condition=Ready --timeout=300s
kubectl get placementservices
kubectl get hpa

step "curl through placement.local"
curl --fail --silent --show-error --retry 10 --retry-delay 3 --retry-all-errors \
    --resolve placement.local:80:127.0.0.1 http://placement.local/
echo

step "upgrade by editing the image"
kubectl patch placementservice placement --type merge -p '{"spec":{"image":"placement-api:e2e-2"}}'
kubectl wait placementservice/placement --for=jsonpath='{.status.currentVersion}'=e2e-2 --timeout=300s
kubectl wait placementservice/placement --for=condition=Ready --timeout=300s
kubectl get placementservices
curl --fail --silent --show-error --resolve placement.local:80:127.0.0.1 http://placement.local/placement/
echo

step "deleting the resource removes what it made"
kubectl delete placementservice placement --wait
kubectl wait deployment/placement --for=delete --timeout=120s
if kubectl get deployment,service,ingress,hpa,job -l app.kubernetes.io/instance=placement -o name | grep .; then
    echo "kind.sh: objects left behind" >&2
    exit 1
fi

step "passed"
