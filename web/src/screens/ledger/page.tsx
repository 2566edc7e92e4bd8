import { useEffect, useState } from 'preact/hooks';
import type { CurrencyTrialBalance } from '../../../../shared/domain/trial-balance.js';
import { Field, valueOf } from '../../form.js';
import { href, replaceQuery, seg } from '../../router.js';
import type { ComponentChildren } from 'preact';
import type { ScreenProps } from '../../screen.js';
import { Header, Money, PagedList, Show, TableWrap, When } from '../../ui.js';
import { CsvDownload } from '../../components/csv-download.js';
import { useJournal, useReceivables, useTrialBalance } from '../../hooks/ledger.js';

// The accountant's books (docs/ledger.md): the trial balance and accounts receivable as of a day, the
// journal of a period, each downloadable as CSV. Days are UTC, as the server counts them.

const today = () => new Date().toISOString().slice(0, 10);
const monthStart = () => `${today().slice(0, 8)}01`;

/** A part of the screen: its h2 (the name the section is labelled by) and its actions. */
const SectionHeader = ({ id, title, children }: { id: string; title: string; children?: ComponentChildren }) => (
  <div class="screen-header">
    <h2 id={id}>{title}</h2>
    {children ? <div class="actions">{children}</div> : null}
  </div>
);

export function Ledger({ query }: ScreenProps) {
  const applied = { asOf: query.get('asOf') || today(), from: query.get('from') || monthStart(), to: query.get('to') || today() };
  const key = JSON.stringify(applied);
  const [f, setF] = useState(applied);
  useEffect(() => setF(applied), [key]);
  const set = (k: keyof typeof applied) => (e: Event) => setF({ ...f, [k]: valueOf(e) });
  return (
    <section>
      <Header title="Ledger" />
      <form aria-label="Ledger dates" class="filters" onSubmit={(e) => (e.preventDefault(), replaceQuery(f))}>
        <Field label="As of" hint="Trial balance and receivables, to the end of this UTC day">
          {(p) => <input {...p} type="date" required value={f.asOf} onInput={set('asOf')} />}
        </Field>
        <Field label="From">{(p) => <input {...p} type="date" value={f.from} onInput={set('from')} />}</Field>
        <Field label="To">{(p) => <input {...p} type="date" value={f.to} onInput={set('to')} min={f.from || undefined} />}</Field>
        <div class="actions">
          <button type="submit" class="secondary">
            Show
          </button>
        </div>
      </form>
      <TrialBalanceSection asOf={applied.asOf} />
      <ReceivablesSection asOf={applied.asOf} />
      <JournalSection from={applied.from} to={applied.to} />
    </section>
  );
}

function TrialBalanceSection({ asOf }: { asOf: string }) {
  const tb = useTrialBalance(asOf);
  return (
    <section aria-labelledby="tb-heading">
      <SectionHeader id="tb-heading" title="Trial balance">
        <CsvDownload path="ledger/trial-balance" params={{ asOf }} what="trial balance" filename={`trial_balance-${asOf}.csv`} />
      </SectionHeader>
      <Show loaded={tb}>
        {(t) => (
          <>
            {t.problems.length ? (
              <div role="alert" class="form-error">
                <p>
                  <b>{t.balanced ? 'The ledger needs attention.' : 'The ledger does not balance.'}</b>
                </p>
                <ul>
                  {t.problems.map((p) => (
                    <li key={p}>{p}</li>
                  ))}
                </ul>
              </div>
            ) : null}
            {t.currencies.length === 0 ? (
              <p class="empty">Nothing booked up to this day.</p>
            ) : (
              t.currencies.map((c) => <CurrencyTable key={c.currency} tb={c} asOf={asOf} />)
            )}
          </>
        )}
      </Show>
    </section>
  );
}

function CurrencyTable({ tb, asOf }: { tb: CurrencyTrialBalance; asOf: string }) {
  const label = `Trial balance in ${tb.currency}`;
  return (
    <TableWrap label={label}>
      <table>
        <caption>
          {label} as of {asOf}
          {tb.balanced ? '' : ': NOT BALANCED'}
        </caption>
        <thead>
          <tr>
            <th scope="col">Number</th>
            <th scope="col">Account</th>
            <th scope="col" class="num">
              Debit
            </th>
            <th scope="col" class="num">
              Credit
            </th>
          </tr>
        </thead>
        <tbody>
          {tb.accounts.map((a) => (
            <tr key={a.account}>
              <td>{a.number ?? '–'}</td>
              <td>{a.name ?? <span class="tag overdue">{a.account}: not in the chart of accounts</span>}</td>
              <td class="num">{a.debit ? <Money minor={a.debit} currency={tb.currency} /> : null}</td>
              <td class="num">{a.credit ? <Money minor={a.credit} currency={tb.currency} /> : null}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr class={tb.balanced ? undefined : 'overdue'}>
            <th scope="row" colSpan={2}>
              {tb.balanced ? 'Total' : `Total: NOT BALANCED (difference ${tb.difference} minor units)`}
            </th>
            <td class="num">
              <Money minor={tb.totalDebit} currency={tb.currency} />
            </td>
            <td class="num">
              <Money minor={tb.totalCredit} currency={tb.currency} />
            </td>
          </tr>
        </tfoot>
      </table>
    </TableWrap>
  );
}

function ReceivablesSection({ asOf }: { asOf: string }) {
  const list = useReceivables(asOf);
  return (
    <section aria-labelledby="ar-heading">
      <SectionHeader id="ar-heading" title="Accounts receivable">
        <CsvDownload path="ledger/receivables" params={{ asOf }} what="receivables" filename={`receivables-${asOf}.csv`} />
      </SectionHeader>
      <PagedList paged={list} empty="No customer owes or is owed anything on this day.">
        {(items) => (
          <TableWrap label="Accounts receivable per customer">
            <table>
              <caption class="sr-only">Accounts receivable per customer and currency as of {asOf}</caption>
              <thead>
                <tr>
                  <th scope="col">Customer</th>
                  <th scope="col" class="num">
                    Open invoices
                  </th>
                  <th scope="col" class="num">
                    Owed
                  </th>
                  <th scope="col" class="num">
                    Owed back
                  </th>
                  <th scope="col" class="num">
                    Balance
                  </th>
                </tr>
              </thead>
              <tbody>
                {items.map((r) => (
                  <tr key={`${r.customerId ?? ''}/${r.currency}`}>
                    <td>{r.customerId ? <a href={href(`/customers/${seg(r.customerId)}`)}>{r.customerName ?? r.customerId}</a> : 'No customer'}</td>
                    <td class="num">{r.invoices}</td>
                    <td class="num">
                      <Money minor={r.open} currency={r.currency} />
                    </td>
                    <td class="num">
                      <Money minor={-r.credit} currency={r.currency} />
                    </td>
                    <td class="num">
                      <Money minor={r.balance} currency={r.currency} />
                    </td>
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

const kindText: Record<string, string> = { invoice: 'Invoice', payment: 'Payment', 'credit-note': 'Credit note' };

function JournalSection({ from, to }: { from: string; to: string }) {
  const list = useJournal(from, to);
  const bad = from > to;
  return (
    <section aria-labelledby="journal-heading">
      <SectionHeader id="journal-heading" title="Journal">
        {bad ? null : <CsvDownload path="ledger/journal" params={{ from, to }} what="journal" filename={`journal-${from}-${to}.csv`} />}
      </SectionHeader>
      {bad ? (
        <p role="alert" class="form-error">
          “To” is before “From”.
        </p>
      ) : (
        <PagedList paged={list} empty="Nothing booked in this period.">
          {(items) => (
            <TableWrap label="Journal">
              <table>
                <caption class="sr-only">
                  Journal from {from} to {to}, oldest first, one row per line
                </caption>
                <thead>
                  <tr>
                    <th scope="col">When</th>
                    <th scope="col">Posting</th>
                    <th scope="col">Customer</th>
                    <th scope="col">Account</th>
                    <th scope="col" class="num">
                      Debit
                    </th>
                    <th scope="col" class="num">
                      Credit
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {items.flatMap((p) =>
                    p.lines.map((l, n) => (
                      <tr key={`${p.postingId}/${n}`}>
                        {n === 0 ? (
                          <>
                            <td rowSpan={p.lines.length}>
                              <When at={p.at} />
                            </td>
                            <td rowSpan={p.lines.length}>
                              {kindText[p.kind] ?? p.kind}
                              {p.invoiceId ? (
                                <>
                                  {' '}
                                  · <a href={href(`/invoices/${seg(p.invoiceId)}`)}>{p.invoiceNumber ?? p.invoiceId}</a>
                                </>
                              ) : null}
                            </td>
                            <td rowSpan={p.lines.length}>{p.customerName ?? p.customerId ?? '–'}</td>
                          </>
                        ) : null}
                        <td>
                          {l.number ?? l.account} {l.name ?? ''}
                        </td>
                        <td class="num">{l.debit ? <Money minor={l.debit} currency={p.currency} /> : null}</td>
                        <td class="num">{l.credit ? <Money minor={l.credit} currency={p.currency} /> : null}</td>
                      </tr>
                    )),
                  )}
                </tbody>
              </table>
            </TableWrap>
          )}
        </PagedList>
      )}
    </section>
  );
}
