import { get, type IncomingMessage } from 'node:http';
import Fastify from 'fastify';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { csvBoolean, csvJson, csvLines, csvMoney, csvNumber, csvText, neutralise, prefersCsv, sendCsv, type CsvColumn, type CsvRow } from './csv.js';

describe('prefersCsv', () => {
  it('keeps JSON unless CSV is asked for', () => {
    for (const accept of [
      undefined,
      '',
      '*/*',
      'application/json',
      'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
      'text/plain',
      'text/csv;q=0',
      'application/json, text/csv',
      'text/csv;q=0.5, application/json',
      'text/csv;q=abc',
      'csv',
    ]) {
      expect(prefersCsv(accept), String(accept)).toBe(false);
    }
  });

  it('answers CSV when text/csv weighs more, or as much with a more specific range or named first', () => {
    for (const accept of [
      'text/csv',
      'text/csv, application/json',
      'TEXT/CSV',
      'text/csv, */*',
      'text/csv, application/*',
      'application/json;q=0.5, text/csv',
      'text/csv;q=0.9, */*;q=0.8',
      'text/*',
      ' text/csv ; q=1.000 ',
    ]) {
      expect(prefersCsv(accept), accept).toBe(true);
    }
  });
});

describe('neutralise', () => {
  it("prefixes text that a spreadsheet would run as a formula with '", () => {
    for (const s of ['=HYPERLINK("http://x","y")', '+1', '-1+2', '@SUM(1)', '\tx', '\rx', '\uFF1D1+1', '\uFF0B1', '\uFF0D1', '\uFF201'])
      expect(neutralise(s)).toBe(`'${s}`);
  });

  it('leaves other text alone, formula characters inside it too', () => {
    for (const s of ['Acme Ltd', 'a=b', "'=already", ' =1', '', '12.50', 'x-1']) expect(neutralise(s)).toBe(s);
  });
});

describe('columns', () => {
  const cells = (columns: readonly CsvColumn[], row: CsvRow) => Object.fromEntries(columns.map((c) => [c.header, c.cell(row)]));

  it('keeps numbers numbers (a negative balance too) and neutralises text, whatever column it is in', () => {
    const row = { name: '-Acme', balance: -250, currency: 'EUR', count: '=1+1', done: true, data: { a: 1 }, gone: null };
    expect(
      cells([csvText('name'), ...csvMoney('balance'), csvNumber('count'), csvBoolean('done'), csvJson('data'), csvText('gone'), csvText('missing')], row),
    ).toEqual({
      name: "'-Acme",
      balance: -250,
      balance_formatted: '-2.50',
      count: "'=1+1", // not a number after all: text, so neutralised
      done: true,
      data: '{"a":1}',
      gone: null,
      missing: null,
    });
  });

  it("formats money with the currency's digits", () => {
    const f = (minor: number, currency: string) => csvMoney('total')[1]!.cell({ total: minor, currency });
    expect([f(1250, 'EUR'), f(1250, 'JPY'), f(1250, 'BHD'), f(5, 'EUR'), f(-1, 'EUR')]).toEqual(['12.50', '1250', '1.250', '0.05', '-0.01']);
    expect(csvMoney('total')[1]!.cell({ total: 1250 })).toBeNull();
  });

  it('summarises nested lines in one cell', () => {
    expect(
      csvLines('lines').cell({
        lines: [
          { sku: 'MUG', quantity: 3, net: 1 },
          { sku: 'PEN', quantity: 1 },
        ],
      }),
    ).toBe('3 x MUG; 1 x PEN');
    expect(csvLines('lines').cell({ lines: [{ sku: 'B', quantity: 2 }, 'odd'] })).toBe('2 x B; ');
    expect(csvLines('lines').cell({ lines: [] })).toBe('');
  });
});

describe('sendCsv', () => {
  function appWith(rows: () => AsyncIterable<CsvRow> | Iterable<CsvRow>, columns: readonly CsvColumn[] = [csvText('name'), csvNumber('n')]) {
    const app = Fastify();
    app.get('/', async (_req, reply) => sendCsv(reply, { name: 'things', columns, rows: rows() }));
    return app;
  }

  it('writes RFC 4180 CSV with a header row and an attachment name', async () => {
    const app = appWith(() => [
      { name: 'a, "b"\nc', n: 1 },
      { name: '=1', n: -2 },
      { name: null, n: null },
    ]);
    const res = await app.inject({ url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="things-\d{4}-\d\d-\d\d\.csv"$/);
    expect(res.body).toBe('name,n\r\n"a, ""b""\nc",1\r\n\'=1,-2\r\n,\r\n');
    expect(parse(res.body, { columns: true })).toEqual([
      { name: 'a, "b"\nc', n: '1' },
      { name: "'=1", n: '-2' },
      { name: '', n: '' },
    ]);
  });

  it('writes only the header for no rows', async () => {
    expect((await appWith(() => []).inject({ url: '/' })).body).toBe('name,n\r\n');
  });

  it('answers an error before the first row as an error, not as CSV', async () => {
    // eslint-disable-next-line require-yield -- a row source that fails before its first row
    const res = await appWith(async function* () {
      throw new Error('first page failed');
    }).inject({ url: '/' });
    expect(res.statusCode).toBe(500);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
  });

  it('reads rows only as fast as the client takes them, and stops when it leaves', async () => {
    let pulled = 0;
    let stopped = false;
    const app = appWith(async function* () {
      try {
        for (;;) {
          pulled += 1;
          yield { name: `row ${pulled} ${'x'.repeat(100)}`, n: pulled };
        }
      } finally {
        stopped = true;
      }
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    try {
      const address = app.server.address();
      if (!address || typeof address === 'string') throw new Error('not listening on a port');
      const { port } = address;
      const res = await new Promise<IncomingMessage>((resolve) => get({ host: '127.0.0.1', port, path: '/' }, resolve));
      res.pause(); // a client that does not read
      const settled = async () => {
        let before = -1;
        while (before !== pulled) {
          before = pulled;
          await new Promise((r) => setTimeout(r, 100));
        }
        return pulled;
      };
      const held = await settled();
      // Socket and stream buffers fill up, then the endless source waits: a few MB, not the whole list.
      expect(held).toBeGreaterThan(0);
      expect(held * 110).toBeLessThan(32 * 1024 * 1024);
      res.destroy();
      await expect.poll(() => stopped, { timeout: 5000 }).toBe(true);
    } finally {
      await app.close();
    }
  });
});
