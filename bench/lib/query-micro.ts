import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import pino from 'pino';
import { buildApp } from '../../shared/http/app.js';
import type { Deps } from '../../shared/unit-of-work.js';
import olapFunction, { sqlFor } from '../../functions/project-to-olap/handler.js';
import { queryNames, type QueryName } from '../../olap/catalogue.js';
import { olapSettings } from '../../olap/config.js';
import { toSeqEvent } from '../../olap/fold.js';
import * as olapStore from '../../olap/store.js';
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
//   node --import tsx bench/lib/query-micro.ts --orders=100000 --file=/tmp/erpbi-olap-100k.duckdb [--repeats=20] [--only=a,b] [--split] [--check] [--fill-only] [--dump=DIR]

const orders = Number(option('orders') ?? 100_000);
const file = option('file') ?? `/tmp/erpbi-olap-${orders}.duckdb`;
const repeats = Number(option('repeats') ?? 20);
const only = option('only')?.split(',');
const settings = olapSettings({ ...process.env, OLAP_FILE: file });
const say = (s: string) => process.stderr.write(`[query-micro ${new Date().toISOString().slice(11, 19)}] ${s}\n`);

/** Fills `store` with `orders` synthetic orders as the bench makes them, in rebuild-sized batches. */
async function fill(store: olapStore.OlapStore): Promise<string[]> {
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

/** p50/p95 and CPU per answer of `run` over the repeats; rows and bytes from the first, untimed (warming) run. */
async function timed(run: (k: number) => Promise<unknown>, count: (answer: unknown) => { rows: number; bytes: number }): Promise<Timed> {
  const first = count(await run(0)); // warm: the plan, the first connection, V8's compile
  const samples: number[] = [];
  const cpu = process.cpuUsage();
  for (let k = 0; k < repeats; k++) {
    const t = performance.now();
    await run(k);
    samples.push(performance.now() - t);
  }
  const used = process.cpuUsage(cpu);
  const s = summarize(samples);
  return { p50: s.p50, p95: s.p95, cpuMs: (used.user + used.system) / 1000 / repeats, ...first };
}

// The answer cache (olap/answer-cache.ts) where this checkout has one: `cold` runs keep nothing, so
// every repeat reads DuckDB as the first ask after a batch does; `cached` runs are the dashboard's
// second and later asks between two batches.
const cache = (await import('../../olap/answer-cache.js' as string).catch(() => undefined)) as { answerCacheLimits: { rows: number } } | undefined;
const modes = cache ? (['cold', 'cached'] as const) : (['cold'] as const);
const keep = (mode: 'cold' | 'cached') => {
  if (cache) cache.answerCacheLimits.rows = mode === 'cold' ? 0 : 20_000;
};

async function main() {
  const fresh = !existsSync(file);
  const store = new olapStore.OlapStore(file, undefined, settings.duckdb);
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

  const rows: string[] = [];
  const table: Record<string, Record<string, Timed>> = Object.fromEntries(names.map((n) => [n, {}]));
  for (const mode of modes) {
    keep(mode);
    const store = new olapStore.OlapStore(file, undefined, settings.duckdb);
    for (const name of names) {
      table[name]![`in-process ${mode}`] = await timed(
        async (k) => (await store.query(sqlFor(name, paramsOf(name, k, ids), now, settings))).rows,
        (answer) => ({ rows: (answer as unknown[]).length, bytes: 0 }),
      );
    }
    await store.close();
  }

  // The projector's route as served (one app per run, a store of its own): `log` is the answer check's
  // default outside the tests (shared/config.ts CHECK_ANSWERS).
  const http = async (mode: 'cold' | 'cached', check: 'off' | 'log') => {
    keep(mode);
    if (option('dump')) mkdirSync(option('dump')!, { recursive: true });
    process.env.OLAP_FILE = file;
    const deps = { log: pino({ level: 'silent' }), prefix: 'bench' } as unknown as Deps;
    const app = buildApp(olapFunction, { deps, verify: async () => ({ sub: 'bench', roles: ['admin', 'clerk'] }), checkAnswers: check });
    await app.ready();
    for (const name of names) {
      table[name]![`http ${mode}${check === 'log' ? ' +check' : ''}`] = await timed(
        async (k) => {
          const res = await app.inject({ method: 'GET', url: `/query/${name}`, query: paramsOf(name, k, ids) });
          if (res.statusCode !== 200) throw new Error(`${name}: ${res.statusCode} ${res.body.slice(0, 300)}`);
          return res;
        },
        (res) => {
          const r = res as { body: string; rawPayload: Buffer };
          // --dump=DIR: each answer's body as served, to compare two checkouts byte for byte.
          if (option('dump')) writeFileSync(join(option('dump')!, `${name}.${mode}.${check}.json`), r.body);
          return { rows: (JSON.parse(r.body) as { rows: unknown[] }).rows.length, bytes: r.rawPayload.length };
        },
      );
    }
    await app.close();
  };
  for (const mode of modes) await http(mode, 'off');
  if (flag('check')) for (const mode of modes) await http(mode, 'log');

  const columns = Object.keys(table[names[0]!]!);
  const cell = (t: Timed | undefined) => (t ? `${ms(t.p50)}/${ms(t.p95)} (${ms(t.cpuMs)})` : '-');
  process.stdout.write(`orders ${orders}, file ${file}, repeats ${repeats}, load ${(await loadAvg()).join(' ')}\n`);
  process.stdout.write(`query | rows | bytes | ${columns.map((c) => `${c} p50/p95 (cpu) ms`).join(' | ')}\n`);
  for (const name of names) {
    const t = table[name]!;
    const some = t[columns.find((c) => c.startsWith('http'))!]!;
    rows.push(`${name} | ${some.rows} | ${some.bytes} | ${columns.map((c) => cell(t[c])).join(' | ')}`);
  }
  process.stdout.write(rows.join('\n') + '\n');

  if (flag('split')) await split(now);
}

async function loadAvg(): Promise<string[]> {
  const { loadavg } = await import('node:os');
  return loadavg().map((x) => x.toFixed(2));
}

/** sales_by_hour's stages timed apart: DuckDB's execution; rows to JS objects then plain() (as before
 *  plainConverter) and plainConverter's one pass; the named query's own rule over the rows (its dense
 *  grid, where it has one); JSON. */
async function split(now: Date) {
  const db = await DuckDBInstance.create(file, settings.duckdb);
  const conn = await db.connect();
  const named = sqlFor('sales_by_hour', { hours: '2880' }, now, settings);
  const stages: Record<string, number[]> = { run: [], materialise: [], plain: [], converter: [], rule: [], stringify: [] };
  const lap = (k: number, stage: string, t: number) => {
    if (k > 0) stages[stage]!.push(performance.now() - t);
    return performance.now();
  };
  for (let k = 0; k <= repeats; k++) {
    let t = performance.now();
    const reader = await conn.runAndReadAll(named.sql, named.values);
    t = lap(k, 'run', t);
    const objects = reader.getRowObjectsJS();
    t = lap(k, 'materialise', t);
    objects.map((r) => olapStore.plain(r));
    t = lap(k, 'plain', t);
    // plainConverter where this checkout has it (olap/store.ts), else what it replaced.
    const { plainConverter } = olapStore as { plainConverter?: Parameters<typeof reader.convertRowObjects>[0] };
    const converted = (plainConverter ? reader.convertRowObjects(plainConverter) : objects.map((r) => olapStore.plain(r))) as Record<string, unknown>[];
    t = lap(k, 'converter', t);
    const rows = named.rows ? named.rows(converted) : converted;
    t = lap(k, 'rule', t);
    JSON.stringify({ name: 'sales_by_hour', rows });
    lap(k, 'stringify', t);
  }
  conn.closeSync();
  db.closeSync();
  const line = Object.entries(stages).map(([k, v]) => `${k} ${ms(summarize(v).p50)}/${ms(summarize(v).p95)}`);
  process.stdout.write(`sales_by_hour stages, p50/p95 ms: ${line.join(', ')}\n`);
}

await main();
