import { parse } from 'csv-parse/sync';
import { expect } from 'vitest';
import type { Harness } from '../support/harness.js';

// The ledger reads' answers as ledger.test.ts reads them: their shapes, every page of the journal, a
// CSV answer parsed, and Postgres read back. `harness` gives the test file's harness once made.

export interface Line {
  account: string;
  number: number | null;
  name: string | null;
  debit: number;
  credit: number;
}
export interface Posting {
  postingId: string;
  kind: string;
  at: string;
  currency: string;
  invoiceId: string | null;
  customerId: string | null;
  customerName: string | null;
  lines: Line[];
  totalDebit: number;
  totalCredit: number;
}
export type Receivable = {
  customerId: string;
  customerName: string;
  currency: string;
  balance: number;
  open: number;
  credit: number;
  invoices: number;
};

export function ledgerReads(harness: () => Harness) {
  const read = async (path: string, role: 'accountant' | 'admin' = 'accountant') => {
    const res = await harness().get('query', path, { role });
    expect(res.status, `${path}: ${JSON.stringify(res.body)}`).toBe(200);
    return res.body;
  };

  async function wholeJournal(params: string, limit = 3): Promise<Posting[]> {
    const all: Posting[] = [];
    let cursor: string | null = null;
    do {
      const body = await read(`/ledger/journal?${params}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
      expect(body.items.length).toBeLessThanOrEqual(limit);
      all.push(...body.items);
      cursor = body.nextCursor;
    } while (cursor);
    return all;
  }

  async function csv(path: string, role: 'accountant' | 'admin' = 'accountant') {
    const res = await harness().get('query', path, { role, headers: { accept: 'text/csv' } });
    expect(res.status, String(res.body)).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="[a-z_]+-\d{4}-\d\d-\d\d\.csv"$/);
    return parse(String(res.body), { columns: true, skip_empty_lines: true }) as Record<string, string>[];
  }

  const q = <T extends Record<string, unknown>>(sql: string, values: unknown[] = []) =>
    harness()
      .db.pool.query<T>(sql, values)
      .then((r) => r.rows);

  return { read, wholeJournal, csv, q };
}
