import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Readable } from 'node:stream';
// Encryption: `age-encryption` (typage), the TypeScript implementation of age by age's author. Chosen over
// Debian's `age` binary because it is pure JavaScript (nothing to apt-install on the Pi, in the service
// image or for `npm start` on any OS), it streams (ReadableStream in and out: a dump of hundreds of MB
// passes through in 64 KiB chunks, never whole in memory), and it writes the age format itself: with
// X25519 recipients (all `backup keygen` makes) Debian's `age -d -i key.txt` opens every file of a
// backup, so a disaster can be recovered without erpbi. No cryptography is written here: age does the
// sealing (X25519 + ChaCha20-Poly1305 STREAM, authenticated chunk by chunk), node:crypto the SHA-256.
import { Decrypter, Encrypter, generateX25519Identity, identityToRecipient } from 'age-encryption';
import { digestTap, writeCounting } from './digest.js';

/** Recipients (`age1...`) in a text: several per line (spaces or commas), `#` to the end of a line is a comment (age -R's file format, or a list in one variable). */
export function parseRecipients(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.replace(/#.*/, ''))
    .flatMap((line) => line.split(/[\s,]+/))
    .filter(Boolean);
}

/** The identities (`AGE-SECRET-KEY-...`) of an identity file as age-keygen (or `erpbi backup keygen`) writes it. */
export function parseIdentities(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('AGE-SECRET-KEY-'));
}

/** Reads an identity file, refusing one that others may read (as ssh does with a private key). */
export function readIdentityFile(file: string): string[] {
  const path = resolve(file);
  if (!existsSync(path)) throw new Error(`no age identity file at ${path}`);
  if ((statSync(path).mode & 0o077) !== 0) throw new Error(`${path} may be read by others: \`chmod 600 ${path}\` first (it opens every backup)`);
  const identities = parseIdentities(readFileSync(path, 'utf8'));
  if (identities.length === 0) throw new Error(`${path} holds no age identity (a line AGE-SECRET-KEY-1...)`);
  return identities;
}

/** The recipient of each identity (the public keys a backup for them is sealed to). */
export async function recipientsOf(identities: string[]): Promise<string[]> {
  return Promise.all(identities.map((identity) => identityToRecipient(identity)));
}

/**
 * A new age X25519 key pair, written as age-keygen writes it (a comment with the public key, then the
 * identity) to `file`, which must not exist yet: mode 0600, its directory made 0700 when missing.
 * Returns the recipient. X25519, not age's post-quantum hybrid: Debian's age (1.1) reads only these.
 */
export async function writeKeyPair(file: string): Promise<string> {
  const identity = await generateX25519Identity();
  const recipient = await identityToRecipient(identity);
  mkdirSync(dirname(resolve(file)), { recursive: true, mode: 0o700 });
  writeFileSync(file, `# erpbi backup identity, created ${new Date().toISOString()}: keep a copy off this machine\n# public key: ${recipient}\n${identity}\n`, {
    flag: 'wx',
    mode: 0o600,
  });
  return recipient;
}

export function checkRecipients(recipients: string[]): void {
  for (const r of recipients) {
    try {
      new Encrypter().addRecipient(r);
    } catch (err) {
      throw new Error(`not an age recipient: ${JSON.stringify(r)} (${(err as Error).message}); recipients look like age1...`);
    }
  }
}

/**
 * Streams `source` into the new file `to` (0600), sealed with age to `recipients` unless they are null,
 * calling `count` with the plaintext bytes passed so far. Returns the plaintext's digest and the stored file's.
 */
export async function seal(
  source: Readable,
  recipients: string[] | null,
  to: string,
  count: (bytes: number) => void,
): Promise<{ plain: { bytes: number; sha256: string }; kept: { bytes: number; sha256: string } }> {
  const plain = digestTap(count);
  const counted = plain.through(source);
  let out: Readable = counted;
  if (recipients) {
    const e = new Encrypter();
    for (const r of recipients) e.addRecipient(r);
    out = Readable.fromWeb((await e.encrypt(Readable.toWeb(counted) as ReadableStream<Uint8Array>)) as import('node:stream/web').ReadableStream<Uint8Array>);
  }
  const kept = await writeCounting(out, to);
  return { plain: plain.digest(), kept };
}

export function decrypterFor(identities: string[]): Decrypter {
  const d = new Decrypter();
  for (const identity of identities) d.addIdentity(identity);
  return d;
}
