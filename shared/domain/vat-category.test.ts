import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { euMemberStates, exportReason, notesFor, reverseChargeNote, reverseChargeReason, vatCategory } from './vat-category.js';

const eu = [...euMemberStates];
const nonEu = ['US', 'CH', 'GB', 'NO', 'JP', 'CN', 'BR'];
const rate = fc.constantFrom(0, 500, 700, 1900, 2000, 2100);

describe('vatCategory', () => {
  it('gives the examples of the rule', () => {
    expect(vatCategory({ sellerCountry: 'DE', buyerCountry: 'DE', buyerVatId: 'DE136695976', rateBp: 1900 })).toEqual({ category: 'S', rateBp: 1900 });
    expect(vatCategory({ sellerCountry: 'DE', buyerCountry: 'FR', rateBp: 1900 })).toEqual({ category: 'S', rateBp: 1900 });
    expect(vatCategory({ sellerCountry: 'DE', buyerCountry: 'FR', buyerVatId: 'FR40303265045', rateBp: 1900 })).toEqual({
      category: 'AE',
      rateBp: 0,
      exemptionReason: reverseChargeReason,
      note: reverseChargeNote,
    });
    expect(vatCategory({ sellerCountry: 'DE', buyerCountry: 'US', rateBp: 1900 })).toMatchObject({ category: 'G', rateBp: 0, exemptionReason: exportReason });
    expect(vatCategory({ sellerCountry: 'DE', buyerCountry: 'DE', rateBp: 0 })).toEqual({ category: 'Z', rateBp: 0 });
    expect(vatCategory({ sellerCountry: 'DE', buyerCountry: 'FR', rateBp: 1900, exemptionReason: 'Exempt medical care' })).toEqual({
      category: 'E',
      rateBp: 0,
      exemptionReason: 'Exempt medical care',
    });
    // No seller or buyer country known: as before categories, the product's rate.
    expect(vatCategory({ buyerCountry: 'US', rateBp: 2000 })).toEqual({ category: 'S', rateBp: 2000 });
    expect(vatCategory({ sellerCountry: 'DE', rateBp: 2000, buyerVatId: 'FR40303265045' })).toEqual({ category: 'S', rateBp: 2000 });
  });

  it('charges only standard-rated lines, and a zero rate always has a reason or is Z', () => {
    const country = fc.option(fc.constantFrom(...eu, ...nonEu), { nil: undefined });
    fc.assert(
      fc.property(
        country,
        country,
        fc.option(fc.constantFrom('X123'), { nil: undefined }),
        rate,
        fc.option(fc.constantFrom('Exempt'), { nil: undefined }),
        (sellerCountry, buyerCountry, buyerVatId, rateBp, exemptionReason) => {
          const t = vatCategory({ sellerCountry, buyerCountry, buyerVatId, rateBp, exemptionReason });
          expect(t.rateBp).toBe(t.category === 'S' ? rateBp : 0);
          if (t.category === 'S') expect(rateBp).toBeGreaterThan(0);
          if (['E', 'AE', 'G'].includes(t.category)) expect(t.exemptionReason).toBeTruthy();
          if (t.category === 'AE') expect(buyerVatId && euMemberStates.has(buyerCountry!) && buyerCountry !== sellerCountry).toBeTruthy();
          if (t.category === 'G') expect(euMemberStates.has(buyerCountry!)).toBe(false);
          if (sellerCountry === buyerCountry && !exemptionReason) expect(['S', 'Z']).toContain(t.category);
        },
      ),
    );
  });

  it('reverse-charges every EU business buyer abroad and exports to every buyer outside the EU', () => {
    fc.assert(
      fc.property(fc.constantFrom(...eu), fc.constantFrom(...eu), fc.constantFrom(...nonEu), rate, (seller, buyer, outside, rateBp) => {
        fc.pre(seller !== buyer);
        expect(vatCategory({ sellerCountry: seller, buyerCountry: buyer, buyerVatId: 'VAT', rateBp }).category).toBe('AE');
        expect(vatCategory({ sellerCountry: seller, buyerCountry: buyer, rateBp }).category).toBe(rateBp > 0 ? 'S' : 'Z');
        expect(vatCategory({ sellerCountry: seller, buyerCountry: outside, buyerVatId: 'VAT', rateBp }).category).toBe('G');
      }),
    );
  });

  it('notes the reverse charge once, whatever the number of its lines', () => {
    expect(notesFor([{ vatCategory: 'AE', taxRateBp: 0 }, { vatCategory: 'AE', taxRateBp: 0 }, { taxRateBp: 2000 }])).toEqual([reverseChargeNote]);
    expect(notesFor([{ taxRateBp: 2000 }, { taxRateBp: 0 }])).toEqual([]);
  });
});
