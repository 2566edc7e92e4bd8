import type { Tx } from '../db/pool.js';
import { postingProblem, type Entry, type PostingRef } from '../domain/ledger.js';

export async function post(tx: Tx, ref: PostingRef, currency: string, entries: Entry[], at: Date): Promise<void> {
  const problem = postingProblem(ref, entries);
  if (problem) throw new Error(problem);
  await tx.query(
    `insert into billing.ledger_entries (posting_id, invoice_id, account, debit, credit, currency, at)
     select $1, $2, account, debit, credit, $3, $4 from unnest($5::text[], $6::bigint[], $7::bigint[]) as e(account, debit, credit)`,
    [ref.id, ref.invoiceId, currency, at, entries.map((e) => e.account), entries.map((e) => e.debit), entries.map((e) => e.credit)],
  );
}
