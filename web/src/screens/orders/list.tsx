import { mayRun } from '../../../../shared/auth/permissions.js';
import { orderStatuses } from '../../../../shared/domain/order-lifecycle.js';
import { Field } from '../../form.js';
import { href } from '../../router.js';
import { OrdersTable } from '../../components/orders-table.js';
import type { ScreenProps } from '../../screen.js';
import type { Customer } from '../../types.js';
import { Header, PagedList } from '../../ui.js';
import { StatusFilter, useQueryFilters } from '../../components/list-filters.js';
import { useAllCustomers } from '../../hooks/customers.js';
import { useOrders } from '../../hooks/orders.js';

const filterNames = ['status', 'customerId', 'from', 'to', 'q'] as const;

export function OrdersList({ roles, query }: ScreenProps) {
  const { applied, f, set, filtered, apply } = useQueryFilters(query, filterNames);
  const orders = useOrders(applied);
  const customers = useAllCustomers();

  return (
    <section>
      <Header title="Orders">
        {mayRun(roles, 'create-order') ? (
          <a class="button" href={href('/orders/new')}>
            New order
          </a>
        ) : null}
      </Header>
      <form role="search" aria-label="Filter orders" class="filters" onSubmit={apply}>
        <StatusFilter statuses={orderStatuses} value={f.status} onChange={set('status')} />
        <Field label="Customer">
          {(p) => (
            <select {...p} value={f.customerId} onChange={set('customerId')}>
              <option value="">All customers</option>
              {customerOptions(customers.data ?? [], f.customerId).map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="From">{(p) => <input {...p} type="date" value={f.from} onInput={set('from')} />}</Field>
        <Field label="To">{(p) => <input {...p} type="date" value={f.to} onInput={set('to')} min={f.from || undefined} />}</Field>
        <Field label="Search orders">
          {(p) => <input {...p} type="search" value={f.q} onInput={set('q')} placeholder="Order id or customer" maxLength={100} />}
        </Field>
        <div class="actions">
          <button type="submit" class="secondary">
            Filter
          </button>
          {filtered ? (
            <a class="button secondary" href={href('/orders')}>
              Clear filters
            </a>
          ) : null}
        </div>
      </form>
      <PagedList paged={orders} empty={filtered ? 'No orders match these filters.' : 'No orders yet.'}>
        {(items) => <OrdersTable items={items} />}
      </PagedList>
    </section>
  );
}
/** The customers to choose from, plus the one the address names when the list does not have it (yet). */
export function customerOptions(list: Customer[], selected: string): { id: string; name: string }[] {
  return selected && !list.some((c) => c.id === selected) ? [{ id: selected, name: selected }, ...list] : list;
}
