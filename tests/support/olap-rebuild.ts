import type { RebuildState } from '../../functions/project-to-olap/rebuild-job.js';
import { waitFor } from './wait.js';

/**
 * Polls the projector's GET rebuild (through `status`, however the test reaches it) until the rebuild
 * is no longer running, and answers that state: POST rebuild answers 202 at once, the replay goes on.
 */
export async function rebuildEnded(status: () => Promise<{ status: number; body: unknown }>, timeoutMs = 30_000): Promise<RebuildState> {
  let last = 'nothing yet';
  return waitFor(
    async () => {
      const res = await status();
      last = `${res.status} ${JSON.stringify(res.body)}`;
      const state = res.body as RebuildState;
      return res.status === 200 && state.state !== 'running' ? state : undefined;
    },
    { timeoutMs, intervalMs: 50, what: () => `the OLAP rebuild to end (GET rebuild: ${last})` },
  );
}
