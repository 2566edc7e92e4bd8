import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { pino } from 'pino';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../shared/auth/roles.js';
import { buildApp } from '../../shared/http/app.js';
import { exportPageSize } from '../../shared/query/all-pages.js';
import { startBatchFeed } from '../../triggers/batch-feed.js';
import queryFunction from '../../functions/query/handler.js';
import olapFunction from '../../functions/project-to-olap/handler.js';
import { createHarness, type Harness } from '../support/harness.js';
import { seed } from '../support/fixtures.js';
import { aggregateNames, lastSeq } from '../support/olap.js';
import { waitFor } from '../support/wait.js';
import { expected, expectSame } from './csv-expected.js';

// `Accept: text/csv` on the list reads and the BI queries (issue: CSV export), against real Postgres,
// JetStream and DuckDB: every row of every page, equal to the JSON answers, parsed with csv-parse.

const dir = mkdtempSync(join(tmpdir(), 'erpbi-csv-it-'));
process.env.OLAP_FILE = join(dir, 'erpbi.duckdb');
let h: Harness;
// Our own apps of the two functions on the harness's database and stream: the harness's `call` parses
// every answer as JSON. The harness's own projector is never called, so only ours opens the DuckDB file.
let queryApp: FastifyInstance;
let olapApp: FastifyInstance;
let stopFeed: (() => Promise<void>) | undefined;

const bulkOrders = Math.round(exportPageSize * 2.5); // two and a half export pages
const evil = ['=HYPERLINK("http://evil.example/","click")', '@SUM(1)', '-2+3', '+1'];
const quoted = 'Quote "Co", Ltd';
// The command schemas refuse control characters; older or imported rows may still hold them.
const controlled = ['\tTabbed', 'Two\r\nlines'];
let bulkCustomer: string;
let flowCustomer: string;
let flowOrder: string;

beforeAll(async () => {
  h = await createHarness('csv');
  const deps = { db: h.db.pool, js: h.bus.bus.js, prefix: h.bus.prefix, stream: h.bus.stream, log: pino({ level: 'silent' }) };
  queryApp = buildApp(queryFunction, { deps, verify: h.keys.verifier });
  olapApp = buildApp(olapFunction, { deps, verify: h.keys.verifier });
  const service = await h.keys.token('service', 'connector');
  stopFeed = await startBatchFeed({
    bus: h.bus.bus,
    stream: h.bus.stream,
    subject: `${h.bus.prefix}.>`,
    fn: 'project-to-olap',
    batchSize: 500,
    log: pino({ level: 'silent' }),
    post: async (body) => {
      const res = await olapApp.inject({
        method: 'POST',
        url: '/batch',
        headers: { authorization: `Bearer ${service}`, 'content-type': 'application/json' },
        payload: body,
      });
      return { status: res.statusCode, detail: res.body };
    },
  });

  // Through the commands: customers whose names are formulas, an order that is invoiced, partly paid and
  // cancelled (its invoice is credited with a negative balance), a product named like a formula, hires.
  const { sku } = await seed(h, { stock: 100, unitPrice: 1250, taxRateBp: 2000 });
  const named = await h.post('upsert-product', { sku: `${sku}-F`, name: '=1+2 Mug', unitPrice: 999, currency: 'JPY', taxRateBp: 0 }, { role: 'admin' });
  expect(named.status, JSON.stringify(named.body)).toBe(200);
  expect((await h.post('receive-stock', { sku: `${sku}-F`, quantity: 10 }, { role: 'clerk' })).status).toBe(200);
  const customers: string[] = [];
  for (const name of [...evil, quoted]) {
    const res = await h.post('upsert-customer', { name, paymentTermsDays: 0 }, { role: 'clerk' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    customers.push(res.body.id);
  }
  flowCustomer = customers[0]!;
  for (const [n, customerId] of customers.entries()) {
    const res = await h.post('create-order', { customerId, lines: [n === 1 ? { sku: `${sku}-F`, quantity: 2 } : { sku, quantity: 1 + n }] }, { role: 'clerk' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    if (n === 0) flowOrder = res.body.id;
  }
  await h.settle();
  const invoice = (await h.get('query', `/invoices?orderId=${flowOrder}`, { role: 'accountant' })).body.items[0];
  expect((await h.post('record-payment', { invoiceId: invoice.id, amount: 100, method: 'card' }, { role: 'accountant' })).status).toBe(201);
  await h.settle();
  expect((await h.post('cancel-order', { id: flowOrder }, { role: 'clerk' })).status).toBe(200);
  await h.settle();
  for (const [n, name] of ['Ada', '@Bob', 'Cy'].entries()) {
    const res = await h.post(
      'hire-employee',
      {
        name,
        email: `p${n}.${Math.random().toString(36).slice(2, 7)}@example.com`,
        department: n === 1 ? '+Sales' : 'Ops',
        title: 'Rep',
        salary: 300_000 + n,
        currency: n === 2 ? 'JPY' : 'EUR',
      },
      { role: 'admin' },
    );
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  }
  // Enough people for payroll_by_department to show rows (no department of fewer than 3 is shown
  // apart): Ops of 3 on its own; +Sales (1) and Support (2) added into one row without a department.
  for (const [name, department] of [
    ['Di', 'Ops'],
    ['Eve', 'Ops'],
    ['Fay', 'Support'],
    ['Gus', 'Support'],
  ] as const) {
    const res = await h.post(
      'hire-employee',
      {
        name,
        email: `${name.toLowerCase()}.${Math.random().toString(36).slice(2, 7)}@example.com`,
        department,
        title: 'Rep',
        salary: 310_000,
        currency: 'EUR',
      },
      { role: 'admin' },
    );
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  }

  for (const [n, name] of controlled.entries()) {
    await h.db.pool.query(`insert into orders.customers (id, name, payment_terms_days) values ($1, $2, 30)`, [`ctl-${n}`, name]);
  }

  // Volume straight into the tables: more orders and invoices than two export pages, all created in the
  // same microsecond (the keyset then orders them by id alone, across page boundaries), three currencies.
  const bulk = await h.post('upsert-customer', { name: 'Bulk Buyer', paymentTermsDays: 30 }, { role: 'clerk' });
  bulkCustomer = bulk.body.id;
  await h.db.pool.query(
    `insert into orders.orders (id, customer_id, status, currency, subtotal, tax, total, created_at, updated_at)
     select 'bulk-' || lpad(i::text, 5, '0'), $1, (array['pending', 'invoiced', 'paid'])[i % 3 + 1], (array['EUR', 'JPY', 'BHD'])[i % 3 + 1],
            i * 100, i * 20, i * 120, '2025-06-01T12:00:00.123456Z', '2025-06-02T00:00:00Z'
     from generate_series(1, $2) i`,
    [bulkCustomer, bulkOrders],
  );
  await h.db.pool.query(
    `insert into orders.order_lines (order_id, line_no, sku, name, quantity, unit_price, tax_rate_bp, net, tax)
     select 'bulk-' || lpad(i::text, 5, '0'), 1, $1, 'Product', i % 7 + 1, 100, 2000, i * 100, i * 20 from generate_series(1, $2, 2) i`,
    [sku, bulkOrders],
  );
  await h.db.pool.query(
    `insert into billing.invoices (id, number, order_id, customer_id, issue_date, due_date, currency, subtotal, tax, total, amount_paid, status, lines, created_at)
     select 'binv-' || lpad(i::text, 5, '0'), 'INV-2025-' || lpad(i::text, 6, '0'), 'bulk-' || lpad(i::text, 5, '0'), $1, '2025-06-01', '2025-07-01',
            (array['EUR', 'JPY', 'BHD'])[i % 3 + 1], i * 100, i * 20, i * 120, case when i % 3 = 2 then i * 120 else 0 end,
            case when i % 3 = 2 then 'paid' else 'open' end, '[]', '2025-06-01T12:00:00.123456Z'
     from generate_series(1, $2) i`,
    [bulkCustomer, bulkOrders],
  );
});

afterAll(async () => {
  await stopFeed?.();
  await queryApp?.close();
  await olapApp?.close();
  await h?.close();
  rmSync(dir, { recursive: true, force: true });
});

// ---- helpers -----------------------------------------------------------------------------------

async function inject(app: FastifyInstance, url: string, role: Role | null, accept = 'text/csv'): Promise<LightMyRequestResponse> {
  const token = role ? await h.keys.token(role) : undefined;
  return app.inject({ method: 'GET', url, headers: { accept, ...(token ? { authorization: `Bearer ${token}` } : {}) } });
}

const records = z.array(z.record(z.string(), z.string()));

/** A CSV answer: checked to be one, then parsed by csv-parse (the first line names the columns). */
async function csv(app: FastifyInstance, url: string, role: Role) {
  const res = await inject(app, url, role);
  expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
  expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
  expect(res.headers['content-disposition']).toMatch(/^attachment; filename="[a-z_]+-\d{4}-\d\d-\d\d\.csv"$/);
  expect(res.headers.vary).toBe('accept');
  const header = parse(res.body, { to_line: 1 })[0] ?? [];
  return { res, header, rows: records.parse(parse(res.body, { columns: true })) };
}

/** Every item of a paged JSON list, page after page as a client reads it (limit 200). */
async function jsonAll(path: string, role: Role): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let cursor: string | null = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const res = await h.get('query', `${path}${sep}limit=200${cursor ? `&cursor=${cursor}` : ''}`, { role });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    items.push(...res.body.items);
    cursor = res.body.nextCursor;
  } while (cursor);
  return items;
}

const orderMoney = ['subtotal', 'tax', 'total', 'amountPaid'];
const invoiceMoney = ['subtotal', 'tax', 'total', 'amountPaid', 'credited', 'balance'];

// ---- list reads --------------------------------------------------------------------------------

describe('CSV export of the list reads', () => {
  it('streams every order of every page, equal to the JSON pages', async () => {
    const items = await jsonAll('/orders', 'clerk');
    expect(items.length).toBe(bulkOrders + evil.length + 1);
    const got = await csv(queryApp, '/orders', 'clerk');
    expectSame(got, items, orderMoney);
    // Ties on created_at across the export's page boundaries: each bulk order once, by id descending.
    const bulk = got.rows.filter((r) => r.customerId === bulkCustomer).map((r) => r.id);
    expect(bulk).toEqual(Array.from({ length: bulkOrders }, (_, i) => `bulk-${String(bulkOrders - i).padStart(5, '0')}`));
    // JPY has no minor digits, BHD three.
    expect(got.rows.find((r) => r.id === 'bulk-00003')).toMatchObject({ currency: 'EUR', total: '360', total_formatted: '3.60' });
    expect(got.rows.find((r) => r.id === 'bulk-00001')).toMatchObject({ currency: 'JPY', total: '120', total_formatted: '120' });
    expect(got.rows.find((r) => r.id === 'bulk-00002')).toMatchObject({ currency: 'BHD', total: '240', total_formatted: '0.240' });
  });

  it('applies the same filters as JSON, and ignores the page size and cursor', async () => {
    for (const filter of [
      `customerId=${bulkCustomer}&status=paid`,
      'q=bulk-0012',
      `customerId=${flowCustomer}`,
      'from=2025-06-01&to=2025-06-01&status=invoiced',
    ]) {
      expectSame(await csv(queryApp, `/orders?${filter}`, 'clerk'), await jsonAll(`/orders?${filter}`, 'clerk'), orderMoney);
    }
    const first = await h.get('query', `/orders?customerId=${bulkCustomer}&limit=5`, { role: 'clerk' });
    const paged = await csv(queryApp, `/orders?customerId=${bulkCustomer}&limit=5&cursor=${first.body.nextCursor}`, 'clerk');
    expect(paged.rows).toHaveLength(bulkOrders);
    // No rows: the header alone.
    const none = await csv(queryApp, `/orders?customerId=${bulkCustomer}&status=cancelled`, 'clerk');
    expect(none.res.body).toBe(`${expected(first.body.items[0], orderMoney).header.join(',')}\r\n`);
  });

  it('streams every invoice; a negative balance stays a number', async () => {
    const items = await jsonAll('/invoices', 'accountant');
    expect(items.length).toBe(bulkOrders + evil.length + 1);
    const got = await csv(queryApp, '/invoices', 'accountant');
    expectSame(got, items, invoiceMoney);
    const credited = got.rows.find((r) => r.orderId === flowOrder);
    expect(credited).toMatchObject({ status: 'credited', amountPaid: '100', balance: '-100', balance_formatted: '-1.00', customerName: `'${evil[0]}` });
    expectSame(
      await csv(queryApp, `/invoices?customerId=${bulkCustomer}&status=paid`, 'accountant'),
      await jsonAll(`/invoices?customerId=${bulkCustomer}&status=paid`, 'accountant'),
      invoiceMoney,
    );
  });

  it('exports stock, products, customers and suppliers whole, as their JSON', async () => {
    const supplier = { name: '=cmd|" /C calc"!A0', address: { lines: ['1 Dock Rd'], postalCode: 'E1 1AA', city: 'London', country: 'GB' }, currency: 'GBP' };
    expect((await h.call('upsert-product', '/supplier', { role: 'clerk', body: supplier })).status).toBe(200);
    for (const [path, money] of [
      ['/stock', ['value', 'averageCost']],
      ['/products', ['unitPrice']],
      ['/customers', []],
      ['/customers?q=bulk', []],
      ['/suppliers', []],
    ] as const) {
      const json = await h.get('query', path, { role: 'clerk' });
      expectSame(await csv(queryApp, path, 'clerk'), json.body.items, money);
    }
  });

  it('neutralises text cells that a spreadsheet would run as formulas, and quotes by RFC 4180', async () => {
    const got = await csv(queryApp, '/customers', 'clerk');
    const names = got.rows.map((r) => r.name);
    for (const name of evil) expect(names).toContain(`'${name}`);
    expect(names).toContain(quoted);
    expect(names).toContain(`'${controlled[0]}`);
    expect(names).toContain(controlled[1]);
    // The raw text: the prefixed formula quoted, its quotes doubled; CRLF between records.
    expect(got.res.body).toContain(`"'=HYPERLINK(""http://evil.example/"",""click"")"`);
    expect(got.res.body).toContain(`,'@SUM(1),`);
    expect(got.res.body).toContain(`,"Quote ""Co"", Ltd",`);
    expect(got.res.body).toContain(`,"Two\r\nlines",`);
    expect(got.res.body.split('\r\n').length).toBe(got.rows.length + 3); // header, rows, the end, and one inside a cell
    const products = await csv(queryApp, '/products', 'clerk');
    expect(products.rows.find((r) => r.currency === 'JPY')).toMatchObject({ name: "'=1+2 Mug", unitPrice: '999', unitPrice_formatted: '999' });
  });

  it('gives the salary columns to an admin only', async () => {
    const admin = await csv(queryApp, '/employees', 'admin');
    expectSame(admin, (await h.get('query', '/employees', { role: 'admin' })).body.items, ['salary']);
    expect(admin.header.slice(-3)).toEqual(['salary', 'salary_formatted', 'currency']);
    expect(admin.rows.find((r) => r.name === "'@Bob")).toMatchObject({ department: "'+Sales", salary: '300001', salary_formatted: '3000.01' });
    for (const role of ['clerk', 'accountant'] as const) {
      const other = await csv(queryApp, '/employees?department=Ops', role);
      expectSame(other, (await h.get('query', '/employees?department=Ops', { role })).body.items, []);
      expect(other.header).not.toContain('salary');
      expect(other.header).not.toContain('currency');
      expect(other.res.body).not.toMatch(/30000[0-2]|3000\.0[0-2]/);
    }
  });

  it('keeps JSON unless CSV is asked for, and errors as JSON', async () => {
    for (const accept of ['*/*', 'application/json', 'application/json, text/csv', 'text/csv;q=0.5, application/json']) {
      const res = await inject(queryApp, '/stock', 'clerk', accept);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type'], accept).toMatch(/^application\/json/);
      expect(res.headers.vary).toBe('accept');
    }
    expect((await inject(queryApp, '/stock', 'clerk', 'text/csv, */*;q=0.1')).headers['content-type']).toBe('text/csv; charset=utf-8');
    for (const [url, role, status, code] of [
      ['/orders?status=bogus', 'clerk', 400, 'validation_failed'],
      ['/orders?from=2025-03-02&to=2025-03-01', 'clerk', 400, 'validation_failed'],
      ['/orders?limit=0', 'clerk', 400, 'validation_failed'],
      ['/invoices?overdue=yes', 'accountant', 400, 'validation_failed'],
      ['/employees?salary=1', 'admin', 400, 'validation_failed'],
      ['/orders', null, 401, 'unauthenticated'],
    ] as const) {
      const res = await inject(queryApp, url, role);
      expect(res.statusCode, url).toBe(status);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.json()).toMatchObject({ error: { code, message: expect.any(String) } });
    }
    // A record read has no CSV form: JSON whatever the Accept.
    expect((await inject(queryApp, `/orders/${flowOrder}`, 'clerk')).headers['content-type']).toMatch(/^application\/json/);
  });
});

// ---- BI queries --------------------------------------------------------------------------------

describe('CSV export of the BI queries', () => {
  const money: Record<string, readonly string[]> = {
    sales_by_hour: ['revenue'],
    ar_aging: ['balance'],
    // Per status and currency since the metric catalogue (olap/catalogue/sales.ts): formatted like every money column.
    order_funnel: ['value'],
    top_products: ['revenue'],
    payroll_by_department: ['monthlySalary'],
    order: ['subtotal', 'tax', 'total', 'amountPaid'],
  };

  beforeAll(async () => {
    const target = await lastSeq(h);
    await waitFor(
      async () => {
        const res = await inject(olapApp, '/query/order_funnel', 'clerk', 'application/json');
        return res.statusCode === 200 && res.json().watermark.seq >= target;
      },
      { timeoutMs: 30_000, what: `projector watermark ${target}` },
    );
  });

  it('answers every named query with its JSON rows, the watermark in a header', async () => {
    const paths = [
      ...aggregateNames.map((n) => `/query/${n}`),
      '/query/ar_aging?asOf=2099-01-01',
      `/query/order?id=${flowOrder}`,
      `/query/order_timeline?id=${flowOrder}`,
    ];
    for (const path of paths) {
      const json = await inject(olapApp, path, 'admin', 'application/json');
      expect(json.statusCode, `${path}: ${json.body}`).toBe(200);
      const { name, watermark, rows } = json.json();
      const got = await csv(olapApp, path, 'admin');
      expect(got.res.headers['content-disposition']).toContain(`filename="${name}-`);
      expect(got.res.headers['x-watermark-seq']).toBe(String(watermark.seq));
      expectSame(got, rows, money[name] ?? []);
    }
  });

  it('neutralises names in the BI rows too, and keeps payroll for admins', async () => {
    const order = await csv(olapApp, `/query/order?id=${flowOrder}`, 'clerk');
    expect(order.rows[0]).toMatchObject({ id: flowOrder, customerName: `'${evil[0]}`, status: 'cancelled' });
    expect((await csv(olapApp, '/query/headcount_by_department', 'clerk')).rows).toContainEqual({ department: "'+Sales", headcount: '1' });
    expect((await csv(olapApp, '/query/stock_levels', 'clerk')).rows.map((r) => r.name)).toContain("'=1+2 Mug");
    // Pay in CSV as in JSON: Ops (3) apart, +Sales and Support (3 together) in one row without a department, JPY's one person nowhere.
    expect((await csv(olapApp, '/query/payroll_by_department', 'admin')).rows).toEqual([
      { department: 'Ops', currency: 'EUR', headcount: '3', monthlySalary: '920000', monthlySalary_formatted: '9200.00', departments: '1' },
      { department: '', currency: 'EUR', headcount: '3', monthlySalary: '920001', monthlySalary_formatted: '9200.01', departments: '2' },
    ]);
    for (const [url, role, status, code] of [
      ['/query/payroll_by_department', 'clerk', 403, 'forbidden'],
      ['/query/sales_by_hour?hours=0', 'clerk', 400, 'validation_failed'],
      ['/query/no_such_query', 'clerk', 400, 'validation_failed'],
      ['/query/order?id=no-such-order', 'clerk', 404, 'not_found'],
    ] as const) {
      const res = await inject(olapApp, url, role);
      expect(res.statusCode, url).toBe(status);
      expect(res.json()).toMatchObject({ error: { code } });
    }
  });
});
