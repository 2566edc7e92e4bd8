// A migration's CHECK over a status set, built from its constant in shared/domain (orderStatuses, ...),
// never typed again: `check (${oneOf('status', orderStatuses)})`. Each set's CHECK is held equal to its
// constant by tests/integration/status-constraints.test.ts, so a status added to a constant fails that
// test until a new migration drops the column's constraint and adds it again built by this.
//
// A migration built from a constant reads the constant as it is when it runs. Each database runs a
// migration once; a fresh database runs the old one with today's list and every later drop-and-add
// after it, which leaves it where the databases migrated step by step are.

/** Plain words only (the status sets' form): a value is written into the SQL, so nothing else may pass. */
const word = /^[A-Za-z0-9_]+$/;

/** `column in ('a', 'b')`, for a CHECK. */
export function oneOf(column: string, values: readonly string[]): string {
  if (!word.test(column)) throw new Error(`not a column name: ${column}`);
  if (values.length === 0) throw new Error(`no values for ${column}`);
  const bad = values.find((v) => !word.test(v));
  if (bad !== undefined) throw new Error(`not a plain word for a CHECK on ${column}: ${JSON.stringify(bad)}`);
  return `${column} in (${values.map((v) => `'${v}'`).join(', ')})`;
}
