import type { FastifyRequest } from 'fastify';
import { watchLag } from '../../olap/metrics.js';
import { AppError } from '../../shared/errors.js';
import { readRoles } from '../../shared/auth/permissions.js';
import { defineFunction, mount, type MountOperation } from '../../shared/http/definition.js';
import { parseInput } from '../../shared/http/errors-to-http.js';
import { openSse, type SseChannel } from '../../shared/http/sse.js';
import { createStreamTickets } from '../../shared/http/stream-tickets.js';
import { todayUtc } from '../../olap/aging.js';
import { olapSettings, type OlapSettings } from '../../olap/config.js';
import * as q from '../../olap/queries.js';
import * as buying from '../../olap/buying-queries.js';
import { replayStream } from '../../olap/replay.js';
import { exportParquet } from '../../olap/export-parquet.js';
import { exportTarget } from '../../olap/export-target.js';
import { OlapStore } from '../../olap/store.js';
import { RebuildJob, rebuildState } from './rebuild-job.js';
import { batch, liveParams, queryName, queryParams, readBatch, type QueryName } from './schema.js';
import { answerSchema, catalogueAnswer, catalogueFor, catalogueRoles, catalogue, queryRoles, type Params } from '../../olap/catalogue.js';
import { prefersCsv, sendCsv, type CsvColumn } from '../../shared/http/csv.js';
import { biCsvColumns } from '../../olap/csv-columns.js';

const named: { [N in QueryName]: (p: Params<N>, now: Date, settings: OlapSettings) => q.NamedSql } = {
  sales_by_hour: (p, now) => q.salesByHour(p.hours, now),
  ar_aging: (p, now) => q.arAging(p.asOf ?? todayUtc(now)),
  stock_levels: () => q.stockLevels,
  order_funnel: () => q.orderFunnel,
  top_products: (p) => q.topProducts(p.limit),
  headcount_by_department: () => q.headcountByDepartment,
  payroll_by_department: (_p, _now, s) => q.payrollByDepartment(s.payrollMinGroup),
  order: (p) => q.projectedOrder(p.id),
  order_timeline: (p) => q.orderTimeline(p.id),
  gross_margin: (p, now) => buying.grossMargin(p.months, now),
  inventory_value: (p, now) => buying.inventoryValue(p.days, now),
  purchase_spend: (p, now) => buying.purchaseSpend(p.months, now),
  stock_on_order: () => buying.stockOnOrder,
};

// Who may ask each named query is the catalogue's (olap/catalogue.ts: figures for the people and Grafana's
// reader, pay for admins and Grafana's payroll source, single orders for the people only).
// Checked before the name is parsed, so a token that may ask no query at all learns nothing (not even
// which names exist) from a 400.
const allBiRoles = catalogueRoles;

// The Parquet export holds every BI table, pay (employees' salaries) with the rest: admins only. Not in
// shared/auth/permissions.ts's commandRoles, which holds the stack.yml functions' commands (the projector is a service).
const exportRoles = ['admin'] as const;

// A rebuild deletes the file and replays the stream: an admin's, or the connector's (service). Its
// progress (GET) is theirs alone too, and both only inside on the Pi (compose/traefik/dynamic.yml).
const rebuildRoles = ['admin', 'service'] as const;

// Every named query has its CSV columns: a query added without them does not compile.
const csvColumns: Record<QueryName, readonly CsvColumn[]> = biCsvColumns;

/** A named query's SQL from its name and raw parameters (parsed here); also bench/lib/query-micro.ts's. */
export function sqlFor<N extends QueryName>(name: N, raw: unknown, now: Date, settings: OlapSettings): q.NamedSql {
  return named[name](parseInput(queryParams[name], raw) as Params<N>, now, settings);
}

// What the mount below serves, for /openapi.json (shared/http/openapi.ts): every route it registers, with
// the schemas each parses with. One entry per named query, since each takes parameters of its own.
const answer =
  '`{name, watermark: {seq, eventTime, appliedAt, streamSeq}, rows}` (the columns of each: GET catalogue, docs/api.md); with `Accept: text/csv`, the rows as CSV.';
const described: MountOperation[] = [
  {
    method: 'POST',
    path: '/batch',
    summary: "The connector's batch feed",
    roles: ['service'],
    body: batch,
    errors: ['not_ready', 'sequence_gap'],
    description:
      'Events at or below the watermark are skipped; a malformed envelope is counted as ignored. The rest must continue from the watermark one sequence at a time (409 `sequence_gap` otherwise, unless the stream no longer holds the skipped events). 503 during a rebuild.',
    responses: { 200: { description: '`{applied, skipped, ignored, watermark, ms}`', mediaTypes: ['application/json'] } },
  },
  ...(Object.keys(queryParams) as QueryName[]).map((name): MountOperation => ({
    method: 'GET',
    path: '/query/:name',
    fixed: { name },
    summary: `BI: ${catalogue[name].title}`,
    query: queryParams[name],
    roles: queryRoles[name],
    description: `${catalogue[name].description} Grain: ${catalogue[name].grain}. Empty groups: ${catalogue[name].empty} As of: ${catalogue[name].asOf} (GET catalogue defines every column.)`,
    ...(name === 'order' ? { errors: ['not_found'] as const } : {}),
    responses: { 200: { description: answer, mediaTypes: ['application/json', 'text/csv'], schema: answerSchema(name) } },
  })),
  {
    method: 'GET',
    path: '/catalogue',
    summary: 'The metric catalogue: what every BI query and column means',
    roles: catalogueRoles,
    description:
      "Each named query the caller may ask (payroll's only to those who may read pay): title, description, grain, every column's definition and unit, parameters, how empty groups appear, the as-of rule and who may read it. `/metrics` is Prometheus'.",
    responses: {
      200: {
        description: '`{queries: [{name, title, description, grain, columns, parameters, empty, asOf, roles}]}`',
        mediaTypes: ['application/json'],
        schema: catalogueAnswer,
      },
    },
  },
  {
    method: 'POST',
    path: '/live/ticket',
    summary: 'A ticket to open the live stream with',
    roles: readRoles.records,
    description: 'EventSource cannot send the token: trade it here (in the header) for a ticket, good once and for 30 seconds, and open `live?ticket=`.',
    responses: { 200: { description: '`{ticket, expiresAt}`', mediaTypes: ['application/json'] } },
  },
  {
    method: 'GET',
    path: '/live',
    summary: 'Live watermark and changes (Server-Sent Events)',
    query: liveParams,
    roles: readRoles.records,
    errors: ['too_many_streams'],
    description:
      '`event: watermark` `{seq, eventTime, appliedAt, streamSeq}` on connect and after each applied batch, then `event: changes` ' +
      '`{seq, types, orders, invoices, skus, customers, employees, more}`. The token comes as `Authorization: Bearer` or as a `?ticket=` from POST live/ticket. ' +
      'The stream ends when the token does (open it again with a new ticket); a user may hold OLAP_LIVE_STREAMS_PER_USER (8) open at once.',
    responses: { 200: { description: 'An event stream that stays open until the token expires.', mediaTypes: ['text/event-stream'] } },
  },
  {
    method: 'GET',
    path: '/rebuild',
    summary: 'Where the last rebuild stands',
    roles: rebuildRoles,
    description:
      "The last rebuild POST rebuild started since this projector process did: `none` before any (200, not 404: the front door's 404 is what says a route is kept inside); `running` with the events applied so far and the rebuilt file's watermark; " +
      '`done` with `{events, watermark, ms}`; `failed` with the error (the store then holds the events up to `watermark`: rebuild again). Poll it until it is not `running`.',
    responses: {
      200: {
        description: '`{state: none | running | done | failed, startedAt, finishedAt, events, watermark, ms, error}`',
        mediaTypes: ['application/json'],
        schema: rebuildState,
      },
    },
  },
  {
    method: 'POST',
    path: '/rebuild',
    summary: 'Rebuild the DuckDB file from the stream',
    roles: rebuildRoles,
    errors: ['not_ready', 'invalid_transition'],
    description:
      'Deletes the DuckDB file and replays the stream into it from its first event. Answers 202 at once (`Location: rebuild`) with the rebuild `running`: it takes minutes on a long history, longer than a gateway holds a request. GET rebuild says where it stands. 409 while a rebuild or an export runs.',
    responses: { 202: { description: '`{state: running, startedAt, events, watermark}`', mediaTypes: ['application/json'], schema: rebuildState } },
  },
  {
    method: 'POST',
    path: '/export',
    summary: 'Export the BI tables to Parquet in object storage',
    roles: exportRoles,
    errors: ['not_ready', 'invalid_transition'],
    description:
      'Every fact table and rollup, read in one snapshot, as `olap/<exportedAt>/<table>/part-NNNNN.parquet` (zstd, 50,000 rows a part; the columns a reader sees, not the `was_*` bookkeeping) in the bucket OLAP_EXPORT_BUCKET, then `manifest.json` beside them, then `olap/latest.json` pointing at it; the exports beyond the newest OLAP_EXPORT_KEEP (7) are then removed. ' +
      '409 while another export or a rebuild runs; 503 when no object storage is configured or it refuses a file (olap/latest.json then still names the export before).',
    responses: {
      200: {
        description:
          'The manifest: `{manifestVersion, erpbiVersion, exportedAt, bucket, prefix, format, compression, complete: {seq, eventTime}, tables: [{table, location, rows, bytes, columns: [{name, type}], files: [{key, rows, bytes}]}]}`',
        mediaTypes: ['application/json'],
      },
    },
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
        const streamsOf = new Map<string, number>(); // open streams per user (sub)
        const tickets = createStreamTickets();
        const exportTo = exportTarget(process.env, deps.log);
        let exporting = false; // from the snapshot to the last upload (the store's own guard ends with the snapshot)
        const rebuilds = new RebuildJob(store, deps.log);
        watchLag(store, registry);
        // Open event streams would keep the server from closing: end them first, then the file.
        app.addHook('preClose', async () => streams.forEach((s) => s.end()));
        // A running rebuild ends at its next batch (failed) before the file is closed under it.
        app.addHook('preClose', () => rebuilds.stop());
        app.addHook('onClose', () => store.close());
        app.addHook('onClose', async () => exportTo?.close());

        app.post(
          '/batch',
          { bodyLimit: settings.batchBodyLimit, onRequest: async (req) => void (await authorize(req.headers.authorization, ['service'])) },
          async (req) => {
            const { events, streamSeq } = readBatch(req.body);
            if (store.rebuilding) throw new AppError('not_ready', 'the OLAP store is being rebuilt; retry the batch');
            // A gap is refused (olap/store.ts) unless the stream itself no longer holds what was skipped.
            const result = await store.apply(events, streamSeq).catch(async (err: unknown) => {
              if (!(err instanceof AppError && err.code === 'sequence_gap' && deps.stream)) throw err;
              const { state } = await (await deps.js.streams.get(deps.stream)).info();
              return store.apply(events, streamSeq, state.first_seq);
            });
            return {
              applied: result.applied,
              skipped: result.skipped,
              ignored: result.ignored,
              watermark: result.watermark,
              ms: Math.round(result.ms * 10) / 10,
            };
          },
        );

        app.get('/query/:name', async (req, reply) => {
          await authorize(req.headers.authorization, allBiRoles);
          const { name } = parseInput(queryName, req.params);
          await authorize(req.headers.authorization, queryRoles[name]);
          // Held to the catalogue's answer schema (the describe entry below) by the app's answer check (CHECK_ANSWERS).
          // An answer is kept until the next batch (olap/answer-cache.ts); `cache-control: no-cache` asks for it computed anew.
          const fresh = /\bno-cache\b/i.test(req.headers['cache-control'] ?? '');
          const { watermark, rows } = await store.query(sqlFor(name, req.query, new Date(), settings), { fresh });
          if (name === 'order' && !rows[0]) throw new AppError('not_found', 'the order is not projected (yet)');
          // CSV export (shared/http/csv.ts): the same rows; the watermark moves to a header.
          reply.header('vary', 'accept');
          if (prefersCsv(req.headers.accept)) {
            reply.header('x-watermark-seq', String(watermark.seq));
            return sendCsv(reply, { name, columns: csvColumns[name], rows }, deps.log);
          }
          return { name, watermark, rows };
        });

        app.get('/catalogue', async (req) => catalogueFor((await authorize(req.headers.authorization, catalogueRoles)).roles));

        app.post('/live/ticket', async (req) => tickets.issue(await authorize(req.headers.authorization, readRoles.records)));

        app.get('/live', async (req, reply) => {
          const { ticket } = parseInput(liveParams, req.query);
          const fromTicket = ticket === undefined ? undefined : tickets.redeem(ticket);
          if (ticket !== undefined && !fromTicket)
            throw new AppError('unauthenticated', 'the ticket is unknown, used or expired: ask POST live/ticket for another');
          const actor = fromTicket ?? (await authorize(req.headers.authorization, readRoles.records));
          const open = streamsOf.get(actor.sub) ?? 0;
          if (open >= settings.streamsPerUser) throw new AppError('too_many_streams', `${open} live streams are open for this user already`);
          streamsOf.set(actor.sub, open + 1);
          try {
            const current = await store.watermark();
            const channel = openSse(req, reply);
            streams.add(channel);
            // Access ends with the token: the page opens the stream again with a ticket from a fresh token.
            const expiry = setTimeout(() => channel.end(), Math.min(2 ** 31 - 1, (actor.expiresAt ?? 0) * 1000 - Date.now()));
            channel.send('watermark', current);
            const off = store.onApplied((w) => channel.send('watermark', w));
            // Sent after the batch's watermark: the page knows which figures and records to refetch.
            const offChanges = store.onChanges((c) => channel.send('changes', c));
            await channel.closed;
            clearTimeout(expiry);
            off();
            offChanges();
            streams.delete(channel);
          } finally {
            // Whatever ended it (the client, the expiry, a failure before it opened), the slot is free again.
            const left = (streamsOf.get(actor.sub) ?? 1) - 1;
            if (left > 0) streamsOf.set(actor.sub, left);
            else streamsOf.delete(actor.sub);
          }
        });

        const rebuildAccess = { onRequest: async (req: FastifyRequest) => void (await authorize(req.headers.authorization, rebuildRoles)) };
        app.post('/rebuild', rebuildAccess, async (_req, reply) => {
          const stream = deps.stream;
          if (!stream) throw new AppError('not_ready', 'the events stream is not configured');
          if (store.rebuilding) throw new AppError('invalid_transition', 'a rebuild is already running');
          if (exporting) throw new AppError('invalid_transition', 'an export is running; rebuild once it is done');
          const started = rebuilds.start((apply) => replayStream(deps.js, stream, apply));
          // Its state is GET on this same path: a relative reference holds behind any prefix (/function/project-to-olap/).
          reply.code(202).header('location', 'rebuild');
          return started;
        });

        app.get('/rebuild', rebuildAccess, async () => rebuilds.current);

        app.post('/export', { onRequest: async (req) => void (await authorize(req.headers.authorization, exportRoles)) }, async () => {
          if (!exportTo) throw new AppError('not_ready', 'no object storage is configured for the export (S3_ENDPOINT)');
          if (exporting) throw new AppError('invalid_transition', 'an export is running already');
          if (store.rebuilding) throw new AppError('invalid_transition', 'the OLAP store is being rebuilt; export once it is done');
          exporting = true;
          try {
            return await exportParquet(store, exportTo, { log: deps.log });
          } finally {
            exporting = false;
          }
        });
      },
    }),
  ],
});
