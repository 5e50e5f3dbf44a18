import { addDays, defaultPolicy, type PolicyConfig } from './policy-config.ts';

/**
 * Preservation holds. A US governmental entity's request preserves for 90 days, "extended for an additional
 * 90-day period upon a renewed request" (18 U.S.C. 2703(f)(2)): one renewal, none after it. A foreign
 * authority is not a "governmental entity" (2711(4)), so its request is not a 2703(f) request; the policy
 * decides whether to honour it, on the 2703(f) terms. An EU European Preservation Order (EPOC-PR) lasts 60 days
 * and may be extended once by 30 days within that period (Regulation (EU) 2023/1543 Art. 11(1)). Once the
 * process arrives the data is kept as long as that process needs: the service ends the hold then, not us.
 */

import { HOLD_REGIMES, type HoldRegime } from './vocabulary.ts';

export { HOLD_REGIMES, type HoldRegime };

/** A preservation hold as the rules need it. */
export interface Hold {
  regime: HoldRegime;
  startedAt: Date;
  /** Extensions already granted. */
  extensions: number;
}

/** Where a hold stands: running, inside the reminder window, or over. */
export type HoldState = 'active' | 'expiring_soon' | 'expired';

/** An extension check: the new expiry, or the invalid_state error with a message. */
export type ExtendResult =
  { ok: true; expiresAt: Date } | { ok: false; code: 'invalid_state'; message: string };

function terms(regime: HoldRegime, policy: PolicyConfig) {
  return regime === 'eu_epoc_pr' ? policy.euPreservation : policy.preservation;
}

/** When a hold started at `startedAt` with `extensions` granted ends (the hold is over at that instant). */
export function holdExpiresAt(
  startedAt: Date,
  extensions: number,
  policy: PolicyConfig = defaultPolicy,
  regime: HoldRegime = 'sca_2703f',
): Date {
  const t = terms(regime, policy);
  return addDays(startedAt, t.days + Math.min(extensions, t.maxExtensions) * t.extensionDays);
}

/** When the legal team is reminded that a hold is about to expire. */
export function holdReminderAt(hold: Hold, policy: PolicyConfig = defaultPolicy): Date {
  return addDays(
    holdExpiresAt(hold.startedAt, hold.extensions, policy, hold.regime),
    -policy.preservation.reminderLeadDays,
  );
}

/** Whether a hold may be extended now: once only, and only while it still runs. */
export function canExtend(hold: Hold, now: Date, policy: PolicyConfig = defaultPolicy): ExtendResult {
  const t = terms(hold.regime, policy);
  const expiresAt = holdExpiresAt(hold.startedAt, hold.extensions, policy, hold.regime);
  if (hold.extensions >= t.maxExtensions) {
    const cite =
      hold.regime === 'eu_epoc_pr' ? 'Regulation (EU) 2023/1543 Art. 11(1)' : '18 U.S.C. 2703(f)(2)';
    return {
      ok: false,
      code: 'invalid_state',
      message: `this hold was already extended ${hold.extensions} time(s); ${cite} allows ${t.maxExtensions}`,
    };
  }
  if (now >= expiresAt) {
    return { ok: false, code: 'invalid_state', message: `this hold expired at ${expiresAt.toISOString()}` };
  }
  return { ok: true, expiresAt: holdExpiresAt(hold.startedAt, hold.extensions + 1, policy, hold.regime) };
}

/** Where a hold stands at `now`: expiring_soon from the reminder on, expired from the expiry instant. */
export function holdState(hold: Hold, now: Date, policy: PolicyConfig = defaultPolicy): HoldState {
  if (now >= holdExpiresAt(hold.startedAt, hold.extensions, policy, hold.regime)) return 'expired';
  return now >= holdReminderAt(hold, policy) ? 'expiring_soon' : 'active';
}

/** Whether the policy accepts a preservation request of this regime at all (foreign ones are voluntary). */
export function acceptsHold(regime: HoldRegime, policy: PolicyConfig = defaultPolicy): boolean {
  return regime !== 'foreign' || policy.preservation.foreign === 'honour';
}
