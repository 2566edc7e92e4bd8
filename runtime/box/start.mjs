// `npm start`: builds what is missing or stale (the functions, the gateway, object storage, this runtime), then
// runs the runtime from its bundle (build/box/runtime.js, esbuild.config.mjs), not through tsx: tsx and the
// TypeScript it compiled stayed in the runtime's memory for the box's whole life. Plain JavaScript, so that an
// unsupported Node.js is refused (bin/node-support.mjs) before anything else loads. The tests' boxes and the
// bench start this file too (tests/support/box.ts), so what they test is what `npm start` runs.
import { execFileSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { refuseUnsupportedNode } from '../../bin/node-support.mjs';

refuseUnsupportedNode();
const config = new URL('../../esbuild.config.mjs', import.meta.url).href;
const { isStale, runtimeBundle } = await import(config);
if (isStale()) {
  console.log('building the bundles (missing or older than the sources)...');
  // In a process of its own: what a build leaves in the heap (esbuild's results, the metafiles) stayed in the
  // runtime's for the box's whole life (measured, one box each: the runtime's PSS 98 MB idle after building in it, 77 after none).
  const build = `const { buildAll } = await import(${JSON.stringify(config)}); await buildAll({ quiet: true });`;
  execFileSync(process.execPath, ['--input-type=module', '-e', build], { stdio: 'inherit' });
}
await import(pathToFileURL(runtimeBundle).href);
