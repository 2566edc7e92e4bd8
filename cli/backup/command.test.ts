import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backupRecipients, localIdentityName } from './command.js';
import { parseIdentities, parseRecipients, readIdentityFile, recipientsOf } from './age.js';

// Who a backup is encrypted to when nobody said: the box of `npm start` makes its own key pair and says
// where the identity is; a server (DATABASE_URL set, the Pi) refuses unless --plaintext is given.

let dir: string;
const saved = { ...process.env };
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'erpbi-backup-keys-'));
  delete process.env.ERPBI_BACKUP_RECIPIENTS;
  delete process.env.ERPBI_BACKUP_RECIPIENTS_FILE;
});
afterEach(() => {
  process.env = { ...saved };
  rmSync(dir, { recursive: true, force: true });
});

describe('backup recipients', () => {
  it('on a box of npm start with none configured: a key pair of its own, identity 0600 in ERPBI_DATA, said where; reused after', async () => {
    const lines: string[] = [];
    const first = await backupRecipients({ dir, localBox: true }, false, (l) => lines.push(l));
    const file = join(dir, localIdentityName);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(first).toEqual(await recipientsOf(readIdentityFile(file)));
    expect((first as string[])[0]).toMatch(/^age1[0-9a-z]{58}$/);
    expect(lines.join('\n')).toContain(`the identity that opens them is ${file}: keep a copy somewhere else`);
    expect(await backupRecipients({ dir, localBox: true }, false, () => {})).toEqual(first);
  });

  it('on a server with none configured: refused, saying how; --plaintext only when asked', async () => {
    await expect(backupRecipients({ dir, localBox: false }, false)).rejects.toThrow(/^no backup recipient: set ERPBI_BACKUP_RECIPIENTS/);
    const lines: string[] = [];
    expect(await backupRecipients({ dir, localBox: false }, true, (l) => lines.push(l))).toBe('plaintext');
    expect(lines.join('\n')).toMatch(/NOT encrypted/);
  });

  it('configured: the variable and the file (age -R format) together', async () => {
    process.env.ERPBI_BACKUP_RECIPIENTS = 'age1aaa, age1bbb';
    const file = join(dir, 'recipients.txt');
    writeFileSync(file, '# the office key\nage1ccc\n\nage1ddd age1eee # two on a line\n');
    process.env.ERPBI_BACKUP_RECIPIENTS_FILE = file;
    expect(await backupRecipients({ dir, localBox: false }, false)).toEqual(['age1aaa', 'age1bbb', 'age1ccc', 'age1ddd', 'age1eee']);
  });

  it('an identity file others may read is refused; comments and blank lines are not identities', () => {
    const file = join(dir, 'id.txt');
    writeFileSync(file, '# created\n# public key: age1x\nAGE-SECRET-KEY-1ABC\n', { mode: 0o644 });
    expect(() => readIdentityFile(file)).toThrow(/may be read by others: `chmod 600/);
    expect(parseIdentities(readFileSync(file, 'utf8'))).toEqual(['AGE-SECRET-KEY-1ABC']);
    expect(parseRecipients('# only a comment\n')).toEqual([]);
  });
});
