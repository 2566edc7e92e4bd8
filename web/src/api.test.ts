import { describe, expect, it } from 'vitest';
import { orderDetail } from '../../shared/query/answers/orders.js';
import { ApiError, parseAnswer } from './api.js';

// The workspace parses each answer with the schema the server checks it with: an answer of another
// shape (a box and a page of different versions) is an ApiError naming the field, shown where the
// record would have been, never a record of the wrong shape handed to a screen.

const order = {
  id: 'o1',
  status: 'invoiced',
  customerId: 'c1',
  customerName: 'Acme Ltd',
  currency: 'EUR',
  invoiceId: 'i1',
  invoiceNumber: 'INV-2026-000001',
  lines: [{ sku: 'MUG', name: 'Mug', quantity: 3, unitPrice: 1250, taxRateBp: 2000, net: 3750, tax: 750 }],
  subtotal: 3750,
  tax: 750,
  total: 4500,
  amountPaid: 0,
  createdAt: '2026-12-07T09:00:00.000000Z',
  updatedAt: '2026-12-07T09:00:00.000000Z',
  returns: [],
};

describe('parseAnswer', () => {
  it('gives the answer as its schema reads it', () => {
    expect(parseAnswer(orderDetail, order, 'GET orders/o1')).toEqual(order);
  });

  it('refuses another shape with an error naming the request and the field', () => {
    for (const [wrong, field] of [
      [{ ...order, total: '45.00' }, 'total'],
      [{ ...order, lines: [{ ...order.lines[0], quantity: 1.5 }] }, 'lines.0.quantity'],
      [{ ...order, status: 'shipped' }, 'status'],
      [{ ...order, salary: 1 }, ''],
    ] as const) {
      let thrown: unknown;
      try {
        parseAnswer(orderDetail, wrong, 'GET orders/o1');
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(ApiError);
      const e = thrown as ApiError;
      expect(e.code).toBe('unexpected_answer');
      expect(e.message).toContain('GET orders/o1');
      if (field) expect(e.message).toContain(`at ${field}`);
    }
  });
});
