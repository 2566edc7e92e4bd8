// The ledger for the accountant (docs/ledger.md). Each ledger line names the invoice its receivable
// belongs to, so accounts receivable is read per invoice and per customer from the ledger itself
// (shared/query/ledger.ts) and reconciles with the invoices' balances. Written by post() from now on
// (shared/billing/ledger.ts); the lines already booked get it from their posting id (`invoice:<id>`,
// `payment:<id>`, `credit-note:<id>`, the only kinds posted before this migration).
// The journal reads a period in (at, posting_id) order; the view adds the invoice's customer and number.
/** The invoice of each line already booked, from its posting id (tests/integration/ledger.test.ts runs it again). */
export const backfillInvoiceIds = `update billing.ledger_entries e set invoice_id = case split_part(e.posting_id, ':', 1)
  when 'invoice' then split_part(e.posting_id, ':', 2)
  when 'payment' then (select p.invoice_id from billing.payments p where p.id = split_part(e.posting_id, ':', 2))
  when 'credit-note' then (select n.invoice_id from billing.credit_notes n where n.id = split_part(e.posting_id, ':', 2))
end`;

export const sql = `
alter table billing.ledger_entries add column invoice_id text references billing.invoices (id);
${backfillInvoiceIds};
create index ledger_at on billing.ledger_entries (at, posting_id);
create index ledger_invoice on billing.ledger_entries (invoice_id);
create view billing.ledger_view as
  select e.id, e.posting_id, split_part(e.posting_id, ':', 1) as kind, e.account, e.debit, e.credit, e.currency, e.at,
         e.invoice_id, i.number as invoice_number, i.customer_id
  from billing.ledger_entries e left join billing.invoices i on i.id = e.invoice_id;
`;
