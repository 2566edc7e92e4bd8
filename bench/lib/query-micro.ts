import { existsSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
import pino from 'pino';
import { buildApp } from '../../shared/http/app.js';
import type { Deps } from '../../shared/unit-of-work.js';
import olapFunction, { sqlFor } from '../../functions/project-to-olap/handler.js';
import { queryNames, type QueryName } from '../../olap/catalogue.js';
import { olapSettings } from '../../olap/config.js';
import { toSeqEvent } from '../../olap/fold.js';
import { OlapStore, plain } from '../../olap/store.js';
import type { SeqEvent } from '../../olap/seq-event.js';
import { namedQueries, syntheticOrder } from './olap.js';
import { option, flag } from './options.js';
import { prng } from './prng.js';
import { ms, summarize } from './stats.js';

// What each BI named query costs without the box around it (issue 24): a DuckDB file filled with the
// bench's synthetic orders (bench/lib/olap.ts, the same events the OLAP bench publishes), then every named
// query timed in this process through OlapStore.query, and through the projector's own HTTP route
// (fastify inject: parameters, auth, the store, serialising), p50/p95 over `--repeats`, with the CPU
// time the repeats took. `--split` times sales_by_hour's stages apart on a connection of its own.
// The file is kept (filling 1M orders takes minutes): `--file=` reuses it.
//
//   node --import tsx bench/lib/query-micro.ts --orders=100000 --file=/tmp/erpbi-olap-100k.duckdb [--repeats=20] [--only=a,b] [--split] [--check] [--fill-only]

const orders = Number(option('orders') ?? 100_000);
const file = option('file') ?? `/tmp/erpbi-olap-${orders}.duckdb`;
const repeats = Number(option('repeats') ?? 20);
const only = option('only')?.split(',');
const settings = olapSettings({ ...process.env, OLAP_FILE: file });
const say = (s: string) => process.stderr.write(`[query-micro ${new Date().toISOString().slice(11, 19)}] ${s}\n`);

/** Fills `store` with `orders` synthetic orders as the bench makes them, in rebuild-sized batches. */
async function fill(store: OlapStore): Promise<string[]> {
  const cat = {
    skus: Array.from({ length: 50 }, (_, i) => ({ sku: `SKU-${String(i + 1).padStart(4, '0')}`, unitPrice: 100 + ((i * 7919) % 9900) })),
    customers: Array.from({ length: 200 }, (_, i) => `00000000-0000-7000-8000-${String(i).padStart(12, '0')}`),
  };
  const random = prng(orders);
  const base = Date.now();
  const ids: string[] = [];
  let batch: SeqEvent[] = [];
  let seq = 0;
  const started = performance.now();
  for (let k = 0; k < orders; k++) {
    const gen = syntheticOrder(k, cat, random, base);
    for (let step = gen.next(); ; step = gen.next()) {
      if (step.done) {
        if (k % Math.max(1, Math.floor(orders / 50)) === 0) ids.push(step.value);
        break;
      }
      batch.push(toSeqEvent(++seq, step.value));
    }
    if (batch.length >= 5_000) {
      await store.apply(batch);
      batch = [];
      if (k % 50_000 < 1_300) say(`  ${k} orders, ${Math.round(seq / ((performance.now() - started) / 1000))} events/s`);
    }
  }
  if (batch.length) await store.apply(batch);
  return ids;
}

async function sampleOrderIds(): Promise<string[]> {
  const db = await DuckDBInstance.create(file);
  const conn = await db.connect();
  const rows = (await conn.runAndReadAll(`select order_id from orders using sample 20 rows (reservoir, 7)`)).getRows();
  conn.closeSync();
  db.closeSync();
  return rows.map((r) => String(r[0]));
}

/** The bench's parameters for a query it asks (bench/lib/olap.ts), else the catalogue's defaults. */
function paramsOf(name: QueryName, k: number, ids: string[]): Record<string, string> {
  const path = namedQueries.find((q) => q.name === name)?.path ?? name;
  const params = Object.fromEntries(new URLSearchParams(path.split('?')[1] ?? ''));
  if (name === 'order' || name === 'order_timeline') params.id = ids[k % ids.length]!;
  return params;
}

interface Timed {
  p50: number;
  p95: number;
  cpuMs: number;
  rows: number;
  bytes: number;
}

async function timed(run: (k: number) => Promise<{ rows: number; bytes: number }>): Promise<Timed> {
  await run(0); // warm: the plan, the first connection, V8's compile
  const samples: number[] = [];
  let last = { rows: 0, bytes: 0 };
  const cpu = process.cpuUsage();
  for (let k = 0; k < repeats; k++) {
    const t = performance.now();
    last = await run(k);
    samples.push(performance.now() - t);
  }
  const used = process.cpuUsage(cpu);
  const s = summarize(samples);
  return { p50: s.p50, p95: s.p95, cpuMs: (used.user + used.system) / 1000 / repeats, ...last };
}

async function main() {
  const fresh = !existsSync(file);
  const store = new OlapStore(file, undefined, settings.duckdb);
  if (fresh) {
    say(`filling ${file} with ${orders} orders...`);
    const t = performance.now();
    await fill(store);
    say(`  filled in ${((performance.now() - t) / 1000).toFixed(1)} s, watermark ${(await store.watermark()).seq}`);
  }
  await store.close();
  if (flag('fill-only')) return;
  const ids = await sampleOrderIds();
  const names = queryNames.filter((n) => !only || only.includes(n));
  const now = new Date();

  const results: Record<string, { inProcess: Timed; http: Timed; httpChecked?: Timed }> = {};
  const inProcessStore = new OlapStore(file, undefined, settings.duckdb);
  const inProcess: Record<string, Timed> = {};
  for (const name of names) {
    inProcess[name] = await timed(async (k) => {
      const { rows } = await inProcessStore.query(sqlFor(name, paramsOf(name, k, ids), now, settings));
      return { rows: rows.length, bytes: 0 };
    });
  }
  await inProcessStore.close();

  // The projector's route as served: an app per answer-check mode (`log` is the default outside the tests).
  const http = async (check: 'off' | 'log') => {
    process.env.OLAP_FILE = file;
    const deps = { log: pino({ level: 'silent' }), prefix: 'bench' } as unknown as Deps;
    const app = buildApp(olapFunction, { deps, verify: async () => ({ sub: 'bench', roles: ['admin', 'clerk'] }), checkAnswers: check });
    await app.ready();
    const out: Record<string, Timed> = {};
    for (const name of names) {
      out[name] = await timed(async (k) => {
        const res = await app.inject({ method: 'GET', url: `/query/${name}`, query: paramsOf(name, k, ids) });
        if (res.statusCode !== 200) throw new Error(`${name}: ${res.statusCode} ${res.body.slice(0, 300)}`);
        return { rows: (JSON.parse(res.body) as { rows: unknown[] }).rows.length, bytes: res.rawPayload.length };
      });
    }
    await app.close();
    return out;
  };
  const plainHttp = await http('off');
  const checked = flag('check') || option('check') === 'log' ? await http('log') : undefined;
  for (const name of names) results[name] = { inProcess: inProcess[name]!, http: plainHttp[name]!, ...(checked ? { httpChecked: checked[name]! } : {}) };

  const cell = (t: Timed | undefined) => (t ? `${ms(t.p50)}/${ms(t.p95)} (cpu ${ms(t.cpuMs)})` : '-');
  process.stdout.write(`orders ${orders}, file ${file}, repeats ${repeats}, load ${(await loadAvg()).join(' ')}\n`);
  process.stdout.write(`query | rows | bytes | in-process p50/p95 ms (cpu ms each) | http p50/p95 (cpu) | http + CHECK_ANSWERS=log\n`);
  for (const [name, r] of Object.entries(results))
    process.stdout.write(`${name} | ${r.http.rows} | ${r.http.bytes} | ${cell(r.inProcess)} | ${cell(r.http)} | ${cell(r.httpChecked)}\n`);

  if (flag('split')) await split(now);
}

async function loadAvg(): Promise<string[]> {
  const { loadavg } = await import('node:os');
  return loadavg().map((x) => x.toFixed(2));
}

/** sales_by_hour's stages timed apart: DuckDB's execution, rows to JS objects, plain(), JSON. */
async function split(now: Date) {
  const db = await DuckDBInstance.create(file, settings.duckdb);
  const conn = await db.connect();
  const named = sqlFor('sales_by_hour', { hours: '2880' }, now, settings);
  const stages = { run: [] as number[], materialise: [] as number[], plain: [] as number[], stringify: [] as number[] };
  for (let k = 0; k <= repeats; k++) {
    let t = performance.now();
    const reader = await conn.runAndReadAll(named.sql, named.values);
    const run = performance.now() - t;
    t = performance.now();
    const objects = reader.getRowObjectsJS();
    const materialise = performance.now() - t;
    t = performance.now();
    const rows = objects.map((r) => plain(r));
    const plainMs = performance.now() - t;
    t = performance.now();
    JSON.stringify({ name: 'sales_by_hour', rows });
    const stringify = performance.now() - t;
    if (k === 0) continue;
    stages.run.push(run);
    stages.materialise.push(materialise);
    stages.plain.push(plainMs);
    stages.stringify.push(stringify);
  }
  conn.closeSync();
  db.closeSync();
  process.stdout.write(`sales_by_hour stages, p50/p95 ms: ${Object.entries(stages).map(([k, v]) => `${k} ${ms(summarize(v).p50)}/${ms(summarize(v).p95)}`).join(', ')}\n`);
}

await main();
