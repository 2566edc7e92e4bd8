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
 * and then every `everyMs`; `waiting()` names those not answering. `byName`: the answer must come from
 * the target of that name; off only where something else answers /_/health for it (of-watchdog on the Pi).
 */
export async function watchHealth(given: Record<string, string> | (() => Record<string, string>), opts: { everyMs: number; timeoutMs: number; byName: boolean }) {
  const targets = typeof given === 'function' ? given : () => given;
  const healthy = new Set<string>();
  const probe = () =>
    Promise.all(
      Object.entries(targets()).map(async ([name, url]) => {
        if (await answersHealth(url, opts.timeoutMs, opts.byName ? name : undefined)) healthy.add(name);
        else healthy.delete(name);
      }),
    );
  await probe();
  const timer = setInterval(() => void probe(), opts.everyMs);
  return { waiting: () => Object.keys(targets()).filter((n) => !healthy.has(n)), stop: () => clearInterval(timer) };
}
