import { DeliverPolicy, jetstreamManager, type JsMsg } from '@nats-io/jetstream';
import type { Bus } from '../../shared/events/bus.js';

// What happens to each order after its create answer is read from the box's own event stream: an
// ordered push consumer on `<prefix>.>` gives each event's stream sequence and the server's store
// timestamp, so every hop of the flow is timed by the server's clock.

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

  /**
   * Messages the box's durable consumers (the connector's reactions and the projector's feed) still
   * have to take or acknowledge. Work that raises no event, such as render-document's PDFs, shows only
   * here: a ladder step that left a backlog of documents would otherwise burden the next one.
   */
  pending: () => Promise<number> = async () => 0;

  async start(bus: Bus, stream: string, prefix: string): Promise<void> {
    const jsm = await jetstreamManager(bus.nc);
    this.pending = async () => {
      let sum = 0;
      for await (const c of jsm.consumers.list(stream)) if (c.config.durable_name) sum += c.num_pending + c.num_ack_pending;
      return sum;
    };
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
