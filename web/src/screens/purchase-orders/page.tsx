import { useState } from 'preact/hooks';
import { mayRun } from '../../../../shared/auth/permissions.js';
import { purchaseOrderStep, type PurchaseOrderStatus } from '../../../../shared/domain/purchase-order-lifecycle.js';
import { ApiError, run } from '../../api.js';
import { Field, FormError, useForm, valueOf } from '../../form.js';
import { href, seg } from '../../router.js';
import type { ScreenProps } from '../../screen.js';
import type { PurchaseOrder } from '../../types.js';
import { Confirm, Header, Money, Show, Status, TableWrap, When } from '../../ui.js';
import { PdfLink } from '../../components/pdf-link.js';
import { PurchaseOrderEmail } from './email.js';
import { ReceiveGoodsForm, type Receipt } from './receive.js';
import { cancelBody, sendBody } from '../../../../functions/receive-stock/schema.js';
import { purchaseOrder } from '../../../../shared/query/answers/purchase-orders.js';
import { usePurchaseOrder } from '../../hooks/purchase-orders.js';
import { useSupplier } from '../../hooks/suppliers.js';

// One purchase order: where it stands, what was ordered and what came, each receipt, and what may be
// done next. Which actions show follows the lifecycle table (purchaseOrderStep), as the server does.

export function PurchaseOrderPage({ params, roles }: ScreenProps) {
  const id = params.id!;
  const order = usePurchaseOrder(id);
  const supplierId = order.data?.supplierId;
  const supplier = useSupplier(supplierId);
  const [receiving, setReceiving] = useState(false);
  const [saved, setSaved] = useState<string>();
  if (order.error instanceof ApiError && order.error.status === 404) {
    return (
      <section>
        <Header title="Purchase order not found" />
        <p class="empty">
          There is no purchase order {id}. <a href={href('/purchase-orders')}>All purchase orders</a>
        </p>
      </section>
    );
  }
  const po = order.data;
  const status = po?.status;
  const mayReceive = !!po && mayRun(roles, 'receive-stock/purchase-order/receive') && purchaseOrderStep(po.status, 'receive', true).ok;
  const received = (r: Receipt) => {
    setReceiving(false);
    setSaved(`Received ${r.lines.reduce((n, l) => n + l.quantity, 0)} units; the purchase order is now ${r.purchaseOrder.status.replace(/_/g, ' ')}.`);
    order.reload();
  };
  return (
    <section>
      <Header title={po ? `Purchase order ${po.number}` : 'Purchase order'}>
        {/* The PDF is made when the order is sent: a draft has none yet. */}
        {po && status !== 'draft' ? <PdfLink path={`purchase-orders/${seg(id)}/pdf`} label="PDF" filename={`${po.number}.pdf`} /> : null}
        {po && status !== 'draft' ? <PurchaseOrderEmail order={po} supplier={supplier.data} roles={roles} onSent={(m) => setSaved(m)} /> : null}
        {po ? <PurchaseOrderActions order={po} roles={roles} done={(m) => (setSaved(m), order.reload())} /> : null}
        {mayReceive ? (
          <button type="button" aria-expanded={receiving} onClick={() => (setReceiving(!receiving), setSaved(undefined))}>
            Receive goods
          </button>
        ) : null}
      </Header>
      {saved ? (
        <p role="status" class="hint">
          {saved}
        </p>
      ) : null}
      {po && mayReceive && receiving ? <ReceiveGoodsForm order={po} onCancel={() => setReceiving(false)} onDone={received} /> : null}
      <Show loaded={order}>
        {(o) => (
          <>
            <dl class="card grid2">
              <div>
                <dt>Status</dt>
                <dd>
                  <Status status={o.status} />
                </dd>
              </div>
              <div>
                <dt>Supplier</dt>
                <dd>
                  <a href={href(`/suppliers/${seg(o.supplierId)}`)}>{o.supplierName}</a>
                </dd>
              </div>
              <div>
                <dt>Created</dt>
                <dd>
                  <When at={o.createdAt} /> <small class="muted">by {o.createdBy}</small>
                </dd>
              </div>
              <div>
                <dt>Sent</dt>
                <dd>{o.sentAt ? <When at={o.sentAt} /> : <span class="muted">not yet</span>}</dd>
              </div>
              <div>
                <dt>Total</dt>
                <dd>
                  <Money minor={o.total} currency={o.currency} />
                </dd>
              </div>
              {o.note ? (
                <div>
                  <dt>Note</dt>
                  <dd>{o.note}</dd>
                </div>
              ) : null}
              {o.cancelledAt ? (
                <div>
                  <dt>Cancelled</dt>
                  <dd>
                    <When at={o.cancelledAt} />
                    {o.cancelReason ? (
                      <>
                        {' '}
                        <small class="muted">({o.cancelReason})</small>
                      </>
                    ) : null}
                  </dd>
                </div>
              ) : null}
            </dl>
            <h2>Lines</h2>
            <PurchaseOrderLines order={o} />
            <h2>Receipts</h2>
            <Receipts order={o} />
          </>
        )}
      </Show>
    </section>
  );
}

function PurchaseOrderLines({ order: o }: { order: PurchaseOrder }) {
  return (
    <TableWrap label="Purchase order lines">
      <table>
        <caption class="sr-only">Purchase order lines: ordered and received</caption>
        <thead>
          <tr>
            <th scope="col">Line</th>
            <th scope="col">SKU</th>
            <th scope="col">Name</th>
            <th scope="col">Supplier SKU</th>
            <th scope="col" class="num">
              Ordered
            </th>
            <th scope="col" class="num">
              Received
            </th>
            <th scope="col" class="num">
              Open
            </th>
            <th scope="col" class="num">
              Unit cost
            </th>
            <th scope="col" class="num">
              Line total
            </th>
          </tr>
        </thead>
        <tbody>
          {o.lines.map((l) => (
            <tr key={l.lineNo}>
              <td>{l.lineNo}</td>{' '}
              <td>
                <a href={href(`/stock/${seg(l.sku)}`)}>{l.sku}</a>
              </td>{' '}
              <td>{l.name}</td> <td>{l.supplierSku ?? <span class="muted">–</span>}</td> <td class="num">{l.quantity}</td> <td class="num">{l.received}</td>{' '}
              {/* A cancelled order expects nothing more, whatever did not come. */}
              <td class="num">{o.status === 'cancelled' ? 0 : l.quantity - l.received}</td>{' '}
              <td class="num">
                <Money minor={l.unitCost} currency={o.currency} />
              </td>{' '}
              <td class="num">
                <Money minor={l.unitCost * l.quantity} currency={o.currency} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

function Receipts({ order: o }: { order: PurchaseOrder }) {
  if (o.receipts.length === 0) return <p class="empty">Nothing received yet.</p>;
  return (
    <TableWrap label="Receipts">
      <table>
        <caption class="sr-only">Goods received against this purchase order, oldest first</caption>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">By</th>
            <th scope="col">Line</th>
            <th scope="col">SKU</th>
            <th scope="col" class="num">
              Quantity
            </th>
            <th scope="col" class="num">
              Value
            </th>
            <th scope="col">Note</th>
          </tr>
        </thead>
        <tbody>
          {o.receipts.flatMap((r) =>
            r.lines.map((l, i) => (
              <tr key={`${r.id}-${l.lineNo}`}>
                <td>{i === 0 ? <When at={r.receivedAt} /> : null}</td> <td>{i === 0 ? r.actor : null}</td> <td>{l.lineNo}</td> <td>{l.sku}</td>{' '}
                <td class="num">{l.quantity}</td>{' '}
                <td class="num">
                  <Money minor={l.value} currency={o.currency} />
                </td>{' '}
                <td>{i === 0 ? (r.note ?? '') : null}</td>
              </tr>
            )),
          )}
        </tbody>
      </table>
    </TableWrap>
  );
}

type Action = 'send' | 'cancel';

/** Send (the order is final and goes to the supplier) and Cancel, each asked once more before it is done. */
function PurchaseOrderActions({ order, roles, done }: { order: PurchaseOrder; roles: string[]; done: (message: string) => void }) {
  const status: PurchaseOrderStatus = order.status;
  const sendForm = useForm();
  const cancelForm = useForm();
  const [open, setOpen] = useState<Action | null>(null);
  const [action, setAction] = useState<Action>('send');
  const [reason, setReason] = useState('');
  const maySend = mayRun(roles, 'receive-stock/purchase-order/send') && purchaseOrderStep(status, 'send').ok;
  const mayCancel = mayRun(roles, 'receive-stock/purchase-order/cancel') && purchaseOrderStep(status, 'cancel').ok;
  const ask = (a: Action) => (setAction(a), setOpen(a));
  const finish = (message: string) => () => {
    setOpen(null);
    setReason('');
    done(message);
    // The button just pressed may vanish with the new status: focus goes to the page, not to nowhere.
    requestAnimationFrame(() => document.getElementById('content')?.focus());
  };
  const confirm = () =>
    action === 'send'
      ? void sendForm.submit({
          schema: sendBody,
          value: { purchaseOrderId: order.id },
          send: (b, key) => run('receive-stock/purchase-order/send', b, key, purchaseOrder),
          done: finish(`${order.number} is marked sent; its goods count as on order.`),
        })
      : void cancelForm.submit({
          schema: cancelBody,
          value: { purchaseOrderId: order.id, reason: reason.trim() || undefined },
          send: (b, key) => run('receive-stock/purchase-order/cancel', b, key, purchaseOrder),
          done: finish(`${order.number} is cancelled.`),
        });
  const form = action === 'send' ? sendForm : cancelForm;
  if (!maySend && !mayCancel && !open) return null;
  return (
    <>
      {maySend ? (
        <button type="button" onClick={() => ask('send')}>
          Send
        </button>
      ) : null}
      {mayCancel ? (
        <button type="button" class="danger" onClick={() => ask('cancel')}>
          Cancel
        </button>
      ) : null}
      <Confirm
        open={open !== null}
        title={action === 'send' ? `Send purchase order ${order.number}?` : `Cancel purchase order ${order.number}?`}
        confirm={action === 'send' ? 'Yes, mark sent' : 'Yes, cancel purchase order'}
        busy={form.busy}
        onConfirm={confirm}
        onClose={() => setOpen(null)}
      >
        <FormError form={form} />
        {action === 'send' ? (
          <p>The order is final once sent: its lines can no longer change, and its PDF is made to go to {order.supplierName}.</p>
        ) : (
          <>
            <p>
              {order.lines.some((l) => l.received > 0)
                ? 'What was received stays in stock; the rest is no longer on order.'
                : 'Nothing was received; nothing stays on order.'}
            </p>
            <Field label="Reason" hint="optional, kept with the purchase order" error={cancelForm.error('reason')}>
              {(p) => <textarea {...p} value={reason} onInput={(e) => setReason(valueOf(e))} maxLength={500} rows={3} />}
            </Field>
          </>
        )}
      </Confirm>
    </>
  );
}
