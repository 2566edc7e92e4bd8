import { mayRun } from '../../../../shared/auth/permissions.js';
import { href, seg } from '../../router.js';
import type { ScreenProps } from '../../screen.js';
import { Header, PagedList, SearchForm, TableWrap } from '../../ui.js';
import { ImportCsv } from '../../components/import-csv.js';
import { useCustomers } from '../../hooks/customers.js';

// Who buys: their terms (the invoice's due date follows them), what they owe, and their orders and invoices.

export function CustomersList({ roles, query }: ScreenProps) {
  const q = query.get('q') ?? '';
  const customers = useCustomers(q);
  return (
    <section>
      <Header title="Customers">
        {mayRun(roles, 'upsert-customer') ? (
          <a class="button" href={href('/customers/new')}>
            New customer
          </a>
        ) : null}
        {mayRun(roles, 'upsert-customer/import') ? <ImportCsv kind="customers" onImported={customers.loaded.reload} /> : null}
      </Header>
      <SearchForm label="Search customers" placeholder="Name" path="/customers" q={q} />
      <PagedList paged={customers} empty={`No customers${q ? ` match “${q}”` : ' yet'}.`}>
        {(items) => (
          <TableWrap label="Customers">
            <table>
              <caption class="sr-only">Customers</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Email</th>
                  <th scope="col" class="num">
                    Payment terms (days)
                  </th>
                </tr>
              </thead>
              <tbody>
                {items.map((c) => (
                  <tr key={c.id}>
                    <td>
                      <a href={href(`/customers/${seg(c.id)}`)}>{c.name}</a>
                    </td>
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
