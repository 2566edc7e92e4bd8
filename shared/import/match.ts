import canonicalize from 'canonicalize';
import type { Tx } from '../db/pool.js';
import { kindSpecs, type ImportKind } from './columns.js';
import type { RowError } from './parse.js';
import { nameKey, type Row } from './rows.js';

// Each checked row against what is stored: new, changed or the same (a second import of one file
// writes nothing), and the references it makes (a product's preferred supplier) must exist.

export interface Planned<B> {
  row: Row<B>;
  action: 'create' | 'update' | 'unchanged';
  /** The stored id a customer or supplier without an id column matched (by name and postal code). */
  id?: string;
  /** The product's opening stock is booked: it has none yet (no stock movement at all). */
  openingStock: boolean;
}

type Stored = Record<string, unknown>;

const snake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

// What an upsert stores for a field the row leaves empty: a product keeps its reorder settings and
// supplier (functions/upsert-product/schema.ts), its tax rate becomes 0; anything else is cleared.
const keepsStored: Record<ImportKind, ReadonlySet<string>> = {
  products: new Set(['reorderLevel', 'reorderQuantity', 'preferredSupplierId', 'supplierSku']),
  customers: new Set(),
  suppliers: new Set(),
};
const defaults: Record<string, unknown> = { taxRateBp: 0 };

/** The row's fields equal the stored record's, as the upsert would leave them. */
function same(kind: ImportKind, body: Record<string, unknown>, stored: Stored): boolean {
  for (const key of Object.keys(kindSpecs[kind].body.shape)) {
    if (key === 'id' || key === 'sku') continue;
    const now = stored[snake(key)];
    const given = body[key];
    const expected = given !== undefined ? given : keepsStored[kind].has(key) ? now : (defaults[key] ?? null);
    if (canonicalize(expected ?? null) !== canonicalize(now ?? null)) return false;
  }
  return true;
}

const tables = { products: 'inventory.products', customers: 'orders.customers', suppliers: 'inventory.suppliers' } as const;

/** The plan of every row, or the errors that refuse the file (an unknown supplier, an ambiguous match). */
export async function planRows<B extends Record<string, unknown>>(
  tx: Tx,
  kind: ImportKind,
  rows: readonly Row<B>[],
): Promise<{ planned: Planned<B>[]; errors: RowError[] }> {
  const errors: RowError[] = [];
  const planned: Planned<B>[] = [];
  const table = tables[kind];
  if (kind === 'products') {
    const skus = rows.map((r) => String(r.body.sku));
    const stored = new Map((await tx.query<Stored>(`select * from ${table} where sku = any($1)`, [skus])).rows.map((p) => [String(p.sku), p]));
    const moved = new Set(
      (await tx.query<{ sku: string }>('select distinct sku from inventory.stock_movements where sku = any($1)', [skus])).rows.map((m) => m.sku),
    );
    const supplierIds = [...new Set(rows.map((r) => r.body.preferredSupplierId).filter((s): s is string => typeof s === 'string'))];
    const suppliers = new Set(
      supplierIds.length ? (await tx.query<{ id: string }>('select id from inventory.suppliers where id = any($1)', [supplierIds])).rows.map((s) => s.id) : [],
    );
    for (const row of rows) {
      const supplier = row.body.preferredSupplierId;
      if (typeof supplier === 'string' && !suppliers.has(supplier)) {
        errors.push({ line: row.line, field: 'preferredSupplierId', message: `no supplier with id ${supplier}: import or enter the suppliers first` });
        continue;
      }
      const sku = String(row.body.sku);
      const before = stored.get(sku);
      const openingStock = (row.extra.openingStock ?? 0) > 0 && !moved.has(sku);
      const action = !before ? 'create' : !openingStock && same(kind, row.body, before) ? 'unchanged' : 'update';
      planned.push({ row, action, openingStock });
    }
    return { planned, errors };
  }

  const ids = rows.map((r) => r.body.id).filter((id): id is string => typeof id === 'string');
  const byId = new Map((await tx.query<Stored>(`select * from ${table} where id = any($1)`, [ids])).rows.map((c) => [String(c.id), c]));
  const named = rows.filter((r) => r.body.id === undefined).map((r) => String(r.body.name).trim().replace(/\s+/g, ' ').toLowerCase());
  const byName = new Map<string, Stored[]>();
  if (named.length > 0) {
    const { rows: candidates } = await tx.query<Stored & { address: { postalCode?: string } | null }>(
      `select * from ${table} where lower(regexp_replace(btrim(name), '\\s+', ' ', 'g')) = any($1)`,
      [named],
    );
    for (const c of candidates) {
      const key = nameKey(String(c.name), c.address?.postalCode);
      byName.set(key, [...(byName.get(key) ?? []), c]);
    }
  }
  const lineOfId = new Map<string, number>();
  for (const row of rows) {
    let before: Stored | undefined;
    if (typeof row.body.id === 'string') before = byId.get(row.body.id);
    else {
      const matches = byName.get(row.key) ?? [];
      if (matches.length > 1) {
        errors.push({
          line: row.line,
          field: 'name',
          message: `${matches.length} stored ${kind} have this name and postal code: add an id column to say which one (ids: ${matches.map((m) => String(m.id)).join(', ')})`,
        });
        continue;
      }
      before = matches[0];
    }
    const id = before ? String(before.id) : typeof row.body.id === 'string' ? row.body.id : undefined;
    if (id !== undefined) {
      const other = lineOfId.get(id);
      if (other !== undefined) {
        errors.push({
          line: row.line,
          field: typeof row.body.id === 'string' ? 'id' : 'name',
          message: `this is the same ${kind.slice(0, -1)} (id ${id}) as line ${other}`,
        });
        continue;
      }
      lineOfId.set(id, row.line);
    }
    const action = !before ? 'create' : same(kind, row.body, before) ? 'unchanged' : 'update';
    planned.push({ row, action, openingStock: false, ...(before && row.body.id === undefined ? { id } : {}) });
  }
  return { planned, errors };
}
