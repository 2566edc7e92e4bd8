import { parseArgs } from 'node:util';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { isRole, roles } from '../shared/auth/roles.js';
import { dataDir, readBox } from '../runtime/box/box.js';
import { loadOrCreateKeys, signToken } from '../runtime/dev-issuer/issuer.js';

// `erpbi token`: a token of the dev issuer of a box of `npm start` (its keys in ERPBI_DATA), for curl and scripts.

export const tokenUsage = `  token --role <${roles.join('|')}> [--sub NAME] [--ttl SECONDS]   print a dev-issuer token for the box in ERPBI_DATA (default ./data); TTL at most 86400`;

// A dev token is a bearer credential nobody can revoke (the functions only check its signature and
// expiry): it may live a working day at most, and a longer need is met by minting another.
const maxTtlSeconds = 24 * 3600;

export async function token(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { role: { type: 'string' }, sub: { type: 'string' }, ttl: { type: 'string', default: '28800' } } });
  if (!isRole(values.role)) throw new Error(`--role must be one of ${roles.join(', ')}\n${tokenUsage}`);
  const dir = dataDir();
  const box = readBox(dir);
  if (!box.issuer || !existsSync(join(dir, 'issuer', 'keys.json'))) {
    throw new Error(`no erpbi box has started with data in ${dir}; run \`npm start\` first or set ERPBI_DATA`);
  }
  const keys = await loadOrCreateKeys(dir);
  const ttl = Number(values.ttl);
  if (!Number.isInteger(ttl) || ttl <= 0) throw new Error('--ttl must be a positive number of seconds');
  if (ttl > maxTtlSeconds) throw new Error(`--ttl must be at most ${maxTtlSeconds} seconds (24 h); mint a new token when it runs out`);
  // On stderr, so `$(npx erpbi token ...)` still captures the token alone.
  if (values.role === 'service') {
    console.error(
      'erpbi token: warning: a service token lets its holder post events to every reaction as the connector does (and rebuild the BI store); keep it out of shells and files others can read',
    );
  }
  console.log(await signToken(keys, { issuer: box.issuer, audience: 'erpbi', sub: values.sub ?? `dev-${values.role}`, roles: [values.role], ttlSeconds: ttl }));
}
