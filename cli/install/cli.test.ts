import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

// `erpbi install faasd-compose` as install.sh runs it: faasd's working directory and the installer's
// settings folder (/etc/erpbi: erpbi.env, secrets/); faasd's file rewritten in place, once.

const run = promisify(execFile);
const work = mkdtempSync(join(tmpdir(), 'erpbi-install-faasd-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const faasdDir = join(work, 'faasd');
const etc = join(work, 'etc');
mkdirSync(faasdDir);
mkdirSync(join(etc, 'secrets'), { recursive: true });
const faasdOwn = 'version: "3.7"\nservices:\n  gateway:\n    image: ghcr.io/openfaas/gateway:0.27.12\n    ports: ["8080:8080"]\n';
writeFileSync(join(faasdDir, 'docker-compose.yaml'), faasdOwn);

async function erpbi(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['bin/erpbi.mjs', 'install', ...args], { env: { ...process.env, ERPBI_CHECK: '' } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}
const written = () => readFileSync(join(faasdDir, 'docker-compose.yaml'), 'utf8');

describe('erpbi install faasd-compose --faasd DIR --etc DIR', () => {
  it("writes faasd's file with the settings of erpbi.env and the secrets of etc/secrets, then finds nothing to do", async () => {
    writeFileSync(join(etc, 'erpbi.env'), 'ERPBI_DOMAIN=erp.example.com\nREGISTRY=192.168.1.10:5000/erpbi\n');
    const first = await erpbi('faasd-compose', '--faasd', faasdDir, '--etc', etc);
    expect(first, first.stderr).toMatchObject({ code: 3 });
    expect(first.stdout).toMatch(/^done faasd compose file .* \(domain erp\.example\.com, images from 192\.168\.1\.10:5000\/erpbi\)\n$/);
    const s = parse(written()).services;
    expect(s.gateway.ports).toEqual(['127.0.0.1:8080:8080']);
    expect(s.keycloak.environment).toContain('KC_HOSTNAME=https://auth.erp.example.com');
    expect(s.migrate.image).toBe('192.168.1.10:5000/erpbi/erpbi:0.1.0');
    expect(s.migrate.volumes[0].source).toBe(join(etc, 'secrets', 'database-url-migrate'));

    const again = await erpbi('faasd-compose', '--faasd', faasdDir, '--etc', etc);
    expect(again).toMatchObject({ code: 0, stdout: expect.stringMatching(/^ok faasd compose file/) });
  });

  it('--check reports a new domain without writing it', async () => {
    const before = written();
    writeFileSync(join(etc, 'erpbi.env'), 'ERPBI_DOMAIN=books.example.org\nREGISTRY=192.168.1.10:5000/erpbi\n');
    const checked = await erpbi('faasd-compose', '--faasd', faasdDir, '--etc', etc, '--check');
    expect(checked).toMatchObject({ code: 3, stdout: expect.stringMatching(/^would faasd compose file .*books\.example\.org/) });
    expect(written()).toBe(before);
  });

  it('refuses without a domain, or with a bad one, naming it', async () => {
    writeFileSync(join(etc, 'erpbi.env'), 'REGISTRY=192.168.1.10:5000/erpbi\n');
    const none = await erpbi('faasd-compose', '--faasd', faasdDir, '--etc', etc);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/--domain is required, or --etc DIR with ERPBI_DOMAIN/);
    const bad = await erpbi('faasd-compose', '--faasd', faasdDir, '--etc', etc, '--domain', 'Books.Example.org');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--domain must be a lower-case DNS name/);
  });
});

// chown to the services' uids needs root, as install.sh has
describe.runIf(process.getuid?.() === 0)('erpbi install faasd-dirs --faasd DIR', () => {
  const root = join(work, 'faasd-dirs');
  const owner = (p: string) => {
    const st = statSync(join(root, 'erpbi', p));
    return `${st.uid}:${st.gid} ${(st.mode & 0o777).toString(8)}`;
  };

  it('makes each data directory 0700 for its service, then finds nothing to do; --check reports a wrong mode', async () => {
    mkdirSync(join(root, 'erpbi', 'pgdata'), { recursive: true, mode: 0o755 }); // as faasd would have made it: root's
    const first = await erpbi('faasd-dirs', '--faasd', root);
    expect(first, first.stderr).toMatchObject({ code: 3 });
    expect(
      first.stdout
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split(' ')[0]),
    ).toEqual(['done', 'done', 'done', 'done', 'done', 'done']);
    expect(owner('pgdata')).toBe('999:999 700');
    expect(owner('nats_stream')).toBe('10001:10001 700');
    expect(owner('seaweedfs_data')).toBe('10002:10002 700');
    expect(owner('grafana_data')).toBe('472:0 700');
    expect(owner('olap')).toBe('1000:1000 700');

    const again = await erpbi('faasd-dirs', '--faasd', root);
    expect(again.code).toBe(0);
    expect(again.stdout).not.toMatch(/^(done|would)/m);

    chmodSync(join(root, 'erpbi', 'olap'), 0o755);
    const checked = await erpbi('faasd-dirs', '--faasd', root, '--check');
    expect(checked).toMatchObject({ code: 3, stdout: expect.stringMatching(/^would project-to-olap's data directory .*olap \(1000:1000, 0700\)$/m) });
    expect(owner('olap')).toBe('1000:1000 755');
  });
});
