import { addDays, addHours, defaultPolicy, type PolicyConfig } from './policy-config.ts';
import type { Channel, DataSought, ProcessType } from './vocabulary.ts';

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

/**
 * Process issued under 18 U.S.C. 2703 that can require the contents of communications: warrants, 2703(d) and
 * other court orders, grand jury, administrative and other statutory subpoenas (a CID counts as one), and the
 * US process served after an MLAT request (18 U.S.C. 3512 warrants and orders are issued under 2703).
 * Not a private litigant's subpoena, a Title III or pen-register order (their own statutes), an emergency
 * (voluntary, 2702(b)(8)), a preservation or takedown request, national-security process, or a foreign order
 * (an executive-agreement order is not issued under 2703; its objections go through the agreement).
 */
const SECTION_2703_PROCESS: readonly ProcessType[] = [
  'search_warrant',
  'court_order_2703d',
  'court_order',
  'grand_jury_subpoena',
  'subpoena',
  'administrative_subpoena',
  'civil_investigative_demand',
  'mlat_request',
];
/** Channels on which the process is US process served on the provider (domestic, or 3512 after an MLAT). */
const US_PROCESS_CHANNELS: readonly Channel[] = ['domestic', 'mlat', 'letter_rogatory'];

/** The request fields that decide whether a 2703(h)(2) motion to quash is open to the provider. */
export interface MotionToQuashInput {
  processType: ProcessType;
  channel: Channel;
  emergency: boolean;
  dataSought: readonly DataSought[];
  /** Whether the targeted customer is a US person or in the US; null while unknown. */
  targetUsPerson: boolean | null;
  receivedAt: Date;
}

/**
 * The 2703(h)(2) deadline of a request, or null where the motion is not open to the provider: only 2703
 * process seeking content (2703(h)(2): "required to disclose ... the contents"), and only where the provider
 * has recorded that the customer is not a US person and not in the US (2703(h)(2)(A)(i)). Whether disclosure
 * would risk violating the law of a qualifying foreign government ((A)(ii)) is counsel's judgement, not
 * recorded, so the deadline is shown as a possibility to weigh. Served = received.
 */
export function motionToQuashDueAt(
  input: MotionToQuashInput,
  policy: PolicyConfig = defaultPolicy,
): Date | null {
  if (input.emergency) return null;
  if (!SECTION_2703_PROCESS.includes(input.processType)) return null;
  if (!US_PROCESS_CHANNELS.includes(input.channel)) return null;
  if (!input.dataSought.includes('content')) return null;
  if (input.targetUsPerson !== false) return null;
  return motionToQuashDeadline(input.receivedAt, policy);
}
