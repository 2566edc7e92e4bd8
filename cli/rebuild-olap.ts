import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout } from 'node:timers/promises';
import { dataDir, natsCredentialsOf, natsUrlOf, readBox } from '../runtime/box/box.js';
import { loadOrCreateKeys, signToken } from '../runtime/dev-issuer/issuer.js';
import { readConfig } from '../shared/config.js';
import { noProgress, startProgress, type Progress } from './progress.js';
import type { RebuildState } from '../functions/project-to-olap/rebuild-job.js';

export const rebuildOlapUsage =
  '  rebuild-olap                                             delete the DuckDB file and replay the event stream into it (the box keeps running)';

/** How often the CLI asks where the rebuild stands (a GET of an in-memory state: cheap). */
const pollMs = 500;
/** Given up when the projector has not answered for this long (the box stopped?), */
const unansweredMs = 60_000;
/** or when the rebuild has applied nothing for this long (a replay stalled; a 1,000-event chunk takes a fraction of a second). */
const stalledMs = 5 * 60_000;

/**
 * Asks the running box's projector to rebuild: it is the only process that may open the DuckDB file,
 * so it closes and deletes the file itself and replays the stream from its first event. It answers
 * 202 at once (a long history takes minutes, longer than the gateway holds a request) and says where
 * the rebuild stands on GET rebuild, which this polls until it is done (exit 0) or failed (exit 1).
 *
 * Progress (stderr): the total is the stream's message count, read from JetStream here; the events
 * done are those the projector says it has applied. The last line takes the projector's own count,
 * so it is exact even if the stream grew meanwhile.
 */
export async function rebuildOlap(): Promise<void> {
  const dir = dataDir();
  const box = readBox(dir);
  if (!box.issuer || !box.gatewayUrl || !existsSync(join(dir, 'issuer', 'keys.json'))) {
    throw new Error(`no erpbi box has started with data in ${dir}; run \`npm start\` first or set ERPBI_DATA`);
  }
  const keys = await loadOrCreateKeys(dir);
  const issuer = box.issuer;
  // A rebuild can outlast a token: each request gets one signed for it (a local signature, no round trip).
  const auth = async () => ({
    authorization: `Bearer ${await signToken(keys, { issuer, audience: 'erpbi', sub: 'cli-rebuild-olap', roles: ['admin'], ttlSeconds: 600 })}`,
  });
  const rebuildUrl = `${box.gatewayUrl}/function/project-to-olap/rebuild`;

  const natsUrl = natsUrlOf(box);
  const stream = readConfig(['EVENTS_STREAM']).EVENTS_STREAM;
  const { readStreamPosition } = await import('./backup/stream.js');
  const position = natsUrl
    ? await readStreamPosition({ url: natsUrl, stream, credentials: natsCredentialsOf(box) }).catch((err: Error) => {
        console.error(`rebuild-olap: no progress shown (stream ${stream}: ${err.message})`);
        return undefined;
      })
    : undefined;

  const res = await fetch(rebuildUrl, { method: 'POST', headers: await auth() }).catch((err: Error) => {
    throw new Error(`the box at ${box.gatewayUrl} is not answering (${err.message}); is it running?`);
  });
  const started = (await res.json().catch(() => ({}))) as RebuildState & { error?: { message: string } };
  if (res.status !== 202) throw new Error(`the projector answered ${res.status}: ${started.error?.message ?? 'no details'}`);
  // Where the rebuild's state is: the projector says (Location, relative to the rebuild's URL).
  const statusUrl = new URL(res.headers.get('location') ?? 'rebuild', rebuildUrl);

  const progress: Progress = position ? startProgress('rebuild-olap', { unit: 'events', total: position.messages }) : noProgress;
  try {
    const end = await pollUntilEnded(statusUrl, auth, started, (events) => progress.update(Math.min(position?.messages ?? events, events)));
    if (end.state === 'failed') throw new Error(`the rebuild failed after ${end.events} events (watermark ${end.watermark.seq}): ${end.error.message}`);
    progress.setTotal(end.events, false);
    progress.update(end.events);
    progress.finish();
    console.log(`rebuilt the OLAP store from ${end.events} events (watermark ${end.watermark.seq}) in ${end.ms} ms`);
  } finally {
    progress.stop();
  }
}

type Ended = Extract<RebuildState, { state: 'done' | 'failed' }>;

/**
 * GET rebuild every `pollMs` until the rebuild that `started` began has ended; `onEvents` gets the events
 * applied so far. Gives up (throws) when the projector stops answering, restarted (another rebuild, or
 * none), or the rebuild stalls: the deadlines above.
 */
async function pollUntilEnded(
  url: URL,
  headers: () => Promise<Record<string, string>>,
  started: RebuildState,
  onEvents: (events: number) => void,
): Promise<Ended> {
  if (started.state === 'none') throw new Error('the projector answered 202 without a rebuild');
  let answeredAt = Date.now();
  let moved = { events: -1, at: Date.now() };
  for (;;) {
    const res = await fetch(url, { headers: await headers(), signal: AbortSignal.timeout(10_000) }).catch((err: Error) => err);
    const now = Date.now();
    // Refused (a 4xx): asking again changes nothing. Not answering (a 5xx, no connection): for a while it may.
    if (res instanceof Response && res.status >= 400 && res.status < 500) throw new Error(`the projector answered ${res.status} to GET rebuild`);
    if (res instanceof Response && res.ok) {
      answeredAt = now;
      const state = (await res.json()) as RebuildState;
      if (state.state === 'none' || state.startedAt !== started.startedAt)
        throw new Error(
          'the projector no longer reports this rebuild: it restarted (the rebuild ended unfinished: run rebuild-olap again) or another began after it',
        );
      if (state.state !== 'running') return state;
      onEvents(state.events);
      if (state.events !== moved.events) moved = { events: state.events, at: now };
      else if (now - moved.at > stalledMs)
        throw new Error(`the rebuild has applied nothing for ${stalledMs / 60_000} minutes (at ${state.events} events); see the projector's log`);
    } else if (res instanceof Response) await res.arrayBuffer().catch(() => undefined);
    if (!(res instanceof Response && res.ok) && now - answeredAt > unansweredMs) {
      const why = res instanceof Response ? `answered ${res.status}` : res.message;
      throw new Error(`the projector has not said where the rebuild stands for ${unansweredMs / 1000} s (${why}); is the box running?`);
    }
    await setTimeout(pollMs);
  }
}
