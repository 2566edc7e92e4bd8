// Dunning: which reminder level an overdue invoice is due for on a day. Pure, so the rule is
// property-tested (reminders.test.ts); shared/billing/reminders.ts applies it per invoice.
//
// The rule (docs/rules.md, "Reminders"): levels are issued one at a time and in order, never two on one
// run and never one skipped. The next level is due once the invoice is at least its `daysPastDue` past
// due AND, after an earlier reminder, at least as many days have passed since that reminder as the
// policy puts between the two levels. So an invoice found 40 days overdue gets level 1 today, level 2
// fourteen days later (21 - 7), level 3 fourteen days after that: the customer always has the time
// between levels that the policy promises, whenever the schedule first sees the invoice.

import { isUnpaid, type InvoiceStatus } from './invoice.js';

export interface ReminderLevel {
  level: number;
  daysPastDue: number;
  /** Fee in minor units of the invoice's currency; `feeByCurrency` overrides it for the currencies it names. */
  fee: number;
  feeByCurrency?: Readonly<Record<string, number>> | undefined;
}

/** Levels 1, 2, 3 at 7, 21, 35 days past due, no fees: the policy when the company profile states none. */
export const defaultReminderPolicy: readonly ReminderLevel[] = [
  { level: 1, daysPastDue: 7, fee: 0 },
  { level: 2, daysPastDue: 21, fee: 0 },
  { level: 3, daysPastDue: 35, fee: 0 },
];

export interface DunnedInvoice {
  status: InvoiceStatus;
  balance: number;
  currency: string;
  /** UTC day, YYYY-MM-DD. */
  dueDate: string;
}

export interface IssuedReminder {
  level: number;
  issueDate: string;
}

export interface DueReminder {
  level: number;
  daysPastDue: number;
  fee: number;
}

const dayMs = 86_400_000;
export const daysBetween = (from: string, to: string): number => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / dayMs);

/** Why a policy cannot be used, or null: levels 1..n in order, days past due strictly rising, fees >= 0. */
export function policyProblem(policy: readonly ReminderLevel[]): string | null {
  for (const [i, l] of policy.entries()) {
    if (l.level !== i + 1) return `reminders[${i}].level must be ${i + 1}: levels are numbered 1, 2, 3... in order`;
    if (i > 0 && l.daysPastDue <= policy[i - 1]!.daysPastDue)
      return `reminders[${i}].daysPastDue must be above the level before's (${policy[i - 1]!.daysPastDue})`;
    if (l.daysPastDue < 1) return `reminders[${i}].daysPastDue must be at least 1`;
  }
  return null;
}

export function feeOf(level: ReminderLevel, currency: string): number {
  return level.feeByCurrency?.[currency] ?? level.fee;
}

/** The level to issue for `invoice` on the UTC day `asOf`, or null (nothing due, or nothing owed). */
export function reminderDue(invoice: DunnedInvoice, issued: readonly IssuedReminder[], asOf: string, policy: readonly ReminderLevel[]): DueReminder | null {
  if (invoice.balance <= 0 || !isUnpaid(invoice.status)) return null;
  const late = daysBetween(invoice.dueDate, asOf);
  const last = issued.reduce<IssuedReminder | undefined>((a, r) => (!a || r.level > a.level ? r : a), undefined);
  const next = policy[last ? last.level : 0];
  if (!next || late < next.daysPastDue) return null;
  if (last) {
    const gap = next.daysPastDue - policy[last.level - 1]!.daysPastDue;
    if (daysBetween(last.issueDate, asOf) < gap) return null;
  }
  return { level: next.level, daysPastDue: late, fee: feeOf(next, invoice.currency) };
}
