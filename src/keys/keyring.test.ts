import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import {
  addKeyToFile,
  keyFilePath,
  keyId,
  keyringOf,
  loadKeyring,
  newKey,
  parseKey,
  retirePreviousKeys,
} from './keyring.ts';

const dirs: string[] = [];
function tmp(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'candor-keys-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('the keyring', () => {
  it('opens what it sealed, only for the same purpose', () => {
    const ring = keyringOf(newKey());
    const sealed = ring.seal('JBSWY3DPEHPK3PXP', 'totp:user:7');
    expect(sealed).not.toContain('JBSWY3DPEHPK3PXP');
    expect(ring.open(sealed, 'totp:user:7').toString()).toBe('JBSWY3DPEHPK3PXP');
    expect(() => ring.open(sealed, 'totp:user:8')).toThrow(/does not authenticate/);
  });

  it('detects a flipped byte, a truncated value and a wrong key', () => {
    const ring = keyringOf(newKey());
    const sealed = ring.seal(Buffer.alloc(32, 7), 'doc:1');
    const parts = sealed.split('.');
    const ct = Buffer.from(parts[4]!, 'base64url');
    ct[0] = ct[0]! ^ 1;
    const flipped = [...parts.slice(0, 4), ct.toString('base64url')].join('.');
    expect(() => ring.open(flipped, 'doc:1')).toThrow(/does not authenticate/);
    expect(() => ring.open(sealed.slice(0, -4), 'doc:1')).toThrow(/does not authenticate/);
    expect(() => keyringOf(newKey()).open(sealed, 'doc:1')).toThrow(/does not hold/);
    expect(() => ring.open('garbage', 'doc:1')).toThrow(/malformed/);
  });

  it('seals with the current key and still opens with the previous ones', () => {
    const oldKey = newKey();
    const sealedOld = keyringOf(oldKey).seal('s', 'c');
    const ring = keyringOf(newKey(), [oldKey]);
    expect(ring.open(sealedOld, 'c').toString()).toBe('s');
    expect(ring.needsRotation(sealedOld)).toBe(true);
    expect(ring.needsRotation(ring.seal('s', 'c'))).toBe(false);
    expect(ring.ids).toEqual([ring.currentId, keyId(oldKey)]);
  });

  it('parses keys as base64, base64url or hex, and nothing shorter', () => {
    const k = newKey();
    expect(parseKey(k.toString('base64'))).toEqual(k);
    expect(parseKey(k.toString('base64url'))).toEqual(k);
    expect(parseKey(k.toString('hex'))).toEqual(k);
    expect(parseKey('c2hvcnQ=')).toBeNull();
    expect(parseKey(k.toString('hex').slice(2))).toBeNull();
  });
});

describe('the key file', () => {
  it('is created 0600 on first use and gives the same key every time', () => {
    const dir = tmp();
    const a = loadKeyring({ dataDir: dir });
    expect(statSync(keyFilePath(dir)).mode & 0o777).toBe(0o600);
    expect(loadKeyring({ dataDir: dir }).currentId).toBe(a.currentId);
  });

  it('rotates in three steps: add a key, re-seal, retire the old one', () => {
    const dir = tmp();
    const before = loadKeyring({ dataDir: dir });
    const sealed = before.seal('x', 'c');
    const during = addKeyToFile(dir);
    expect(during.currentId).not.toBe(before.currentId);
    expect(during.open(sealed, 'c').toString()).toBe('x');
    const resealed = during.seal(during.open(sealed, 'c'), 'c');
    retirePreviousKeys(dir);
    const after = loadKeyring({ dataDir: dir });
    expect(after.ids).toEqual([during.currentId]);
    expect(after.open(resealed, 'c').toString()).toBe('x');
    expect(() => after.open(sealed, 'c')).toThrow(/does not hold/);
    expect(statSync(keyFilePath(dir)).mode & 0o777).toBe(0o600);
  });

  it('refuses a key file that is not one, naming it', () => {
    const dir = tmp();
    writeFileSync(keyFilePath(dir), '{"nope":1}');
    expect(() => loadKeyring({ dataDir: dir })).toThrow(/secret.key is not a Candor key file/);
  });

  it('takes CANDOR_SECRET_KEY over the file, and never writes one then', () => {
    const dir = tmp();
    const k = newKey();
    const config = loadConfig({ CANDOR_DATA_DIR: dir, CANDOR_SECRET_KEY: k.toString('hex') });
    const ring = loadKeyring(config);
    expect(ring.currentId).toBe(keyId(k));
    expect(() => readFileSync(keyFilePath(dir))).toThrow();
    expect(() => loadConfig({ CANDOR_SECRET_KEY: 'short' })).toThrow(/CANDOR_SECRET_KEY: expected 32 bytes/);
  });
});
