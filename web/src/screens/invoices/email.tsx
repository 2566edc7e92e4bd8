import { useEffect } from 'preact/hooks';
import type { DeliverableKind } from '../../../../shared/billing/deliverable-kinds.js';
import type { DeliveryStatus } from '../../../../shared/domain/delivery-lifecycle.js';
import { sendBody } from '../../../../functions/render-document/schema.js';
import { run } from '../../api.js';
import { FormError, useForm } from '../../form.js';
import type { Delivery } from '../../types.js';
import { TableWrap, When } from '../../ui.js';

// E-mailing an invoice, a credit note or a reminder to the customer (render-document /send) and what became of each
// e-mail. The send is accepted at once and goes out a moment later, so the page says so and follows it.

interface SendAnswer {
  deliveryId: string;
  number: string;
  recipient: string;
}

/** The Send by e-mail button of one document; `onSent` gets the sentence to show. */
export function SendByEmail({ kind, id, describedBy, onSent }: { kind: DeliverableKind; id: string; describedBy?: string; onSent: (message: string) => void }) {
  const form = useForm();
  const send = () =>
    void form.submit({
      schema: sendBody,
      value: { kind, id },
      send: (b, key) => run<SendAnswer>('render-document/send', b, key),
      done: (a) => onSent(`${a.number} is being sent to ${a.recipient}; the e-mails below show when it has gone.`),
    });
  return (
    <>
      <button type="button" class="secondary" onClick={send} disabled={form.busy} aria-describedby={describedBy}>
        Send by e-mail
      </button>
      <FormError form={form} />
    </>
  );
}

const statusText: Record<DeliveryStatus, string> = { requested: 'waiting', sending: 'sending', sent: 'sent', failed: 'failed' };

/** Whether the page should look again soon: an e-mail on its way, or one the connector will retry. */
export function deliveriesInFlight(deliveries: Delivery[], now = Date.now()): boolean {
  return deliveries.some(
    (d) => d.status === 'requested' || d.status === 'sending' || (d.status === 'failed' && !!d.lastAttemptAt && now - Date.parse(d.lastAttemptAt) < 120_000),
  );
}

/** Reloads every few seconds while an e-mail is in flight (sending raises no event the live stream would show). */
export function useFollowDeliveries(deliveries: Delivery[] | undefined, reload: () => void) {
  const inFlight = !!deliveries && deliveriesInFlight(deliveries);
  useEffect(() => {
    if (!inFlight) return;
    const timer = setInterval(reload, 3000);
    return () => clearInterval(timer);
  }, [inFlight, reload]);
}

export function DeliveriesTable({ deliveries }: { deliveries: Delivery[] }) {
  if (deliveries.length === 0) return <p class="empty">Not sent by e-mail yet.</p>;
  return (
    <TableWrap label="E-mails">
      <table>
        <caption class="sr-only">E-mails of this invoice and its credit notes, oldest first</caption>
        <thead>
          <tr>
            <th scope="col">Document</th>
            <th scope="col">To</th>
            <th scope="col">Status</th>
            <th scope="col">When</th>
            <th scope="col" class="num">
              Attempts
            </th>
            <th scope="col">Server's answer</th>
          </tr>
        </thead>
        <tbody>
          {deliveries.map((d) => (
            <tr key={d.id}>
              <td>
                {d.number}
                {d.trigger === 'on_issue' ? (
                  <>
                    {' '}
                    <span class="tag">on issue</span>
                  </>
                ) : null}
              </td>
              <td>{d.recipient}</td>
              <td>
                <span class={`status-badge s-${d.status}`}>{statusText[d.status]}</span>
              </td>
              <td>
                <When at={d.sentAt ?? d.lastAttemptAt ?? d.requestedAt} />
              </td>
              <td class="num">{d.attempts}</td>
              <td>{d.serverAnswer ?? <span class="muted">–</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}
