# shellcheck shell=bash
# Sourced by the image scripts (and by a developer who wants to look at their images):
#   source tests/images/containers-env.sh && podman images
# Points buildah and podman at a project-owned storage and configuration under $PLACEMENT_IMAGES_STATE,
# so that the machine's global /etc/containers and /var/lib/containers are neither read for storage nor changed.

PLACEMENT_IMAGES_STATE=${PLACEMENT_IMAGES_STATE:-/var/tmp/placement-images}
# overlay is several times faster than vfs; vfs is the fallback for a kernel without overlay.
PLACEMENT_IMAGES_STORAGE_DRIVER=${PLACEMENT_IMAGES_STORAGE_DRIVER:-overlay}
export PLACEMENT_IMAGES_STATE PLACEMENT_IMAGES_STORAGE_DRIVER

mkdir -p "$PLACEMENT_IMAGES_STATE/conf" "$PLACEMENT_IMAGES_STATE/storage" "$PLACEMENT_IMAGES_STATE/run"

cat > "$PLACEMENT_IMAGES_STATE/conf/storage.conf" <<CONF
[storage]
driver = "$PLACEMENT_IMAGES_STORAGE_DRIVER"
graphroot = "$PLACEMENT_IMAGES_STATE/storage"
runroot = "$PLACEMENT_IMAGES_STATE/run"
CONF

# runc: Debian's podman would otherwise want crun. The ulimits: podman's defaults exceed what this kind of
# sandboxed machine lets runc set (it is refused), so containers get modest limits, never above the shell's.
# cgroupfs and file events: no systemd or journald here.
hard_limit() { local v; v=$(ulimit -H "$1"); [[ $v == unlimited || $v -gt $2 ]] && v=$2; echo "$v"; }
nofile=$(hard_limit -n 20000)
nproc=$(hard_limit -u 32768)
cat > "$PLACEMENT_IMAGES_STATE/conf/containers.conf" <<CONF
[containers]
default_ulimits = ["nofile=$nofile:$nofile", "nproc=$nproc:$nproc"]

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
tmp_dir = "$PLACEMENT_IMAGES_STATE/run/libpod"
CONF

# Every image the tests use is built here; nothing is ever pulled.
cat > "$PLACEMENT_IMAGES_STATE/conf/registries.conf" <<CONF
unqualified-search-registries = []
short-name-mode = "disabled"
CONF

unset -f hard_limit
unset nofile nproc
export CONTAINERS_STORAGE_CONF="$PLACEMENT_IMAGES_STATE/conf/storage.conf"
export CONTAINERS_CONF="$PLACEMENT_IMAGES_STATE/conf/containers.conf"
export CONTAINERS_REGISTRIES_CONF="$PLACEMENT_IMAGES_STATE/conf/registries.conf"
