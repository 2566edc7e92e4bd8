// What erpbi uses of fontkit (pdfkit's font engine, which ships no typings): parsing a font file once,
// to hand pdfkit the parsed font (pdfkit accepts any object with fontkit's `layout`), and the shape of
// a layout (layouts.ts), and a glyph's outline (glyph-outlines.ts).
declare module 'fontkit' {
  export interface GlyphPosition {
    xAdvance: number;
    yAdvance: number;
    xOffset: number;
    yOffset: number;
  }
  export interface GlyphRun {
    glyphs: unknown[];
    positions: GlyphPosition[];
  }
  export interface Glyph {
    id: number;
    /** The glyph's outline header as read from the font (private to fontkit; glyph-outlines.ts). */
    _decode(): unknown;
  }
  export interface Font {
    postscriptName: string;
    layout(text: string, features?: unknown): GlyphRun;
    getGlyph(id: number, codePoints?: number[]): Glyph;
  }
  export interface FontCollection {
    fonts: Font[];
  }
  export function create(buffer: Uint8Array, postscriptName?: string): Font | FontCollection;
}
