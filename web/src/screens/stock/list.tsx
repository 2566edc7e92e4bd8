import { href, seg } from '../../router.js';
import { stockState, useAdjust, useCount, useReceive } from './actions.js';
import type { ScreenProps } from '../../screen.js';
import { Header, Money, PagedList, SearchForm, TableWrap } from '../../ui.js';
import { useStock } from '../../hooks/stock.js';

// Stock on hand, what open orders hold, and what is left to sell; low and empty shelves stand out
// (in words, not only colour) so goods get reordered in time.
export function StockList({ roles, query }: ScreenProps) {
  const q = query.get('q') ?? '';
  const stock = useStock(q);
  const receive = useReceive(roles, stock.loaded.reload);
  const adjust = useAdjust(roles, stock.loaded.reload);
  const count = useCount(roles, stock.loaded.reload);
  return (
    <section>
      <Header title="Stock">
        {receive.button}
        {adjust.button}
        {count.button}
      </Header>
      {receive.form()}
      {adjust.form()}
      {count.form(stock.loaded.data?.items)}
      <SearchForm label="Search stock" placeholder="SKU or name" path="/stock" q={q} />
      <PagedList paged={stock} empty={`No products${q ? ` match “${q}”` : ' yet'}.`}>
        {(items) => (
          <TableWrap label="Stock levels">
            <table>
              <caption class="sr-only">Stock levels</caption>
              <thead>
                <tr>
                  <th scope="col">SKU</th>
                  <th scope="col">Name</th>
                  <th scope="col" class="num">
                    On hand
                  </th>
                  <th scope="col" class="num">
                    Reserved
                  </th>
                  <th scope="col" class="num">
                    Available
                  </th>
                  <th scope="col" class="num">
                    On order
                  </th>
                  <th scope="col" class="num">
                    Reorder level
                  </th>
                  <th scope="col" class="num">
                    Average cost
                  </th>
                  <th scope="col" class="num">
                    Value
                  </th>
                  <th scope="col">Status</th>
                </tr>
              </thead>
              <tbody>
                {items.map((s) => {
                  const state = stockState(s);
                  return (
                    // The spaces between cells keep the row's text as separate words (find in page, copy, scripts).
                    <tr key={s.sku} class={state === 'ok' ? undefined : 'low'}>
                      <td>
                        <a href={href(`/stock/${seg(s.sku)}`)}>{s.sku}</a>
                      </td>{' '}
                      <td>{s.name}</td> <td class="num">{s.onHand}</td> <td class="num">{s.reserved}</td> <td class="num">{s.available}</td>{' '}
                      <td class="num">{s.onOrder}</td> <td class="num">{s.reorderLevel}</td>{' '}
                      <td class="num">{s.averageCost === null ? <span class="muted">–</span> : <Money minor={s.averageCost} currency={s.currency} />}</td>{' '}
                      <td class="num">
                        <Money minor={s.value} currency={s.currency} />
                      </td>{' '}
                      <td>{state === 'ok' ? <span class="muted">ok</span> : <span class="status-badge low">{state}</span>}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </TableWrap>
        )}
      </PagedList>
    </section>
  );
}
