import { href, seg } from '../../router.js';
import type { ScreenProps } from '../../screen.js';
import type { InvoiceDetail } from '../../types.js';
import { Day, Header, Money, Show, statusText } from '../../ui.js';
import { InvoiceFigures } from './parts.js';
import { useInvoice } from '../../hooks/invoices.js';

// The invoice as the customer gets it on paper or as a PDF from the browser's print dialog. The style
// sheet hides the app's frame and the buttons when printing; this is only the document.

/** Days from issue to due: the customer's payment terms when the invoice was issued. */
const termsDays = (i: InvoiceDetail) => Math.round((Date.parse(`${i.dueDate}T00:00:00Z`) - Date.parse(`${i.issueDate}T00:00:00Z`)) / 86_400_000);

export function InvoicePrint({ params }: ScreenProps) {
  const id = params.id!;
  const invoice = useInvoice(id);
  return (
    <Show loaded={invoice}>
      {(i) => (
        <article class="print-doc" aria-labelledby="print-title">
          <Header title={<span id="print-title">Invoice {i.number}</span>}>
            <button type="button" onClick={() => window.print()}>
              Print
            </button>
            <a class="button secondary" href={href(`/invoices/${seg(id)}`)}>
              Back
            </a>
          </Header>
          <div class="grid2">
            <div>
              <h2>Your company</h2>
              <p class="muted">Address, tax number and bank details go here.</p>
            </div>
            <div>
              <h2>Bill to</h2>
              <p>{i.customerName}</p>
            </div>
          </div>
          <table>
            <caption class="sr-only">Invoice details</caption>
            <tbody>
              <tr>
                <th scope="row">Invoice number</th>
                <td>{i.number}</td>
              </tr>
              <tr>
                <th scope="row">Issue date</th>
                <td>
                  <Day day={i.issueDate} />
                </td>
              </tr>
              <tr>
                <th scope="row">Due date</th>
                <td>
                  <Day day={i.dueDate} />
                  {i.overdue ? ' (overdue)' : ''}
                </td>
              </tr>
              <tr>
                <th scope="row">Payment terms</th>
                <td>{termsDays(i)} days net</td>
              </tr>
              <tr>
                <th scope="row">Order</th>
                <td>{i.orderId}</td>
              </tr>
              {i.status === 'paid' || i.status === 'credited' ? (
                <tr>
                  <th scope="row">Status</th>
                  <td>{statusText(i.status)}</td>
                </tr>
              ) : null}
            </tbody>
          </table>
          <InvoiceFigures invoice={i} />
          <p>
            {i.balance > 0 ? (
              <>
                Please pay{' '}
                <b>
                  <Money minor={i.balance} currency={i.currency} />
                </b>{' '}
                by <Day day={i.dueDate} />, quoting {i.number}.
              </>
            ) : (
              <>Nothing is left to pay on this invoice.</>
            )}
          </p>
        </article>
      )}
    </Show>
  );
}
