import { Histogram } from 'prom-client';

// How long rendering a document takes, by kind: from the PDF's start to its last byte (pdf-start.ts),
// storage and the database left out. On render-document's /metrics (its handler adds it to the
// function's registry); the bench reads it by this name. One histogram per process, in no registry
// until a function's app adds it, so importing the renderer (tests, the bench's micro) registers nothing.

export type DocumentKind = 'invoice' | 'credit_note' | 'reminder' | 'purchase_order';

export const documentRenderSeconds = new Histogram({
  name: 'erpbi_document_render_seconds',
  help: 'Time to render one document as PDF (storage not included), by kind',
  labelNames: ['kind'] as const,
  buckets: [0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  registers: [],
});
