import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parse } from 'yaml';
import { exampleCompany } from '../../shared/documents/company.js';

// The secrets of a compose box, made once by the installer (install.sh, "secrets"). Which files there are
// comes from one place, the top-level `secrets:` of compose/docker-compose.base.yml (each entry's `file:`);
// how each is made is a rule per name below, so a secret added to the compose file without a rule stops
// the installer with its name instead of starting a service on a missing file.

/** The files named by a compose file's top-level `secrets:` (several secrets may share one file). */
export function composeSecretFiles(composeYaml: string): string[] {
  const doc = parse(composeYaml, { merge: true, maxAliasCount: 1000 }) as { secrets?: Record<string, { file?: string }> };
  const files = Object.entries(doc.secrets ?? {}).map(([name, s]) => {
    if (!s?.file) throw new Error(`compose secret ${name} has no file: the installer makes file secrets only`);
    return basename(s.file);
  });
  return [...new Set(files)];
}

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
/** S3 access key ids as the stores show them: 20 upper-case letters and digits. */
const accessKeyId = () => Array.from(randomBytes(20), (b) => 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'[b % 32]).join('');
const databaseUrl = (role: string) => (read: (name: string) => string) => `postgres://erpbi_${role}:${read(`postgres-${role}-password`)}@postgres:5432/erpbi`;

type Make = (read: (name: string) => string) => string;
export interface SecretRule {
  /** What it is, for the installer's report. */
  what: string;
  make: Make;
  /** Made by another install step from the other secrets (e.g. SeaweedFS's identities): skipped here. */
  derived?: true;
}

/** The rule for one secret file, by its name; undefined when there is none. */
export function secretRule(name: string): SecretRule | undefined {
  if (/^nats-[a-z]+$/.test(name)) {
    // nats-server reads users.conf's values unquoted: a letter first, or `12-34...` would be a date
    return { what: 'NATS password', make: () => `n${hex(24)}` };
  }
  const url = /^database-url(?:-(read|migrate))?$/.exec(name);
  if (url) return { what: 'database URL', make: databaseUrl({ read: 'reader', migrate: 'owner' }[url[1] ?? ''] ?? 'app') };
  if (/-access-key-id$/.test(name)) return { what: 'S3 access key id', make: accessKeyId };
  if (name === 'company-profile')
    return { what: 'the seller on invoices (example values until an admin saves the Company screen)', make: () => JSON.stringify(exampleCompany, null, 2) };
  if (name === 'smtp-password') return { what: 'SMTP password (empty: no e-mail until SMTP_HOST is set)', make: () => '' };
  if (name === 'seaweedfs-s3.json') return { what: "SeaweedFS's S3 identities", make: () => '', derived: true };
  if (/-secret-access-key$/.test(name)) return { what: 'S3 secret access key', make: () => hex(24) };
  if (/-(password|secret)$/.test(name)) return { what: 'password', make: () => hex(24) };
  return undefined;
}

// Database URLs read the role passwords: those first.
const order = (name: string) => (name.startsWith('database-url') ? 1 : 0);

export interface SecretsResult {
  /** `ok <name>` (kept) or `done <name>` (made), in the order made. */
  lines: string[];
  changed: boolean;
}

/**
 * Makes every missing secret of `files` in `dir`, never touching one that exists; with `check`, only
 * says which would be made. Modes: the directory 0700 (root's: nobody else on the host reaches a file),
 * each file 0444. Compose (v1.29 and v2, without swarm) bind-mounts a file secret with its host owner
 * and mode, and several are read by containers of different users (keycloak-db-password by Postgres
 * and Keycloak, the NATS passwords by nats-server as root without DAC_OVERRIDE and by the functions as
 * uid 1000): the directory is the guard on the host, the container the guard inside.
 */
export function ensureSecrets(dir: string, files: string[], opts: { check?: boolean } = {}): SecretsResult {
  const missingRule = files.filter((f) => !secretRule(f));
  if (missingRule.length) throw new Error(`no rule to make the secret(s) ${missingRule.join(', ')}: add one to cli/install/secrets.ts (secretRule)`);
  const lines: string[] = [];
  let changed = false;
  if (!existsSync(dir)) {
    if (!opts.check) mkdirSync(dir, { recursive: true, mode: 0o700 });
    changed = true;
    lines.push(`done secrets directory ${dir}`);
  }
  if (!opts.check || existsSync(dir)) {
    if (existsSync(dir) && (statSync(dir).mode & 0o777) !== 0o700) {
      if (!opts.check) chmodSync(dir, 0o700);
      changed = true;
      lines.push(`done secrets directory ${dir} mode 0700`);
    }
  }
  const made = new Map<string, string>();
  const read = (name: string) => made.get(name) ?? readFileSync(join(dir, name), 'utf8');
  for (const name of [...files].sort((a, b) => order(a) - order(b))) {
    const rule = secretRule(name)!;
    if (rule.derived) continue;
    const file = join(dir, name);
    if (existsSync(file)) {
      if ((statSync(file).mode & 0o777) !== 0o444) {
        if (!opts.check) chmodSync(file, 0o444);
        changed = true;
        lines.push(`done secret ${name} mode 0444`);
      } else lines.push(`ok secret ${name}`);
      continue;
    }
    changed = true;
    lines.push(`done secret ${name} (${rule.what})`);
    if (opts.check) continue;
    const value = rule.make(read);
    made.set(name, value);
    writeFileSync(file, value, { mode: 0o444, flag: 'wx' });
    chmodSync(file, 0o444); // the umask may have taken bits off
  }
  return { lines, changed };
}
