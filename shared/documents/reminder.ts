import type { DocumentBuyer, DocumentSeller } from './model.js';

// A payment reminder as issued (billing.reminders, shared/billing/reminders.ts): not a BillingDocument
// (it has no lines and is no EN 16931 document), a letter about one invoice. Printed by
// render-reminder-pdf.ts and e-mailed like the others (shared/billing/deliveries.ts).
export interface ReminderDocument {
  kind: 'reminder';
  number: string;
  issueDate: string;
  level: number;
  daysPastDue: number;
  currency: string;
  /** What the invoice still owed when the reminder was issued. */
  balance: number;
  /** The reminder's fee, owed beside the invoice (docs/ledger.md, "Reminder fees"); 0 for none. */
  fee: number;
  seller: DocumentSeller;
  buyer: DocumentBuyer;
  invoice: { id: string; number: string; issueDate: string; dueDate: string; total: number };
}

/** One object per reminder, named by its number, beside invoices/ and credit-notes/. */
export const reminderKey = (number: string): string => `reminders/${number}.pdf`;

/** What a person calls level n. */
export const levelName = (level: number): string => (level === 1 ? 'Payment reminder' : level === 2 ? 'Second reminder' : `Reminder ${level}`);
