import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../shared/auth/roles.js';
import { eventRegistry } from '../../shared/events/registry.js';
import { createHarness, type Harness, type Reply } from '../support/harness.js';
import { waitFor } from '../support/wait.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness('hr');
});
afterAll(async () => h?.close());

let n = 0;
function person(over: Record<string, unknown> = {}) {
  n += 1;
  return {
    name: `Person ${n}`,
    email: `person${n}.${Math.random().toString(36).slice(2, 7)}@example.com`,
    department: 'Sales',
    title: 'Rep',
    salary: 300_000,
    currency: 'EUR',
    hiredAt: '2026-01-05',
    ...over,
  };
}

async function hire(over: Record<string, unknown> = {}) {
  const res = await h.post('hire-employee', person(over), { role: 'admin' });
  if (res.status !== 201) throw new Error(`hire-employee: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; email: string; salary: number };
}

async function hrCounts() {
  const { rows } = await h.db.pool.query<{ employees: number; history: number; outbox: number; keys: number }>(`
    select (select count(*) from hr.employees)::int as employees, (select count(*) from hr.employee_history)::int as history,
           (select count(*) from platform.outbox)::int as outbox, (select count(*) from platform.idempotency)::int as keys`);
  return rows[0]!;
}

function expectError(res: Reply, status: number, code: string) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.body).toMatchObject({ error: { code, message: expect.any(String) } });
}

async function events(aggregateId: string) {
  const { rows } = await h.db.pool.query<{ subject: string; payload: { type: string; data: Record<string, unknown> }; published_at: Date | null }>(
    `select subject, payload, published_at from platform.outbox where payload->>'aggregateId' = $1 order by created_at, id`,
    [aggregateId],
  );
  return rows;
}

describe('HR against real Postgres and JetStream', () => {
  it('hires three in two departments, terminates one; only an admin reads pay', async () => {
    const dept = `Ops-${Math.random().toString(36).slice(2, 7)}`;
    const other = `Eng-${Math.random().toString(36).slice(2, 7)}`;
    const a = await hire({ department: dept, salary: 310_000 });
    const b = await hire({ department: dept, salary: 320_000 });
    const c = await hire({ department: other, salary: 550_000, currency: 'USD' });
    const gone = await h.post('terminate-employee', { id: b.id, terminatedAt: '2026-06-30', reason: 'moved abroad' }, { role: 'admin' });
    expect(gone.status).toBe(200);
    expect(gone.body).toMatchObject({ id: b.id, status: 'terminated', terminatedAt: '2026-06-30', hiredAt: '2026-01-05' });

    const admin = await h.get('query', `/employees?department=${dept}`, { role: 'admin' });
    expect(admin.status).toBe(200);
    expect(admin.body.items).toHaveLength(2);
    const byId = new Map(admin.body.items.map((e: { id: string }) => [e.id, e]));
    expect(byId.get(a.id)).toMatchObject({ salary: 310_000, currency: 'EUR', status: 'active', terminatedAt: null });
    expect(byId.get(b.id)).toMatchObject({ salary: 320_000, status: 'terminated', terminatedAt: '2026-06-30' });
    const active = await h.get('query', `/employees?department=${other}&status=active`, { role: 'admin' });
    expect(active.body.items).toEqual([expect.objectContaining({ id: c.id, salary: 550_000, currency: 'USD' })]);

    for (const role of ['clerk', 'accountant'] as Role[]) {
      const res = await h.get('query', '/employees', { role });
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeGreaterThanOrEqual(3);
      for (const item of res.body.items) {
        expect(item).not.toHaveProperty('salary');
        expect(item).not.toHaveProperty('currency');
      }
      expect(JSON.stringify(res.body)).not.toMatch(/310000|320000|550000/);
    }
    expectError(await h.get('query', '/employees?status=fired', { role: 'admin' }), 400, 'validation_failed');
    expectError(await h.get('query', '/employees?salary=1', { role: 'admin' }), 400, 'validation_failed');
    expectError(await h.get('query', '/employees', { token: null }), 401, 'unauthenticated');
  });

  it('emits hired, updated and terminated with the full snapshot, published after commit', async () => {
    const e = await hire({ department: 'Finance', title: 'Analyst', salary: 400_000 });
    await h.post('update-employee', { id: e.id, salary: 410_000, title: 'Senior Analyst' }, { role: 'admin' });
    await h.post('terminate-employee', { id: e.id, terminatedAt: '2026-09-30' }, { role: 'admin' });
    const rows = await events(e.id);
    expect(rows.map((r) => r.subject)).toEqual([
      `${h.bus.prefix}.hr.employee_hired`,
      `${h.bus.prefix}.hr.employee_updated`,
      `${h.bus.prefix}.hr.employee_terminated`,
    ]);
    // Marked published by the function's next unit of work or, none coming, within its linger of a second (shared/events/outbox.ts).
    await waitFor(async () => (await events(e.id)).every((r) => r.published_at !== null), { timeoutMs: 5000, what: 'the three rows marked published' });
    const base = { employeeId: e.id, name: expect.any(String), email: e.email, department: 'Finance', currency: 'EUR', hiredAt: '2026-01-05' };
    const [hired, updated, terminated] = rows.map((r) => r.payload.data);
    expect(eventRegistry.employee_hired.data.strict().parse(hired)).toEqual({
      ...base,
      version: 1,
      title: 'Analyst',
      salary: 400_000,
      terminatedAt: null,
      status: 'active',
    });
    expect(eventRegistry.employee_updated.data.strict().parse(updated)).toEqual({
      ...base,
      version: 2,
      title: 'Senior Analyst',
      salary: 410_000,
      terminatedAt: null,
      status: 'active',
      changed: ['title', 'salary'],
    });
    expect(eventRegistry.employee_terminated.data.strict().parse(terminated)).toEqual({
      ...base,
      version: 3,
      title: 'Senior Analyst',
      salary: 410_000,
      terminatedAt: '2026-09-30',
      status: 'terminated',
    });
    // The version the event carries is the record's: the history holds the same three.
    const history = await h.db.pool.query<{ version: number }>('select version from hr.employee_history where employee_id = $1 order by version', [e.id]);
    expect(history.rows.map((r) => r.version)).toEqual([1, 2, 3]);
  });

  it('hiredAt defaults to today in UTC', async () => {
    const { hiredAt: _omit, ...body } = person();
    const res = await h.post('hire-employee', body, { role: 'admin' });
    expect(res.status).toBe(201);
    expect(res.body.hiredAt).toBe(new Date().toISOString().slice(0, 10));
  });

  it('refuses bad input with a 4xx and writes nothing', async () => {
    const e = await hire();
    const taken = await hire();
    const before = await hrCounts();
    const bad: [string, unknown, number, string][] = [
      ['hire-employee', { ...person(), salary: '300000' }, 400, 'validation_failed'],
      ['hire-employee', { ...person(), salary: 0 }, 400, 'validation_failed'],
      ['hire-employee', { ...person(), salary: -5 }, 400, 'validation_failed'],
      ['hire-employee', { ...person(), salary: 1.5 }, 400, 'validation_failed'],
      ['hire-employee', { ...person(), email: 'not-an-email' }, 400, 'validation_failed'],
      ['hire-employee', { ...person(), currency: 'eur' }, 400, 'validation_failed'],
      ['hire-employee', { ...person(), hiredAt: '2026-02-30' }, 400, 'validation_failed'],
      ['hire-employee', { ...person(), hiredAt: '2026-01-05T00:00:00Z' }, 400, 'validation_failed'],
      ['hire-employee', { ...person(), hiredAt: '0000-01-01' }, 400, 'validation_failed'],
      ['hire-employee', { ...person(), status: 'active' }, 400, 'validation_failed'],
      ['hire-employee', { ...person(), name: 42 }, 400, 'validation_failed'],
      ['hire-employee', { name: 'Only a name' }, 400, 'validation_failed'],
      ['hire-employee', [], 400, 'validation_failed'],
      ['hire-employee', { ...person(), email: taken.email.toUpperCase() }, 409, 'email_taken'],
      ['update-employee', { id: e.id }, 400, 'validation_failed'],
      ['update-employee', { id: e.id, salary: 0 }, 400, 'validation_failed'],
      ['update-employee', { id: e.id, status: 'terminated' }, 400, 'validation_failed'],
      ['update-employee', { id: e.id, terminatedAt: '2026-02-01' }, 400, 'validation_failed'],
      ['update-employee', { id: e.id, email: taken.email }, 409, 'email_taken'],
      ['update-employee', { id: 'no-such-employee', salary: 1 }, 404, 'not_found'],
      ['terminate-employee', { id: e.id, terminatedAt: '2026-01-04' }, 422, 'invalid_dates'],
      ['terminate-employee', { id: e.id, terminatedAt: 'yesterday' }, 400, 'validation_failed'],
      ['terminate-employee', { id: e.id, fired: true }, 400, 'validation_failed'],
      ['terminate-employee', { id: 'no-such-employee' }, 404, 'not_found'],
    ];
    for (const [fn, body, status, code] of bad) {
      const res = await h.post(fn, body, { role: 'admin', headers: { 'idempotency-key': `bad-${Math.random()}` } });
      expectError(res, status, code);
    }
    expectError(await h.call('hire-employee', '/', { role: 'admin', rawBody: '{"name":' }), 400, 'invalid_json');
    expect(await hrCounts()).toEqual(before);
  });

  it('keeps one active employee per email, whatever its case, and frees it on termination', async () => {
    const first = await hire({ email: `Dup.${Date.now()}@Example.com` });
    const before = await hrCounts();
    const again = await h.post('hire-employee', person({ email: first.email.toLowerCase() }), { role: 'admin' });
    expectError(again, 409, 'email_taken');
    expect(again.body.error.details).toEqual({ email: first.email.toLowerCase(), path: 'email' });
    expect(await hrCounts()).toEqual(before);

    await h.post('terminate-employee', { id: first.id, terminatedAt: '2026-02-01' }, { role: 'admin' });
    const rehire = await h.post('hire-employee', person({ email: first.email }), { role: 'admin' });
    expect(rehire.status).toBe(201);
  });

  it('lets one of two concurrent hires with one email through', async () => {
    const email = `race.${Date.now()}@example.com`;
    const before = await hrCounts();
    const replies = await Promise.all([1, 2, 3].map(() => h.post('hire-employee', person({ email }), { role: 'admin' })));
    expect(replies.map((r) => r.status).sort()).toEqual([201, 409, 409]);
    const after = await hrCounts();
    expect(after.employees - before.employees).toBe(1);
    expect(after.outbox - before.outbox).toBe(1);
  });

  it('refuses a termination twice and an update of a former employee', async () => {
    const e = await hire();
    expect((await h.post('terminate-employee', { id: e.id, terminatedAt: '2026-01-05', reason: 'same-day leave' }, { role: 'admin' })).status).toBe(200);
    const before = await hrCounts();
    expectError(await h.post('terminate-employee', { id: e.id }, { role: 'admin' }), 409, 'invalid_transition');
    expectError(await h.post('update-employee', { id: e.id, salary: 999_999 }, { role: 'admin' }), 409, 'invalid_transition');
    expect(await hrCounts()).toEqual(before);
  });

  it('lets only an admin change employees', async () => {
    const e = await hire();
    const before = await hrCounts();
    expectError(await h.post('hire-employee', person(), { role: 'clerk' }), 403, 'forbidden');
    expectError(await h.post('hire-employee', person(), { role: 'accountant' }), 403, 'forbidden');
    expectError(await h.post('hire-employee', person(), { token: null }), 401, 'unauthenticated');
    expectError(await h.post('hire-employee', person(), { token: 'not.a.jwt' }), 401, 'unauthenticated');
    expectError(await h.post('update-employee', { id: e.id, salary: 1 }, { role: 'clerk' }), 403, 'forbidden');
    expectError(await h.post('terminate-employee', { id: e.id }, { role: 'accountant' }), 403, 'forbidden');
    expectError(await h.post('terminate-employee', { id: e.id }, { role: 'service' }), 403, 'forbidden');
    expect(await hrCounts()).toEqual(before);
  });

  it('keeps every previous value in the history', async () => {
    const e = await hire({ salary: 300_000, title: 'Rep' });
    const updated = await h.post('update-employee', { id: e.id, salary: 330_000, title: 'Senior Rep' }, { role: 'admin' });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ id: e.id, salary: 330_000, title: 'Senior Rep', status: 'active' });
    await h.post('update-employee', { id: e.id, salary: 360_000 }, { role: 'admin' });

    const before = await hrCounts();
    const same = await h.post('update-employee', { id: e.id, salary: 360_000 }, { role: 'admin' });
    expect(same.body).toMatchObject({ salary: 360_000 });
    expect(await hrCounts()).toEqual(before);

    const { rows } = await h.db.pool.query(
      `select version, change, changed_fields as "changedFields", salary, title, actor from hr.employee_history where employee_id = $1 order by version`,
      [e.id],
    );
    expect(rows).toEqual([
      { version: 1, change: 'hired', changedFields: [], salary: 300_000, title: 'Rep', actor: 'test-admin' },
      { version: 2, change: 'updated', changedFields: ['title', 'salary'], salary: 330_000, title: 'Senior Rep', actor: 'test-admin' },
      { version: 3, change: 'updated', changedFields: ['salary'], salary: 360_000, title: 'Senior Rep', actor: 'test-admin' },
    ]);
  });

  it('answers an Idempotency-Key retry of a hire with the first answer and hires once', async () => {
    const body = person();
    const key = `hire-${Date.now()}`;
    const before = await hrCounts();
    const first = await h.post('hire-employee', body, { role: 'admin', headers: { 'idempotency-key': key } });
    const retry = await h.post('hire-employee', body, { role: 'admin', headers: { 'idempotency-key': key } });
    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    const after = await hrCounts();
    expect(after.employees - before.employees).toBe(1);
    expect(after.outbox - before.outbox).toBe(1);
    expectError(await h.post('hire-employee', { ...body, salary: 1 }, { role: 'admin', headers: { 'idempotency-key': key } }), 422, 'idempotency_key_reused');
    expect((await hrCounts()).employees).toBe(after.employees);
  });
});
