import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');

describe('npm start without nats-server', () => {
  it('stops at once with a message saying how to install it, starting nothing', () => {
    const data = mkdtempSync(join(tmpdir(), 'erpbi-nonats-'));
    try {
      const env: NodeJS.ProcessEnv = { ...process.env, PATH: '/nonexistent', ERPBI_DATA: data, ERPBI_PORT: '1' };
      delete env.NATS_URL;
      delete env.DATABASE_URL;
      const r = spawnSync(process.execPath, [join(root, 'runtime', 'box', 'start.mjs')], {
        cwd: root,
        env,
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(r.status).toBe(1);
      expect(r.stderr + r.stdout).toContain('apt-get install nats-server');
      expect(r.stdout).not.toContain('PostgreSQL');
    } finally {
      rmSync(data, { recursive: true, force: true });
    }
  });
});
