import { readFileSync } from 'node:fs';
import type { Plugin } from 'vite';

/** Under test, `import x from '<file>.ttf'` (or `.icc`) gives the file's bytes, as esbuild's binary loader does in the bundles. */
export function binaryImports(): Plugin {
  return {
    name: 'erpbi-binary-imports',
    enforce: 'pre',
    load(id) {
      if (!/\.(ttf|icc)$/.test(id)) return undefined;
      return `export default new Uint8Array(Buffer.from(${JSON.stringify(readFileSync(id).toString('base64'))}, 'base64'));`;
    },
  };
}
