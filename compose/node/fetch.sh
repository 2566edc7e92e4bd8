#!/usr/bin/env bash
# Usage: compose/node/fetch.sh <x64|arm64> <dir>
# Puts the pinned Node.js release (compose/node/release.json) for one CPU into <dir> (bin/node,
# include/node for native addons, ...), taken from the npm registry's node-linux-<arch> package and
# checked against the pinned sha512 before anything is unpacked. Tarballs are cached in
# ${ERPBI_CACHE:-~/.cache/erpbi}; a cached one is checked again on every use. Prints <dir>/bin/node.
set -euo pipefail
arch="${1:?usage: fetch.sh <x64|arm64> <dir>}"
dest="${2:?usage: fetch.sh <x64|arm64> <dir>}"
here="$(cd "$(dirname "$0")" && pwd)"
version="$(node -p "require('$here/release.json').version")"
integrity="$(node -p "require('$here/release.json').integrity['$arch'] ?? ''")"
case "$integrity" in sha512-*) ;; *) echo "fetch-node: no pinned integrity for '$arch' in $here/release.json" >&2; exit 1 ;; esac
cache="${ERPBI_CACHE:-$HOME/.cache/erpbi}"
tgz="$cache/node-linux-$arch-$version.tgz"
mkdir -p "$cache"
if [ ! -f "$tgz" ]; then
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && npm pack --silent "node-linux-$arch@$version" >/dev/null)
  mv "$tmp/node-linux-$arch-$version.tgz" "$tgz"
fi
actual="sha512-$(openssl dgst -sha512 -binary "$tgz" | openssl base64 -A)"
if [ "$actual" != "$integrity" ]; then
  rm -f "$tgz"
  echo "fetch-node: node-linux-$arch@$version is $actual, release.json pins $integrity: refused" >&2
  exit 1
fi
mkdir -p "$dest"
tar -xzf "$tgz" -C "$dest" --strip-components=1 --no-same-owner
echo "$dest/bin/node"
