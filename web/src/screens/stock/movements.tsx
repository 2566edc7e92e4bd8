import { href, seg } from '../../router.js';
import { delta, stockState, useAdjust, useReceive } from './actions.js';
import type { ScreenProps } from '../../screen.js';
import type { Movement } from '../../types.js';
import { Header, Money, PagedList, Show, TableWrap, When } from '../../ui.js';
import { useMovements, useStockLevel } from '../../hooks/stock.js';

const kindText: Record<Movement['kind'], string> = {
  receipt: 'receipt',
  reservation: 'reservation',
  release: 'release',
  shipment: 'shipment',
  return: 'return',
  adjustment: 'adjustment',
};
/** Why it moved, where the kind alone does not say: an adjustment's reason, a receipt's source. */
const reasonText: Record<string, string> = { purchase_order: 'purchase order', unordered: 'without an order', opening: 'opening stock' };

export function StockMovements({ roles, params }: ScreenProps) {
  const sku = params.sku!;
  const level = useStockLevel(sku);
  const movements = useMovements(sku);
  const receive = useReceive(roles, () => (level.reload(), movements.loaded.reload()));
  const adjust = useAdjust(roles, () => (level.reload(), movements.loaded.reload()));
  const title = level.data ? `${sku} — ${level.data.name}` : sku;
  return (
    <section>
      <Header title={title}>
        {receive.button}
        {adjust.button}
        <a class="button secondary" href={href('/stock')}>
          All stock
        </a>
      </Header>
      <Show loaded={level}>
        {(s) =>
          s === null ? (
            <p class="empty">No product {sku} in the catalogue.</p>
          ) : (
            <div class="kpis" role="group" aria-label="Stock levels">
              <div>
                <span>On hand</span>
                <b>{s.onHand}</b>
              </div>
              <div>
                <span>Reserved</span>
                <b>{s.reserved}</b>
              </div>
              <div>
                <span>Available</span>
                <b>{s.available}</b>
              </div>
              <div>
                <span>On order</span>
                <b>{s.onOrder}</b>
              </div>
              <div>
                <span>Reorder level</span>
                <b>{s.reorderLevel}</b>
              </div>
              <div>
                <span>Average cost</span>
                <b>{s.averageCost === null ? '–' : <Money minor={s.averageCost} currency={s.currency} />}</b>
              </div>
              <div>
                <span>Value</span>
                <b>
                  <Money minor={s.value} currency={s.currency} />
                </b>
              </div>
              <div class={stockState(s) === 'ok' ? undefined : 'low'}>
                <span>Status</span>
                <b>{stockState(s)}</b>
              </div>
            </div>
          )
        }
      </Show>
      {receive.form(sku)}
      {adjust.form(sku)}
      <h2>Movements</h2>
      <PagedList paged={movements} empty="No movements yet.">
        {(items) => (
          <TableWrap label={`Movements of ${sku}`}>
            <table>
              <caption class="sr-only">Stock movements of {sku}, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Kind</th>
                  <th scope="col" class="num">
                    On hand
                  </th>
                  <th scope="col" class="num">
                    Reserved
                  </th>
                  <th scope="col" class="num">
                    Value
                  </th>
                  <th scope="col">Order</th>
                  <th scope="col">By</th>
                  <th scope="col">Note</th>
                </tr>
              </thead>
              <tbody>
                {items.map((m) => (
                  <tr key={m.id}>
                    <td>
                      <When at={m.at} />
                    </td>
                    <td>
                      {kindText[m.kind] ?? m.kind}
                      {m.reason ? (
                        <>
                          {' '}
                          <small class="muted">({reasonText[m.reason] ?? m.reason})</small>
                        </>
                      ) : null}
                    </td>
                    <td class="num">{delta(m.onHandDelta)}</td>
                    <td class="num">{delta(m.reservedDelta)}</td>
                    <td class="num">
                      {m.valueDelta && level.data ? <Money minor={m.valueDelta} currency={level.data.currency} /> : <span class="muted">–</span>}
                    </td>
                    <td>
                      {m.orderId ? (
                        <a href={href(`/orders/${seg(m.orderId)}`)}>{m.orderId}</a>
                      ) : m.purchaseOrderId ? (
                        <a href={href(`/purchase-orders/${seg(m.purchaseOrderId)}`)}>purchase order</a>
                      ) : (
                        <span class="muted">–</span>
                      )}
                    </td>
                    <td>{m.actor ?? <span class="muted">–</span>}</td>
                    <td>{m.note ?? ''}</td>
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
