// Whether the box's processes answer: the supervisor, the gateway of `npm start` and the compose
// gateway all ask each process's /_/health the same way.

/** Whether `baseUrl`/_/health answers 2xx within `timeoutMs`. */
export function answersHealth(baseUrl: string, timeoutMs: number): Promise<boolean> {
  return fetch(`${baseUrl}/_/health`, { signal: AbortSignal.timeout(timeoutMs) }).then((r) => r.ok, () => false);
}

/**
 * Probes every target ({name: base URL}, or a function giving the current ones when they can move) now
 * and then every `everyMs`; `waiting()` names those not answering.
 */
export async function watchHealth(given: Record<string, string> | (() => Record<string, string>), opts: { everyMs: number; timeoutMs: number }) {
  const targets = typeof given === 'function' ? given : () => given;
  const healthy = new Set<string>();
  const probe = () =>
    Promise.all(
      Object.entries(targets()).map(async ([name, url]) => {
        if (await answersHealth(url, opts.timeoutMs)) healthy.add(name);
        else healthy.delete(name);
      }),
    );
  await probe();
  const timer = setInterval(() => void probe(), opts.everyMs);
  return { waiting: () => Object.keys(targets()).filter((n) => !healthy.has(n)), stop: () => clearInterval(timer) };
}
