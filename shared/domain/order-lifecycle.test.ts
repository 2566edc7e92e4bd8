import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { canMove, lifecycle, moveCausedBy, orderStatuses, rank, statusAnnouncedBy, type OrderStatus } from './order-lifecycle.js';

const finals: OrderStatus[] = ['rejected', 'cancelled', 'fulfilled'];

describe('the order lifecycle table', () => {
  it('only ever moves up in rank, so a merge that keeps the highest rank ends where Postgres does', () => {
    for (const move of lifecycle) for (const from of move.from) expect(rank[move.to], `${from} -> ${move.to}`).toBeGreaterThan(rank[from]);
  });

  it('has no move out of a final status, and one row per target', () => {
    for (const move of lifecycle) for (const f of finals) expect(move.from).not.toContain(f);
    expect(new Set(lifecycle.map((m) => m.to)).size).toBe(lifecycle.length);
  });

  it('never moves backwards or sideways, and says why', () => {
    fc.assert(
      fc.property(fc.constantFrom(...orderStatuses), fc.constantFrom(...orderStatuses), (from, to) => {
        const step = canMove(from, to);
        if (rank[to] <= rank[from] || finals.includes(from)) expect(step.ok).toBe(false);
        if (!step.ok) expect(step.message).toContain(`a ${from} order cannot become ${to}`);
      }),
    );
  });

  it('lets events skip steps that reached the order out of order', () => {
    expect(canMove('pending', 'paid')).toEqual({ ok: true, to: 'paid' });
    expect(canMove('reserved', 'partially_paid').ok).toBe(true);
    expect(canMove('pending', 'invoiced').ok).toBe(true);
  });

  it('rejects only a pending order; cancels anything not shipped or ended; fulfils only reserved-or-later', () => {
    expect(canMove('pending', 'rejected').ok).toBe(true);
    expect(canMove('reserved', 'rejected').ok).toBe(false);
    expect(canMove('paid', 'cancelled').ok).toBe(true);
    expect(canMove('pending', 'cancelled').ok).toBe(true);
    expect(canMove('fulfilled', 'cancelled').ok).toBe(false);
    expect(canMove('pending', 'fulfilled').ok).toBe(false);
    expect(canMove('invoiced', 'fulfilled').ok).toBe(true);
    expect(canMove('paid', 'fulfilled').ok).toBe(true);
  });

  it('names the event that causes each move, and the one the projector reads', () => {
    expect(moveCausedBy('stock_reserved')).toBe('reserved');
    expect(moveCausedBy('stock_reservation_failed')).toBe('rejected');
    expect(moveCausedBy('payment_received', 'partially_paid')).toBe('partially_paid');
    expect(moveCausedBy('payment_received', 'paid')).toBe('paid');
    expect(moveCausedBy('payment_received', 'credited')).toBeUndefined();
    expect(moveCausedBy('order_created')).toBeUndefined();
    // A reservation failure may lose to a cancel: the projector takes rejection from order_rejected.
    expect(statusAnnouncedBy('stock_reservation_failed')).toBeUndefined();
    expect(statusAnnouncedBy('order_rejected')).toBe('rejected');
    expect(statusAnnouncedBy('order_cancelled')).toBe('cancelled');
    expect(statusAnnouncedBy('invoice_created')).toBe('invoiced');
  });

  it('is the table docs/rules.md shows', () => {
    const doc = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'rules.md'), 'utf8');
    for (const m of lifecycle) {
      const cause = m.on + (m.invoiceStatus ? ` (invoice ${m.invoiceStatus})` : m.command ? ` (${m.command})` : '');
      const row = `| ${[m.to, m.from.join(', '), cause, m.announcedBy ?? ''].join(' | ')} |`.replace('|  |', '| |');
      expect(doc, m.to).toContain(row);
    }
    expect(doc.match(new RegExp(`^  \\| (${orderStatuses.join('|')}) \\|`, 'gm'))?.length, 'rows in docs/rules.md').toBe(lifecycle.length);
  });
});
