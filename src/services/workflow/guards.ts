import type { Db } from '../../db/connect.ts';
import { checkEmergencyReady, type EmergencyProblem } from '../../domain/emergency.ts';
import { checkNoticeChange } from '../../domain/notice-change.ts';
import { noticeDecision, type NoticeDecision } from '../../domain/notice-policy.ts';
import type { PolicyConfig } from '../../domain/policy-config.ts';
import {
  policyGate,
  producedFor,
  whoLifts,
  type GateFacts,
  type Refusal,
  type RefusalKind,
} from '../../domain/policy-gate.ts';
import type { NoticeStatus, Outcome } from '../../domain/vocabulary.ts';
import { CandorError } from '../../errors.ts';
import type { RequestBundle } from '../../repositories/requests-repository.ts';
import { snapshotParts, type WorkflowRecords } from '../../repositories/workflow-repository.ts';
import { snapshotsFrom } from '../due.ts';

/**
 * Checks shared by every path that can change a request (the workflow service and the generic PATCH), so a
 * rule cannot be side-stepped by choosing another door.
 */

/** What the notice policy decides for a request at `now`, optionally as if it had this outcome. */
export async function decideNotice(
  db: Db,
  requestId: number,
  now: Date,
  policy: PolicyConfig,
  as: { outcome?: Outcome | null; respondedAt?: Date | null } = {},
): Promise<NoticeDecision> {
  const [s] = snapshotsFrom(await snapshotParts(db, requestId));
  if (!s) throw new CandorError('not_found', `request ${requestId} does not exist`);
  return noticeDecision({
    ...s,
    ...(as.outcome !== undefined ? { outcome: as.outcome } : {}),
    ...(as.respondedAt !== undefined ? { respondedAt: as.respondedAt } : {}),
    now,
    policy,
  });
}

/** Refuses a notice status the notice policy forbids now (an order in force, an emergency delay). */
export async function assertNoticeChange(
  db: Db,
  requestId: number,
  to: NoticeStatus,
  now: Date,
  policy: PolicyConfig,
): Promise<NoticeDecision> {
  const decision = await decideNotice(db, requestId, now, policy);
  const check = checkNoticeChange(to, decision);
  if (!check.ok)
    throw new CandorError(check.code, check.message, [{ field: 'notice_status', message: check.message }]);
  return decision;
}

/** The emergency readiness problems of a request, from its stored records. */
export function emergencyProblems(b: RequestBundle, w: WorkflowRecords): EmergencyProblem[] {
  const e = w.emergency;
  return checkEmergencyReady({
    basis: { attestsDangerOfDeathOrInjury: e?.attests_danger ?? false, text: b.request.emergency_basis },
    verification: {
      verifiedBy: e?.verified_by ?? null,
      calledBackAt: e?.called_back_at ?? null,
      number: e?.callback_number ?? null,
      numberSource: e?.number_source ?? null,
    },
    approvals: w.approvals
      .filter((a) => a.purpose === 'emergency_disclosure')
      .map((a) => ({ userId: String(a.approver_id), role: a.approver_role })),
    // approve() refuses while no handler is assigned, so an approval always names someone else.
    handlerId: b.request.assigned_to === null ? '' : String(b.request.assigned_to),
    requestText: [b.request.emergency_basis, b.request.notes].filter(Boolean).join('\n'),
  });
}

/** Refuses to answer an emergency request with data until it is ready (18 U.S.C. 2702(b)(8), (c)(4)). */
export function assertEmergencyReady(b: RequestBundle, w: WorkflowRecords): void {
  const problems = emergencyProblems(b, w);
  if (problems.length > 0) {
    throw new CandorError(
      'invalid_state',
      `the emergency request cannot be answered with data yet: ${problems.map((p) => p.message).join('; ')}`,
      problems.map((p) => ({ field: `emergency.${p.code}`, message: p.message })),
    );
  }
}

/** The gate's facts for a stored request, as a write would change them (`over`). */
export function storedFacts(
  b: RequestBundle,
  w: WorkflowRecords,
  now: Date,
  over: Partial<GateFacts> = {},
): GateFacts {
  const r = b.request;
  const current = w.responses.filter((x) => x.superseded_at === null).at(-1);
  const produced =
    current && current.outcome === r.outcome ? current.produced : producedFor(r.outcome, r.data_sought);
  return {
    processType: r.process_type,
    channel: r.channel,
    requesterClass: r.requester_class,
    agencyCountry: b.agency.country,
    emergency: r.emergency,
    receivedAt: r.received_at,
    outcome: r.outcome,
    produced,
    targetUsPerson: r.target_us_person,
    ndos: b.ndos.map((n) => ({
      authority: n.authority,
      issuedAt: n.issued_at,
      expiresAt: n.expires_at,
      liftedAt: n.lifted_at,
    })),
    respondedAt: r.responded_at,
    emergencyPassedAt: w.emergency?.passed_at ?? null,
    emergencyProblems: emergencyProblems(b, w),
    legalSignOff: w.approvals.some((a) => a.purpose === 'legal_sign_off' && a.approver_id !== r.assigned_to),
    now,
    ...over,
  };
}

/**
 * Throws when the gate refuses the write: every refusal not in `lifted` is named with its field, its rule and
 * who may lift it. A rejected write changes nothing (callers run inside their transaction).
 */
export function assertGate(refusals: readonly Refusal[], lifted: readonly RefusalKind[] = []): void {
  const left = refusals.filter((r) => !lifted.includes(r.kind));
  if (left.length === 0) return;
  const bars = left.some((r) => r.kind === 'bar');
  throw new CandorError(
    'invalid_state',
    `the policy gate refuses this: ${left.map((r) => `${r.message} (${r.rule}; ${whoLifts(r.kind)})`).join('; ')}${
      !bars && left.some((r) => r.kind === 'tier')
        ? '. An approver may override a policy tier with a written reason when recording the response.'
        : ''
    }`,
    left.map((r) => ({ field: r.field, message: `${r.rule}: ${r.message}` })),
  );
}

/** The gate over stored facts, with the given changes. */
export function gateStored(
  b: RequestBundle,
  w: WorkflowRecords,
  now: Date,
  policy: PolicyConfig,
  over: Partial<GateFacts> = {},
): Refusal[] {
  return policyGate(storedFacts(b, w, now, over), policy);
}

/**
 * The gate for a change of a stored request: refuses what the change would add. A refusal the request
 * already carried (an approver's override, imported history) does not block an unrelated change.
 */
export function assertGateChange(
  b: RequestBundle,
  w: WorkflowRecords,
  now: Date,
  policy: PolicyConfig,
  over: Partial<GateFacts>,
): void {
  const key = (r: Refusal) => `${r.rule}:${r.field}:${(r.beyond ?? []).join(',')}`;
  const already = new Set(gateStored(b, w, now, policy).map(key));
  assertGate(gateStored(b, w, now, policy, over).filter((r) => !already.has(key(r))));
}
