import { XMLBuilder } from 'fast-xml-parser';

// Factur-X 1.0.07 / ZUGFeRD 2.3, profile EN 16931: the PDF is PDF/A-3b and carries the document's CII
// XML as the associated file `factur-x.xml`, announced in the XMP metadata. pdfkit writes PDF/A (the
// pdfaid part and conformance, the sRGB output intent) and associated files (the catalog's /AF, the
// EmbeddedFiles name tree); this module adds what Factur-X asks on top and mends two things in
// pdfkit's PDF/A support: where the colour profile comes from, and the escaping of the XMP.

export const facturXFileName = 'factur-x.xml';

/** What render-pdf passes to pdfkit for a Factur-X document: PDF/A-3 is PDF 1.7. */
export const pdfA3b = { subset: 'PDF/A-3b', pdfVersion: '1.7' } as const;

/** The XMP namespace of the Factur-X fields; ZUGFeRD 2.1 and later use the same. */
const fxNamespace = 'urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#';

/** The fields Factur-X reads from the XMP (for an invoice and a credit note alike: both are INVOICE). */
const fxFields = [
  { name: 'DocumentType', value: 'INVOICE', description: 'The type of the hybrid document, in capital letters: INVOICE' },
  { name: 'DocumentFileName', value: facturXFileName, description: 'The name of the embedded XML document' },
  { name: 'Version', value: '1.0', description: 'The actual version of the Factur-X XML schema' },
  { name: 'ConformanceLevel', value: 'EN 16931', description: 'The conformance level of the embedded Factur-X data' },
] as const;

// The parts of pdfkit this module reaches past its typings: the file attachment's relationship
// (pdfkit takes it, @types/pdfkit does not list it), and two methods of pdfkit's PDF/A and XMP mixins.
interface Reference {
  write(chunk: Uint8Array): void;
  end(): void;
}
interface PdfKitInternals {
  ref(data: object): Reference;
  _root: { data: Record<string, unknown> };
  info: { Title?: string; Author?: string; Creator?: string; Producer?: string; CreationDate?: Date; ModDate?: Date };
  appendXML(xml: string, newline?: boolean): void;
  file(src: Uint8Array, options: { name: string; type: string; description: string; relationship: string; creationDate: Date; modifiedDate: Date }): unknown;
  _addColorOutputIntent(): void;
  _addInfo(): void;
}

let profile: Promise<Uint8Array> | undefined;
const loadProfile = () => (profile ??= import('./srgb-profile.js').then((p) => p.srgb));

const xmp = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@', suppressEmptyNode: true });
const xmpDate = (d: Date) => `${d.toISOString().split('.')[0]}Z`;

/**
 * Makes a PDFDocument created with `pdfA3b` a Factur-X invoice: the XML embedded, the XMP completed.
 * Called before the document ends; deterministic (the attachment's dates are the issue date, its
 * checksum is of the XML).
 */
export async function asFacturX(document: PDFKit.PDFDocument, xml: string, issued: Date): Promise<void> {
  const pdf = document as unknown as PdfKitInternals;
  const icc = await loadProfile();

  pdf.file(new TextEncoder().encode(xml), {
    name: facturXFileName,
    type: 'text/xml',
    description: 'Factur-X invoice (EN 16931)',
    // Alternative, not Data: Factur-X 1.0.07 (section 6.2.2) and ZUGFeRD 2.3 ask "Data" only for the
    // MINIMUM and BASIC WL profiles, whose XML is not a whole invoice; for BASIC, EN 16931 and EXTENDED
    // the XML says everything the page says, so it is an alternative representation of the invoice
    // (and in Germany the XML is the invoice).
    relationship: 'Alternative',
    // PDF/A-3 wants the embedded file's modification date; the issue date keeps the bytes the same.
    creationDate: issued,
    modifiedDate: issued,
  });

  // pdfkit reads the profile from its own data folder, which a bundle does not have: the same output
  // intent (pdfkit 0.20's _addColorOutputIntent), from the bytes the bundle carries.
  pdf._addColorOutputIntent = function (this: PdfKitInternals) {
    const stream = this.ref({ Length: icc.length, N: 3 });
    stream.write(icc);
    stream.end();
    const intent = this.ref({
      Type: 'OutputIntent',
      S: 'GTS_PDFA1',
      Info: new String('sRGB IEC61966-2.1'),
      OutputConditionIdentifier: new String('sRGB IEC61966-2.1'),
      DestOutputProfile: stream,
    });
    intent.end();
    this._root.data.OutputIntents = [intent];
  };

  // pdfkit writes the document info into the XMP unescaped ("Müller & Søn" would make it ill-formed)
  // and without the modification date PDF/A wants to match the info dictionary's: the same
  // properties, built as XML.
  pdf._addInfo = function (this: PdfKitInternals) {
    const { Title, Author, Creator, Producer, CreationDate, ModDate } = this.info;
    this.appendXML(
      xmp.build({
        'rdf:Description': [
          {
            '@rdf:about': '',
            '@xmlns:xmp': 'http://ns.adobe.com/xap/1.0/',
            'xmp:CreateDate': CreationDate && xmpDate(CreationDate),
            'xmp:ModifyDate': ModDate && xmpDate(ModDate),
            'xmp:CreatorTool': Creator,
          },
          {
            '@rdf:about': '',
            '@xmlns:dc': 'http://purl.org/dc/elements/1.1/',
            'dc:title': Title && { 'rdf:Alt': { 'rdf:li': { '@xml:lang': 'x-default', '#text': Title } } },
            'dc:creator': Author && { 'rdf:Seq': { 'rdf:li': Author } },
          },
          { '@rdf:about': '', '@xmlns:pdf': 'http://ns.adobe.com/pdf/1.3/', 'pdf:Producer': Producer },
        ],
      }),
    );
  };

  // The Factur-X fields, and their schema: PDF/A admits in the XMP only schemas it predefines or that
  // the file describes in a pdfaExtension schema (the description the Factur-X specification gives).
  pdf.appendXML(
    xmp.build({
      'rdf:Description': [
        {
          '@rdf:about': '',
          '@xmlns:pdfaExtension': 'http://www.aiim.org/pdfa/ns/extension/',
          '@xmlns:pdfaSchema': 'http://www.aiim.org/pdfa/ns/schema#',
          '@xmlns:pdfaProperty': 'http://www.aiim.org/pdfa/ns/property#',
          'pdfaExtension:schemas': {
            'rdf:Bag': {
              'rdf:li': {
                '@rdf:parseType': 'Resource',
                'pdfaSchema:schema': 'Factur-X PDFA Extension Schema',
                'pdfaSchema:namespaceURI': fxNamespace,
                'pdfaSchema:prefix': 'fx',
                'pdfaSchema:property': {
                  'rdf:Seq': {
                    'rdf:li': fxFields.map((f) => ({
                      '@rdf:parseType': 'Resource',
                      'pdfaProperty:name': f.name,
                      'pdfaProperty:valueType': 'Text',
                      'pdfaProperty:category': 'external',
                      'pdfaProperty:description': f.description,
                    })),
                  },
                },
              },
            },
          },
        },
        { '@rdf:about': '', '@xmlns:fx': fxNamespace, ...Object.fromEntries(fxFields.map((f) => [`fx:${f.name}`, f.value])) },
      ],
    }),
  );
}
