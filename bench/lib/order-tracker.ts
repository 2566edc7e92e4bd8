import type { BenchBox, Catalogue } from './box.js';
import type { EventTap, OrderEvents } from './event-tap.js';
import type { OlapWatch } from './olap-watch.js';
import { now } from './stats.js';

// Follows each order of one step from its create request to paid (and, in OLAP mode, to the
// projector's watermark covering the paid status). The box is driven by what the stream says: an
// order is paid for as soon as its invoiced status is stored, whether the create answer came first
// or not.

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

const maxInFlight = 5000;

export class OrderTracker {
  readonly recs: OrderRec[] = [];
  readonly errors: Record<string, number> = {};
  /** The first answer of each kind of error. */
  readonly samples: Record<string, string> = {};
  verified = 0;
  verifyMismatch = 0;
  private readonly byId = new Map<string, OrderRec>();
  private readonly awaitingOlap = new Set<OrderRec>();
  private inFlight = 0;
  private paidCount = 0;

  constructor(private readonly ctx: FlowContext) {
    ctx.olap?.onWatermark((seq, at) => this.olapPaid(seq, at));
    ctx.tap.onChange((orderId, ev, what) => this.onEvent(orderId, ev, what));
  }

  /** Stops listening: whatever the stream or the feed says later belongs to no order of this step. */
  detach(): void {
    this.ctx.tap.onChange(() => {});
    this.ctx.olap?.onWatermark(() => {});
  }

  fail(r: OrderRec, why: string, body?: unknown): void {
    if (r.error) return;
    r.error = why;
    this.errors[why] = (this.errors[why] ?? 0) + 1;
    if (body !== undefined) this.samples[why] ??= JSON.stringify(body).slice(0, 300);
  }

  isDone(r: OrderRec): boolean {
    if (r.error) return true;
    const ev = r.id ? this.ctx.tap.orders.get(r.id) : undefined;
    if (!ev?.stPaid) return false;
    return !this.ctx.olapMode || r.olapPaid !== undefined;
  }

  /** Whatever did not finish in time is an error, named by how far it got. */
  timeOutUnfinished(): void {
    for (const r of this.recs) {
      if (this.isDone(r)) continue;
      const ev = r.id ? this.ctx.tap.orders.get(r.id) : undefined;
      if (r.status === undefined) this.fail(r, 'timeout: create not answered');
      else if (!ev?.stInvoiced) this.fail(r, 'timeout: not invoiced');
      else if (!ev.stPaid) this.fail(r, r.payStatus === undefined ? 'timeout: payment not answered' : 'timeout: not paid');
      else this.fail(r, 'timeout: not paid in OLAP');
    }
  }

  /** Sends one order of 1 to 3 random lines for a random customer; `r` is the order due now. */
  send(r: OrderRec): void {
    const { b, cat, random } = this.ctx;
    this.recs.push(r);
    if (this.inFlight >= maxInFlight) return this.fail(r, 'client: too many in flight');
    const lines: { sku: string; quantity: number }[] = [];
    const n = 1 + Math.floor(random() * 3);
    const start = Math.floor(random() * cat.skus.length);
    for (let k = 0; k < n; k++) lines.push({ sku: cat.skus[(start + k * 7) % cat.skus.length]!.sku, quantity: 1 + Math.floor(random() * 5) });
    const customerId = cat.customers[Math.floor(random() * cat.customers.length)]!;
    this.inFlight += 1;
    r.sent = now();
    void b.http.post('/function/create-order', b.tokens.clerk, { customerId, lines }).then((res) => {
      this.inFlight -= 1;
      r.answered = now();
      r.status = res.status;
      if (res.status !== 201)
        return this.fail(r, res.status === 0 ? `create: no answer (${String(res.body).slice(0, 40)})` : `create: ${res.status}`, res.body);
      this.created(r, res.body as { id: string; total: number });
    });
  }

  private created(r: OrderRec, body: { id: string; total: number }): void {
    r.id = body.id;
    r.total = body.total;
    this.byId.set(r.id, r);
    // Events may have overtaken the answer.
    const ev = this.ctx.tap.orders.get(r.id);
    if (ev?.rejected) this.fail(r, 'rejected (stock)');
    if (ev?.stInvoiced) this.pay(r, ev);
    if (ev?.stPaid && this.ctx.olapMode) this.paidStored(r, ev);
  }

  private onEvent(orderId: string, ev: OrderEvents, what: string): void {
    const r = this.byId.get(orderId);
    if (!r) return; // the create answer is not back yet: handled when it is
    if (ev.rejected) this.fail(r, 'rejected (stock)');
    if (what === 'status:invoiced') this.pay(r, ev);
    if (what === 'status:paid' && this.ctx.olapMode) this.paidStored(r, ev);
  }

  private pay(r: OrderRec, ev: OrderEvents): void {
    if (r.paySent !== undefined || r.error || !r.total || !ev.invoiceId) return;
    const { b } = this.ctx;
    r.invoiceId = ev.invoiceId;
    r.paySent = now();
    const payment = { invoiceId: ev.invoiceId, amount: r.total, method: 'bank_transfer', reference: `bench-${r.id}` };
    void b.http.post('/function/record-payment', b.tokens.accountant, payment).then((res) => {
      r.payAnswered = now();
      r.payStatus = res.status;
      if (res.status !== 201) this.fail(r, res.status === 0 ? 'payment: no answer' : `payment: ${res.status}`, res.body);
    });
  }

  /** The paid status is stored: the order now waits for a watermark that covers it (maybe one already seen). */
  private paidStored(r: OrderRec, ev: OrderEvents): void {
    this.awaitingOlap.add(r);
    const olap = this.ctx.olap;
    if (olap && olap.seq >= ev.paidSeq!) this.olapPaid(olap.seq, now());
  }

  private olapPaid(seq: number, at: number): void {
    for (const r of this.awaitingOlap) {
      const ev = this.ctx.tap.orders.get(r.id!);
      if (ev?.paidSeq !== undefined && ev.paidSeq <= seq) {
        r.olapPaid = at;
        this.awaitingOlap.delete(r);
        this.paidCount += 1;
        if (this.paidCount % this.ctx.verifyEvery === 0) this.verify(r);
      }
    }
  }

  private verify(r: OrderRec): void {
    const { b } = this.ctx;
    void b.http.get(`/function/project-to-olap/query/order?id=${encodeURIComponent(r.id!)}`, b.tokens.clerk).then((res) => {
      this.verified += 1;
      r.verified = true;
      const body = res.body as { order?: { status?: string }; rows?: { status?: string }[] };
      const status = body?.order?.status ?? body?.rows?.[0]?.status;
      if (res.status !== 200 || (status !== 'paid' && status !== 'fulfilled')) {
        this.verifyMismatch += 1;
        this.samples['OLAP check'] ??= `${res.status} ${JSON.stringify(res.body).slice(0, 300)}`;
      }
    });
  }
}
