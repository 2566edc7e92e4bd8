import type { Font, Glyph } from 'fontkit';

// Embedding a font subsets it per document (fontkit's TTFSubset, as pdfkit calls it), and the subset
// reads each glyph's outline header again from the TrueType table to find its components: a third of
// what a render cost once the font was parsed once (fonts.ts) and its words shaped once (layouts.ts).
// The header of a glyph never changes (DejaVu Sans is not a variable font), so each glyph keeps the
// one it decoded first, as fontkit itself does for WOFF2 glyphs. The bytes embedded are the same.

export function rememberOutlines(font: Font): Font {
  const glyphOf = font.getGlyph.bind(font);
  const remembered = new WeakSet<Glyph>();
  font.getGlyph = (id: number, codePoints?: number[]): Glyph => {
    const glyph = glyphOf(id, codePoints);
    if (glyph && !remembered.has(glyph)) {
      remembered.add(glyph);
      const decode = glyph._decode.bind(glyph);
      let outline: unknown;
      let decoded = false;
      glyph._decode = () => {
        if (!decoded) {
          outline = decode();
          decoded = true;
        }
        return outline;
      };
    }
    return glyph;
  };
  return font;
}
