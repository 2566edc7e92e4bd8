// AR aging rules, shared by the DuckDB query (as SQL) and by tests computing the truth.

export const agingBuckets = ['current', '1-30', '31-60', '61-90', '90+'] as const;
export type AgingBucket = (typeof agingBuckets)[number];

const dayMs = 86_400_000;

/** Whole days from the due date to `asOf` (both UTC calendar days); negative when not yet due. */
export function daysPastDue(dueDate: string, asOf: string): number {
  return Math.round((Date.parse(`${asOf}T00:00:00Z`) - Date.parse(`${dueDate}T00:00:00Z`)) / dayMs);
}

/** Due today or later is current; the first day after the due date is 1 day past due. */
export function agingBucket(days: number): AgingBucket {
  if (days <= 0) return 'current';
  if (days <= 30) return '1-30';
  if (days <= 60) return '31-60';
  if (days <= 90) return '61-90';
  return '90+';
}

/** The same rule for DuckDB, over an integer expression of days past due. */
export function agingBucketSql(days: string): string {
  return `case when ${days} <= 0 then 'current' when ${days} <= 30 then '1-30' when ${days} <= 60 then '31-60' when ${days} <= 90 then '61-90' else '90+' end`;
}

export function todayUtc(now = new Date()): string {
  return now.toISOString().slice(0, 10);
}
