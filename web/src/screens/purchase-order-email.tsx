import { z } from 'zod';
import { mayRun } from '../../../shared/auth/permissions.js';
import { id } from '../../../shared/schemas/common.js';
import { run } from '../api.js';
import { FormError, useForm } from '../form.js';
import type { PurchaseOrder, Supplier } from '../types.js';

// Send by e-mail: the purchase order's PDF to the supplier's address (render-document /send, as the
// invoices' e-mails). Shown to the roles that may send documents, and only when the supplier has an
// address to send to; otherwise the page says what is missing.

/** Stand-in for render-document's send body once it takes purchase orders (branch po-documents). */
const sendPurchaseOrder = z.object({ kind: z.literal('purchase_order'), documentId: id }).strict();

export function PurchaseOrderEmail({ order, supplier, roles, onSent }: { order: PurchaseOrder; supplier: Supplier | undefined; roles: string[]; onSent: (message: string) => void }) {
  const form = useForm();
  if (!mayRun(roles, 'render-document/send') || !supplier) return null;
  if (!supplier.email) return <span class="hint">{supplier.name} has no e-mail address to send to.</span>;
  const send = () =>
    void form.submit({
      schema: sendPurchaseOrder,
      value: { kind: 'purchase_order', documentId: order.id },
      send: (b, key) => run<{ recipient?: string }>('render-document/send', b, key),
      done: (a) => onSent(`${order.number} is being sent to ${a.recipient ?? supplier.email}.`),
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
