import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { applyPatch, datesInOrder, editableFields, emailKey, isMonthlySalary, terminate, todayUtc, type Employee } from './employee.js';

const ada: Employee = {
  id: 'e1',
  name: 'Ada',
  email: 'ada@example.com',
  department: 'Engineering',
  title: 'Engineer',
  salary: 420_000,
  currency: 'EUR',
  status: 'active',
  hiredAt: '2026-03-01',
  terminatedAt: null,
};

const day = fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2999-12-31T00:00:00Z'), noInvalidDate: true }).map(todayUtc);

describe('employee rules', () => {
  it('salary is a positive whole number of minor units', () => {
    expect(isMonthlySalary(1)).toBe(true);
    expect(isMonthlySalary(420_000)).toBe(true);
    for (const bad of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53]) expect(isMonthlySalary(bad)).toBe(false);
  });

  it('today is the UTC calendar day, whatever the local zone', () => {
    expect(todayUtc(new Date('2026-11-25T23:59:59.999Z'))).toBe('2026-11-25');
    expect(todayUtc(new Date('2026-11-26T00:00:00.000Z'))).toBe('2026-11-26');
  });

  it('compares email addresses without case', () => {
    expect(emailKey('Ada@Example.COM')).toBe(emailKey('ada@example.com'));
  });

  it('string order of ISO days is calendar order', () => {
    fc.assert(
      fc.property(day, day, (a, b) => {
        expect(datesInOrder(a, b)).toBe(Date.parse(b) >= Date.parse(a));
        expect(datesInOrder(a, null)).toBe(true);
      }),
    );
  });

  it('terminates on or after the hire date, once', () => {
    expect(terminate(ada, '2026-03-01')).toEqual({ ok: true, value: { ...ada, status: 'terminated', terminatedAt: '2026-03-01' } });
    expect(terminate(ada, '2026-02-28')).toMatchObject({ ok: false, code: 'invalid_dates' });
    const gone = terminate(ada, '2026-06-30');
    if (!gone.ok) throw new Error('expected a termination');
    expect(terminate(gone.value, '2026-07-01')).toMatchObject({ ok: false, code: 'invalid_transition' });
  });

  it('a patch reports exactly the fields whose value changed and leaves the rest', () => {
    const r = applyPatch(ada, { salary: 450_000, title: 'Engineer', department: 'Platform' });
    expect(r).toEqual({ ok: true, value: { next: { ...ada, salary: 450_000, department: 'Platform' }, changed: ['department', 'salary'] } });
    expect(applyPatch(ada, {})).toEqual({ ok: true, value: { next: ada, changed: [] } });
  });

  it('never changes the id, status or termination date, whatever the patch', () => {
    const patch = fc.record(
      {
        name: fc.string(),
        email: fc.string(),
        department: fc.string(),
        title: fc.string(),
        salary: fc.integer({ min: 1 }),
        currency: fc.constantFrom('EUR', 'USD'),
        hiredAt: day,
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(patch, (p) => {
        const r = applyPatch(ada, p);
        if (!r.ok) throw new Error(r.message);
        expect(r.value.next).toMatchObject({ id: ada.id, status: 'active', terminatedAt: null });
        for (const f of editableFields) expect(r.value.next[f]).toBe(p[f] ?? ada[f]);
        expect(r.value.changed).toEqual(editableFields.filter((f) => p[f] !== undefined && p[f] !== ada[f]));
      }),
    );
  });

  it('a former employee is not edited', () => {
    expect(applyPatch({ ...ada, status: 'terminated', terminatedAt: '2026-06-30' }, { salary: 1 })).toMatchObject({ ok: false, code: 'invalid_transition' });
  });
});
