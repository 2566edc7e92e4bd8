// Pay by department without revealing anyone's pay (issue 21). Departments are free text, so a
// department of one person is that person's salary. The rule, per currency (docs/rules.md):
//  1. a department with fewer than `minGroup` active employees is not shown on its own;
//  2. those are added into one row with no department (`department: null`, `departments` = how many
//     it covers), after the named rows of that currency;
//  3. if that row would still cover fewer than `minGroup` people, the smallest named departments join
//     it (fewest people first) until it covers at least `minGroup`: otherwise anyone who knows the
//     currency's total payroll (an accountant does: it is the bank transfer) subtracts the rows shown
//     and gets the hidden few back;
//  4. if even the whole currency has fewer than `minGroup` people, nothing of that currency is shown.
// So every figure shown, and whatever a total minus the figures shown leaves, sums at least
// `minGroup` people's pay.

export type PayrollRow = {
  department: string;
  currency: string;
  headcount: number;
  monthlySalary: number;
};

export type PayrollGroup = {
  /** null on the row of the departments too small to show apart. */
  department: string | null;
  currency: string;
  headcount: number;
  monthlySalary: number;
  /** How many departments the row covers: 1 for a named row. */
  departments: number;
};

// Code point order, as DuckDB's default collation sorts: the same on every machine, whatever its locale.
const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function suppressSmallGroups(rows: readonly PayrollRow[], minGroup: number): PayrollGroup[] {
  const byCurrency = new Map<string, PayrollRow[]>();
  for (const r of rows) byCurrency.set(r.currency, [...(byCurrency.get(r.currency) ?? []), r]);
  const out: PayrollGroup[] = [];
  for (const currency of [...byCurrency.keys()].sort()) {
    // Smallest first (then by name, so the same data always merges the same departments).
    const groups = byCurrency
      .get(currency)!
      .slice()
      .sort((a, b) => a.headcount - b.headcount || byName(a.department, b.department));
    let people = 0;
    let merged = 0;
    for (const g of groups) {
      const tooSmall = g.headcount < minGroup;
      const leftTooFew = people > 0 && people < minGroup;
      if (!tooSmall && !leftTooFew) break;
      people += g.headcount;
      merged += 1;
    }
    if (people > 0 && people < minGroup) continue; // the whole currency is too few people (rule 4)
    const named = groups.slice(merged).sort((a, b) => byName(a.department, b.department));
    out.push(...named.map((g) => ({ ...g, departments: 1 })));
    if (merged > 0) {
      const hidden = groups.slice(0, merged);
      out.push({ department: null, currency, headcount: people, monthlySalary: hidden.reduce((s, g) => s + g.monthlySalary, 0), departments: merged });
    }
  }
  return out;
}
