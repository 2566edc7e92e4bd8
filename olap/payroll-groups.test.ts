import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { sampleEvent } from '../tests/support/events.js';
import { suppressSmallGroups, type PayrollRow } from './payroll-groups.js';
import * as q from './queries.js';
import { OlapStore } from './store.js';

const row = (department: string, headcount: number, monthlySalary: number, currency = 'EUR'): PayrollRow => ({
  department,
  currency,
  headcount,
  monthlySalary,
});

describe('payroll groups too small to show apart (the pure rule)', () => {
  it('shows departments of 3 or more as they are, and adds the smaller ones into one row without a name', () => {
    const got = suppressSmallGroups([row('Board', 1, 900_000), row('Legal', 2, 800_000), row('Ops', 5, 1_500_000), row('Sales', 3, 1_000_000)], 3);
    expect(got).toEqual([
      { department: 'Ops', currency: 'EUR', headcount: 5, monthlySalary: 1_500_000, departments: 1 },
      { department: 'Sales', currency: 'EUR', headcount: 3, monthlySalary: 1_000_000, departments: 1 },
      { department: null, currency: 'EUR', headcount: 3, monthlySalary: 1_700_000, departments: 2 },
    ]);
  });

  it('a hidden row of fewer than 3 takes the smallest department with it, so a known total minus the rows shown reveals no one', () => {
    const got = suppressSmallGroups([row('Board', 1, 900_000), row('Ops', 5, 1_500_000), row('Sales', 3, 1_000_000)], 3);
    expect(got).toEqual([
      { department: 'Ops', currency: 'EUR', headcount: 5, monthlySalary: 1_500_000, departments: 1 },
      { department: null, currency: 'EUR', headcount: 4, monthlySalary: 1_900_000, departments: 2 },
    ]);
  });

  it('shows nothing of a currency fewer than 3 people are paid in; each currency is kept apart', () => {
    const got = suppressSmallGroups([row('Ops', 1, 400_000, 'CHF'), row('Sales', 1, 500_000, 'CHF'), row('Ops', 3, 900_000)], 3);
    expect(got).toEqual([{ department: 'Ops', currency: 'EUR', headcount: 3, monthlySalary: 900_000, departments: 1 }]);
    expect(suppressSmallGroups([], 3)).toEqual([]);
  });

  it('with a minimum of 1, every department is shown', () => {
    const rows = [row('Board', 1, 900_000), row('Ops', 2, 1_500_000)];
    expect(suppressSmallGroups(rows, 1)).toEqual(rows.map((r) => ({ ...r, departments: 1 })));
  });

  // The invariants an auditor would check, over any departments, sizes and currencies.
  const departments = fc.uniqueArray(
    fc.record({
      department: fc.string({ maxLength: 6 }),
      currency: fc.constantFrom('EUR', 'CHF', 'GBP'),
      headcount: fc.integer({ min: 1, max: 8 }),
      monthlySalary: fc.integer({ min: 0, max: 5_000_000 }),
    }),
    { selector: (r) => `${r.currency}/${r.department}`, maxLength: 12 },
  );
  it('every row covers at least the minimum; what a currency total leaves unshown is none, or at least the minimum; nothing is counted twice', () => {
    fc.assert(
      fc.property(departments, fc.integer({ min: 1, max: 6 }), (rows, min) => {
        const got = suppressSmallGroups(rows, min);
        for (const g of got) expect(g.headcount).toBeGreaterThanOrEqual(min);
        for (const currency of new Set(rows.map((r) => r.currency))) {
          const all = rows.filter((r) => r.currency === currency);
          const shown = got.filter((g) => g.currency === currency);
          const total = { people: all.reduce((s, r) => s + r.headcount, 0), pay: all.reduce((s, r) => s + r.monthlySalary, 0) };
          const seen = { people: shown.reduce((s, r) => s + r.headcount, 0), pay: shown.reduce((s, r) => s + r.monthlySalary, 0) };
          if (shown.length === 0) expect(total.people).toBeLessThan(min);
          else expect(seen).toEqual(total); // the rows add up to the currency's payroll: nothing lost, nothing doubled
          // At most one unnamed row per currency, and a named row is a department exactly as it is.
          expect(shown.filter((g) => g.department === null).length).toBeLessThanOrEqual(1);
          for (const g of shown.filter((x) => x.department !== null))
            expect(all).toContainEqual({ department: g.department, currency, headcount: g.headcount, monthlySalary: g.monthlySalary });
          expect(shown.reduce((s, g) => s + g.departments, 0)).toBe(shown.length === 0 ? 0 : all.length);
        }
      }),
    );
  });
});

describe('payroll_by_department in DuckDB (the projector store)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'erpbi-payroll-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a department of one does not show its pay, nor can a known total give it back', async () => {
    const store = new OlapStore(join(dir, 'pay.duckdb'));
    const staff: [string, string, number][] = [
      ['ceo', 'Direction', 1_200_000],
      ['o1', 'Ops', 300_000],
      ['o2', 'Ops', 310_000],
      ['o3', 'Ops', 320_000],
      ['o4', 'Ops', 330_000],
      ['s1', 'Sales', 400_000],
      ['s2', 'Sales', 410_000],
      ['s3', 'Sales', 420_000],
    ];
    const hired = staff.map(([id, department, salary], n) => ({
      seq: n + 1,
      event: sampleEvent('employee_hired', {
        employeeId: id,
        name: id,
        email: `${id}@x`,
        department,
        title: 'T',
        salary,
        currency: 'EUR',
        hiredAt: '2026-01-01',
        terminatedAt: null,
        status: 'active',
      }),
    }));
    await store.apply(hired);
    const { rows } = await store.query(q.payrollByDepartment(3));
    // The director's 1,200,000 appears nowhere alone: with Sales (the smallest department) in one row of 4.
    expect(rows).toEqual([
      { department: 'Ops', currency: 'EUR', headcount: 4, monthlySalary: 1_260_000, departments: 1 },
      { department: null, currency: 'EUR', headcount: 4, monthlySalary: 2_430_000, departments: 2 },
    ]);
    for (const r of rows) expect(r.monthlySalary).not.toBe(1_200_000);
    // The headcount stays exact: it is not pay.
    expect((await store.query(q.headcountByDepartment)).rows).toEqual([
      { department: 'Direction', headcount: 1 },
      { department: 'Ops', headcount: 4 },
      { department: 'Sales', headcount: 3 },
    ]);
    await store.close();
  });
});
