// The browser build (with its own Buffer): the workspace's import dialog makes the sample in the page.
import { stringify } from 'csv-stringify/browser/esm/sync';
import { columnsFor, type ImportKind } from './columns.js';

// A file per kind that imports as it is ("Download a sample" in the import dialog): every column,
// filled where a firm moving in usually has the value. tests/integration/import.test.ts imports each.
const rows: Record<ImportKind, Record<string, string | number>[]> = {
  products: [
    { sku: 'MUG-1', name: 'Mug, blue', unitPrice: 1250, currency: 'EUR', taxRateBp: 1900, reorderLevel: 10, openingStock: 40, unitCost: 480 },
    { sku: 'BOOK-1', name: 'Cookbook', unitPrice: 2400, currency: 'EUR', taxRateBp: 700, openingStock: 0 },
  ],
  customers: [
    {
      name: 'Café Central',
      email: 'office@cafe-central.example',
      paymentTermsDays: 14,
      street: 'Herrengasse 14',
      postalCode: '1010',
      city: 'Wien',
      country: 'AT',
      vatId: 'ATU13585627',
      language: 'de',
      currency: 'EUR',
    },
    { name: 'Jane Doe', paymentTermsDays: 0 },
  ],
  suppliers: [
    {
      name: 'Porzellan Werk GmbH',
      street: 'Fabrikstraße 3',
      street2: 'Tor 2',
      postalCode: '95100',
      city: 'Selb',
      country: 'DE',
      paymentTermsDays: 30,
      currency: 'EUR',
      email: 'orders@porzellan.example',
    },
  ],
};

/** The sample CSV of a kind: header row of every column, then the rows, CRLF as spreadsheets write it. */
export function sampleCsv(kind: ImportKind): string {
  const columns = columnsFor(kind).map((c) => c.name);
  return stringify(
    rows[kind].map((r) => columns.map((c) => r[c] ?? '')),
    { header: true, columns, record_delimiter: 'windows' },
  );
}
