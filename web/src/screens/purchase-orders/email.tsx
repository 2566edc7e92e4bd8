import { mayRun } from '../../../../shared/auth/permissions.js';
import { sendPurchaseOrderBody } from '../../../../functions/render-document/schema.js';
import { run } from '../../api.js';
import { FormError, useForm } from '../../form.js';
import type { PurchaseOrder, Supplier } from '../../types.js';

// Send by e-mail: the purchase order's PDF to the supplier's address (render-document /send-purchase-order,
// as invoices are e-mailed). Shown to the roles that buy, and only when the supplier has an address to send
// to; otherwise the page says what is missing. The send is accepted at once and goes out a moment later.

export function PurchaseOrderEmail({
  order,
  supplier,
  roles,
  onSent,
}: {
  order: PurchaseOrder;
  supplier: Supplier | undefined;
  roles: string[];
  onSent: (message: string) => void;
}) {
  const form = useForm();
  if (!mayRun(roles, 'render-document/send-purchase-order') || !supplier) return null;
  if (!supplier.email) return <span class="hint">{supplier.name} has no e-mail address to send to.</span>;
  const send = () =>
    void form.submit({
      schema: sendPurchaseOrderBody,
      value: { purchaseOrderId: order.id },
      send: (b, key) => run<{ number: string; recipient: string }>('render-document/send-purchase-order', b, key),
      done: (a) => onSent(`${a.number} is being sent to ${a.recipient}.`),
    });
  return (
    <>
      <button type="button" class="secondary" onClick={send} disabled={form.busy}>
        Send by e-mail
      </button>
      <FormError form={form} />
    </>
  );
}
