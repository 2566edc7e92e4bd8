import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../shared/auth/roles.js';
import { createHarness, type Harness } from '../support/harness.js';
import { tag, q, expectError, readsOn } from './workspace-reads-support.js';

// Stock, products, customers and employees are paged as orders are (limit, cursor -> nextCursor), in
// their own order: sku; name, id; department, name, id. Walking the pages gives every row once, in the
// order one read of the whole view gives; CSV still streams every row.

let h: Harness;
beforeAll(async () => {
  h = await createHarness('readspage');
});
afterAll(async () => h?.close());

const { read, product, customer } = readsOn(() => h);

describe('workspace reads: paging stock, products, customers, employees', () => {
  /** Every page of a list, `limit` rows at a time, checking each page's size. */
  async function walk(path: string, limit: number, role: Role = 'admin') {
    const sep = path.includes('?') ? '&' : '?';
    const items: any[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const body: any = await read(`${path}${sep}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`, role);
      expect(body.items.length).toBeLessThanOrEqual(limit);
      if (body.nextCursor) expect(body.items).toHaveLength(limit);
      items.push(...body.items);
      cursor = body.nextCursor;
      expect(++pages).toBeLessThan(500);
    } while (cursor);
    return items;
  }
  const keysOf = async (sql: string) => (await h.db.pool.query<{ k: string }>(sql)).rows.map((r) => r.k);

  it('pages each list in its own order, every row once, and says when there is no next page', async () => {
    const t = tag().toUpperCase();
    for (const letter of ['C', 'A', 'E', 'B', 'D']) await product({ sku: `PG-${t}-${letter}`, name: `Paged ${letter}` });
    // Two customers of one name: the id settles their order.
    for (const name of ['Pager B', 'Pager A', 'Pager B', 'Pager C']) await customer(`${name} ${t}`);
    for (const [department, name] of [
      ['Zeta', 'Ann'],
      ['Alpha', 'Bob'],
      ['Alpha', 'Ann'],
      ['Alpha', 'Ann'],
    ]) {
      const res = await h.post(
        'hire-employee',
        { name, email: `${tag()}@example.com`, department: `${department} ${t}`, title: 'Clerk', salary: 200_000, currency: 'EUR' },
        { role: 'admin' },
      );
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }

    const skus = (await walk(`/products?q=${q(`pg-${t}`)}`, 2)).map((p) => p.sku);
    expect(skus).toEqual(['A', 'B', 'C', 'D', 'E'].map((l) => `PG-${t}-${l}`));
    expect((await walk(`/stock?q=${q(`pg-${t}`)}`, 3)).map((s) => s.sku)).toEqual(skus);
    const pagers = await walk(`/customers?q=${q(t)}`, 1);
    expect(pagers.map((c) => c.name)).toEqual([`Pager A ${t}`, `Pager B ${t}`, `Pager B ${t}`, `Pager C ${t}`]);
    expect(pagers.map((c) => c.id)).toEqual(await keysOf(`select id as k from orders.customer_directory where name like 'Pager _ ${t}' order by name, id`));
    const first = await read(`/customers?q=${q(t)}&limit=4`);
    expect(first.nextCursor).toBeNull(); // exactly the rows there are: no empty page after them

    // The whole lists, each once and in the order Postgres sorts the views.
    expect((await walk('/products', 3)).map((p) => p.sku)).toEqual(await keysOf('select sku as k from inventory.product_catalogue order by sku'));
    expect((await walk('/stock', 4)).map((s) => s.sku)).toEqual(await keysOf('select sku as k from inventory.stock_view order by sku'));
    expect((await walk('/customers', 2, 'clerk')).map((c) => c.id)).toEqual(await keysOf('select id as k from orders.customer_directory order by name, id'));
    const staff = await walk('/employees', 2);
    expect(staff.map((e) => e.id)).toEqual(await keysOf('select id as k from hr.employee_directory order by department, name, id'));
    expect(staff.filter((e) => e.department.endsWith(t)).map((e) => `${e.department.split(' ')[0]} ${e.name}`)).toEqual([
      'Alpha Ann',
      'Alpha Ann',
      'Alpha Bob',
      'Zeta Ann',
    ]);
    expect(staff.every((e) => e.salary !== undefined)).toBe(true);
    // Filters and the role's fields hold on every page.
    const clerkSees = await walk(`/employees?department=${q(`Alpha ${t}`)}&status=active`, 1, 'clerk');
    expect(clerkSees.map((e) => e.name)).toEqual(['Ann', 'Ann', 'Bob']);
    for (const e of clerkSees) expect(e).not.toHaveProperty('salary');
  });

  it('gives 50 rows by default, at most 200, and CSV every row whatever the limit', async () => {
    const t = tag();
    await h.db.pool.query(
      `insert into orders.customers (id, name, payment_terms_days) select 'bulk-' || $1 || '-' || lpad(n::text, 3, '0'), 'Bulk ' || $1 || ' ' || lpad(n::text, 3, '0'), 30
       from generate_series(1, 230) n`,
      [t],
    );
    const page = await read(`/customers?q=${q(`bulk ${t}`)}`);
    expect(page.items).toHaveLength(50);
    expect(page.items[49].name).toBe(`Bulk ${t} 050`);
    expect(page.nextCursor).toEqual(expect.any(String));
    expect((await read(`/customers?q=${q(`bulk ${t}`)}&limit=200`)).items).toHaveLength(200);
    expect(await walk(`/customers?q=${q(`bulk ${t}`)}`, 200)).toHaveLength(230);
    for (const path of ['/stock', '/products', '/customers', '/employees']) {
      expectError(await h.get('query', `${path}?limit=201`, { role: 'admin' }), 400, 'validation_failed');
      expectError(await h.get('query', `${path}?limit=0`, { role: 'admin' }), 400, 'validation_failed');
    }

    const csv = await h.get('query', `/customers?q=${q(`bulk ${t}`)}&limit=1`, { role: 'clerk', headers: { accept: 'text/csv' } });
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    const lines = csv.raw.toString('utf8').trim().split('\r\n');
    expect(lines).toHaveLength(1 + 230);
    expect(lines[230]).toMatch(new RegExp(`^bulk-${t}-230,Bulk ${t} 230,`));
  });

  it('refuses a cursor it did not give out with 400', async () => {
    const b64 = (key: unknown) => Buffer.from(JSON.stringify(key)).toString('base64url');
    const bad: [string, string][] = [
      ['/customers', 'bm90LWEtY3Vyc29y'], // not JSON
      ['/customers', b64(['only the name'])], // a key of the wrong length
      ['/customers', b64(['Bob', 7])],
      ['/customers', b64(['Bob\u0000', 'x'])], // a NUL: Postgres would refuse it (a 500)
      ['/products', b64(['A', 'B'])],
      ['/stock', b64({ sku: 'A' })],
      ['/employees', b64(['Ops', 'Ann'])],
      ['/products', 'x'.repeat(2001)],
    ];
    for (const [path, cursor] of bad) expectError(await h.get('query', `${path}?cursor=${cursor}`, { role: 'admin' }), 400, 'validation_failed');
    // A cursor is the last row's key, not a row: it still pages after that row is gone.
    const next = await keysOf(`select sku as k from inventory.product_catalogue where sku > 'no-such-sku' order by sku limit 1`);
    expect((await read(`/products?cursor=${b64(['no-such-sku'])}&limit=1`)).items.map((p: { sku: string }) => p.sku)).toEqual(next);
  });
});
