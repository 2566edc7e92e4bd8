import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { z } from 'zod';
import * as ref from './catalogue/reference.js';
import { describe, expect, it } from 'vitest';
import { answerSchema, catalogue, catalogueAnswer, catalogueFor, queryNames, queryParams, queryRoles, rowSchemas } from './catalogue.js';
import { biCsvColumns } from './csv-columns.js';
import { catalogueMarkdown, docsEnd, docsStart, panelQuery } from './catalogue/render.js';
import { docsFile, generated, grafanaFile } from './catalogue/write.js';
import type { Entry } from './catalogue/types.js';

describe('the metric catalogue', () => {
  it("says every figure's definition: grain, columns, parameters, empty groups, as-of", () => {
    for (const name of queryNames) {
      const e: Entry = catalogue[name];
      for (const text of [e.title, e.description, e.grain, e.empty, e.asOf]) expect(text.length, name).toBeGreaterThan(3);
      for (const [col, c] of Object.entries(e.columns)) expect(c.definition.length, `${name}.${col}`).toBeGreaterThan(3);
      // Every parameter the schema takes is explained, and nothing else.
      expect(Object.keys(e.parameters).sort(), name).toEqual(Object.keys((e.params as unknown as { shape: object }).shape).sort());
    }
  });

  it('keeps money per currency: every row with money says its currency', () => {
    for (const name of queryNames) {
      const cols: Entry['columns'] = catalogue[name].columns;
      if (Object.values(cols).some((c) => c.unit === 'money')) expect(cols.currency, `${name} has money and no currency`).toBeDefined();
    }
  });

  it('holds rows to strict schemas: money in integers, no column it does not name', () => {
    const row = { hour: '2026-12-07T09:00:00.000Z', currency: 'EUR', orders: 2, booked: 1, revenue: 1200, rejected: 1, cancelled: 0 };
    expect(rowSchemas.sales_by_hour.parse(row)).toEqual(row);
    expect(() => rowSchemas.sales_by_hour.parse({ ...row, revenue: 12.5 })).toThrow();
    expect(() => rowSchemas.sales_by_hour.parse({ ...row, extra: 1 })).toThrow();
    expect(() => rowSchemas.sales_by_hour.parse({ ...row, currency: null })).toThrow();
    expect(() => rowSchemas.ar_aging.parse({ bucket: '90+', currency: 'EUR', invoices: 1, balance: 1 })).toThrow();
    expect(
      answerSchema('ar_aging').parse({ name: 'ar_aging', watermark: { seq: 1, eventTime: null, appliedAt: null, streamSeq: null }, rows: [] }),
    ).toBeTruthy();
  });

  it('gives payroll to those who may read pay only, every other figure to every BI reader', () => {
    expect(queryRoles.payroll_by_department).toEqual(['admin', 'bi-payroll']);
    const names = (roles: string[]) => catalogueFor(roles).queries.map((q) => q.name);
    expect(names(['clerk'])).not.toContain('payroll_by_department');
    expect(names(['bi-reader'])).toEqual(queryNames.filter((n) => catalogue[n].access === 'figures'));
    expect(names(['bi-payroll'])).toEqual(['payroll_by_department']);
    expect(names(['admin'])).toEqual(queryNames);
    expect(catalogueAnswer.parse(catalogueFor(['admin'])).queries).toHaveLength(queryNames.length);
  });

  it('is where the parameters and the CSV columns come from', () => {
    for (const name of queryNames) {
      expect(queryParams[name]).toBe(catalogue[name].params);
      const headers = biCsvColumns[name].map((c) => c.header).filter((h) => !h.endsWith('_formatted'));
      expect(headers, name).toEqual(Object.keys(catalogue[name].columns));
    }
  });

  it('is what docs/api.md and the BI Grafana dashboard say (node --import tsx olap/catalogue/write.ts writes them)', () => {
    const { docs, grafana } = generated();
    expect(readFileSync(docsFile, 'utf8'), 'docs/api.md is behind the catalogue').toBe(docs);
    expect(readFileSync(grafanaFile, 'utf8'), 'grafana/dashboards/erpbi-bi.json is behind the catalogue').toBe(grafana);
    // Every query and every column is documented, between the markers.
    const block = docs.slice(docs.indexOf(docsStart), docs.indexOf(docsEnd) + docsEnd.length);
    expect(block).toBe(catalogueMarkdown());
    for (const name of queryNames) {
      expect(block, name).toContain(`- \`${name}\`: `);
      for (const col of Object.keys(catalogue[name].columns)) expect(block, `${name}.${col}`).toContain(`\`${col}\``);
    }
    const panels = (JSON.parse(grafana) as { panels: { description?: string; targets?: { url?: string }[] }[] }).panels;
    for (const p of panels) expect(p.description, `panel of ${panelQuery(p)}`).toContain(catalogue[panelQuery(p)!].description);
  });

  it("has answer schemas OpenAPI can carry (zod's JSON Schema)", () => {
    for (const name of queryNames) expect(z.toJSONSchema(answerSchema(name), { io: 'output' }), name).toHaveProperty('properties.rows');
    expect(z.toJSONSchema(catalogueAnswer)).toHaveProperty('properties.queries');
  });
});

describe("the catalogue's reference", () => {
  const order = fc.record({
    status: fc.constantFrom('pending', 'invoiced', 'paid', 'rejected', 'cancelled' as const),
    currency: fc.constantFrom('EUR', 'USD', 'JPY'),
    total: fc.integer({ min: 0, max: 1_000_000 }),
    createdAt: fc.integer({ min: 0, max: 72 * 3_600_000 }).map((ago) => new Date(Date.UTC(2026, 11, 7, 10, 30) - ago).toISOString()),
    lines: fc.constant([]),
  });
  const facts = (orders: ref.OrderFact[]): ref.Facts => ({ orders, invoices: [], productNames: new Map(), employees: [] });

  it('sales_by_hour: every hour of the window for every currency ordered in it, and never adds currencies', () => {
    fc.assert(
      fc.property(fc.array(order, { maxLength: 30 }), fc.integer({ min: 1, max: 96 }), (orders, hours) => {
        const now = new Date(Date.UTC(2026, 11, 7, 10, 30));
        const rows = ref.salesByHour(facts(orders), { hours }, now);
        const currencies = new Set(rows.map((r) => r.currency));
        expect(rows).toHaveLength(hours * currencies.size);
        for (const c of currencies) {
          const mine = rows.filter((r) => r.currency === c);
          const counted = orders.filter((o) => o.currency === c && Date.parse(o.createdAt) >= now.getTime() - (hours - 1) * 3_600_000 - 30 * 60_000);
          expect(mine.reduce((n, r) => n + r.orders, 0)).toBe(counted.length);
          expect(mine.reduce((n, r) => n + r.revenue, 0)).toBe(
            counted.filter((o) => o.status !== 'rejected' && o.status !== 'cancelled').reduce((n, o) => n + o.total, 0),
          );
        }
      }),
    );
  });

  it('order_funnel: each order counted once, in its status and currency', () => {
    fc.assert(
      fc.property(fc.array(order, { maxLength: 30 }), (orders) => {
        const rows = ref.orderFunnel(facts(orders));
        expect(rows.reduce((n, r) => n + r.orders, 0)).toBe(orders.length);
        expect(new Set(rows.map((r) => `${r.status} ${r.currency}`)).size).toBe(rows.length);
      }),
    );
  });
});
