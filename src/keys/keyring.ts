import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import { CandorError } from '../errors.ts';

/**
 * The master keys that protect secrets at rest (document data keys, TOTP secrets).
 *
 * A master key is 32 random bytes. It comes from `CANDOR_SECRET_KEY` (base64 or hex; several servers on one
 * PostgreSQL must share it) or, when that is unset, from `<data dir>/secret.key`, created 0600 on first use.
 * It is never stored in the database beside what it protects: someone with a database dump and no key file
 * reads nothing.
 *
 * Everything sealed names the key that sealed it (its id: the first 16 hex digits of its SHA-256), so a
 * rotation can run while old and new keys are both held: `previous` keys still open old values, `current`
 * seals new ones, and `needsRotation` tells a re-wrap pass what is left to do.
 *
 * Format of a sealed value: `v1.<key id>.<iv>.<tag>.<ciphertext>` (base64url), AES-256-GCM with the
 * caller's context string as additional data, so a value copied to another row or purpose fails to open.
 */
export interface Keyring {
  /** The id of the key new values are sealed with. */
  readonly currentId: string;
  /** Every key id this ring can open, current first. */
  readonly ids: readonly string[];
  seal(plaintext: Buffer | string, context: string): string;
  /** Opens a sealed value; a wrong key, a wrong context or a changed byte is an error, never garbage. */
  open(sealed: string, context: string): Buffer;
  /** True when `sealed` was sealed with a key other than the current one. */
  needsRotation(sealed: string): boolean;
}

const KEY_BYTES = 32;
const IV_BYTES = 12;

export function keyId(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 16);
}

/** Parses a key written as base64/base64url (44 or 43 characters) or hex (64); null if it is neither. */
export function parseKey(text: string): Buffer | null {
  const t = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(t)) return Buffer.from(t, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(t)) {
    const b = Buffer.from(t.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    return b.length === KEY_BYTES ? b : null;
  }
  return null;
}

export function newKey(): Buffer {
  return randomBytes(KEY_BYTES);
}

/** A keyring over explicit keys: the first seals, all open. */
export function keyringOf(current: Buffer, previous: readonly Buffer[] = []): Keyring {
  for (const k of [current, ...previous]) {
    if (k.length !== KEY_BYTES) throw new Error(`a master key must be ${KEY_BYTES} bytes, not ${k.length}`);
  }
  const keys = new Map<string, Buffer>();
  for (const k of [current, ...previous]) keys.set(keyId(k), k);
  const currentId = keyId(current);
  return Object.freeze({
    currentId,
    ids: [...keys.keys()],
    seal(plaintext: Buffer | string, context: string): string {
      const iv = randomBytes(IV_BYTES);
      const c = createCipheriv('aes-256-gcm', current, iv);
      c.setAAD(Buffer.from(context, 'utf8'));
      const ct = Buffer.concat([c.update(plaintext), c.final()]);
      return ['v1', currentId, b64(iv), b64(c.getAuthTag()), b64(ct)].join('.');
    },
    open(sealed: string, context: string): Buffer {
      const parts = sealed.split('.');
      if (parts.length !== 5 || parts[0] !== 'v1') {
        throw new CandorError(
          'invalid',
          'a sealed secret is malformed (expected v1.<key>.<iv>.<tag>.<data>)',
        );
      }
      const [, id, iv, tag, ct] = parts as [string, string, string, string, string];
      const key = keys.get(id);
      if (!key) {
        throw new CandorError(
          'unavailable',
          `a secret is sealed with master key ${id}, which this server does not hold (it holds ${[...keys.keys()].join(', ')}); ` +
            'set CANDOR_SECRET_KEY / CANDOR_SECRET_KEY_PREVIOUS or restore the key file (docs/documents.md)',
        );
      }
      try {
        const d = createDecipheriv('aes-256-gcm', key, unb64(iv));
        d.setAAD(Buffer.from(context, 'utf8'));
        d.setAuthTag(unb64(tag));
        return Buffer.concat([d.update(unb64(ct)), d.final()]);
      } catch {
        throw new CandorError(
          'unavailable',
          `a secret sealed with master key ${id} does not authenticate: it was changed, or sealed for another purpose`,
        );
      }
    },
    needsRotation(sealed: string): boolean {
      return sealed.split('.')[1] !== currentId;
    },
  });
}

function b64(b: Buffer): string {
  return b.toString('base64url');
}
function unb64(s: string): Buffer {
  return Buffer.from(s, 'base64url');
}

/** The key file in a data directory: the current key and the ones it replaced, until a rotation retires them. */
interface KeyFile {
  current: string;
  previous: string[];
}

export function keyFilePath(dataDir: string): string {
  return path.join(dataDir, 'secret.key');
}

function readKeyFile(file: string): KeyFile {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new CandorError('unavailable', `the key file ${file} cannot be read: ${(err as Error).message}`);
  }
  const f = json as Partial<KeyFile>;
  if (typeof f.current !== 'string' || !parseKey(f.current) || !Array.isArray(f.previous)) {
    throw new CandorError(
      'unavailable',
      `the key file ${file} is not a Candor key file ({ current, previous })`,
    );
  }
  return { current: f.current, previous: f.previous.filter((p) => typeof p === 'string' && parseKey(p)) };
}

/** Writes the key file atomically (a 0600 temporary file renamed over it). */
function writeKeyFile(file: string, content: KeyFile): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, `${JSON.stringify(content, null, 2)}\n`);
  } finally {
    closeSync(fd);
  }
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
}

export interface KeySource {
  /** CANDOR_SECRET_KEY, parsed. */
  secretKey?: Buffer | undefined;
  /** CANDOR_SECRET_KEY_PREVIOUS, parsed: keys still accepted for opening while a rotation runs. */
  previousSecretKeys?: readonly Buffer[];
  dataDir: string;
}

/**
 * The keyring of a server: from the environment when `CANDOR_SECRET_KEY` is set, else from the data
 * directory's key file, which is created (0600) with a fresh key the first time.
 */
export function loadKeyring(src: KeySource): Keyring {
  if (src.secretKey) return keyringOf(src.secretKey, src.previousSecretKeys ?? []);
  const file = keyFilePath(src.dataDir);
  if (!existsSync(file)) writeKeyFile(file, { current: newKey().toString('base64'), previous: [] });
  const f = readKeyFile(file);
  return keyringOf(parseKey(f.current)!, [
    ...f.previous.map((p) => parseKey(p)!),
    ...(src.previousSecretKeys ?? []),
  ]);
}

/**
 * Step 1 of a key-file rotation: a new current key, the old one kept as previous so everything sealed so far
 * still opens. Step 2 (the caller) re-seals every stored value; step 3 is `retirePreviousKeys`.
 */
export function addKeyToFile(dataDir: string, key: Buffer = newKey()): Keyring {
  const file = keyFilePath(dataDir);
  const f = existsSync(file) ? readKeyFile(file) : null;
  const next: KeyFile = {
    current: key.toString('base64'),
    previous: f ? [f.current, ...f.previous] : [],
  };
  writeKeyFile(file, next);
  return loadKeyring({ dataDir });
}

/** Step 3 of a key-file rotation: forget the previous keys once nothing sealed with them is left. */
export function retirePreviousKeys(dataDir: string): void {
  const file = keyFilePath(dataDir);
  const f = readKeyFile(file);
  writeKeyFile(file, { current: f.current, previous: [] });
}
