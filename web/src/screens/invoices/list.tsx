import { useState } from 'preact/hooks';
import { invoiceStatuses } from '../../../../shared/domain/invoice.js';
import { Field, valueOf } from '../../form.js';
import { navigate, replaceQuery } from '../../router.js';
import { InvoicesTable } from '../../components/invoices-table.js';
import type { ScreenProps } from '../../screen.js';
import { Header, PagedList, statusText } from '../../ui.js';
import { useInvoices } from '../../hooks/invoices.js';

// What customers owe: the accountant's list (overdue first to the eye), one invoice with its payments
// and credit notes, and recording money as it comes in.

export function InvoicesList({ query }: ScreenProps) {
  const q = query.get('q') ?? '';
  const status = query.get('status') ?? '';
  const overdue = query.get('overdue') === 'true';
  const [text, setText] = useState(q);
  const list = useInvoices({ q, status, overdue: overdue ? 'true' : undefined });
  const filter = (next: { q?: string; status?: string; overdue?: boolean }) => {
    const v = { q: text.trim(), status, overdue, ...next };
    return { q: v.q || undefined, status: v.status || undefined, overdue: v.overdue ? 'true' : undefined };
  };
  return (
    <section>
      <Header title="Invoices" />
      <form role="search" class="filters" onSubmit={(e) => (e.preventDefault(), navigate('/invoices', filter({})))}>
        <Field label="Search invoices">
          {(p) => <input {...p} type="search" value={text} onInput={(e) => setText(valueOf(e))} placeholder="Number or customer" />}
        </Field>
        <Field label="Status">
          {(p) => (
            <select {...p} value={status} onChange={(e) => replaceQuery(filter({ status: valueOf(e) }))}>
              <option value="">Any status</option>
              {invoiceStatuses.map((s) => (
                <option key={s} value={s}>
                  {statusText(s)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <label class="checkbox">
          <input type="checkbox" checked={overdue} onChange={(e) => replaceQuery(filter({ overdue: (e.currentTarget as HTMLInputElement).checked }))} /> Overdue
          only
        </label>
        <button type="submit" class="secondary">
          Search
        </button>
      </form>
      <PagedList paged={list} empty={`No invoices${q || status || overdue ? ' match these filters' : ' yet'}.`}>
        {(items) => <InvoicesTable items={items} />}
      </PagedList>
    </section>
  );
}
