#!/usr/bin/env bash
# Builds local stand-ins for the official base images, for a machine that can reach Debian's
# packages but no image registry (Docker Hub, ghcr, quay). On a Pi with a registry none of this is
# needed: the Dockerfiles and compose files default to the official images.
#
#   erpbi-local/debian:bookworm             debootstrap --variant=minbase, then `docker import`
#   erpbi-local/node:20-bookworm-slim       + this machine's Node 20 and npm (they need only libc/libstdc++)
#   erpbi-local/of-watchdog:stand-in        a /fwatchdog that runs fprocess on :8080 itself (see Dockerfile)
#   erpbi-local/postgres:15-bookworm        + Debian's postgresql-15, with the official image's entrypoint contract
#   erpbi-local/nats:2.9                    + Debian's nats-server
#   erpbi-local/nginx:bookworm              + Debian's nginx, serving /usr/share/nginx/html like the official image
#   erpbi-local/prometheus:bookworm         + Debian's prometheus
#
# The debootstrapped root is made once per machine (docker keeps it; ERPBI_BASES_REBUILD=1 makes it
# again); the rest are ordinary cached docker builds. Needs root, docker, debootstrap.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
export DOCKER_BUILDKIT=0   # the classic builder: BuildKit would fetch its frontend from a registry

if [ "${ERPBI_BASES_REBUILD:-}" = 1 ] || ! docker image inspect erpbi-local/debian:bookworm >/dev/null 2>&1; then
  root="$(mktemp -d)"
  trap 'rm -rf "$root"' EXIT
  echo "bases: debootstrap bookworm (minbase) from $mirror"
  debootstrap --variant=minbase bookworm "$root" "$mirror" >/dev/null
  # what debian:bookworm-slim leaves out too: downloaded packages, package lists, docs, locales
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/cache/apt/*.bin "$root"/var/lib/apt/lists/* "$root"/usr/share/doc/* \
    "$root"/usr/share/man/* "$root"/usr/share/locale/* "$root"/usr/share/info/*
  tar -C "$root" -c . | docker import -c 'CMD ["bash"]' - erpbi-local/debian:bookworm >/dev/null
  rm -rf "$root"
  trap - EXIT
fi

# Nothing to do when every stand-in was built from these very inputs (their label says which).
inputs="$(cat "$here"/Dockerfile "$here"/fwatchdog "$here"/postgres-entrypoint.sh /usr/local/share/ca-certificates/*.crt 2>/dev/null; node --version; npm --version; docker image inspect -f '{{.Id}}' erpbi-local/debian:bookworm)"
hash="$(printf '%s' "$inputs" | sha256sum | cut -c1-16)"
# Dockerfile target -> the tag the compose files and Dockerfiles are given
declare -A tags=([node]=erpbi-local/node:20-bookworm-slim [of-watchdog]=erpbi-local/of-watchdog:stand-in
  [postgres]=erpbi-local/postgres:15-bookworm [nats]=erpbi-local/nats:2.9 [nginx]=erpbi-local/nginx:bookworm
  [prometheus]=erpbi-local/prometheus:bookworm)
current=0
for tag in "${tags[@]}"; do
  [ "$(docker image inspect -f '{{index .Config.Labels "erpbi.bases"}}' "$tag" 2>/dev/null)" = "$hash" ] && current=$((current + 1))
done
if [ "$current" = "${#tags[@]}" ]; then echo "bases: up to date ($hash)"; exit 0; fi

# The build context: the Dockerfile, the stand-in scripts, and this machine's node + npm.
node_major="$(node -p 'process.versions.node.split(".")[0]')"
[ "$node_major" = 20 ] || { echo "bases: this machine's node is $(node --version); the images want Node 20" >&2; exit 1; }
ctx="$(mktemp -d)"
trap 'rm -rf "$ctx"' EXIT
cp "$here"/Dockerfile "$here"/fwatchdog "$here"/postgres-entrypoint.sh "$ctx"/
cp "$(readlink -f "$(command -v node)")" "$ctx"/node
cp -r "$(npm root -g)/npm" "$ctx"/npm
mkdir "$ctx"/extra-ca
cp /usr/local/share/ca-certificates/*.crt "$ctx"/extra-ca/ 2>/dev/null || true

for target in "${!tags[@]}"; do
  tag=${tags[$target]}
  echo "bases: $tag"
  docker build -q --label erpbi.bases="$hash" --target "$target" -t "$tag" "$ctx" >/dev/null
done
