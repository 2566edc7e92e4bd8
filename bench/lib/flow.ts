import http from 'node:http';
import { DeliverPolicy, type JsMsg } from '@nats-io/jetstream';
import type { BenchBox, Catalogue } from './box.js';
import { now, sleep, summarize, type Summary } from './stats.js';
import type { Bus } from '../../shared/events/bus.js';

// The headline flow under open-loop load: orders are due on a fixed schedule whatever the box
// answers, and every latency counts from the moment the request was due (no coordinated omission).
// What happens after the create answer is read from the box's own event stream: an ordered push
// consumer on `<prefix>.>` gives each event's stream sequence and the server's store timestamp.

export interface OrderRec {
  due: number;
  sent?: number;
  answered?: number;
  status?: number;
  id?: string;
  total?: number;
  invoiceId?: string;
  paySent?: number;
  payAnswered?: number;
  payStatus?: number;
  olapPaid?: number;
  verified?: boolean;
  error?: string;
}

/** What the stream says about one order: store times (ms) per hop, occurredAt of the reactions, sequences. */
export interface OrderEvents {
  created?: number;
  reservedOcc?: number;
  reserved?: number;
  invoiceOcc?: number;
  invoice?: number;
  invoiceId?: string;
  stReserved?: number;
  stInvoiced?: number;
  payment?: number;
  paymentOcc?: number;
  stPaid?: number;
  stPaidOcc?: number;
  paidSeq?: number;
  rejected?: string;
}

const storeMs = (m: JsMsg) => m.info.timestampNanos / 1e6; // the server's store time (a float keeps ~0.3 us)

/** Reads every event of the box as it is stored, and keeps per-order facts. */
export class EventTap {
  readonly orders = new Map<string, OrderEvents>();
  events = 0;
  lastSeq = 0;
  private listener: ((orderId: string, ev: OrderEvents, what: string) => void) | undefined;
  private stopFn: (() => Promise<void>) | undefined;

  onChange(fn: (orderId: string, ev: OrderEvents, what: string) => void) {
    this.listener = fn;
  }

  async start(bus: Bus, stream: string, prefix: string): Promise<void> {
    const consumer = await bus.js.consumers.getPushConsumer(stream, { filter_subjects: `${prefix}.>`, deliver_policy: DeliverPolicy.New });
    const messages = await consumer.consume();
    const loop = (async () => {
      for await (const m of messages) this.take(m);
    })();
    this.stopFn = async () => {
      await messages.close();
      await loop.catch(() => undefined);
    };
  }

  async stop(): Promise<void> {
    const stop = this.stopFn;
    this.stopFn = undefined;
    await stop?.();
  }

  forget(): void {
    this.orders.clear();
  }

  private take(m: JsMsg): void {
    this.events += 1;
    this.lastSeq = m.seq;
    let e: { type: string; occurredAt: string; data: Record<string, unknown> };
    try {
      e = m.json();
    } catch {
      return;
    }
    const orderId = typeof e.data?.orderId === 'string' ? e.data.orderId : undefined;
    if (!orderId) return;
    const t = storeMs(m);
    const occ = Date.parse(e.occurredAt);
    const o = this.orders.get(orderId) ?? {};
    this.orders.set(orderId, o);
    let what = e.type;
    switch (e.type) {
      case 'order_created':
        o.created ??= t;
        break;
      case 'stock_reserved':
        o.reserved ??= t;
        o.reservedOcc ??= occ;
        break;
      case 'invoice_created':
        o.invoice ??= t;
        o.invoiceOcc ??= occ;
        o.invoiceId ??= String(e.data.invoiceId);
        break;
      case 'payment_received':
        o.payment ??= t;
        o.paymentOcc ??= occ;
        break;
      case 'order_rejected':
        o.rejected ??= String(e.data.reason ?? 'rejected');
        break;
      case 'order_status_changed': {
        const to = e.data.to;
        what = `status:${String(to)}`;
        if (to === 'reserved') o.stReserved ??= t;
        if (to === 'invoiced') o.stInvoiced ??= t;
        if (to === 'paid' && o.stPaid === undefined) {
          o.stPaid = t;
          o.stPaidOcc = occ;
          o.paidSeq = m.seq;
        }
        break;
      }
      default:
        return;
    }
    this.listener?.(orderId, o, what);
  }
}

/** The projector's live feed: one watermark per applied batch. */
export class OlapWatch {
  seq = 0;
  batches = 0;
  private req: http.ClientRequest | undefined;
  private listener: ((seq: number, at: number) => void) | undefined;

  onWatermark(fn: (seq: number, at: number) => void) {
    this.listener = fn;
  }

  start(url: string, token: string): Promise<boolean> {
    return new Promise((ready) => {
      const u = new URL(`${url}/function/project-to-olap/live`);
      this.req = http.get({ host: u.hostname, port: Number(u.port), path: u.pathname, headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' } }, (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          return ready(false);
        }
        ready(true);
        let buf = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buf += chunk;
          let cut: number;
          while ((cut = buf.indexOf('\n\n')) >= 0) {
            const frame = buf.slice(0, cut);
            buf = buf.slice(cut + 2);
            const data = frame.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trim()).join('\n');
            if (!data) continue;
            try {
              const w = JSON.parse(data) as { seq?: number };
              if (typeof w.seq === 'number' && w.seq >= this.seq) {
                this.seq = w.seq;
                this.batches += 1;
                this.listener?.(w.seq, now());
              }
            } catch {
              // not a watermark
            }
          }
        });
      });
      this.req.on('error', () => ready(false));
    });
  }

  stop(): void {
    this.req?.destroy();
  }
}

// A small deterministic generator, so two runs send the same orders.
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface FlowContext {
  b: BenchBox;
  cat: Catalogue;
  tap: EventTap;
  olap?: OlapWatch | undefined;
  /** The paid status must also be seen in the OLAP projection (the projector runs and is fed). */
  olapMode: boolean;
  random: () => number;
  /** Verify one in N OLAP-paid orders with GET order?id= (the watermark alone says it is applied). */
  verifyEvery: number;
}

export interface StepResult {
  rate: number;
  seconds: number;
  orders: number;
  completed: number;
  createMs: Summary;
  toInvoicedMs: Summary;
  payAnswerMs: Summary;
  payToPaidMs: Summary;
  payToOlapMs: Summary;
  flowMs: Summary;
  hops: Record<string, Summary>;
  errors: Record<string, number>;
  /** The first answer of each kind of error. */
  errorSamples: Record<string, string>;
  errorCount: number;
  wallMs: number;
  verified: number;
  verifyMismatch: number;
}

const maxInFlight = 5000;

/** One open-loop step: `rate` orders/s for `seconds`, then waits (up to `drainMs`) for every order to finish. */
export async function runStep(ctx: FlowContext, rate: number, seconds: number, drainMs: number): Promise<StepResult> {
  const { b, cat, tap } = ctx;
  const recs: OrderRec[] = [];
  const byId = new Map<string, OrderRec>();
  const errors: Record<string, number> = {};
  const samples: Record<string, string> = {};
  const fail = (r: OrderRec, why: string, body?: unknown) => {
    if (r.error) return;
    r.error = why;
    errors[why] = (errors[why] ?? 0) + 1;
    if (body !== undefined) samples[why] ??= JSON.stringify(body).slice(0, 300);
  };
  let inFlight = 0;
  let verified = 0;
  let verifyMismatch = 0;
  let paidCount = 0;

  const isDone = (r: OrderRec): boolean => {
    if (r.error) return true;
    const ev = r.id ? tap.orders.get(r.id) : undefined;
    if (!ev?.stPaid) return false;
    return !ctx.olapMode || r.olapPaid !== undefined;
  };

  const pay = (r: OrderRec, ev: OrderEvents) => {
    if (r.paySent !== undefined || r.error || !r.total || !ev.invoiceId) return;
    r.invoiceId = ev.invoiceId;
    r.paySent = now();
    void b.http.post('/function/record-payment', b.tokens.accountant, { invoiceId: ev.invoiceId, amount: r.total, method: 'bank_transfer', reference: `bench-${r.id}` }).then((res) => {
      r.payAnswered = now();
      r.payStatus = res.status;
      if (res.status !== 201) fail(r, res.status === 0 ? 'payment: no answer' : `payment: ${res.status}`, res.body);
    });
  };

  const verify = (r: OrderRec) => {
    void b.http.get(`/function/project-to-olap/query/order?id=${encodeURIComponent(r.id!)}`, b.tokens.clerk).then((res) => {
      verified += 1;
      r.verified = true;
      const body = res.body as { order?: { status?: string }; rows?: { status?: string }[] };
      const status = body?.order?.status ?? body?.rows?.[0]?.status;
      if (res.status !== 200 || (status !== 'paid' && status !== 'fulfilled')) {
        verifyMismatch += 1;
        samples['OLAP check'] ??= `${res.status} ${JSON.stringify(res.body).slice(0, 300)}`;
      }
    });
  };

  const olapPaid = (seq: number, at: number) => {
    for (const r of awaitingOlap) {
      const ev = tap.orders.get(r.id!);
      if (ev?.paidSeq !== undefined && ev.paidSeq <= seq) {
        r.olapPaid = at;
        awaitingOlap.delete(r);
        paidCount += 1;
        if (paidCount % ctx.verifyEvery === 0) verify(r);
      }
    }
  };
  const awaitingOlap = new Set<OrderRec>();
  ctx.olap?.onWatermark(olapPaid);

  tap.onChange((orderId, ev, what) => {
    const r = byId.get(orderId);
    if (!r) return; // the create answer is not back yet: handled when it is
    if (ev.rejected) fail(r, 'rejected (stock)');
    if (what === 'status:invoiced') pay(r, ev);
    if (what === 'status:paid' && ctx.olapMode) {
      awaitingOlap.add(r);
      if (ctx.olap && ctx.olap.seq >= ev.paidSeq!) olapPaid(ctx.olap.seq, now());
    }
  });

  const send = (r: OrderRec) => {
    if (inFlight >= maxInFlight) return fail(r, 'client: too many in flight');
    const lines: { sku: string; quantity: number }[] = [];
    const n = 1 + Math.floor(ctx.random() * 3);
    const start = Math.floor(ctx.random() * cat.skus.length);
    for (let k = 0; k < n; k++) lines.push({ sku: cat.skus[(start + k * 7) % cat.skus.length]!.sku, quantity: 1 + Math.floor(ctx.random() * 5) });
    const customerId = cat.customers[Math.floor(ctx.random() * cat.customers.length)]!;
    inFlight += 1;
    r.sent = now();
    void b.http.post('/function/create-order', b.tokens.clerk, { customerId, lines }).then((res) => {
      inFlight -= 1;
      r.answered = now();
      r.status = res.status;
      if (res.status !== 201) return fail(r, res.status === 0 ? `create: no answer (${String(res.body).slice(0, 40)})` : `create: ${res.status}`, res.body);
      const body = res.body as { id: string; total: number };
      r.id = body.id;
      r.total = body.total;
      byId.set(r.id, r);
      // Events may have overtaken the answer.
      const ev = tap.orders.get(r.id);
      if (ev?.rejected) fail(r, 'rejected (stock)');
      if (ev?.stInvoiced) pay(r, ev);
      if (ev?.stPaid && ctx.olapMode) {
        awaitingOlap.add(r);
        if (ctx.olap && ctx.olap.seq >= ev.paidSeq!) olapPaid(ctx.olap.seq, now());
      }
    });
  };

  // The schedule: order i is due at start + i/rate, sent as soon as the timer allows.
  const total = Math.round(rate * seconds);
  const t0 = now() + 20;
  let i = 0;
  while (i < total) {
    const t = now();
    while (i < total && t0 + (i * 1000) / rate <= t) {
      const r: OrderRec = { due: t0 + (i * 1000) / rate };
      recs.push(r);
      send(r);
      i += 1;
    }
    if (i < total) await sleep(Math.max(0, Math.min(5, t0 + (i * 1000) / rate - now())));
  }
  const scheduleEnd = t0 + (total * 1000) / rate;
  const deadline = now() + drainMs;
  for (;;) {
    if (recs.every(isDone)) break;
    if (now() > deadline) break;
    await sleep(50);
  }
  const wallMs = now() - t0;
  // Whatever did not finish in time is an error, named by how far it got.
  for (const r of recs) {
    if (isDone(r)) continue;
    const ev = r.id ? tap.orders.get(r.id) : undefined;
    if (r.status === undefined) fail(r, 'timeout: create not answered');
    else if (!ev?.stInvoiced) fail(r, 'timeout: not invoiced');
    else if (!ev.stPaid) fail(r, r.payStatus === undefined ? 'timeout: payment not answered' : 'timeout: not paid');
    else fail(r, 'timeout: not paid in OLAP');
  }
  tap.onChange(() => {});
  ctx.olap?.onWatermark(() => {});
  // Let late verifications land.
  await sleep(200);

  const ok = recs.filter((r) => !r.error);
  const ev = (r: OrderRec) => tap.orders.get(r.id!)!;
  const d = (f: (r: OrderRec) => number | undefined) => summarize(ok.map(f).filter((x): x is number => x !== undefined));
  const paidAt = (r: OrderRec) => (ctx.olapMode ? r.olapPaid : ev(r).stPaid);
  const hops: Record<string, Summary> = {
    'client send delay (due -> sent)': d((r) => r.sent! - r.due),
    'create-order: due -> order_created stored': d((r) => ev(r).created! - r.due),
    'create-order: event stored -> answer': d((r) => r.answered! - ev(r).created!),
    'reserve-stock: order_created stored -> tx start': d((r) => ev(r).reservedOcc! - ev(r).created!),
    'reserve-stock: tx start -> stock_reserved stored': d((r) => ev(r).reserved! - ev(r).reservedOcc!),
    'create-invoice: stock_reserved stored -> tx start': d((r) => ev(r).invoiceOcc! - ev(r).reserved!),
    'create-invoice: tx start -> invoice_created stored': d((r) => ev(r).invoice! - ev(r).invoiceOcc!),
    'sync-order-status: invoice_created -> status invoiced stored': d((r) => ev(r).stInvoiced! - ev(r).invoice!),
    'bench: status invoiced stored -> payment sent': d((r) => r.paySent! - ev(r).stInvoiced!),
    'record-payment: sent -> payment_received stored': d((r) => ev(r).payment! - r.paySent!),
    'record-payment: event stored -> answer': d((r) => r.payAnswered! - ev(r).payment!),
    'sync-order-status: payment_received -> status paid stored': d((r) => ev(r).stPaid! - ev(r).payment!),
    ...(ctx.olapMode ? { 'project-to-olap: status paid stored -> watermark seen (SSE)': d((r) => r.olapPaid! - ev(r).stPaid!) } : {}),
  };
  void scheduleEnd;
  return {
    rate,
    seconds,
    orders: recs.length,
    completed: ok.length,
    createMs: d((r) => r.answered! - r.due),
    toInvoicedMs: d((r) => ev(r).stInvoiced! - r.due),
    payAnswerMs: d((r) => r.payAnswered! - r.paySent!),
    payToPaidMs: d((r) => ev(r).stPaid! - r.paySent!),
    payToOlapMs: ctx.olapMode ? d((r) => r.olapPaid! - r.paySent!) : summarize([]),
    flowMs: d((r) => paidAt(r)! - r.due),
    hops,
    errors,
    errorSamples: samples,
    errorCount: Object.values(errors).reduce((a, b2) => a + b2, 0),
    wallMs,
    verified,
    verifyMismatch,
  };
}
