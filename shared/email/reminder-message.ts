import { formatMoney } from '../domain/money.js';
import { levelName, type ReminderDocument } from '../documents/reminder.js';

// What a customer receives for a reminder: the words beside document-message.ts's for invoices and credit
// notes; the one attachment is the stored PDF (shared/billing/deliveries.ts).
export function reminderSubject(doc: ReminderDocument): string {
  return `${levelName(doc.level)} ${doc.number}: invoice ${doc.invoice.number} from ${doc.seller.name}`;
}

export function reminderText(doc: ReminderDocument): string {
  const money = (minor: number) => formatMoney(minor, doc.currency, 'en-GB');
  return [
    `Dear ${doc.buyer.name},`,
    '',
    `our invoice ${doc.invoice.number} of ${doc.invoice.issueDate}, due on ${doc.invoice.dueDate}, is ${doc.daysPastDue} days overdue: ${money(doc.balance)} is still unpaid.` +
      (doc.fee > 0 ? ` A reminder fee of ${money(doc.fee)} is charged.` : ''),
    `Please pay ${money(doc.balance + doc.fee)} promptly, quoting ${doc.invoice.number}; our reminder ${doc.number} is attached.`,
    'If you have paid in the meantime, please disregard this reminder.',
    '',
    'Kind regards,',
    doc.seller.name,
    '',
  ].join('\n');
}
