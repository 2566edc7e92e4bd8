// TrueType files imported as their bytes: esbuild's `binary` loader in the bundles, the vitest plugin
// in tests/support/binary-imports.ts under test.
declare module '*.ttf' {
  const bytes: Uint8Array;
  export default bytes;
}
