import type { Font, GlyphRun } from 'fontkit';

// Shaping a word (fontkit's layout: cmap, GSUB, GPOS) is the largest part of a render once the font is
// parsed once (fonts.ts). pdfkit remembers each word's layout for one document only; the same words
// ("Invoice", "Net", the seller's name, amounts) come back in every document, so the font itself
// remembers them here, for every document of the process. A layout is the same for the same text, so
// the bytes do not change. pdfkit scales the positions it gets in place: each caller gets its own copy.

/** Words remembered per font; past this the memory is given back and filled again (a few MB at most). */
const maxWords = 20_000;

export function rememberLayouts(font: Font): Font {
  const shape = font.layout.bind(font);
  const runs = new Map<string, GlyphRun>();
  font.layout = (text: string, features?: unknown): GlyphRun => {
    // Text with OpenType features asked for is rare (pdfkit passes none unless told): shaped each time.
    if (features !== undefined) return shape(text, features);
    let run = runs.get(text);
    if (!run) {
      if (runs.size >= maxWords) runs.clear();
      run = shape(text);
      runs.set(text, run);
    }
    // The run's own class (its advanceWidth sums the positions), with positions pdfkit may scale.
    const copy: GlyphRun = Object.create(Object.getPrototypeOf(run) as object) as GlyphRun;
    return Object.assign(copy, run, { positions: run.positions.map((p) => ({ ...p })) });
  };
  return font;
}
