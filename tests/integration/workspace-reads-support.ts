import { expect } from 'vitest';
import type { Role } from '../../shared/auth/roles.js';
import type { Harness, Reply } from '../support/harness.js';

// What the workspace-reads tests share: reads that must answer 200, the error shape, and the few
// writes that make their data. `harness` gives the test file's harness once its beforeAll made it.

export const tag = () => Math.random().toString(36).slice(2, 8);
export const q = encodeURIComponent;

export function expectError(res: Reply, status: number, code: string) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.body).toMatchObject({ error: { code, message: expect.any(String) } });
}

export const ids = (body: { items: { id: string }[] }) => body.items.map((i) => i.id);

export function readsOn(harness: () => Harness) {
  async function read(path: string, role: Role = 'clerk'): Promise<any> {
    const res = await harness().get('query', path, { role });
    expect(res.status, `${path}: ${JSON.stringify(res.body)}`).toBe(200);
    return res.body;
  }

  async function product(body: Record<string, unknown>) {
    const res = await harness().post('upsert-product', { name: 'Thing', unitPrice: 1000, currency: 'EUR', taxRateBp: 2000, ...body }, { role: 'admin' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body;
  }

  async function customer(name: string, terms = 30) {
    const res = await harness().post('upsert-customer', { name, paymentTermsDays: terms }, { role: 'clerk' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.id as string;
  }

  async function order(customerId: string, lines: { sku: string; quantity: number }[]) {
    const res = await harness().post('create-order', { customerId, lines }, { role: 'clerk' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.id as string;
  }

  async function invoiceOf(orderId: string) {
    const body = await read(`/invoices?orderId=${orderId}`, 'accountant');
    return body.items[0] as { id: string; number: string; total: number; balance: number; overdue: boolean };
  }

  return { read, product, customer, order, invoiceOf };
}
