// Reminders (dunning): each level of each invoice at most once, whatever runs the schedule and however
// often (shared/billing/reminders.ts; the rule: docs/rules.md, "Reminders"). The unique (invoice, level)
// is what makes two schedulers running at once, or a run repeated after a restart, harmless.
// Numbered REM-<year>-<6 digits> from billing.number_counters, gapless like invoices.
export const sql = `
create table billing.reminders (
  id text primary key,
  number text not null unique,
  invoice_id text not null references billing.invoices (id),
  level int not null check (level >= 1),
  issue_date date not null,
  days_past_due int not null check (days_past_due >= 1),
  -- what the invoice still owed, and the fee charged, when the reminder was issued (minor units, the invoice's currency)
  balance bigint not null check (balance > 0),
  fee bigint not null default 0 check (fee >= 0),
  currency char(3) not null,
  issued_at timestamptz not null default now(),
  unique (invoice_id, level)
);
create index reminders_issued on billing.reminders (issued_at, id);
`;
