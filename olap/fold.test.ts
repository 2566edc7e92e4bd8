import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Envelope } from '../shared/events/envelope.js';
import type { EventData, EventType } from '../shared/events/registry.js';
import { sampleEvent } from '../tests/support/events.js';
import { foldBatch, type SeqEvent } from './fold.js';

const at = (s: number) => new Date(Date.UTC(2026, 10, 25, 9, 0, s));
const ev = <K extends EventType>(type: K, data: Partial<EventData<K>>, s = 0): Envelope => sampleEvent(type, data, at(s));

const order = {
  orderId: 'o1',
  customerId: 'c1',
  customerName: 'Ada',
  paymentTermsDays: 30,
  currency: 'EUR',
  subtotal: 1000,
  tax: 200,
  total: 1200,
  lines: [{ sku: 'A', name: 'Apple', quantity: 2, unitPrice: 500, taxRateBp: 2000, net: 1000, tax: 200 }],
  createdAt: at(0).toISOString(),
};
const lifecycle: Envelope[] = [
  ev('order_created', order, 0),
  ev('order_status_changed', { orderId: 'o1', to: 'reserved', from: 'pending' }, 1),
  ev(
    'invoice_created',
    {
      invoiceId: 'i1',
      number: 'INV-2026-000001',
      orderId: 'o1',
      customerId: 'c1',
      customerName: 'Ada',
      issueDate: '2026-11-25',
      dueDate: '2026-12-25',
      currency: 'EUR',
      subtotal: 1000,
      tax: 200,
      total: 1200,
      lines: [],
    },
    2,
  ),
  ev('order_status_changed', { orderId: 'o1', to: 'invoiced', from: 'reserved' }, 3),
  ev(
    'payment_received',
    {
      paymentId: 'p1',
      invoiceId: 'i1',
      orderId: 'o1',
      currency: 'EUR',
      amount: 500,
      amountPaid: 500,
      invoiceStatus: 'partially_paid',
      receivedAt: at(4).toISOString(),
    },
    4,
  ),
  ev('order_status_changed', { orderId: 'o1', to: 'partially_paid', from: 'invoiced' }, 5),
  ev(
    'payment_received',
    { paymentId: 'p2', invoiceId: 'i1', orderId: 'o1', currency: 'EUR', amount: 700, amountPaid: 1200, invoiceStatus: 'paid', receivedAt: at(6).toISOString() },
    6,
  ),
  ev('order_status_changed', { orderId: 'o1', to: 'paid', from: 'partially_paid' }, 7),
  ev('stock_changed', { sku: 'A', name: 'Apple', onHand: 10, reserved: 2, movementId: 7 }, 8),
  ev('stock_changed', { sku: 'A', name: 'Apple', onHand: 8, reserved: 0, movementId: 9 }, 9),
  ev('customer_upserted', { id: 'c1', name: 'Ada' }, 10),
];
const withSeq = (events: Envelope[]): SeqEvent[] => events.map((event, n) => ({ seq: n + 1, event }));
const snapshot = (events: SeqEvent[]) => {
  const c = foldBatch(events, 0);
  return {
    orders: [...c.orders.values()].map(({ lastSeq: _s, updatedAt: _u, ...rest }) => rest),
    invoices: [...c.invoices.values()],
    payments: [...c.payments.values()].sort((a, b) => a.paymentId.localeCompare(b.paymentId)),
    stock: [...c.stock.values()].map(({ name, onHand, reserved, version }) => ({ name, onHand, reserved, version })),
    lines: [...c.lines.values()],
  };
};

describe('folding events into row changes', () => {
  it('merges an order lifecycle into one row change per order and invoice', () => {
    const c = foldBatch(withSeq(lifecycle), 0);
    expect(c.orders.get('o1')).toMatchObject({ status: 'paid', amountPaid: 1200, invoiceId: 'i1', total: 1200, customerName: 'Ada', lastSeq: 8 });
    expect(c.invoices.get('i1')).toMatchObject({ number: 'INV-2026-000001', dueDate: '2026-12-25', amountPaid: 1200, credited: 0, total: 1200 });
    expect([...c.payments.values()].map((p) => p.amount)).toEqual([500, 700]);
    expect(c.stock.get('A')).toMatchObject({ onHand: 8, reserved: 0, version: 9 });
    expect([...c.lines.values()]).toEqual([{ orderId: 'o1', lineNo: 1, sku: 'A', name: 'Apple', quantity: 2, net: 1000, tax: 200 }]);
    expect({ used: c.used, ignored: c.ignored }).toEqual({ used: 10, ignored: 1 });
  });

  it('skips events at or below the watermark', () => {
    const c = foldBatch(withSeq(lifecycle), 8);
    expect(c.orders.size).toBe(0);
    expect(c.stock.get('A')).toMatchObject({ onHand: 8 });
  });

  it('gives the same rows whatever order the events of one order arrive in', () => {
    const expected = snapshot(withSeq(lifecycle));
    fc.assert(
      fc.property(fc.shuffledSubarray(withSeq(lifecycle), { minLength: lifecycle.length, maxLength: lifecycle.length }), (shuffled) => {
        const got = snapshot(shuffled);
        expect({ ...got, lines: got.lines }).toEqual(expected);
      }),
    );
  });

  it('never moves a cancelled order back, and ranks rejection above pending', () => {
    const events = [
      ev('order_status_changed', { orderId: 'o2', to: 'cancelled', from: 'invoiced' }),
      ev('order_status_changed', { orderId: 'o2', to: 'invoiced', from: 'reserved' }),
      ev('order_created', { ...order, orderId: 'o2' }),
    ];
    expect(foldBatch(withSeq(events), 0).orders.get('o2')).toMatchObject({ status: 'cancelled', total: 1200 });
  });

  it('counts a malformed event as ignored without failing the batch', () => {
    const c = foldBatch(
      [
        { seq: 1, event: null },
        { seq: 2, event: { ...ev('order_created', {}), data: { orderId: 'x' } } },
        ...withSeq(lifecycle.slice(0, 1)).map((e) => ({ ...e, seq: 3 })),
      ],
      0,
    );
    expect({ used: c.used, ignored: c.ignored, orders: c.orders.size }).toEqual({ used: 1, ignored: 2, orders: 1 });
  });

  it('keeps the newest employee record even when an older snapshot comes later in the stream', () => {
    const hired = ev('employee_hired', { employeeId: 'e1', version: 1, title: 'Analyst' });
    const promoted = ev('employee_updated', { employeeId: 'e1', version: 2, title: 'Lead', changed: ['title'] });
    // The sweeper republished the hire after the dedupe window: a new stream sequence for an old record.
    const c = foldBatch(
      [
        { seq: 1, event: hired },
        { seq: 2, event: promoted },
        { seq: 3, event: hired },
      ],
      0,
    );
    expect(c.employees.get('e1')).toMatchObject({ title: 'Lead', version: 2, seq: 2 });
  });

  it('reads version 1 employee events (no record version) below every versioned one', () => {
    const { version: _v, ...v1data } = ev('employee_hired', { employeeId: 'e2', title: 'Old' }).data;
    const v1 = { ...ev('employee_hired', {}), version: 1, data: v1data };
    const v2 = ev('employee_updated', { employeeId: 'e2', version: 2, title: 'New', changed: ['title'] });
    const c = foldBatch(
      [
        { seq: 1, event: v2 },
        { seq: 2, event: v1 },
      ],
      0,
    );
    expect(c.employees.get('e2')).toMatchObject({ title: 'New', version: 2 });
    // An event newer than this code is skipped, not guessed at.
    const future = foldBatch([{ seq: 1, event: { ...v2, version: 3 } }], 0);
    expect({ used: future.used, ignored: future.ignored }).toEqual({ used: 0, ignored: 1 });
  });

  it("follows partial credit notes by the invoice's credited total, in any order, and reads version 1 notes as full credits", () => {
    const first = ev('credit_note_issued', { creditNoteId: 'cn1', amount: 300, credited: 300, returnId: 'rt1', invoiceStatus: 'open' }, 1);
    const second = ev('credit_note_issued', { creditNoteId: 'cn2', amount: 200, credited: 500, returnId: 'rt2', invoiceStatus: 'open' }, 2);
    for (const events of [
      [first, second],
      [second, first],
    ]) {
      expect(foldBatch(withSeq(events), 0).invoices.get('i1')).toMatchObject({ credited: 500 });
    }
    const { credited: _c, returnId: _r, invoiceStatus: _s, ...v1data } = ev('credit_note_issued', { amount: 1200 }).data as EventData<'credit_note_issued'>;
    const v1 = { ...ev('credit_note_issued', {}), version: 1, data: v1data };
    expect(foldBatch([{ seq: 1, event: v1 }], 0).invoices.get('i1')).toMatchObject({ credited: 1200 });
  });
});
