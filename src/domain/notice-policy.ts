import { emergencyNoticeDueAt } from './emergency.ts';
import { ndoEndsAt, ndoInForce, type Ndo } from './ndo.ts';
import type { PolicyConfig } from './policy-config.ts';
import type { NoticeKind, NoticeStatus, Outcome, ProcessType } from './vocabulary.ts';

/**
 * Customer notice. Customers are told of a request unless a statute, warrant, subpoena or court order forbids
 * it (a 2705(b) order, an NSL 2709(c) or FISA gag), and notice after an emergency disclosure waits only until
 * the emergency has passed. When an order expires or is lifted, the held-back notice becomes due then.
 */

export type { NoticeKind };

/** The facts of a request the notice decision depends on. */
export interface NoticeDecisionInput {
  ndos: readonly Ndo[];
  emergency: boolean;
  respondedAt: Date | null;
  /** null while the request is in process. */
  outcome: Outcome | null;
  /** When given, types the policy exempts from notice (preservation) get not_applicable. */
  processType?: ProcessType;
  /** At least one affected account has contact details to send notice to. */
  accountsHaveContact: boolean;
  /** When the emergency was recorded as passed, if it was; notice may then go before the configured delay. */
  emergencyPassedAt?: Date | null;
  now: Date;
  policy: PolicyConfig;
}

/** The notice status owed, when it is due, and why. */
export interface NoticeDecision {
  status: NoticeStatus;
  dueAt?: Date;
  reason: string;
  kind?: NoticeKind;
}

const latest = (dates: readonly Date[]): Date | null =>
  dates.length === 0 ? null : new Date(Math.max(...dates.map((d) => d.getTime())));

/** What notice is owed at `now`. Never 'pending' (sendable) while an order binds or an emergency delay runs. */
export function noticeDecision(input: NoticeDecisionInput): NoticeDecision {
  const { now, policy } = input;
  const binding = input.ndos.filter((n) => ndoInForce(n, now));
  if (binding.length > 0) {
    const ends = binding.map(ndoEndsAt);
    const last = ends.every((d): d is Date => d !== null) ? latest(ends) : null;
    return {
      status: 'prohibited_by_order',
      reason: `a non-disclosure order (${binding.map((n) => n.authority).join(', ')}) forbids notice ${
        last ? `until ${last.toISOString()}` : 'indefinitely'
      } (18 U.S.C. 2705(b))`,
      ...(last ? { dueAt: last, kind: 'after_order_expired' as const } : {}),
    };
  }
  if (input.outcome && !policy.notice.notifyOutcomes.includes(input.outcome)) {
    return { status: 'not_applicable', reason: `nothing of the customer's was disclosed (${input.outcome})` };
  }
  if (input.processType && policy.notice.exemptProcessTypes.includes(input.processType)) {
    return { status: 'not_applicable', reason: `the policy gives no notice of a ${input.processType}` };
  }
  const emergencyEnds =
    input.emergency && input.respondedAt
      ? emergencyNoticeDueAt(input.respondedAt, policy, input.emergencyPassedAt)
      : null;
  if (input.emergency && (!emergencyEnds || now < emergencyEnds)) {
    return {
      status: 'delayed_emergency',
      reason: emergencyEnds
        ? `notice waits until the emergency has passed, at the latest ${emergencyEnds.toISOString()}`
        : 'notice waits until the emergency disclosure is made and the emergency has passed',
      ...(emergencyEnds ? { dueAt: emergencyEnds, kind: 'after_emergency_passed' as const } : {}),
    };
  }
  if (!input.accountsHaveContact) {
    return { status: 'not_possible', reason: 'no affected account has contact details' };
  }
  // The latest lifted blocker decides when (and as what kind) the held-back notice became due.
  const orderEnded = latest(input.ndos.map(ndoEndsAt).filter((d): d is Date => d !== null));
  if (orderEnded && (!emergencyEnds || orderEnded >= emergencyEnds)) {
    return {
      status: 'pending',
      kind: 'after_order_expired',
      dueAt: orderEnded,
      reason: `the non-disclosure order ended at ${orderEnded.toISOString()}; the held-back notice is due`,
    };
  }
  if (emergencyEnds) {
    return {
      status: 'pending',
      kind: 'after_emergency_passed',
      dueAt: emergencyEnds,
      reason: `the emergency delay ended at ${emergencyEnds.toISOString()}; notice is due`,
    };
  }
  if (!input.respondedAt) {
    return {
      status: 'pending',
      kind: 'before_disclosure',
      reason: 'notify the customer before disclosure, so they can object',
    };
  }
  return {
    status: 'pending',
    kind: 'after_disclosure',
    dueAt: input.respondedAt,
    reason: 'data was disclosed and no order forbids notice; notice is owed',
  };
}

/** Whether notice may be sent now under this decision. */
export function canSendNotice(decision: NoticeDecision): boolean {
  return decision.status === 'pending';
}
