import type { Config } from '../config.ts';
import type { Db } from '../db/connect.ts';
import { fromDatabaseError } from '../db/errors.ts';
import type { AccountResult, ApprovalPurpose, HoldReleaseReason } from '../db/schema.ts';
import { guidance, mayCompel, requiredChannel } from '../domain/compel.ts';
import { motionToQuashDueAt, responseDueAt } from '../domain/deadlines.ts';
import { dueItems } from '../domain/due.ts';
import type { NumberSource } from '../domain/emergency.ts';
import { accountResult } from '../domain/intake-defaults.ts';
import { checkTransition } from '../domain/lifecycle.ts';
import { exceedsDojPolicy, ndoInForce, nextReviewAt } from '../domain/ndo.ts';
import { noticeDecision } from '../domain/notice-policy.ts';
import { acceptsHold, canExtend, holdExpiresAt, holdState, type HoldRegime } from '../domain/preservation.ts';
import { checkResponse } from '../domain/response.ts';
import type { DataSought, NdoAuthority, NoticeStatus, Outcome, RequestStatus } from '../domain/vocabulary.ts';
import { CandorError } from '../errors.ts';
import { appendEvent } from '../repositories/audit-repository.ts';
import { findRequest, type RequestBundle } from '../repositories/requests-repository.ts';
import { findUserByEmail, listUsers } from '../repositories/users-repository.ts';
import {
  bumpVersion,
  extendHold,
  findHold,
  findNdo,
  findUserById,
  findWorkflowRecords,
  insertApproval,
  insertHold,
  insertNdo,
  insertOverride,
  insertResponse,
  lockHeldNotices,
  lockOpenHolds,
  releaseHold,
  setEmergencyDates,
  setTargetResults,
  snapshotParts,
  supersedeResponse,
  updateNdo,
  upsertVerification,
  withdrawApprovals,
  type NewNdo,
  type WorkflowRecords,
} from '../repositories/workflow-repository.ts';
import { cancelUnsent } from '../repositories/notices-repository.ts';
import { ACTIONS, authorize, can, type Actor } from './authorize.ts';
import { assertSeesRequest } from './sight.ts';
import { presentDue, snapshotsFrom } from './due.ts';
import type { Clock } from './requests.ts';
import {
  assertGate,
  assertGateChange,
  assertNoticeChange,
  decideNotice,
  emergencyProblems,
  gateStored,
} from './workflow-guards.ts';

/** The actor of scheduled work (hold and notice release) when no person starts it. */
export const SCHEDULER: Actor = { label: 'system:scheduler', userId: null, role: 'admin' };

/** Every write names the version the caller read; omitted only by the CLI, which reads it just before. */
interface Versioned {
  expectedVersion?: number;
}

export interface TransitionInput extends Versioned {
  to: RequestStatus;
  reason?: string | null;
}

export interface ResponseInput extends Versioned {
  outcome: Outcome;
  respondedAt?: Date;
  produced: DataSought[];
  /** Results for named accounts; the others get the result the outcome implies. */
  accounts: Array<{ account: string; result: AccountResult }>;
  /** An approver's written reason for producing beyond what the process may compel. */
  overrideReason?: string | null;
}

export interface VerificationInput extends Versioned {
  attestsDanger: boolean;
  basisText?: string | null;
  verifiedBy: string;
  calledBackAt: Date;
  number: string;
  numberSource: NumberSource;
}

export interface NdoInput extends Versioned {
  authority: NdoAuthority;
  issuingCourt?: string | null;
  issuedAt?: Date | null;
  /** null = indefinite. */
  expiresAt: Date | null;
  ground?: NewNdo['ground'];
}

const HANDLER_ROLES: readonly string[] = ACTIONS['request.update'];
const HELD: readonly NoticeStatus[] = ['prohibited_by_order', 'delayed_emergency'];

export function createWorkflowService(deps: { db: Db; clock: Clock; config: Config }) {
  const { db, clock, config } = deps;
  const policy = config.policy;

  /**
   * Runs one change of one request in a transaction: loads it, checks the version the caller read, lets
   * `change` apply the rule and write, then bumps the version and appends the audit event. A refused change
   * throws before anything is written, and the transaction rolls back whatever was.
   */
  async function change(
    actor: Actor,
    id: number,
    expectedVersion: number | undefined,
    action: string,
    fn: (
      trx: Db,
      b: RequestBundle,
      w: WorkflowRecords,
      now: Date,
    ) => Promise<{ set?: Parameters<typeof bumpVersion>[4]; before: unknown; after: unknown }>,
  ): Promise<void> {
    await assertSeesRequest(db, actor, id);
    const now = clock();
    await db
      .transaction()
      .execute(async (trx) => {
        const b = await findRequest(trx, id);
        if (!b) throw new CandorError('not_found', `request ${id} does not exist`);
        if (expectedVersion !== undefined && b.request.version !== expectedVersion) {
          throw new CandorError(
            'conflict',
            `request ${id} was changed by someone else (version ${b.request.version}, you sent ${expectedVersion}); reload and retry`,
          );
        }
        const w = await findWorkflowRecords(trx, id);
        const { set, before, after } = await fn(trx, b, w, now);
        if (!(await bumpVersion(trx, id, b.request.version, now, set))) {
          throw new CandorError('conflict', `request ${id} changed meanwhile; reload and retry`);
        }
        await appendEvent(trx, {
          at: now,
          actor: actor.label,
          action,
          entity: 'request',
          entityId: id,
          before,
          after,
        });
      })
      .catch((e: unknown) => {
        throw fromDatabaseError(e, 'the change');
      });
  }

  /** The approver acting, who must be a named user other than the request's handler (two people). */
  function secondPerson(actor: Actor, b: RequestBundle, what: string): number {
    if (!can(actor, 'request.approve')) {
      throw new CandorError('forbidden', `only an approver may ${what}`);
    }
    if (actor.userId === null) {
      throw new CandorError('invalid_state', `${what} needs a named user (from the CLI: --as <email>)`);
    }
    if (b.request.assigned_to === null) {
      throw new CandorError('invalid_state', `assign a handler before asking for a second person to ${what}`);
    }
    if (b.request.assigned_to === actor.userId) {
      throw new CandorError(
        'invalid_state',
        `the handler of a request cannot also ${what}: a second person must`,
      );
    }
    return actor.userId;
  }

  /** Sets the notice status the policy now decides, for a request whose notice is held back. */
  async function releaseNotice(
    trx: Db,
    requestId: number,
    now: Date,
    actorLabel: string,
  ): Promise<NoticeStatus | null> {
    const parts = await snapshotParts(trx, requestId);
    const [s] = snapshotsFrom(parts);
    const row = parts.requests[0];
    if (!s || !row || !HELD.includes(row.notice_status)) return null;
    const d = noticeDecision({ ...s, now, policy });
    if (d.status === row.notice_status) return null;
    if (!(await bumpVersion(trx, requestId, row.version, now, { notice_status: d.status }))) {
      throw new CandorError('conflict', `request ${requestId} changed meanwhile`);
    }
    await appendEvent(trx, {
      at: now,
      actor: actorLabel,
      action: 'notice.release',
      entity: 'request',
      entityId: requestId,
      before: { notice_status: row.notice_status },
      after: { notice_status: d.status, reason: d.reason, due_at: d.dueAt?.toISOString() ?? null },
    });
    return d.status;
  }

  return {
    /**
     * The CLI operator acting as a named user (for approvals, which need a person other than the handler).
     * Only an admin may do so; the audit label keeps both names.
     */
    async actAs(operator: Actor, email: string): Promise<Actor> {
      authorize(operator, 'user.manage');
      const u = await findUserByEmail(db, email);
      if (!u || u.disabled_at) throw new CandorError('not_found', `no active user with e-mail ${email}`);
      return { label: `${operator.label} as user:${u.id} (${u.email})`, userId: u.id, role: u.role };
    },

    /** Moves a request along the lifecycle (received -> in_review -> ... -> closed; reopen with a reason). */
    async transition(actor: Actor, id: number, input: TransitionInput): Promise<void> {
      authorize(actor, 'request.transition');
      await change(actor, id, input.expectedVersion, 'request.transition', async (trx, b, _w, now) => {
        const from = b.request.status;
        if (input.to === 'responded') {
          throw new CandorError(
            'invalid_state',
            'a request becomes responded by recording its response (respond)',
          );
        }
        const check = checkTransition(from, input.to, { reason: input.reason });
        if (!check.ok) throw new CandorError(check.code, check.message);
        const reason = input.reason?.trim() || null;
        if (from === 'responded' || from === 'closed') {
          if (input.to === 'in_review') {
            if (b.request.notice_status === 'sent') {
              throw new CandorError(
                'invalid_state',
                'notice was already sent for this response; record a new request for the follow-up instead',
              );
            }
            // Reopening takes the answer back: the response stays in the history, superseded.
            await supersedeResponse(trx, id, now);
            await withdrawApprovals(trx, id, now);
            await setTargetResults(
              trx,
              b.targets.map((t) => ({ id: t.id, result: null })),
            );
            return {
              set: { status: 'in_review', outcome: null, responded_at: null },
              before: { status: from, outcome: b.request.outcome, responded_at: b.request.responded_at },
              after: { status: 'in_review', reason },
            };
          }
        }
        return { set: { status: input.to }, before: { status: from }, after: { status: input.to, reason } };
      });
    },

    /** The active users a request may be assigned to (roles that may handle requests), for pickers. */
    async assignees(actor: Actor): Promise<Array<{ id: number; email: string; role: string }>> {
      authorize(actor, 'request.assign');
      return (await listUsers(db))
        .filter((u) => !u.disabled_at && HANDLER_ROLES.includes(u.role))
        .map((u) => ({ id: u.id, email: u.email, role: u.role }));
    },

    /** Makes a user the request's handler; the user must hold a role that may handle requests. */
    async assign(actor: Actor, id: number, input: Versioned & { userId: number }): Promise<void> {
      authorize(actor, 'request.assign');
      await change(actor, id, input.expectedVersion, 'request.assign', async (trx, b) => {
        const u = await findUserById(trx, input.userId);
        if (!u || u.disabled_at) {
          throw new CandorError('invalid', `user ${input.userId} does not exist or is disabled`, [
            { field: 'user_id', message: 'no such active user' },
          ]);
        }
        if (!HANDLER_ROLES.includes(u.role)) {
          throw new CandorError('invalid', `${u.email} is a ${u.role} and cannot handle requests`, [
            {
              field: 'user_id',
              message: `expected a user with one of the roles ${HANDLER_ROLES.join(', ')}`,
            },
          ]);
        }
        return {
          set: { assigned_to: u.id },
          before: { assigned_to: b.request.assigned_to },
          after: { assigned_to: u.id, email: u.email },
        };
      });
    },

    /** Records an approver's approval: of an emergency disclosure, or the legal sign-off a foreign one needs. */
    async approve(
      actor: Actor,
      id: number,
      input: Versioned & { purpose: ApprovalPurpose; note?: string | null },
    ): Promise<void> {
      authorize(actor, 'request.approve');
      await change(actor, id, input.expectedVersion, 'request.approve', async (trx, b, w, now) => {
        const approverId = secondPerson(actor, b, 'approve');
        if (!['received', 'in_review', 'awaiting_information'].includes(b.request.status)) {
          throw new CandorError(
            'invalid_state',
            `a ${b.request.status} request is past approval; reopen it first`,
          );
        }
        // An emergency asks for approval; the policy may ask an attorney's sign-off for a process type.
        const signOffAsked =
          input.purpose === 'legal_sign_off' && policy.signOff.requiredFor.includes(b.request.process_type);
        if (!b.request.emergency && !signOffAsked) {
          throw new CandorError(
            'invalid_state',
            `request ${id} is not an emergency request and the policy asks no sign-off for a ${b.request.process_type}; nothing asks for ${input.purpose}`,
          );
        }
        if (w.approvals.some((a) => a.approver_id === approverId && a.purpose === input.purpose)) {
          throw new CandorError('invalid_state', `you already gave this approval (${input.purpose})`);
        }
        const approvalId = await insertApproval(trx, {
          requestId: id,
          approverId,
          purpose: input.purpose,
          note: input.note?.trim() || null,
          at: now,
        });
        return {
          before: null,
          after: {
            approval_id: approvalId,
            purpose: input.purpose,
            approver_id: approverId,
            note: input.note ?? null,
          },
        };
      });
    },

    /** Records the attested basis and the call-back that verified an emergency request. */
    async recordVerification(actor: Actor, id: number, input: VerificationInput): Promise<void> {
      authorize(actor, 'emergency.record');
      await change(actor, id, input.expectedVersion, 'emergency.verify', async (trx, b, w, now) => {
        if (!b.request.emergency)
          throw new CandorError('invalid_state', `request ${id} is not an emergency request`);
        if (input.calledBackAt < b.request.received_at || input.calledBackAt > now) {
          throw new CandorError(
            'invalid',
            'the call-back must be after the request arrived and not in the future',
            [{ field: 'called_back_at', message: 'outside the time since the request arrived' }],
          );
        }
        const record = {
          attests_danger: input.attestsDanger,
          verified_by: input.verifiedBy.trim(),
          called_back_at: input.calledBackAt,
          callback_number: input.number.trim(),
          number_source: input.numberSource,
          recorded_by: actor.label,
          recorded_at: now,
        };
        await upsertVerification(trx, id, record);
        const basis = input.basisText?.trim();
        return {
          set: basis ? { emergency_basis: basis } : {},
          before: { verification: w.emergency ?? null, emergency_basis: b.request.emergency_basis },
          after: { verification: record, emergency_basis: basis ?? b.request.emergency_basis },
        };
      });
    },

    /** Records that the emergency has passed, or that the follow-up legal process arrived. */
    async recordEmergencyEvents(
      actor: Actor,
      id: number,
      input: Versioned & { passedAt?: Date; followUpReceivedAt?: Date },
    ): Promise<void> {
      authorize(actor, 'emergency.record');
      await change(actor, id, input.expectedVersion, 'emergency.update', async (trx, b, w, now) => {
        if (!b.request.emergency)
          throw new CandorError('invalid_state', `request ${id} is not an emergency request`);
        const d = {
          ...(input.passedAt ? { passed_at: input.passedAt } : {}),
          ...(input.followUpReceivedAt ? { follow_up_received_at: input.followUpReceivedAt } : {}),
        };
        if (Object.keys(d).length === 0)
          throw new CandorError('invalid', 'give passed_at or follow_up_received_at');
        await setEmergencyDates(trx, id, d, actor.label, now);
        return {
          before: {
            passed_at: w.emergency?.passed_at ?? null,
            follow_up_received_at: w.emergency?.follow_up_received_at ?? null,
          },
          after: d,
        };
      });
      // The emergency having passed may make the delayed notice due: its own audited event.
      await db.transaction().execute((trx) => releaseNotice(trx, id, clock(), actor.label));
    },

    /**
     * Records the response: outcome, produced categories and per-account results. Refused when the production
     * goes beyond what the process may compel (unless an approver overrides in writing), when a foreign
     * emergency request for content lacks legal sign-off, or when an emergency request is not ready.
     */
    async respond(actor: Actor, id: number, input: ResponseInput): Promise<void> {
      authorize(actor, 'request.respond');
      await change(actor, id, input.expectedVersion, 'request.respond', async (trx, b, w, now) => {
        const r = b.request;
        const check = checkTransition(r.status, 'responded');
        if (!check.ok) throw new CandorError(check.code, check.message);
        const mismatch = checkResponse(input.outcome, input.produced);
        if (mismatch) throw new CandorError('invalid', mismatch, [{ field: 'produced', message: mismatch }]);
        const respondedAt = input.respondedAt ?? now;
        if (respondedAt < r.received_at || respondedAt > now) {
          throw new CandorError('invalid', 'responded_at must lie between receipt and now', [
            { field: 'responded_at', message: 'outside the time since the request arrived' },
          ]);
        }
        // Per-account results, matched by account or identifier.
        const results = new Map<number, AccountResult | null>(
          b.targets.map((t) => [t.id, accountResult(input.outcome)]),
        );
        const issues = input.accounts.flatMap((a, i) => {
          const hits = b.targets.filter((t) => t.account_ref === a.account || t.identifier === a.account);
          for (const t of hits) results.set(t.id, a.result);
          return hits.length
            ? []
            : [{ field: `accounts.${i}.account`, message: `${a.account} is not named on the request` }];
        });
        if (issues.length)
          throw new CandorError('invalid', 'the response names accounts the request does not', issues);

        // The policy gate: statutory bars and workflow rules refuse outright; a policy tier may be
        // overridden by an approver other than the handler, in writing.
        const refusals = gateStored(b, w, now, policy, {
          outcome: input.outcome,
          produced: input.produced,
          respondedAt,
        });
        assertGate(refusals, ['tier']);
        const tiers = refusals.filter((x) => x.kind === 'tier');
        const prod = {
          beyond: [...new Set(tiers.flatMap((x) => x.beyond ?? []))],
          reasons: tiers.map((x) => x.message),
        };
        const reason = input.overrideReason?.trim() || null;
        let approverId: number | null = null;
        if (tiers.length > 0) {
          if (!reason) {
            throw new CandorError(
              'invalid_state',
              `the production goes beyond what the process may compel: ${prod.reasons.join(' ')} An approver may override with a written reason.`,
              tiers.map((x) => ({ field: 'produced', message: `${x.rule}: ${x.message}` })),
            );
          }
          approverId = secondPerson(actor, b, 'override the compelled-data tier');
          if (reason.length < 10) {
            throw new CandorError(
              'invalid',
              'the override reason must explain the decision (10 characters or more)',
              [{ field: 'override_reason', message: 'too short' }],
            );
          }
        } else if (reason) {
          throw new CandorError(
            'invalid',
            'nothing to override: the production is within what the process may compel',
            [{ field: 'override_reason', message: 'not needed' }],
          );
        }

        const responseId = await insertResponse(trx, {
          requestId: id,
          outcome: input.outcome,
          produced: input.produced,
          respondedAt,
          by: actor.label,
          at: now,
        });
        const override =
          approverId !== null && reason
            ? {
                id: await insertOverride(trx, {
                  requestId: id,
                  responseId,
                  approverId,
                  beyond: prod.beyond,
                  findings: prod.reasons,
                  reason,
                  at: now,
                }),
                beyond: prod.beyond,
                findings: prod.reasons,
                reason,
              }
            : null;
        await setTargetResults(
          trx,
          [...results].map(([tid, result]) => ({ id: tid, result })),
        );
        const notice =
          r.notice_status === 'sent' || r.notice_status === 'not_possible'
            ? r.notice_status
            : (await decideNotice(trx, id, now, policy, { outcome: input.outcome, respondedAt })).status;
        return {
          set: {
            status: 'responded',
            outcome: input.outcome,
            responded_at: respondedAt,
            notice_status: notice,
          },
          before: {
            status: r.status,
            outcome: r.outcome,
            notice_status: r.notice_status,
            targets: b.targets.map((t) => ({ identifier: t.identifier, result: t.result })),
          },
          after: {
            status: 'responded',
            outcome: input.outcome,
            produced: input.produced,
            responded_at: respondedAt.toISOString(),
            notice_status: notice,
            targets: b.targets.map((t) => ({ identifier: t.identifier, result: results.get(t.id) ?? null })),
            response_id: responseId,
            override,
          },
        };
      });
    },

    /** Starts a preservation hold (90 days under 2703(f) unless the policy says otherwise). */
    async addHold(
      actor: Actor,
      id: number,
      input: Versioned & { regime?: HoldRegime; startedAt?: Date },
    ): Promise<number> {
      authorize(actor, 'hold.manage');
      let holdId = 0;
      await change(actor, id, input.expectedVersion, 'hold.create', async (trx, b, _w, now) => {
        // 2703(f) binds on the request of a governmental entity (2711(4)); a private litigant's letter does not.
        if (b.request.requester_class === 'civil_litigant') {
          throw new CandorError(
            'invalid_state',
            "a civil litigant's preservation letter is not a 2703(f) request (18 U.S.C. 2703(f), 2711(4)): no 2703(f) hold; any litigation hold is the legal team's own decision",
            [{ field: 'requester_class', message: 'civil_litigant: not a governmental entity' }],
          );
        }
        const regime: HoldRegime =
          input.regime ??
          (b.request.channel === 'eu_e_evidence'
            ? 'eu_epoc_pr'
            : b.agency.country === 'US'
              ? 'sca_2703f'
              : 'foreign');
        if (!acceptsHold(regime, policy)) {
          throw new CandorError(
            'invalid_state',
            'the policy declines foreign preservation requests (not 2703(f), 2711(4))',
          );
        }
        const startedAt = input.startedAt ?? now;
        if (startedAt > now)
          throw new CandorError('invalid', 'a hold cannot start in the future', [
            { field: 'started_at', message: 'in the future' },
          ]);
        const h = await insertHold(trx, { requestId: id, regime, startedAt, by: actor.label });
        holdId = h.id;
        return {
          before: null,
          after: {
            hold_id: h.id,
            regime,
            started_at: startedAt.toISOString(),
            expires_at: holdExpiresAt(startedAt, 0, policy, regime).toISOString(),
          },
        };
      });
      return holdId;
    },

    /** Extends a running hold once (2703(f)(2)); a second extension or an expired hold is refused. */
    async extendHold(actor: Actor, id: number, holdId: number, input: Versioned = {}): Promise<void> {
      authorize(actor, 'hold.manage');
      await change(actor, id, input.expectedVersion, 'hold.extend', async (trx, _b, _w, now) => {
        const h = await findHold(trx, id, holdId);
        if (!h) throw new CandorError('not_found', `request ${id} has no hold ${holdId}`);
        if (h.released_at)
          throw new CandorError(
            'invalid_state',
            `hold ${holdId} was released at ${h.released_at.toISOString()}`,
          );
        const ok = canExtend(
          { regime: h.regime, startedAt: h.started_at, extensions: h.extensions },
          now,
          policy,
        );
        if (!ok.ok) throw new CandorError(ok.code, ok.message);
        if (!(await extendHold(trx, holdId, h.extensions, now))) {
          throw new CandorError('conflict', `hold ${holdId} changed meanwhile`);
        }
        return {
          before: { hold_id: holdId, extensions: h.extensions },
          after: { hold_id: holdId, extensions: h.extensions + 1, expires_at: ok.expiresAt.toISOString() },
        };
      });
    },

    /** Ends a hold by hand (process arrived, request withdrawn). */
    async releaseHold(
      actor: Actor,
      id: number,
      holdId: number,
      input: Versioned & { reason: HoldReleaseReason },
    ): Promise<void> {
      authorize(actor, 'hold.manage');
      await change(actor, id, input.expectedVersion, 'hold.release', async (trx, _b, _w, now) => {
        const h = await findHold(trx, id, holdId);
        if (!h) throw new CandorError('not_found', `request ${id} has no hold ${holdId}`);
        if (!(await releaseHold(trx, holdId, now, input.reason))) {
          throw new CandorError('invalid_state', `hold ${holdId} is already released`);
        }
        return {
          before: { hold_id: holdId, released_at: null },
          after: { hold_id: holdId, released_at: now.toISOString(), reason: input.reason },
        };
      });
    },

    /**
     * Releases every hold that expired without process, each with its audit event. Run by
     * `candor holds release-expired` and the background job; safe to run often and from two instances.
     */
    async releaseExpiredHolds(now: Date = clock(), actor: Actor = SCHEDULER) {
      authorize(actor, 'hold.release');
      return db.transaction().execute(async (trx) => {
        const released: Array<{ request_id: number; hold_id: number; expired_at: string }> = [];
        for (const h of await lockOpenHolds(trx)) {
          const hold = { regime: h.regime, startedAt: h.started_at, extensions: h.extensions };
          if (holdState(hold, now, policy) !== 'expired') continue;
          const expiredAt = holdExpiresAt(h.started_at, h.extensions, policy, h.regime);
          await releaseHold(trx, h.id, now, 'expired_without_process');
          const req = await findRequest(trx, h.request_id);
          if (!req || !(await bumpVersion(trx, h.request_id, req.request.version, now))) {
            throw new CandorError('conflict', `request ${h.request_id} changed meanwhile`);
          }
          await appendEvent(trx, {
            at: now,
            actor: actor.label,
            action: 'hold.release',
            entity: 'request',
            entityId: h.request_id,
            before: { hold_id: h.id, released_at: null },
            after: {
              hold_id: h.id,
              released_at: now.toISOString(),
              reason: 'expired_without_process',
              expired_at: expiredAt.toISOString(),
            },
          });
          released.push({ request_id: h.request_id, hold_id: h.id, expired_at: expiredAt.toISOString() });
        }
        return released;
      });
    },

    /** Records a non-disclosure order; while it binds, notice is prohibited. */
    async addNdo(actor: Actor, id: number, input: NdoInput): Promise<number> {
      authorize(actor, 'ndo.manage');
      let ndoId = 0;
      await change(actor, id, input.expectedVersion, 'ndo.create', async (trx, b, _w, now) => {
        if (input.expiresAt && input.issuedAt && input.expiresAt < input.issuedAt) {
          throw new CandorError('invalid', 'the order cannot expire before it was issued', [
            { field: 'expires_at', message: 'before issued_at' },
          ]);
        }
        const n = await insertNdo(trx, id, {
          authority: input.authority,
          issuing_court: input.issuingCourt?.trim() || null,
          issued_at: input.issuedAt ?? null,
          expires_at: input.expiresAt,
          ground: input.ground ?? null,
        });
        ndoId = n.id;
        const binds = ndoInForce(
          { authority: n.authority, issuedAt: n.issued_at, expiresAt: n.expires_at, liftedAt: null },
          now,
        );
        // Queued notices that have not left yet are withdrawn in the same transaction, so the outbox never
        // delivers what the order now forbids (the worker re-checks at send time as well).
        if (binds) await cancelUnsent(trx, id, 'a non-disclosure order was recorded');
        // A notice already sent cannot be unsent; the order is recorded all the same.
        const notice =
          binds && b.request.notice_status !== 'sent' ? 'prohibited_by_order' : b.request.notice_status;
        return {
          set: { notice_status: notice },
          before: { notice_status: b.request.notice_status },
          after: {
            ndo_id: n.id,
            authority: n.authority,
            issuing_court: n.issuing_court,
            issued_at: n.issued_at?.toISOString() ?? null,
            expires_at: n.expires_at?.toISOString() ?? null,
            ground: n.ground,
            notice_status: notice,
          },
        };
      });
      return ndoId;
    },

    /** Records that an order was lifted; the held-back notice becomes due at once. */
    async liftNdo(
      actor: Actor,
      id: number,
      ndoId: number,
      input: Versioned & { liftedAt?: Date } = {},
    ): Promise<void> {
      authorize(actor, 'ndo.manage');
      await change(actor, id, input.expectedVersion, 'ndo.lift', async (trx, _b, _w, now) => {
        const n = await findNdo(trx, id, ndoId);
        if (!n) throw new CandorError('not_found', `request ${id} has no non-disclosure order ${ndoId}`);
        if (n.lifted_at)
          throw new CandorError(
            'invalid_state',
            `order ${ndoId} was already lifted at ${n.lifted_at.toISOString()}`,
          );
        const liftedAt = input.liftedAt ?? now;
        if (liftedAt > now)
          throw new CandorError('invalid', 'lifted_at cannot be in the future', [
            { field: 'lifted_at', message: 'in the future' },
          ]);
        await updateNdo(trx, ndoId, { lifted_at: liftedAt });
        return {
          before: { ndo_id: ndoId, lifted_at: null },
          after: { ndo_id: ndoId, lifted_at: liftedAt.toISOString() },
        };
      });
      // In its own transaction, after the lift is committed, so the release is its own audited event.
      await db.transaction().execute((trx) => releaseNotice(trx, id, clock(), actor.label));
    },

    /** Records that the team reviewed an order (or asked for judicial review); the next review counts from it. */
    async reviewNdo(
      actor: Actor,
      id: number,
      ndoId: number,
      input: Versioned & { reviewedAt?: Date } = {},
    ): Promise<void> {
      authorize(actor, 'ndo.manage');
      await change(actor, id, input.expectedVersion, 'ndo.review', async (trx, _b, _w, now) => {
        const n = await findNdo(trx, id, ndoId);
        if (!n) throw new CandorError('not_found', `request ${id} has no non-disclosure order ${ndoId}`);
        const at = input.reviewedAt ?? now;
        await updateNdo(trx, ndoId, { review_requested_at: at });
        return {
          before: { ndo_id: ndoId, review_requested_at: n.review_requested_at?.toISOString() ?? null },
          after: { ndo_id: ndoId, review_requested_at: at.toISOString() },
        };
      });
    },

    /**
     * Records that every order of the request whose review the policy schedules was reviewed now (the work
     * queue's "mark reviewed"); refused when no order in force has a review to do.
     */
    async markReviewed(actor: Actor, id: number, input: Versioned = {}): Promise<void> {
      authorize(actor, 'ndo.manage');
      await change(actor, id, input.expectedVersion, 'ndo.review', async (trx, b, _w, now) => {
        const due = b.ndos.filter((n) => {
          const ndo = {
            authority: n.authority,
            issuedAt: n.issued_at ?? b.request.received_at,
            expiresAt: n.expires_at,
            liftedAt: n.lifted_at,
            lastReviewedAt: n.review_requested_at,
          };
          return ndoInForce(ndo, now) && nextReviewAt(ndo, policy) !== null;
        });
        if (due.length === 0) {
          throw new CandorError(
            'invalid_state',
            `request ${id} has no non-disclosure order in force with a review to record`,
          );
        }
        for (const n of due) await updateNdo(trx, n.id, { review_requested_at: now });
        return {
          before: due.map((n) => ({
            ndo_id: n.id,
            review_requested_at: n.review_requested_at?.toISOString() ?? null,
          })),
          after: due.map((n) => ({ ndo_id: n.id, review_requested_at: now.toISOString() })),
        };
      });
    },

    /**
     * Moves held-back notices on once their order has ended or the emergency delay has run out: from
     * prohibited_by_order / delayed_emergency to what the notice policy now decides (usually pending), with an
     * audit event each. Idempotent; run by `candor ndos release-expired` and the background job.
     */
    async releaseExpiredNotices(now: Date = clock(), actor: Actor = SCHEDULER) {
      authorize(actor, 'hold.release');
      return db.transaction().execute(async (trx) => {
        const parts = await lockHeldNotices(trx);
        const changed: Array<{ request_id: number; notice_status: NoticeStatus }> = [];
        for (const s of snapshotsFrom(parts)) {
          const status = await releaseNotice(trx, Number(s.id), now, actor.label);
          if (status) changed.push({ request_id: Number(s.id), notice_status: status });
        }
        return changed;
      });
    },

    /** Records a notice status decided by a person, with the reason; refused while notice is held back. */
    async recordNotice(
      actor: Actor,
      id: number,
      input: Versioned & { status: NoticeStatus; reason: string },
    ): Promise<void> {
      authorize(actor, 'notice.record');
      await change(actor, id, input.expectedVersion, 'notice.record', async (trx, b, w, now) => {
        const reason = input.reason.trim();
        if (reason.length < 3)
          throw new CandorError('invalid', 'give the reason for the notice decision', [
            { field: 'reason', message: 'required' },
          ]);
        await assertNoticeChange(trx, id, input.status, now, policy);
        assertGateChange(b, w, now, policy, { noticeStatus: input.status });
        if (input.status === 'sent' && !b.request.outcome) {
          throw new CandorError('invalid_state', 'record the response before recording notice as sent');
        }
        return {
          set: { notice_status: input.status },
          before: { notice_status: b.request.notice_status },
          after: { notice_status: input.status, reason },
        };
      });
    },

    /** What the policy engine says about a request: tier, channel, emergency readiness, deadlines, notice. */
    async guidance(actor: Actor, id: number) {
      authorize(actor, 'request.read');
      await assertSeesRequest(db, actor, id);
      const b = await findRequest(db, id);
      if (!b) throw new CandorError('not_found', `request ${id} does not exist`);
      const w = await findWorkflowRecords(db, id);
      const now = clock();
      const r = b.request;
      const [snapshot] = snapshotsFrom(await snapshotParts(db, id));
      const notice = noticeDecision({ ...snapshot!, now, policy });
      const channel = requiredChannel(
        { country: b.agency.country, dataSought: r.data_sought, receivedAt: r.received_at },
        policy,
      );
      // What the gate would say if everything sought were produced now.
      const sought = gateStored(b, w, now, policy, {
        produced: r.data_sought,
        outcome: r.data_sought.includes('content') ? 'content_produced' : 'non_content_produced',
      });
      const due = responseDueAt(
        {
          processType: r.process_type,
          channel: r.channel,
          emergency: r.emergency,
          receivedAt: r.received_at,
        },
        policy,
      );
      return {
        request_id: id,
        at: now.toISOString(),
        may_compel: mayCompel(r.process_type, policy),
        guidance: guidance(r.process_type, policy),
        channel: {
          required: channel.channels,
          current: r.channel,
          ok: channel.channels.includes(r.channel),
          reason: channel.reason,
        },
        data_sought_check: {
          beyond: [...new Set(sought.flatMap((x) => x.beyond ?? []))],
          refusals: sought.map((x) => ({ field: x.field, rule: x.rule, kind: x.kind, message: x.message })),
          barred: sought.some((x) => x.kind === 'bar'),
        },
        emergency: r.emergency
          ? { problems: emergencyProblems(b, w), ready: emergencyProblems(b, w).length === 0 }
          : null,
        response_due_at: due?.toISOString() ?? null,
        motion_to_quash_due_at:
          motionToQuashDueAt(
            {
              processType: r.process_type,
              channel: r.channel,
              emergency: r.emergency,
              dataSought: r.data_sought,
              targetUsPerson: r.target_us_person,
              receivedAt: r.received_at,
            },
            policy,
          )?.toISOString() ?? null,
        notice: {
          status: notice.status,
          reason: notice.reason,
          due_at: notice.dueAt?.toISOString() ?? null,
          kind: notice.kind ?? null,
        },
        ndos: b.ndos.map((n) => {
          const ndo = {
            authority: n.authority,
            issuedAt: n.issued_at ?? r.received_at,
            expiresAt: n.expires_at,
            liftedAt: n.lifted_at,
            lastReviewedAt: n.review_requested_at,
          };
          return {
            id: n.id,
            in_force: ndoInForce(ndo, now),
            next_review_at: nextReviewAt(ndo, policy)?.toISOString() ?? null,
            exceeds_doj_policy: exceedsDojPolicy(ndo, policy),
          };
        }),
        due: snapshot ? dueItems(snapshot, now, policy).map((i) => presentDue(i, now)) : [],
      };
    },
  };
}
export type WorkflowService = ReturnType<typeof createWorkflowService>;
