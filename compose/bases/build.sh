#!/usr/bin/env bash
# Builds local stand-ins for the official base images, for a machine that can reach Debian's
# packages but no image registry (Docker Hub, ghcr, quay). On a Pi with a registry none of this is
# needed: the Dockerfiles and compose files default to the official images.
#
# For each of linux/amd64 and linux/arm64 (ERPBI_ARCHES), in buildah's store, recorded as that arch:
#   erpbi-local/debian:bookworm-<arch>       debootstrap --arch=<arch> --variant=minbase (+ ca-certificates),
#                                            in place of debian:bookworm-slim, the runtime images' base
#   erpbi-local/of-watchdog:stand-in-<arch>  a /fwatchdog that runs fprocess on :8080 itself (see fwatchdog)
# In Docker's store, amd64 only, for the third-party services the container test runs as amd64 (their
# upstream images are multi-arch; these stand-ins are only for this machine):
#   erpbi-local/debian:bookworm              the amd64 root above
#   erpbi-local/postgres:15-bookworm         + Debian's postgresql-15, with the official image's entrypoint contract
#   erpbi-local/nats:2.9                     + Debian's nats-server
#   erpbi-local/nginx:bookworm               + Debian's nginx, serving /usr/share/nginx/html like the official image
#   erpbi-local/prometheus:bookworm          + Debian's prometheus
#
# A root is debootstrapped once per machine and arch (a tarball in ${ERPBI_CACHE:-~/.cache/erpbi};
# ERPBI_BASES_REBUILD=1 makes it again). For arm64 debootstrap's second stage runs under qemu-aarch64
# (binfmt_misc): the only emulated work here. Needs root, buildah, skopeo, docker, debootstrap.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
cache="${ERPBI_CACHE:-$HOME/.cache/erpbi}"
arches="${ERPBI_ARCHES:-amd64 arm64}"
export DOCKER_BUILDKIT=0   # the classic builder: BuildKit would fetch its frontend from a registry
mkdir -p "$cache"

# The image id buildah's store has for a name, empty when none.
buildah_id() { buildah inspect --type image --format '{{.FromImageID}}' "$1" 2>/dev/null || true; }

# A debootstrapped root as a tarball: what debian:bookworm-slim holds, with the build machine's own
# extra certificate authorities (/usr/local/share/ca-certificates, e.g. of an egress proxy in front of
# the npm registry): what the machine trusts, its stand-in images trust.
debian_root() {
  local arch=$1 tarball="$cache/debian-bookworm-$arch.tar" root
  if [ "${ERPBI_BASES_REBUILD:-}" = 1 ] || [ ! -f "$tarball" ]; then
    root="$(mktemp -d)"
    echo "bases: debootstrap bookworm $arch (minbase) from $mirror" >&2
    debootstrap --arch="$arch" --variant=minbase --include=ca-certificates bookworm "$root" "$mirror" >/dev/null
    cp /usr/local/share/ca-certificates/*.crt "$root"/usr/local/share/ca-certificates/ 2>/dev/null || true
    chroot "$root" update-ca-certificates >/dev/null
    # what debian:bookworm-slim leaves out too: downloaded packages, package lists, docs, locales
    rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/cache/apt/*.bin "$root"/var/lib/apt/lists/* "$root"/usr/share/doc/* \
      "$root"/usr/share/man/* "$root"/usr/share/locale/* "$root"/usr/share/info/*
    tar -C "$root" -cf "$tarball.part" . && mv "$tarball.part" "$tarball"
    rm -rf "$root"
  fi
  echo "$tarball"
}

for arch in $arches; do
  tag="erpbi-local/debian:bookworm-$arch"
  if [ "${ERPBI_BASES_REBUILD:-}" = 1 ] || [ -z "$(buildah_id "$tag")" ]; then
    tarball="$(debian_root "$arch")"
    ctr="$(buildah from --quiet scratch)"
    buildah add --quiet "$ctr" "$tarball" / >/dev/null
    buildah config --os linux --arch "$arch" --cmd '["bash"]' "$ctr"
    buildah commit --quiet --format docker --rm "$ctr" "$tag" >/dev/null
    echo "bases: $tag"
  fi
  # of-watchdog's only file the function images take; a script, the same for every arch
  tag="erpbi-local/of-watchdog:stand-in-$arch"
  sum="$(sha256sum "$here/fwatchdog" | cut -c1-16)"
  if [ "$(buildah inspect --type image --format '{{index .OCIv1.Config.Labels "erpbi.bases"}}' "$tag" 2>/dev/null)" != "$sum" ]; then
    ctr="$(buildah from --quiet scratch)"
    buildah copy --quiet --chmod 755 "$ctr" "$here/fwatchdog" /fwatchdog >/dev/null
    buildah config --os linux --arch "$arch" --label erpbi.bases="$sum" "$ctr"
    buildah commit --quiet --format docker --rm "$ctr" "$tag" >/dev/null
    echo "bases: $tag"
  fi
done

# The amd64 root into Docker's store, for the stand-ins below (skipped when Docker has this very image).
id="$(buildah_id erpbi-local/debian:bookworm-amd64)"
if [ -n "$id" ] && [ "$(docker image inspect -f '{{.Id}}' erpbi-local/debian:bookworm 2>/dev/null)" != "sha256:$id" ]; then
  skopeo copy --quiet containers-storage:localhost/erpbi-local/debian:bookworm-amd64 docker-daemon:erpbi-local/debian:bookworm 2> >(grep -v "using prior storage driver" >&2)
fi

# Nothing to do when every stand-in was built from these very inputs (their label says which).
inputs="$(cat "$here"/Dockerfile "$here"/postgres-entrypoint.sh; docker image inspect -f '{{.Id}}' erpbi-local/debian:bookworm)"
hash="$(printf '%s' "$inputs" | sha256sum | cut -c1-16)"
# Dockerfile target -> the tag the compose files are given
declare -A tags=([postgres]=erpbi-local/postgres:15-bookworm [nats]=erpbi-local/nats:2.9 [nginx]=erpbi-local/nginx:bookworm
  [prometheus]=erpbi-local/prometheus:bookworm)
current=0
for tag in "${tags[@]}"; do
  [ "$(docker image inspect -f '{{index .Config.Labels "erpbi.bases"}}' "$tag" 2>/dev/null)" = "$hash" ] && current=$((current + 1))
done
if [ "$current" = "${#tags[@]}" ]; then echo "bases: up to date ($hash)"; exit 0; fi

ctx="$(mktemp -d)"
trap 'rm -rf "$ctx"' EXIT
cp "$here"/Dockerfile "$here"/postgres-entrypoint.sh "$ctx"/
for target in "${!tags[@]}"; do
  tag=${tags[$target]}
  echo "bases: $tag"
  docker build -q --label erpbi.bases="$hash" --target "$target" -t "$tag" "$ctx" >/dev/null
done
