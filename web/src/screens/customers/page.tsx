import { mayRun } from '../../../../shared/auth/permissions.js';
import { href, seg } from '../../router.js';
import type { ScreenProps } from '../../screen.js';
import { Header, Money, PagedList, Show } from '../../ui.js';
import { addressLines } from '../../../../shared/domain/postal-address.js';
import { missingNames } from '../../components/address-fields.js';
import { InvoicesTable } from '../../components/invoices-table.js';
import { OrdersTable } from '../../components/orders-table.js';
import { useCustomer } from '../../hooks/customers.js';
import { useInvoices } from '../../hooks/invoices.js';
import { useOrders } from '../../hooks/orders.js';

// Who buys: their terms (the invoice's due date follows them), what they owe, and their orders and invoices.
export function CustomerPage({ roles, params }: ScreenProps) {
  const id = params.id!;
  // Orders, invoices and payments all name their customer, so one id covers every change that matters here.
  const mine = (c: { customers: string[] }) => c.customers.includes(id);
  const customer = useCustomer(id, mine);
  const orders = useOrders({ customerId: id }, mine, 20);
  const invoices = useInvoices({ customerId: id }, mine, 20);
  return (
    <section>
      <Header title={customer.data?.name ?? 'Customer'}>
        {mayRun(roles, 'upsert-customer') ? (
          <a class="button secondary" href={href(`/customers/${seg(id)}/edit`)}>
            Edit
          </a>
        ) : null}
      </Header>
      <Show loaded={customer}>
        {(c) => (
          <>
            {c.missingForEInvoice.length > 0 ? (
              <p class="notice" role="status">
                An e-invoice to this customer needs: {missingNames(c.missingForEInvoice).join(', ')}.
                {mayRun(roles, 'upsert-customer') ? (
                  <>
                    {' '}
                    <a href={href(`/customers/${seg(id)}/edit`)}>Add them</a>.
                  </>
                ) : null}
              </p>
            ) : null}
            <div class="kpis" role="group" aria-label="Customer">
              <div>
                <span>Email</span>
                <b>{c.email ? <a href={`mailto:${c.email}`}>{c.email}</a> : '–'}</b>
              </div>
              <div>
                <span>Payment terms</span>
                <b>{c.paymentTermsDays} days</b>
              </div>
              <div>
                <span>Billing address</span>
                <b>
                  {c.address
                    ? addressLines(c.address).map((l, i) => (
                        <span class="line" key={i}>
                          {l}
                        </span>
                      ))
                    : '–'}
                </b>
              </div>
              <div>
                <span>VAT ID</span>
                <b>{c.vatId ?? '–'}</b>
              </div>
              <div>
                <span>Language</span>
                <b>{c.language ?? '–'}</b>
              </div>
              <div>
                <span>Currency</span>
                <b>{c.currency ?? '–'}</b>
              </div>
              <div>
                <span>Open balance</span>
                {c.openBalances.length === 0 ? (
                  <b>nothing open</b>
                ) : (
                  c.openBalances.map((b) => (
                    <b key={b.currency}>
                      <Money minor={b.balance} currency={b.currency} />{' '}
                      <small class="muted">
                        ({b.invoices} {b.invoices === 1 ? 'invoice' : 'invoices'})
                      </small>
                    </b>
                  ))
                )}
              </div>
            </div>
          </>
        )}
      </Show>
      <h2>Orders</h2>
      <PagedList paged={orders} empty="No orders yet.">
        {(items) => <OrdersTable items={items} ofCustomer />}
      </PagedList>
      <h2>Invoices</h2>
      <PagedList paged={invoices} empty="No invoices yet.">
        {(items) => <InvoicesTable items={items} ofCustomer />}
      </PagedList>
    </section>
  );
}
