import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { readConfig } from '../shared/config.js';
import { createPool } from '../shared/db/pool.js';
import { migrate } from '../shared/db/migrate.js';
import { isDependencyOutage } from '../shared/dependency-outage.js';

// `erpbi migrate [--wait SECONDS]`. On faasd nothing restarts a job that exits and depends_on only
// orders the starts (docs/faasd.md): migrate starts right after Postgres, whose first start runs initdb
// and the init scripts with no TCP port open. --wait retries for that long while Postgres is out of
// reach (refused, starting up, cut off: the same test the services use for an outage); any other error
// (a wrong password, a failing migration) ends it at once, since waiting would not mend it.

export const migrateUsage = `  migrate [--wait SECONDS]                                 apply database migrations to DATABASE_URL; --wait: retry while Postgres
                                                           is not answering yet, up to SECONDS (at most 3600; default 0: fail at once)`;

const maxWaitSeconds = 3600;
const retryEveryMs = 1000;

export async function migrateCommand(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { wait: { type: 'string', default: '0' } } });
  const waitSeconds = Number(values.wait);
  if (!Number.isInteger(waitSeconds) || waitSeconds < 0 || waitSeconds > maxWaitSeconds) {
    throw new Error(`--wait must be a whole number of seconds from 0 to ${maxWaitSeconds}, not ${JSON.stringify(values.wait)}`);
  }
  const url = readConfig(['DATABASE_URL'], { required: ['DATABASE_URL'] }).DATABASE_URL;
  const deadline = Date.now() + waitSeconds * 1000;
  for (;;) {
    const db = createPool(url, 1);
    try {
      const applied = await migrate(db);
      console.log(applied.length ? `applied: ${applied.join(', ')}` : 'up to date');
      return;
    } catch (err) {
      if (!isDependencyOutage(err) || Date.now() >= deadline) throw err;
      const left = Math.ceil((deadline - Date.now()) / 1000);
      console.error(
        `erpbi migrate: Postgres is not answering yet (${(err as Error).message || (err as NodeJS.ErrnoException).code}); retrying for up to ${left} s more`,
      );
    } finally {
      await db.end();
    }
    await sleep(Math.min(retryEveryMs, Math.max(0, deadline - Date.now())));
  }
}
