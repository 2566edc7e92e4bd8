import { createHash } from 'node:crypto';
import { cpSync, existsSync, readFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';

// The web's static files on a box: the service image's build/web (the screens npm run build made, the
// same release as the images) copied out to where the web service mounts them. A blank Pi has neither
// Node nor the build; the image has both.

/** One digest over a directory's file names and contents; undefined when it does not exist. */
export function treeDigest(dir: string): string | undefined {
  if (!existsSync(dir)) return undefined;
  const hash = createHash('sha256');
  const files = (readdirSync(dir, { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[])
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .sort();
  for (const f of files)
    hash
      .update(`${relative(dir, f)}\0`)
      .update(readFileSync(f))
      .update('\0');
  return hash.digest('hex');
}

/** Makes `to` a copy of `from` unless it is one already; true when it changed (or, with check, would). */
export function syncTree(from: string, to: string, check: boolean): boolean {
  if (!existsSync(from)) throw new Error(`${from} does not exist`);
  if (treeDigest(from) === treeDigest(to)) return false;
  if (check) return true;
  const next = `${to}.new`;
  rmSync(next, { recursive: true, force: true });
  cpSync(from, next, { recursive: true });
  rmSync(to, { recursive: true, force: true });
  renameSync(next, to);
  return true;
}
