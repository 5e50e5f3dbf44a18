import { addDays, type PolicyConfig } from './policy-config.ts';
import type { Role } from './vocabulary.ts';

/**
 * Emergency disclosure (18 U.S.C. 2702(b)(8) content, (c)(4) records) is voluntary and rests on the provider's
 * good-faith belief in "an emergency involving danger of death or serious physical injury to any person".
 * Forged emergency requests from compromised police mailboxes are the main known attack (2021-2024), so the
 * request is only ready once the basis is attested, the agency was called back on a number we found ourselves,
 * and a second person approved.
 */

import { NUMBER_SOURCES, type NumberSource } from './vocabulary.ts';

export { NUMBER_SOURCES, type NumberSource };

/** The emergency record to check before disclosure. */
export interface EmergencyReadinessInput {
  basis: {
    /** The requester attested danger of death or serious physical injury; an explicit flag, not parsed text. */
    attestsDangerOfDeathOrInjury: boolean;
    text?: string | null;
  };
  verification: {
    verifiedBy: string | null;
    calledBackAt: Date | null;
    number: string | null;
    numberSource: NumberSource | null;
  };
  approvals: readonly { userId: string; role: Role }[];
  handlerId: string;
  /** The request as received (e-mail body, form text), to catch a call-back number copied from it. */
  requestText?: string | null;
}

/** A stable code per thing that stops an emergency disclosure. */
export type EmergencyProblemCode =
  'basis_not_attested' | 'verification_incomplete' | 'callback_number_from_request' | 'no_second_approval';

/** One reason an emergency disclosure may not go ahead yet. */
export interface EmergencyProblem {
  code: EmergencyProblemCode;
  message: string;
}

/** The roles that hold the approver's powers; the same list as the `request.approve` action. */
export const APPROVER_ROLES: readonly Role[] = ['approver', 'admin'];

const digits = (s: string) => s.replace(/\D/g, '');

/** Whether the phone number appears in the text, ignoring formatting and a leading country code. */
function numberAppearsIn(number: string, text: string): boolean {
  const wanted = digits(number);
  if (wanted.length < 7) return false;
  const candidates = text.match(/\+?\d[\d\s().-]{5,}\d/g) ?? [];
  return candidates.some((c) => {
    const d = digits(c);
    return d.length >= 7 && (d.endsWith(wanted) || wanted.endsWith(d));
  });
}

/** Lists what stops an emergency disclosure; an empty list means it may go ahead. */
export function checkEmergencyReady(input: EmergencyReadinessInput): EmergencyProblem[] {
  const problems: EmergencyProblem[] = [];
  if (!input.basis.attestsDangerOfDeathOrInjury) {
    problems.push({
      code: 'basis_not_attested',
      message:
        'the request must attest danger of death or serious physical injury (18 U.S.C. 2702(b)(8), (c)(4))',
    });
  }
  const v = input.verification;
  const missing = [
    !v.verifiedBy?.trim() && 'who verified',
    !v.calledBackAt && 'when the agency was called back',
    !v.number?.trim() && 'the number called',
    !v.numberSource && 'where the number came from',
  ].filter((m): m is string => typeof m === 'string');
  if (missing.length > 0) {
    problems.push({
      code: 'verification_incomplete',
      message: `the verification lacks ${missing.join(', ')}`,
    });
  }
  const fromRequest =
    v.numberSource === 'request' ||
    (v.number && input.requestText ? numberAppearsIn(v.number, input.requestText) : false);
  if (fromRequest) {
    problems.push({
      code: 'callback_number_from_request',
      message:
        'the call-back number must be found independently of the request (a forged request supplies its own)',
    });
  }
  // An admin holds the approver's powers (docs/workflow.md, "Who may approve"): a General Counsel who is
  // also the admin is offered Approve and is not refused afterwards. The two-person rule still holds.
  const second = input.approvals.some((a) => APPROVER_ROLES.includes(a.role) && a.userId !== input.handlerId);
  if (!second) {
    problems.push({ code: 'no_second_approval', message: 'an approver other than the handler must approve' });
  }
  return problems;
}

/** When the follow-up legal process for an emergency disclosure is due. */
export function followUpDue(respondedAt: Date, policy: PolicyConfig): Date {
  return addDays(respondedAt, policy.emergency.followUpDays);
}

/**
 * When customer notice delayed by an emergency becomes due: when the emergency is recorded as passed, but no
 * later than the configured delay after the disclosure.
 */
export function emergencyNoticeDueAt(respondedAt: Date, policy: PolicyConfig, passedAt?: Date | null): Date {
  const latest = addDays(respondedAt, policy.emergency.noticeDelayDays);
  return passedAt && passedAt < latest ? passedAt : latest;
}
