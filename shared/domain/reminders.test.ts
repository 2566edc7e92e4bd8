import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { daysBetween, defaultReminderPolicy, policyProblem, reminderDue, type IssuedReminder, type ReminderLevel } from './reminders.js';

const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const open = { status: 'open' as const, balance: 1000, currency: 'EUR', dueDate: '2026-01-31' };

/** A valid policy: 1..5 levels, strictly rising days past due, fees >= 0. */
const policyArb = fc
  .array(fc.record({ step: fc.integer({ min: 1, max: 30 }), fee: fc.integer({ min: 0, max: 5000 }) }), { minLength: 1, maxLength: 5 })
  .map((steps) => {
    let days = 0;
    return steps.map((s, i): ReminderLevel => ((days += s.step), { level: i + 1, daysPastDue: days, fee: s.fee }));
  });

/** Runs the rule on the given days (in order, some possibly repeated), as the schedule would. */
function simulate(policy: readonly ReminderLevel[], runDays: number[]) {
  const issued: (IssuedReminder & { late: number })[] = [];
  let perRunMax = 0;
  for (const d of runDays) {
    const asOf = addDays(open.dueDate, d);
    let thisRun = 0;
    const due = reminderDue(open, issued, asOf, policy);
    if (due) {
      issued.push({ level: due.level, issueDate: asOf, late: due.daysPastDue });
      thisRun++;
    }
    // The same day again (a second scheduler, a restart) issues nothing more.
    if (reminderDue(open, issued, asOf, policy)) thisRun++;
    perRunMax = Math.max(perRunMax, thisRun);
  }
  return { issued, perRunMax };
}

describe('reminder levels', () => {
  it('with a run every day, issues each level on the day it falls due, and nothing else', () => {
    const { issued } = simulate(
      defaultReminderPolicy,
      Array.from({ length: 60 }, (_, i) => i - 5),
    );
    expect(issued.map((r) => [r.level, daysBetween(open.dueDate, r.issueDate)])).toEqual([
      [1, 7],
      [2, 21],
      [3, 35],
    ]);
  });

  it('never skips or repeats a level, never issues two on one day, keeps the gap between levels, never early', () => {
    fc.assert(
      fc.property(policyArb, fc.uniqueArray(fc.integer({ min: -10, max: 400 }), { maxLength: 80 }), (policy, days) => {
        const { issued, perRunMax } = simulate(
          policy,
          [...days].sort((a, b) => a - b),
        );
        expect(perRunMax).toBeLessThanOrEqual(1);
        expect(issued.map((r) => r.level)).toEqual(issued.map((_, i) => i + 1));
        for (const [i, r] of issued.entries()) {
          const level = policy[r.level - 1]!;
          expect(r.late).toBeGreaterThanOrEqual(level.daysPastDue);
          if (i > 0) expect(daysBetween(issued[i - 1]!.issueDate, r.issueDate)).toBeGreaterThanOrEqual(level.daysPastDue - policy[i - 1]!.daysPastDue);
        }
      }),
    );
  });

  it('when the schedule first sees a long-overdue invoice, issues level 1 only, then the next after the gap', () => {
    const first = addDays(open.dueDate, 100);
    expect(reminderDue(open, [], first, defaultReminderPolicy)).toEqual({ level: 1, daysPastDue: 100, fee: 0 });
    const issued = [{ level: 1, issueDate: first }];
    expect(reminderDue(open, issued, addDays(first, 13), defaultReminderPolicy)).toBeNull();
    expect(reminderDue(open, issued, addDays(first, 14), defaultReminderPolicy)?.level).toBe(2);
  });

  it('nothing for an invoice paid, credited or with nothing owed; nothing after the last level', () => {
    const late = addDays(open.dueDate, 50);
    fc.assert(
      fc.property(fc.constantFrom('paid' as const, 'credited' as const), fc.integer({ min: -1000, max: 0 }), (status, balance) => {
        expect(reminderDue({ ...open, status }, [], late, defaultReminderPolicy)).toBeNull();
        expect(reminderDue({ ...open, balance }, [], late, defaultReminderPolicy)).toBeNull();
      }),
    );
    expect(
      reminderDue(
        open,
        [
          { level: 1, issueDate: '2026-02-07' },
          { level: 2, issueDate: '2026-02-21' },
          { level: 3, issueDate: '2026-03-07' },
        ],
        '2027-01-01',
        defaultReminderPolicy,
      ),
    ).toBeNull();
  });

  it("charges the level's fee, or its fee for the invoice's currency", () => {
    const policy: ReminderLevel[] = [{ level: 1, daysPastDue: 7, fee: 500, feeByCurrency: { USD: 600 } }];
    const asOf = addDays(open.dueDate, 7);
    expect(reminderDue(open, [], asOf, policy)?.fee).toBe(500);
    expect(reminderDue({ ...open, currency: 'USD' }, [], asOf, policy)?.fee).toBe(600);
  });

  it('refuses a policy with levels out of order or days that do not rise', () => {
    expect(policyProblem(defaultReminderPolicy)).toBeNull();
    expect(policyProblem([{ level: 2, daysPastDue: 7, fee: 0 }])).toMatch(/level must be 1/);
    expect(
      policyProblem([
        { level: 1, daysPastDue: 7, fee: 0 },
        { level: 2, daysPastDue: 7, fee: 0 },
      ]),
    ).toMatch(/daysPastDue must be above/);
  });
});

describe('the policy in the company profile', () => {
  const base = { name: 'Firm', address: ['1 Street'] };
  it('defaults to 7, 21, 35 days without fees, and says which level is wrong', async () => {
    const { companyProfile } = await import('../documents/company.js');
    expect(companyProfile.parse(base).reminders).toBeUndefined();
    expect(defaultReminderPolicy.map((l) => [l.level, l.daysPastDue, l.fee])).toEqual([
      [1, 7, 0],
      [2, 21, 0],
      [3, 35, 0],
    ]);
    const ok = companyProfile.parse({
      ...base,
      reminders: [
        { level: 1, daysPastDue: 10 },
        { level: 2, daysPastDue: 30, fee: 500, feeByCurrency: { USD: 600 } },
      ],
    });
    expect(ok.reminders).toEqual([
      { level: 1, daysPastDue: 10, fee: 0 },
      { level: 2, daysPastDue: 30, fee: 500, feeByCurrency: { USD: 600 } },
    ]);
    const bad = companyProfile.safeParse({
      ...base,
      reminders: [
        { level: 1, daysPastDue: 21 },
        { level: 2, daysPastDue: 7 },
      ],
    });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['reminders', expect.stringMatching(/reminders\[1\]\.daysPastDue must be above/)],
    ]);
    expect(companyProfile.safeParse({ ...base, reminders: [{ level: 1, daysPastDue: 7, fee: -1 }] }).success).toBe(false);
  });
});
