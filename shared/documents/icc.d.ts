// ICC colour profiles imported as their bytes, as the fonts are (ttf.d.ts).
declare module '*.icc' {
  const bytes: Uint8Array;
  export default bytes;
}
