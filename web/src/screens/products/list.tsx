import { mayRun } from '../../../../shared/auth/permissions.js';
import { href, seg } from '../../router.js';
import type { ScreenProps } from '../../screen.js';
import { Header, Money, PagedList, Percent, SearchForm } from '../../ui.js';
import { ImportCsv } from '../../components/import-csv.js';
import { useProducts } from '../../hooks/products.js';

export function ProductsList({ roles, query }: ScreenProps) {
  const q = query.get('q') ?? '';
  const products = useProducts(q);
  const canEdit = mayRun(roles, 'upsert-product');
  return (
    <section>
      <Header title="Products">
        {canEdit ? (
          <a class="button" href={href('/products/new')}>
            New product
          </a>
        ) : null}
        {mayRun(roles, 'upsert-product/import') ? <ImportCsv kind="products" onImported={products.loaded.reload} /> : null}
      </Header>
      <SearchForm label="Search products" placeholder="SKU or name" path="/products" q={q} />
      <PagedList paged={products} empty={`No products${q ? ` match “${q}”` : ' yet'}.`}>
        {(items) => (
          <table>
            <caption class="sr-only">Products</caption>
            <thead>
              <tr>
                <th scope="col">SKU</th>
                <th scope="col">Name</th>
                <th scope="col" class="num">
                  Unit price
                </th>
                <th scope="col" class="num">
                  Tax rate
                </th>
                <th scope="col" class="num">
                  Reorder level
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((p) => (
                <tr key={p.sku}>
                  <td>{canEdit ? <a href={href(`/products/${seg(p.sku)}`)}>{p.sku}</a> : p.sku}</td>
                  <td>{p.name}</td>
                  <td class="num">
                    <Money minor={p.unitPrice} currency={p.currency} />
                  </td>
                  <td class="num">
                    <Percent bp={p.taxRateBp} />
                  </td>
                  <td class="num">{p.reorderLevel}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </PagedList>
    </section>
  );
}
