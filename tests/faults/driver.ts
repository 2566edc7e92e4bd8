import type { Role } from '../../shared/auth/roles.js';
import type { Box } from '../support/box.js';

// A steady order flow through the gateway, as a careful client drives it: every command that creates
// something carries an Idempotency-Key and is retried with the same key until it gets a definite
// answer (or its deadline passes), so "accepted exactly once" can be checked against Postgres.

export interface Answer {
  status: number; // 0: no answer (connection refused, reset, timeout)
  body: any;
}

export interface Flow {
  accepted: Map<string, { total: number; lines: { sku: string; quantity: number }[] }>;
  payments: Map<string, { invoiceId: string; amount: number }>;
  receipts: Map<string, number>; // sku -> units received through accepted receive-stock calls
  cancels: number;
  fulfils: number;
  /** Accepted returns by id: the order and units per line number. */
  returns: Map<string, { orderId: string; lines: { lineNo: number; quantity: number; disposition: string }[] }>;
  /** Accepted credit notes by id, with the return they credit. */
  creditNotes: Map<string, { returnId: string; total: number }>;
  refunds: Map<string, { creditNoteId: string; amount: number }>;
  /** Purchase orders answered 201, with the lines asked for. */
  purchaseOrders: Map<string, { supplierId: string; lines: { sku: string; quantity: number; unitCost: number }[] }>;
  /** Goods receipts against a purchase order answered 200, by receipt id. */
  poReceipts: Map<string, { purchaseOrderId: string; lines: { lineNo: number; quantity: number }[] }>;
  /** Adjustments answered 200, by movement id. */
  adjustments: Map<string, { sku: string; quantityDelta: number; valueDelta: number; reason: string }>;
  /** Reminders the runs answered as issued. */
  reminders: number;
  refused: Record<string, number>; // expected business refusals (409/422) by command
  /** Logical operations given up without a definite answer: their outcome is unknown. */
  unknown: Record<string, number>;
  /** Answers that were not expected at all (5xx, 0) per command; retried while the deadline allowed. */
  transient: Record<string, number>;
  ops: number;
  errors: string[];
}

export interface DriverOptions {
  box: Box;
  skus: string[];
  customers: string[];
  /** Suppliers (in the skus' currency) the flow buys from; no purchases without one. */
  suppliers?: string[];
  ratePerSecond: number;
  workers: number;
  /** Give a logical operation this long to get a definite answer. */
  opDeadlineMs?: number;
  /** Runs the reminder run now and then (two at once, as two schedulers would), at most once per
   *  `remindersEveryMs`. Off by default: each run may issue a reminder, and render-document a PDF, for
   *  every open invoice at once, a burst a held-rate test should not measure. */
  remindersEveryMs?: number;
}

const bump = (r: Record<string, number>, k: string) => (r[k] = (r[k] ?? 0) + 1);

export function newFlow(): Flow {
  return {
    accepted: new Map(),
    payments: new Map(),
    receipts: new Map(),
    cancels: 0,
    fulfils: 0,
    returns: new Map(),
    creditNotes: new Map(),
    refunds: new Map(),
    purchaseOrders: new Map(),
    poReceipts: new Map(),
    adjustments: new Map(),
    reminders: 0,
    refused: {},
    unknown: {},
    transient: {},
    ops: 0,
    errors: [],
  };
}

export function tokensFor(box: Box) {
  const cache = new Map<Role, Promise<string>>();
  return (role: Role) => {
    if (!cache.has(role)) cache.set(role, box.token(role));
    return cache.get(role)!;
  };
}

export async function request(box: Box, token: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  try {
    const res = await fetch(`${box.url}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // keep the text
    }
    return { status: res.status, body: parsed };
  } catch {
    return { status: 0, body: undefined };
  }
}

const definite = (status: number) => status > 0 && status < 500;

/** Runs the flow until `stop()` resolves; returns what it did. */
export function drive(opts: DriverOptions): { flow: Flow; stop: () => Promise<Flow> } {
  const { box, skus, customers } = opts;
  const flow = newFlow();
  const token = tokensFor(box);
  const deadlineMs = opts.opDeadlineMs ?? 45_000;
  let running = true;
  let n = 0;
  const pick = <T>(xs: T[]): T => xs[Math.floor(Math.random() * xs.length)]!;
  const orderIds = () => [...flow.accepted.keys()];

  /** Retries one logical call with the same body and key until a definite answer or the deadline. */
  async function until(cmd: string, role: Role, path: string, body: unknown, key?: string): Promise<Answer | undefined> {
    const end = Date.now() + deadlineMs;
    for (let attempt = 0; Date.now() < end; attempt++) {
      const a = await request(box, await token(role), path, body, key ? { 'idempotency-key': key } : {});
      if (definite(a.status)) return a;
      bump(flow.transient, cmd);
      // Paced retry of the client, not a wait for an event: a dead function is back within seconds.
      await new Promise((r) => setTimeout(r, Math.min(100 * 2 ** attempt, 2000)));
    }
    bump(flow.unknown, cmd);
    return undefined;
  }

  /**
   * Buying (issue 20), at a modest rate beside the order flow: purchase orders drafted and sent, goods
   * received against them in parts (a 422 over_receipt when two workers receive the same open units, a
   * 409 once it is received or cancelled: both allowed), now and then one cancelled; small adjustments,
   * which a 422 below_reserved may refuse.
   */
  function buying(): [number, () => Promise<void>][] {
    const suppliers = opts.suppliers ?? [];
    if (suppliers.length === 0) return [];
    const refusedOr = (cmd: string, a: Answer | undefined, codes: number[]) => {
      if (a && codes.includes(a.status)) bump(flow.refused, cmd);
      else if (a) flow.errors.push(`${cmd} ${a.status} ${JSON.stringify(a.body).slice(0, 200)}`);
    };
    return [
      [
        4,
        async () => {
          const chosen = [...skus].sort(() => Math.random() - 0.5).slice(0, 1 + Math.floor(Math.random() * 2));
          const lines = chosen.map((sku) => ({ sku, quantity: 5 + Math.floor(Math.random() * 16), unitCost: 100 + Math.floor(Math.random() * 300) }));
          const supplierId = pick(suppliers);
          const po = await until(
            'purchase-order',
            'clerk',
            '/function/receive-stock/purchase-order',
            { supplierId, lines, note: 'chaos' },
            `po-${process.pid}-${++n}`,
          );
          if (po?.status !== 201) return refusedOr('purchase-order', po, []);
          flow.purchaseOrders.set(po.body.id, { supplierId, lines });
          const sent = await until(
            'purchase-order/send',
            'clerk',
            '/function/receive-stock/purchase-order/send',
            { purchaseOrderId: po.body.id },
            `po-send-${po.body.id}`,
          );
          if (sent?.status !== 200) refusedOr('purchase-order/send', sent, [409]);
        },
      ],
      [
        6,
        async () => {
          const ids = [...flow.purchaseOrders.keys()];
          if (ids.length === 0) return;
          const po = (await until('query', 'clerk', `/function/query/purchase-orders/${pick(ids)}`, undefined))?.body;
          if (!po || !['sent', 'partially_received'].includes(po.status)) return;
          // Each open line with probability 2/3, in parts: 1 to all of what is open.
          const lines = (po.lines as { lineNo: number; quantity: number; received: number }[])
            .filter((l) => l.received < l.quantity && Math.random() < 0.67)
            .map((l) => ({ lineNo: l.lineNo, quantity: 1 + Math.floor(Math.random() * (l.quantity - l.received)) }));
          if (lines.length === 0) return;
          const a = await until(
            'purchase-order/receive',
            'clerk',
            '/function/receive-stock/purchase-order/receive',
            { purchaseOrderId: po.id, lines },
            `gr-${process.pid}-${++n}`,
          );
          if (a?.status === 200) flow.poReceipts.set(a.body.receiptId, { purchaseOrderId: po.id, lines });
          else refusedOr('purchase-order/receive', a, [409, 422]);
        },
      ],
      [
        1,
        async () => {
          const ids = [...flow.purchaseOrders.keys()];
          if (ids.length === 0) return;
          const purchaseOrderId = pick(ids);
          const a = await until(
            'purchase-order/cancel',
            'clerk',
            '/function/receive-stock/purchase-order/cancel',
            { purchaseOrderId, reason: 'chaos' },
            `po-cancel-${purchaseOrderId}`,
          );
          if (a?.status !== 200) refusedOr('purchase-order/cancel', a, [409]);
        },
      ],
      [
        4,
        async () => {
          // Mostly losses (damage, theft), sometimes a unit found; never more than a few units.
          const sku = pick(skus);
          const gain = Math.random() < 0.3;
          const quantity = (gain ? 1 : -1) * (1 + Math.floor(Math.random() * 3));
          const reason = gain ? pick(['count', 'correction']) : pick(['damage', 'theft', 'count', 'correction']);
          const body = { sku, quantity, reason, ...(gain && Math.random() < 0.5 ? { unitCost: 100 + Math.floor(Math.random() * 300) } : {}), note: 'chaos' };
          const a = await until('adjustment', 'clerk', '/function/receive-stock/adjustment', body, `adj-${process.pid}-${++n}`);
          if (a?.status === 200)
            flow.adjustments.set(String(a.body.movementId), { sku, quantityDelta: a.body.quantityDelta, valueDelta: a.body.valueDelta, reason });
          else refusedOr('adjustment', a, [422]);
        },
      ],
    ];
  }

  let lastReminderRun = 0;
  const ops: [number, () => Promise<void>][] = [
    [
      50,
      async () => {
        const lineCount = 1 + Math.floor(Math.random() * Math.min(3, skus.length));
        const chosen = [...skus].sort(() => Math.random() - 0.5).slice(0, lineCount);
        const lines = chosen.map((sku) => ({ sku, quantity: 1 + Math.floor(Math.random() * 3) }));
        const a = await until('create-order', 'clerk', '/function/create-order', { customerId: pick(customers), lines }, `order-${process.pid}-${++n}`);
        if (a?.status === 201) flow.accepted.set(a.body.id, { total: a.body.total, lines });
        else if (a) flow.errors.push(`create-order ${a.status} ${JSON.stringify(a.body).slice(0, 200)}`);
      },
    ],
    [
      20,
      async () => {
        const ids = orderIds();
        if (ids.length === 0) return;
        const orderId = pick(ids);
        const inv = await until('query', 'accountant', `/function/query/invoices?orderId=${orderId}`, undefined);
        const invoice = inv?.body?.items?.[0];
        if (!invoice || invoice.balance <= 0 || !['open', 'partially_paid'].includes(invoice.status)) return;
        const amount = Math.random() < 0.5 ? invoice.balance : Math.ceil(invoice.balance / 2);
        // Same invoice state and amount -> same key: two racing payers are one payment.
        const key = `pay-${invoice.id}-${invoice.amountPaid}-${amount}`;
        const a = await until('record-payment', 'accountant', '/function/record-payment', { invoiceId: invoice.id, amount, method: 'card' }, key);
        if (a?.status === 201) flow.payments.set(a.body.paymentId, { invoiceId: invoice.id, amount });
        else if (a && [409, 422].includes(a.status)) bump(flow.refused, 'record-payment');
        else if (a) flow.errors.push(`record-payment ${a.status} ${JSON.stringify(a.body).slice(0, 200)}`);
      },
    ],
    [
      8,
      async () => {
        const ids = orderIds();
        if (ids.length === 0) return;
        const a = await until('cancel-order', 'clerk', '/function/cancel-order', { id: pick(ids), reason: 'chaos' });
        if (a?.status === 200) flow.cancels += 1;
        else if (a?.status === 409) bump(flow.refused, 'cancel-order');
        else if (a) flow.errors.push(`cancel-order ${a.status} ${JSON.stringify(a.body).slice(0, 200)}`);
      },
    ],
    [
      10,
      async () => {
        const ids = orderIds();
        if (ids.length === 0) return;
        const a = await until('fulfil-order', 'clerk', '/function/fulfil-order', { id: pick(ids) });
        if (a?.status === 200) flow.fulfils += 1;
        else if (a?.status === 409) bump(flow.refused, 'fulfil-order');
        else if (a) flow.errors.push(`fulfil-order ${a.status} ${JSON.stringify(a.body).slice(0, 200)}`);
      },
    ],
    [
      6,
      async () => {
        // A return of one unit of a fulfilled order's line: refused (422) once the line is all back.
        const ids = orderIds();
        if (ids.length === 0) return;
        const orderId = pick(ids);
        const order = (await until('query', 'clerk', `/function/query/orders/${orderId}`, undefined))?.body;
        if (order?.status !== 'fulfilled') return;
        const lineNo = 1 + Math.floor(Math.random() * order.lines.length);
        const lines = [{ lineNo, quantity: 1, reason: 'chaos', disposition: Math.random() < 0.7 ? 'restock' : 'scrap' }];
        const a = await until('fulfil-order/return', 'clerk', '/function/fulfil-order/return', { orderId, lines }, `return-${process.pid}-${++n}`);
        if (a?.status === 201) flow.returns.set(a.body.id, { orderId, lines });
        else if (a && [409, 422].includes(a.status)) bump(flow.refused, 'fulfil-order/return');
        else if (a) flow.errors.push(`return-goods ${a.status} ${JSON.stringify(a.body).slice(0, 200)}`);
      },
    ],
    [
      6,
      async () => {
        // The accountant credits a return (keyed by the return: two racing accountants are one note), then refunds what is owed back.
        const returns = [...flow.returns.keys()];
        if (returns.length === 0) return;
        const returnId = pick(returns);
        const c = await until('credit-note', 'accountant', '/function/record-payment/credit-note', { returnId }, `credit-${returnId}`);
        if (c?.status === 201) flow.creditNotes.set(c.body.id, { returnId, total: c.body.total });
        else if (c && [409, 422].includes(c.status)) return void bump(flow.refused, 'credit-note');
        else if (c) return void flow.errors.push(`credit-note ${c.status} ${JSON.stringify(c.body).slice(0, 200)}`);
        if (!c || c.body.refundDue <= 0) return;
        const r = await until(
          'refund',
          'accountant',
          '/function/record-payment/refund',
          { creditNoteId: c.body.id, amount: c.body.refundDue, method: 'bank_transfer' },
          `refund-${c.body.id}`,
        );
        if (r?.status === 201) flow.refunds.set(r.body.id, { creditNoteId: c.body.id, amount: c.body.refundDue });
        else if (r && [409, 422].includes(r.status)) bump(flow.refused, 'refund');
        else if (r) flow.errors.push(`refund ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
      },
    ],
    [
      2,
      async () => {
        // The reminder run (create-invoice/reminders) as two schedulers would start it: at once, for the
        // same day 0-100 days ahead, so open invoices are overdue; each level must still be issued once.
        if (opts.remindersEveryMs === undefined || Date.now() - lastReminderRun < opts.remindersEveryMs) return;
        lastReminderRun = Date.now();
        const asOf = new Date(Date.now() + Math.floor(Math.random() * 100) * 86_400_000).toISOString().slice(0, 10);
        for (const a of await Promise.all([1, 2].map(() => until('reminders', 'accountant', '/function/create-invoice/reminders', { asOf })))) {
          if (a?.status === 200) flow.reminders += a.body.issued.length;
          else if (a) flow.errors.push(`reminders ${a.status} ${JSON.stringify(a.body).slice(0, 200)}`);
        }
      },
    ],
    [
      12,
      async () => {
        const sku = pick(skus);
        const quantity = 5 + Math.floor(Math.random() * 10);
        // Unordered goods at a cost of their own: the average cost moves, the ledger books GRNI.
        const unitCost = 100 + Math.floor(Math.random() * 300);
        const a = await until('receive-stock', 'clerk', '/function/receive-stock', { sku, quantity, unitCost }, `receipt-${process.pid}-${++n}`);
        if (a?.status === 200) flow.receipts.set(sku, (flow.receipts.get(sku) ?? 0) + quantity);
        else if (a) flow.errors.push(`receive-stock ${a.status} ${JSON.stringify(a.body).slice(0, 200)}`);
      },
    ],
    ...buying(),
  ];
  const weight = ops.reduce((s, [w]) => s + w, 0);
  const choose = () => {
    let r = Math.random() * weight;
    for (const [w, op] of ops) if ((r -= w) < 0) return op;
    return ops[0]![1];
  };

  const interval = (1000 * opts.workers) / opts.ratePerSecond;
  const worker = async () => {
    while (running) {
      const started = Date.now();
      try {
        await choose()();
      } catch (err) {
        flow.errors.push(`driver: ${(err as Error).message}`);
      }
      flow.ops += 1;
      // Pacing for a steady rate.
      const rest = interval - (Date.now() - started);
      if (rest > 0 && running) await new Promise((r) => setTimeout(r, rest));
    }
  };
  const all = Promise.all(Array.from({ length: opts.workers }, worker));
  return {
    flow,
    stop: async () => {
      running = false;
      await all;
      return flow;
    },
  };
}
