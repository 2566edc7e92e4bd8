import type { z } from 'zod';
import { watchLag } from '../../olap/metrics.js';
import { AppError } from '../../shared/errors.js';
import { defineFunction, mount, type MountOperation } from '../../shared/http/definition.js';
import { parseInput } from '../../shared/http/errors-to-http.js';
import { openSse, type SseChannel } from '../../shared/http/sse.js';
import { todayUtc } from '../../olap/aging.js';
import { olapSettings } from '../../olap/config.js';
import { toSeqEvent } from '../../olap/fold.js';
import * as q from '../../olap/queries.js';
import { replayStream } from '../../olap/replay.js';
import { OlapStore } from '../../olap/store.js';
import { batch, liveParams, queryName, queryParams, type QueryName } from './schema.js';
import { prefersCsv, sendCsv, type CsvColumn } from '../../shared/http/csv.js';
import { biCsvColumns } from '../../olap/csv-columns.js';

type Params<N extends QueryName> = z.infer<(typeof queryParams)[N]>;
const named: { [N in QueryName]: (p: Params<N>, now: Date) => q.NamedSql } = {
  sales_by_hour: (p, now) => q.salesByHour(p.hours, now),
  ar_aging: (p, now) => q.arAging(p.asOf ?? todayUtc(now)),
  stock_levels: () => q.stockLevels,
  order_funnel: () => q.orderFunnel,
  top_products: (p) => q.topProducts(p.limit),
  headcount_by_department: () => q.headcountByDepartment,
  payroll_by_department: () => q.payrollByDepartment,
  order: (p) => q.projectedOrder(p.id),
  order_timeline: (p) => q.orderTimeline(p.id),
};

// Every named query has its CSV columns: a query added without them does not compile.
const csvColumns: Record<QueryName, readonly CsvColumn[]> = biCsvColumns;

function sqlFor<N extends QueryName>(name: N, raw: unknown, now: Date): q.NamedSql {
  return named[name](parseInput(queryParams[name], raw) as Params<N>, now);
}

// What the mount below serves, for /openapi.json (shared/http/openapi.ts): every route it registers, with
// the schemas each parses with. One entry per named query, since each takes parameters of its own.
const answer = '`{name, watermark: {seq, eventTime, appliedAt, streamSeq}, rows}` (rows per query: docs/api.md); with `Accept: text/csv`, the rows as CSV.';
const described: MountOperation[] = [
  {
    method: 'POST', path: '/batch', summary: "The connector's batch feed", roles: ['service'], body: batch, errors: ['not_ready'],
    description: 'Events at or below the watermark are skipped; a malformed envelope is counted as ignored. 503 during a rebuild.',
    responses: { 200: { description: '`{applied, skipped, ignored, watermark, ms}`', mediaTypes: ['application/json'] } },
  },
  ...(Object.keys(queryParams) as QueryName[]).map((name): MountOperation => ({
    method: 'GET', path: '/query/:name', fixed: { name }, summary: `BI: ${name}`, query: queryParams[name],
    // payroll_by_department is checked again for admin inside the route; the others take any valid token.
    ...(name === 'payroll_by_department' ? { roles: ['admin'] as const } : {}),
    ...(name === 'order' ? { errors: ['not_found'] as const, description: '404 until the order is projected.' } : {}),
    responses: { 200: { description: answer, mediaTypes: ['application/json', 'text/csv'] } },
  })),
  {
    method: 'GET', path: '/live', summary: 'Live watermark and changes (Server-Sent Events)', query: liveParams,
    description: '`event: watermark` `{seq, eventTime, appliedAt, streamSeq}` on connect and after each applied batch, then `event: changes` ' +
      '`{seq, types, orders, invoices, skus, customers, employees, more}`. EventSource cannot set headers: the token may come as `?access_token=`.',
    responses: { 200: { description: 'An event stream that stays open.', mediaTypes: ['text/event-stream'] } },
  },
  {
    method: 'POST', path: '/rebuild', summary: 'Rebuild the DuckDB file from the stream', roles: ['admin', 'service'], errors: ['not_ready', 'invalid_transition'],
    responses: { 200: { description: '`{events, watermark, ms}`', mediaTypes: ['application/json'] } },
  },
];

// The only process that opens the DuckDB file: it applies batches from the connector's single feed,
// answers the named queries, and pushes the watermark (and what the batch touched) to live pages after every batch.
export default defineFunction({
  name: 'project-to-olap',
  postgres: false,
  routes: [
    mount({
      describe: described,
      register: (app, { deps, authorize, registry }) => {
        const settings = olapSettings();
        const store = new OlapStore(settings.file, deps.log, settings.duckdb);
        const streams = new Set<SseChannel>();
        watchLag(store, registry);
        // Open event streams would keep the server from closing: end them first, then the file.
        app.addHook('preClose', async () => streams.forEach((s) => s.end()));
        app.addHook('onClose', () => store.close());

        app.post('/batch', { bodyLimit: settings.batchBodyLimit, onRequest: async (req) => void (await authorize(req.headers.authorization, ['service'])) }, async (req) => {
          const input = parseInput(batch, req.body);
          if (store.rebuilding) throw new AppError('not_ready', 'the OLAP store is being rebuilt; retry the batch');
          const result = await store.apply(input.events.map((e) => toSeqEvent(e.seq, e.event)), input.streamSeq);
          return { applied: result.applied, skipped: result.skipped, ignored: result.ignored, watermark: result.watermark, ms: Math.round(result.ms * 10) / 10 };
        });

        app.get('/query/:name', async (req, reply) => {
          await authorize(req.headers.authorization);
          const { name } = parseInput(queryName, req.params);
          if (name === 'payroll_by_department') await authorize(req.headers.authorization, ['admin']);
          const { watermark, rows } = await store.query(sqlFor(name, req.query, new Date()));
          if (name === 'order' && !rows[0]) throw new AppError('not_found', 'the order is not projected (yet)');
          // CSV export (shared/http/csv.ts): the same rows; the watermark moves to a header.
          reply.header('vary', 'accept');
          if (prefersCsv(req.headers.accept)) {
            reply.header('x-watermark-seq', String(watermark.seq));
            return sendCsv(reply, { name, columns: csvColumns[name], rows }, deps.log);
          }
          return { name, watermark, rows };
        });

        // EventSource cannot set headers: the same bearer token may come as ?access_token=.
        app.get('/live', async (req, reply) => {
          const { access_token: token } = parseInput(liveParams, req.query);
          await authorize(req.headers.authorization ?? (token ? `Bearer ${token}` : undefined));
          const current = await store.watermark();
          const channel = openSse(req, reply);
          streams.add(channel);
          channel.send('watermark', current);
          const off = store.onApplied((w) => channel.send('watermark', w));
          // Sent after the batch's watermark: the page knows which figures and records to refetch.
          const offChanges = store.onChanges((c) => channel.send('changes', c));
          await channel.closed;
          off();
          offChanges();
          streams.delete(channel);
        });

        app.post('/rebuild', { onRequest: async (req) => void (await authorize(req.headers.authorization, ['admin', 'service'])) }, async () => {
          const stream = deps.stream;
          if (!stream) throw new AppError('not_ready', 'the events stream is not configured');
          if (store.rebuilding) throw new AppError('invalid_transition', 'a rebuild is already running');
          return store.rebuild((apply) => replayStream(deps.js, stream, apply).then(() => undefined));
        });
      },
    }),
  ],
});
