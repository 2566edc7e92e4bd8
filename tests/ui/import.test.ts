import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorkspaceBox, type WorkspaceBox } from '../support/workspace-box.js';

// Moving in through the workspace: Import on the products screen, a bad file shows each problem by line
// and field and imports nothing; a good one is checked, imported with progress, and its product listed.

let ws: WorkspaceBox;
const sku = `IMPUI${Date.now().toString(36).toUpperCase()}`;

beforeAll(async () => {
  ws = await startWorkspaceBox('import_ui');
}, 180_000);
afterAll(() => ws?.close());

describe('Import on the products screen', () => {
  it('a bad file shows its line and field; a good one imports and the product appears', async () => {
    const { page, problems } = await ws.signIn('admin', '/products', [422]);
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Import products' });
    await dialog
      .getByLabel('CSV file')
      .setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(`sku,name,unitPrice,currency\n${sku},Mug,12.50,EUR\n`) });
    const problemsTable = dialog.getByRole('table', { name: 'Problems in the file' });
    await problemsTable.waitFor();
    const cells = await problemsTable.getByRole('row').nth(1).getByRole('cell').allInnerTexts();
    expect(cells.slice(0, 2)).toEqual(['2', 'unitPrice']);

    await dialog.getByLabel('CSV file').setInputFiles({
      name: 'good.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(`sku,name,unitPrice,currency,openingStock,unitCost\n${sku},Imported mug,1250,EUR,5,400\n`),
    });
    await dialog.getByRole('button', { name: 'Import 1 rows' }).click();
    await expect.poll(() => dialog.getByRole('status').innerText(), { timeout: 15_000 }).toMatch(/Imported: 1 rows: 1 new/);
    await page.getByRole('main').getByRole('cell', { name: sku }).waitFor({ timeout: 15_000 });
    expect(problems).toEqual([]);
  }, 60_000);
});
