import { join, resolve } from 'node:path';
import { readConfig } from '../shared/config.js';

// The projector's settings (shared/config.ts), read once, when its routes are registered.
export interface OlapSettings {
  file: string;
  batchBodyLimit: number;
  duckdb: { memory_limit: string; threads: string; checkpoint_threshold: string };
  /** Live streams one user may hold open at once (a tab each). */
  streamsPerUser: number;
  /** The fewest people payroll_by_department shows a department's pay for (olap/payroll-groups.ts). */
  payrollMinGroup: number;
}

/**
 * How much WAL DuckDB gathers before a commit also checkpoints (its default: 16MB). The checkpoint runs
 * inside the commit of whichever batch crosses it and costs hundreds of ms of CPU, more as the file grows
 * (bench/lib/projector-micro.ts); 4x fewer of them is the WAL at most 64MB on disk, replayed at open.
 */
const checkpointThreshold = '64MB';

export function olapSettings(env: NodeJS.ProcessEnv = process.env): OlapSettings {
  const e = readConfig(
    ['OLAP_FILE', 'ERPBI_DATA', 'OLAP_BATCH_BODY_LIMIT_BYTES', 'OLAP_MEMORY_LIMIT', 'OLAP_THREADS', 'OLAP_LIVE_STREAMS_PER_USER', 'PAYROLL_MIN_GROUP_SIZE'],
    { env },
  );
  return {
    file: resolve(e.OLAP_FILE ?? join(e.ERPBI_DATA, 'olap', 'erpbi.duckdb')),
    batchBodyLimit: e.OLAP_BATCH_BODY_LIMIT_BYTES,
    duckdb: { memory_limit: e.OLAP_MEMORY_LIMIT, threads: String(e.OLAP_THREADS), checkpoint_threshold: checkpointThreshold },
    streamsPerUser: e.OLAP_LIVE_STREAMS_PER_USER,
    payrollMinGroup: e.PAYROLL_MIN_GROUP_SIZE,
  };
}
