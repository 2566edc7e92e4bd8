// Data lifecycle (triggers/pruner.ts): each platform table gets what its pruning needs.
// - idempotency.expires_at: the answer's end of life, set by the function that stores it (its window is
//   the function's setting, shared/idempotency/expiry.ts), so the connector that prunes and the function
//   that replays agree without sharing a setting. Keys stored before this migration get the default 24 h;
//   the column default covers a function of the previous release inserting during an upgrade.
// - one index per timestamp a batched DELETE selects on, so each tick reads only the rows it deletes.
//   The outbox index is partial: unpublished rows have their own (outbox_unpublished) and are never pruned.
export const sql = `
alter table platform.idempotency add column expires_at timestamptz;
update platform.idempotency set expires_at = created_at + interval '24 hours';
alter table platform.idempotency
  alter column expires_at set default now() + interval '24 hours',
  alter column expires_at set not null;
create index idempotency_expiry on platform.idempotency (expires_at);
create index processed_events_age on platform.processed_events (processed_at);
create index outbox_published on platform.outbox (published_at) where published_at is not null;
`;
