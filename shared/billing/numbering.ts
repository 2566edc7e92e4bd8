import type { Tx } from '../db/pool.js';
import { documentNumber } from '../domain/invoice.js';

/** The next number of a series and year. The counter row stays locked until the caller commits, so
 *  numbers are gapless: a rolled-back document gives its number back. */
export async function nextNumber(tx: Tx, series: string, year: number): Promise<string> {
  const { rows } = await tx.query<{ last_number: number }>(
    `insert into billing.number_counters (series, year, last_number) values ($1, $2, 1)
     on conflict (series, year) do update set last_number = billing.number_counters.last_number + 1
     returning last_number`,
    [series, year],
  );
  return documentNumber(series, year, rows[0]!.last_number);
}
