// Keeps a service the box started itself (embedded Postgres, the private nats-server) running: when it
// dies it is started again by the same command, on the same port and data dir, with growing delays,
// said in the terminal like a function's restart. Functions reconnect (pg Pool, NATS reconnect for ever).

export interface Service {
  url: string;
  pid: number | undefined;
  stop: () => Promise<void>;
  /** Called once, when the process ends by itself (not through stop()). */
  onExit: (cb: (why: string) => void) => void;
}

export interface KeptAlive {
  url: string;
  stop: () => Promise<void>;
}

/**
 * `leaving` is aborted the moment the box starts to stop: Ctrl-C reaches every process of the terminal
 * at once, so the service may exit before its turn to be stopped comes. That exit is no crash.
 */
export async function keepAlive(
  name: string,
  start: () => Promise<Service>,
  say: (line: string) => void,
  onPid: (pid: number | undefined) => void,
  leaving: AbortSignal,
): Promise<KeptAlive> {
  let current = await start();
  let stopping = false;
  let failures = 0;
  let timer: NodeJS.Timeout | undefined;
  let restarting: Promise<void> | undefined;
  const leave = () => {
    stopping = true;
    clearTimeout(timer);
  };
  if (leaving.aborted) leave();
  else leaving.addEventListener('abort', leave, { once: true });
  const watch = (svc: Service) => {
    const startedAt = Date.now();
    svc.onExit((why) => {
      if (stopping) return;
      if (Date.now() - startedAt > 30_000) failures = 0;
      schedule(why);
    });
  };
  const schedule = (why: string) => {
    const delay = Math.min(250 * 2 ** failures, 15_000);
    failures += 1;
    say(`! ${name} exited (${why}); restarting in ${delay} ms`);
    timer = setTimeout(() => {
      if (stopping) return;
      // stop() waits for a restart under way, so what it started is what stop() ends.
      restarting = start()
        .then(
          (svc) => {
            current = svc;
            onPid(svc.pid);
            if (stopping) return;
            say(`  ${name} restarted (pid ${svc.pid})`);
            watch(svc);
          },
          (err: unknown) => {
            if (!stopping) schedule(`restart failed: ${err instanceof Error ? err.message : String(err ?? 'no reason given')}`);
          },
        )
        .finally(() => (restarting = undefined));
    }, delay);
  };
  onPid(current.pid);
  watch(current);
  return {
    url: current.url,
    stop: async () => {
      leave();
      await restarting;
      await current.stop();
    },
  };
}
