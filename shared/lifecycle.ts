/** On SIGTERM/SIGINT, runs the steps in order (each failure ignored: we are leaving anyway), then exits 0. */
export function stopOnSignal(steps: (() => unknown)[]): void {
  const stop = async () => {
    for (const step of steps) await Promise.resolve().then(step).catch(() => {});
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
