#!/usr/bin/env bash
# Builds erpbi's images with plain `docker build`, tagged as stack.yml and the compose files name them:
#   ghcr.io/erpbi/erpbi:0.1.0              the service image (compose/Dockerfile)
#   ghcr.io/erpbi/<function>:0.1.0         one per stack.yml function (template/erpbi-node), each from a
#                                          build context laid out as `faas-cli build --shrinkwrap` makes it
# Run `npm run build` first (the function images take build/functions/<name>/). With ERPBI_LOCAL_BASES=1
# the bases are the local stand-ins of compose/bases/build.sh instead of the official images.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOCKER_BUILDKIT=0   # the classic builder: BuildKit would fetch its Dockerfile frontend from a registry
args=()
if [ "${ERPBI_LOCAL_BASES:-}" = 1 ]; then
  args=(--build-arg NODE_IMAGE=erpbi-local/node:20-bookworm-slim --build-arg WATCHDOG_IMAGE=erpbi-local/of-watchdog:stand-in)
fi
[ -f build/functions/query/index.js ] || { echo "build-images: run 'npm run build' first" >&2; exit 1; }

echo "images: ghcr.io/erpbi/erpbi:0.1.0"
docker build -q "${args[@]}" -f compose/Dockerfile -t ghcr.io/erpbi/erpbi:0.1.0 . >/dev/null

# name=image for every stack.yml function (YAML read by the yaml package, merge keys on)
mapfile -t fns < <(node --input-type=module -e '
import { readFileSync } from "node:fs"; import { parse } from "yaml";
const s = parse(readFileSync("stack.yml", "utf8"), { merge: true });
for (const [name, f] of Object.entries(s.functions)) console.log(`${name}=${f.image}=${f.build_args?.NATIVE_DEPS ?? ""}`);')
ctx="$(mktemp -d)"
trap 'rm -rf "$ctx"' EXIT
for entry in "${fns[@]}"; do
  IFS== read -r name image native <<<"$entry"
  dir="$ctx/$name"
  mkdir -p "$dir/function/build/functions"
  cp -r template/erpbi-node/. "$dir/"
  cp -r "functions/$name/." "$dir/function/"
  cp -r "build/functions/$name" "$dir/function/build/functions/"
  cp package-lock.json "$dir/function/"
  echo "images: $image"
  docker build -q "${args[@]}" --build-arg FUNCTION_NAME="$name" ${native:+--build-arg NATIVE_DEPS="$native"} -t "$image" "$dir" >/dev/null
done
