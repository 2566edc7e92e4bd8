import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { composeSecretFiles, ensureSecrets, secretRule } from './secrets.js';
import { webConfigFor } from './web-config.js';
import { composeOverride } from './compose-override.js';
import { syncTree, treeDigest } from './tree-copy.js';
import { natsUsers } from '../../shared/events/nats-users.js';

const base = readFileSync(join(import.meta.dirname, '..', '..', 'compose', 'docker-compose.base.yml'), 'utf8');
const files = composeSecretFiles(base);
/** What install secrets makes: all but the derived ones (SeaweedFS's identities, made by their own step). */
const made = files.filter((f) => !secretRule(f)?.derived);
const mode = (f: string) => statSync(f).mode & 0o777;

describe('the installer’s secrets', () => {
  it('has a rule for every secret file the compose file names', () => {
    expect(files.length).toBeGreaterThan(10);
    expect(files.filter((f) => !secretRule(f))).toEqual([]);
  });

  it('makes each missing one once, 0444 in a 0700 directory, and never replaces one on a second run', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'erpbi-install-')), 'secrets');
    const first = ensureSecrets(dir, files);
    expect(first.changed).toBe(true);
    expect(mode(dir)).toBe(0o700);
    const before = Object.fromEntries(readdirSync(dir).map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
    expect(Object.keys(before).sort()).toEqual([...made].sort());
    for (const f of made) expect(mode(join(dir, f)), f).toBe(0o444);
    const second = ensureSecrets(dir, files);
    expect(second).toEqual({
      changed: false,
      lines: [...made].sort((a, b) => Number(a.startsWith('database-url')) - Number(b.startsWith('database-url'))).map((f) => `ok secret ${f}`),
    });
    expect(Object.fromEntries(readdirSync(dir).map((f) => [f, readFileSync(join(dir, f), 'utf8')]))).toEqual(before);
  });

  it('derives the database URLs from the role passwords and starts NATS passwords with a letter', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'erpbi-install-')), 'secrets');
    ensureSecrets(dir, files);
    const s = (n: string) => readFileSync(join(dir, n), 'utf8');
    expect(s('database-url')).toBe(`postgres://erpbi_app:${s('postgres-app-password')}@postgres:5432/erpbi`);
    expect(s('database-url-read')).toBe(`postgres://erpbi_reader:${s('postgres-reader-password')}@postgres:5432/erpbi`);
    expect(s('database-url-migrate')).toBe(`postgres://erpbi_owner:${s('postgres-owner-password')}@postgres:5432/erpbi`);
    for (const u of natsUsers) expect(s(`nats-${u}`)).toMatch(/^n[0-9a-f]{48}$/);
    expect(s('smtp-password')).toBe('');
    expect(() => JSON.parse(s('company-profile'))).not.toThrow();
    // two passwords are never the same
    const passwords = files.filter((f) => f.endsWith('-password') && f !== 'smtp-password').map(s);
    expect(new Set(passwords).size).toBe(passwords.length);
  });

  it('with check, makes nothing and says what it would make; it puts back a mode someone changed', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'erpbi-install-')), 'secrets');
    const r = ensureSecrets(dir, files, { check: true });
    expect(r.changed).toBe(true);
    expect(() => readdirSync(dir)).toThrow();
    ensureSecrets(dir, files);
    chmodSync(join(dir, 'postgres-password'), 0o644);
    expect(ensureSecrets(dir, files).lines).toContain('done secret postgres-password mode 0444');
    expect(mode(join(dir, 'postgres-password'))).toBe(0o444);
  });

  it('refuses a secret it has no rule for, naming it', () => {
    expect(() => ensureSecrets(mkdtempSync(join(tmpdir(), 'erpbi-install-')), ['frobnicator'])).toThrow(/frobnicator.*secretRule/);
    expect(() => composeSecretFiles('secrets:\n  a: { external: true }\n')).toThrow(/compose secret a has no file/);
  });
});

describe('web config and the compose override', () => {
  it('puts the issuer at auth.<domain> and keeps the rest of the repository’s config.json', () => {
    const template = readFileSync(join(import.meta.dirname, '..', '..', 'compose', 'web', 'config.json'), 'utf8');
    const out = JSON.parse(webConfigFor(template, 'books.example.org'));
    expect(out).toEqual({ ...JSON.parse(template), issuer: 'https://auth.books.example.org/realms/erpbi' });
    expect(() => webConfigFor(template, 'Books.Example')).toThrow(/domain "Books.Example": a DNS name/);
    expect(() => webConfigFor(template, 'localhost')).toThrow(/at least one dot/);
  });

  it('names every secret of the base file under /etc/erpbi/secrets, and the TLS and web mounts at the base file’s targets', () => {
    const o = parse(composeOverride(base, '/etc/erpbi'));
    const b = parse(base, { merge: true, maxAliasCount: 1000 });
    expect(Object.keys(o.secrets).sort()).toEqual(Object.keys(b.secrets).sort());
    for (const [name, s] of Object.entries<{ file: string }>(o.secrets))
      expect(s.file, name).toBe(`/etc/erpbi/secrets/${b.secrets[name].file.split('/').pop()}`);
    const targets = (vs: string[]) => vs.map((v) => v.split(':')[1]);
    for (const service of ['traefik', 'web']) {
      for (const t of targets(o.services[service].volumes)) expect(targets(b.services[service].volumes), `${service} ${t}`).toContain(t);
    }
  });

  it('copies a tree once: the second time finds it the same', () => {
    const d = mkdtempSync(join(tmpdir(), 'erpbi-install-'));
    const from = join(d, 'from');
    syncTree(join(import.meta.dirname), from, false);
    writeFileSync(join(from, 'extra.txt'), 'x');
    expect(syncTree(from, join(d, 'to'), false)).toBe(true);
    expect(treeDigest(join(d, 'to'))).toBe(treeDigest(from));
    expect(syncTree(from, join(d, 'to'), false)).toBe(false);
    writeFileSync(join(from, 'extra.txt'), 'y');
    expect(syncTree(from, join(d, 'to'), true)).toBe(true);
    expect(readFileSync(join(d, 'to', 'extra.txt'), 'utf8')).toBe('x');
  });
});
