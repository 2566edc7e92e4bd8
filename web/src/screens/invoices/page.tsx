import { useState } from 'preact/hooks';
import { mayRun } from '../../../../shared/auth/permissions.js';
import { IssueCreditNote, mayRefund, RefundForm } from './credit.js';
import { formatMoney } from '../../../../shared/domain/money.js';
import { isUnpaid } from '../../../../shared/domain/invoice.js';
import { href, seg } from '../../router.js';
import type { ScreenProps } from '../../screen.js';
import type { InvoiceDetail } from '../../types.js';
import { Day, Header, Money, Show, Status, TableWrap, When } from '../../ui.js';
import { InvoiceFigures } from './parts.js';
import { PaymentForm } from './payment.js';
import { MoneyMovesTable } from '../../components/money-moves.js';
import { EInvoiceLinks } from '../../components/einvoice-links.js';
import { PdfLink } from '../../components/pdf-link.js';
import { DeliveriesTable, SendByEmail, useFollowDeliveries } from './email.js';
import { RemindersTable } from './reminders.js';
import { useInvoice } from '../../hooks/invoices.js';

// What customers owe: the accountant's list (overdue first to the eye), one invoice with its payments
// and credit notes, and recording money as it comes in.
const payable = (i: InvoiceDetail) => i.balance > 0 && isUnpaid(i.status);

export function InvoicePage({ roles, params }: ScreenProps) {
  const id = params.id!;
  const invoice = useInvoice(id);
  const [paying, setPaying] = useState(false);
  const [refunding, setRefunding] = useState(false);
  const [saved, setSaved] = useState<string>();
  const i = invoice.data;
  const mayPay = !!i && mayRun(roles, 'record-payment') && payable(i);
  const maySend = mayRun(roles, 'render-document/send');
  useFollowDeliveries(i?.deliveries, invoice.reload);
  const sent = (message: string) => (setSaved(message), invoice.reload());
  const refundable = !!i && mayRefund(i, roles);
  const after = (message: string) => (setRefunding(false), setSaved(message), invoice.reload());
  return (
    <section>
      <Header title={i ? `Invoice ${i.number}` : 'Invoice'}>
        {i ? <PdfLink path={`invoices/${seg(id)}/pdf`} label="PDF" filename={`${i.number}.pdf`} /> : null}
        {i ? <EInvoiceLinks path={`invoices/${seg(id)}`} number={i.number} /> : null}
        {i ? (
          <a class="button secondary" href={href(`/invoices/${seg(id)}/print`)}>
            Print
          </a>
        ) : null}
        {mayPay ? (
          <button type="button" aria-expanded={paying} onClick={() => (setPaying(!paying), setSaved(undefined))}>
            Record payment
          </button>
        ) : null}
        {i && maySend ? <SendByEmail kind="invoice" id={id} onSent={sent} /> : null}
        {i ? <IssueCreditNote invoice={i} roles={roles} done={after} /> : null}
        {refundable ? (
          <button type="button" aria-expanded={refunding} onClick={() => (setRefunding(!refunding), setSaved(undefined))}>
            Record refund
          </button>
        ) : null}
      </Header>
      {i && refundable && refunding ? <RefundForm invoice={i} onCancel={() => setRefunding(false)} onDone={after} /> : null}
      {i && mayPay && paying ? (
        <PaymentForm
          invoice={i}
          onCancel={() => setPaying(false)}
          onDone={(a) => {
            setPaying(false);
            setSaved(`Payment saved; the balance is now ${formatMoney(a.balance, i.currency)}.`);
            invoice.reload();
          }}
        />
      ) : null}
      {saved ? (
        <p role="status" class="hint">
          {saved}
        </p>
      ) : null}
      <Show loaded={invoice}>{(i) => <InvoiceBody invoice={i} maySend={maySend} onSent={sent} />}</Show>
    </section>
  );
}

function InvoiceBody({ invoice: i, maySend, onSent }: { invoice: InvoiceDetail; maySend: boolean; onSent: (message: string) => void }) {
  return (
    <>
      <div class="kpis" role="group" aria-label="Invoice">
        <div>
          <span>Status</span>
          <b>
            <Status status={i.status} />
          </b>
        </div>
        <div>
          <span>Customer</span>
          <b>
            <a href={href(`/customers/${seg(i.customerId)}`)}>{i.customerName}</a>
          </b>
        </div>
        <div>
          <span>Order</span>
          <b>
            <a href={href(`/orders/${seg(i.orderId)}`)}>{i.orderId}</a>
          </b>
        </div>
        <div>
          <span>Issued</span>
          <b>
            <Day day={i.issueDate} />
          </b>
        </div>
        <div class={i.overdue ? 'overdue' : undefined}>
          <span>Due</span>
          <b>
            <Day day={i.dueDate} />
            {i.overdue ? (
              <>
                {' '}
                <span class="tag overdue">overdue</span>
              </>
            ) : null}
          </b>
        </div>
        <div>
          <span>Balance</span>
          <b>
            <Money minor={i.balance} currency={i.currency} />
          </b>
        </div>
        {i.refundDue > 0 ? (
          <div>
            <span>Owed back</span>
            <b>
              <Money minor={i.refundDue} currency={i.currency} />
            </b>
          </div>
        ) : null}
      </div>
      <InvoiceFigures invoice={i} />
      <h2>Payments</h2>
      {i.payments.length === 0 ? (
        <p class="empty">No payments yet.</p>
      ) : (
        <MoneyMovesTable label="Payments" moves={i.payments.map((p) => ({ ...p, at: p.receivedAt }))} currency={i.currency} />
      )}
      {i.creditNotes.length ? (
        <>
          <h2>Credit notes</h2>
          <TableWrap label="Credit notes">
            <table>
              <caption class="sr-only">Credit notes</caption>
              <thead>
                <tr>
                  <th scope="col">Number</th>
                  <th scope="col">When</th>
                  <th scope="col" class="num">
                    Amount
                  </th>
                  <th scope="col">Reason</th>
                  <th scope="col">Document</th>
                  {maySend ? <th scope="col">E-mail</th> : null}
                </tr>
              </thead>
              <tbody>
                {i.creditNotes.map((n) => (
                  <tr key={n.id}>
                    <td id={`cn-${n.id}`}>{n.number}</td>
                    <td>
                      <When at={n.issuedAt} />
                    </td>
                    <td class="num">
                      <Money minor={n.amount} currency={i.currency} />
                    </td>
                    <td>{n.reason ?? <span class="muted">–</span>}</td>
                    <td>
                      <PdfLink path={`credit-notes/${seg(n.id)}/pdf`} label="PDF" filename={`${n.number}.pdf`} />{' '}
                      <EInvoiceLinks path={`credit-notes/${seg(n.id)}`} number={n.number} inRow />
                    </td>
                    {maySend ? (
                      <td>
                        <SendByEmail kind="credit_note" id={n.id} describedBy={`cn-${n.id}`} onSent={onSent} />
                      </td>
                    ) : null}
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        </>
      ) : null}
      {i.refunds.length ? (
        <>
          <h2>Refunds</h2>
          <MoneyMovesTable label="Refunds" moves={i.refunds.map((r) => ({ ...r, at: r.refundedAt }))} currency={i.currency} />
        </>
      ) : null}
      <h2>Reminders</h2>
      <RemindersTable invoice={i} maySend={maySend} onSent={onSent} />
      <h2>E-mails</h2>
      <DeliveriesTable deliveries={i.deliveries} />
    </>
  );
}
