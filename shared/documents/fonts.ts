import { create, type Font } from 'fontkit';
import { rememberOutlines } from './glyph-outlines.js';
import { rememberLayouts } from './layouts.js';

// DejaVu Sans (from the dejavu-fonts-ttf package) is embedded into each document, subset to the glyphs
// used: it covers Latin, Greek and Cyrillic names and every currency sign, where PDF's 14 standard fonts
// stop at Latin-1. The files travel inside the function bundle: nothing is read from disk or fetched.
// Loaded on first use, so importing a function definition (OpenAPI, tests) does not load 1.4 MB of font.
//
// Parsed once per process, with fontkit (pdfkit's own font engine): pdfkit given the bytes parses them
// again for every document, and reading the glyph metrics out of a 700 kB TrueType file was most of a
// render's CPU (about 60 % of 85 ms, bench/lib/documents-micro.ts). Given the parsed font, pdfkit lays
// out with it and subsets it per document as before: the glyphs it has measured stay cached on the font,
// and so do the words it has shaped (layouts.ts), which repeat from one document to the next, and
// the glyph outlines subsetting reads (glyph-outlines.ts).
export interface Fonts {
  regular: Font;
  bold: Font;
}

let loaded: Promise<Fonts> | undefined;

export function loadFonts(): Promise<Fonts> {
  loaded ??= import('./font-files.js').then((f) => ({ regular: parse(f.regular), bold: parse(f.bold) }));
  return loaded;
}

function parse(bytes: Uint8Array): Font {
  const font = create(Buffer.from(bytes));
  // A .ttf is one font; a collection (.ttc) would need a name to pick one.
  if (!('layout' in font)) throw new Error('a font collection where one font was expected');
  return rememberOutlines(rememberLayouts(font));
}
