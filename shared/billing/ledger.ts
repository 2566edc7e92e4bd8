import type { Tx } from '../db/pool.js';
import { isBalanced, type Entry } from '../domain/ledger.js';

export async function post(tx: Tx, postingId: string, currency: string, entries: Entry[], at: Date): Promise<void> {
  if (!isBalanced(entries)) throw new Error(`posting ${postingId} does not balance`);
  await tx.query(
    `insert into billing.ledger_entries (posting_id, account, debit, credit, currency, at)
     select $1, account, debit, credit, $2, $3 from unnest($4::text[], $5::bigint[], $6::bigint[]) as e(account, debit, credit)`,
    [postingId, currency, at, entries.map((e) => e.account), entries.map((e) => e.debit), entries.map((e) => e.credit)],
  );
}
