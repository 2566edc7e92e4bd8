#!/bin/sh
# pick-bundle.sh CONTEXT DEST [NAME]: copies build/functions/<NAME>/ from the build context to DEST.
# NAME defaults to the `name:` that functions/<name>/handler.ts gives defineFunction(), which is also
# the folder name esbuild writes the bundle to (faas-cli passes no function name to the build).
set -eu
context=$1
dest=$2
name=${3:-}
if [ -z "$name" ]; then
  name=$(sed -n "s/^[[:space:]]*name:[[:space:]]*['\"]\([a-z0-9-]*\)['\"].*/\1/p" "$context/handler.ts" 2>/dev/null | head -n 1)
fi
if [ -z "$name" ]; then
  echo "pick-bundle: cannot tell the function name from handler.ts; pass --build-arg FUNCTION_NAME=<name>" >&2
  exit 1
fi
bundle="$context/build/functions/$name"
if [ ! -f "$bundle/index.js" ]; then
  echo "pick-bundle: no bundle at build/functions/$name/index.js; run 'npm run build' before 'faas-cli build'" >&2
  echo "  (stack.yml's configuration.copy must list ./build/functions)" >&2
  exit 1
fi
mkdir -p "$dest"
# the bundle, its package.json ({"type":"module"}) and anything shipped beside it; no source maps, no
# esbuild metafile (index.meta.json: what each package costs, for `node esbuild.config.mjs --analyze`)
(cd "$bundle" && find . \( -name '*.map' -o -name '*.meta.json' \) -prune -o -type f -print) | while read -r f; do
  mkdir -p "$dest/$(dirname "$f")"
  cp "$bundle/$f" "$dest/$f"
done
echo "pick-bundle: $name -> $dest"
