import type { ComponentChildren } from 'preact';
import { useEffect } from 'preact/hooks';
import { formatMoney } from '../../../../shared/domain/money.js';
import { href, seg } from '../../router.js';
import { useOrderTimeline } from '../../hooks/orders.js';
import type { TimelineEvent } from '../../types.js';
import { Day, Show, When, statusText } from '../../ui.js';

// What happened to one order, from the projector's copy of the event stream: each event in words, who
// or what did it, and the event that caused it. Links to an earlier entry are screen addresses
// (#/orders/<id>?event=<event id>) because the address's #fragment is the router's.

const anchor = (eventId: string) => `event-${eventId}`;

const labels: Record<string, string> = {
  order_created: 'Order created',
  stock_reserved: 'Stock reserved',
  stock_reservation_failed: 'Stock reservation failed',
  stock_released: 'Stock released',
  stock_changed: 'Stock changed',
  order_status_changed: 'Status changed',
  invoice_created: 'Invoice issued',
  payment_received: 'Payment received',
  invoice_paid: 'Invoice paid',
  order_cancelled: 'Order cancelled',
  credit_note_issued: 'Credit note issued',
  order_fulfilled: 'Order fulfilled',
  order_rejected: 'Order rejected',
  goods_returned: 'Goods returned',
  refund_recorded: 'Refund recorded',
};
const labelOf = (type: string) => labels[type] ?? type;

const str = (v: unknown) => (typeof v === 'string' ? v : '');
const num = (v: unknown) => (typeof v === 'number' ? v : 0);
const money = (d: Record<string, unknown>, field: string) => formatMoney(num(d[field]), str(d.currency) || 'EUR');
const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

interface Shortage {
  sku: string;
  requested: number;
  available: number;
}
const shortagesText = (v: unknown) =>
  Array.isArray(v) ? (v as Shortage[]).map((s) => `${s.sku} (wanted ${s.requested}, ${s.available} available)`).join(', ') : '';

/** The event in words; an event this page does not know is shown by its type. */
function describe(e: TimelineEvent): ComponentChildren {
  const d = e.data;
  switch (e.type) {
    case 'order_created':
      return `Order created: ${plural(Array.isArray(d.lines) ? d.lines.length : 0, 'line')}, total ${money(d, 'total')}`;
    case 'stock_changed':
      return `Stock of ${str(d.sku)}: ${num(d.available)} available`;
    case 'order_status_changed':
      return `Status ${statusText(str(d.from))} → ${statusText(str(d.to))}`;
    case 'invoice_created':
      return (
        <>
          Invoice {str(d.number)} issued, due <Day day={str(d.dueDate)} />
        </>
      );
    case 'payment_received':
      return `Payment of ${money(d, 'amount')}${d.method ? ` by ${statusText(str(d.method))}` : ''}; balance ${money(d, 'balance')}`;
    case 'invoice_paid':
      return `Invoice paid in full (${money(d, 'total')})`;
    case 'order_cancelled':
      return d.reason ? `Order cancelled: “${str(d.reason)}”` : 'Order cancelled';
    case 'credit_note_issued':
      return `Credit note ${str(d.number)} issued for ${money(d, 'amount')}${num(d.refundDue) > 0 ? `; ${money(d, 'refundDue')} to refund` : ''}`;
    case 'goods_returned': {
      const lines = Array.isArray(d.lines) ? (d.lines as { sku: string; quantity: number; disposition: string }[]) : [];
      return `Goods returned: ${lines.map((l) => `${l.quantity} × ${l.sku} (${l.disposition})`).join(', ')}`;
    }
    case 'refund_recorded':
      return `Refund of ${money(d, 'amount')}${d.method ? ` by ${statusText(str(d.method))}` : ''}; still owed back ${money(d, 'refundDue')}`;
    case 'order_rejected':
      return `Order rejected, not enough stock: ${shortagesText(d.shortages)}`;
    case 'stock_reservation_failed':
      return `Stock reservation failed: ${shortagesText(d.shortages)}`;
    default:
      return labelOf(e.type);
  }
}

/** Reactions act as `service:<function>`; people by their sign-in subject. */
const who = (actor: string) => (actor.startsWith('service:') ? `${actor.slice('service:'.length)} (automatic)` : actor);

function focusEntry(eventId: string) {
  const el = document.getElementById(anchor(eventId));
  el?.scrollIntoView({ block: 'center' });
  el?.focus({ preventScroll: true });
}

export function OrderTimeline({ orderId, focus }: { orderId: string; focus?: string | undefined }) {
  // An order the projector has not seen yet has no rows (not a 404).
  const events = useOrderTimeline(orderId);
  const rows = events.data;
  useEffect(() => {
    if (focus && rows) focusEntry(focus);
  }, [focus, rows !== undefined]);

  return (
    <section class="card" aria-labelledby="timeline-title">
      <h2 id="timeline-title">Timeline</h2>
      <Show loaded={events}>
        {(list) =>
          list.length === 0 ? (
            <p class="empty">No events yet.</p>
          ) : (
            <ol class="timeline">
              {list.map((e) => (
                <TimelineEntry key={e.seq} event={e} cause={e.causationId ? (list.find((c) => c.id === e.causationId) ?? null) : undefined} orderId={orderId} />
              ))}
            </ol>
          )
        }
      </Show>
    </section>
  );
}

/** `cause`: undefined when the event has none (a person's command), null when it is not in this list. */
function TimelineEntry({ event: e, cause, orderId }: { event: TimelineEvent; cause: TimelineEvent | null | undefined; orderId: string }) {
  return (
    <li id={anchor(e.id)} tabIndex={-1}>
      <p>{describe(e)}</p>
      <p class="muted">
        <When at={e.occurredAt} /> · by {who(e.actor)} · #{e.seq}
        {cause === null ? (
          <> · caused by an event outside this order</>
        ) : cause ? (
          <>
            {' · caused by '}
            <a href={href(`/orders/${seg(orderId)}`, { event: cause.id })} onClick={() => focusEntry(cause.id)}>
              {labelOf(cause.type)} #{cause.seq}
            </a>
          </>
        ) : null}
      </p>
    </li>
  );
}
