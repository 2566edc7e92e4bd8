import { z } from 'zod';
import { expect } from 'vitest';
import { amountText } from '../../shared/domain/money.js';

// What csv-export.test.ts expects of a CSV row, from the JSON item it stands for.
// The documented cell rules, written out independently of shared/http/csv.ts.
export const formula = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;
export const textCell = (s: string) => (formula.test(s) ? `'${s}` : s);
export function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return textCell(typeof value === 'string' ? value : JSON.stringify(value));
}
export const linesCell = (lines: unknown) =>
  z
    .array(z.object({ sku: z.string(), quantity: z.number() }))
    .parse(lines)
    .map((l) => `${l.quantity} x ${l.sku}`)
    .join('; ');

/** What the CSV row of a JSON item must be: every field in its order, `<money>_formatted` after each money field. */
export function expected(item: Record<string, unknown>, money: readonly string[]): { header: string[]; row: Record<string, string> } {
  const header: string[] = [];
  const row: Record<string, string> = {};
  for (const [key, value] of Object.entries(item)) {
    header.push(key);
    row[key] = key === 'lines' ? linesCell(value) : cell(value);
    if (money.includes(key)) {
      header.push(`${key}_formatted`);
      row[`${key}_formatted`] = typeof value === 'number' && typeof item.currency === 'string' ? amountText(value, item.currency) : '';
    }
  }
  return { header, row };
}

export function expectSame(got: { header: string[]; rows: Record<string, string>[] }, items: Record<string, unknown>[], money: readonly string[]) {
  expect(items.length).toBeGreaterThan(0);
  expect(got.header).toEqual(expected(items[0]!, money).header);
  expect(got.rows).toEqual(items.map((i) => expected(i, money).row));
}
