import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { importKinds, type ImportKind } from '../shared/import/columns.js';
import { dataDir, readBox } from '../runtime/box/box.js';
import { loadOrCreateKeys, signToken } from '../runtime/dev-issuer/issuer.js';
import { noProgress, startProgress, type Progress } from './progress.js';

export const importUsage = `  import <${importKinds.join('|')}> <file> [--dry-run]       import a CSV file into the running box (docs/api.md "Moving in"); exit 1 on a refused file`;

const isKind = (k: string | undefined): k is ImportKind => (importKinds as readonly string[]).includes(k ?? '');

interface RowError {
  line: number;
  field: string | null;
  message: string;
}
interface ErrorBody {
  code?: string;
  message?: string;
  details?: { rows?: RowError[]; total?: number };
}

/** `line N, field: message` per problem, and how many more there were than listed. */
export function errorLines(error: ErrorBody): string[] {
  const rows = error.details?.rows ?? [];
  const lines = rows.map((r) => `line ${r.line}${r.field ? `, ${r.field}` : ''}: ${r.message}`);
  const more = (error.details?.total ?? rows.length) - rows.length;
  return [`${error.message ?? error.code ?? 'refused'}`, ...lines, ...(more > 0 ? [`... and ${more} more`] : [])];
}

/**
 * Posts the file to the box's import route as an admin (a short-lived dev token, as rebuild-olap) and
 * reads the NDJSON progress lines into a bar on stderr; the result's counts go to stdout. A refused
 * file is a plain 422 (the checks finish before the stream starts): every problem is printed.
 */
export async function importCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { 'dry-run': { type: 'boolean', default: false } } });
  const [kind, file] = positionals;
  if (!isKind(kind) || !file) throw new Error(`usage: erpbi${importUsage}`);
  if (!existsSync(file)) throw new Error(`no file ${file}`);
  const dir = dataDir();
  const box = readBox(dir);
  if (!box.issuer || !box.gatewayUrl || !existsSync(join(dir, 'issuer', 'keys.json'))) {
    throw new Error(`no erpbi box has started with data in ${dir}; run \`npm start\` first or set ERPBI_DATA`);
  }
  const token = await signToken(await loadOrCreateKeys(dir), { issuer: box.issuer, audience: 'erpbi', sub: 'cli-import', roles: ['admin'], ttlSeconds: 3600 });
  const dryRun = values['dry-run'] ? 'dryRun=true' : '';
  const url =
    kind === 'customers'
      ? `${box.gatewayUrl}/function/upsert-customer/import${dryRun ? `?${dryRun}` : ''}`
      : `${box.gatewayUrl}/function/upsert-product/import?kind=${kind}${dryRun ? `&${dryRun}` : ''}`;
  const res = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv', accept: 'application/x-ndjson' },
    body: readFileSync(file),
  }).catch((err: Error) => {
    throw new Error(`the box at ${box.gatewayUrl} is not answering (${err.message}); is it running?`);
  });
  if (!res.ok || !res.body || !res.headers.get('content-type')?.startsWith('application/x-ndjson')) {
    const body = (await res.json().catch(() => ({}))) as { error?: ErrorBody };
    for (const line of errorLines(body.error ?? { message: `the box answered ${res.status}` })) console.error(line);
    throw new Error(`${file} was not imported (${res.status})`);
  }

  let progress: Progress = noProgress;
  let result: Record<string, unknown> | undefined;
  let failure: ErrorBody | undefined;
  const onLine = (text: string) => {
    if (!text.trim()) return;
    const msg = JSON.parse(text) as { phase?: string; done?: number; total?: number; result?: Record<string, unknown>; error?: ErrorBody };
    if (msg.phase === 'write' && progress === noProgress) progress = startProgress(`import ${kind}`, { unit: 'rows', total: msg.total ?? 0 });
    if (msg.phase === 'write') progress.update(msg.done ?? 0);
    if (msg.result) result = msg.result;
    if (msg.error) failure = msg.error;
  };
  try {
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      for (let end = buffer.indexOf('\n'); end >= 0; end = buffer.indexOf('\n')) {
        onLine(buffer.slice(0, end));
        buffer = buffer.slice(end + 1);
      }
    }
    onLine(buffer);
    if (result) progress.finish();
  } finally {
    progress.stop();
  }
  if (failure) {
    for (const line of errorLines(failure)) console.error(line);
    throw new Error(`${file} was not imported`);
  }
  if (!result) throw new Error('the box ended the answer without a result; nothing was imported');
  const r = result;
  console.log(
    `${r.dryRun ? 'dry run: would import' : 'imported'} ${String(r.rows)} ${kind} rows: ${String(r.created)} created, ${String(r.updated)} updated, ${String(r.unchanged)} unchanged${kind === 'products' ? `, opening stock for ${String(r.openingStock)}` : ''}`,
  );
}
