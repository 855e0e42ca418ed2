#!/usr/bin/env bash
# The README's flow on a real cluster: kind, an ingress controller, metrics-server, the operator from
# config/default, a PostgreSQL database, an autoscaled PlacementService, curl through placement.local,
# the leader's Lease passing to the standby, an upgrade by editing the image (its database sync Job must
# complete before the Deployment changes), and deletion. Every step waits for what it needs; on any failure
# the state of the cluster (resources, events, operator and sync Job logs) is printed before it is deleted.
#
# Needs Docker (a running engine), kind, kubectl and curl. It cannot run on machines without a Docker engine
# (such as the project's CI and build machines); there the fake-API-server tests in tests/Placement.Operator.Tests
# cover the operator. Usage: tests/e2e/kind.sh [--keep]   (--keep leaves the cluster up for inspection)
set -Eeuo pipefail

cd "$(dirname "$0")/../.."
CLUSTER=placement-e2e
KEEP=${1:-}
OPERATOR_NAMESPACE=placement-operator-system
NAME=placement
# Explicit tags everywhere: a :latest image would be pulled (imagePullPolicy Always), and kind has loaded it,
# not a registry; and the PlacementService names its image rather than rely on the operator's default.
OPERATOR_IMAGE=placement-operator:e2e
API_IMAGE=placement-api:e2e-1
API_IMAGE_UPGRADE=placement-api:e2e-2
TIMEOUT=300s

for tool in docker kind kubectl curl; do
    command -v "$tool" >/dev/null || { echo "kind.sh: $tool is required" >&2; exit 2; }
done
docker info >/dev/null 2>&1 || { echo "kind.sh: no Docker engine is reachable; this script needs one" >&2; exit 2; }
[ -f Dockerfile.api ] || { echo "kind.sh: Dockerfile.api is missing; the API image cannot be built" >&2; exit 2; }

step() { printf '\n== %s\n' "$*"; }
fail() { echo "kind.sh: $*" >&2; return 1; }

OVERLAY=
cleanup() {
    [ -z "$OVERLAY" ] || rm -rf "$OVERLAY"
    [ "$KEEP" = --keep ] || kind delete cluster --name "$CLUSTER" >/dev/null 2>&1 || true
}
trap cleanup EXIT

# On any failure: what the cluster looked like, then exit with the failure's status (the EXIT trap deletes it).
diagnose() {
    local status=$1 line=$2 command=$3
    # A failure inside $(...) is reported once, by the command that used it.
    [ "$BASH_SUBSHELL" -eq 0 ] || exit "$status"
    trap - ERR
    set +e
    exec 1>&2
    echo
    echo "kind.sh: line $line failed with status $status: $command"
    section() { printf '\n---- %s\n' "$*"; }
    section "PlacementServices"
    kubectl get placementservices -A -o wide
    kubectl describe placementservices -A
    section "Deployments, ReplicaSets, Jobs, Pods, autoscalers, Ingresses"
    kubectl get deployments,replicasets,jobs,pods,hpa,ingresses -A -o wide
    kubectl describe deployments,jobs,pods -n default
    kubectl describe deployments,pods -n "$OPERATOR_NAMESPACE"
    section "Lease"
    kubectl get leases -n "$OPERATOR_NAMESPACE" -o yaml
    section "Events, oldest first"
    kubectl get events -A --sort-by=.metadata.creationTimestamp
    section "operator logs"
    kubectl logs -n "$OPERATOR_NAMESPACE" -l app.kubernetes.io/name=placement-operator --all-containers --prefix --tail=-1
    kubectl logs -n "$OPERATOR_NAMESPACE" -l app.kubernetes.io/name=placement-operator --all-containers --prefix --tail=-1 --previous 2>/dev/null
    section "database sync Job logs"
    local job
    for job in $(kubectl get jobs -n default -o name); do
        echo "-- $job"
        kubectl logs -n default -l "job-name=${job#*/}" --all-containers --prefix --tail=-1
    done
    section "Placement API logs"
    kubectl logs -n default -l "app.kubernetes.io/instance=$NAME" --all-containers --prefix --tail=200 --max-log-requests=20
    exit "$status"
}
trap 'diagnose $? "$LINENO" "$BASH_COMMAND"' ERR

# wait_for SECONDS WHAT COMMAND...: runs COMMAND every second until it succeeds.
wait_for() {
    local seconds=$1 what=$2
    shift 2
    local deadline=$((SECONDS + seconds))
    until "$@"; do
        [ "$SECONDS" -lt "$deadline" ] || fail "timed out after ${seconds}s waiting for $what"
        sleep 1
    done
}

# The database sync Job that runs IMAGE, as "NAME COMPLETION-TIME" (found by image: its name carries a hash).
sync_job() {
    kubectl get jobs -o jsonpath='{range .items[*]}{.metadata.name}{" "}{.spec.template.spec.containers[0].image}{" "}{.status.completionTime}{"\n"}{end}' |
        awk -v image="$1" '$2 == image { print $1, $3 }'
}

# The oldest ReplicaSet of the Deployment whose pods run IMAGE: its creation is when the Deployment took IMAGE.
replica_set_created() {
    kubectl get replicasets -o jsonpath='{range .items[*]}{.metadata.creationTimestamp}{" "}{.spec.template.spec.containers[0].image}{"\n"}{end}' |
        awk -v image="$1" '$2 == image { print $1 }' | sort | sed -n 1p
}

# Until the PlacementService reports VERSION, checks every second that the Deployment does not run IMAGE before
# IMAGE's sync Job completed (the template is read first, so a Job seen incomplete afterwards was incomplete then).
# Then compares the times: the Job completed no later than the ReplicaSet for IMAGE was created.
synced_before_rollout() {
    local image=$1 version=$2 deadline=$((SECONDS + 300)) current template found job completed created
    while true; do
        current=$(kubectl get placementservice "$NAME" -o jsonpath='{.status.currentVersion}')
        [ "$current" != "$version" ] || break
        template=$(kubectl get deployment "$NAME" -o jsonpath='{.spec.template.spec.containers[0].image}' --ignore-not-found)
        if [ "$template" = "$image" ]; then
            found=$(sync_job "$image")
            read -r job completed <<<"$found"
            [ -n "${completed:-}" ] || fail "the Deployment runs $image before its database sync Job ${job:-(none)} completed"
        fi
        [ "$SECONDS" -lt "$deadline" ] || fail "timed out waiting for $NAME to report version $version"
        sleep 1
    done
    found=$(sync_job "$image")
    read -r job completed <<<"$found"
    created=$(replica_set_created "$image")
    [ -n "${completed:-}" ] || fail "no completed database sync Job for $image"
    [ -n "$created" ] || fail "no ReplicaSet runs $image"
    if [[ "$completed" > "$created" ]]; then
        fail "the sync Job $job completed at $completed, after the ReplicaSet for $image was created at $created"
    fi
    echo "sync Job $job completed at $completed; the ReplicaSet for $image was created at $created"
}

lease_holder() { kubectl get lease -n "$OPERATOR_NAMESPACE" placement-operator -o jsonpath='{.spec.holderIdentity}' --ignore-not-found; }
lease_held_by_other_than() { local holder; holder=$(lease_holder); [ -n "$holder" ] && [ "$holder" != "$1" ]; }

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
# The admission webhook's certificate comes from two Jobs; Ingresses are refused until the controller serves it.
kubectl -n ingress-nginx wait job --all --for=condition=Complete --timeout="$TIMEOUT"
kubectl -n ingress-nginx rollout status deployment/ingress-nginx-controller --timeout="$TIMEOUT"
kubectl -n kube-system rollout status deployment/metrics-server --timeout="$TIMEOUT"
kubectl wait apiservice/v1beta1.metrics.k8s.io --for=condition=Available --timeout="$TIMEOUT"

step "images: the API (two tags, for the upgrade) and the operator"
docker build -t "$API_IMAGE" -f Dockerfile.api .
docker tag "$API_IMAGE" "$API_IMAGE_UPGRADE"
docker build -t "$OPERATOR_IMAGE" -f Dockerfile.operator .
kind load docker-image --name "$CLUSTER" "$API_IMAGE" "$API_IMAGE_UPGRADE" "$OPERATOR_IMAGE"

step "install the operator with kustomize (config/default, with the images just built)"
# An overlay beside this script: kustomize takes a base only by a relative path.
OVERLAY=$(mktemp -d "$PWD/tests/e2e/.overlay.XXXXXX")
cat >"$OVERLAY/kustomization.yaml" <<OVERLAY_YAML
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - ../../../config/default
images:
  - name: placement-operator
    newName: ${OPERATOR_IMAGE%%:*}
    newTag: ${OPERATOR_IMAGE##*:}
patches:
  # The operator's default API image, for a PlacementService that names none.
  - patch: |-
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: placement-operator
      spec:
        template:
          spec:
            containers:
              - name: manager
                env:
                  - name: PLACEMENT_API_IMAGE
                    value: $API_IMAGE
OVERLAY_YAML
kubectl apply -k "$OVERLAY"
kubectl wait crd/placementservices.operator.placement.dev --for=condition=Established --timeout=60s
kubectl -n "$OPERATOR_NAMESPACE" rollout status deployment/placement-operator --timeout="$TIMEOUT"
wait_for 60 "a leader" lease_held_by_other_than ""

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
          readinessProbe:
            exec: {command: [pg_isready, -U, placement, -d, placement]}
            periodSeconds: 2
---
apiVersion: v1
kind: Service
metadata: {name: placement-db}
spec:
  selector: {app: placement-db}
  ports: [{port: 5432}]
DB
kubectl rollout status deployment/placement-db --timeout="$TIMEOUT"

step "apply the sample with image $API_IMAGE, exposed at placement.local (noauth2: the trial's accepted exposure)"
kubectl patch --local -f config/samples/placementservice_autoscaled.yaml --type merge \
    -p "{\"spec\":{\"image\":\"$API_IMAGE\",\"ingress\":{\"enabled\":true},\"auth\":{\"exposeUnauthenticated\":true}}}" -o yaml | kubectl apply -f -
synced_before_rollout "$API_IMAGE" "${API_IMAGE##*:}"
kubectl wait "placementservice/$NAME" --for=condition=Ready --timeout="$TIMEOUT"
kubectl wait "hpa/$NAME" --for=condition=ScalingActive --timeout="$TIMEOUT"
kubectl get placementservices
kubectl get hpa

step "curl through placement.local"
curl --fail --silent --show-error --retry 10 --retry-delay 3 --retry-all-errors \
    --resolve placement.local:80:127.0.0.1 http://placement.local/
echo

step "the leader's Lease passes to the standby on a graceful stop"
leader=$(lease_holder)
kubectl -n "$OPERATOR_NAMESPACE" delete pod "$leader" --wait=false
# Released on SIGTERM, the Lease is taken at the standby's next retry (2 s), not after its 15 s.
wait_for 10 "the standby to take the Lease from $leader" lease_held_by_other_than "$leader"
kubectl -n "$OPERATOR_NAMESPACE" rollout status deployment/placement-operator --timeout="$TIMEOUT"

step "upgrade by editing the image: the database is synced with $API_IMAGE_UPGRADE before any pod runs it"
generation=$(kubectl patch placementservice "$NAME" --type merge \
    -p "{\"spec\":{\"image\":\"$API_IMAGE_UPGRADE\"}}" -o jsonpath='{.metadata.generation}')
kubectl wait "placementservice/$NAME" --for=jsonpath='{.status.observedGeneration}'="$generation" --timeout="$TIMEOUT"
synced_before_rollout "$API_IMAGE_UPGRADE" "${API_IMAGE_UPGRADE##*:}"
kubectl wait "placementservice/$NAME" --for=condition=Ready --timeout="$TIMEOUT"
kubectl get placementservices
curl --fail --silent --show-error --retry 10 --retry-delay 3 --retry-all-errors \
    --resolve placement.local:80:127.0.0.1 http://placement.local/placement/
echo

step "deleting the resource removes what it made"
kubectl delete placementservice "$NAME" --wait
nothing_left() {
    local left
    left=$(kubectl get deployment,service,ingress,hpa,job,configmap -l "app.kubernetes.io/instance=$NAME" -o name) && [ -z "$left" ]
}
wait_for 120 "the garbage collector to delete what $NAME owned" nothing_left

step "passed"
