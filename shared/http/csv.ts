import { pipeline, Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';
import { stringify } from 'csv-stringify';
import Negotiator from 'negotiator';
import type { Principal } from '../auth/roles.js';
import type { Pool } from '../db/pool.js';
import { amountText } from '../domain/money.js';
import type { Logger } from '../log.js';

// CSV answers for the list reads and the BI queries: `Accept: text/csv` gets every row as RFC 4180 CSV
// (CRLF, header row, quoting by csv-stringify), streamed as the rows come; JSON stays the default.

// ---- Negotiation -------------------------------------------------------------------------------

/**
 * True when the client prefers `text/csv` to `application/json` (negotiator, as Express uses it:
 * weight, then specificity, then the client's order). CSV must be asked for: no header, `*\/*` or a
 * browser's usual Accept keep JSON, the default.
 */
export function prefersCsv(accept: string | undefined): boolean {
  return new Negotiator({ headers: { accept: accept ?? '*/*' } }).mediaType(['application/json', 'text/csv']) === 'text/csv';
}

// ---- Cells -------------------------------------------------------------------------------------

/** A row as the read gives it (the JSON item); its fields are read by name. */
export type CsvRow = object;
type Cell = string | number | boolean | null;

/** A row's own field, or undefined. */
const field = (row: CsvRow, key: string): unknown => (Object.hasOwn(row, key) ? Reflect.get(row, key) : undefined);

/** One column: its header and how a row gives its cell. */
export interface CsvColumn {
  header: string;
  cell: (row: CsvRow) => Cell;
}

// OWASP CSV injection: a spreadsheet runs a cell beginning with one of these as a formula. The full-width
// forms are there because some spreadsheets normalise them (csv-stringify's escape_formulas lists them).
export const formulaStart = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

/** Text that a spreadsheet would read as a formula, prefixed with `'` so it stays text. */
export const neutralise = (text: string): string => (formulaStart.test(text) ? `'${text}` : text);

// Only text is neutralised: numbers stay numbers, so a negative balance remains -250, not '-250.
function textCell(value: unknown): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return neutralise(value);
  if (typeof value === 'number' || typeof value === 'boolean') return neutralise(String(value));
  return neutralise(JSON.stringify(value));
}
const numberCell = (value: unknown): Cell => (typeof value === 'number' ? value : textCell(value));
const booleanCell = (value: unknown): Cell => (typeof value === 'boolean' ? value : textCell(value));

export const csvText = (key: string): CsvColumn => ({ header: key, cell: (row) => textCell(field(row, key)) });
export const csvNumber = (key: string): CsvColumn => ({ header: key, cell: (row) => numberCell(field(row, key)) });
export const csvBoolean = (key: string): CsvColumn => ({ header: key, cell: (row) => booleanCell(field(row, key)) });
/** A nested value (a JSON object or array) as its JSON text. */
export const csvJson = (key: string): CsvColumn => ({ header: key, cell: (row) => textCell(field(row, key)) });
/** A column computed from the row (e.g. nested lines summarised); its text is neutralised like any other. */
export const csvDerived = (header: string, text: (row: CsvRow) => string | null): CsvColumn => ({ header, cell: (row) => textCell(text(row)) });

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * An order's lines ([{sku, quantity, ...}]) flattened into one cell, "3 x MUG; 1 x PEN": one CSV row per
 * order, as the JSON items are; each line in full is on the order's own read.
 */
export const csvLines = (key: string): CsvColumn =>
  csvDerived(key, (row) => {
    const lines = field(row, key);
    return Array.isArray(lines) ? lines.map((l: unknown) => (isRecord(l) ? `${String(l.quantity)} x ${String(l.sku)}` : '')).join('; ') : null;
  });

/**
 * Money: `key` in integer minor units as stored, and `<key>_formatted` in currency units with the
 * currency's digits ("12.50", JPY "1250", "-2.50"). The formatted cell is a decimal number we write
 * ourselves, not text, so it is not prefixed either.
 */
export function csvMoney(key: string, currencyKey = 'currency'): CsvColumn[] {
  return [
    { header: key, cell: (row) => numberCell(field(row, key)) },
    {
      header: `${key}_formatted`,
      cell: (row) => {
        const minor = field(row, key);
        const currency = field(row, currencyKey);
        return typeof minor === 'number' && Number.isSafeInteger(minor) && typeof currency === 'string' ? amountText(minor, currency) : null;
      },
    },
  ];
}

// ---- Streaming ---------------------------------------------------------------------------------

/** What a read route adds to answer CSV: the file's name, its columns for this caller, and every row. */
export interface CsvExport<I> {
  /** The file is `<name>-<UTC date>.csv`. */
  name: string;
  columns: (actor: Principal) => readonly CsvColumn[];
  /** Every row the JSON request would list, across all its pages (the page size and cursor do not apply). */
  rows: (db: Pool, input: I, actor: Principal) => AsyncIterable<CsvRow> | Iterable<CsvRow>;
}

function iteratorOf(rows: AsyncIterable<CsvRow> | Iterable<CsvRow>): AsyncIterator<CsvRow> | Iterator<CsvRow> {
  return Symbol.asyncIterator in rows ? rows[Symbol.asyncIterator]() : rows[Symbol.iterator]();
}

/**
 * Streams `rows` as CSV. The first row is read before anything is sent, so a failing first query is
 * still the JSON error answer; a later failure cuts the response off (no valid-looking partial file).
 * Rows are pulled only as fast as the client reads, so memory holds one page, not the list.
 */
export async function sendCsv(
  reply: FastifyReply,
  file: { name: string; columns: readonly CsvColumn[]; rows: AsyncIterable<CsvRow> | Iterable<CsvRow> },
  log?: Logger,
): Promise<FastifyReply> {
  const source = iteratorOf(file.rows);
  const first = await source.next();
  const columns = file.columns;
  async function* records(): AsyncGenerator<Cell[]> {
    try {
      for (let next = first; !next.done; next = await source.next()) {
        const row = next.value;
        yield columns.map((c) => c.cell(row));
      }
    } finally {
      // The client went away or a page failed: stop reading pages.
      await source.return?.();
    }
  }
  const csv = stringify({
    header: true,
    columns: columns.map((c) => c.header),
    record_delimiter: 'windows',
    cast: { boolean: (b) => (b ? 'true' : 'false') },
  });
  pipeline(Readable.from(records()), csv, (err) => {
    // A premature close is the client leaving; anything else is a failure mid-file.
    if (err && err.code !== 'ERR_STREAM_PREMATURE_CLOSE') log?.error({ err, file: file.name }, 'csv export failed after the first row');
  });
  const day = new Date().toISOString().slice(0, 10);
  return reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${file.name}-${day}.csv"`).send(csv);
}
