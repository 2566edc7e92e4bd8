import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../runtime/box/box.js';
import { root } from './support.js';
import { natsUrl } from '../support/nats.js';
import { adminUrl } from '../support/postgres.js';

// What the function image does, without a container engine: the template's steps on the real build
// output, then the bundle started the way of-watchdog starts it (`node index.js`, PORT 3000 style) from
// a directory with no node_modules anywhere above it, as in the image.

const tmp = mkdtempSync(join(tmpdir(), 'erpbi-image-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  rmSync(tmp, { recursive: true, force: true });
});

const built = existsSync(join(root, 'build/functions/query/index.js'));
if (!built && process.env.CI) throw new Error('build/functions is missing under CI: npm test builds it first');
if (!built) console.warn('tests/deploy/image: no build/functions (run npm run build): bundle checks SKIPPED');

/** The image's /home/app for `name`: pick-bundle.sh run on a faas-cli-like context. */
function imageDir(name: string): string {
  const context = join(tmp, name, 'function');
  mkdirSync(join(context, 'build', 'functions'), { recursive: true });
  cpSync(join(root, 'functions', name), context, { recursive: true });
  cpSync(join(root, 'build', 'functions', name), join(context, 'build', 'functions', name), { recursive: true });
  const app = join(tmp, name, 'home-app');
  execFileSync('sh', [join(root, 'template/erpbi-node/pick-bundle.sh'), context, app], { stdio: 'pipe' });
  return app;
}

describe('function image contents', () => {
  it.skipIf(!built)('a picked bundle starts alone (no node_modules), answers /_/health and serves prom-client metrics', async () => {
    const app = imageDir('query');
    expect(existsSync(join(app, 'node_modules'))).toBe(false);
    // the build's metafile stays out of the image (pick-bundle.sh)
    expect(existsSync(join(root, 'build/functions/query/index.meta.json'))).toBe(true);
    expect(existsSync(join(app, 'index.meta.json'))).toBe(false);
    const port = await freePort();
    const child = spawn(process.execPath, ['index.js'], {
      cwd: app,
      env: {
        PATH: process.env.PATH,
        PORT: String(port),
        NODE_ENV: 'production',
        NODE_OPTIONS: '--max-old-space-size=96 --max-semi-space-size=4', // as the template sets it
        SECRETS_DIR: join(tmp, 'no-secrets'),
        DATABASE_URL: adminUrl,
        NATS_URL: natsUrl,
        AUTH_ISSUER: 'https://auth.erpbi.lan/realms/erpbi',
        AUTH_JWKS_URL: 'http://127.0.0.1:9/certs',
        AUTH_AUDIENCE: 'erpbi',
        AUTH_ROLES_CLAIM: 'realm_access.roles',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let output = '';
    child.stdout!.on('data', (d: Buffer) => (output += d));
    child.stderr!.on('data', (d: Buffer) => (output += d));
    let health: Response | undefined;
    for (let i = 0; i < 100 && !health; i++) {
      if (child.exitCode !== null) break;
      health = await fetch(`http://127.0.0.1:${port}/_/health`).catch(() => undefined);
      if (!health) await new Promise((r) => setTimeout(r, 100));
    }
    expect(health?.status, output).toBe(200);
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).toContain('erpbi_http_request_duration_seconds');
    expect(metrics).toContain('process_resident_memory_bytes');
    // no token: 401 from the function itself, as the gateway would pass it through
    expect((await fetch(`http://127.0.0.1:${port}/stock`)).status).toBe(401);
    child.kill('SIGTERM');
  });
});
