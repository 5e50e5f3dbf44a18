import { parsePeriod } from './periods.ts';
import type { AccountResult } from './vocabulary.ts';
import type { DemandKind, NoticeStatus, Outcome, ProcessType, RequestStatus } from './vocabulary.ts';

/** What a request asks for when the intake did not say: preservation preserves, takedown restricts. */
export function defaultDemandKind(p: ProcessType): DemandKind {
  if (p === 'preservation_request') return 'preserve';
  if (p === 'takedown_request') return 'restrict_content';
  return 'disclose';
}

/** Notice statuses after which nothing is left to do for the customer. */
const NOTICE_SETTLED: ReadonlySet<NoticeStatus> = new Set([
  'sent',
  'not_applicable',
  'not_possible',
  'not_recorded',
]);

/**
 * Where a request starts. Recorded with its outcome, it is already answered; if its customer notice is settled
 * too (a historical record), nothing is left to do and it is closed. Otherwise it starts at `received`.
 */
export function initialStatus(outcome: Outcome | null | undefined, notice?: NoticeStatus): RequestStatus {
  if (!outcome) return 'received';
  return notice && NOTICE_SETTLED.has(notice) ? 'closed' : 'responded';
}

/** What happened to each named account, from the request's outcome (refined per account later). */
export function accountResult(outcome: Outcome | null | undefined): AccountResult | null {
  switch (outcome) {
    case null:
    case undefined:
      return null;
    case 'non_content_produced':
    case 'content_produced':
      return 'produced';
    case 'preserved':
      return 'preserved';
    case 'content_restricted':
      return 'restricted';
    case 'no_data':
      return 'no_data';
    case 'not_recorded':
      return null;
    default:
      return 'not_produced';
  }
}

/** Outcomes after which there is nothing to tell the customer about: nothing was disclosed or done. */
const NOTHING_DONE: ReadonlySet<Outcome> = new Set(['rejected', 'withdrawn', 'no_data', 'no_action']);

/**
 * The notice status a new request starts with when the intake does not give one. An order in force forbids
 * notice (18 U.S.C. 2705(b)); an emergency disclosure delays it until the emergency has passed.
 */
export function initialNoticeStatus(r: {
  outcome: Outcome | null | undefined;
  emergency: boolean;
  ndoInForce: boolean;
}): NoticeStatus {
  if (r.ndoInForce) return 'prohibited_by_order';
  // What was done is not known, so neither is whether the customer was told.
  if (r.outcome === 'not_recorded') return 'not_recorded';
  if (r.outcome && NOTHING_DONE.has(r.outcome)) return 'not_applicable';
  if (r.emergency && r.outcome) return 'delayed_emergency';
  return 'pending';
}

/** Notice statuses that say something is still to do for the customer: an invented fact in history. */
const STILL_TO_DO: ReadonlySet<NoticeStatus> = new Set(['pending', 'delayed_emergency']);

/**
 * The notice status of imported history that carries none (docs/import-format.md, "History of past periods"):
 * a request that was answered (it has an outcome, `not_recorded` included) and was received in a half-year
 * that had ended when it is imported gets `not_recorded` where the intake default would say notice is still
 * to do (`pending`, `delayed_emergency`). What the record itself shows (an order in force, nothing done) stands.
 */
export function historyNoticeStatus(
  derived: NoticeStatus,
  r: { outcome: Outcome | null | undefined; receivedAt: string; now: Date },
): NoticeStatus {
  if (!r.outcome || !STILL_TO_DO.has(derived)) return derived;
  const d = new Date(r.receivedAt);
  const half = `${d.getUTCFullYear()}-H${d.getUTCMonth() < 6 ? 1 : 2}`;
  return Date.parse(parsePeriod(half).endExclusiveInstant) <= r.now.getTime() ? 'not_recorded' : derived;
}
