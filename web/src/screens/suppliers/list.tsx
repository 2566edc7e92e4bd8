import { mayRun } from '../../../../shared/auth/permissions.js';
import { addressLines } from '../../../../shared/domain/postal-address.js';
import { supplierBody } from '../../../../shared/schemas/supplier.js';
import { read, run } from '../../api.js';
import { Field, FormError, useForm } from '../../form.js';
import { useLoad } from '../../load.js';
import { usePaged } from '../../paging.js';
import { href, navigate, seg } from '../../router.js';
import type { ScreenProps } from '../../screen.js';
import type { Supplier } from '../../types.js';
import { Header, PagedList, SearchForm, Show, TableWrap } from '../../ui.js';
import { AddressFields } from '../../components/address-fields.js';
import { ImportCsv } from '../../components/import-csv.js';
import { EmailField, FormActions, NameField, PaymentTermsField, VatIdField, usePartyDraft } from '../../components/party-form-fields.js';
import { PurchaseOrdersTable } from '../purchase-orders/list.js';
import { supplier as supplierAnswer, supplierPage } from '../../../../shared/query/answers/parties.js';
import { purchaseOrderPage } from '../../../../shared/query/answers/purchase-orders.js';

// Who we buy from: their terms and currency (a purchase order is in the supplier's currency), their
// address and VAT id for the purchase order's PDF, their e-mail to send it to.

export function SuppliersList({ roles, query }: ScreenProps) {
  const q = query.get('q') ?? '';
  const suppliers = usePaged((limit, cursor) => read(supplierPage, 'suppliers', { q, limit, cursor }), [q]);
  return (
    <section>
      <Header title="Suppliers">
        {mayRun(roles, 'upsert-product/import') ? <ImportCsv kind="suppliers" onImported={suppliers.loaded.reload} /> : null}
        {mayRun(roles, 'upsert-product/supplier') ? <a class="button" href={href('/suppliers/new')}>New supplier</a> : null}
      </Header>
      <SearchForm label="Search suppliers" placeholder="Name" path="/suppliers" q={q} />
      <PagedList paged={suppliers} empty={`No suppliers${q ? ` match “${q}”` : ' yet'}.`}>
        {(items) => (
          <TableWrap label="Suppliers">
            <table>
              <caption class="sr-only">Suppliers</caption>
              <thead>
                <tr><th scope="col">Name</th><th scope="col">Email</th><th scope="col">Currency</th><th scope="col" class="num">Payment terms (days)</th></tr>
              </thead>
              <tbody>
                {items.map((s) => (
                  <tr key={s.id}>
                    <td><a href={href(`/suppliers/${seg(s.id)}`)}>{s.name}</a></td>
                    <td>{s.email ?? <span class="muted">–</span>}</td>
                    <td>{s.currency}</td>
                    <td class="num">{s.paymentTermsDays}</td>
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

export function SupplierPage({ roles, params }: ScreenProps) {
  const id = params.id!;
  const supplier = useLoad(() => read(supplierAnswer, `suppliers/${seg(id)}`), [id]);
  const orders = usePaged((limit, cursor) => read(purchaseOrderPage, 'purchase-orders', { supplierId: id, limit, cursor }), [id], undefined, 20);
  return (
    <section>
      <Header title={supplier.data?.name ?? 'Supplier'}>
        {mayRun(roles, 'receive-stock/purchase-order') ? <a class="button" href={href('/purchase-orders/new', { supplierId: id })}>New purchase order</a> : null}
        {mayRun(roles, 'upsert-product/supplier') ? <a class="button secondary" href={href(`/suppliers/${seg(id)}/edit`)}>Edit</a> : null}
      </Header>
      <Show loaded={supplier}>
        {(s) => (
          <div class="kpis" role="group" aria-label="Supplier">
            <div><span>Email</span><b>{s.email ? <a href={`mailto:${s.email}`}>{s.email}</a> : '–'}</b></div>
            <div><span>Payment terms</span><b>{s.paymentTermsDays} days</b></div>
            <div><span>Currency</span><b>{s.currency}</b></div>
            <div>
              <span>Address</span>
              <b>{s.address ? addressLines(s.address).map((l, i) => <span class="line" key={i}>{l}</span>) : '–'}</b>
            </div>
            <div><span>VAT ID</span><b>{s.vatId ?? '–'}</b></div>
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

/** New supplier (no id in the address) or an edit; the id stays, the command replaces the record. */
export function SupplierEdit({ params }: ScreenProps) {
  const id = params.id;
  const existing = useLoad(() => (id ? read(supplierAnswer, `suppliers/${seg(id)}`) : Promise.resolve(undefined)), [id]);
  return (
    <section>
      <Header title={id ? `Edit ${existing.data?.name ?? 'supplier'}` : 'New supplier'} />
      {id ? <Show loaded={existing}>{(s) => <SupplierForm supplier={s} />}</Show> : <SupplierForm />}
    </section>
  );
}

function SupplierForm({ supplier }: { supplier?: Supplier | undefined }) {
  const form = useForm();
  const draft = usePartyDraft(supplier, { currency: supplier?.currency ?? 'EUR' });
  const save = (e: Event) => {
    e.preventDefault();
    const { value, fieldErrors } = draft.body();
    void form.submit({
      schema: supplierBody,
      value: { ...(supplier ? { id: supplier.id } : {}), ...value, currency: draft.f.currency.trim().toUpperCase() },
      fieldErrors,
      send: (b, key) => run<{ supplierId: string }>('upsert-product/supplier', b, key),
      done: (s) => navigate(`/suppliers/${seg(s.supplierId)}`),
    });
  };
  return (
    <form class="card form" onSubmit={save} noValidate>
      <FormError form={form} />
      <NameField form={form} draft={draft} />
      <div class="row">
        <EmailField form={form} draft={draft} hint="optional; purchase orders are e-mailed here" />
        <PaymentTermsField form={form} draft={draft} hint="days the supplier gives us to pay" />
        <Field label="Currency" error={form.error('currency')} hint="what the supplier bills in, e.g. EUR">
          {(p) => <input {...p} value={draft.f.currency} onInput={draft.set('currency')} maxLength={3} class="short" required autoComplete="off" />}
        </Field>
      </div>
      <AddressFields form={form} value={draft.address} onChange={draft.setAddress} legend="Address" />
      <VatIdField form={form} draft={draft} />
      <FormActions form={form} back={supplier ? href(`/suppliers/${seg(supplier.id)}`) : href('/suppliers')} />
    </form>
  );
}
