import type { Db } from '../../db/connect.ts';
import { clearAttempts, releaseAttempt, reserveAttempts } from '../../repositories/sessions-repository.ts';
import { AUTH_POLICY, MINUTE } from './policy.ts';

/** The counters sign-in attempts are reserved under. */
export const attemptKey = {
  account: (email: string) => `account:${email.trim().toLowerCase().slice(0, 320)}`,
  ip: (ip: string) => `ip:${ip.slice(0, 64)}`,
  totp: (userId: number) => `totp:${userId}`,
};

const LIMITS: ReadonlyArray<[prefix: string, max: number]> = [
  ['account:', AUTH_POLICY.maxFailuresPerAccount],
  ['ip:', AUTH_POLICY.maxFailuresPerIp],
  ['totp:', AUTH_POLICY.maxSecondFactorFailures],
];
const limitOf = (key: string) => LIMITS.find(([p]) => key.startsWith(p))?.[1] ?? 0;

export interface Reservation {
  /** False when any counter is over its limit: check nothing, refuse. */
  allowed: boolean;
  /** This attempt's number under each key, in the window. */
  counts: Map<string, number>;
}

/**
 * Reserves an attempt under every key before a password or code is checked, in one statement that counts
 * and decides, so that however many attempts arrive at once, at most the limit of them are checked.
 * A failed attempt keeps its reservation (it is the failure count); `succeeded` gives it back.
 */
export async function reserve(db: Db, now: Date, keys: string[]): Promise<Reservation> {
  const windowStart = new Date(now.getTime() - AUTH_POLICY.failureWindowMinutes * MINUTE);
  const counts = await reserveAttempts(db, keys, now, windowStart);
  const allowed = [...counts].every(([k, n]) => n <= limitOf(k));
  return { allowed, counts };
}

/**
 * After a success: the account's (or second factor's) count starts again; the address gets its attempt back,
 * so an office signing in all day behind one address is not refused.
 */
export async function succeeded(db: Db, clear: string, address: string): Promise<void> {
  await clearAttempts(db, clear);
  await releaseAttempt(db, address);
}
