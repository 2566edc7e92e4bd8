import { describe, expect, it } from 'vitest';
import { lockOrder, planReservation } from './stock.js';

describe('reservation plan', () => {
  const levels = new Map([
    ['A', { sku: 'A', onHand: 10, reserved: 8 }],
    ['B', { sku: 'B', onHand: 5, reserved: 0 }],
  ]);

  it('reserves when every line fits', () => {
    expect(
      planReservation(levels, [
        { sku: 'A', quantity: 2 },
        { sku: 'B', quantity: 5 },
      ]),
    ).toEqual({ ok: true });
  });

  it('refuses the whole order when one line does not fit, naming every shortage', () => {
    expect(
      planReservation(levels, [
        { sku: 'A', quantity: 3 },
        { sku: 'B', quantity: 1 },
        { sku: 'C', quantity: 1 },
      ]),
    ).toEqual({
      ok: false,
      shortages: [
        { sku: 'A', requested: 3, available: 2 },
        { sku: 'C', requested: 1, available: 0 },
      ],
    });
  });

  it('locks in one fixed order whatever the line order', () => {
    expect(
      lockOrder([
        { sku: 'B', quantity: 1 },
        { sku: 'A', quantity: 1 },
        { sku: 'B', quantity: 2 },
      ]),
    ).toEqual(['A', 'B']);
  });
});
