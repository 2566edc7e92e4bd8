import type { z } from 'zod';
import { AppError } from '../errors.js';
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
  return new AppError('import_invalid', `${n} problem${n === 1 ? '' : 's'} in the file (first on line ${rows[0]?.line}); nothing was imported`, {
    rows,
    total: n,
  });
}

export type ProductRow = z.output<typeof productBody>;
export type CustomerRow = z.output<typeof customerBody>;
export type SupplierRow = z.output<typeof supplierBody>;

/**
 * How each kind's planned rows are written: the use cases of the function that hosts the import,
 * handed in by its handler (shared/import/write-*.ts), so a function's bundle holds only its own
 * domain's writes and raises only its own events (tests/deploy/fifteen-functions.test.ts).
 */
export interface Writers {
  products?: (uow: UnitOfWork, p: Planned<ProductRow>) => Promise<unknown>;
  suppliers?: (uow: UnitOfWork, p: Planned<SupplierRow>) => Promise<unknown>;
  customers?: (uow: UnitOfWork, p: Planned<CustomerRow>) => Promise<unknown>;
}

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

/** Checks the file and, unless a dry run, imports it: every row or none. Bad rows throw `import_invalid`. */
export async function importCsv(
  deps: Deps,
  writers: Writers,
  actor: string,
  correlationId: string,
  kind: ImportKind,
  bytes: Uint8Array,
  opts: ImportOptions,
): Promise<ImportResult> {
  const checked = check(kind, bytes);
  const total = checked.rows.length + checked.errors.length;
  if (checked.errors.length > 0) throw importInvalid(checked.errors);
  if (total === 0) throw importInvalid([{ line: 2, field: null, message: 'the file has a header row but no rows to import' }]);
  const cause = { correlationId, causationId: null, actor };
  return runUnitOfWork(deps, cause, async (uow) => {
    // One import of a kind at a time: two at once could both create the party a name and postal code match.
    await uow.tx.query('select pg_advisory_xact_lock(hashtext($1))', [`erpbi-import:${kind}`]);
    const planned = await plan(uow, checked, writers);
    opts.onChecked?.();
    opts.onProgress?.('check', total, total);
    const result: ImportResult = {
      kind,
      dryRun: opts.dryRun,
      rows: total,
      openingStock: planned.items.filter((p) => p.openingStock).length,
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

async function writeAll<P extends { action: string; openingStock: boolean }>(
  items: readonly P[],
  write: (p: P) => Promise<unknown>,
  progress: (done: number) => void,
) {
  for (let i = 0; i < items.length; i++) {
    const p = items[i]!;
    if (p.action !== 'unchanged' || p.openingStock) await write(p);
    if ((i + 1) % progressEvery === 0 || i + 1 === items.length) progress(i + 1);
  }
}

async function plan(
  uow: UnitOfWork,
  checked: Checked,
  writers: Writers,
): Promise<{ items: Planned<unknown>[]; write: (progress: (done: number) => void) => Promise<void> }> {
  const refuse = (errors: RowError[]) => {
    if (errors.length > 0) throw importInvalid(errors);
  };
  const writerOf = <W>(w: W | undefined): W => {
    if (!w) throw new Error(`this function does not import ${checked.kind}`); // the route's ?kind= allows only what it hosts
    return w;
  };
  if (checked.kind === 'products') {
    const { planned, errors } = await planRows(uow.tx, 'products', checked.rows);
    refuse(errors);
    const write = writerOf(writers.products);
    return { items: planned, write: (progress) => writeAll(planned, (p) => write(uow, p), progress) };
  }
  if (checked.kind === 'customers') {
    const { planned, errors } = await planRows(uow.tx, 'customers', checked.rows);
    refuse(errors);
    const write = writerOf(writers.customers);
    return { items: planned, write: (progress) => writeAll(planned, (p) => write(uow, p), progress) };
  }
  const { planned, errors } = await planRows(uow.tx, 'suppliers', checked.rows);
  refuse(errors);
  const write = writerOf(writers.suppliers);
  return { items: planned, write: (progress) => writeAll(planned, (p) => write(uow, p), progress) };
}
