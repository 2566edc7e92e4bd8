import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { dataDir, natsCredentialsOf, natsUrlOf, readBox } from '../runtime/box/box.js';
import { loadOrCreateKeys, signToken } from '../runtime/dev-issuer/issuer.js';
import { readConfig } from '../shared/config.js';
import { noProgress, startProgress, type Progress } from './progress.js';

export const rebuildOlapUsage =
  '  rebuild-olap                                             delete the DuckDB file and replay the event stream into it (the box keeps running)';

/**
 * Asks the running box's projector to rebuild: it is the only process that may open the DuckDB file,
 * so it closes and deletes the file itself and replays the stream from its first event.
 *
 * Progress (stderr): the total is the stream's message count, read from JetStream here; the events
 * done come from the projector's live watermark, which it moves after every replayed batch. The last
 * line takes the projector's own count, so it is exact even if the stream grew meanwhile.
 */
export async function rebuildOlap(): Promise<void> {
  const dir = dataDir();
  const box = readBox(dir);
  if (!box.issuer || !box.gatewayUrl || !existsSync(join(dir, 'issuer', 'keys.json'))) {
    throw new Error(`no erpbi box has started with data in ${dir}; run \`npm start\` first or set ERPBI_DATA`);
  }
  const token = await signToken(await loadOrCreateKeys(dir), {
    issuer: box.issuer,
    audience: 'erpbi',
    sub: 'cli-rebuild-olap',
    roles: ['admin'],
    ttlSeconds: 600,
  });
  const projector = `${box.gatewayUrl}/function/project-to-olap`;

  const natsUrl = natsUrlOf(box);
  const stream = readConfig(['EVENTS_STREAM']).EVENTS_STREAM;
  const { readStreamPosition } = await import('./backup/stream.js');
  const position = natsUrl
    ? await readStreamPosition({ url: natsUrl, stream, credentials: natsCredentialsOf(box) }).catch((err: Error) => {
        console.error(`rebuild-olap: no progress shown (stream ${stream}: ${err.message})`);
        return undefined;
      })
    : undefined;

  let progress: Progress = noProgress;
  let following: { stop: () => void } | undefined;
  const started = Date.now();
  try {
    if (position) {
      progress = startProgress('rebuild-olap', { unit: 'events', total: position.messages });
      const follow = followWatermark(`${projector}/live`, token, (seq) =>
        progress.update(Math.min(position.messages, Math.max(0, seq - position.firstSeq + 1))),
      );
      following = follow;
      // The live feed first says where the projection stands BEFORE the rebuild; wait for that (briefly)
      // so it is not taken for progress. Without it, the bar only moves at the end.
      await Promise.race([follow.ready, new Promise((ok) => setTimeout(ok, 2000).unref())]);
    }
    const res = await fetch(`${projector}/rebuild`, { method: 'POST', headers: { authorization: `Bearer ${token}` } }).catch((err: Error) => {
      throw new Error(`the box at ${box.gatewayUrl} is not answering (${err.message}); is it running?`);
    });
    const body = (await res.json().catch(() => ({}))) as { events?: number; watermark?: { seq: number }; error?: { message: string } };
    if (!res.ok) throw new Error(`the projector answered ${res.status}: ${body.error?.message ?? 'no details'}`);
    following?.stop();
    progress.setTotal(body.events ?? 0, false);
    progress.update(body.events ?? 0);
    progress.finish();
    console.log(`rebuilt the OLAP store from ${body.events} events (watermark ${body.watermark?.seq}) in ${Date.now() - started} ms`);
  } finally {
    following?.stop();
    progress.stop();
  }
}

/**
 * Reads the projector's Server-Sent Events (/live) and hands each watermark's sequence to `onSeq`,
 * except the first, which is the state before anything was asked. `ready` resolves on that first one
 * (or when the feed fails: progress is a nicety and never fails the rebuild).
 */
function followWatermark(url: string, token: string, onSeq: (seq: number) => void): { ready: Promise<void>; stop: () => void } {
  const abort = new AbortController();
  let markReady = () => {};
  const ready = new Promise<void>((ok) => (markReady = ok));
  let first = true;
  const onBlock = (block: string) => {
    const event = /^event: ?(.*)$/m.exec(block)?.[1];
    const data = /^data: ?(.*)$/m.exec(block)?.[1];
    if (event !== 'watermark' || data === undefined) return;
    if (first) {
      first = false;
      markReady();
      return;
    }
    const seq = (JSON.parse(data) as { seq?: unknown }).seq;
    if (typeof seq === 'number') onSeq(seq);
  };
  void (async () => {
    try {
      const res = await fetch(url, { headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' }, signal: abort.signal });
      if (!res.ok || !res.body) return;
      const reader = res.body.getReader();
      const decoder = new TextDecoder();
      let buffer = '';
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          onBlock(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
      }
    } catch {
      // aborted at the end, or the feed is unavailable: the final line still comes from /rebuild
    } finally {
      markReady();
    }
  })();
  return { ready, stop: () => abort.abort() };
}
