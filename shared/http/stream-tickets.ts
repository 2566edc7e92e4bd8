import { randomBytes } from 'node:crypto';
import type { Principal } from '../auth/roles.js';

// EventSource cannot send an Authorization header, and a bearer token in the URL ends up in access
// logs and browser history for its whole life (hours). Instead the page trades its token for a ticket
// (POST, token in the header) and opens the stream with `?ticket=`: good once, for seconds, and worth
// nothing after. Kept in memory: the projector is one process, and a lost ticket costs one more POST.

export interface StreamTicket {
  ticket: string;
  /** ISO instant after which the ticket is refused. */
  expiresAt: string;
}

export interface StreamTickets {
  issue: (principal: Principal) => StreamTicket;
  /** The principal the ticket was issued to, once; undefined for an unknown, used or expired ticket. */
  redeem: (ticket: string) => Principal | undefined;
}

export function createStreamTickets(opts: { ttlMs?: number; max?: number; now?: () => number } = {}): StreamTickets {
  const ttlMs = opts.ttlMs ?? 30_000;
  const max = opts.max ?? 10_000;
  const now = opts.now ?? Date.now;
  const open = new Map<string, { principal: Principal; expires: number }>();
  const purge = () => {
    for (const [t, e] of open) if (e.expires <= now()) open.delete(t);
    // Still full (a flood of POSTs within one TTL): the oldest go first; Map keeps insertion order.
    while (open.size >= max) open.delete(open.keys().next().value!);
  };
  return {
    issue: (principal) => {
      purge();
      const ticket = randomBytes(32).toString('base64url');
      const expires = now() + ttlMs;
      open.set(ticket, { principal, expires });
      return { ticket, expiresAt: new Date(expires).toISOString() };
    },
    redeem: (ticket) => {
      const entry = open.get(ticket);
      open.delete(ticket);
      return entry && entry.expires > now() ? entry.principal : undefined;
    },
  };
}
