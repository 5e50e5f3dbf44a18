import { executiveAgreementInForce, guidance, mayCompel } from './compel.ts';
import { checkEmergencyReady, type EmergencyProblem } from './emergency.ts';
import type { Ndo } from './ndo.ts';
import { checkNoticeChange } from './notice-change.ts';
import { noticeDecision } from './notice-policy.ts';
import type { PolicyConfig } from './policy-config.ts';
import type {
  Channel,
  DataSought,
  NoticeStatus,
  Outcome,
  ProcessType,
  RequesterClass,
} from './vocabulary.ts';

/**
 * The one policy gate. Every door that records what a request asked for, what was given and whether the
 * customer was told (intake, import, PATCH, each workflow action, the production record, the demo) hands the
 * facts the write would leave behind to `policyGate` and refuses the write when it returns a refusal the
 * caller cannot lift. Three kinds of refusal, because the law draws the line, not the handler:
 *
 * - `bar`: a statute forbids it (18 U.S.C. 2702(a), (b)(8), (b)(9), 2711(4), 2523(b)(4)). Nobody lifts it, not
 *   an approver, not an admin, not an import's override column.
 * - `tier`: the provider's policy on what a process may compel (the 2703 tiers, the MLAT-served process). An
 *   approver other than the handler may override it in writing, when the response is recorded.
 * - `rule`: a practice the workflow enforces (emergency readiness, notice held by an order or an emergency,
 *   an attorney's sign-off). It is met by doing the step, not overridden; history brought in from another
 *   system may carry it with an audited per-row override reason (docs/import-format.md).
 */

/** Who may lift a refusal. */
export type RefusalKind = 'bar' | 'tier' | 'rule';

/** A stable name per rule of the gate (docs/workflow.md lists each). */
export type GateRule =
  | 'sca_tier'
  | 'mlat_served_process'
  | 'civil_litigant_content'
  | 'foreign_content_channel'
  | 'agreement_not_in_force'
  | 'agreement_targets_us_person'
  | 'agreement_target_unknown'
  | 'emergency_content_non_us'
  | 'emergency_not_ready'
  | 'notice_held'
  | 'notice_without_order'
  | 'attorney_sign_off';

/** One thing the gate refuses: the field to fix, the rule, who may lift it, and why (with the citation). */
export interface Refusal {
  field: string;
  rule: GateRule;
  kind: RefusalKind;
  message: string;
  /** For `sca_tier` / `mlat_served_process`: the categories beyond what the process allows. */
  beyond?: DataSought[];
}

/** The facts a write would leave behind, as far as the gate judges them. */
export interface GateFacts {
  processType: ProcessType;
  channel: Channel;
  requesterClass: RequesterClass;
  /** The requesting agency's country (ISO 3166-1 alpha-2). */
  agencyCountry: string;
  emergency: boolean;
  receivedAt: Date;
  outcome: Outcome | null;
  /** The categories disclosed (empty when nothing was). */
  produced: readonly DataSought[];
  /** Whether the targeted customer is a US person or located in the US; null = not recorded. */
  targetUsPerson: boolean | null;
  /** The notice status the write records; undefined when the write does not touch it. */
  noticeStatus?: NoticeStatus | undefined;
  ndos: readonly Ndo[];
  respondedAt: Date | null;
  emergencyPassedAt?: Date | null;
  /** What still stops an emergency disclosure (from `checkEmergencyReady`); [] when ready. */
  emergencyProblems: readonly EmergencyProblem[];
  /** An approver other than the handler gave legal sign-off. */
  legalSignOff: boolean;
  now: Date;
}

/** The outcomes that disclose data, and the categories an outcome implies when only the outcome is known. */
export function producedFor(
  outcome: Outcome | null | undefined,
  dataSought: readonly DataSought[],
): DataSought[] {
  if (outcome === 'content_produced') {
    return dataSought.includes('content') ? [...dataSought] : [...dataSought, 'content'];
  }
  if (outcome === 'non_content_produced') {
    const records = dataSought.filter((d) => d !== 'content');
    // Nothing sought was named: the least a production of records can be.
    return records.length > 0 ? records : ['basic_subscriber'];
  }
  return [];
}

/** The tier of a process on its channel: an order under an in-force 2523 agreement may reach content. */
export function channelTier(
  f: Pick<GateFacts, 'processType' | 'channel' | 'agencyCountry' | 'receivedAt'>,
  policy: PolicyConfig,
): DataSought[] {
  if (
    f.channel === 'executive_agreement' &&
    f.agencyCountry.toUpperCase() !== 'US' &&
    executiveAgreementInForce(f.agencyCountry, f.receivedAt, policy)
  ) {
    return ['basic_subscriber', 'non_content', 'content'];
  }
  return mayCompel(f.processType, policy);
}

/** The process types that arrive as US process served under 18 U.S.C. 3512 after an MLAT request. */
export const MLAT_SERVED_PROCESS: readonly ProcessType[] = [
  'search_warrant',
  'court_order_2703d',
  'court_order',
  'subpoena',
  'grand_jury_subpoena',
  'mlat_request',
];

/** Every refusal the gate makes for these facts; an empty list means the write may go ahead. */
export function policyGate(f: GateFacts, policy: PolicyConfig): Refusal[] {
  const out: Refusal[] = [];
  // A provider outside the Stored Communications Act states so in the policy file: the 2702 bars then
  // bind it only as its own policy (an approver may override, in writing).
  const sca = policy.jurisdiction.subjectTo === 'us_sca';
  const bar = (r: Omit<Refusal, 'kind'>) =>
    out.push({
      ...r,
      kind: sca ? 'bar' : 'tier',
      message: sca ? r.message : `${r.message} (applied as policy: the provider is not subject to the SCA)`,
    });
  const content = f.produced.includes('content');
  const foreign = f.agencyCountry.toUpperCase() !== 'US';

  // Statutory bars first: they decide before any tier does.
  if (content && (f.requesterClass === 'civil_litigant' || f.processType === 'civil_subpoena')) {
    bar({
      field: 'outcome',
      rule: 'civil_litigant_content',
      message:
        'content may not be disclosed to a private (civil) litigant: 18 U.S.C. 2702(a) has no exception for it',
    });
  }
  const agreementInForce =
    foreign &&
    f.channel === 'executive_agreement' &&
    executiveAgreementInForce(f.agencyCountry, f.receivedAt, policy);
  if (content && foreign) {
    if (f.channel === 'executive_agreement' && !agreementInForce) {
      bar({
        field: 'channel',
        rule: 'agreement_not_in_force',
        message: `no 2523 executive agreement with ${f.agencyCountry} was in force on ${f.receivedAt
          .toISOString()
          .slice(
            0,
            10,
          )}: content goes to a foreign authority only under US process after an MLAT (18 U.S.C. 2702(a), (b)(9), 3512)`,
      });
    } else if (!['mlat', 'letter_rogatory', 'executive_agreement'].includes(f.channel)) {
      bar({
        field: 'channel',
        rule: 'foreign_content_channel',
        message:
          'content may not go directly to a foreign authority: only under US process served after an MLAT or letter rogatory (18 U.S.C. 3512) or an order under an in-force 2523 executive agreement (2702(a), (b)(9))',
      });
    }
    const viaProcess = ['mlat', 'letter_rogatory', 'executive_agreement'].includes(f.channel);
    if (f.processType === 'emergency_request' || (f.emergency && !viaProcess)) {
      bar({
        field: 'emergency',
        rule: 'emergency_content_non_us',
        message:
          'content under the emergency exception goes only to a US governmental entity (18 U.S.C. 2702(b)(8), 2711(4))',
      });
    }
  } else if (content && f.processType === 'emergency_request' && f.requesterClass !== 'government') {
    bar({
      field: 'requester_class',
      rule: 'emergency_content_non_us',
      message:
        'content under the emergency exception goes only to a US governmental entity (18 U.S.C. 2702(b)(8), 2711(4))',
    });
  }
  if (agreementInForce && f.produced.length > 0) {
    if (f.targetUsPerson === true) {
      bar({
        field: 'target_us_person',
        rule: 'agreement_targets_us_person',
        message:
          'an order under a 2523 executive agreement may not target a US person or a person in the US (18 U.S.C. 2523(b)(4)(A)-(B)); it is no lawful basis for disclosure',
      });
    } else if (f.targetUsPerson === null) {
      out.push({
        field: 'target_us_person',
        rule: 'agreement_target_unknown',
        kind: 'rule',
        message:
          'record whether the targeted customer is a US person or located in the US before answering an executive-agreement order (18 U.S.C. 2523(b)(4))',
      });
    }
  }

  // The 2703 tier of the process on its channel (policy: an approver may override).
  const allowed = channelTier(f, policy);
  // Content a bar already refuses is not offered for a tier override as well.
  const contentBarred = out.some((r) => r.rule !== 'agreement_target_unknown');
  const beyond = f.produced.filter((d) => !allowed.includes(d) && !(d === 'content' && contentBarred));
  if (beyond.length > 0) {
    const mlat = f.channel === 'mlat' && f.processType === 'mlat_request';
    out.push({
      field: 'outcome',
      rule: mlat ? 'mlat_served_process' : 'sca_tier',
      kind: 'tier',
      beyond,
      message: mlat
        ? `${beyond.join(', ')} is beyond what is known of the served process: an MLAT request reaches only what the US process served under 18 U.S.C. 3512 allows; record that process (search_warrant, court_order_2703d, subpoena) as the process type`
        : `${beyond.join(', ')} is beyond the tier: ${guidance(f.processType, policy)}`,
    });
  }

  // Workflow rules: met by doing the step.
  if (f.emergency && f.produced.length > 0) {
    for (const p of f.emergencyProblems) {
      out.push({
        field: `emergency.${p.code}`,
        rule: 'emergency_not_ready',
        kind: 'rule',
        message: `the emergency request cannot be answered with data yet: ${p.message}`,
      });
    }
  }
  if (f.produced.length > 0 && policy.signOff.requiredFor.includes(f.processType) && !f.legalSignOff) {
    out.push({
      field: 'approvals',
      rule: 'attorney_sign_off',
      kind: 'rule',
      message: `the policy requires an attorney's sign-off (approve --purpose legal_sign_off) before data is produced on a ${f.processType}`,
    });
  }
  if (f.noticeStatus !== undefined) {
    const decision = noticeDecision({
      ndos: f.ndos,
      emergency: f.emergency,
      respondedAt: f.respondedAt,
      outcome: f.outcome,
      processType: f.processType,
      accountsHaveContact: true,
      emergencyPassedAt: f.emergencyPassedAt ?? null,
      now: f.now,
      policy,
    });
    const check = checkNoticeChange(f.noticeStatus, decision);
    if (!check.ok) {
      out.push({
        field: 'notice_status',
        rule: f.noticeStatus === 'prohibited_by_order' ? 'notice_without_order' : 'notice_held',
        kind: 'rule',
        message: check.message,
      });
    }
  }
  return out;
}

/** One sentence for an error: every refusal, each with its rule. */
export function describeRefusals(refusals: readonly Refusal[]): string {
  return refusals.map((r) => `${r.message} [${r.rule}, ${whoLifts(r.kind)}]`).join('; ');
}

/** Who may lift a refusal of this kind, in words. */
export function whoLifts(kind: RefusalKind): string {
  if (kind === 'bar') return 'a statutory bar: no role may override it';
  if (kind === 'tier') return 'policy: an approver may override with a written reason';
  return 'a workflow rule: complete the step first';
}

/** The facts of a request as an intake door (form, API, CLI, import, demo) would record it. */
export function intakeFacts(
  v: {
    process_type: ProcessType;
    channel: Channel;
    requester_class: RequesterClass;
    agency: { country: string };
    emergency: boolean;
    emergency_basis?: string | null | undefined;
    notes?: string | null | undefined;
    received_at: string;
    outcome?: Outcome | null | undefined;
    responded_at?: string | null | undefined;
    data_sought: readonly DataSought[];
    notice_status?: NoticeStatus | null | undefined;
    target_us_person?: boolean | null | undefined;
    ndo?:
      | { authority: Ndo['authority']; issued_at?: string | null; expires_at: string | null }
      | null
      | undefined;
  },
  now: Date,
): GateFacts {
  const emergency = v.emergency || v.process_type === 'emergency_request';
  const date = (s: string | null | undefined) => (s ? new Date(s) : null);
  return {
    processType: v.process_type,
    channel: v.channel,
    requesterClass: v.requester_class,
    agencyCountry: v.agency.country,
    emergency,
    receivedAt: new Date(v.received_at),
    outcome: v.outcome ?? null,
    produced: producedFor(v.outcome, v.data_sought),
    targetUsPerson: v.target_us_person ?? null,
    noticeStatus: v.notice_status ?? undefined,
    ndos: v.ndo
      ? [
          {
            authority: v.ndo.authority,
            issuedAt: date(v.ndo.issued_at),
            expiresAt: date(v.ndo.expires_at),
            liftedAt: null,
          },
        ]
      : [],
    respondedAt: date(v.responded_at),
    // Nothing is verified or approved at intake: an emergency disclosure is recorded through the workflow.
    emergencyProblems: emergency
      ? checkEmergencyReady({
          basis: { attestsDangerOfDeathOrInjury: false, text: v.emergency_basis ?? null },
          verification: { verifiedBy: null, calledBackAt: null, number: null, numberSource: null },
          approvals: [],
          handlerId: '',
          requestText: [v.emergency_basis, v.notes].filter(Boolean).join('\n'),
        })
      : [],
    legalSignOff: false,
    now,
  };
}
