// Each request to e-mail a billing document to its customer, and what became of it (shared/billing/
// deliveries.ts; the states and the crash between the server's 250 and our commit: docs/rules.md, "E-mail").
// `kind` has no check: the document kinds are the code's table (invoice, credit_note; reminders next),
// and a kind added there needs no migration here. `message_id` is fixed at the request, so every attempt
// of one delivery carries the same Message-ID.
export const sql = `
create table billing.document_deliveries (
  id text primary key,
  kind text not null,
  document_id text not null,
  document_number text not null,
  invoice_id text not null references billing.invoices (id),
  recipient text not null,
  message_id text not null unique,
  trigger text not null check (trigger in ('manual', 'on_issue')),
  requested_by text not null,
  correlation_id text not null,
  status text not null default 'requested' check (status in ('requested', 'sending', 'sent', 'failed')),
  attempts int not null default 0 check (attempts >= 0),
  server_answer text,
  requested_at timestamptz not null default now(),
  last_attempt_at timestamptz,
  sent_at timestamptz,
  check ((status = 'sent') = (sent_at is not null))
);
create index document_deliveries_invoice on billing.document_deliveries (invoice_id, requested_at, id);
-- At most one automatic delivery per document, whatever redelivers the render.
create unique index document_deliveries_on_issue on billing.document_deliveries (kind, document_id) where trigger = 'on_issue';
`;
