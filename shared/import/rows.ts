import type { z } from 'zod';
import { columnOfPath, rowInput, type ImportKind } from './columns.js';
import { openingStockColumns } from './columns.js';
import type { CsvRecord, RowError } from './parse.js';

// Each record checked by its command's own body schema, then the file as a whole: no key twice.

export interface Row<B> {
  line: number;
  body: B;
  /** Opening stock and unit cost (products only; empty otherwise). */
  extra: z.output<typeof openingStockColumns>;
  /** What the row is matched on: the sku, the id, or name and postal code (see keyOf). */
  key: string;
}

/** Name and postal code as a key: case, surrounding and doubled spaces do not make another party. */
export const nameKey = (name: string, postalCode: string | undefined): string =>
  `name:${name.trim().replace(/\s+/g, ' ').toLowerCase()}|${(postalCode ?? '').replace(/\s+/g, '').toUpperCase()}`;

type Keyed = { sku?: string; id?: string | undefined; name?: string; address?: { postalCode: string } | undefined };

/**
 * Products are known by sku. A customer or supplier with an id is known by it; without one, by its
 * name and postal code together (two firms of one name in different towns are two parties; an empty
 * postal code is a value too), so importing the same file again updates them instead of adding them twice.
 */
export function keyOf(kind: ImportKind, body: Keyed): { key: string; field: string; shown: string } {
  if (kind === 'products') return { key: `sku:${body.sku}`, field: 'sku', shown: `sku ${body.sku}` };
  if (body.id !== undefined) return { key: `id:${body.id}`, field: 'id', shown: `id ${body.id}` };
  const postal = body.address?.postalCode;
  return {
    key: nameKey(body.name ?? '', postal),
    field: 'name',
    shown: `name "${body.name}"${postal ? ` with postal code ${postal}` : ' with no postal code'}`,
  };
}

/** The records that pass the schema, and an error per field of those that do not, and per duplicate key. */
export function checkRows<S extends z.ZodType<Keyed>>(
  kind: ImportKind,
  schema: S,
  records: readonly CsvRecord[],
): { rows: Row<z.output<S>>[]; errors: RowError[] } {
  const rows: Row<z.output<S>>[] = [];
  const errors: RowError[] = [];
  const firstLineOf = new Map<string, number>();
  for (const record of records) {
    const input = rowInput(kind, record.cells);
    const body = schema.safeParse(input.body);
    const extra = openingStockColumns.safeParse(input.extra);
    const issues = [...(body.success ? [] : body.error.issues), ...(extra.success ? [] : extra.error.issues)];
    for (const issue of issues) errors.push({ line: record.line, field: columnOfPath(issue.path), message: issue.message });
    if (!body.success || !extra.success) continue;
    const { key, field, shown } = keyOf(kind, body.data);
    const first = firstLineOf.get(key);
    if (first !== undefined) {
      errors.push({
        line: record.line,
        field,
        message: `${shown} is also on line ${first}: each ${kind === 'products' ? 'product' : kind.slice(0, -1)} once per file`,
      });
      continue;
    }
    firstLineOf.set(key, record.line);
    rows.push({ line: record.line, body: body.data, extra: extra.data, key });
  }
  return { rows, errors };
}
