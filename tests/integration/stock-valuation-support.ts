import { expect } from 'vitest';
import type { Harness } from '../support/harness.js';

// What stock-valuation.test.ts's checks share: products, receipts, adjustments and counts made through
// the functions, and the rows they wrote read back from Postgres. `harness` and `customerId` give the
// test file's harness and customer once its beforeAll made them.

export const admin = { role: 'admin' as const };
export const clerk = { role: 'clerk' as const };

export function valuationHelpers(harness: () => Harness, customerId: () => string) {
  let n = 0;

  async function q<T = any>(sql: string, values: unknown[] = []): Promise<T[]> {
    return (await harness().db.pool.query(sql, values)).rows as T[];
  }

  async function product(currency = 'EUR') {
    n += 1;
    const sku = `VAL-${n}-${Math.random().toString(36).slice(2, 7)}`;
    const res = await harness().post('upsert-product', { sku, name: `Valued ${n}`, unitPrice: 2000, currency, taxRateBp: 2000 }, admin);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return sku;
  }

  const receive = async (sku: string, quantity: number, unitCost?: number) => {
    const res = await harness().post('receive-stock', { sku, quantity, ...(unitCost === undefined ? {} : { unitCost }) }, clerk);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body;
  };
  const adjust = (body: unknown, opts: { headers?: Record<string, string>; token?: string } = {}) =>
    harness().call('receive-stock', '/adjustment', { ...clerk, body, ...opts });
  const count = (body: unknown, headers: Record<string, string> = {}) => harness().call('receive-stock', '/count', { ...clerk, body, headers });
  const stockItem = async (sku: string) => (await harness().get('query', `/stock?q=${sku}`, clerk)).body.items.find((i: { sku: string }) => i.sku === sku);
  const level = async (sku: string) =>
    (
      await q<{ on_hand: number; reserved: number; value: number }>('select on_hand, reserved, value::int from inventory.stock_levels where sku = $1', [sku])
    )[0]!;
  const posting = (movementId: number) =>
    q<{ account: string; debit: number; credit: number; currency: string }>(
      'select account, debit::int, credit::int, currency from billing.ledger_entries where posting_id = $1 order by account',
      [`stock:${movementId}`],
    );
  const lastMovement = async (sku: string, kind: string) =>
    (
      await q<{ id: number; value_delta: number; on_hand_delta: number; reason: string | null; actor: string | null; note: string | null }>(
        'select id::int, value_delta::int, on_hand_delta, reason, actor, note from inventory.stock_movements where sku = $1 and kind = $2 order by id desc limit 1',
        [sku, kind],
      )
    )[0]!;
  const written = async () =>
    (
      await q<{
        n: number;
      }>(`select ((select count(*) from inventory.stock_movements) + (select count(*) from platform.outbox) + (select count(*) from billing.ledger_entries)
        + (select count(*) from inventory.stock_counts))::int as n`)
    )[0]!.n;

  async function order(sku: string, quantity: number) {
    const res = await harness().post('create-order', { customerId: customerId(), lines: [{ sku, quantity }] }, clerk);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.id as string;
  }

  return { q, product, receive, adjust, count, stockItem, level, posting, lastMovement, written, order };
}
