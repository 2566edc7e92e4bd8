import type { OrderEvents } from './event-tap.js';
import type { FlowContext, OrderRec, OrderTracker } from './order-tracker.js';
import { summarize, type Summary } from './stats.js';

// What one step measured: latencies over the orders that completed, each from the moment the order
// was due (open loop), and each hop of the flow timed by the stream's own store times.

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

type Over = (f: (r: OrderRec) => number | undefined) => Summary;

/** Where the time goes: one summary per hop, from the bench's send to the projector's watermark. */
function hopsOf(d: Over, ev: (r: OrderRec) => OrderEvents, olapMode: boolean): Record<string, Summary> {
  return {
    'client send delay (due -> sent)': d((r) => r.sent! - r.due),
    'create-order: due -> order_created stored': d((r) => ev(r).created! - r.due),
    'create-order: event stored -> answer': d((r) => r.answered! - ev(r).created!),
    'reserve-stock: order_created stored -> tx start': d((r) => ev(r).reservedOcc! - ev(r).created!),
    'reserve-stock: tx start -> stock_reserved stored': d((r) => ev(r).reserved! - ev(r).reservedOcc!),
    'create-invoice: stock_reserved stored -> tx start': d((r) => ev(r).invoiceOcc! - ev(r).reserved!),
    'create-invoice: tx start -> invoice_created stored': d((r) => ev(r).invoice! - ev(r).invoiceOcc!),
    'create-invoice: invoice_created -> status invoiced stored (one transaction)': d((r) => ev(r).stInvoiced! - ev(r).invoice!),
    'bench: status invoiced stored -> payment sent': d((r) => r.paySent! - ev(r).stInvoiced!),
    'record-payment: sent -> payment_received stored': d((r) => ev(r).payment! - r.paySent!),
    'record-payment: event stored -> answer': d((r) => r.payAnswered! - ev(r).payment!),
    'record-payment: payment_received -> status paid stored (one transaction)': d((r) => ev(r).stPaid! - ev(r).payment!),
    ...(olapMode ? { 'project-to-olap: status paid stored -> watermark seen (SSE)': d((r) => r.olapPaid! - ev(r).stPaid!) } : {}),
  };
}

export function summarizeStep(ctx: FlowContext, t: OrderTracker, rate: number, seconds: number, wallMs: number): StepResult {
  const ok = t.recs.filter((r) => !r.error);
  const ev = (r: OrderRec) => ctx.tap.orders.get(r.id!)!;
  const d: Over = (f) => summarize(ok.map(f).filter((x): x is number => x !== undefined));
  const paidAt = (r: OrderRec) => (ctx.olapMode ? r.olapPaid : ev(r).stPaid);
  return {
    rate,
    seconds,
    orders: t.recs.length,
    completed: ok.length,
    createMs: d((r) => r.answered! - r.due),
    toInvoicedMs: d((r) => ev(r).stInvoiced! - r.due),
    payAnswerMs: d((r) => r.payAnswered! - r.paySent!),
    payToPaidMs: d((r) => ev(r).stPaid! - r.paySent!),
    payToOlapMs: ctx.olapMode ? d((r) => r.olapPaid! - r.paySent!) : summarize([]),
    flowMs: d((r) => paidAt(r)! - r.due),
    hops: hopsOf(d, ev, ctx.olapMode),
    errors: t.errors,
    errorSamples: t.samples,
    errorCount: Object.values(t.errors).reduce((a, b) => a + b, 0),
    wallMs,
    verified: t.verified,
    verifyMismatch: t.verifyMismatch,
  };
}
