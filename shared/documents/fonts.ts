// DejaVu Sans (from the dejavu-fonts-ttf package) is embedded into each document, subset to the glyphs
// used: it covers Latin, Greek and Cyrillic names and every currency sign, where PDF's 14 standard fonts
// stop at Latin-1. The files travel inside the function bundle: nothing is read from disk or fetched.
// Loaded on first use, so importing a function definition (OpenAPI, tests) does not load 1.4 MB of font.
export interface Fonts {
  regular: Buffer;
  bold: Buffer;
}

let loaded: Promise<Fonts> | undefined;

export function loadFonts(): Promise<Fonts> {
  loaded ??= import('./font-files.js').then((f) => ({ regular: Buffer.from(f.regular), bold: Buffer.from(f.bold) }));
  return loaded;
}
