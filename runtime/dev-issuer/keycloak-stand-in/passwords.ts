import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

// Passwords of the stand-in's users, as scrypt hashes (node:crypto) with a salt of their own: the
// keycloak database goes into every backup, so it never holds a password itself. Stored as
// `scrypt$N$r$p$<salt>$<hash>` (base64url), so a hash keeps the cost it was made with.

const cost = { N: 16384, r: 8, p: 1 } as const;
const keyLength = 32;

function derive(password: string, salt: Buffer, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password, salt, keyLength, { ...opts, maxmem: 64 * 1024 * 1024 }, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await derive(password, salt, cost);
  return ['scrypt', cost.N, cost.r, cost.p, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

// Compared against when there is no user of that name, so that the time taken does not tell which
// names exist.
const noUser = hashPassword(randomBytes(16).toString('hex'));

/** Whether `password` is the one `stored` was made from; `stored` undefined (no such user) is never a match. */
export async function verifyPassword(password: string, stored: string | undefined): Promise<boolean> {
  const parts = (stored ?? (await noUser)).split('$');
  const [scheme, N, r, p, salt, hash] = parts;
  if (parts.length !== 6 || scheme !== 'scrypt') throw new Error('keycloak stand-in: a stored password hash is not scrypt$N$r$p$salt$hash');
  const expected = Buffer.from(hash!, 'base64url');
  const given = await derive(password, Buffer.from(salt!, 'base64url'), { N: Number(N), r: Number(r), p: Number(p) });
  return timingSafeEqual(given, expected) && stored !== undefined;
}
