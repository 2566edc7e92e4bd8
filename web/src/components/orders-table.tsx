import { href, seg } from '../router.js';
import type { Order } from '../types.js';
import { Money, Status, TableWrap, When } from '../ui.js';

/**
 * The part of an order id people read out and compare: ids are UUIDv7, whose first characters are the
 * creation time (shared by every order of the same minute) and whose last eight are random.
 */
export const shortId = (id: string) => (id.length > 8 ? id.slice(-8) : id);

/** Orders newest first; on a customer's own page (`ofCustomer`) without the customer column, ids whole. */
export function OrdersTable({ items, ofCustomer = false }: { items: Order[]; ofCustomer?: boolean }) {
  const label = ofCustomer ? 'Orders of this customer' : 'Orders';
  return (
    <TableWrap label={label}>
      <table>
        <caption class="sr-only">{label}, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Order</th>
            {ofCustomer ? null : <th scope="col">Customer</th>}
            <th scope="col">Created</th>
            <th scope="col">Status</th>
            <th scope="col" class="num">
              Total
            </th>
          </tr>
        </thead>
        <tbody>
          {items.map((o) => (
            <tr key={o.id}>
              <td>
                <a href={href(`/orders/${seg(o.id)}`)} title={ofCustomer ? undefined : o.id}>
                  {ofCustomer ? o.id : shortId(o.id)}
                </a>
              </td>
              {ofCustomer ? null : <td>{o.customerName ?? o.customerId}</td>}
              <td>
                <When at={o.createdAt} />
              </td>
              <td>
                <Status status={o.status} />
              </td>
              <td class="num">
                <Money minor={o.total} currency={o.currency} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}
