import { useId } from 'preact/hooks';
import { mayRun } from '../../../../shared/auth/permissions.js';
import { run } from '../../api.js';
import { FormError, useForm } from '../../form.js';
import { href, navigate, seg } from '../../router.js';
import type { ReorderGroup } from '../../types.js';
import { Money, Show, TableWrap } from '../../ui.js';
import { reorderBody } from '../../../../functions/receive-stock/schema.js';
import { purchaseOrder } from '../../../../shared/query/answers/purchase-orders.js';
import { useReorderSuggestions } from '../../hooks/purchase-orders.js';

// What to order next: products at or under their reorder level (available plus on order), grouped by
// their preferred supplier, each group one press away from a draft purchase order. The rule and the
// quantities are the server's (GET /reorder-suggestions); this only shows them.

export function ReorderSuggestions({ roles }: { roles: string[] }) {
  // Any stock change (a sale, a receipt, a new purchase order's lines) can move a product across its level.
  const suggestions = useReorderSuggestions();
  return (
    <section aria-labelledby="reorder-heading">
      <h2 id="reorder-heading">Reorder suggestions</h2>
      <Show loaded={suggestions}>
        {({ groups }) =>
          groups.length === 0 ? (
            <p class="empty">Nothing to reorder: every product is above its reorder level.</p>
          ) : (
            groups.map((g) => <ReorderGroupView key={g.supplierId ?? ''} group={g} roles={roles} />)
          )
        }
      </Show>
    </section>
  );
}

function ReorderGroupView({ group: g, roles }: { group: ReorderGroup; roles: string[] }) {
  const headingId = useId();
  const form = useForm();
  const create = (supplierId: string) =>
    void form.submit({
      schema: reorderBody,
      value: { supplierId },
      send: (b, key) => run('receive-stock/reorder', b, key, purchaseOrder),
      done: (po) => navigate(`/purchase-orders/${seg(po.id)}`),
    });
  const name = g.supplierId ? (g.supplierName ?? g.supplierId) : 'No preferred supplier';
  return (
    <section class="card" aria-labelledby={headingId}>
      <h3 id={headingId}>{g.supplierId ? <a href={href(`/suppliers/${seg(g.supplierId)}`)}>{name}</a> : name}</h3>
      <TableWrap label={`Reorder suggestions: ${name}`}>
        <table>
          <caption class="sr-only">Products to reorder from {name}</caption>
          <thead>
            <tr>
              <th scope="col">SKU</th>
              <th scope="col">Name</th>
              <th scope="col">Supplier SKU</th>
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
                Suggested
              </th>
              <th scope="col" class="num">
                Unit cost
              </th>
            </tr>
          </thead>
          <tbody>
            {g.lines.map((l) => (
              <tr key={l.sku}>
                <td>
                  <a href={href(`/stock/${seg(l.sku)}`)}>{l.sku}</a>
                </td>{' '}
                <td>{l.name}</td> <td>{l.supplierSku ?? <span class="muted">–</span>}</td> <td class="num">{l.available}</td> <td class="num">{l.onOrder}</td>{' '}
                <td class="num">{l.reorderLevel}</td>{' '}
                <td class="num">
                  <strong>{l.suggested}</strong>
                </td>{' '}
                <td class="num">{l.unitCost !== null && g.currency ? <Money minor={l.unitCost} currency={g.currency} /> : <span class="muted">–</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
      <FormError form={form} />
      {g.supplierId === null ? (
        <p class="hint">Give these products a preferred supplier (Products) to order them in one step.</p>
      ) : mayRun(roles, 'receive-stock/reorder') ? (
        <div class="actions">
          <button type="button" onClick={() => create(g.supplierId!)} disabled={form.busy} aria-describedby={headingId}>
            Create draft purchase order
          </button>
        </div>
      ) : null}
    </section>
  );
}
