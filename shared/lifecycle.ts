/** On SIGTERM/SIGINT, runs the steps in order (each failure ignored: we are leaving anyway), then exits 0. */
export function stopOnSignal(steps: (() => unknown)[]): void {
  const stop = async () => {
    for (const step of steps) await Promise.resolve().then(step).catch(() => {});
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

/**
 * Tells the process that started us (runtime/supervisor.ts, over its IPC channel) which port we listen
 * on: with PORT=0 the OS picked it. Nothing happens without such a parent (a container, a test).
 */
export function announceListening(address: ReturnType<import('node:net').Server['address']>): void {
  if (address && typeof address === 'object') process.send?.({ erpbi: 'listening', port: address.port });
}

/** The port of a child's announceListening message; undefined for any other message. */
export function listeningMessage(message: unknown): number | undefined {
  if (typeof message !== 'object' || message === null) return undefined;
  const m = message as { erpbi?: unknown; port?: unknown };
  return m.erpbi === 'listening' && typeof m.port === 'number' && Number.isInteger(m.port) && m.port > 0 ? m.port : undefined;
}
