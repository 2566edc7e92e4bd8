import { expect, it } from 'vitest';
import { waitFor } from '../../support/wait.js';
import { request } from '../../faults/driver.js';
import { front, signIn } from '../stack.js';
import { box, ip } from './context.js';

// What the front door and Grafana's entrypoint route, and what Prometheus scrapes.
export function routingChecks(): void {
  it("routes the reactions, the projector's feed and its rebuild only inside, and Grafana's entrypoint to the BI queries alone", async () => {
    const admin = await signIn('admin');
    for (const path of [
      '/function/reserve-stock',
      '/function/reserve-stock.openfaas-fn',
      '/function/create-invoice',
      '/function/render-document',
      '/function/project-to-olap/batch',
      '/function/project-to-olap/rebuild',
    ]) {
      expect((await request(box, admin, path, {})).status, `public ${path}`).toBe(404);
    }
    // The rebuild's state (GET) is as internal as starting it: a leak would answer 200 ({state: 'none'} before any).
    expect((await request(box, admin, '/function/project-to-olap/rebuild')).status, 'public GET rebuild').toBe(404);
    const grafana = (path: string, method = 'GET') => fetch(`http://${ip('traefik')}:8001${path}`, { method, headers: { authorization: `Bearer ${admin}` } });
    expect((await grafana('/function/project-to-olap/query/order_funnel')).status).toBe(200);
    for (const [path, method] of [
      ['/function/project-to-olap/query/order_funnel', 'POST'],
      ['/function/project-to-olap/live', 'GET'],
      ['/function/project-to-olap/batch', 'POST'],
      ['/function/project-to-olap/rebuild', 'POST'],
      ['/function/project-to-olap/rebuild', 'GET'],
      ['/function/query/employees', 'GET'],
      ['/function/record-payment', 'POST'],
    ] as const) {
      expect((await grafana(path, method)).status, `grafana-bi ${method} ${path}`).toBe(404);
    }
  });

  it("Prometheus (Debian's, in a container) scrapes every target of the project's config", async () => {
    // Down by design here, and only these: Traefik's metrics (its stand-in is nginx) and the NATS
    // exporter (no image of it can be had here). Every erpbi process must be up.
    const standIns = ['nats', 'traefik'];
    const prometheus = `http://${ip('prometheus')}:9090`;
    let last = '';
    await waitFor(
      async () => {
        const r = (await (await fetch(`${prometheus}/api/v1/targets`)).json()) as {
          data: { activeTargets: { labels: { job: string; instance: string }; health: string; lastError: string }[] };
        };
        const targets = r.data.activeTargets;
        last = JSON.stringify(targets.map((t) => `${t.labels.job} ${t.labels.instance} ${t.health} ${t.lastError}`));
        const down = targets.filter((t) => t.health !== 'up').map((t) => t.labels.job);
        return targets.length >= 19 && targets.every((t) => t.health !== 'unknown') && [...new Set(down)].sort().join() === standIns.join();
      },
      { timeoutMs: 120_000, intervalMs: 2000, what: () => `every erpbi target up, only ${standIns.join(', ')} down: ${last}` },
    );
  });

  it("refuses the projector's look-alike paths and Keycloak's admin from the LAN; the erpbi realm still signs in", async () => {
    const admin = await signIn('admin');
    // Issue 21: a prefix match without the `/` sent these to the projector, prefix stripped: its feed
    // (/batch), its rebuild (which an admin token may start) and its metrics. Now: the gateway's 404
    // (no such function), and the projector's own /metrics the box-only 403.
    const expected: [string, string, number][] = [
      ['POST', '/function/project-to-olapbatch', 404],
      ['POST', '/function/project-to-olaprebuild', 404],
      ['GET', '/function/project-to-olapmetrics', 404],
      ['GET', '/function/project-to-olap-batch', 404],
      ['POST', '/function/project-to-olap/batch', 404],
      ['POST', '/function/project-to-olap/rebuild', 404],
      ['GET', '/function/project-to-olap/rebuild', 404],
      ['GET', '/function/project-to-olap/metrics', 403],
    ];
    const got = [];
    for (const [method, path] of expected) {
      const res = await fetch(`${front}${path}`, {
        method,
        headers: { authorization: `Bearer ${admin}`, ...(method === 'POST' ? { 'content-type': 'application/json' } : {}) },
        body: method === 'POST' ? '{}' : undefined,
      });
      got.push([method, path, res.status]);
      await res.arrayBuffer();
    }
    expect(got).toEqual(expected);
    // Keycloak's host: the admin console, the master realm and the management endpoints answer the front
    // door's 404 (the stand-in answers the admin API, master's token endpoint and /health/ready on its own port).
    const keycloak = 'https://auth.erpbi.lan';
    for (const path of [
      '/admin/',
      '/admin/master/console/',
      '/admin/realms/erpbi/users',
      '/realms/master/.well-known/openid-configuration',
      '/realms/master/protocol/openid-connect/token',
      '/health/ready',
      '/metrics',
      '/',
    ]) {
      const res = await fetch(`${keycloak}${path}`);
      expect([403, 404], path).toContain(res.status);
      await res.arrayBuffer();
    }
    const discovery = await fetch(`${keycloak}/realms/erpbi/.well-known/openid-configuration`);
    expect(discovery.status).toBe(200);
    expect(((await discovery.json()) as { issuer: string }).issuer).toBe(`${keycloak}/realms/erpbi`);
    expect((await request(box, await signIn('clerk'), '/function/query/orders')).status).toBe(200);
  });
}
