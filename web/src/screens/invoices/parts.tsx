import { taxSubtotals } from '../../../../shared/domain/invoice.js';
import { addressLines } from '../../../../shared/domain/postal-address.js';
import { vatCategoryLabel } from '../../../../shared/domain/vat-category.js';
import type { InvoiceDetail, InvoiceParty, OrderLine } from '../../types.js';
import { Money } from '../../ui.js';
import { LinesTable } from '../../components/lines-table.js';

// The pieces the invoice page and its printable copy share: the lines as issued, the tax per rate (what
// a tax return asks for) and the totals down to the balance.

function TaxTable({ lines, currency }: { lines: OrderLine[]; currency: string }) {
  return (
    <table>
      <caption class="sr-only">Tax by VAT category and rate</caption>
      <thead>
        <tr>
          <th scope="col">VAT category and rate</th>
          <th scope="col" class="num">
            Net
          </th>
          <th scope="col" class="num">
            Tax
          </th>
        </tr>
      </thead>
      <tbody>
        {taxSubtotals(lines).map((r) => (
          <tr key={`${r.vatCategory}/${r.taxRateBp}`}>
            <th scope="row">
              {vatCategoryLabel(r)}
              {r.exemptionReason && r.vatCategory !== 'E' ? <small class="muted"> ({r.exemptionReason})</small> : null}
            </th>
            <td class="num">
              <Money minor={r.net} currency={currency} />
            </td>
            <td class="num">
              <Money minor={r.tax} currency={currency} />
            </td>
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
      <td>
        <Money minor={minor} currency={i.currency} />
      </td>
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

/** Seller and buyer as the invoice was issued (a later edit of either changes nothing here). */
export function InvoiceParties({ invoice: i }: { invoice: InvoiceDetail }) {
  const party = (p: InvoiceParty) => (
    <>
      <b>{p.name}</b>
      {addressLines(p.address).map((l, n) => (
        <span class="line" key={n}>
          {l}
        </span>
      ))}
      {p.vatId ? <span class="line">VAT ID {p.vatId}</span> : null}
      {'taxRegistration' in p && p.taxRegistration ? <span class="line">Tax registration {p.taxRegistration}</span> : null}
      {p.email ? <span class="line">{p.email}</span> : null}
    </>
  );
  return (
    <div class="grid2 parties">
      <div>
        <h2>Seller</h2>
        <p class="party">{i.seller ? party(i.seller) : <span class="muted">the company profile configured at installation (on the PDF)</span>}</p>
      </div>
      <div>
        <h2>Bill to</h2>
        <p class="party">{party(i.buyer)}</p>
      </div>
    </div>
  );
}

/** The lines as issued, then the tax per category and rate beside the totals, then the legal notes. */
export function InvoiceFigures({ invoice: i }: { invoice: InvoiceDetail }) {
  return (
    <>
      <InvoiceParties invoice={i} />
      <h2>Lines</h2>
      <LinesTable label="Invoice lines" lines={i.lines} currency={i.currency} />
      <div class="grid2">
        <div>
          <h2>Tax by category and rate</h2>
          <TaxTable lines={i.lines} currency={i.currency} />
        </div>
        <div>
          <h2>Totals</h2>
          <TotalsTable invoice={i} />
        </div>
      </div>
      {i.notes.length > 0 ? (
        <>
          <h2>Notes</h2>
          <ul class="notes">
            {i.notes.map((n) => (
              <li key={n}>{n}</li>
            ))}
          </ul>
        </>
      ) : null}
    </>
  );
}
