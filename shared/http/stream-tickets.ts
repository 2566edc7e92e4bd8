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

/** `max` tickets waiting in all; `perUser` of them for one `sub`, so one user's flood of POSTs pushes out only its own. */
export function createStreamTickets(opts: { ttlMs?: number; max?: number; perUser?: number; now?: () => number } = {}): StreamTickets {
  const ttlMs = opts.ttlMs ?? 30_000;
  const max = opts.max ?? 10_000;
  const perUser = opts.perUser ?? 20;
  const now = opts.now ?? Date.now;
  const open = new Map<string, { principal: Principal; expires: number }>();
  const purge = (sub: string) => {
    // Every ticket lives as long and the Map keeps insertion order: the expired ones are the first.
    const at = now();
    for (const [t, e] of open) {
      if (e.expires > at) break;
      open.delete(t);
    }
    // Over a limit: the oldest go first (Map keeps insertion order), the user's own before anyone's.
    const own = [...open].filter(([, e]) => e.principal.sub === sub).map(([t]) => t);
    while (own.length >= perUser) open.delete(own.shift()!);
    while (open.size >= max) open.delete(open.keys().next().value!);
  };
  return {
    issue: (principal) => {
      purge(principal.sub);
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
