import { taxSubtotals } from '../../../shared/domain/invoice.js';
import type { InvoiceDetail, OrderLine } from '../types.js';
import { Money, Percent } from '../ui.js';
import { LinesTable } from './lines-table.js';

// The pieces the invoice page and its printable copy share: the lines as issued, the tax per rate (what
// a tax return asks for) and the totals down to the balance.

function TaxTable({ lines, currency }: { lines: OrderLine[]; currency: string }) {
  return (
    <table>
      <caption class="sr-only">Tax by rate</caption>
      <thead>
        <tr><th scope="col">Tax rate</th><th scope="col" class="num">Net</th><th scope="col" class="num">Tax</th></tr>
      </thead>
      <tbody>
        {taxSubtotals(lines).map((r) => (
          <tr key={r.taxRateBp}>
            <th scope="row"><Percent bp={r.taxRateBp} /></th>
            <td class="num"><Money minor={r.net} currency={currency} /></td>
            <td class="num"><Money minor={r.tax} currency={currency} /></td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Subtotal, tax, total, then what was paid and credited and what is left. */
function TotalsTable({ invoice: i }: { invoice: InvoiceDetail }) {
  const row = (label: string, minor: number) => (
    <tr>
      <th scope="row">{label}</th>
      <td><Money minor={minor} currency={i.currency} /></td>
    </tr>
  );
  return (
    <table class="totals">
      <caption class="sr-only">Totals</caption>
      <tbody>
        {row('Subtotal', i.subtotal)}
        {row('Tax', i.tax)}
        {row('Total', i.total)}
        {row('Amount paid', i.amountPaid)}
        {row('Credited', i.credited)}
        {row('Balance', i.balance)}
      </tbody>
    </table>
  );
}

/** The lines as issued, then the tax per rate beside the totals. */
export function InvoiceFigures({ invoice: i }: { invoice: InvoiceDetail }) {
  return (
    <>
      <h2>Lines</h2>
      <LinesTable label="Invoice lines" lines={i.lines} currency={i.currency} />
      <div class="grid2">
        <div>
          <h2>Tax by rate</h2>
          <TaxTable lines={i.lines} currency={i.currency} />
        </div>
        <div>
          <h2>Totals</h2>
          <TotalsTable invoice={i} />
        </div>
      </div>
    </>
  );
}
