import { describe, expect, it } from 'vitest';
import { missingForEInvoice } from './e-invoice-readiness.js';

describe('missingForEInvoice', () => {
  it('names every address field of a customer with none', () => {
    expect(missingForEInvoice({ address: null })).toEqual(['address.lines', 'address.postalCode', 'address.city', 'address.country']);
    expect(missingForEInvoice({})).toHaveLength(4);
  });
  it('is empty for a complete address', () => {
    expect(missingForEInvoice({ address: { lines: ['Rue de Rivoli 1'], postalCode: '75001', city: 'Paris', country: 'FR' } })).toEqual([]);
  });
  it('names only what is blank', () => {
    expect(missingForEInvoice({ address: { lines: [' '], postalCode: '75001', city: '', country: 'FR' } })).toEqual(['address.lines', 'address.city']);
  });
});
