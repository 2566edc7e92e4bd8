import pg from 'pg';
import { createPool } from '../../shared/db/pool.js';
import { rootLogger } from '../../shared/log.js';
import { surviveDependencyOutages } from '../../shared/dependency-outage.js';

// A process holding a Postgres connection whose client has no 'error' listener, as a library that
// forgot one would (tests/faults/outage-guard.test.ts). With GUARD=1 it has a function's last handlers
// (shared/http/serve.ts installs the same); without, Node's defaults. It answers 'query' over IPC.
if (process.env.GUARD === '1') surviveDependencyOutages(rootLogger);
const url = process.env.DATABASE_URL!;
const bare = new pg.Client({ connectionString: url });
await bare.connect();
const pool = createPool(url, 2);
process.on('message', (m) => {
  if (m !== 'query') return;
  pool.query<{ one: number }>('select 1 as one').then(
    (r) => process.send!({ one: r.rows[0]!.one }),
    (err: Error) => process.send!({ error: err.message }),
  );
});
process.send!('ready');
