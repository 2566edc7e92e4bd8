import { useState } from 'preact/hooks';
import type { z } from 'zod';
import { parseWholeNumber } from '../../../../shared/domain/money.js';
import { run } from '../../api.js';
import { Field, FormError, useForm, valueOf } from '../../form.js';
import type { PurchaseOrder } from '../../types.js';
import { receiptBody } from '../../../../functions/receive-stock/schema.js';
import { purchaseReceipt } from '../../../../shared/query/answers/purchase-orders.js';

// Goods in against a purchase order: how many of each open line came, in parts if need be. The server
// refuses more than is still open (over_receipt) and books the rest into stock at the line's cost.

/** What receiving answers: the receipt's lines and the order as it now stands. */
export type Receipt = z.output<typeof purchaseReceipt>;

export function ReceiveGoodsForm({ order, onDone, onCancel }: { order: PurchaseOrder; onDone: (r: Receipt) => void; onCancel: () => void }) {
  const form = useForm();
  const open = order.lines.filter((l) => l.received < l.quantity);
  // Each field starts at what is still to come: a full delivery is one press of Save receipt.
  const [qty, setQty] = useState<Record<number, string>>(Object.fromEntries(open.map((l) => [l.lineNo, String(l.quantity - l.received)])));
  const [note, setNote] = useState('');
  // Errors name lines by their index in the body sent; only lines with a quantity are sent.
  const [sentLines, setSentLines] = useState<number[]>([]);
  const errorOf = (lineNo: number, i: number) => {
    form.error(`lines.${i}.quantity`); // a path a line may answer to when the form is sent
    const at = sentLines.indexOf(lineNo);
    return at < 0 ? undefined : (form.error(`lines.${at}.quantity`) ?? form.error(`lines.${at}.lineNo`));
  };
  const save = (e: Event) => {
    e.preventDefault();
    const fieldErrors: Record<string, string> = {};
    const filled = open.filter((l) => (qty[l.lineNo] ?? '').trim() !== '' && parseWholeNumber(qty[l.lineNo]!) !== 0);
    filled.forEach((l, i) => {
      const n = parseWholeNumber(qty[l.lineNo]!);
      if (n === undefined) fieldErrors[`lines.${i}.quantity`] = 'a whole number of units';
      else if (n > l.quantity - l.received) fieldErrors[`lines.${i}.quantity`] = `at most ${l.quantity - l.received} (still open)`;
    });
    setSentLines(filled.map((l) => l.lineNo));
    if (filled.length === 0) fieldErrors[''] = 'enter the quantity received of at least one line';
    void form.submit({
      schema: receiptBody,
      value: {
        purchaseOrderId: order.id,
        lines: filled.map((l) => ({ lineNo: l.lineNo, quantity: parseWholeNumber(qty[l.lineNo]!) ?? 0 })),
        note: note.trim() || undefined,
      },
      fieldErrors,
      send: (b, key) => run('receive-stock/purchase-order/receive', b, key, purchaseReceipt),
      done: onDone,
    });
  };
  return (
    <form class="card form" onSubmit={save} noValidate aria-label="Receive goods">
      <FormError form={form} />
      {open.map((l, i) => (
        <fieldset key={l.lineNo}>
          <legend>
            Line {l.lineNo}: {l.sku} — {l.name}
          </legend>
          <Field label="Quantity received" error={errorOf(l.lineNo, i)} hint={`${l.quantity - l.received} of ${l.quantity} still open`}>
            {(p) => (
              <input
                {...p}
                value={qty[l.lineNo] ?? ''}
                onInput={(e) => setQty({ ...qty, [l.lineNo]: valueOf(e) })}
                inputMode="numeric"
                autoComplete="off"
                class="short"
              />
            )}
          </Field>
        </fieldset>
      ))}
      <Field label="Note" error={form.error('note')} hint="optional, e.g. the delivery note's number">
        {(p) => <input {...p} value={note} onInput={(e) => setNote(valueOf(e))} maxLength={500} autoComplete="off" />}
      </Field>
      <div class="actions">
        <button type="button" class="secondary" onClick={onCancel}>
          Close
        </button>
        <button type="submit" disabled={form.busy}>
          Save receipt
        </button>
      </div>
    </form>
  );
}
