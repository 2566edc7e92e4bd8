import { beforeAll, expect, it } from 'vitest';
import { waitFor } from '../../support/wait.js';
import { request } from '../../faults/driver.js';
import { compose, containerId, docker, front, signIn } from '../stack.js';
import { dockerRegistry, startTimes } from '../images.js';
import { box, ct, measures, ownServices, idleMb, openData, closeData } from './context.js';

// Issue 21, item 4: the same compose stack from erpbi's arm64 images (REGISTRY=erpbi-arm64, the names
// build-images.sh gives them in Docker's store), run by qemu-aarch64 through binfmt_misc. Emulation
// is 5-20 times slower than the host: deadlines here are minutes where the amd64 stack's are seconds.
export function arm64Checks(): void {
  const emulated = { timeoutMs: 600_000, intervalMs: 1000 };
  beforeAll(async () => {
    await closeData();
    compose(ct.stack, ['down', '-v', '--remove-orphans']);
    ct.stack.env = { ...ct.stack.env, REGISTRY: dockerRegistry('arm64') };
    ct.stack.extraFiles = ['tests/containers/docker-compose.emulated.yml'];
    const started = Date.now();
    compose(ct.stack, ['up', '-d'], { timeoutMs: 900_000 });
    const starts = startTimes(ownServices, 900_000);
    await waitFor(async () => (await fetch(`${front}/healthz`).catch(() => undefined))?.status === 200, {
      ...emulated,
      what: 'the front door /healthz to answer 200 (arm64)',
    });
    (measures.startSeconds as Record<string, unknown>).arm64 = await starts;
    const token = await waitFor(() => signIn('clerk').catch(() => undefined), { ...emulated, what: 'a sign-in at auth.erpbi.lan (arm64 issuer)' });
    await waitFor(async () => (await request(box, token, '/function/query/orders')).status === 200, {
      ...emulated,
      what: 'GET /function/query/orders to answer 200 (arm64)',
    });
    measures['arm64 stack start to first 200'] = `${((Date.now() - started) / 1000).toFixed(1)} s`;
    (measures.idleMb as Record<string, unknown>).arm64 = await idleMb();
    await openData();
  }, 1_800_000);

  it("runs every erpbi container from its arm64 image, each answering its health check; DuckDB's addon is the arm64 one", () => {
    for (const service of ownServices) {
      const image = JSON.parse(docker(['inspect', containerId(ct.stack, service)]))[0].Image as string;
      expect(docker(['image', 'inspect', '-f', '{{.Os}}/{{.Architecture}}', image]), service).toBe('linux/arm64');
    }
    expect(Object.keys((measures.startSeconds as Record<string, object>).arm64!).sort()).toEqual([...ownServices].sort());
    const projector = containerId(ct.stack, 'project-to-olap');
    expect(docker(['exec', projector, 'node', '-p', 'process.arch + " " + require.resolve("@duckdb/node-bindings-linux-arm64/duckdb.node")'])).toBe(
      'arm64 /app/node_modules/@duckdb/node-bindings-linux-arm64/duckdb.node',
    );
    expect(
      docker(['exec', projector, 'ls', 'node_modules/@duckdb'])
        .split('\n')
        .filter((d) => d.includes('linux-x64')),
    ).toEqual([]);
  });

  it('takes an order from create-order to invoiced and paid through the front door, and the projector answers the BI query', async () => {
    const admin = await signIn('admin');
    const clerk = await signIn('clerk');
    expect(
      (await request(box, admin, '/function/upsert-product', { sku: 'ARM-A', name: 'Arm64 A', unitPrice: 990, currency: 'EUR', taxRateBp: 2000 })).status,
    ).toBe(200);
    expect((await request(box, clerk, '/function/receive-stock', { sku: 'ARM-A', quantity: 10 })).status).toBe(200);
    expect((await request(box, clerk, '/function/upsert-customer', { id: 'arm-1', name: 'Customer arm-1', paymentTermsDays: 14 })).status).toBe(200);
    const order = await request(
      box,
      clerk,
      '/function/create-order',
      { customerId: 'arm-1', lines: [{ sku: 'ARM-A', quantity: 2 }] },
      { 'idempotency-key': 'arm64-order' },
    );
    expect(order.status).toBe(201);
    const invoiced = await waitFor(
      async () => {
        const o = await request(box, clerk, `/function/query/orders/${order.body.id}`);
        return o.body?.status === 'invoiced' && o.body.invoiceId ? o.body : undefined;
      },
      { ...emulated, what: 'the order to be invoiced (arm64)' },
    );
    const paid = await request(
      box,
      admin,
      '/function/record-payment',
      { invoiceId: invoiced.invoiceId, amount: order.body.total, method: 'bank_transfer' },
      { 'idempotency-key': 'arm64-payment' },
    );
    expect(paid.status).toBe(201);
    await waitFor(async () => (await request(box, clerk, `/function/query/orders/${order.body.id}`)).body?.status === 'paid', {
      ...emulated,
      what: 'the order to be paid (arm64)',
    });
    const funnel = await waitFor(
      async () => {
        const f = await request(box, admin, '/function/project-to-olap/query/order_funnel');
        return f.status === 200 && (f.body.rows as { status: string; orders: number }[]).some((r) => r.status === 'paid' && Number(r.orders) === 1)
          ? f.body.rows
          : undefined;
      },
      { ...emulated, what: 'the BI order funnel to count the paid order (arm64 projector)' },
    );
    expect(funnel).toContainEqual(expect.objectContaining({ status: 'paid' }));
  });
}
