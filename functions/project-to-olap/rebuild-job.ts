import { z } from 'zod';
import { watermarkSchema } from '../../olap/catalogue/types.js';
import type { SeqEvent } from '../../olap/seq-event.js';
import type { OlapStore, Watermark } from '../../olap/store.js';
import { AppError } from '../../shared/errors.js';
import { toHttp } from '../../shared/http/errors-to-http.js';
import type { Logger } from '../../shared/log.js';

// A rebuild replays the whole stream: at 1M orders (4.3M events) it takes minutes, longer than any
// gateway holds a request open (the box's 300 s, OpenFaaS' timeouts). So POST /rebuild starts it and
// answers 202 at once, and GET /rebuild says where it stands. The state is this process's, in memory:
// after a restart it is `none`, as a restart also ends the rebuild (see stop).

const instant = z.string().describe('UTC ISO instant');
const progress = {
  startedAt: instant,
  /** Events applied so far (running), all the replay handed over (done). */
  events: z.number().int().nonnegative(),
  /** The rebuilt file's watermark: where the replay has got to. */
  watermark: watermarkSchema,
};
const ended = { ...progress, finishedAt: instant, ms: z.number().int().nonnegative() };

/** GET /rebuild's answer, and POST's (202, `running`). */
export const rebuildState = z.discriminatedUnion('state', [
  z.object({ state: z.literal('none') }).strict(),
  z.object({ state: z.literal('running'), ...progress }).strict(),
  z.object({ state: z.literal('done'), ...ended }).strict(),
  // The catalogue's error (shared/errors.ts), as the POST would have answered it when it waited for the end.
  z
    .object({ state: z.literal('failed'), ...ended, error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }).strict() })
    .strict(),
]);
export type RebuildState = z.infer<typeof rebuildState>;

type Replay = (apply: (batch: SeqEvent[]) => Promise<void>) => Promise<unknown>;

const origin: Watermark = { seq: 0, eventTime: null, appliedAt: null, streamSeq: null };

/** The projector's one rebuild at a time: started, followed through the store's watermark, its end kept. */
export class RebuildJob {
  private state: RebuildState = { state: 'none' };
  private running: Promise<void> | undefined;
  private stopping = false;

  constructor(
    private readonly store: OlapStore,
    private readonly log: Logger,
  ) {}

  get current(): RebuildState {
    return this.state;
  }

  /**
   * Starts the rebuild (the caller has checked that none and no export runs: the store's own guards
   * would fail it, not refuse it) and answers its first state. The store deletes the file and applies
   * the replay in chunks; every applied chunk moves the watermark, and the events so far follow from it
   * (the store refuses any gap after the first replayed sequence).
   */
  start(replay: Replay): RebuildState {
    const startedAt = new Date();
    let first: number | undefined;
    const running = { state: 'running' as const, startedAt: startedAt.toISOString(), events: 0, watermark: origin };
    this.state = running;
    const off = this.store.onApplied((watermark) => {
      if (this.state.state === 'running' && first !== undefined) this.state = { ...running, events: watermark.seq - first + 1, watermark };
    });
    const ms = () => Date.now() - startedAt.getTime();
    this.log.info('OLAP rebuild started');
    this.running = this.store
      .rebuild((apply) =>
        replay(async (batch) => {
          if (this.stopping) throw new AppError('not_ready', 'the projector shut down during the rebuild; rebuild again');
          first ??= batch[0]?.seq;
          await apply(batch);
        }).then(() => undefined),
      )
      .then(
        (done) => {
          this.state = {
            state: 'done',
            startedAt: running.startedAt,
            finishedAt: new Date().toISOString(),
            events: done.events,
            watermark: done.watermark,
            ms: done.ms,
          };
          this.log.info({ events: done.events, seq: done.watermark.seq, ms: done.ms }, 'OLAP rebuild done');
        },
        (err: unknown) => {
          // The store is left as a failed rebuild always left it: open, holding the events up to the
          // watermark; the feed's batches are taken again, and refused as a gap unless they continue from it.
          const at = this.state.state === 'running' ? this.state : running;
          this.state = { ...at, state: 'failed', finishedAt: new Date().toISOString(), ms: ms(), error: toHttp(err).body.error };
          this.log.error(
            { err, events: at.events, seq: at.watermark.seq },
            'OLAP rebuild failed; the store holds the events up to its watermark: rebuild again',
          );
        },
      )
      .finally(off);
    return this.state;
  }

  /**
   * At shutdown: the replay ends at its next batch (failed), and the store is not closed under it. The
   * file then holds part of the stream; the feed's next batch is refused as a gap until it is rebuilt.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.running;
  }
}
