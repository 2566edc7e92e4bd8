import { describe, expect, it } from 'vitest';
import { advance, canCancel, canFulfil, orderStatuses, statusForInvoice } from './order-lifecycle.js';

describe('order lifecycle', () => {
  it('moves forward along pending -> reserved -> invoiced -> partially_paid -> paid', () => {
    expect(advance('pending', 'reserved')).toEqual({ ok: true, to: 'reserved' });
    expect(advance('reserved', 'invoiced')).toEqual({ ok: true, to: 'invoiced' });
    expect(advance('invoiced', 'paid')).toEqual({ ok: true, to: 'paid' });
    expect(advance('reserved', 'partially_paid')).toEqual({ ok: true, to: 'partially_paid' });
  });

  it('never moves backwards or sideways, and says why', () => {
    const r = advance('paid', 'invoiced');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toContain('not after');
    expect(advance('invoiced', 'invoiced').ok).toBe(false);
  });

  it('leaves final states alone', () => {
    for (const to of orderStatuses) {
      expect(advance('cancelled', to).ok).toBe(false);
      expect(advance('rejected', to).ok).toBe(false);
      expect(advance('fulfilled', to).ok).toBe(false);
    }
  });

  it('rejects only a pending order', () => {
    expect(advance('pending', 'rejected').ok).toBe(true);
    expect(advance('reserved', 'rejected').ok).toBe(false);
  });

  it('cancels anything not shipped or ended; fulfils only reserved-or-later', () => {
    expect(canCancel('paid').ok).toBe(true);
    expect(canCancel('pending').ok).toBe(true);
    expect(canCancel('fulfilled').ok).toBe(false);
    expect(canCancel('cancelled').ok).toBe(false);
    expect(canFulfil('pending').ok).toBe(false);
    expect(canFulfil('invoiced').ok).toBe(true);
    expect(canFulfil('rejected').ok).toBe(false);
  });

  it('maps invoice states to order states', () => {
    expect(statusForInvoice('paid')).toBe('paid');
    expect(statusForInvoice('partially_paid')).toBe('partially_paid');
    expect(statusForInvoice('credited')).toBeUndefined();
  });
});
