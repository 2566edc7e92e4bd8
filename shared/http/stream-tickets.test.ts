import { describe, expect, it } from 'vitest';
import { createStreamTickets } from './stream-tickets.js';

const ada = { sub: 'ada', roles: ['admin' as const] };

describe('stream tickets', () => {
  it('are good once, for the principal they were issued to', () => {
    const tickets = createStreamTickets();
    const { ticket } = tickets.issue(ada);
    expect(ticket).toMatch(/^[\w-]{43}$/);
    expect(tickets.redeem(ticket)).toEqual(ada);
    expect(tickets.redeem(ticket)).toBeUndefined();
    expect(tickets.redeem('made-up')).toBeUndefined();
  });

  it('expire after their time, and the store stays bounded', () => {
    let t = 0;
    const tickets = createStreamTickets({ ttlMs: 1000, max: 3, now: () => t });
    const late = tickets.issue(ada);
    expect(late.expiresAt).toBe(new Date(1000).toISOString());
    t = 1000;
    expect(tickets.redeem(late.ticket)).toBeUndefined();
    const issued = [1, 2, 3, 4].map(() => tickets.issue(ada).ticket);
    expect(tickets.redeem(issued[0]!)).toBeUndefined(); // pushed out by the fourth
    expect(issued.slice(1).map((k) => tickets.redeem(k))).toEqual([ada, ada, ada]);
  });

  it('lets one user push out only its own tickets', () => {
    const tickets = createStreamTickets({ perUser: 2 });
    const grace = { sub: 'grace', roles: ['clerk' as const] };
    const hers = tickets.issue(grace).ticket;
    const flood = [1, 2, 3, 4, 5].map(() => tickets.issue(ada).ticket);
    expect(tickets.redeem(hers)).toEqual(grace);
    expect(flood.map((k) => tickets.redeem(k) !== undefined)).toEqual([false, false, false, true, true]);
  });
});
