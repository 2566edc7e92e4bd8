// AR aging rules, shared by the DuckDB query (as SQL), the catalogue's reference and the tests.
// Buckets are half-open ranges of whole days past the due date: `1-30` is days 1..30, `91+` day 91 on.

export const agingBuckets = ['current', '1-30', '31-60', '61-90', '91+'] as const;
export type AgingBucket = (typeof agingBuckets)[number];

/** The last day past due of each bucket but the open-ended one (`current`: due today or later). */
const upTo: readonly [AgingBucket, number][] = [
  ['current', 0],
  ['1-30', 30],
  ['31-60', 60],
  ['61-90', 90],
];
const dayMs = 86_400_000;

/** Whole days from the due date to `asOf` (both UTC calendar days); negative when not yet due. */
export function daysPastDue(dueDate: string, asOf: string): number {
  return Math.round((Date.parse(`${asOf}T00:00:00Z`) - Date.parse(`${dueDate}T00:00:00Z`)) / dayMs);
}

/** Due today or later is current; the first day after the due date is 1 day past due. */
export function agingBucket(days: number): AgingBucket {
  return upTo.find(([, last]) => days <= last)?.[0] ?? '91+';
}

/** The same rule for DuckDB, over an integer expression of days past due. */
export function agingBucketSql(days: string): string {
  return `case ${upTo.map(([b, last]) => `when ${days} <= ${last} then '${b}'`).join(' ')} else '91+' end`;
}

/** The bucket's place in agingBuckets, for ordering rows in SQL. */
export function agingBucketOrderSql(bucket: string): string {
  return `case ${agingBuckets.map((b, i) => `when ${bucket} = '${b}' then ${i}`).join(' ')} end`;
}

export function todayUtc(now = new Date()): string {
  return now.toISOString().slice(0, 10);
}
