import pg from 'pg';
import { ClosedConnectionError, ConnectionError, DrainingConnectionError, TimeoutError as NatsTimeout } from '@nats-io/transport-node';
import { DatabaseUnavailable } from './db/pool.js';
import type { Logger } from './log.js';

// A function must outlive Postgres, nats-server or object storage going away and coming back: in a
// container nothing restarts it (npm start's supervisor did, and hid it). Each client we hold handles
// its own errors (shared/db/pool.ts, shared/events/bus.ts, shared/documents/storage.ts), but one that
// escapes as an unhandled 'error' event or rejection ended the process with code 1 (render-document,
// issue 21, right after Postgres was SIGKILLed). Such an error says a dependency is away, which the
// next request's retry handles; it is logged and the process goes on. Anything else still ends it:
// an unknown fault may have left the process in a state nobody can vouch for.

/** Node's and the network's ways of saying a connection is gone or refused. */
const connectionCodes = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTCONN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ERR_STREAM_PREMATURE_CLOSE',
  'ERR_SOCKET_CLOSED',
]);

// pg gives its connection losses no code (shared/db/pool.ts says the same): these are its own texts,
// from pg/lib/client.js, and the only way to tell them.
const pgConnectionLost = new Set([
  'Connection terminated unexpectedly',
  'Connection terminated',
  'Client has encountered a connection error and is not queryable',
]);

function one(err: unknown): boolean {
  if (err instanceof DatabaseUnavailable) return true;
  // SQLSTATE class 08 (connection exception) and 57P (the server shutting down, crashed or starting up).
  if (err instanceof pg.DatabaseError) return !!err.code && (err.code.startsWith('08') || err.code.startsWith('57P'));
  if (err instanceof ConnectionError || err instanceof ClosedConnectionError || err instanceof DrainingConnectionError || err instanceof NatsTimeout)
    return true;
  if (!(err instanceof Error)) return false;
  const code = (err as NodeJS.ErrnoException).code;
  if (typeof code === 'string' && connectionCodes.has(code)) return true;
  // A deadline we set on a call to storage (AbortSignal.timeout), or the SDK's own.
  if (err.name === 'TimeoutError' || err.name === 'AbortError') return true;
  return pgConnectionLost.has(err.message);
}

/** An error that only says Postgres, NATS or object storage is (for now) out of reach; its causes count. */
export function isDependencyOutage(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e !== undefined && e !== null && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (one(e)) return true;
  }
  return false;
}

const describe = (err: unknown) =>
  err instanceof Error ? { name: err.name, message: err.message, code: (err as NodeJS.ErrnoException).code, stack: err.stack } : { value: String(err) };

/**
 * Installs the process's last handlers: an escaped outage error is logged (with its stack, to find the
 * client that let it escape) and survived; any other uncaught error is logged and ends the process
 * with code 1, as Node would.
 */
export function surviveDependencyOutages(log: Logger): void {
  const handle = (kind: string) => (err: unknown) => {
    if (isDependencyOutage(err)) {
      log.error({ kind, err: describe(err) }, 'a dependency went away and its error escaped its client; carrying on');
      return;
    }
    log.fatal({ kind, err: describe(err) }, 'unexpected error; exiting');
    // Let the log line reach its file before leaving.
    setImmediate(() => process.exit(1));
  };
  process.on('uncaughtException', handle('uncaughtException'));
  process.on('unhandledRejection', handle('unhandledRejection'));
}
