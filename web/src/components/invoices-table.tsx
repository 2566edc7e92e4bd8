import { href, seg } from '../router.js';
import type { Invoice } from '../types.js';
import { Day, Money, Status, TableWrap } from '../ui.js';

/** Invoices newest first; on a customer's own page (`ofCustomer`) without the customer column. */
export function InvoicesTable({ items, ofCustomer = false }: { items: Invoice[]; ofCustomer?: boolean }) {
  const label = ofCustomer ? 'Invoices of this customer' : 'Invoices';
  return (
    <TableWrap label={label}>
      <table>
        <caption class="sr-only">{label}, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Number</th>
            {ofCustomer ? null : <th scope="col">Customer</th>}
            <th scope="col">Issued</th>
            <th scope="col">Due</th>
            <th scope="col">Status</th>
            <th scope="col" class="num">
              Total
            </th>
            <th scope="col" class="num">
              Balance
            </th>
          </tr>
        </thead>
        <tbody>
          {items.map((i) => (
            <tr key={i.id} class={i.overdue ? 'overdue' : undefined}>
              <td>
                <a href={href(`/invoices/${seg(i.id)}`)}>{i.number}</a>
              </td>
              {ofCustomer ? null : <td>{i.customerName}</td>}
              <td>
                <Day day={i.issueDate} />
              </td>
              <td>
                <Day day={i.dueDate} />
                {i.overdue ? (
                  <>
                    {' '}
                    <span class="tag overdue">overdue</span>
                  </>
                ) : null}
                {i.reminderLevel ? (
                  <>
                    {' '}
                    <span class="tag">reminder {i.reminderLevel}</span>
                  </>
                ) : null}
              </td>
              <td>
                <Status status={i.status} />
              </td>
              <td class="num">
                <Money minor={i.total} currency={i.currency} />
              </td>
              <td class="num">
                <Money minor={i.balance} currency={i.currency} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}
