import { z } from 'zod';

/**
 * On SIGTERM/SIGINT, runs the steps in order (each failure ignored: we are leaving anyway), then exits 0.
 * Also when the IPC channel to the process that started us closes: runtime/box/supervisor.ts is gone
 * (SIGKILLed, crashed) and will neither stop nor SIGKILL us, so we leave by ourselves, within a deadline,
 * instead of living on holding our port and connections. Without such a channel (a container) nothing changes.
 */
/** Runs each step in order; one that fails does not keep the next from running. */
export async function runSteps(steps: (() => unknown)[]): Promise<void> {
  for (const step of steps)
    await Promise.resolve()
      .then(step)
      .catch(() => {});
}

export function stopOnSignal(steps: (() => unknown)[]): void {
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await runSteps(steps);
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  if (process.channel) {
    process.once('disconnect', () => {
      setTimeout(() => process.exit(1), 10_000).unref(); // nobody will SIGKILL us if a step hangs
      void stop();
    });
  }
}

/**
 * Tells the process that started us (runtime/box/supervisor.ts, over its IPC channel) which port we listen
 * on: with PORT=0 the OS picked it. Nothing happens without such a parent (a container, a test).
 */
export function announceListening(address: ReturnType<import('node:net').Server['address']>): void {
  if (address && typeof address === 'object') process.send?.({ erpbi: 'listening', port: address.port });
}

const listening = z.object({ erpbi: z.literal('listening'), port: z.number().int().min(1).max(65535) });

/** The port of a child's announceListening message; undefined for any other message. */
export function listeningMessage(message: unknown): number | undefined {
  return listening.safeParse(message).data?.port;
}
