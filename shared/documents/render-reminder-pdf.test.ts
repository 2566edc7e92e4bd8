import { describe, expect, it } from 'vitest';
import type { ReminderDocument } from './reminder.js';
import { renderReminderPdf } from './render-reminder-pdf.js';

const doc: ReminderDocument = {
  kind: 'reminder',
  number: 'REM-2026-000007',
  issueDate: '2026-03-14',
  level: 2,
  daysPastDue: 21,
  currency: 'EUR',
  balance: 2975,
  fee: 500,
  seller: { name: 'Mahnwesen GmbH', address: { lines: ['Hauptstraße 5'], postalCode: '10115', city: 'Berlin', country: 'DE' }, bank: { iban: 'DE00 0000' } },
  buyer: { id: 'c1', name: 'Łódź Käserei', email: 'a@b.example' },
  invoice: { id: 'i1', number: 'INV-2026-000042', issueDate: '2026-02-07', dueDate: '2026-02-21', total: 2975 },
};

describe('the reminder PDF', () => {
  it('is a PDF, the same bytes every time (a redelivered event rewrites an identical object)', async () => {
    const [a, b] = await Promise.all([renderReminderPdf(doc), renderReminderPdf(doc)]);
    expect(a.subarray(0, 5).toString()).toBe('%PDF-');
    expect(Buffer.compare(a, b)).toBe(0);
    expect(Buffer.compare(a, await renderReminderPdf({ ...doc, fee: 0 }))).not.toBe(0);
  });
});
