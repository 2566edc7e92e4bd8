import { v7 as uuidv7 } from 'uuid';
import { reminderPolicy } from '../documents/company.js';
import { balanceOf, unpaidInvoiceStatuses, type InvoiceStatus } from '../domain/invoice.js';
import { postingRef, reminderFeePosting } from '../domain/ledger.js';
import { reminderDue, type ReminderLevel } from '../domain/reminders.js';
import type { Causation } from '../events/envelope.js';
import { runUnitOfWork, type Deps, type UnitOfWork } from '../unit-of-work.js';
import { post } from './ledger.js';
import { nextNumber } from './numbering.js';

// Dunning: the daily run (and the on-demand one) that gives each overdue invoice its next reminder
// level. The rule is shared/domain/reminders.ts; this applies it, one invoice per transaction, so one
// invoice that fails holds up no other and a crash loses at most the invoice in hand.
//
// Exactly once per level: each invoice's transaction locks the invoice row first (as a payment does),
// so a second scheduler running at once waits, then sees the level already issued and issues nothing;
// the unique (invoice_id, level) of billing.reminders is the backstop, and a transaction that hit it
// would roll back whole (number, posting, event), never leave half a reminder.

export const reminderSeries = 'REM';

export interface IssuedReminderAnswer {
  reminderId: string;
  number: string;
  invoiceId: string;
  invoiceNumber: string;
  level: number;
  fee: number;
  currency: string;
}

export interface ReminderRunAnswer {
  asOf: string;
  /** Overdue invoices looked at. */
  examined: number;
  issued: IssuedReminderAnswer[];
  /** Invoices whose transaction failed (logged; the next run tries them again). */
  failed: number;
}

interface InvoiceRow {
  id: string;
  number: string;
  customerId: string;
  currency: string;
  total: number;
  amountPaid: number;
  credited: number;
  status: InvoiceStatus;
  dueDate: string;
}

/** The UTC calendar day of an instant. */
export const utcDay = (at: Date): string => at.toISOString().slice(0, 10);

/** Every overdue invoice as of `asOf` (a UTC day) gets its next level, if one is due. */
export async function runReminders(deps: Deps, cause: Causation, asOf: string): Promise<ReminderRunAnswer> {
  const policy = await reminderPolicy(deps.db);
  const first = policy[0];
  if (!first) return { asOf, examined: 0, issued: [], failed: 0 };
  // Only invoices at least the first level's days past due can be due anything; the rule decides the rest.
  const { rows } = await deps.db.query<{ id: string }>(
    `select id from billing.invoices where status = any($3::text[]) and total - amount_paid - credited > 0
       and due_date <= $1::date - $2::int order by due_date, id`,
    [asOf, first.daysPastDue, unpaidInvoiceStatuses],
  );
  const issued: IssuedReminderAnswer[] = [];
  let failed = 0;
  for (const { id } of rows) {
    try {
      const r = await runUnitOfWork(deps, cause, (uow) => remindInvoice(uow, id, asOf, policy));
      if (r) issued.push(r);
    } catch (err) {
      failed++;
      deps.log.error({ err, invoiceId: id, asOf }, 'reminder run: this invoice failed; the next run tries it again');
    }
  }
  return { asOf, examined: rows.length, issued, failed };
}

/** One invoice's next reminder, in the caller's transaction; undefined when none is due. */
export async function remindInvoice(
  uow: UnitOfWork,
  invoiceId: string,
  asOf: string,
  policy: readonly ReminderLevel[],
): Promise<IssuedReminderAnswer | undefined> {
  const { rows } = await uow.tx.query<InvoiceRow>(
    `select id, number, customer_id as "customerId", currency, total, amount_paid as "amountPaid", credited, status,
       to_char(due_date, 'YYYY-MM-DD') as "dueDate" from billing.invoices where id = $1 for update`,
    [invoiceId],
  );
  const invoice = rows[0];
  if (!invoice) return undefined;
  const { rows: issued } = await uow.tx.query<{ level: number; issueDate: string }>(
    `select level, to_char(issue_date, 'YYYY-MM-DD') as "issueDate" from billing.reminders where invoice_id = $1`,
    [invoiceId],
  );
  const balance = balanceOf(invoice);
  const due = reminderDue({ status: invoice.status, balance, currency: invoice.currency, dueDate: invoice.dueDate }, issued, asOf, policy);
  if (!due) return undefined;

  const reminderId = uuidv7();
  const number = await nextNumber(uow.tx, reminderSeries, Number(asOf.slice(0, 4)));
  await uow.tx.query(
    `insert into billing.reminders (id, number, invoice_id, level, issue_date, days_past_due, balance, fee, currency, issued_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [reminderId, number, invoiceId, due.level, asOf, due.daysPastDue, balance, due.fee, invoice.currency, uow.now],
  );
  if (due.fee > 0) await post(uow.tx, postingRef.reminder(reminderId, invoiceId), invoice.currency, reminderFeePosting(due.fee), uow.now);
  uow.emit('reminder_issued', {
    reminderId,
    number,
    invoiceId,
    invoiceNumber: invoice.number,
    customerId: invoice.customerId,
    level: due.level,
    issueDate: asOf,
    daysPastDue: due.daysPastDue,
    currency: invoice.currency,
    balance,
    fee: due.fee,
  });
  return { reminderId, number, invoiceId, invoiceNumber: invoice.number, level: due.level, fee: due.fee, currency: invoice.currency };
}
