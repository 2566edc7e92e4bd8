import type { OrderLine } from '../types.js';
import { Money, Percent, TableWrap } from '../ui.js';

/** An order's or an invoice's lines as priced when the order was taken. */
export function LinesTable({ label, lines, currency }: { label: string; lines: OrderLine[]; currency: string }) {
  return (
    <TableWrap label={label}>
      <table>
        <caption class="sr-only">{label}</caption>
        <thead>
          <tr>
            <th scope="col">SKU</th>
            <th scope="col">Name</th>
            <th scope="col" class="num">
              Quantity
            </th>
            <th scope="col" class="num">
              Unit price
            </th>
            <th scope="col" class="num">
              Tax rate
            </th>
            <th scope="col" class="num">
              Net
            </th>
            <th scope="col" class="num">
              Tax
            </th>
          </tr>
        </thead>
        <tbody>
          {lines.map((l) => (
            <tr key={l.sku}>
              <td>{l.sku}</td>
              <td>{l.name}</td>
              <td class="num">{l.quantity}</td>
              <td class="num">
                <Money minor={l.unitPrice} currency={currency} />
              </td>
              <td class="num">
                <Percent bp={l.taxRateBp} />
              </td>
              <td class="num">
                <Money minor={l.net} currency={currency} />
              </td>
              <td class="num">
                <Money minor={l.tax} currency={currency} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}
