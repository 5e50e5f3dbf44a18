import type { Config } from '../config.ts';
import type { Db } from '../db/connect.ts';
import { CandorError } from '../errors.ts';
import { addKeyToFile, retirePreviousKeys, type Keyring } from '../keys/keyring.ts';
import type { KeyringSource } from '../keys/source.ts';
import { appendEvent } from '../repositories/audit-repository.ts';
import { documentsToRewrap, replaceWrappedKey } from '../repositories/documents-repository.ts';
import {
  portalTotpSecretsToSeal,
  resealPortalTotpSecret,
} from '../repositories/portal-accounts-repository.ts';
import { resealTotpSecret, totpSecretsToSeal } from '../repositories/users-repository.ts';
import { isSealed, totpContext } from './auth/second-factor.ts';
import { authorize, type Actor } from './authorize.ts';
import type { Clock } from './requests.ts';
import { keyContext } from './documents/vault.ts';
import { portalTotpContext } from './portal/sessions.ts';

/**
 * One kind of value sealed with the master key. A rotation runs every step: each re-seals, under the
 * current key, its values sealed under another key (or, from before sealing existed, not sealed at all).
 * Another kind of sealed value (document data keys, ...) is one more entry in `RESEAL_STEPS`.
 */
export interface ResealStep {
  name: string;
  /** Re-seals inside the caller's transaction; returns how many values it changed. */
  run(trx: Db, ring: Keyring, o: { plaintextOnly: boolean }): Promise<number>;
}

export const RESEAL_STEPS: ResealStep[] = [
  {
    name: 'totp_secrets',
    async run(trx, ring, o) {
      let n = 0;
      for (const u of await totpSecretsToSeal(trx, ring.currentId)) {
        if (o.plaintextOnly && isSealed(u.totp_secret)) continue;
        const plain = isSealed(u.totp_secret)
          ? ring.open(u.totp_secret, totpContext(u.id)).toString('utf8')
          : u.totp_secret;
        await resealTotpSecret(trx, u.id, ring.seal(plain, totpContext(u.id)));
        n++;
      }
      return n;
    },
  },
  {
    // Officers' second factors (the agency portal): sealed from the start, under their own context.
    name: 'portal_totp_secrets',
    async run(trx, ring, o) {
      if (o.plaintextOnly) return 0;
      let n = 0;
      for (const u of await portalTotpSecretsToSeal(trx, ring.currentId)) {
        const ctx = portalTotpContext(Number(u.id));
        await resealPortalTotpSecret(trx, u.id, ring.seal(ring.open(u.totp_secret, ctx), ctx));
        n++;
      }
      return n;
    },
  },
  {
    // Each document's data key is re-wrapped; the blob itself is not touched (docs/documents.md).
    name: 'document_keys',
    async run(trx, ring, o) {
      if (o.plaintextOnly) return 0; // data keys were sealed from the start
      let n = 0;
      for (;;) {
        const batch = await documentsToRewrap(trx, ring.currentId, 500);
        if (batch.length === 0) return n;
        for (const d of batch) {
          const key = ring.open(d.wrapped_key!, keyContext(d.blob_key));
          const wrapped = ring.seal(key, keyContext(d.blob_key));
          if (await replaceWrappedKey(trx, d.id, d.wrapped_key!, { wrapped, keyId: ring.currentId })) n++;
        }
      }
    },
  },
];

export interface RotateResult {
  keyId: string;
  /** Values re-sealed, per step. */
  resealed: Record<string, number>;
  /** True when the key file's previous keys were forgotten (nothing sealed with them is left). */
  retired: boolean;
}

/** The master key's life: sealing what an older Candor left in plaintext, and rotating the key. */
export function createKeyService(deps: { db: Db; config: Config; clock: Clock; keys: KeyringSource }) {
  const { db, config, clock, keys } = deps;

  async function resealAll(actorLabel: string, plaintextOnly: boolean): Promise<Record<string, number>> {
    const ring = keys.ring();
    return db.transaction().execute(async (trx) => {
      const resealed: Record<string, number> = {};
      for (const step of RESEAL_STEPS) resealed[step.name] = await step.run(trx, ring, { plaintextOnly });
      if (Object.values(resealed).some((n) => n > 0)) {
        await appendEvent(trx, {
          at: clock(),
          actor: actorLabel,
          action: plaintextOnly ? 'keys.seal' : 'keys.rotate',
          entity: 'keys',
          entityId: ring.currentId,
          after: { key: ring.currentId, resealed },
        });
      }
      return resealed;
    });
  }

  return {
    /**
     * Start-up step of `candor serve`: seals the secrets an older Candor stored in plaintext (TOTP secrets
     * before December 2026). A migration cannot do it: migrations never import app code, and the key is
     * outside the database. Until it runs, such a secret is still read as it is.
     */
    async sealPlaintext(): Promise<Record<string, number>> {
      return resealAll('system:start-up', true);
    },

    /**
     * Rotates the master key. With the key file (no CANDOR_SECRET_KEY): a new key becomes current, every
     * sealed value is re-sealed under it, and the old key is forgotten, in that order, so a crash at any
     * point leaves every value openable (running it again finishes the job). With CANDOR_SECRET_KEY the
     * operator sets the new key there and the old one in CANDOR_SECRET_KEY_PREVIOUS, runs this to re-seal,
     * then removes the old key from the environment.
     */
    async rotate(actor: Actor, o: { newKey?: boolean } = {}): Promise<RotateResult> {
      authorize(actor, 'keys.rotate');
      const fromFile = !config.secretKey;
      if (o.newKey) {
        if (!fromFile) {
          throw new CandorError(
            'invalid_state',
            'the master key comes from CANDOR_SECRET_KEY: set the new key there and the old one in CANDOR_SECRET_KEY_PREVIOUS, then rotate again without a new key',
          );
        }
        addKeyToFile(config.dataDir);
        keys.reload();
      }
      const resealed = await resealAll(actor.label, false);
      if (fromFile && o.newKey) {
        retirePreviousKeys(config.dataDir);
        keys.reload();
      }
      return { keyId: keys.ring().currentId, resealed, retired: fromFile && !!o.newKey };
    },
  };
}
export type KeyService = ReturnType<typeof createKeyService>;
