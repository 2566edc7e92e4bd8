import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectedUnitCost, reorderGroups, suggestedQuantity, type ReorderCandidate } from './reorder.js';

const acme = { id: 's-acme', name: 'Acme', currency: 'EUR' };
const bolt = { id: 's-bolt', name: 'Bolt & Co', currency: 'USD' };
const product = (over: Partial<ReorderCandidate>): ReorderCandidate => ({
  sku: 'A',
  name: 'Apple',
  supplierSku: null,
  available: 0,
  onOrder: 0,
  reorderLevel: 10,
  reorderQuantity: 0,
  lastUnitCost: null,
  averageCost: null,
  supplier: null,
  ...over,
});

describe('reorder suggestions', () => {
  it('lists a product at or under its level (available + on order), with enough to get above it and at least the reorder quantity', () => {
    expect(suggestedQuantity({ available: 10, onOrder: 0, reorderLevel: 10, reorderQuantity: 0 })).toBe(1); // at the level: one more gets above it
    expect(suggestedQuantity({ available: 11, onOrder: 0, reorderLevel: 10, reorderQuantity: 50 })).toBe(0); // above it: not due
    expect(suggestedQuantity({ available: 3, onOrder: 0, reorderLevel: 10, reorderQuantity: 0 })).toBe(8);
    expect(suggestedQuantity({ available: 3, onOrder: 0, reorderLevel: 10, reorderQuantity: 24 })).toBe(24);
    expect(suggestedQuantity({ available: 3, onOrder: 8, reorderLevel: 10, reorderQuantity: 24 })).toBe(0); // on order covers it
    expect(suggestedQuantity({ available: 3, onOrder: 7, reorderLevel: 10, reorderQuantity: 5 })).toBe(5);
    expect(suggestedQuantity({ available: 0, onOrder: 0, reorderLevel: 0, reorderQuantity: 24 })).toBe(0); // no level: never suggested
  });

  it('prices a line at the last cost paid, else the average cost, else not at all', () => {
    expect(expectedUnitCost({ lastUnitCost: 120, averageCost: 110 })).toBe(120);
    expect(expectedUnitCost({ lastUnitCost: 0, averageCost: 110 })).toBe(0); // a free receipt is a price too
    expect(expectedUnitCost({ lastUnitCost: null, averageCost: 110 })).toBe(110);
    expect(expectedUnitCost({ lastUnitCost: null, averageCost: null })).toBeNull();
  });

  it('groups by preferred supplier, by name, the products without one last, lines by sku', () => {
    const groups = reorderGroups([
      product({ sku: 'Z', supplier: null }),
      product({ sku: 'C', supplier: bolt, lastUnitCost: 300 }),
      product({ sku: 'B', supplier: acme, available: 4, reorderQuantity: 12, averageCost: 95 }),
      product({ sku: 'A', supplier: acme, supplierSku: 'AC-1', available: 20 }), // not due
      product({ sku: 'A2', supplier: acme, supplierSku: 'AC-2' }),
    ]);
    expect(groups.map((g) => [g.supplierId, g.supplierName, g.currency, g.lines.map((l) => l.sku)])).toEqual([
      ['s-acme', 'Acme', 'EUR', ['A2', 'B']],
      ['s-bolt', 'Bolt & Co', 'USD', ['C']],
      [null, null, null, ['Z']],
    ]);
    expect(groups[0]!.lines[1]).toEqual({
      sku: 'B',
      name: 'Apple',
      supplierSku: null,
      available: 4,
      onOrder: 0,
      reorderLevel: 10,
      reorderQuantity: 12,
      suggested: 12,
      unitCost: 95,
    });
    expect(groups[0]!.lines[0]).toMatchObject({ supplierSku: 'AC-2', suggested: 11, unitCost: null });
    expect(reorderGroups([product({ available: 11 })])).toEqual([]);
  });

  const candidate = fc.record({
    sku: fc.string({ minLength: 1, maxLength: 4 }),
    name: fc.constant('x'),
    supplierSku: fc.constant(null),
    available: fc.integer({ min: 0, max: 1000 }),
    onOrder: fc.integer({ min: 0, max: 1000 }),
    reorderLevel: fc.integer({ min: 0, max: 1000 }),
    reorderQuantity: fc.integer({ min: 0, max: 1000 }),
    lastUnitCost: fc.option(fc.integer({ min: 0, max: 10_000 })),
    averageCost: fc.option(fc.integer({ min: 0, max: 10_000 })),
    supplier: fc.option(fc.constantFrom(acme, bolt)),
  });

  it('a suggestion brings what the product will have above its level, never below the reorder quantity; nothing else is listed', () => {
    fc.assert(
      fc.property(candidate, (c) => {
        const q = suggestedQuantity(c);
        const due = c.reorderLevel > 0 && c.available + c.onOrder <= c.reorderLevel;
        if (!due) return q === 0;
        // Enough, and no more than needed unless the reorder quantity asks for more.
        return (
          q > 0 &&
          c.available + c.onOrder + q > c.reorderLevel &&
          q >= c.reorderQuantity &&
          (q === c.reorderQuantity || c.available + c.onOrder + q - 1 === c.reorderLevel)
        );
      }),
    );
  });

  it('every due product appears once, in its supplier group, and the group without a supplier comes last', () => {
    fc.assert(
      fc.property(fc.array(candidate, { maxLength: 30 }), (cs) => {
        const groups = reorderGroups(cs);
        const listed = groups.flatMap((g) => g.lines.map((l) => ({ l, g })));
        const due = cs.filter((c) => suggestedQuantity(c) > 0);
        expect(listed).toHaveLength(due.length);
        for (const c of due) {
          const hit = listed.find(({ l, g }) => l.sku === c.sku && g.supplierId === (c.supplier?.id ?? null) && l.suggested === suggestedQuantity(c));
          expect(hit).toBeDefined();
        }
        expect(new Set(groups.map((g) => g.supplierId)).size).toBe(groups.length);
        expect(groups.every((g) => g.lines.length > 0)).toBe(true);
        const nullAt = groups.findIndex((g) => g.supplierId === null);
        expect(nullAt === -1 || nullAt === groups.length - 1).toBe(true);
      }),
    );
  });
});
