import type { z } from 'zod';
import type { Auth } from './auth.js';
import { answerSchema, type Answer, type QueryName } from '../../olap/catalogue.js';
import { liveTicket as liveTicketAnswer } from '../../shared/query/answers/bi.js';

// Every call the workspace makes: the bearer token, JSON both ways, and the API's error shape
// ({error: {code, message, details}}) turned into an ApiError a form can place beside its field. A read's
// answer is parsed with its schema (shared/query/answers/, the ones the server checks its answers with):
// an answer that does not match is an error on screen, never a record of the wrong shape.

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

let auth: Auth | undefined;
let onSignedOut: () => void = () => undefined;

/** Ties the calls to the signed-in person; called while the app renders, before any screen loads. */
export function bindSession(a: Auth, signedOut: () => void) {
  auth = a;
  onSignedOut = signedOut;
}

/** The answer of a call: JSON (unknown until a schema parses it), or the bytes of a binary one. */
async function call(method: 'GET' | 'POST', path: string, body: unknown, headers: Record<string, string>, binary: true): Promise<Blob>;
async function call(method: 'GET' | 'POST', path: string, body?: unknown, headers?: Record<string, string>): Promise<unknown>;
async function call(method: 'GET' | 'POST', path: string, body?: unknown, headers: Record<string, string> = {}, binary = false): Promise<unknown> {
  const token = auth?.token();
  if (!token) {
    onSignedOut();
    throw new ApiError(401, 'unauthenticated', 'your session ended; sign in again');
  }
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'offline', 'the box cannot be reached; check the connection and try again');
  }
  if (res.ok && binary) return res.blob();
  const answer: unknown = await res.json().catch(() => ({}));
  if (res.status === 401) {
    auth?.signOut();
    onSignedOut();
  }
  if (!res.ok) {
    const e = (answer as { error?: { code?: string; message?: string; details?: unknown } }).error ?? {};
    throw new ApiError(res.status, e.code ?? 'internal', e.message ?? `the box answered ${res.status}`, e.details);
  }
  return answer;
}

/** An answer parsed with its schema; a mismatch (a server and a workspace of different versions, or a
 *  bug) is an ApiError naming the first field that differs, shown where the record would have been. */
export function parseAnswer<S extends z.ZodType>(schema: S, answer: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(answer);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
  throw new ApiError(
    0,
    'unexpected_answer',
    `the box answered ${what} in a shape this page does not know${where}: ${issue?.message ?? 'no details'}; reload the page`,
    parsed.error.issues,
  );
}

type ReadParams = Record<string, string | number | undefined | null>;

/** The query function's address for a read; empty parameters are left out. */
function queryUrl(path: string, params: ReadParams): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const qs = q.toString();
  return `/function/query/${path}${qs ? `?${qs}` : ''}`;
}

/** A read of the query function, parsed with its answer's schema, e.g. read(orderPage, 'orders', {status: 'paid'}).
 *  Empty parameters are left out. */
export async function read<S extends z.ZodType>(schema: S, path: string, params: ReadParams = {}): Promise<z.output<S>> {
  return parseAnswer(schema, await call('GET', queryUrl(path, params)), `GET ${path}`);
}

/** A list read as CSV (every row, all pages: docs/api.md "CSV export"), as a Blob to save. */
export function readCsv(path: string, params: ReadParams = {}): Promise<Blob> {
  return call('GET', queryUrl(path, params), undefined, { accept: 'text/csv' }, true);
}

/** A document of the query function as a Blob (an invoice's PDF): a link cannot carry the bearer token. */
export function download(path: string): Promise<Blob> {
  return call('GET', `/function/query/${path}`, undefined, {}, true);
}

/** A named query's answer: its name, the watermark and its rows, typed by the columns its catalogue entry
 *  names; of any query (the default), a union told apart by `name`. */
export type BiAnswer<N extends QueryName = QueryName> = Answer<N>;

/** A named query of the projector (the BI side and the order timeline), parsed with the catalogue's own
 *  schema for it (olap/catalogue.ts answerSchema): the one the server's answer check holds the projector to. */
export async function bi<N extends QueryName>(name: N, params: Record<string, string | number> = {}): Promise<BiAnswer<N>> {
  const qs = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)])).toString();
  return parseAnswer(answerSchema(name), await call('GET', `/function/project-to-olap/query/${name}${qs ? `?${qs}` : ''}`), `the ${name} figures`);
}

/** A ticket to open the projector's live stream with: EventSource cannot send the token, and a token in a URL would be logged. */
export async function liveTicket(): Promise<z.output<typeof liveTicketAnswer>> {
  return parseAnswer(liveTicketAnswer, await call('POST', '/function/project-to-olap/live/ticket'), 'a live ticket');
}

/** A command; the key makes a retried or double-clicked submit one effect. Its answer parsed with
 *  `answer`, the command's declared schema (CommandRoute.answer), where the caller reads it. */
export async function run<S extends z.ZodType>(fn: string, body: unknown, idempotencyKey: string, answer: S): Promise<z.output<S>>;
/** A command with no declared answer schema yet (docs/api.md says its fields): `T` is the caller's reading. */
export async function run<T = unknown>(fn: string, body: unknown, idempotencyKey: string): Promise<T>;
export async function run(fn: string, body: unknown, idempotencyKey: string, answer?: z.ZodType): Promise<unknown> {
  const sent = await call('POST', `/function/${fn}`, body, { 'idempotency-key': idempotencyKey });
  return answer ? parseAnswer(answer, sent, `POST ${fn}`) : sent;
}

/** The projector's watermark (olap/store.ts); `streamSeq` is absent from a projector older than the feed's. */
export type Watermark = BiAnswer['watermark'];

/** A page of a list read (shared/query/answers/common.ts). */
export type { Page } from '../../shared/query/answers/common.js';

/** One line of an import's progress stream (docs/api.md "Moving in"). */
export interface ImportProgress {
  phase: 'check' | 'write';
  done: number;
  total: number;
}

/**
 * A CSV file to an import route (`upsert-product/import?kind=...`, `upsert-customer/import`), answered
 * as NDJSON progress lines (`onProgress` for each) and the result. A refused file is a plain JSON error,
 * thrown as an ApiError whose details hold the rows.
 */
export async function importFile<T>(path: string, file: Blob, onProgress: (p: ImportProgress) => void): Promise<T> {
  const token = auth?.token();
  if (!token) {
    onSignedOut();
    throw new ApiError(401, 'unauthenticated', 'your session ended; sign in again');
  }
  let res: Response;
  try {
    res = await fetch(`/function/${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv', accept: 'application/x-ndjson' },
      body: file,
    });
  } catch {
    throw new ApiError(0, 'offline', 'the box cannot be reached; check the connection and try again');
  }
  if (!res.ok || !res.body || !(res.headers.get('content-type') ?? '').startsWith('application/x-ndjson')) {
    const answer = (await res.json().catch(() => ({}))) as { error?: { code?: string; message?: string; details?: unknown } };
    if (res.status === 401) {
      auth?.signOut();
      onSignedOut();
    }
    const e = answer.error ?? {};
    throw new ApiError(res.status, e.code ?? 'internal', e.message ?? `the box answered ${res.status}`, e.details);
  }
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let outcome: { result?: T; error?: { code?: string; message?: string } } = {};
  const take = (line: string) => {
    if (!line.trim()) return;
    const msg = JSON.parse(line) as Partial<ImportProgress> & { result?: T; error?: { code?: string; message?: string } };
    if (msg.phase && typeof msg.done === 'number' && typeof msg.total === 'number') onProgress({ phase: msg.phase, done: msg.done, total: msg.total });
    if (msg.result !== undefined || msg.error !== undefined) outcome = msg;
  };
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buffer += value;
    for (let end = buffer.indexOf('\n'); end >= 0; end = buffer.indexOf('\n')) {
      take(buffer.slice(0, end));
      buffer = buffer.slice(end + 1);
    }
  }
  take(buffer);
  if (outcome.result !== undefined) return outcome.result;
  throw new ApiError(500, outcome.error?.code ?? 'internal', outcome.error?.message ?? 'the import ended without a result; nothing was imported');
}
