import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oneOf } from '../../shared/db/check-one-of.js';
import { deliveryStatuses, deliveryTriggers } from '../../shared/domain/delivery-lifecycle.js';
import { employeeChanges, employeeStatuses } from '../../shared/domain/employee.js';
import { invoiceStatuses } from '../../shared/domain/invoice.js';
import { orderStatuses } from '../../shared/domain/order-lifecycle.js';
import { vatCategoryCodes } from '../../shared/domain/parties.js';
import { onOrderStatuses, purchaseOrderStatuses } from '../../shared/domain/purchase-order-lifecycle.js';
import { reservationStatuses } from '../../shared/domain/reservation-lifecycle.js';
import { dispositions } from '../../shared/domain/returns.js';
import { movementKinds, movementReasons } from '../../shared/domain/stock-movements.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';

// Each status set is one constant in shared/domain; the database's CHECK on its column must allow exactly
// that set. Read back from pg_constraint of a database migrated by the repo's own runner: a status added
// to a constant without a migration (or a migration's list that drifts from its constant) fails here, and
// so does a new CHECK over a list of words that no constant stands behind.

/** Which column holds which set (schema.table.column). */
const sets: Record<string, readonly string[]> = {
  'orders.orders.status': orderStatuses,
  'billing.invoices.status': invoiceStatuses,
  'inventory.purchase_orders.status': purchaseOrderStatuses,
  'hr.employees.status': employeeStatuses,
  'hr.employee_history.change': employeeChanges,
  'inventory.order_reservations.status': reservationStatuses,
  'inventory.stock_movements.kind': movementKinds,
  'inventory.stock_movements.reason': movementReasons,
  'billing.document_deliveries.status': deliveryStatuses,
  'billing.document_deliveries.trigger': deliveryTriggers,
  'orders.return_lines.disposition': dispositions,
  'orders.order_lines.vat_category': vatCategoryCodes,
};

interface ListCheck {
  column: string;
  name: string;
  definition: string;
  allowed: string[];
}

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase('statuses');
});
afterAll(async () => db?.drop());

/**
 * Every CHECK on one column that compares it with a list of literals, as Postgres keeps it:
 * `x in ('a', 'b')` is stored as `x = ANY (ARRAY['a'::text, 'b'::text])`, `x in ('a')` as `x = 'a'::text`
 * (with `x IS NULL OR` before either for a nullable set), whatever the migration's spelling.
 */
async function listChecks(schemas: readonly string[]): Promise<ListCheck[]> {
  const { rows } = await db.pool.query<{ column: string; name: string; definition: string }>(
    `select n.nspname || '.' || t.relname || '.' || a.attname as column, c.conname as name, pg_get_constraintdef(c.oid) as definition
       from pg_constraint c
       join pg_class t on t.oid = c.conrelid
       join pg_namespace n on n.oid = t.relnamespace
       join pg_attribute a on a.attrelid = t.oid and a.attnum = c.conkey[1]
      where c.contype = 'c' and cardinality(c.conkey) = 1 and n.nspname = any($1::text[])
      order by 1, 2`,
    [schemas],
  );
  return rows
    .filter((r) => /= ANY \(ARRAY\[|= '(?:[^']|'')*'::/.test(r.definition))
    .map((r) => ({ ...r, allowed: [...r.definition.matchAll(/'((?:[^']|'')*)'::/g)].map((m) => m[1]!.replace(/''/g, "'")) }));
}

const appSchemas = ['platform', 'inventory', 'orders', 'billing', 'hr'];
const sorted = (values: readonly string[]) => [...values].sort();

describe('status sets: each CHECK allows exactly its constant', () => {
  it.each(Object.entries(sets))('%s', async (column, constant) => {
    const checks = (await listChecks(appSchemas)).filter((c) => c.column === column);
    expect(
      checks.map((c) => c.name),
      `one list CHECK on ${column}`,
    ).toHaveLength(1);
    const [check] = checks;
    expect(sorted(check!.allowed), `${check!.name}: ${check!.definition}; a change to the constant needs a migration (shared/db/check-one-of.ts)`).toEqual(
      sorted(constant),
    );
  });

  it('no CHECK over a list of values is left without its constant', async () => {
    const columns = (await listChecks(appSchemas)).map((c) => c.column);
    expect(columns.length).toBeGreaterThanOrEqual(Object.keys(sets).length);
    expect(columns.filter((c) => !(c in sets))).toEqual([]);
  });

  it("stock_view's on_order sums the lines of the purchase orders in onOrderStatuses (016 wrote that list out)", async () => {
    const { rows } = await db.pool.query<{ def: string }>(`select pg_get_viewdef('inventory.stock_view'::regclass) as def`);
    const list = /o\.status = ANY \(ARRAY\[([^\]]*)\]\)/.exec(rows[0]!.def)?.[1] ?? '';
    expect(sorted([...list.matchAll(/'([^']*)'::/g)].map((m) => m[1]!))).toEqual(sorted(onOrderStatuses));
  });

  it('reads back what a migration built from a constant wrote, and that CHECK is the one that refuses', async () => {
    const constant = ['draft', 'partially_done', 'done'] as const;
    await db.pool.query(
      `create schema scratch; create table scratch.things (s text not null check (${oneOf('s', constant)}), r text check (r is null or ${oneOf('r', ['a'])}))`,
    );
    // In column order: r (nullable, `r IS NULL OR ...` around its list), then s.
    const [nullable, required] = await listChecks(['scratch']);
    expect(nullable).toMatchObject({ column: 'scratch.things.r', allowed: ['a'] });
    expect(required).toMatchObject({ column: 'scratch.things.s', allowed: [...constant] });
    // A status added to the constant but not to the CHECK: the comparison above sees it, and so does Postgres.
    expect(sorted(required!.allowed)).not.toEqual(sorted([...constant, 'archived']));
    await db.pool.query(`insert into scratch.things (s) values ('done')`);
    await expect(db.pool.query(`insert into scratch.things (s) values ('archived')`)).rejects.toMatchObject({ code: '23514' });
  });
});
