import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../shared/auth/roles.js';
import type { Box } from '../support/box.js';
import { inspect } from '../support/browser.js';
import { waitFor } from '../support/wait.js';
import { startWorkspaceBox, type WorkspaceBox } from '../support/workspace-box.js';

// Buying and stock control through the workspace only, by its accessible names (issue 20): the clerk
// enters a supplier, the admin a product bought from it with a reorder level, the clerk orders it,
// sends the order, receives it in two parts (partially received, then received) and sees it on the
// stock screen at cost; then adjusts the stock with a reason, counts it, and turns the reorder
// suggestion that follows into a draft purchase order. Every screen is screenshotted and checked by
// axe; no page may log an error or hit a 404.

let ws: WorkspaceBox;
let box: Box;
const tag = Date.now().toString(36).toUpperCase();
const sku = `BOLT${tag}`;
const supplierName = `Bolts ${tag} SARL`;
let supplierId = '';
let purchaseOrderId = '';
let draftId = '';

beforeAll(async () => {
  ws = await startWorkspaceBox('buy');
  box = ws.box;
}, 180_000);
afterAll(() => ws?.close());

const signIn = (role: Role, screen: string, expectedStatuses: number[] = []) => ws.signIn(role, screen, expectedStatuses);

const nav = (page: Page, name: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });
const live = (page: Page) => page.waitForFunction(() => document.querySelector('#status')?.getAttribute('data-state') === 'live');
const action = (page: Page, name: string) =>
  page
    .getByRole('main')
    .getByRole('button', { name, exact: true })
    .or(page.getByRole('main').getByRole('link', { name, exact: true }));
const status = (page: Page) => page.getByRole('main').locator('dl .status-badge');
const stockRow = (page: Page) => page.getByRole('region', { name: 'Stock levels' }).getByRole('row').filter({ hasText: sku });
const level = async () => (await box.api(`/function/query/stock?q=${sku}`, { role: 'clerk' })).body.items.find((s: { sku: string }) => s.sku === sku);

describe('buying and stock control in the workspace', () => {
  it('clerk: enters a supplier with its address and VAT ID', async () => {
    const { page, problems } = await signIn('clerk', '/orders');
    await nav(page, 'Suppliers').click();
    await page.getByText('No suppliers yet.').waitFor();
    await inspect(page, 'suppliers-empty');
    await action(page, 'New supplier').click();
    await page.getByLabel('Name', { exact: true }).fill(supplierName);
    await page.getByLabel('Street').fill('12 rue des Boulons');
    await page.getByLabel('Postal code').fill('75002');
    await page.getByLabel('City').fill('Paris');
    await page.getByLabel('Country').fill('FR');
    await page.getByLabel('VAT ID').fill('FR40303265045');
    await page.getByLabel('Email').fill('orders@bolts.example');
    await page.getByLabel('Payment terms (days)').fill('45');
    await inspect(page, 'supplier-new');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('heading', { name: supplierName }).waitFor();
    await page.getByText('No purchase orders yet.').waitFor();
    await inspect(page, 'supplier');
    supplierId = decodeURIComponent(page.url().split('/').pop()!);
    expect((await box.api(`/function/query/suppliers/${supplierId}`, { role: 'clerk' })).body).toMatchObject({
      name: supplierName,
      vatId: 'FR40303265045',
      paymentTermsDays: 45,
      currency: 'EUR',
      email: 'orders@bolts.example',
      address: { lines: ['12 rue des Boulons'], postalCode: '75002', city: 'Paris', country: 'FR' },
    });
    await nav(page, 'Suppliers').click();
    await page.getByRole('link', { name: supplierName }).waitFor();
    await inspect(page, 'suppliers');
    expect(problems).toEqual([]);
  }, 120_000);

  it('admin: imports a supplier from CSV on the Suppliers screen', async () => {
    const { page, problems } = await signIn('admin', '/suppliers');
    await page.getByRole('link', { name: supplierName }).waitFor();
    await action(page, 'Import').click();
    const dialog = page.getByRole('dialog', { name: 'Import suppliers' });
    const csv = `name,street,postalCode,city,country,currency,email\nNuts ${tag} GmbH,Fabrikstraße 3,95100,Selb,DE,EUR,orders@nuts.example\n`;
    await dialog.getByLabel('CSV file').setInputFiles({ name: 'suppliers.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await dialog.getByRole('button', { name: 'Import 1 rows' }).click();
    await expect.poll(() => dialog.getByRole('status').innerText(), { timeout: 15_000 }).toMatch(/Imported: 1 rows: 1 new/);
    await page.keyboard.press('Escape');
    await page.getByRole('link', { name: `Nuts ${tag} GmbH` }).waitFor({ timeout: 15_000 });
    await inspect(page, 'suppliers-imported');
    expect(problems).toEqual([]);
  }, 60_000);

  it('admin: a product bought from that supplier, with a reorder level and quantity', async () => {
    const { page, problems } = await signIn('admin', '/products');
    await action(page, 'New product').click();
    await page.getByLabel('SKU', { exact: true }).fill(sku);
    await page.getByLabel('Name', { exact: true }).fill('Hex bolt M8');
    await page.getByLabel('Unit price').fill('0.90');
    await page.getByLabel('Currency').fill('EUR');
    await page.getByLabel('Tax rate').fill('20');
    await page.getByLabel('Reorder level').fill('5');
    await page.getByLabel('Reorder quantity').fill('20');
    await page.getByLabel('Preferred supplier').selectOption(supplierId);
    await page.getByLabel('Supplier SKU').fill('HB-M8');
    await inspect(page, 'product-new-buying');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('cell', { name: sku }).waitFor();
    const product = (await box.api(`/function/query/products/${sku}`, { role: 'admin' })).body;
    expect(product).toMatchObject({ reorderLevel: 5, reorderQuantity: 20, preferredSupplierId: supplierId, supplierSku: 'HB-M8' });
    expect(problems).toEqual([]);
  }, 60_000);

  it('clerk: orders 10, sends the order, receives 4 and then the rest; stock shows them at cost', async () => {
    const { page, problems } = await signIn('clerk', '/orders');
    await live(page);
    await nav(page, 'Purchase orders').click();
    await page.getByText('No purchase orders yet.').waitFor();
    await action(page, 'New purchase order').click();
    // The list has a Supplier filter of its own: choose on the new order's form, once it is there.
    await page.getByRole('heading', { name: 'New purchase order' }).waitFor();
    await page.getByLabel('Supplier').selectOption(supplierId);
    await page.getByLabel('Product').selectOption(sku);
    await page.getByLabel('Quantity').fill('10');
    await page.getByLabel('Unit cost').fill('0.42');
    await expect.poll(() => page.getByRole('main').textContent()).toContain('€4.20'); // the total as one types
    await inspect(page, 'purchase-order-new');
    await page.getByRole('button', { name: 'Create purchase order' }).click();
    await page.waitForURL(/#\/purchase-orders\/(?!new$)[^/]+$/);
    purchaseOrderId = decodeURIComponent(page.url().split('/').pop()!);
    await expect.poll(() => status(page).textContent()).toBe('draft');
    await page.getByRole('heading', { name: /PO-\d{6}/ }).waitFor();
    expect(await action(page, 'Receive goods').count()).toBe(0); // a draft is not received against
    expect(await action(page, 'PDF').count()).toBe(0); // made when it is sent
    await inspect(page, 'purchase-order-draft');

    await action(page, 'Send').click();
    await page.getByRole('dialog').getByRole('button', { name: 'Yes, mark sent' }).click();
    await expect.poll(() => status(page).textContent(), { timeout: 10_000 }).toBe('sent');
    expect(await action(page, 'Send').count()).toBe(0);
    // Sent: its PDF, and Send by e-mail since the supplier has an address (the e-mail itself: tests/integration/purchase-order-documents.test.ts).
    expect(await action(page, 'PDF').count()).toBe(1);
    expect(await action(page, 'Send by e-mail').count()).toBe(1);

    await action(page, 'Receive goods').click();
    await page.getByLabel('Quantity received').fill('4');
    await inspect(page, 'purchase-order-receive');
    await page.getByRole('button', { name: 'Save receipt' }).click();
    await expect.poll(() => status(page).textContent(), { timeout: 10_000 }).toBe('partially received');
    const lines = page.getByRole('region', { name: 'Purchase order lines' }).getByRole('row').filter({ hasText: sku });
    await expect.poll(() => lines.textContent()).toMatch(/10\s*4\s*6/); // ordered, received, open
    expect((await level()).onHand).toBe(4);

    await action(page, 'Receive goods').click();
    await expect.poll(() => page.getByLabel('Quantity received').inputValue()).toBe('6'); // what is still open
    await page.getByRole('button', { name: 'Save receipt' }).click();
    await expect.poll(() => status(page).textContent(), { timeout: 10_000 }).toBe('received');
    expect(await action(page, 'Receive goods').count()).toBe(0);
    expect(await action(page, 'Cancel').count()).toBe(0); // received is final
    await expect.poll(() => page.getByRole('region', { name: 'Receipts' }).getByRole('row').count()).toBe(3); // header + two receipts
    await inspect(page, 'purchase-order-received');

    await nav(page, 'Stock').click();
    await expect.poll(async () => (await stockRow(page).textContent()) ?? '', { timeout: 10_000 }).toMatch(/\b10\b/);
    const row = (await stockRow(page).textContent()) ?? '';
    expect(row).toContain('€4.20'); // Value: 10 at 0.42
    expect(row).toContain('€0.42'); // average cost
    expect(await page.getByRole('columnheader', { name: 'Value', exact: true }).count()).toBe(1);
    expect(await level()).toMatchObject({ onHand: 10, value: 420, averageCost: 42, currency: 'EUR' });
    await inspect(page, 'stock-at-cost');
    await nav(page, 'Purchase orders').click();
    await page
      .getByRole('link', { name: /PO-\d{6}/ })
      .first()
      .waitFor();
    await inspect(page, 'purchase-orders');
    expect(problems).toEqual([]);
  }, 180_000);

  it('clerk: adjusts stock for damage, then counts it; both land at cost', async () => {
    const { page, problems } = await signIn('clerk', '/stock', [422]);
    await live(page);
    await stockRow(page).waitFor();
    await action(page, 'Adjust stock').click();
    await page.getByLabel('Product').selectOption(sku);
    await page.getByLabel('Quantity').fill('-7');
    await page.getByLabel('Reason').selectOption('damage');
    await inspect(page, 'stock-adjust');
    await page.getByRole('button', { name: 'Save adjustment' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: `Adjusted ${sku}` })
      .waitFor();
    expect(await level()).toMatchObject({ onHand: 3, value: 126 });
    await expect.poll(async () => (await stockRow(page).textContent()) ?? '').toContain('€1.26');

    // A count of 2 where 3 are on hand books one adjustment of -1; products left blank are not counted.
    await action(page, 'Count stock').click();
    const counted = page.getByRole('region', { name: 'Stock count' }).getByRole('row').filter({ hasText: sku }).getByLabel('Counted quantity');
    await counted.fill('2');
    await inspect(page, 'stock-count');
    const sent: unknown[] = [];
    page.on('request', (r) => r.url().endsWith('/function/receive-stock/count') && sent.push(r.postDataJSON()));
    await page.getByRole('button', { name: 'Save count' }).click();
    await page.getByRole('status').filter({ hasText: 'Counted 1 product' }).waitFor();
    expect(sent).toEqual([{ lines: [{ sku, counted: 2 }] }]);
    expect(await level()).toMatchObject({ onHand: 2, value: 84 });

    await page.getByRole('link', { name: sku }).click();
    await page
      .getByRole('cell', { name: /adjustment/ })
      .first()
      .waitFor();
    expect(await page.getByRole('main').textContent()).toMatch(/damage/);
    expect(await page.getByRole('main').textContent()).toMatch(/\(count\)/);
    await inspect(page, 'stock-movements-at-cost');
    expect(problems).toEqual([]);
  }, 120_000);

  it('clerk: the reorder suggestion becomes a draft purchase order in one press', async () => {
    const { page, problems } = await signIn('clerk', '/purchase-orders');
    const group = page.getByRole('region', { name: supplierName });
    // 2 available, nothing on order, level 5: at least the reorder quantity, 20.
    await expect.poll(async () => (await group.getByRole('row').filter({ hasText: sku }).textContent()) ?? '', { timeout: 10_000 }).toMatch(/20/);
    await inspect(page, 'reorder-suggestions');
    await group.getByRole('button', { name: 'Create draft purchase order' }).click();
    await page.waitForURL((u) => !u.hash.endsWith(purchaseOrderId) && /#\/purchase-orders\/[^/]+$/.test(u.hash));
    await expect.poll(() => status(page).textContent()).toBe('draft');
    draftId = decodeURIComponent(page.url().split('/').pop()!);
    const draft = await waitFor(async () => (await box.api(`/function/query/purchase-orders/${draftId}`, { role: 'clerk' })).body, { what: 'the draft' });
    expect(draft).toMatchObject({ supplierId, status: 'draft', lines: [{ sku, quantity: 20 }] });
    await inspect(page, 'purchase-order-reorder-draft');
    expect(problems).toEqual([]);
  }, 60_000);

  it('accountant: sees purchase orders but may not enter, send, cancel or receive them, nor adjust or count stock', async () => {
    const { page, problems } = await signIn('accountant', `/purchase-orders/${draftId}`);
    await expect.poll(() => status(page).textContent()).toBe('draft');
    expect(await action(page, 'Send').count()).toBe(0);
    expect(await action(page, 'Cancel').count()).toBe(0);
    await nav(page, 'Purchase orders').click();
    await page
      .getByRole('link', { name: /PO-\d{6}/ })
      .first()
      .waitFor();
    expect(await action(page, 'New purchase order').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Create draft purchase order' }).count()).toBe(0);
    await nav(page, 'Stock').click();
    await stockRow(page).waitFor();
    expect(await action(page, 'Adjust stock').count()).toBe(0);
    expect(await action(page, 'Count stock').count()).toBe(0);
    expect(problems).toEqual([]);
  }, 60_000);
});
