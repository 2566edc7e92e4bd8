import { v7 as uuidv7 } from 'uuid';
import { AppError } from '../errors.js';
import type { UnitOfWork } from '../unit-of-work.js';
import { lockLevels } from './stock.js';
import { adjustLevel } from './adjustments.js';

export interface CountInput {
  lines: { sku: string; counted: number }[];
  note?: string | undefined;
}

/**
 * POST receive-stock/count: what was found on the shelves. Every sku's level is locked first, in sku
 * order (lockLevels, as reservations lock them: no deadlock with an order or another count), so the
 * differences are taken against on-hand as it is at that moment. A line that differs books one
 * adjustment of reason `count` (its note names the count); a line that matches books nothing but is
 * kept in the count's record. All lines or none: a line that would go below reserved refuses the count.
 */
export async function countStock(uow: UnitOfWork, input: CountInput) {
  const skus = input.lines.map((l) => l.sku);
  const twice = skus.findIndex((s, i) => skus.indexOf(s) !== i);
  if (twice >= 0) throw new AppError('duplicate_line', `${skus[twice]} is counted on two lines`, { skus: [skus[twice]], path: `lines.${twice}.sku` });
  const levels = await lockLevels(
    uow.tx,
    input.lines.map((l) => ({ sku: l.sku, quantity: l.counted })),
  );
  const missing = skus.findIndex((s) => !levels.has(s));
  if (missing >= 0) throw new AppError('unknown_sku', `no product with sku ${skus[missing]}`, { sku: skus[missing], path: `lines.${missing}.sku` });

  const countId = uuidv7();
  const note = `count ${countId}${input.note ? `: ${input.note}` : ''}`;
  const lines = [];
  for (const [i, line] of input.lines.entries()) {
    const level = levels.get(line.sku)!;
    const difference = line.counted - level.onHand;
    let valueDelta = 0;
    if (difference !== 0) {
      const done = await adjustLevel(uow, level, { sku: line.sku, quantity: difference, reason: 'count', note, countId }, `lines.${i}.counted`);
      valueDelta = done.valueDelta;
    }
    lines.push({ sku: line.sku, counted: line.counted, onHandBefore: level.onHand, difference, valueDelta });
  }
  await uow.tx.query('insert into inventory.stock_counts (id, lines, note, actor, counted_at) values ($1, $2, $3, $4, $5)', [
    countId,
    JSON.stringify(lines),
    input.note ?? null,
    uow.cause.actor,
    uow.now,
  ]);
  return { countId, lines };
}
