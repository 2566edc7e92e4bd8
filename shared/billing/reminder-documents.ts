import { z } from 'zod';
import type { Pool, Tx } from '../db/pool.js';
import { reminderKey, type ReminderDocument } from '../documents/reminder.js';
import { renderReminderPdf } from '../documents/render-reminder-pdf.js';
import { documentStore } from '../documents/storage.js';
import type { Event } from '../events/envelope.js';
import type { UnitOfWork } from '../unit-of-work.js';
import { loadInvoiceDocument } from './documents.js';

// Reminders as PDF objects (reminders/<number>.pdf): rendered when one is issued (render-document reacts
// to reminder_issued), read back by the query function, attached to its e-mail. From billing's records:
// the reminder row as issued, the invoice's buyer and seller as issued.

const reminderFields = z.object({
  invoiceId: z.string(),
  number: z.string(),
  level: z.number(),
  issueDate: z.string(),
  daysPastDue: z.number(),
  balance: z.number(),
  fee: z.number(),
  currency: z.string(),
});

/** The reminder as printed; undefined for an unknown id. */
export async function loadReminderDocument(db: Pool | Tx, reminderId: string): Promise<ReminderDocument | undefined> {
  const { rows } = await db.query(
    `select invoice_id as "invoiceId", number, level, to_char(issue_date, 'YYYY-MM-DD') as "issueDate", days_past_due as "daysPastDue",
       balance, fee, currency from billing.reminders where id = $1`,
    [reminderId],
  );
  if (rows[0] === undefined) return undefined;
  const r = reminderFields.parse(rows[0]);
  const invoice = await loadInvoiceDocument(db, r.invoiceId);
  if (!invoice) return undefined;
  return {
    kind: 'reminder',
    number: r.number,
    issueDate: r.issueDate,
    level: r.level,
    daysPastDue: r.daysPastDue,
    currency: r.currency,
    balance: r.balance,
    fee: r.fee,
    seller: invoice.seller,
    buyer: invoice.buyer,
    invoice: { id: r.invoiceId, number: invoice.number, issueDate: invoice.issueDate, dueDate: invoice.dueDate ?? invoice.issueDate, total: invoice.total },
  };
}

/** reminder_issued: the reminder's PDF, stored under its number. */
export async function renderReminder(uow: UnitOfWork, event: Event<'reminder_issued'>): Promise<void> {
  const doc = await loadReminderDocument(uow.tx, event.data.reminderId);
  // Issued in the transaction that raised the event: a missing record is a bug (a 500, retried and seen).
  if (!doc) throw new Error(`reminder ${event.data.reminderId} is not in billing's records`);
  await documentStore().put(reminderKey(doc.number), await renderReminderPdf(doc));
}
