import { statSync } from 'node:fs';
import { keyFilePath, loadKeyring, type Keyring, type KeySource } from './keyring.ts';

/**
 * A server's keyring, loaded on first use (a process that never opens a secret never reads or creates the
 * key file), and reloaded when a value names a key this process does not hold yet: after `keys rotate`
 * put a new key in the key file, a server that started before it opens the new values without a restart.
 */
export interface KeyringSource {
  ring(): Keyring;
  /** Opens a sealed value, reloading the keyring once if the value's key is not known yet. */
  open(sealed: string, context: string): Buffer;
  seal(plaintext: Buffer | string, context: string): string;
  /** Reads the keys again (after the key file changed). */
  reload(): Keyring;
}

/** The id of the key a sealed value names (`v1.<key id>....`). */
export const sealedKeyId = (sealed: string) => sealed.split('.')[1] ?? '';

export function keyringSource(src: KeySource): KeyringSource {
  let current: Keyring | undefined;
  let loadedFrom = -1;
  const fileVersion = () => {
    if (src.secretKey) return 0;
    try {
      return statSync(keyFilePath(src.dataDir)).mtimeMs;
    } catch {
      return -1;
    }
  };
  const reload = () => {
    loadedFrom = fileVersion();
    return (current = loadKeyring(src));
  };
  const ring = () => current ?? reload();
  return {
    ring,
    reload,
    open(sealed, context) {
      const r = ring();
      return (r.ids.includes(sealedKeyId(sealed)) ? r : reload()).open(sealed, context);
    },
    // Sealing under a key another process has since rotated away would make a value nobody can open: when
    // the key file changed, read it again first.
    seal: (plaintext, context) =>
      (current && fileVersion() === loadedFrom ? current : reload()).seal(plaintext, context),
  };
}
