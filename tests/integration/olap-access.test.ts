import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogue, catalogueAnswer, queryNames } from '../../olap/catalogue.js';
import { createHarness, type Harness } from '../support/harness.js';

// Who may read what from the OLAP side, and what it refuses: the catalogue per role, payroll's entry
// for those who may read pay only, tokens never in the URL, every parameter validated. None of it needs
// data; what the answers hold after a mixed stream is olap-correctness.test.ts's.

const dir = mkdtempSync(join(tmpdir(), 'erpbi-olap-access-'));
process.env.OLAP_FILE = join(dir, 'erpbi.duckdb');
let h: Harness;

beforeAll(async () => {
  h = await createHarness('olap');
});
afterAll(async () => {
  await h?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the OLAP projection against Postgres', () => {
  it("serves the catalogue to every BI reader, payroll's entry to those who may read pay only", async () => {
    const names = async (role: 'admin' | 'clerk' | 'bi-reader' | 'bi-payroll') => {
      const res = await h.get('project-to-olap', '/catalogue', { role });
      expect(res.status, role).toBe(200);
      return catalogueAnswer.parse(res.body).queries.map((q) => q.name);
    };
    expect(await names('admin')).toEqual(queryNames);
    expect(await names('clerk')).not.toContain('payroll_by_department');
    expect(await names('bi-reader')).toEqual(queryNames.filter((n) => catalogue[n].access === 'figures'));
    expect(await names('bi-payroll')).toEqual(['payroll_by_department']);
    expect((await h.get('project-to-olap', '/catalogue', { token: null })).status).toBe(401);
    expect((await h.get('project-to-olap', '/catalogue', { role: 'service' })).status).toBe(403);
  });

  it('keeps payroll for admins and validates every parameter', async () => {
    expect((await h.get('project-to-olap', '/query/payroll_by_department', { role: 'accountant' })).status).toBe(403);
    expect((await h.get('project-to-olap', '/query/headcount_by_department', { role: 'clerk' })).status).toBe(200);
    expect((await h.get('project-to-olap', '/query/stock_levels', { token: null })).status).toBe(401);
    expect((await h.get('project-to-olap', '/live', { token: null })).status).toBe(401);
    // The token never travels in the URL (it would sit in access logs): a ticket does (order-timeline.test.ts).
    expect((await h.get('project-to-olap', `/live?access_token=${await h.keys.token('clerk')}`, { token: null })).status).toBe(400);
    expect((await h.get('project-to-olap', `/live?ticket=${'x'.repeat(43)}`, { token: null })).status).toBe(401);
    expect((await h.get('project-to-olap', '/live?other=1', { role: 'clerk' })).status).toBe(400);
    expect((await h.get('project-to-olap', '/query/raw_sql', { role: 'admin' })).status).toBe(400);
    expect((await h.get('project-to-olap', '/query/top_products?limit=0', { role: 'admin' })).status).toBe(400);
    expect((await h.get('project-to-olap', '/query/stock_levels?x=1', { role: 'admin' })).status).toBe(400);
    expect((await h.get('project-to-olap', "/query/ar_aging?asOf=2026-13-01';drop", { role: 'admin' })).status).toBe(400);
    expect((await h.get('project-to-olap', '/query/order?id=nope', { role: 'admin' })).status).toBe(404);
    expect((await h.post('project-to-olap', { events: [] }, { role: 'admin' })).status).toBe(404);
    expect((await h.call('project-to-olap', '/batch', { role: 'admin', body: { events: [{ seq: 1, event: {} }] } })).status).toBe(403);
    expect((await h.call('project-to-olap', '/rebuild', { role: 'clerk', rawBody: '', headers: { 'content-type': 'text/plain' } })).status).toBe(403);
    expect((await h.get('project-to-olap', '/rebuild', { role: 'clerk' })).status).toBe(403);
    expect((await h.get('project-to-olap', '/rebuild', { token: null })).status).toBe(401);
  });
});
