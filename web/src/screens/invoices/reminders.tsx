import type { InvoiceDetail } from '../../types.js';
import { Day, Money, TableWrap } from '../../ui.js';
import { seg } from '../../router.js';
import { SendByEmail } from './email.js';
import { PdfLink } from '../../components/pdf-link.js';

// The invoice's reminder history (dunning: shared/billing/reminders.ts), by level: each with its PDF and,
// for those who may, Send by e-mail like any other document.
export function RemindersTable({ invoice: i, maySend, onSent }: { invoice: InvoiceDetail; maySend: boolean; onSent: (message: string) => void }) {
  if (i.reminders.length === 0) return <p class="empty">No reminders.</p>;
  return (
    <TableWrap label="Reminders">
      <table>
        <caption class="sr-only">Reminders of this invoice, by level</caption>
        <thead>
          <tr>
            <th scope="col" class="num">
              Level
            </th>
            <th scope="col">Number</th>
            <th scope="col">Date</th>
            <th scope="col" class="num">
              Days overdue
            </th>
            <th scope="col" class="num">
              Owed then
            </th>
            <th scope="col" class="num">
              Fee
            </th>
            <th scope="col">Document</th>
            {maySend ? <th scope="col">E-mail</th> : null}
          </tr>
        </thead>
        <tbody>
          {i.reminders.map((r) => (
            <tr key={r.id}>
              <td class="num">{r.level}</td>
              <td id={`rem-${r.id}`}>{r.number}</td>
              <td>
                <Day day={r.issueDate} />
              </td>
              <td class="num">{r.daysPastDue}</td>
              <td class="num">
                <Money minor={r.balance} currency={i.currency} />
              </td>
              <td class="num">{r.fee > 0 ? <Money minor={r.fee} currency={i.currency} /> : <span class="muted">–</span>}</td>
              <td>
                <PdfLink path={`reminders/${seg(r.id)}/pdf`} label="PDF" filename={`${r.number}.pdf`} />
              </td>
              {maySend ? (
                <td>
                  <SendByEmail kind="reminder" id={r.id} describedBy={`rem-${r.id}`} onSent={onSent} />
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}
