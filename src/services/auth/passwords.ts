import {
  createHash,
  randomBytes,
  scrypt as scryptCb,
  timingSafeEqual,
  type ScryptOptions,
} from 'node:crypto';
import { CandorError } from '../../errors.ts';
import { AUTH_POLICY } from './policy.ts';

/** SHA-256 hex of a secret: what the database holds instead of session ids and setup tokens. */
export function sha256(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

/** 32 random bytes, base64url: session ids, CSRF secrets, setup tokens. */
export const secret = () => randomBytes(32).toString('base64url');

// OWASP's scrypt settings trade memory for passes at equal cost (N=2^17 p=1 ... N=2^14 p=5); we take
// N=2^14, r=8, p=5: 16 MiB per hash, so a burst of sign-ins cannot exhaust the server's memory. 32-byte salt
// per user. The parameters are stored in each hash, so they can be raised later without a migration.
const SCRYPT = { N: 2 ** 14, r: 8, p: 5, keylen: 32 };

function scrypt(password: string, salt: Buffer, o: ScryptOptions & { keylen: number }): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCb(password.normalize('NFC'), salt, o.keylen, { ...o, maxmem: 64 * 1024 * 1024 }, (e, key) =>
      e ? reject(e) : resolve(key),
    ),
  );
}

/** `scrypt$N$r$p$salt$hash` (base64url). */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(32);
  const key = await scrypt(password, salt, SCRYPT);
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64url'), key.toString('base64url')].join(
    '$',
  );
}

/** Constant-time check of a password against a stored hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [tag, n, r, p, salt, hash] = stored.split('$');
  if (tag !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const key = await scrypt(password, Buffer.from(salt, 'base64url'), {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    keylen: expected.length,
  });
  return timingSafeEqual(key, expected);
}

// A hash of nothing anyone knows: unknown e-mails still cost one scrypt, so timing does not reveal accounts.
let decoyHash: Promise<string> | undefined;

/** Checks a password against a user's hash, or spends the same time on a decoy when there is no hash. */
export async function checkPassword(password: string, stored: string | null | undefined): Promise<boolean> {
  decoyHash ??= hashPassword(secret());
  const ok = await verifyPassword(password, stored ?? (await decoyHash));
  return ok && !!stored;
}

export function checkPasswordRules(password: string): void {
  if (password.length < AUTH_POLICY.minPasswordLength || password.length > 1024) {
    throw new CandorError('invalid', 'the password is not acceptable', [
      {
        field: 'password',
        message: `use at least ${AUTH_POLICY.minPasswordLength} characters (a passphrase is easiest)`,
      },
    ]);
  }
}
