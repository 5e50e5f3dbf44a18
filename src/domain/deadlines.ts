import { addDays, addHours, defaultPolicy, type PolicyConfig } from './policy-config.ts';
import type { Channel, ProcessType } from './vocabulary.ts';

/**
 * Response deadlines. Only the EU sets hard ones: an EPOC must be answered within 10 days, or 8 hours in an
 * emergency (Regulation (EU) 2023/1543 Art. 10(3)-(4)). Everything else is an internal target from the policy;
 * a return date written on the process itself overrides it and is recorded by the handler, not derived here.
 */

/** The request fields a response deadline depends on. */
export interface DeadlineInput {
  processType: ProcessType;
  channel: Channel;
  emergency: boolean;
  receivedAt: Date;
}

/** When the response is due, or null where no deadline applies. */
export function responseDueAt(input: DeadlineInput, policy: PolicyConfig = defaultPolicy): Date | null {
  const r = policy.response;
  // An EPOC-PR has no production deadline: it falls through to the preservation target below.
  if (input.channel === 'eu_e_evidence' && input.processType !== 'preservation_request') {
    return input.emergency
      ? addHours(input.receivedAt, r.euEvidenceEmergencyHours)
      : addDays(input.receivedAt, r.euEvidenceDays);
  }
  if (input.channel === 'dsa_art_9') return addHours(input.receivedAt, r.dsaArt9Hours);
  if (input.channel === 'dsa_art_10') return addHours(input.receivedAt, r.dsaArt10Hours);
  if (input.emergency) return addHours(input.receivedAt, r.emergencyHours);
  const days = r.byProcessType[input.processType];
  return days === null ? null : addDays(input.receivedAt, days);
}

/** The last moment to move to quash or modify content process under 18 U.S.C. 2703(h)(2) (14 days from service). */
export function motionToQuashDeadline(servedAt: Date, policy: PolicyConfig = defaultPolicy): Date {
  return addDays(servedAt, policy.cloudAct.motionToQuashDays);
}
