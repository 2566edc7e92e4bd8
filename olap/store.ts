import { mkdirSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { DuckDBInstance, DuckDBTypeId, JSDuckDBValueConverter, type DuckDBConnection, type DuckDBValueConverter, type JS } from '@duckdb/node-api';
import { AppError } from '../shared/errors.js';
import type { Logger } from '../shared/log.js';
import { AnswerCache } from './answer-cache.js';
import { summarize, type ChangeSummary } from './change-summary.js';
import { foldBatch, type BatchChanges } from './fold.js';
import type { SeqEvent } from './seq-event.js';
import type { NamedSql } from './queries.js';
import { writeBatch } from './rollups.js';
import { schemaSql, stagingSql, watermarkTable } from './schema.js';
import { refillSql, rollupTables } from './tables/rollups.js';
import { TableRows } from './tables/rows.js';
import { BatchWriter } from './tables/write.js';

export interface Watermark {
  seq: number;
  eventTime: string | null;
  appliedAt: string | null;
  /**
   * The stream's last sequence as the feed said with the latest batch (triggers/batch-feed.ts): `seq`
   * equal to it is up to date, below it behind by the difference. null while unknown: no batch has said
   * it since this process opened the file (kept in memory only; the next batch says it again).
   */
  streamSeq: number | null;
}

export interface ApplyResult {
  applied: number;
  skipped: number;
  ignored: number;
  watermark: Watermark;
  ms: number;
}

/** Events folded and written at once while rebuilding (see rebuild). */
const rebuildChunk = 5_000;

const watermarkSql = `select seq, strftime(event_time, '%Y-%m-%dT%H:%M:%S.%gZ') as "eventTime", strftime(applied_at, '%Y-%m-%dT%H:%M:%S.%gZ') as "appliedAt" from watermark where id = 1`;

// Every column of the watermark merges as `last` (olap/tables/facts.ts): moving it is setting them.
// Written out, not bound, to join the batch's one flush (tables/write.ts); the values are ours: a
// number and ISO instants (an event's occurredAt passed the envelope's schema), quoted all the same.
const text = (v: string | null) => (v === null ? 'null' : `'${v.replaceAll("'", "''")}'`);
const moveWatermarkSql = (w: Watermark) =>
  `update watermark set seq = ${Math.trunc(w.seq)}, event_time = cast(${text(w.eventTime)} as timestamp), applied_at = cast(${text(w.appliedAt)} as timestamp) where id = 1`;

const origin: Watermark = { seq: 0, eventTime: null, appliedAt: null, streamSeq: null };

/** DuckDB values to JSON-safe values: integers (money, counts) as numbers, instants as ISO strings. */
export function plain(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  return value;
}

// A named query's rows straight to plain()'s values in the one pass that reads them out of DuckDB,
// without building each row twice (DuckDB's JS objects, then plain()'s copies through Object.entries):
// integers (counts, money as BIGINT) become numbers, strings pass as they are; any other type (instants,
// lists, structs) takes DuckDB's own JS conversion, its children through this converter, then plain().
const toNumber: DuckDBValueConverter<unknown> = (value) => Number(value);
const plainByType: Partial<Record<DuckDBTypeId, DuckDBValueConverter<unknown>>> = {
  [DuckDBTypeId.BIGINT]: toNumber,
  [DuckDBTypeId.HUGEINT]: toNumber,
  [DuckDBTypeId.UBIGINT]: toNumber,
  [DuckDBTypeId.INTEGER]: toNumber,
  [DuckDBTypeId.SMALLINT]: toNumber,
  [DuckDBTypeId.DOUBLE]: toNumber,
  [DuckDBTypeId.VARCHAR]: (value) => String(value),
};
/** plain() of every value, as DuckDB hands it over (reader.convertRowObjects). */
export const plainConverter: DuckDBValueConverter<unknown> = (value, type, self) => {
  if (value == null) return null;
  const own = plainByType[type.typeId];
  return own ? own(value, type, self) : plain(JSDuckDBValueConverter(value, type, self as DuckDBValueConverter<JS>));
};

/** The single owner of the DuckDB file: every read and write goes through one queue on one connection. */
export class OlapStore {
  private instance: DuckDBInstance | undefined;
  private conn: DuckDBConnection | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly listeners = new Set<(w: Watermark) => void>();
  private readonly changeListeners = new Set<(c: ChangeSummary) => void>();
  private replaying = false;
  private exporting = false;

  constructor(
    readonly file: string,
    private readonly log?: Logger,
    private readonly options: Record<string, string> = {},
  ) {}

  get rebuilding(): boolean {
    return this.replaying;
  }

  /** A snapshot's reader is open (an export, olap/export-parquet.ts): a rebuild would close the file under it. */
  get snapshotting(): boolean {
    return this.exporting;
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  // Opened on first use: a process that never serves the projector never locks the file.
  private async connection(): Promise<DuckDBConnection> {
    if (this.conn) return this.conn;
    mkdirSync(dirname(this.file), { recursive: true });
    this.instance = await DuckDBInstance.create(this.file, this.options);
    const conn = await this.instance.connect();
    // A file made before a rollup existed gets it filled from its facts once, as it opens.
    const names = (await conn.runAndReadAll(`select table_name from information_schema.tables where table_schema = 'main'`)).getRows().map((r) => r[0]);
    const missing = names.includes('orders') ? rollupTables.filter((t) => !names.includes(t.name)) : [];
    await conn.run(schemaSql);
    for (const t of missing) await conn.run(refillSql(t));
    await conn.run(stagingSql);
    this.threads = Number((await conn.runAndReadAll(`select current_setting('threads')`)).getRows()[0]![0]);
    this.conn = conn;
    return conn;
  }

  /** DuckDB's threads as opened (the queries'); a batch is written on one (see apply). */
  private threads = 1;

  // Only this object writes the file, so after the first read the watermark is known without a query.
  private mark: Watermark | undefined;

  private async readWatermark(conn: DuckDBConnection): Promise<Watermark> {
    if (this.mark) return this.mark;
    const reader = await conn.runAndReadAll(watermarkSql);
    const row = reader.getRowObjectsJS()[0];
    this.mark = row ? { ...(plain(row) as Omit<Watermark, 'streamSeq'>), streamSeq: null } : origin;
    return this.mark;
  }

  watermark(): Promise<Watermark> {
    return this.exclusive(async () => this.readWatermark(await this.connection()));
  }

  onApplied(listener: (w: Watermark) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** After each applied batch (never for one skipped whole), what it touched; see change-summary.ts. */
  onChanges(listener: (c: ChangeSummary) => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  /**
   * Applies the events above the stored watermark in ONE transaction that also moves the watermark,
   * so a redelivered or replayed batch changes nothing and a crash leaves no half-applied batch.
   * `streamSeq`: where the stream ended when the batch was taken, as the feed says (Watermark.streamSeq).
   * The new events must follow the watermark without a gap, one sequence after another: a batch that
   * skips ahead (a forged huge seq, a feed at the wrong place, a DuckDB file lost under a consumer that
   * had moved on) is refused with `sequence_gap` rather than freezing or silently thinning the figures.
   * `streamFirstSeq`: the stream's first sequence, when the caller has looked; a batch that starts there
   * is allowed to skip what the stream no longer holds.
   */
  apply(events: SeqEvent[], streamSeq?: number, streamFirstSeq?: number): Promise<ApplyResult> {
    return this.exclusive(async () => {
      const started = performance.now();
      const conn = await this.connection();
      const before = await this.readWatermark(conn);
      const fresh = events.filter((e) => e.seq > before.seq).sort((a, b) => a.seq - b.seq);
      if (fresh.length === 0) {
        // Nothing new (a redelivery), yet where the stream ends may be news.
        if (streamSeq !== undefined) this.mark = { ...before, streamSeq: Math.max(streamSeq, before.seq) };
        return { applied: 0, skipped: events.length, ignored: 0, watermark: this.mark ?? before, ms: performance.now() - started };
      }
      checkContiguous(fresh, before.seq, streamFirstSeq);
      const changes = foldBatch(fresh, before.seq);
      const last = fresh[fresh.length - 1]!;
      const eventTime = [...fresh].reverse().find((e) => e.event)?.event?.occurredAt ?? before.eventTime;
      // A batch without streamSeq (a replay, an older feed) leaves it unknown rather than stale.
      const watermark: Watermark = {
        seq: last.seq,
        eventTime,
        appliedAt: new Date().toISOString(),
        streamSeq: streamSeq === undefined ? null : Math.max(streamSeq, last.seq),
      };
      // A batch's statements are small: a second thread buys them no time and costs ~half again the CPU
      // (bench/lib/projector-micro.ts: 42 vs 87 ms per 20-event batch). Threads are the instance's, so
      // they go back to the queries' number after the commit (~0.9 ms of CPU for the pair).
      await conn.run('set threads = 1; begin transaction');
      try {
        // applied_at is never null in a stored row: null is the origin's, no row yet.
        await this.write(conn, changes, watermark, before.appliedAt !== null);
        await conn.run('commit');
        this.mark = watermark;
      } catch (err) {
        await conn.run('rollback').catch(() => undefined);
        throw err;
      } finally {
        await conn.run(`set threads = ${this.threads}`);
      }
      if (fresh[0]!.seq !== before.seq + 1) this.log?.warn({ from: before.seq, next: fresh[0]!.seq }, 'events no longer in the stream were skipped');
      for (const listener of this.listeners) listener(watermark);
      if (this.changeListeners.size > 0) {
        const summary = summarize(fresh, watermark.seq);
        for (const listener of this.changeListeners) listener(summary);
      }
      return { applied: changes.used, skipped: events.length - fresh.length, ignored: changes.ignored, watermark, ms: performance.now() - started };
    });
  }

  // Each table's rows through its stage table and upsert, all derived from its declaration (olap/tables/),
  // and the rollups moved with them (olap/rollups.ts). The watermark's one row, once it exists, by one
  // update in the batch's flush: a stage and an upsert cost ~2 ms of CPU for a row whose every column is `last`.
  private async write(conn: DuckDBConnection, c: BatchChanges, watermark: Watermark, stored: boolean): Promise<void> {
    const writer = new BatchWriter(conn);
    await writeBatch(conn, writer, c);
    if (stored) writer.then(moveWatermarkSql(watermark));
    else {
      const mark = new TableRows(watermarkTable);
      mark.put({ id: 1, seq: watermark.seq, eventTime: watermark.eventTime, appliedAt: watermark.appliedAt! });
      await writer.write(mark);
    }
    await writer.flush();
  }

  private readonly answers = new AnswerCache<Record<string, unknown>[]>();

  /**
   * A named query and the watermark it is consistent with (both read between two batches). The same
   * query asked again before the next batch is answered from olap/answer-cache.ts: the rows are shared
   * between callers, never to be changed.
   */
  /** `fresh`: computed again even when kept (a client's `cache-control: no-cache`; the bench's true cost of an answer). */
  query(named: NamedSql, opts: { fresh?: boolean } = {}): Promise<{ watermark: Watermark; rows: Record<string, unknown>[] }> {
    return this.exclusive(async () => {
      const conn = await this.connection();
      const watermark = await this.readWatermark(conn);
      const key = named.rows && named.rowsKey === undefined ? undefined : `${named.sql}\u0000${JSON.stringify(named.values)}\u0000${named.rowsKey}`;
      const kept = key === undefined || opts.fresh ? undefined : this.answers.get(watermark, key);
      if (kept) return { watermark, rows: kept };
      const reader = await conn.runAndReadAll(named.sql, named.values);
      const read = reader.convertRowObjects(plainConverter) as Record<string, unknown>[];
      for (const row of read) for (const column of named.json ?? []) row[column] = JSON.parse(row[column] as string);
      const rows = named.rows ? named.rows(read) : read;
      if (key !== undefined) this.answers.set(watermark, key, rows);
      return { watermark, rows };
    });
  }

  /**
   * Runs `work` on a second connection inside one read transaction begun between two batches, so every
   * table it reads is the file as of one watermark, while batches go on being applied on the first
   * connection (DuckDB keeps the reader's snapshot: MVCC). One at a time; never during a rebuild.
   */
  async snapshot<T>(work: (reader: DuckDBConnection, asOf: Pick<Watermark, 'seq' | 'eventTime'>) => Promise<T>): Promise<T> {
    if (this.replaying) throw new AppError('invalid_transition', 'the OLAP store is being rebuilt; try again once it is done');
    if (this.exporting) throw new AppError('invalid_transition', 'an export is running already');
    this.exporting = true;
    let reader: DuckDBConnection | undefined;
    try {
      const asOf = await this.exclusive(async () => {
        await this.connection();
        reader = await this.instance!.connect();
        await reader.run('begin transaction');
        // DuckDB takes the snapshot at the transaction's first read: this one, between two batches.
        const row = (await reader.runAndReadAll(watermarkSql)).getRowObjectsJS()[0];
        return row ? (plain(row) as Pick<Watermark, 'seq' | 'eventTime'>) : { seq: 0, eventTime: null };
      });
      return await work(reader!, { seq: asOf.seq, eventTime: asOf.eventTime });
    } finally {
      await reader?.run('rollback').catch(() => undefined);
      reader?.closeSync();
      this.exporting = false;
    }
  }

  /**
   * Deletes the file and rebuilds it from `replay`, which hands over the stream from its first event.
   * Batches from the feed are refused meanwhile (the feed retries them), so nothing is applied twice
   * or skipped; queries keep being answered with the rebuild's progress as their watermark.
   */
  async rebuild(replay: (apply: (batch: SeqEvent[]) => Promise<void>) => Promise<void>): Promise<{ events: number; watermark: Watermark; ms: number }> {
    if (this.replaying) throw new Error('a rebuild is already running');
    if (this.exporting) throw new AppError('invalid_transition', 'an export is running; rebuild once it is done');
    this.replaying = true;
    const started = performance.now();
    let events = 0;
    try {
      await this.exclusive(async () => {
        this.closeNow();
        for (const suffix of ['', '.wal']) rmSync(this.file + suffix, { force: true });
        await this.connection();
      });
      // The replay's batches are gathered into chunks of `rebuildChunk` events, each folded in memory and
      // written once: an upsert costs per statement and per batch far more than per row, so few large
      // writes rebuild faster than many small ones. 5k, a cautious size: a probe's peak RSS grew from
      // 1k-event batches to 5k ones, and its 20k ones were not clearly faster (the 512 MB limit first).
      let pending: SeqEvent[] = [];
      let first: number | undefined;
      const flush = async () => {
        if (pending.length === 0) return;
        const chunk = pending;
        pending = [];
        // The replay reads the stream itself from its first message: where it starts is where the
        // stream starts (past a purge, above 1), not a gap.
        await this.apply(chunk, undefined, first);
        first = undefined;
      };
      await replay(async (batch) => {
        if (events === 0) first = batch[0]?.seq;
        events += batch.length;
        for (const e of batch) pending.push(e);
        if (pending.length >= rebuildChunk) await flush();
      });
      await flush();
      return { events, watermark: await this.watermark(), ms: Math.round(performance.now() - started) };
    } finally {
      this.replaying = false;
    }
  }

  private closeNow(): void {
    this.conn?.closeSync();
    this.instance?.closeSync();
    this.conn = undefined;
    this.instance = undefined;
    this.mark = undefined;
  }

  close(): Promise<void> {
    return this.exclusive(async () => this.closeNow());
  }
}

/** Throws `sequence_gap` unless `fresh` (sorted, all above `after`) continues from `after` one by one. */
function checkContiguous(fresh: SeqEvent[], after: number, streamFirstSeq: number | undefined): void {
  const first = fresh[0]!.seq;
  const startsRight = first === after + 1 || (streamFirstSeq !== undefined && first === streamFirstSeq && streamFirstSeq > after + 1);
  if (!startsRight)
    throw new AppError('sequence_gap', `the batch starts at ${first}, the projection is at ${after}: events are missing`, { expected: after + 1, got: first });
  fresh.forEach((e, i) => {
    if (i > 0 && e.seq !== fresh[i - 1]!.seq + 1) {
      throw new AppError('sequence_gap', `the batch jumps from ${fresh[i - 1]!.seq} to ${e.seq}`, { expected: fresh[i - 1]!.seq + 1, got: e.seq });
    }
  });
}
