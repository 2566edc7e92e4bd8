import { mayRun } from '../../../../shared/auth/permissions.js';
import { addressLines } from '../../../../shared/domain/postal-address.js';
import { href, seg } from '../../router.js';
import type { ScreenProps } from '../../screen.js';
import { Header, PagedList, Show } from '../../ui.js';
import { PurchaseOrdersTable } from '../../components/purchase-orders-table.js';
import { usePurchaseOrders } from '../../hooks/purchase-orders.js';
import { useSupplier } from '../../hooks/suppliers.js';

// Who we buy from: their terms and currency (a purchase order is in the supplier's currency), their
// address and VAT id for the purchase order's PDF, their e-mail to send it to.
export function SupplierPage({ roles, params }: ScreenProps) {
  const id = params.id!;
  const supplier = useSupplier(id);
  const orders = usePurchaseOrders({ supplierId: id }, null, 20);
  return (
    <section>
      <Header title={supplier.data?.name ?? 'Supplier'}>
        {mayRun(roles, 'receive-stock/purchase-order') ? (
          <a class="button" href={href('/purchase-orders/new', { supplierId: id })}>
            New purchase order
          </a>
        ) : null}
        {mayRun(roles, 'upsert-product/supplier') ? (
          <a class="button secondary" href={href(`/suppliers/${seg(id)}/edit`)}>
            Edit
          </a>
        ) : null}
      </Header>
      <Show loaded={supplier}>
        {(s) => (
          <div class="kpis" role="group" aria-label="Supplier">
            <div>
              <span>Email</span>
              <b>{s.email ? <a href={`mailto:${s.email}`}>{s.email}</a> : '–'}</b>
            </div>
            <div>
              <span>Payment terms</span>
              <b>{s.paymentTermsDays} days</b>
            </div>
            <div>
              <span>Currency</span>
              <b>{s.currency}</b>
            </div>
            <div>
              <span>Address</span>
              <b>
                {s.address
                  ? addressLines(s.address).map((l, i) => (
                      <span class="line" key={i}>
                        {l}
                      </span>
                    ))
                  : '–'}
              </b>
            </div>
            <div>
              <span>VAT ID</span>
              <b>{s.vatId ?? '–'}</b>
            </div>
          </div>
        )}
      </Show>
      <h2>Purchase orders</h2>
      <PagedList paged={orders} empty="No purchase orders yet.">
        {(items) => <PurchaseOrdersTable items={items} ofSupplier />}
      </PagedList>
    </section>
  );
}
