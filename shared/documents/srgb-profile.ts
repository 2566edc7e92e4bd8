// The sRGB colour profile PDF/A's output intent carries, as bytes (esbuild's binary loader; under test,
// tests/support/binary-imports.ts), imported dynamically by factur-x.ts as font-files.ts is by fonts.ts.
// It is pdfkit's own file: pdfkit reads it from its data folder at run time, which a bundle does not
// have, and its package exports do not name the folder, hence the path.
import srgb from '../../node_modules/pdfkit/js/data/sRGB_IEC61966_2_1.icc';

export { srgb };
