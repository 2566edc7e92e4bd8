export const sql = `
create table platform.outbox (
  id uuid primary key,
  subject text not null,
  payload jsonb not null,
  created_at timestamptz not null default now(),
  published_at timestamptz
);
create index outbox_unpublished on platform.outbox (created_at) where published_at is null;

-- An event reaction records the event id here in the same transaction as its effect.
create table platform.processed_events (
  consumer text not null,
  event_id uuid not null,
  processed_at timestamptz not null default now(),
  primary key (consumer, event_id)
);

-- Idempotency-Key: the first answer, kept with a hash of the request that produced it.
create table platform.idempotency (
  scope text not null,
  key text not null,
  request_hash text not null,
  status int,
  response jsonb,
  created_at timestamptz not null default now(),
  primary key (scope, key)
);
`;
