import { addDays, type PolicyConfig } from './policy-config.ts';
import type { NdoAuthority } from './vocabulary.ts';

/**
 * Non-disclosure orders. A 2705(b) order lasts "for such period as the court deems appropriate" (18 U.S.C.
 * 2705(b)), with no statutory maximum, and some are indefinite. DOJ policy (Rosenstein memo, 19 Oct 2017, for
 * applications filed 30+ days after it) has prosecutors seek one year or less barring exceptional
 * circumstances; it is internal guidance, creates no right and does not bind state prosecutors, so we only
 * flag orders beyond it. NSL (18 U.S.C. 2709(c)) and FISA gags are reviewed on the FBI's 3-year cycle.
 */

/** A non-disclosure order as the rules need it. */
export interface Ndo {
  authority: NdoAuthority;
  issuedAt: Date | null;
  /** null = indefinite. */
  expiresAt: Date | null;
  liftedAt: Date | null;
  /** When the provider last reviewed the order (or asked the government to justify it). */
  lastReviewedAt?: Date | null;
}

/** When the order stops binding: the earlier of its expiry and its lifting; null while it has neither. */
export function ndoEndsAt(ndo: Ndo): Date | null {
  const ends = [ndo.expiresAt, ndo.liftedAt].filter((d): d is Date => d !== null);
  return ends.length === 0 ? null : new Date(Math.min(...ends.map((d) => d.getTime())));
}

/** Whether the order binds at `now`; an order expiring at T no longer binds at T. */
export function ndoInForce(ndo: Ndo, now: Date): boolean {
  const ends = ndoEndsAt(ndo);
  return ends === null || now < ends;
}

const NATIONAL_SECURITY: readonly NdoAuthority[] = ['nsl_2709c', 'fisa'];

/**
 * When the order should next be reviewed: the interval after the last review (or issue date), for orders that
 * would still bind then; null when it ends before, is lifted, or has no date to count from.
 */
export function nextReviewAt(ndo: Ndo, policy: PolicyConfig): Date | null {
  if (ndo.liftedAt) return null;
  const from = ndo.lastReviewedAt ?? ndo.issuedAt;
  if (!from) return null;
  const interval = NATIONAL_SECURITY.includes(ndo.authority)
    ? policy.ndo.nationalSecurityReviewDays
    : policy.ndo.reviewIntervalDays;
  const at = addDays(from, interval);
  return ndo.expiresAt && ndo.expiresAt <= at ? null : at;
}

/** Whether a 2705(b) order runs longer than the DOJ one-year policy (indefinite counts as longer). */
export function exceedsDojPolicy(ndo: Ndo, policy: PolicyConfig): boolean {
  if (ndo.authority !== 'sca_2705b') return false;
  if (!ndo.expiresAt) return true;
  if (!ndo.issuedAt) return false;
  return ndo.expiresAt > addDays(ndo.issuedAt, policy.ndo.dojPolicyMaxDays);
}
