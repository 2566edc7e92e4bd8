// The font files as bytes (esbuild's binary loader; under test, tests/support/binary-imports.ts).
// Imported statically here, and this module dynamically by fonts.ts: a dynamic import() of a .ttf
// itself would make esbuild wrap the bytes as a CommonJS module whose every index becomes a property
// (hundreds of MB of heap for 1.4 MB of font).
import regular from 'dejavu-fonts-ttf/ttf/DejaVuSans.ttf';
import bold from 'dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf';

export { regular, bold };
