import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  onOrderStatuses,
  purchaseOrderLifecycle,
  purchaseOrderStatuses,
  purchaseOrderStep,
  type PurchaseOrderCommand,
  type PurchaseOrderStatus,
} from './purchase-order-lifecycle.js';

const finals: PurchaseOrderStatus[] = ['received', 'cancelled'];
const commands: PurchaseOrderCommand[] = ['send', 'receive', 'cancel'];

describe('the purchase order lifecycle table', () => {
  it('makes exactly these moves', () => {
    const moves = purchaseOrderStatuses
      .flatMap((from) => commands.flatMap((c) => [false, true].map((open) => ({ from, c, open, step: purchaseOrderStep(from, c, open) }))))
      .filter((m) => m.step.ok)
      .map((m) => `${m.from} -${m.c}${m.c === 'receive' ? (m.open ? '(open)' : '(all)') : ''}-> ${m.step.ok ? m.step.to : ''}`);
    expect([...new Set(moves)].sort()).toEqual([
      'draft -cancel-> cancelled',
      'draft -send-> sent',
      'partially_received -cancel-> cancelled',
      'partially_received -receive(all)-> received',
      'partially_received -receive(open)-> partially_received',
      'sent -cancel-> cancelled',
      'sent -receive(all)-> received',
      'sent -receive(open)-> partially_received',
    ]);
  });

  it('has no move out of received or cancelled, and every status is reachable from draft', () => {
    for (const move of purchaseOrderLifecycle) for (const f of finals) expect(move.from, `${move.to}`).not.toContain(f);
    const reached = new Set<PurchaseOrderStatus>(['draft']);
    for (let grew = true; grew;) {
      grew = false;
      for (const m of purchaseOrderLifecycle) if (m.from.some((f) => reached.has(f)) && !reached.has(m.to)) grew = reached.add(m.to) !== undefined;
    }
    expect([...reached].sort()).toEqual([...purchaseOrderStatuses].sort());
  });

  it('refuses every other move with invalid_transition, naming the status and the statuses allowed', () => {
    fc.assert(
      fc.property(fc.constantFrom(...purchaseOrderStatuses), fc.constantFrom(...commands), fc.boolean(), (from, command, open) => {
        const step = purchaseOrderStep(from, command, open);
        if (finals.includes(from)) expect(step.ok).toBe(false);
        if (step.ok) return;
        expect(step.code).toBe('invalid_transition');
        expect(step.message).toMatch(new RegExp(`^a ${from} purchase order cannot be `));
        const allowed = [...new Set(purchaseOrderLifecycle.filter((m) => m.command === command).flatMap((m) => m.from))];
        expect(step.message).toContain(`(only ${allowed.join(', ')})`);
      }),
    );
    expect(purchaseOrderStep('draft', 'receive', true)).toEqual({
      ok: false,
      code: 'invalid_transition',
      message: 'a draft purchase order cannot be received against (only sent, partially_received)',
    });
    expect(purchaseOrderStep('received', 'cancel')).toEqual({
      ok: false,
      code: 'invalid_transition',
      message: 'a received purchase order cannot be cancelled (only draft, sent, partially_received)',
    });
    expect(purchaseOrderStep('sent', 'send')).toEqual({ ok: false, code: 'invalid_transition', message: 'a sent purchase order cannot be sent (only draft)' });
  });

  it('counts as on order exactly the statuses that can still receive or be sent', () => {
    const open = purchaseOrderStatuses.filter((s) => !finals.includes(s));
    expect([...onOrderStatuses].sort()).toEqual(open.sort());
  });

  it('is the table docs/rules.md shows', () => {
    const doc = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'rules.md'), 'utf8');
    for (const m of purchaseOrderLifecycle) {
      // The command first: a row starting with a status would be counted as one of the orders' table (cancelled is in both).
      const row = `| ${[`receive-stock/purchase-order/${m.command}`, m.from.join(', '), m.to, m.when ?? ''].join(' | ')} |`.replace('|  |', '| |');
      expect(doc, m.to).toContain(row);
    }
    const rows = doc.match(/^ {2}\| receive-stock\/purchase-order\/\w+ \|/gm);
    expect(rows?.length, 'purchase order rows in docs/rules.md').toBe(purchaseOrderLifecycle.length);
  });
});
