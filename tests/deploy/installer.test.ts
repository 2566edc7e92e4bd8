import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { composeSecretFiles, secretRule } from '../../cli/install/secrets.js';
import { composeFiles, readYaml, root } from './support.js';
import { outsideKeyUses, storageKeySecrets } from '../../shared/documents/storage-keys.js';

// install.sh, read: it parses and lints, it makes the secrets the compose files use, and the runbook
// shows only options it has and files the repository holds. tests/containers/install.test.ts runs it.

const script = join(root, 'install.sh');
const runbook = readFileSync(join(root, 'docs/deploy-pi.md'), 'utf8');
const usage = spawnSync('bash', [script, '--help'], { encoding: 'utf8' }).stdout;

describe('install.sh', () => {
  it('parses (bash -n) and prints its usage', () => {
    expect(spawnSync('bash', ['-n', script], { encoding: 'utf8' }).status).toBe(0);
    expect(usage).toMatch(/^usage: sudo \.\/install\.sh/);
  });

  it.skipIf(spawnSync('shellcheck', ['--version']).status !== 0)('is shellcheck-clean (every severity)', () => {
    const r = spawnSync('shellcheck', [script], { encoding: 'utf8' });
    expect(r.stdout, r.stdout).toBe('');
    expect(r.status).toBe(0);
  });

  it('refuses an unknown option, naming it', () => {
    const r = spawnSync('bash', [script, '--frobnicate'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('unknown option --frobnicate');
  });

  it('makes exactly the secret files the compose files mount (and the key pairs made for outside readers): each declared one is used, each has a rule', () => {
    const base = readFileSync(join(root, 'compose/docker-compose.base.yml'), 'utf8');
    const declared = readYaml('compose/docker-compose.base.yml').secrets as Record<string, { file: string }>;
    const used = new Set(
      composeFiles.flatMap((f) =>
        Object.values<{ secrets?: (string | { source: string })[] }>(readYaml(f).services ?? {}).flatMap((s) =>
          (s.secrets ?? []).map((x) => (typeof x === 'string' ? x : x.source)),
        ),
      ),
    );
    // the OLAP export's reader pair is for an engine outside the stack (ClickHouse, Trino): declared, mounted by none
    for (const use of outsideKeyUses) for (const name of Object.values(storageKeySecrets(use))) used.add(name);
    expect([...used].sort()).toEqual(Object.keys(declared).sort());
    const files = composeSecretFiles(base);
    expect(files.sort()).toEqual([...new Set(Object.values(declared).map((s) => s.file.split('/').pop()!))].sort());
    expect(files.filter((f) => !secretRule(f))).toEqual([]);
  });
});

describe("the runbook's commands", () => {
  /** `install.sh ...` as the runbook shows it, in code spans and blocks. */
  const commands = [...runbook.matchAll(/install\.sh((?: +(?:--?[\w-]+|[^\s`|;&]+))*)/g)].map((m) => m[1]!.trim());

  it('shows install.sh, and every option it gives it is in the script’s usage', () => {
    expect(commands.length).toBeGreaterThan(3);
    const options = new Set(commands.flatMap((c) => c.split(/\s+/).filter((w) => w.startsWith('--'))));
    expect(options.size).toBeGreaterThan(3);
    for (const o of options) expect(usage, `docs/deploy-pi.md shows install.sh ${o}`).toMatch(new RegExp(`\\n\\s+${o}\\b`));
  });

  it('names only repository paths that exist', () => {
    // `compose/...`, `runtime/...`, ... in code spans: the repository's own top-level folders and files
    const top = ['compose', 'runtime', 'gateway', 'cli', 'shared', 'tests', 'docs', 'functions', 'template', 'prometheus', 'grafana', 'web', 'bin', 'triggers']; // (not olap/: the backup's files are named so too);
    const paths = [...runbook.matchAll(/`((?:[\w.-]+\/)*[\w.-]+)`/g)].map((m) => m[1]!).filter((p) => top.includes(p.split('/')[0]!) && p.includes('/'));
    expect(paths.length).toBeGreaterThan(5);
    for (const p of new Set(paths)) expect(existsSync(join(root, p.replace(/\/$/, ''))), `docs/deploy-pi.md names ${p}`).toBe(true);
    for (const f of ['install.sh', 'stack.yml']) expect(runbook).toContain(f);
  });

  it('names the settings install.sh writes by the names the installer and the backup job read', () => {
    for (const setting of ['ERPBI_DOMAIN', 'ERPBI_RUNTIME', 'REGISTRY', 'ERPBI_BACKUP_TARGET', 'RESTIC_PASSWORD_FILE', 'ERPBI_BACKUP_RECIPIENTS']) {
      expect(readFileSync(script, 'utf8'), setting).toContain(setting);
      expect(runbook, setting).toContain(setting);
    }
  });
});
