import { expect, it } from 'vitest';
import { createPool, type Pool } from '../../../shared/db/pool.js';
import type { RebuildState } from '../../../functions/project-to-olap/rebuild-job.js';
import { waitFor } from '../../support/wait.js';
import { rebuildEnded } from '../../support/olap-rebuild.js';
import { drive, request, type Flow } from '../../faults/driver.js';
import { checkInvariants, settle } from '../../faults/invariants.js';
import { checkOlap } from '../../faults/olap-invariants.js';
import { compose, containerId, signIn, state, stats } from '../stack.js';
import { jobs } from '../images.js';
import { box, ct, customers, measures, skus, walkThrough, ip, healthy, openData, closeData } from './context.js';

// What the stack keeps: a load with kill -9 of a function, the connector and the projector, the named
// volumes over down and up, a backup restored into another database, and OLAP rebuilt.
let flow: Flow;

export function durabilityChecks(): void {
  it('holds a short load with every container under its memory limit; kill -9 of a function, the connector and the projector loses nothing', async () => {
    const run = drive({ box, skus, customers, ratePerSecond: 8, workers: 4, opDeadlineMs: 30_000 });
    const peak: Record<string, { used: number; limit: number }> = {};
    const sample = async () => {
      for (const [name, s] of Object.entries(await stats())) if (!peak[name] || s.used > peak[name].used) peak[name] = s;
    };
    const until = Date.now() + 20_000;
    while (Date.now() < until) await sample();

    const restarts: Record<string, string> = {};
    for (const service of ['create-order', 'connector', 'project-to-olap']) {
      const id = containerId(ct.stack, service);
      const before = state(id);
      const killed = Date.now();
      // SIGKILL to the container's first process from the host, as a crash: `docker kill` would count
      // as a manual stop, which a restart policy leaves alone.
      process.kill(before.pid, 'SIGKILL');
      // back: running again, one restart more (the policy, not us), and answering through the front door
      await waitFor(
        async () => {
          const s = state(id);
          return s.running && s.restarts === before.restarts + 1;
        },
        { timeoutMs: 60_000, intervalMs: 100, what: `${service} to be restarted by its policy` },
      );
      restarts[service] = `${Date.now() - killed} ms to running`;
      await sample();
    }
    flow = await run.stop();
    if (walkThrough.id) flow.accepted.set(walkThrough.id, { total: walkThrough.total!, lines: walkThrough.lines });
    measures.restartAfterKill9 = restarts;
    measures.loadPeakMb = Object.fromEntries(Object.entries(peak).map(([n, s]) => [n, Math.round(s.used / 2 ** 20)]));
    measures.loadPeakSumMb = Math.round(Object.values(peak).reduce((n, s) => n + s.used, 0) / 2 ** 20);
    measures.load = { ops: flow.ops, orders: flow.accepted.size, payments: flow.payments.size, transient: flow.transient, unknown: flow.unknown };

    for (const [name, s] of Object.entries(peak)) expect(s.used, `${name} at its limit`).toBeLessThan(s.limit);
    for (const id of compose(ct.stack, ['ps', '-q']).split('\n').filter(Boolean)) {
      const s = state(id);
      if (jobs.includes(s.name)) continue; // a job: it has exited
      expect(s.oomKilled, `${s.name} was OOM-killed`).toBe(false);
      expect(s.running, `${s.name} running`).toBe(true);
    }
    expect(flow.errors).toEqual([]);
    expect(flow.accepted.size).toBeGreaterThan(20);
    await settle(box, ct.db, ct.nc, 180_000);
    const checked = { ...(await checkInvariants(box, ct.db, ct.nc, flow)), ...(await checkOlap(box, ct.db)) };
    measures.checked = checked;
  });

  it('keeps the data and the BI figures over down and up (named volumes)', async () => {
    const admin = await signIn('admin');
    const before = await ct.db.query('select count(*)::int as n, sum(total)::bigint as v from orders.orders');
    const funnel = (await request(box, admin, '/function/project-to-olap/query/order_funnel')).body.rows;
    await closeData();
    compose(ct.stack, ['down']);
    compose(ct.stack, ['up', '-d']);
    await healthy();
    await openData();
    const after = await ct.db.query('select count(*)::int as n, sum(total)::bigint as v from orders.orders');
    expect(after.rows).toEqual(before.rows);
    const again = await waitFor(
      async () => {
        const f = await request(box, await signIn('admin'), '/function/project-to-olap/query/order_funnel');
        return f.status === 200 ? f.body.rows : undefined;
      },
      { timeoutMs: 60_000, what: 'the BI query after up' },
    );
    expect(again).toEqual(funnel);
  });

  it('backs up and restores against the containerised Postgres, and rebuilds OLAP', async () => {
    const recipient = /age1[0-9a-z]+/.exec(
      compose(ct.stack, [
        'run',
        '--rm',
        '--no-deps',
        '-v',
        `${ct.stack.dir}/backups:/backups`,
        'connector',
        'node',
        'bin/erpbi.mjs',
        'backup',
        'keygen',
        '--out',
        '/backups/backup-identity.txt',
      ]),
    )?.[0];
    const backup = compose(ct.stack, [
      'run',
      '--rm',
      '--no-deps',
      '-v',
      `${ct.stack.dir}/backups:/backups`,
      '-e',
      'NATS_URL=nats://erpbi-nats:4222',
      '-e',
      `ERPBI_BACKUP_RECIPIENTS=${recipient}`,
      'connector',
      'node',
      'bin/erpbi.mjs',
      'backup',
      '--tar',
      '--out',
      '/backups',
    ]);
    const archive = /\/backups\/\S+\.tar\.gz/.exec(backup)?.[0];
    expect(archive, backup).toBeDefined();
    await ct.db.query('drop database if exists erpbi_restore');
    await ct.db.query('create database erpbi_restore owner erpbi');
    const target = `postgres://erpbi:${ct.stack.secret('postgres-password')}@postgres:5432/erpbi_restore`;
    compose(ct.stack, [
      'run',
      '--rm',
      '--no-deps',
      '-v',
      `${ct.stack.dir}/backups:/backups`,
      '-e',
      'SECRETS_DIR=/nowhere',
      '-e',
      `DATABASE_URL=${target}`,
      '-e',
      'NATS_URL=nats://erpbi-nats:4222',
      '-e',
      `NATS_PASSWORD=${ct.stack.secret('nats-connector')}`,
      '-e',
      'ERPBI_DATA=/tmp/restore',
      '-e',
      'ERPBI_BACKUP_IDENTITY_FILE=/backups/backup-identity.txt',
      'connector',
      'node',
      'bin/erpbi.mjs',
      'restore',
      archive!,
    ]);
    const restored = createPool(`postgres://erpbi:${ct.stack.secret('postgres-password')}@${ip('postgres')}:5432/erpbi_restore`, 1);
    try {
      const count = async (p: Pool) =>
        (
          await p.query(`select (select count(*) from orders.orders)::int as orders, (select count(*) from billing.invoices)::int as invoices,
        (select count(*) from billing.payments)::int as payments, (select count(*) from platform.outbox)::int as outbox, (select coalesce(sum(total), 0)::bigint from orders.orders) as total`)
        ).rows[0];
      expect(await count(restored)).toEqual(await count(ct.db));
    } finally {
      await restored.end();
    }
    const admin = await signIn('admin');
    const funnel = (await request(box, admin, '/function/project-to-olap/query/order_funnel')).body.rows;
    // Not on the public entrypoint (the next test): an operator on the box posts it to the internal one,
    // and asks there where it stands (GET, 202 at once then polled: docs/deploy-pi.md section 10).
    const internal = `http://${ip('traefik')}:8000/function/project-to-olap/rebuild`;
    const rebuild = await fetch(internal, { method: 'POST', headers: { authorization: `Bearer ${admin}` } });
    expect(rebuild.status, await rebuild.clone().text()).toBe(202);
    const started = (await rebuild.json()) as RebuildState;
    const ended = await rebuildEnded(async () => {
      const res = await fetch(internal, { headers: { authorization: `Bearer ${admin}` } });
      return { status: res.status, body: await res.json() };
    }, 120_000);
    expect(ended).toMatchObject({ state: 'done', startedAt: started.state === 'running' ? started.startedAt : 'not running' });
    await waitFor(
      async () => {
        const f = await request(box, admin, '/function/project-to-olap/query/order_funnel');
        return f.status === 200 && JSON.stringify(f.body.rows) === JSON.stringify(funnel);
      },
      { timeoutMs: 120_000, what: 'the rebuilt BI figures to equal those before' },
    );
  });
}
