// functions/*/handler.ts -> build/functions/<name>/index.js, one self-contained bundle each, plus the
// connector (triggers/) as its own bundle. Only native addons stay outside the bundle.
import { build } from 'esbuild';
import { readdirSync, statSync, existsSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));
export const buildDir = join(root, 'build');
const external = ['@duckdb/*', 'pg-native'];
// pino and pg are CommonJS; an ESM bundle needs a require() for them.
const banner = { js: "import { createRequire as __erpbiRequire } from 'node:module'; const require = __erpbiRequire(import.meta.url);" };

export function functionNames() {
  return readdirSync(join(root, 'functions')).filter((d) => existsSync(join(root, 'functions', d, 'handler.ts'))).sort();
}

function entries() {
  const list = functionNames().map((name) => ({
    out: join(buildDir, 'functions', name, 'index.js'),
    contents: `import def from ${JSON.stringify(join(root, 'functions', name, 'handler.ts'))};\nimport { serve } from ${JSON.stringify(join(root, 'shared/http/serve.ts'))};\nawait serve(def);\n`,
  }));
  list.push({ out: join(buildDir, 'triggers', 'connector.js'), contents: `import ${JSON.stringify(join(root, 'triggers/main.ts'))};\n` });
  return list;
}

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** True when a bundle is missing or older than any source it may include. */
export function isStale() {
  const sources = Math.max(...['functions', 'shared', 'triggers', 'olap'].filter((d) => existsSync(join(root, d))).map((d) => newestSource(join(root, d))), statSync(join(root, 'package-lock.json')).mtimeMs);
  return entries().some((e) => !existsSync(e.out) || statSync(e.out).mtimeMs < sources);
}

export async function buildAll({ quiet = false } = {}) {
  const started = Date.now();
  const results = await Promise.all(
    entries().map(async (e) => {
      mkdirSync(dirname(e.out), { recursive: true });
      const r = await build({
        stdin: { contents: e.contents, resolveDir: root, sourcefile: 'entry.ts', loader: 'ts' },
        bundle: true,
        platform: 'node',
        target: 'node20',
        format: 'esm',
        outfile: e.out,
        external,
        banner,
        minify: true,
        sourcemap: 'linked',
        legalComments: 'none',
        metafile: true,
        logLevel: 'warning',
      });
      writeFileSync(join(dirname(e.out), 'package.json'), '{"type":"module"}\n');
      return { out: e.out, bytes: statSync(e.out).size };
    }),
  );
  if (!quiet) {
    for (const r of results) console.log(`  ${r.out.slice(root.length + 1)}  ${(r.bytes / 1024).toFixed(0)} kB`);
    console.log(`built ${results.length} bundles in ${Date.now() - started} ms`);
  }
  return results;
}

if (import.meta.url === pathToFileURL(resolve(process.argv[1] ?? '')).href) {
  await buildAll();
}
