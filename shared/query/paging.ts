import { z } from 'zod';
import type { Pool } from '../db/pool.js';
import { AppError } from '../errors.js';

// Keyset pagination over (created_at, id): stable while rows are added, no OFFSET scans.
export const pageParams = {
  limit: z.coerce.number().int().min(1).max(200).default(50),
  // Room for a cursor of names (keyPage below: a department, a name and an id, in UTF-8, as base64url).
  cursor: z.string().max(2000).optional(),
};

/** What a paged read is asked: how many rows, after which (a cursor it gave out). */
export interface PageQuery {
  limit: number;
  cursor?: string | undefined;
}

const cursorInstant = /^(19|2\d)\d\d-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?Z$/;

/**
 * A cursor is the key of the last row given out, as base64url JSON: opaque to clients. `accept` takes
 * only the shape this API gives out; anything else is the catalogue's 400, never a 500 further down.
 */
function readCursor<T>(cursor: string, accept: (key: unknown[]) => T | undefined): T {
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    const value = Array.isArray(key) ? accept(key) : undefined;
    if (value !== undefined) return value;
  } catch {
    // fall through to the error below
  }
  throw new AppError('validation_failed', 'the cursor is not one this API gave out');
}

/** `limit` rows of the `limit + 1` read, and the cursor after the last one when there are more. */
export function pageOf<T>(rows: T[], limit: number, keyOf: (last: T) => unknown[]): { items: T[]; nextCursor: string | null } {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  const nextCursor = rows.length > limit && last ? Buffer.from(JSON.stringify(keyOf(last))).toString('base64url') : null;
  return { items, nextCursor };
}

export function decodeCursor(cursor: string | undefined): { at: string; id: string } | undefined {
  if (!cursor) return undefined;
  return readCursor(cursor, ([at, id]) => {
    // V8's Date.parse takes almost anything, and what it takes but Postgres refuses (or a NUL in the
    // id) would be a 500 instead of the 400.
    if (typeof at !== 'string' || typeof id !== 'string' || !cursorInstant.test(at) || !/^[\w.:-]{1,100}$/.test(id)) return undefined;
    const parsed = new Date(at);
    return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 19) === at.slice(0, 19) ? { at, id } : undefined;
  });
}

export function page<T extends { id: string; createdAt: string }>(rows: T[], limit: number): { items: T[]; nextCursor: string | null } {
  return pageOf(rows, limit, (last) => [last.createdAt, last.id]);
}

/** Adds `where` conditions with numbered parameters. */
export function filters() {
  const clauses: string[] = [];
  const params: unknown[] = [];
  return {
    add(sql: (p: string) => string, value: unknown) {
      if (value === undefined) return;
      params.push(value);
      clauses.push(sql(`$${params.length}`));
    },
    param(value: unknown) {
      params.push(value);
      return `$${params.length}`;
    },
    /** A condition whose parameters were numbered with param(). */
    clause(sql: string) {
      clauses.push(sql);
    },
    where: () => (clauses.length ? `where ${clauses.join(' and ')}` : ''),
    params,
  };
}

/** A timestamptz column as an ISO 8601 UTC string with microseconds (exact enough for the cursor). */
export const isoUtc = (column: string) => `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

export type Filters = ReturnType<typeof filters>;

/** Newest first, `limit` rows after the cursor, from a view with created_at and id columns. */
export async function keysetPage<T extends { id: string; createdAt: string }>(
  db: Pool,
  source: { view: string; columns: string },
  f: Filters,
  q: { limit: number; cursor?: string | undefined },
) {
  const after = decodeCursor(q.cursor);
  if (after) f.add((p) => `(created_at, id) < (${p}::timestamptz, ${f.param(after.id)})`, after.at);
  const { rows } = await db.query<T>(
    `select ${source.columns} from ${source.view} ${f.where()} order by created_at desc, id desc limit ${f.param(q.limit + 1)}`,
    f.params,
  );
  return page(rows, q.limit);
}

// Keyset pagination over a growing integer id alone (stock movements, newest first).
export function decodeIdCursor(cursor: string | undefined): number | undefined {
  if (!cursor) return undefined;
  return readCursor(cursor, ([id]) => (typeof id === 'number' && Number.isSafeInteger(id) && id > 0 ? id : undefined));
}

export function idPage<T extends { id: number }>(rows: T[], limit: number): { items: T[]; nextCursor: string | null } {
  return pageOf(rows, limit, (last) => [last.id]);
}

// Keyset pagination in a list's own order (ascending text columns ending in a unique one: sku;
// name, id; department, name, id), for the lists people read alphabetically. The cursor holds the
// last row's values of those columns (not a row to look up again), so rows renamed, added or deleted
// between two pages never make the next one skip or repeat the others.

/** The sort of a key-paged list: its SQL columns and the item fields holding their values, in order. */
export interface SortKey<T> {
  columns: readonly string[];
  of: (item: T) => string[];
}

// Any text a row may hold but NUL, which Postgres refuses in a parameter (a 500 instead of the 400).
const keyText = (v: unknown): v is string => typeof v === 'string' && v.length <= 1000 && !v.includes('\0');

export function decodeKeyCursor(cursor: string | undefined, size: number): string[] | undefined {
  if (!cursor) return undefined;
  return readCursor(cursor, (key) => (key.length === size && key.every(keyText) ? (key as string[]) : undefined));
}

/** `limit` rows after the cursor in the key's order, from a view or subquery with the key's columns. */
export async function keyPage<T extends Record<string, unknown>>(
  db: Pool,
  source: { view: string; columns: string; key: SortKey<T> },
  f: Filters,
  q: PageQuery,
) {
  const { columns, of } = source.key;
  const after = decodeKeyCursor(q.cursor, columns.length);
  if (after) f.clause(`(${columns.join(', ')}) > (${after.map((v) => f.param(v)).join(', ')})`);
  const { rows } = await db.query<T>(
    `select ${source.columns} from ${source.view} ${f.where()} order by ${columns.join(', ')} limit ${f.param(q.limit + 1)}`,
    f.params,
  );
  return pageOf<T>(rows, q.limit, of);
}
