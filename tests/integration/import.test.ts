import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleCsv } from '../../shared/import/samples.js';
import { importKinds } from '../../shared/import/columns.js';
import { createHarness, type Harness } from '../support/harness.js';

// Moving in (issue 20, item 7) against the real Postgres and JetStream: each kind imports, opening
// stock is valued and booked (1300 against 3000), the same file twice changes nothing the second time,
// and every bad file is refused with the line and field of each problem and NOTHING written.

let h: Harness;
beforeAll(async () => {
  h = await createHarness('import');
});
afterAll(async () => h?.close());

type Target = 'products' | 'suppliers' | 'customers';
const routeOf = (kind: Target, dryRun = false) =>
  kind === 'customers'
    ? { fn: 'upsert-customer', path: `/import${dryRun ? '?dryRun=true' : ''}` }
    : { fn: 'upsert-product', path: `/import?kind=${kind}${dryRun ? '&dryRun=true' : ''}` };

function importCsv(kind: Target, csv: string | Buffer, opts: { dryRun?: boolean; role?: 'admin' | 'clerk'; accept?: string } = {}) {
  const { fn, path } = routeOf(kind, opts.dryRun);
  return h.call(fn, path, {
    role: opts.role ?? 'admin',
    rawBody: csv,
    headers: { 'content-type': 'text/csv', ...(opts.accept ? { accept: opts.accept } : {}) },
  });
}

/** Every table an import may write to, counted: a refused file must leave each as it was. */
async function written() {
  const { rows } = await h.db.pool.query<Record<string, number>>(`select
    (select count(*)::int from inventory.products) as products, (select count(*)::int from orders.customers) as customers,
    (select count(*)::int from inventory.suppliers) as suppliers, (select count(*)::int from inventory.stock_movements) as movements,
    (select count(*)::int from billing.ledger_entries) as ledger, (select count(*)::int from platform.outbox) as events`);
  return rows[0]!;
}

const products = [
  'sku,name,unitPrice,currency,taxRateBp,reorderLevel,openingStock,unitCost',
  'IMP-MUG,Mug,1250,EUR,1900,5,40,480',
  'IMP-PEN,"Pen, black",199,EUR,1900,,0,',
  'IMP-BAG,Bag,2500,EUR,,,3,1001',
].join('\r\n');

describe('products', () => {
  it("imports products with opening stock at cost, booked to Inventory against owner's equity", async () => {
    const res = await importCsv('products', products);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ kind: 'products', dryRun: false, rows: 3, created: 3, updated: 0, unchanged: 0, openingStock: 2 });
    const { rows: levels } = await h.db.pool.query('select sku, on_hand, value, last_unit_cost from inventory.stock_levels where sku like $1 order by sku', [
      'IMP-%',
    ]);
    expect(levels).toEqual([
      { sku: 'IMP-BAG', on_hand: 3, value: 3003, last_unit_cost: 1001 },
      { sku: 'IMP-MUG', on_hand: 40, value: 19_200, last_unit_cost: 480 },
      { sku: 'IMP-PEN', on_hand: 0, value: 0, last_unit_cost: null },
    ]);
    const { rows: moves } = await h.db.pool.query<{ id: number; sku: string; kind: string; reason: string; value_delta: number }>(
      "select id, sku, kind, reason, value_delta from inventory.stock_movements where sku like 'IMP-%' order by sku",
    );
    expect(moves.map(({ sku, kind, reason, value_delta }) => ({ sku, kind, reason, value_delta }))).toEqual([
      { sku: 'IMP-BAG', kind: 'receipt', reason: 'opening', value_delta: 3003 },
      { sku: 'IMP-MUG', kind: 'receipt', reason: 'opening', value_delta: 19_200 },
    ]);
    const { rows: ledger } = await h.db.pool.query(
      'select account, debit, credit, currency from billing.ledger_entries where posting_id = $1 order by account',
      [`stock:${moves[1]!.id}`],
    );
    expect(ledger).toEqual([
      { account: '1300-inventory', debit: 19_200, credit: 0, currency: 'EUR' },
      { account: '3000-owners-equity', debit: 0, credit: 19_200, currency: 'EUR' },
    ]);
    const pen = await h.get('query', '/products/IMP-PEN', { role: 'admin' });
    expect(pen.body).toMatchObject({ name: 'Pen, black', unitPrice: 199, taxRateBp: 1900, reorderLevel: 0 });
    const { rows: events } = await h.db.pool.query<{ subject: string }>("select subject from platform.outbox where payload->'data'->>'sku' like 'IMP-%'");
    expect(events.filter((e) => e.subject.endsWith('product_upserted'))).toHaveLength(3);
    expect(events.filter((e) => e.subject.endsWith('stock_changed'))).toHaveLength(2);
  });

  it('the same file again changes nothing: no write, no event, no movement', async () => {
    const before = await written();
    const res = await importCsv('products', products);
    expect(res.body).toEqual({ kind: 'products', dryRun: false, rows: 3, created: 0, updated: 0, unchanged: 3, openingStock: 0 });
    expect(await written()).toEqual(before);
  });

  it('a changed price updates that product alone; its opening stock is not booked twice', async () => {
    const before = await written();
    const res = await importCsv('products', products.replace('IMP-MUG,Mug,1250', 'IMP-MUG,Mug,1300'));
    expect(res.body).toMatchObject({ created: 0, updated: 1, unchanged: 2, openingStock: 0 });
    expect(await written()).toEqual({ ...before, events: (before.events ?? 0) + 1 });
    expect((await h.get('query', '/products/IMP-MUG', { role: 'admin' })).body.unitPrice).toBe(1300);
  });

  it('a dry run checks and counts but writes nothing', async () => {
    const before = await written();
    const res = await importCsv('products', 'sku,name,unitPrice,currency,openingStock,unitCost\nIMP-NEW,New,100,EUR,2,50\nIMP-MUG,Mug,1300,EUR,,\n', {
      dryRun: true,
    });
    expect(res.body).toEqual({ kind: 'products', dryRun: true, rows: 2, created: 1, updated: 1, unchanged: 0, openingStock: 1 });
    expect(await written()).toEqual(before);
  });

  it('only an admin imports', async () => {
    const res = await importCsv('products', products, { role: 'clerk' });
    expect(res.status).toBe(403);
  });
});

describe('customers and suppliers', () => {
  const suppliers =
    'name,street,street2,postalCode,city,country,currency,paymentTermsDays,vatId\nPorzellan GmbH,Fabrikstr. 3,Tor 2,95100,Selb,DE,EUR,,DE136695976\n"Glas & Co",,,,,,EUR,60,\n';
  it('suppliers without an id are matched on name and postal code: a second import updates, never duplicates', async () => {
    const first = await importCsv('suppliers', suppliers);
    expect(first.body).toEqual({ kind: 'suppliers', dryRun: false, rows: 2, created: 2, updated: 0, unchanged: 0, openingStock: 0 });
    const { rows } = await h.db.pool.query('select name, address, payment_terms_days, vat_id from inventory.suppliers order by name');
    expect(rows).toEqual([
      { name: 'Glas & Co', address: null, payment_terms_days: 60, vat_id: null },
      {
        name: 'Porzellan GmbH',
        address: { lines: ['Fabrikstr. 3', 'Tor 2'], postalCode: '95100', city: 'Selb', country: 'DE' },
        payment_terms_days: 30,
        vat_id: 'DE136695976',
      },
    ]);
    const before = await written();
    expect((await importCsv('suppliers', suppliers)).body).toMatchObject({ created: 0, updated: 0, unchanged: 2 });
    expect(await written()).toEqual(before);
    // Same name and postal code, another street and case: the same supplier, updated.
    const moved = await importCsv('suppliers', 'name,street,postalCode,city,country,currency\nporzellan  gmbh,Neue Str. 1,95100,Selb,DE,EUR\n');
    expect(moved.body).toMatchObject({ created: 0, updated: 1, unchanged: 0 });
    expect((await written()).suppliers).toBe(2);
  });

  it('customers with and without an id; the id wins when given', async () => {
    const csv = 'id,name,paymentTermsDays,email,street,postalCode,city,country\nC-IMP-1,Alpha AG,14,a@alpha.example,Ring 1,8001,Zürich,CH\n,Beta,0,,,,,\n';
    expect((await importCsv('customers', csv)).body).toEqual({
      kind: 'customers',
      dryRun: false,
      rows: 2,
      created: 2,
      updated: 0,
      unchanged: 0,
      openingStock: 0,
    });
    const alpha = await h.get('query', '/customers/C-IMP-1', { role: 'admin' });
    expect(alpha.body).toMatchObject({
      name: 'Alpha AG',
      paymentTermsDays: 14,
      address: { lines: ['Ring 1'], postalCode: '8001', city: 'Zürich', country: 'CH' },
    });
    const before = await written();
    expect((await importCsv('customers', csv)).body).toMatchObject({ created: 0, updated: 0, unchanged: 2 });
    expect(await written()).toEqual(before);
  });

  it.each(importKinds)('the sample file of %s imports', async (kind) => {
    const res = await importCsv(kind, sampleCsv(kind), { dryRun: true });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  });
});

describe('bad files: every problem with its line and field, nothing written', () => {
  const refused = async (kind: Target, csv: string | Buffer, status = 422) => {
    const before = await written();
    const res = await importCsv(kind, csv);
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    expect(await written()).toEqual(before);
    return res.body.error;
  };

  it('rows that fail the schema, each by line and column', async () => {
    const error = await refused(
      'products',
      'sku,name,unitPrice,currency,openingStock,unitCost\nOK-1,Fine,100,EUR,,\nBAD 1,Spaces,100,EUR,,\nOK-2,Price,12.50,eur,,\nOK-3,Stock,100,EUR,5,\n',
    );
    expect(error.code).toBe('import_invalid');
    expect(error.details.total).toBe(4);
    expect(error.details.rows).toEqual([
      { line: 3, field: 'sku', message: expect.stringMatching(/letters, digits/) },
      { line: 4, field: 'unitPrice', message: expect.stringMatching(/int/i) },
      { line: 4, field: 'currency', message: expect.stringMatching(/ISO 4217/) },
      { line: 5, field: 'unitCost', message: expect.stringMatching(/required when openingStock/) },
    ]);
  });

  it('a key twice in the file', async () => {
    const error = await refused('products', 'sku,name,unitPrice,currency\nDUP-1,A,1,EUR\nDUP-2,B,1,EUR\nDUP-1,C,1,EUR\n');
    expect(error.details.rows).toEqual([{ line: 4, field: 'sku', message: expect.stringMatching(/also on line 2/) }]);
    const parties = await refused('customers', 'name,paymentTermsDays,postalCode,street,city,country\nSame,0,1010,A,Wien,AT\nsame ,0,1010,B,Wien,AT\n');
    expect(parties.details.rows).toEqual([{ line: 3, field: 'name', message: expect.stringMatching(/also on line 2/) }]);
  });

  it('formula cells (CSV injection); a negative number is no formula', async () => {
    const error = await refused('customers', 'name,paymentTermsDays,email\n"=HYPERLINK(""http://evil"")",0,\n@SUM(A1),0,\nTab,0,\tx@y.example\nMinus,-5,\n');
    expect(error.details.rows).toEqual([
      { line: 2, field: 'name', message: expect.stringMatching(/formula/) },
      { line: 3, field: 'name', message: expect.stringMatching(/formula/) },
      { line: 4, field: 'email', message: expect.stringMatching(/formula/) },
      // The schema's own check still runs: every problem of the file at once.
      { line: 4, field: 'email', message: expect.stringMatching(/email/i) },
      { line: 5, field: 'paymentTermsDays', message: expect.stringMatching(/>=0|too small/i) },
    ]);
  });

  it('not UTF-8: one clear error with its line; a UTF-8 BOM is fine', async () => {
    const latin1 = Buffer.from('name,paymentTermsDays\nOK,0\nCaf\xe9 M\xfcller,0\n', 'latin1');
    const error = await refused('customers', latin1);
    expect(error.details.rows).toEqual([{ line: 3, field: null, message: expect.stringMatching(/not UTF-8.*Latin-1.*CSV UTF-8/) }]);
    const bom = await importCsv('customers', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('name,paymentTermsDays\nCafé Müller,7\n')]), {
      dryRun: true,
    });
    expect(bom.body).toMatchObject({ rows: 1, created: 1 });
  });

  it('broken quotes, with the line', async () => {
    const error = await refused('products', 'sku,name,unitPrice,currency\nQ-1,Fine,1,EUR\nQ-2,"Broken"quote,1,EUR\n');
    expect(error.details.rows).toEqual([{ line: 3, field: null, message: expect.stringMatching(/not valid CSV/) }]);
    const open = await refused('products', 'sku,name,unitPrice,currency\nQ-1,"never closed,1,EUR\nQ-2,x,1,EUR\n');
    expect(open.details.rows[0]).toMatchObject({ field: null, message: expect.stringMatching(/Quote Not Closed|not valid CSV/i) });
  });

  it('the header: an unknown column and a missing one are named', async () => {
    const error = await refused('products', 'sku,name,price,currency\nH-1,x,1,EUR\n');
    expect(error.details.rows).toEqual([
      { line: 1, field: 'price', message: expect.stringMatching(/unknown column "price"/) },
      { line: 1, field: 'unitPrice', message: expect.stringMatching(/missing column unitPrice/) },
    ]);
    await refused('suppliers', '');
    await refused('suppliers', 'name,currency\n');
  });

  it('a row with a cell too many or too few', async () => {
    const error = await refused('suppliers', 'name,currency\nA,EUR,extra\nB\n');
    expect(error.details.rows).toEqual([
      { line: 2, field: null, message: '3 cells where the header has 2 columns' },
      { line: 3, field: null, message: '1 cells where the header has 2 columns' },
    ]);
  });

  it('10 MB of junk is refused quickly; over 20 MB is 413', async () => {
    const junk = Buffer.alloc(10 * 1024 * 1024);
    for (let i = 0; i < junk.length; i++) junk[i] = (i * 7919) % 256;
    const started = Date.now();
    const error = await refused('products', junk);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(error.code).toBe('import_invalid');
    const text = 'x'.repeat(10 * 1024 * 1024);
    expect((await refused('products', text)).details.rows[0]).toMatchObject({ line: 1 });
    const huge = await refused('products', Buffer.alloc(21 * 1024 * 1024, 'a'), 413);
    expect(huge.code).toBe('body_too_large');
  });

  it('a body that is not text/csv is 415', async () => {
    const res = await h.call('upsert-product', '/import?kind=products', { role: 'admin', body: { sku: 'x' } });
    expect(res.status).toBe(415);
  });
});

describe('large files and progress', () => {
  it('10,000 products with opening stock import in one transaction (time logged)', async () => {
    const lines = ['sku,name,unitPrice,currency,taxRateBp,openingStock,unitCost'];
    for (let i = 0; i < 10_000; i++) lines.push(`BULK-${i},Bulk item ${i},${100 + i},EUR,1900,${(i % 5) + 1},${50 + (i % 7)}`);
    const started = Date.now();
    const res = await importCsv('products', lines.join('\n'));
    const ms = Date.now() - started;
    expect(res.status, JSON.stringify(res.body).slice(0, 500)).toBe(200);
    expect(res.body).toMatchObject({ rows: 10_000, created: 10_000, openingStock: 10_000 });
    console.log(`import: 10,000 products with opening stock in ${ms} ms (${Math.round(10_000_000 / ms)} rows/s)`);
    const { rows } = await h.db.pool.query<{ n: number; stock: number }>(
      "select count(*)::int as n, sum(on_hand)::int as stock from inventory.stock_levels where sku like 'BULK-%'",
    );
    expect(rows[0]).toEqual({ n: 10_000, stock: 30_000 });
  }, 180_000);

  it('Accept: application/x-ndjson streams progress lines, then the result; a bad file is still a plain 422', async () => {
    const lines = ['name,paymentTermsDays'];
    for (let i = 0; i < 600; i++) lines.push(`Streamed ${i},30`);
    const res = await importCsv('customers', lines.join('\n'), { accept: 'application/x-ndjson' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/x-ndjson/);
    const out = String(res.body)
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(out[0]).toEqual({ phase: 'check', done: 600, total: 600 });
    expect(out.filter((l) => l.phase === 'write').map((l) => l.done)).toEqual([250, 500, 600]);
    expect(out.at(-1)).toEqual({ result: { kind: 'customers', dryRun: false, rows: 600, created: 600, updated: 0, unchanged: 0, openingStock: 0 } });
    const bad = await importCsv('customers', 'name,paymentTermsDays\nX,-1\n', { accept: 'application/x-ndjson' });
    expect(bad.status).toBe(422);
    expect(bad.body.error.details.rows).toEqual([{ line: 2, field: 'paymentTermsDays', message: expect.any(String) }]);
  });
});
