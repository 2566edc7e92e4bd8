import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { dataDir, readBox } from './box.js';
import { loadOrCreateKeys, signToken } from './issuer.js';

export const rebuildOlapUsage = '  rebuild-olap                                             delete the DuckDB file and replay the event stream into it (the box keeps running)';

/**
 * Asks the running box's projector to rebuild: it is the only process that may open the DuckDB file,
 * so it closes and deletes the file itself and replays the stream from its first event.
 */
export async function rebuildOlap(): Promise<void> {
  const dir = dataDir();
  const box = readBox(dir);
  if (!box.issuer || !box.gatewayUrl || !existsSync(join(dir, 'issuer', 'keys.json'))) {
    throw new Error(`no erpbi box has started with data in ${dir}; run \`npm start\` first or set ERPBI_DATA`);
  }
  const token = await signToken(await loadOrCreateKeys(dir), { issuer: box.issuer, audience: 'erpbi', sub: 'cli-rebuild-olap', roles: ['admin'], ttlSeconds: 600 });
  const started = Date.now();
  const res = await fetch(`${box.gatewayUrl}/function/project-to-olap/rebuild`, { method: 'POST', headers: { authorization: `Bearer ${token}` } }).catch((err: Error) => {
    throw new Error(`the box at ${box.gatewayUrl} is not answering (${err.message}); is it running?`);
  });
  const body = (await res.json().catch(() => ({}))) as { events?: number; watermark?: { seq: number }; error?: { message: string } };
  if (!res.ok) throw new Error(`the projector answered ${res.status}: ${body.error?.message ?? 'no details'}`);
  console.log(`rebuilt the OLAP store from ${body.events} events (watermark ${body.watermark?.seq}) in ${Date.now() - started} ms`);
}
