import { join } from 'node:path';
import { expect, it } from 'vitest';
import { contentSecurityPolicy } from '../../../gateway/security-headers.js';
import { launchChromium, results, watch } from '../../support/browser.js';
import { waitFor } from '../../support/wait.js';
import { request } from '../../faults/driver.js';
import { front, person, signIn } from '../stack.js';
import { box, customers, skus, walkThrough, ip } from './context.js';

// Through the front door as a person and as a client: the workspace and its sign-in, and an order to cash.
export function frontDoorChecks(): void {
  it('serves the workspace: every asset of / loads, and the sign-in at auth.erpbi.lan works', async () => {
    const clerk = person('clerk');
    await signIn('clerk'); // made through the admin API, if the stack does not have it yet
    const browser = await launchChromium(['--host-resolver-rules=MAP erpbi.lan 127.0.0.1, MAP auth.erpbi.lan 127.0.0.1', '--ignore-certificate-errors']);
    try {
      const page = await browser.newPage();
      const problems = watch(page);
      const assets: string[] = [];
      page.on('response', (r) => assets.push(`${r.status()} ${r.url()}`));
      await page.goto(`${front}/`);
      await page.click('#signin');
      await page.waitForURL(/auth\.erpbi\.lan\/realms\/erpbi\/protocol\/openid-connect\/auth/);
      // the login form of Keycloak's stand-in, with the ids of Keycloak's own
      await page.locator('#username').fill(clerk.username);
      await page.locator('#password').fill(clerk.password);
      await page.locator('#kc-login').click();
      await page.waitForURL(/^https:\/\/erpbi\.lan\//);
      await page.getByRole('heading', { name: 'Orders' }).waitFor({ timeout: 30_000 });
      await page.screenshot({ path: join(results, 'containers-orders.png') });
      expect(problems).toEqual([]);
      expect(assets.filter((a) => /^\d+ https:\/\/erpbi\.lan\/(assets|style|favicon|config)/.test(a)).length, 'page assets requested').toBeGreaterThan(2);
      // The front door's security headers (gateway/security-headers.ts) on the page and on an API answer (a 401).
      for (const path of ['/', '/function/query/orders']) {
        const res = await fetch(`${front}${path}`);
        expect([res.headers.get('content-security-policy'), res.headers.get('x-content-type-options')], path).toEqual([
          contentSecurityPolicy('https://auth.erpbi.lan'),
          'nosniff',
        ]);
      }
    } finally {
      await browser.close();
    }
  });

  it('takes an order to cash and shows it in the BI query', async () => {
    const admin = await signIn('admin');
    const clerk = await signIn('clerk');
    for (const sku of skus) {
      expect(
        (await request(box, admin, '/function/upsert-product', { sku, name: `Container ${sku}`, unitPrice: 1250, currency: 'EUR', taxRateBp: 2000 })).status,
      ).toBe(200);
      expect((await request(box, clerk, '/function/receive-stock', { sku, quantity: 1000 })).status).toBe(200);
    }
    for (const id of customers)
      expect((await request(box, clerk, '/function/upsert-customer', { id, name: `Customer ${id}`, paymentTermsDays: 14 })).status).toBe(200);
    walkThrough.lines = [{ sku: skus[0]!, quantity: 3 }];
    const order = await request(
      box,
      clerk,
      '/function/create-order',
      { customerId: customers[0], lines: walkThrough.lines },
      { 'idempotency-key': 'ct-first-order' },
    );
    expect(order.status).toBe(201);
    Object.assign(walkThrough, { id: order.body.id, total: order.body.total });
    const invoiced = await waitFor(
      async () => {
        const o = await request(box, clerk, `/function/query/orders/${order.body.id}`);
        return o.body?.status === 'invoiced' && o.body.invoiceId ? o.body : undefined;
      },
      { timeoutMs: 60_000, what: 'the order to be invoiced' },
    );
    // Its PDF, rendered by the render-document container into object storage (SeaweedFS's stand-in).
    const pdf = await waitFor(
      async () => {
        const res = await fetch(`${front}/function/query/invoices/${invoiced.invoiceId}/pdf`, { headers: { authorization: `Bearer ${clerk}` } });
        return res.status === 200
          ? {
              type: res.headers.get('content-type'),
              head: Buffer.from(await res.arrayBuffer())
                .subarray(0, 5)
                .toString(),
            }
          : undefined;
      },
      { timeoutMs: 60_000, what: "the invoice's PDF" },
    );
    expect(pdf).toEqual({ type: 'application/pdf', head: '%PDF-' });
    const paid = await request(
      box,
      admin,
      '/function/record-payment',
      { invoiceId: invoiced.invoiceId, amount: order.body.total, method: 'bank_transfer' },
      { 'idempotency-key': 'ct-first-payment' },
    );
    expect(paid.status).toBe(201);
    await waitFor(async () => (await request(box, clerk, `/function/query/orders/${order.body.id}`)).body?.status === 'paid', {
      timeoutMs: 60_000,
      what: 'the order to be paid',
    });
    await waitFor(
      async () => {
        const f = await request(box, admin, '/function/project-to-olap/query/order_funnel');
        return f.status === 200 && (f.body.rows as { status: string; orders: number }[]).some((r) => r.status === 'paid' && Number(r.orders) >= 1);
      },
      { timeoutMs: 60_000, what: 'the BI order funnel to count the paid order' },
    );
    // Every function published its own events as its own NATS user: a publish its permissions refused
    // would have been left to the connector's outbox sweeper.
    const connectorMetrics = await (await fetch(`http://${ip('connector')}:3000/metrics`)).text();
    expect(connectorMetrics).toMatch(/^erpbi_outbox_republished_total(\{[^}]*\})? 0$/m);
  });
}
