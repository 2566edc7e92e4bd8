import { mayRun } from '../../../../shared/auth/permissions.js';
import { href, seg } from '../../router.js';
import type { ScreenProps } from '../../screen.js';
import { Header, PagedList, SearchForm, TableWrap } from '../../ui.js';
import { ImportCsv } from '../../components/import-csv.js';
import { useSuppliers } from '../../hooks/suppliers.js';

// Who we buy from: their terms and currency (a purchase order is in the supplier's currency), their
// address and VAT id for the purchase order's PDF, their e-mail to send it to.

export function SuppliersList({ roles, query }: ScreenProps) {
  const q = query.get('q') ?? '';
  const suppliers = useSuppliers(q);
  return (
    <section>
      <Header title="Suppliers">
        {mayRun(roles, 'upsert-product/import') ? <ImportCsv kind="suppliers" onImported={suppliers.loaded.reload} /> : null}
        {mayRun(roles, 'upsert-product/supplier') ? (
          <a class="button" href={href('/suppliers/new')}>
            New supplier
          </a>
        ) : null}
      </Header>
      <SearchForm label="Search suppliers" placeholder="Name" path="/suppliers" q={q} />
      <PagedList paged={suppliers} empty={`No suppliers${q ? ` match “${q}”` : ' yet'}.`}>
        {(items) => (
          <TableWrap label="Suppliers">
            <table>
              <caption class="sr-only">Suppliers</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Email</th>
                  <th scope="col">Currency</th>
                  <th scope="col" class="num">
                    Payment terms (days)
                  </th>
                </tr>
              </thead>
              <tbody>
                {items.map((s) => (
                  <tr key={s.id}>
                    <td>
                      <a href={href(`/suppliers/${seg(s.id)}`)}>{s.name}</a>
                    </td>
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
