import type { z } from 'zod';
import { AppError } from '../errors.js';
import { upsertProduct } from '../inventory/products.js';
import { lockLevels, moveStock } from '../inventory/stock.js';
import { upsertSupplier } from '../inventory/suppliers.js';
import { upsertCustomer } from '../orders/customers.js';
import { inflowValue } from '../domain/stock-cost.js';
import { body as productBody } from '../../functions/upsert-product/schema.js';
import { body as customerBody } from '../../functions/upsert-customer/schema.js';
import { supplierBody } from '../schemas/supplier.js';
import { runUnitOfWork, type Deps, type UnitOfWork } from '../unit-of-work.js';
import { columnsFor, type ImportKind } from './columns.js';
import { planRows, type Planned } from './match.js';
import { parseCsv, type RowError } from './parse.js';
import { checkRows, type Row } from './rows.js';

// Moving in (docs/api.md "Moving in: CSV import"): a file is read, every row checked (schema, keys,
// references, against what is stored), and only a file without a single bad row is written, all rows
// in one transaction through the commands' own use cases, so their events are raised as usual.

/** At most this many row errors are listed; `details.total` says how many there were. */
export const maxListedErrors = 1000;

export interface ImportResult {
  kind: ImportKind;
  dryRun: boolean;
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  /** Products whose opening stock was booked (a product that has stock movements already keeps its stock). */
  openingStock: number;
}

export type Phase = 'check' | 'write';
export interface ImportOptions {
  dryRun: boolean;
  /** Called as rows are checked and written (the NDJSON progress lines). */
  onProgress?: (phase: Phase, done: number, total: number) => void;
  /** Called once every check has passed and before the first write: the last moment an answer can still be a 422. */
  onChecked?: () => void;
}

export function importInvalid(errors: readonly RowError[]): AppError {
  const rows = [...errors].sort((a, b) => a.line - b.line).slice(0, maxListedErrors);
  const n = errors.length;
  return new AppError('import_invalid', `${n} problem${n === 1 ? '' : 's'} in the file (first on line ${rows[0]?.line}); nothing was imported`, { rows, total: n });
}

type ProductRow = z.output<typeof productBody>;
type CustomerRow = z.output<typeof customerBody>;
type SupplierRow = z.output<typeof supplierBody>;

// Each kind's checked rows, typed by its own schema.
type Checked =
  | { kind: 'products'; rows: Row<ProductRow>[]; errors: RowError[] }
  | { kind: 'customers'; rows: Row<CustomerRow>[]; errors: RowError[] }
  | { kind: 'suppliers'; rows: Row<SupplierRow>[]; errors: RowError[] };

function check(kind: ImportKind, bytes: Uint8Array): Checked {
  const parsed = parseCsv(bytes, columnsFor(kind));
  if (!parsed.ok) throw importInvalid(parsed.errors);
  const withParse = <T extends { errors: RowError[] }>(c: T): T => ({ ...c, errors: [...parsed.errors, ...c.errors] });
  if (kind === 'products') return withParse({ kind, ...checkRows(kind, productBody, parsed.records) });
  if (kind === 'customers') return withParse({ kind, ...checkRows(kind, customerBody, parsed.records) });
  return withParse({ kind, ...checkRows(kind, supplierBody, parsed.records) });
}

async function writeProduct(uow: UnitOfWork, p: Planned<ProductRow>) {
  if (p.action !== 'unchanged') await upsertProduct(uow, p.row.body);
  const quantity = p.row.extra.openingStock ?? 0;
  if (!p.openingStock || quantity <= 0) return;
  const unitCost = p.row.extra.unitCost ?? 0;
  const level = (await lockLevels(uow.tx, [{ sku: p.row.body.sku, quantity }])).get(p.row.body.sku)!;
  await moveStock(uow, level, { kind: 'receipt', reason: 'opening', onHandDelta: quantity, reservedDelta: 0, valueDelta: inflowValue(quantity, unitCost), unitCost, note: 'opening stock (import)' });
}

/** Checks the file and, unless a dry run, imports it: every row or none. Bad rows throw `import_invalid`. */
export async function importCsv(deps: Deps, actor: string, correlationId: string, kind: ImportKind, bytes: Uint8Array, opts: ImportOptions): Promise<ImportResult> {
  const checked = check(kind, bytes);
  const total = checked.rows.length + checked.errors.length;
  if (checked.errors.length > 0) throw importInvalid(checked.errors);
  if (total === 0) throw importInvalid([{ line: 2, field: null, message: 'the file has a header row but no rows to import' }]);
  const cause = { correlationId, causationId: null, actor };
  return runUnitOfWork(deps, cause, async (uow) => {
    // One import of a kind at a time: two at once could both create the party a name and postal code match.
    await uow.tx.query('select pg_advisory_xact_lock(hashtext($1))', [`erpbi-import:${kind}`]);
    const planned = await plan(uow, checked);
    opts.onChecked?.();
    opts.onProgress?.('check', total, total);
    const result: ImportResult = {
      kind, dryRun: opts.dryRun, rows: total, openingStock: planned.items.filter((p) => p.openingStock).length,
      created: planned.items.filter((p) => p.action === 'create').length,
      updated: planned.items.filter((p) => p.action === 'update').length,
      unchanged: planned.items.filter((p) => p.action === 'unchanged').length,
    };
    if (opts.dryRun) return result;
    await planned.write((done) => opts.onProgress?.('write', done, total));
    return result;
  });
}

// Progress is reported every this many rows (and at the end).
const progressEvery = 250;

async function writeAll<P extends { action: string; openingStock: boolean }>(items: readonly P[], write: (p: P) => Promise<unknown>, progress: (done: number) => void) {
  for (let i = 0; i < items.length; i++) {
    const p = items[i]!;
    if (p.action !== 'unchanged' || p.openingStock) await write(p);
    if ((i + 1) % progressEvery === 0 || i + 1 === items.length) progress(i + 1);
  }
}

async function plan(uow: UnitOfWork, checked: Checked): Promise<{ items: Planned<unknown>[]; write: (progress: (done: number) => void) => Promise<void> }> {
  const refuse = (errors: RowError[]) => {
    if (errors.length > 0) throw importInvalid(errors);
  };
  if (checked.kind === 'products') {
    const { planned, errors } = await planRows(uow.tx, 'products', checked.rows);
    refuse(errors);
    return { items: planned, write: (progress) => writeAll(planned, (p) => writeProduct(uow, p), progress) };
  }
  if (checked.kind === 'customers') {
    const { planned, errors } = await planRows(uow.tx, 'customers', checked.rows);
    refuse(errors);
    return { items: planned, write: (progress) => writeAll(planned, (p) => upsertCustomer(uow, { ...p.row.body, id: p.id ?? p.row.body.id }), progress) };
  }
  const { planned, errors } = await planRows(uow.tx, 'suppliers', checked.rows);
  refuse(errors);
  return { items: planned, write: (progress) => writeAll(planned, (p) => upsertSupplier(uow, { ...p.row.body, id: p.id ?? p.row.body.id }), progress) };
}
