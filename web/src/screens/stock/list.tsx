import { useState } from 'preact/hooks';
import { mayRun } from '../../../../shared/auth/permissions.js';
import { read } from '../../api.js';
import { useLoad } from '../../load.js';
import { href, seg } from '../../router.js';
import type { ScreenProps } from '../../screen.js';
import type { Movement, StockLevel } from '../../types.js';
import { Header, Money, PagedList, SearchForm, Show, TableWrap, When } from '../../ui.js';
import { readAll, usePaged } from '../../paging.js';
import { AdjustForm, type Adjusted } from './adjust.js';
import { CountForm, type Counted } from './count.js';
import { ReceiveForm, type Received } from './receive.js';
import { movementPage, stockPage } from '../../../../shared/query/answers/stock.js';

// Stock on hand, what open orders hold, and what is left to sell; low and empty shelves stand out
// (in words, not only colour) so goods get reordered in time.

/** +10, −3 (a real minus sign), 0. */
const delta = (n: number) => (n > 0 ? `+${n}` : n < 0 ? `−${-n}` : '0');

const stockState = (s: StockLevel) => (s.available <= 0 ? 'out' : s.low ? 'low' : 'ok');

/** "Receive stock" and its inline form, for the roles that may book goods in. */
function useReceive(roles: string[], after: () => void) {
  const [open, setOpen] = useState(false);
  const [done, setDone] = useState<Received>();
  const may = mayRun(roles, 'receive-stock');
  const button = may ? (
    <button type="button" aria-expanded={open} onClick={() => (setOpen(!open), setDone(undefined))}>
      Receive stock
    </button>
  ) : null;
  const form = (sku?: string) =>
    may && open ? (
      <ReceiveForm sku={sku} onCancel={() => setOpen(false)} onDone={(r) => (setOpen(false), setDone(r), after())} />
    ) : done ? (
      <p role="status" class="hint">
        Received: {done.sku} now has {done.onHand} on hand, {done.available} available.
      </p>
    ) : null;
  return { button, form };
}

/** "Adjust stock" and its inline form: a signed correction with a reason. */
function useAdjust(roles: string[], after: () => void) {
  const [open, setOpen] = useState(false);
  const [done, setDone] = useState<Adjusted>();
  const may = mayRun(roles, 'receive-stock/adjustment');
  const button = may ? (
    <button type="button" class="secondary" aria-expanded={open} onClick={() => (setOpen(!open), setDone(undefined))}>
      Adjust stock
    </button>
  ) : null;
  const form = (sku?: string) =>
    may && open ? (
      <AdjustForm sku={sku} onCancel={() => setOpen(false)} onDone={(a) => (setOpen(false), setDone(a), after())} />
    ) : done ? (
      <p role="status" class="hint">
        Adjusted {done.sku} by {delta(done.quantityDelta)} (<Money minor={done.valueDelta} currency={done.currency} /> at cost): now {done.onHand} on hand, {done.available} available.
      </p>
    ) : null;
  return { button, form };
}

/** "Count stock": a counted quantity per product listed; the differences become adjustments. */
function useCount(roles: string[], after: () => void) {
  const [open, setOpen] = useState(false);
  const [done, setDone] = useState<Counted>();
  const may = mayRun(roles, 'receive-stock/count');
  const button = may ? (
    <button type="button" class="secondary" aria-expanded={open} onClick={() => (setOpen(!open), setDone(undefined))}>
      Count stock
    </button>
  ) : null;
  const form = (items: StockLevel[] | undefined) =>
    may && open && items ? (
      <CountForm items={items} onCancel={() => setOpen(false)} onDone={(c) => (setOpen(false), setDone(c), after())} />
    ) : done ? (
      <p role="status" class="hint">
        Counted {done.lines.length} {done.lines.length === 1 ? 'product' : 'products'}:{' '}
        {done.lines.every((l) => l.difference === 0) ? 'everything matched.' : done.lines.filter((l) => l.difference !== 0).map((l) => `${l.sku} ${delta(l.difference)}`).join(', ')}
      </p>
    ) : null;
  return { button, form };
}

export function StockList({ roles, query }: ScreenProps) {
  const q = query.get('q') ?? '';
  const stock = usePaged((limit, cursor) => read(stockPage, 'stock', { q, limit, cursor }), [q], (c) => c.skus.length > 0);
  const receive = useReceive(roles, stock.loaded.reload);
  const adjust = useAdjust(roles, stock.loaded.reload);
  const count = useCount(roles, stock.loaded.reload);
  return (
    <section>
      <Header title="Stock">{receive.button}{adjust.button}{count.button}</Header>
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
                  <th scope="col" class="num">On hand</th>
                  <th scope="col" class="num">Reserved</th>
                  <th scope="col" class="num">Available</th>
                  <th scope="col" class="num">On order</th>
                  <th scope="col" class="num">Reorder level</th>
                  <th scope="col" class="num">Average cost</th>
                  <th scope="col" class="num">Value</th>
                  <th scope="col">Status</th>
                </tr>
              </thead>
              <tbody>
                {items.map((s) => {
                  const state = stockState(s);
                  return (
                    // The spaces between cells keep the row's text as separate words (find in page, copy, scripts).
                    <tr key={s.sku} class={state === 'ok' ? undefined : 'low'}>
                      <td><a href={href(`/stock/${seg(s.sku)}`)}>{s.sku}</a></td>{' '}
                      <td>{s.name}</td>{' '}
                      <td class="num">{s.onHand}</td>{' '}
                      <td class="num">{s.reserved}</td>{' '}
                      <td class="num">{s.available}</td>{' '}
                      <td class="num">{s.onOrder}</td>{' '}
                      <td class="num">{s.reorderLevel}</td>{' '}
                      <td class="num">{s.averageCost === null ? <span class="muted">–</span> : <Money minor={s.averageCost} currency={s.currency} />}</td>{' '}
                      <td class="num"><Money minor={s.value} currency={s.currency} /></td>{' '}
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

const kindText: Record<Movement['kind'], string> = { receipt: 'receipt', reservation: 'reservation', release: 'release', shipment: 'shipment', return: 'return', adjustment: 'adjustment' };
/** Why it moved, where the kind alone does not say: an adjustment's reason, a receipt's source. */
const reasonText: Record<string, string> = { purchase_order: 'purchase order', unordered: 'without an order', opening: 'opening stock' };

export function StockMovements({ roles, params }: ScreenProps) {
  const sku = params.sku!;
  const mine = (c: { skus: string[] }) => c.skus.includes(sku);
  // The stock read searches by sku prefix or name: every row it finds (few), and the exact sku of them.
  const level = useLoad(() => readAll(stockPage, 'stock', { q: sku }).then((items) => items.find((s) => s.sku === sku) ?? null), [sku], mine);
  const movements = usePaged((limit, cursor) => read(movementPage, `stock/${seg(sku)}/movements`, { limit, cursor }), [sku], mine);
  const receive = useReceive(roles, () => (level.reload(), movements.loaded.reload()));
  const adjust = useAdjust(roles, () => (level.reload(), movements.loaded.reload()));
  const title = level.data ? `${sku} — ${level.data.name}` : sku;
  return (
    <section>
      <Header title={title}>
        {receive.button}
        {adjust.button}
        <a class="button secondary" href={href('/stock')}>All stock</a>
      </Header>
      <Show loaded={level}>
        {(s) =>
          s === null ? (
            <p class="empty">No product {sku} in the catalogue.</p>
          ) : (
            <div class="kpis" role="group" aria-label="Stock levels">
              <div><span>On hand</span><b>{s.onHand}</b></div>
              <div><span>Reserved</span><b>{s.reserved}</b></div>
              <div><span>Available</span><b>{s.available}</b></div>
              <div><span>On order</span><b>{s.onOrder}</b></div>
              <div><span>Reorder level</span><b>{s.reorderLevel}</b></div>
              <div><span>Average cost</span><b>{s.averageCost === null ? '–' : <Money minor={s.averageCost} currency={s.currency} />}</b></div>
              <div><span>Value</span><b><Money minor={s.value} currency={s.currency} /></b></div>
              <div class={stockState(s) === 'ok' ? undefined : 'low'}><span>Status</span><b>{stockState(s)}</b></div>
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
                  <th scope="col" class="num">On hand</th>
                  <th scope="col" class="num">Reserved</th>
                  <th scope="col" class="num">Value</th>
                  <th scope="col">Order</th>
                  <th scope="col">By</th>
                  <th scope="col">Note</th>
                </tr>
              </thead>
              <tbody>
                {items.map((m) => (
                  <tr key={m.id}>
                    <td><When at={m.at} /></td>
                    <td>{kindText[m.kind] ?? m.kind}{m.reason ? <> <small class="muted">({reasonText[m.reason] ?? m.reason})</small></> : null}</td>
                    <td class="num">{delta(m.onHandDelta)}</td>
                    <td class="num">{delta(m.reservedDelta)}</td>
                    <td class="num">{m.valueDelta && level.data ? <Money minor={m.valueDelta} currency={level.data.currency} /> : <span class="muted">–</span>}</td>
                    <td>
                      {m.orderId ? <a href={href(`/orders/${seg(m.orderId)}`)}>{m.orderId}</a>
                        : m.purchaseOrderId ? <a href={href(`/purchase-orders/${seg(m.purchaseOrderId)}`)}>purchase order</a>
                        : <span class="muted">–</span>}
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
