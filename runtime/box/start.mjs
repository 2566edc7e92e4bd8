// `npm start`: builds what is missing or stale (the functions, the gateway, object storage, this runtime), then
// runs the runtime from its bundle (build/box/runtime.js, esbuild.config.mjs), not through tsx: tsx and the
// TypeScript it compiled stayed in the runtime's memory for the box's whole life. Plain JavaScript, so that an
// unsupported Node.js is refused (bin/node-support.mjs) before anything else loads. The tests run
// runtime/box/main.ts through tsx (tests/support/box.ts): the same code, built by no one first.
import { pathToFileURL } from 'node:url';
import { refuseUnsupportedNode } from '../../bin/node-support.mjs';

refuseUnsupportedNode();
const { buildAll, isStale, runtimeBundle } = await import('../../esbuild.config.mjs');
if (isStale()) {
  console.log('building the bundles (missing or older than the sources)...');
  await buildAll({ quiet: true });
}
await import(pathToFileURL(runtimeBundle).href);
