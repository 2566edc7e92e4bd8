import { useState } from 'preact/hooks';
import { body as cancelBody } from '../../../../functions/cancel-order/schema.js';
import { body as fulfilBody } from '../../../../functions/fulfil-order/schema.js';
import { mayRun } from '../../../../shared/auth/permissions.js';
import { canMove, type OrderStatus } from '../../../../shared/domain/order-lifecycle.js';
import { ApiError, run } from '../../api.js';
import { Field, FormError, useForm, valueOf, type Form } from '../../form.js';
import { href, seg } from '../../router.js';
import type { ScreenProps } from '../../screen.js';
import type { OrderDetail as Order } from '../../types.js';
import { Confirm, Header, Money, Show, Status, When } from '../../ui.js';
import { LinesTable } from '../../components/lines-table.js';
import { OrderTimeline } from './timeline.js';
import { ReturnGoods } from './return.js';
import { shortId } from '../../components/orders-table.js';
import { useOrder } from '../../hooks/orders.js';

export function OrderPage({ params, query, roles }: ScreenProps) {
  const id = params.id!;
  const order = useOrder(id);
  const [returned, setReturned] = useState<string>();
  if (order.error instanceof ApiError && order.error.status === 404) {
    return (
      <section>
        <Header title="Order not found" />
        <p class="empty">
          There is no order {id}. <a href={href('/orders')}>All orders</a>
        </p>
      </section>
    );
  }
  return (
    <section>
      <Show loaded={order}>
        {(o) => (
          <>
            <Header
              title={
                <>
                  Order <span title={o.id}>{shortId(o.id)}</span>
                </>
              }
            >
              <OrderActions order={o} roles={roles} done={order.reload} />
              <ReturnGoods order={o} roles={roles} done={(m) => (setReturned(m), order.reload())} />
            </Header>
            {returned ? (
              <p role="status" class="hint">
                {returned}
              </p>
            ) : null}
            <OrderFacts order={o} />
            <h2>Lines</h2>
            <LinesTable label="Order lines" lines={o.lines} currency={o.currency} />
            <OrderTotals order={o} />
          </>
        )}
      </Show>
      {order.data ? <OrderTimeline orderId={id} focus={query.get('event') ?? undefined} /> : null}
    </section>
  );
}

function OrderFacts({ order: o }: { order: Order }) {
  return (
    <dl class="card grid2">
      <div>
        <dt>Status</dt>
        <dd>
          <Status status={o.status} />
        </dd>
      </div>
      <div>
        <dt>Customer</dt>
        <dd>
          <a href={href(`/customers/${seg(o.customerId)}`)}>{o.customerName ?? o.customerId}</a>
        </dd>
      </div>
      <div>
        <dt>Created</dt>
        <dd>
          <When at={o.createdAt} />
        </dd>
      </div>
      <div>
        <dt>Updated</dt>
        <dd>
          <When at={o.updatedAt} />
        </dd>
      </div>
      <div>
        <dt>Invoice</dt>
        <dd>
          {o.invoiceId ? (
            <a href={href(`/invoices/${seg(o.invoiceId)}`)}>{o.invoiceNumber ?? 'the invoice'}</a>
          ) : (
            <span class="muted">{o.status === 'cancelled' || o.status === 'rejected' ? 'none' : 'not invoiced yet'}</span>
          )}
        </dd>
      </div>
    </dl>
  );
}

function OrderTotals({ order: o }: { order: Order }) {
  // A cancelled or rejected order is owed nothing: what was invoiced is credited (invoices say the rest).
  const ended = o.status === 'cancelled' || o.status === 'rejected';
  return (
    <table class="totals">
      <caption class="sr-only">Totals</caption>
      <tbody>
        <tr>
          <th scope="row">Subtotal</th>
          <td>
            <Money minor={o.subtotal} currency={o.currency} />
          </td>
        </tr>
        <tr>
          <th scope="row">Tax</th>
          <td>
            <Money minor={o.tax} currency={o.currency} />
          </td>
        </tr>
        <tr>
          <th scope="row">Total</th>
          <td>
            <strong>
              <Money minor={o.total} currency={o.currency} />
            </strong>
          </td>
        </tr>
        <tr>
          <th scope="row">Amount paid</th>
          <td>
            <Money minor={o.amountPaid} currency={o.currency} />
          </td>
        </tr>
        <tr>
          <th scope="row">Balance</th>
          <td>{ended ? <span class="muted">none, the order is {o.status}</span> : <Money minor={o.total - o.amountPaid} currency={o.currency} />}</td>
        </tr>
      </tbody>
    </table>
  );
}

type Action = 'cancel' | 'fulfil';

function OrderActions({ order, roles, done }: { order: Order; roles: string[]; done: () => void }) {
  const status = order.status as OrderStatus;
  const cancelForm = useForm();
  const fulfilForm = useForm();
  const [open, setOpen] = useState<Action | null>(null);
  // The last action asked for stays in the dialog while it closes.
  const [action, setAction] = useState<Action>('cancel');
  const [reason, setReason] = useState('');
  const mayCancel = mayRun(roles, 'cancel-order') && canMove(status, 'cancelled').ok;
  const mayFulfil = mayRun(roles, 'fulfil-order') && canMove(status, 'fulfilled').ok;
  const ask = (a: Action) => (setAction(a), setOpen(a));
  const finish = () => {
    setOpen(null);
    setReason('');
    done();
    // The button just pressed may vanish with the new state: focus goes to the page, not to nowhere.
    requestAnimationFrame(() => document.getElementById('content')?.focus());
  };

  const confirm = () =>
    action === 'cancel'
      ? void cancelForm.submit({
          schema: cancelBody,
          value: { id: order.id, ...(reason.trim() ? { reason } : {}) },
          send: (b, key) => run('cancel-order', b, key),
          done: finish,
        })
      : void fulfilForm.submit({ schema: fulfilBody, value: { id: order.id }, send: (b, key) => run('fulfil-order', b, key), done: finish });
  const form: Form = action === 'cancel' ? cancelForm : fulfilForm;

  if (!mayCancel && !mayFulfil && !open) return null;
  return (
    <>
      {mayFulfil ? (
        <button type="button" onClick={() => ask('fulfil')}>
          Fulfil order
        </button>
      ) : null}
      {mayCancel ? (
        <button type="button" class="danger" onClick={() => ask('cancel')}>
          Cancel order
        </button>
      ) : null}
      <Confirm
        open={open !== null}
        title={action === 'cancel' ? `Cancel order ${shortId(order.id)}?` : `Fulfil order ${shortId(order.id)}?`}
        confirm={action === 'cancel' ? 'Yes, cancel order' : 'Yes, fulfil order'}
        busy={form.busy}
        onConfirm={confirm}
        onClose={() => setOpen(null)}
      >
        <FormError form={form} />
        {action === 'cancel' ? (
          <>
            <p>
              {status === 'pending' ? 'No stock is reserved yet.' : 'The reserved stock goes back on the shelf.'}{' '}
              {order.invoiceId ? `Invoice ${order.invoiceNumber ?? ''} gets a credit note for the full amount.` : 'No invoice has been issued.'}
            </p>
            <Field label="Reason" hint="optional, kept with the order" error={cancelForm.error('reason')}>
              {(p) => <textarea {...p} value={reason} onInput={(e) => setReason(valueOf(e))} maxLength={500} rows={3} />}
            </Field>
          </>
        ) : (
          <p>The goods leave the warehouse: {order.lines.reduce((n, l) => n + l.quantity, 0)} units come off the stock on hand.</p>
        )}
      </Confirm>
    </>
  );
}
