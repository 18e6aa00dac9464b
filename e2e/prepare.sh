#!/usr/bin/env bash
# Makes this machine able to run the Docker end-to-end test (e2e/), idempotently:
#   1. installs a Docker engine, Compose v1, mmdebstrap and Prometheus (for promtool) from Debian;
#   2. starts dockerd unless an engine already answers;
#   3. builds the local stand-in images the test passes to docker-compose.yml instead of the public ones
#      (there is no image registry here): local/redis:7.0, local/jre:17, local/clients-base:17,
#      local/prometheus:2.42.
# Each image is a Debian rootfs made by mmdebstrap from the mirror apt already uses, imported with
# `docker import`. An image whose recipe has not changed is kept (label failoverlab.recipe), so a
# second run takes seconds. Rootfs tarballs are cached in $FAILOVERLAB_IMAGE_CACHE.
set -euo pipefail

CACHE="${FAILOVERLAB_IMAGE_CACHE:-/var/cache/failoverlab-e2e}"
SUITE=bookworm
log() { echo "e2e/prepare: $*"; }

install_packages() {
  local missing=()
  command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
  command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
  command -v mmdebstrap >/dev/null 2>&1 || missing+=(mmdebstrap)
  command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
  if ((${#missing[@]})); then
    log "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
  # The Debian prometheus package may start a server on :9090 where an init system runs; the test never uses it.
}

start_docker() {
  if docker info >/dev/null 2>&1; then
    return
  fi
  log "starting dockerd (log: $CACHE/dockerd.log)"
  mkdir -p "$CACHE"
  # setsid + no inherited descriptors: the engine outlives this script without holding its output open.
  setsid dockerd >"$CACHE/dockerd.log" 2>&1 </dev/null &
  for _ in $(seq 1 60); do
    docker info >/dev/null 2>&1 && return
    sleep 1
  done
  log "dockerd did not answer within 60 s:"
  tail -20 "$CACHE/dockerd.log" >&2
  exit 1
}

# Where apt gets Debian from here, as a sources file mmdebstrap can read.
debian_sources() {
  local file
  for file in /etc/apt/sources.list.d/debian.sources /etc/apt/sources.list; do
    if [[ -s $file ]] && grep -q "deb.debian.org\|debian" "$file"; then
      echo "$file"
      return
    fi
  done
  log "no Debian apt source found in /etc/apt" >&2
  exit 1
}

# How every rootfs is made (part of each image's recipe hash, so changing it rebuilds the images).
MMDEBSTRAP_OPTS=(--quiet --variant=apt --format=tar
  --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*'
  --dpkgopt='path-exclude=/usr/share/locale/*'
  # The JRE's postinst registers its man page with update-alternatives: the folder must exist.
  --essential-hook='mkdir -p "$1/usr/share/man/man1"')

# build_image TAG PACKAGES CUSTOMIZE_HOOK [DOCKER_IMPORT_CHANGE...]
build_image() {
  local tag=$1 packages=$2 hook=$3
  shift 3
  local recipe
  recipe=$(printf '%s\n' "$SUITE" "${MMDEBSTRAP_OPTS[@]}" "$packages" "$hook" "$@" | sha256sum | cut -c1-16)
  if [[ $(docker image inspect -f '{{index .Config.Labels "failoverlab.recipe"}}' "$tag" 2>/dev/null) == "$recipe" ]]; then
    log "$tag is up to date"
    return
  fi
  local tarball="$CACHE/${tag//[:\/]/_}-$recipe.tar"
  if [[ ! -s $tarball ]]; then
    log "building the root file system of $tag ($packages)"
    mkdir -p "$CACHE"
    rm -f "$tarball.part"
    mmdebstrap "${MMDEBSTRAP_OPTS[@]}" --include="$packages" --customize-hook="$hook" \
      "$SUITE" "$tarball.part" "$(debian_sources)"
    mv "$tarball.part" "$tarball"
  fi
  log "importing $tag"
  local args=(--change "LABEL failoverlab.recipe=$recipe")
  local change
  for change in "$@"; do
    args+=(--change "$change")
  done
  docker import "${args[@]}" "$tarball" "$tag" >/dev/null
  # Tarballs of older recipes of this image are of no further use.
  find "$CACHE" -maxdepth 1 -name "${tag//[:\/]/_}-*.tar" ! -name "${tarball##*/}" -delete
}

install_packages
start_docker

# Redis as the official image has it: redis-server and redis-cli on PATH, data in /data, runs as redis.
build_image local/redis:7.0 "redis-server,redis-tools" \
  'chroot "$1" sh -c "mkdir -p /data && chown redis:redis /data"' \
  'WORKDIR /data' 'USER redis' 'CMD ["redis-server"]'

# A JRE 17 the services' Dockerfiles can start FROM (eclipse-temurin:17-jre's place).
build_image local/jre:17 "openjdk-17-jre-headless" 'true' \
  'ENV JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64' 'CMD ["java", "-version"]'

# The clients service's base (eclipse-temurin:17-jre's place, with what clients/Dockerfile would install
# with INSTALL_PACKAGES=yes already in): a JRE 17, Debian's /usr/bin/python3 with python3-redis (redis-py),
# php-cli and php-predis (predis, on PHP's include path /usr/share/php). The test builds clients/Dockerfile
# FROM it with INSTALL_PACKAGES=no: no network at build time.
build_image local/clients-base:17 "openjdk-17-jre-headless,python3-redis,php-cli,php-predis" 'true' \
  'ENV JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64' 'CMD ["java", "-version"]'

# Prometheus as prom/prometheus has it: the binary as entrypoint, data in /prometheus, runs unprivileged,
# and a wget for health checks (busybox's in the official image).
build_image local/prometheus:2.42 "prometheus,wget" \
  'chroot "$1" sh -c "mkdir -p /prometheus && chown prometheus:prometheus /prometheus"' \
  'WORKDIR /prometheus' 'USER prometheus' 'ENTRYPOINT ["/usr/bin/prometheus"]' \
  'CMD ["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus"]'

log "ready: $(docker --version); $(docker-compose version --short 2>/dev/null || true); $(promtool --version 2>&1 | head -1)"
