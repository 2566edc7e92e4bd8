import { z } from 'zod';

// Whether the box's processes answer: the supervisor, the gateway of `npm start` and the compose
// gateway all ask each process's /_/health the same way.

// What a bundle answers (shared/http/app.ts), and the connector and the gateway too.
const answer = z.object({ status: z.literal('ok'), function: z.string() });

/**
 * Whether `baseUrl`/_/health answers 2xx within `timeoutMs`; given `name`, only when it is that process
 * answering ({status: 'ok', function: name}): a port we probe may be held by another process by then
 * (the one started there died and the port was reused, another box's process).
 */
export function answersHealth(baseUrl: string, timeoutMs: number, name?: string): Promise<boolean> {
  return fetch(`${baseUrl}/_/health`, { signal: AbortSignal.timeout(timeoutMs) }).then(
    async (r) => r.ok && (name === undefined || answer.safeParse(await r.json().catch(() => undefined)).data?.function === name),
    () => false,
  );
}

/**
 * Probes every target ({name: base URL}, or a function giving the current ones when they can move) now
 * and then every `everyMs`, a healthy one only every `healthyEveryMs` (default `everyMs`): an idle box
 * spent ~4 ms of CPU per second in each function answering probes, most of its idle CPU, while a
 * process that dies leaves ports.json at once and one that moves is probed at the short pace again.
 * `waiting()` names those not answering. `byName`: the answer must come from
 * the target of that name; off only where something else answers /_/health for it (of-watchdog on the Pi).
 *
 * A target is healthy once it answered at its current URL, and stays so until it misses `missesAllowed`
 * probes in a row (3, as Kubernetes' failureThreshold): on a loaded box one slow answer is no outage, and
 * /healthz flapping on it made the chaos test wait for a box that was up. A target that moved (restarted
 * on another port) is waiting until it answers there.
 */
export async function watchHealth(
  given: Record<string, string> | (() => Record<string, string>),
  opts: { everyMs: number; healthyEveryMs?: number; timeoutMs: number; byName: boolean; missesAllowed?: number },
) {
  const targets = typeof given === 'function' ? given : () => given;
  const missesAllowed = opts.missesAllowed ?? 3;
  const healthyEveryMs = opts.healthyEveryMs ?? opts.everyMs;
  const seen = new Map<string, { url: string; healthy: boolean; misses: number; at: number }>();
  const probeSome = (due: (name: string, url: string) => boolean) =>
    Promise.all(
      Object.entries(targets())
        .filter(([name, url]) => due(name, url))
        .map(async ([name, url]) => {
          const at = Date.now();
          const answered = await answersHealth(url, opts.timeoutMs, opts.byName ? name : undefined);
          let s = seen.get(name);
          if (!s || s.url !== url) seen.set(name, (s = { url, healthy: false, misses: 0, at }));
          s.at = at;
          if (answered) Object.assign(s, { healthy: true, misses: 0 });
          else if (++s.misses >= missesAllowed) s.healthy = false;
        }),
    );
  const probe = () => probeSome(() => true);
  // A healthy target that was answering (no miss since) waits for its slower pace; the tick's own jitter aside.
  const due = (name: string, url: string) => {
    const s = seen.get(name);
    return !s || s.url !== url || !s.healthy || s.misses > 0 || Date.now() - s.at >= healthyEveryMs - opts.everyMs / 2;
  };
  await probe();
  const timer = setInterval(() => void probeSome(due), opts.everyMs);
  return {
    waiting: () =>
      Object.entries(targets())
        .filter(([n, url]) => !(seen.get(n)?.url === url && seen.get(n)?.healthy))
        .map(([n]) => n),
    /** One more round of probes now (the timer goes on). */
    probe,
    stop: () => clearInterval(timer),
  };
}
