import { href, seg } from '../router.js';
import type { PurchaseOrderSummary } from '../types.js';
import { Money, Status, TableWrap, When } from '../ui.js';

/** Purchase orders newest first; on a supplier's own page (`ofSupplier`) without the supplier column. */
export function PurchaseOrdersTable({ items, ofSupplier = false }: { items: PurchaseOrderSummary[]; ofSupplier?: boolean }) {
  const label = ofSupplier ? 'Purchase orders to this supplier' : 'Purchase orders';
  return (
    <TableWrap label={label}>
      <table>
        <caption class="sr-only">{label}, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Number</th>
            {ofSupplier ? null : <th scope="col">Supplier</th>}
            <th scope="col">Created</th>
            <th scope="col">Sent</th>
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
                <a href={href(`/purchase-orders/${seg(o.id)}`)}>{o.number}</a>
              </td>{' '}
              {ofSupplier ? null : (
                <>
                  <td>{o.supplierName}</td>{' '}
                </>
              )}
              <td>
                <When at={o.createdAt} />
              </td>{' '}
              <td>{o.sentAt ? <When at={o.sentAt} /> : <span class="muted">–</span>}</td>{' '}
              <td>
                <Status status={o.status} />
              </td>{' '}
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
