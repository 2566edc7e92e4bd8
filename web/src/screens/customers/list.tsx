import { mayRun } from '../../../../shared/auth/permissions.js';
import { body as customerBody } from '../../../../functions/upsert-customer/schema.js';
import { read, run } from '../../api.js';
import { Field, FormError, useForm } from '../../form.js';
import { useLoad } from '../../load.js';
import { href, navigate, seg } from '../../router.js';
import type { ScreenProps } from '../../screen.js';
import type { Customer } from '../../types.js';
import { Header, Money, PagedList, SearchForm, Show, TableWrap } from '../../ui.js';
import { usePaged } from '../../paging.js';
import { addressLines } from '../../../../shared/domain/postal-address.js';
import { AddressFields, missingNames } from '../../components/address-fields.js';
import { InvoicesTable } from '../invoices/list.js';
import { ImportCsv } from '../../components/import-csv.js';
import { OrdersTable } from '../orders/list.js';
import { EmailField, FormActions, NameField, PaymentTermsField, VatIdField, optional, usePartyDraft } from '../../components/party-form-fields.js';
import { invoicePage } from '../../../../shared/query/answers/invoices.js';
import { orderPage } from '../../../../shared/query/answers/orders.js';
import { customerDetail, customerPage } from '../../../../shared/query/answers/parties.js';

// Who buys: their terms (the invoice's due date follows them), what they owe, and their orders and invoices.

export function CustomersList({ roles, query }: ScreenProps) {
  const q = query.get('q') ?? '';
  const customers = usePaged((limit, cursor) => read(customerPage, 'customers', { q, limit, cursor }), [q], (c) => c.customers.length > 0);
  return (
    <section>
      <Header title="Customers">
        {mayRun(roles, 'upsert-customer') ? <a class="button" href={href('/customers/new')}>New customer</a> : null}
        {mayRun(roles, 'upsert-customer/import') ? <ImportCsv kind="customers" onImported={customers.loaded.reload} /> : null}
      </Header>
      <SearchForm label="Search customers" placeholder="Name" path="/customers" q={q} />
      <PagedList paged={customers} empty={`No customers${q ? ` match “${q}”` : ' yet'}.`}>
        {(items) => (
          <TableWrap label="Customers">
            <table>
              <caption class="sr-only">Customers</caption>
              <thead>
                <tr><th scope="col">Name</th><th scope="col">Email</th><th scope="col" class="num">Payment terms (days)</th></tr>
              </thead>
              <tbody>
                {items.map((c) => (
                  <tr key={c.id}>
                    <td><a href={href(`/customers/${seg(c.id)}`)}>{c.name}</a></td>
                    <td>{c.email ?? <span class="muted">–</span>}</td>
                    <td class="num">{c.paymentTermsDays}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        )}
      </PagedList>
    </section>
  );
}

export function CustomerPage({ roles, params }: ScreenProps) {
  const id = params.id!;
  // Orders, invoices and payments all name their customer, so one id covers every change that matters here.
  const mine = (c: { customers: string[] }) => c.customers.includes(id);
  const customer = useLoad(() => read(customerDetail, `customers/${seg(id)}`), [id], mine);
  const orders = usePaged((limit, cursor) => read(orderPage, 'orders', { customerId: id, limit, cursor }), [id], mine, 20);
  const invoices = usePaged((limit, cursor) => read(invoicePage, 'invoices', { customerId: id, limit, cursor }), [id], mine, 20);
  return (
    <section>
      <Header title={customer.data?.name ?? 'Customer'}>
        {mayRun(roles, 'upsert-customer') ? <a class="button secondary" href={href(`/customers/${seg(id)}/edit`)}>Edit</a> : null}
      </Header>
      <Show loaded={customer}>
        {(c) => (
          <>
          {c.missingForEInvoice.length > 0 ? (
            <p class="notice" role="status">
              An e-invoice to this customer needs: {missingNames(c.missingForEInvoice).join(', ')}.
              {mayRun(roles, 'upsert-customer') ? <> <a href={href(`/customers/${seg(id)}/edit`)}>Add them</a>.</> : null}
            </p>
          ) : null}
          <div class="kpis" role="group" aria-label="Customer">
            <div><span>Email</span><b>{c.email ? <a href={`mailto:${c.email}`}>{c.email}</a> : '–'}</b></div>
            <div><span>Payment terms</span><b>{c.paymentTermsDays} days</b></div>
            <div>
              <span>Billing address</span>
              <b>{c.address ? addressLines(c.address).map((l, i) => <span class="line" key={i}>{l}</span>) : '–'}</b>
            </div>
            <div><span>VAT ID</span><b>{c.vatId ?? '–'}</b></div>
            <div><span>Language</span><b>{c.language ?? '–'}</b></div>
            <div><span>Currency</span><b>{c.currency ?? '–'}</b></div>
            <div>
              <span>Open balance</span>
              {c.openBalances.length === 0 ? (
                <b>nothing open</b>
              ) : (
                c.openBalances.map((b) => (
                  <b key={b.currency}>
                    <Money minor={b.balance} currency={b.currency} /> <small class="muted">({b.invoices} {b.invoices === 1 ? 'invoice' : 'invoices'})</small>
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

/** New customer (no id in the address) or an edit; the id stays, upsert-customer replaces the record. */
export function CustomerEdit({ params }: ScreenProps) {
  const id = params.id;
  const existing = useLoad(() => (id ? read(customerDetail, `customers/${seg(id)}`) : Promise.resolve(undefined)), [id]);
  return (
    <section>
      <Header title={id ? `Edit ${existing.data?.name ?? 'customer'}` : 'New customer'} />
      {id ? <Show loaded={existing}>{(c) => <CustomerForm customer={c} />}</Show> : <CustomerForm />}
    </section>
  );
}

function CustomerForm({ customer }: { customer?: Customer | undefined }) {
  const form = useForm();
  const draft = usePartyDraft(customer, { language: customer?.language ?? '', currency: customer?.currency ?? '' });
  const save = (e: Event) => {
    e.preventDefault();
    const { value, fieldErrors } = draft.body();
    void form.submit({
      schema: customerBody,
      value: { ...(customer ? { id: customer.id } : {}), ...value, language: optional(draft.f.language), currency: optional(draft.f.currency)?.toUpperCase() },
      fieldErrors,
      send: (b, key) => run<Customer>('upsert-customer', b, key),
      done: (c) => navigate(`/customers/${seg(c.id)}`),
    });
  };
  return (
    <form class="card form" onSubmit={save} noValidate>
      <FormError form={form} />
      <NameField form={form} draft={draft} />
      <div class="row">
        <EmailField form={form} draft={draft} hint="optional" />
        <PaymentTermsField form={form} draft={draft} hint="the invoice is due this many days after issue" />
      </div>
      <AddressFields form={form} value={draft.address} onChange={draft.setAddress} />
      <div class="row">
        <VatIdField form={form} draft={draft} />
        <Field label="Language" error={form.error('language')} hint="optional; for documents, e.g. en, de, fr">
          {(p) => <input {...p} value={draft.f.language} onInput={draft.set('language')} maxLength={2} class="short" autoComplete="off" />}
        </Field>
        <Field label="Preferred currency" error={form.error('currency')} hint="optional, e.g. EUR">
          {(p) => <input {...p} value={draft.f.currency} onInput={draft.set('currency')} maxLength={3} class="short" autoComplete="off" />}
        </Field>
      </div>
      <FormActions form={form} back={customer ? href(`/customers/${seg(customer.id)}`) : href('/customers')} />
    </form>
  );
}
