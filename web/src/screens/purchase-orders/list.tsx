import { mayRun } from '../../../../shared/auth/permissions.js';
import { purchaseOrderStatuses } from '../../../../shared/domain/purchase-order-lifecycle.js';
import { Field } from '../../form.js';
import { href } from '../../router.js';
import { PurchaseOrdersTable } from '../../components/purchase-orders-table.js';
import type { ScreenProps } from '../../screen.js';
import { Header, PagedList } from '../../ui.js';
import { StatusFilter, useQueryFilters } from '../../components/list-filters.js';
import { ReorderSuggestions } from './reorder-suggestions.js';
import { usePurchaseOrders } from '../../hooks/purchase-orders.js';
import { useAllSuppliers } from '../../hooks/suppliers.js';

// What we have ordered from whom, newest first, and below it what should be ordered next.

const filterNames = ['status', 'supplierId'] as const;

export function PurchaseOrdersList({ roles, query }: ScreenProps) {
  const { applied, f, set, filtered, apply } = useQueryFilters(query, filterNames);
  const orders = usePurchaseOrders(applied);
  const suppliers = useAllSuppliers();
  return (
    <section>
      <Header title="Purchase orders">
        {mayRun(roles, 'receive-stock/purchase-order') ? (
          <a class="button" href={href('/purchase-orders/new')}>
            New purchase order
          </a>
        ) : null}
      </Header>
      <form role="search" aria-label="Filter purchase orders" class="filters" onSubmit={apply}>
        <StatusFilter statuses={purchaseOrderStatuses} value={f.status} onChange={set('status')} />
        <Field label="Supplier">
          {(p) => (
            <select {...p} value={f.supplierId} onChange={set('supplierId')}>
              <option value="">All suppliers</option>
              {(suppliers.data ?? []).map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <div class="actions">
          <button type="submit" class="secondary">
            Filter
          </button>
          {filtered ? (
            <a class="button secondary" href={href('/purchase-orders')}>
              Clear filters
            </a>
          ) : null}
        </div>
      </form>
      <PagedList paged={orders} empty={filtered ? 'No purchase orders match these filters.' : 'No purchase orders yet.'}>
        {(items) => <PurchaseOrdersTable items={items} />}
      </PagedList>
      <ReorderSuggestions roles={roles} />
    </section>
  );
}
