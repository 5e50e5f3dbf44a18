import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DUE_KINDS } from '../../domain/due.ts';
import { NUMBER_SOURCES } from '../../domain/emergency.ts';
import { HOLD_REGIMES } from '../../domain/preservation.ts';
import { ndoInput } from '../../domain/request-input.ts';
import { courtChallengeBody } from '../../domain/court-challenge.ts';
import { instant, recordId, versionNumber } from '../../domain/primitives.ts';
import {
  ACCOUNT_RESULTS,
  DATA_SOUGHT,
  NOTICE_STATUSES,
  OUTCOMES,
  PROCESS_TYPES,
  REQUEST_STATUSES,
  APPROVAL_PURPOSES,
  MANUAL_RELEASE_REASONS,
} from '../../domain/vocabulary.ts';
import { CandorError } from '../../errors.ts';
import type { Services } from '../../services/index.ts';

const id = recordId;
const idParams = z.strictObject({ id });
const holdParams = z.strictObject({ id, holdId: id });
const ndoParams = z.strictObject({ id, ndoId: id });
/** The version the caller read: every change is refused with `conflict` if someone changed the request since. */
const version = versionNumber;
const date = instant.transform((s) => new Date(s));
const text = (max: number) => z.string().trim().min(1).max(max);

export const transitionBody = z.strictObject({
  version,
  to: z.enum(REQUEST_STATUSES),
  reason: text(4000).nullish(),
});
export const assignBody = z.strictObject({ version, user_id: id });
export const approveBody = z.strictObject({
  version,
  purpose: z.enum(APPROVAL_PURPOSES),
  note: text(4000).nullish(),
});
export const responseBody = z.strictObject({
  version,
  outcome: z.enum(OUTCOMES),
  responded_at: date.optional(),
  produced: z.array(z.enum(DATA_SOUGHT)).max(3).default([]),
  accounts: z
    .array(
      z.strictObject({
        account: text(500),
        result: z.enum(ACCOUNT_RESULTS),
      }),
    )
    .max(10_000)
    .default([]),
  override_reason: text(4000).nullish(),
});
export const verificationBody = z.strictObject({
  version,
  attests_danger: z.boolean(),
  basis: text(4000).nullish(),
  verified_by: text(300),
  called_back_at: date,
  number: text(60),
  number_source: z.enum(NUMBER_SOURCES),
});
export const emergencyBody = z.strictObject({
  version,
  passed_at: date.optional(),
  follow_up_received_at: date.optional(),
});
export const holdBody = z.strictObject({
  version,
  regime: z.enum(HOLD_REGIMES).optional(),
  started_at: date.optional(),
});
export const versionBody = z.strictObject({ version });
export const releaseBody = z.strictObject({
  version,
  reason: z.enum(MANUAL_RELEASE_REASONS),
});
export const ndoBody = ndoInput.extend({ version });
export const liftBody = z.strictObject({ version, lifted_at: date.optional() });
export const reviewBody = z.strictObject({ version, reviewed_at: date.optional() });
export const noticeBody = z.strictObject({ version, status: z.enum(NOTICE_STATUSES), reason: text(4000) });
const flag = z
  .enum(['true', 'false', '1', '0'])
  .transform((v) => v === 'true' || v === '1')
  .optional();
export const dueQuery = z.strictObject({
  horizon_days: z.coerce.number().int().min(0).max(3650).optional(),
  kind: z
    .string()
    .transform((s) => s.split(',').map((x) => x.trim()))
    .pipe(z.array(z.enum(DUE_KINDS)))
    .optional(),
  assignee: id.optional().describe('only the items of requests assigned to this user id'),
  mine: flag.describe("only the items of requests assigned to the token's user"),
  unassigned: flag.describe('only the items of requests assigned to nobody'),
  overdue: flag.describe('only what is due now or earlier'),
  agency: z.string().trim().min(1).max(200).optional().describe("part of the agency's name, any case"),
  process_type: z
    .string()
    .transform((s) => s.split(',').map((x) => x.trim()))
    .pipe(z.array(z.enum(PROCESS_TYPES)))
    .optional(),
  sort: z.enum(['soonest', 'latest']).default('soonest'),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
});
export const bulkBody = z.strictObject({
  action: z.enum(['assign', 'mark_reviewed']),
  request_ids: z.array(id).min(1).max(500),
  user_id: id.optional(),
});

const tags = ['workflow'];

/** The legal workflow: lifecycle, response, emergency gating, holds, orders, notice status, due list. */
export function workflowRoutes(services: Services): FastifyPluginAsyncZod {
  const wf = services.workflow;
  const show = services.requests.get;
  return async (app) => {
    app.post(
      '/requests/:id/transition',
      { schema: { params: idParams, body: transitionBody, tags } },
      async (req) => {
        const b = req.body;
        await wf.transition(req.actor, req.params.id, {
          to: b.to,
          reason: b.reason,
          expectedVersion: b.version,
        });
        return show(req.actor, req.params.id);
      },
    );
    app.post(
      '/requests/:id/assign',
      { schema: { params: idParams, body: assignBody, tags } },
      async (req) => {
        await wf.assign(req.actor, req.params.id, {
          userId: req.body.user_id,
          expectedVersion: req.body.version,
        });
        return show(req.actor, req.params.id);
      },
    );
    app.post(
      '/requests/:id/approve',
      { schema: { params: idParams, body: approveBody, tags } },
      async (req) => {
        const b = req.body;
        await wf.approve(req.actor, req.params.id, {
          purpose: b.purpose,
          note: b.note,
          expectedVersion: b.version,
        });
        return show(req.actor, req.params.id);
      },
    );
    app.post(
      '/requests/:id/response',
      { schema: { params: idParams, body: responseBody, tags } },
      async (req) => {
        const b = req.body;
        await wf.respond(req.actor, req.params.id, {
          outcome: b.outcome,
          respondedAt: b.responded_at,
          produced: b.produced,
          accounts: b.accounts,
          overrideReason: b.override_reason,
          expectedVersion: b.version,
        });
        return show(req.actor, req.params.id);
      },
    );
    app.post(
      '/requests/:id/emergency/verification',
      { schema: { params: idParams, body: verificationBody, tags } },
      async (req) => {
        const b = req.body;
        await wf.recordVerification(req.actor, req.params.id, {
          attestsDanger: b.attests_danger,
          basisText: b.basis,
          verifiedBy: b.verified_by,
          calledBackAt: b.called_back_at,
          number: b.number,
          numberSource: b.number_source,
          expectedVersion: b.version,
        });
        return show(req.actor, req.params.id);
      },
    );
    app.post(
      '/requests/:id/emergency',
      { schema: { params: idParams, body: emergencyBody, tags } },
      async (req) => {
        const b = req.body;
        await wf.recordEmergencyEvents(req.actor, req.params.id, {
          passedAt: b.passed_at,
          followUpReceivedAt: b.follow_up_received_at,
          expectedVersion: b.version,
        });
        return show(req.actor, req.params.id);
      },
    );
    app.post(
      '/requests/:id/holds',
      { schema: { params: idParams, body: holdBody, tags } },
      async (req, reply) => {
        const b = req.body;
        const holdId = await wf.addHold(req.actor, req.params.id, {
          regime: b.regime,
          startedAt: b.started_at,
          expectedVersion: b.version,
        });
        return reply.status(201).send({ hold_id: holdId, request: await show(req.actor, req.params.id) });
      },
    );
    app.post(
      '/requests/:id/holds/:holdId/extend',
      { schema: { params: holdParams, body: versionBody, tags } },
      async (req) => {
        await wf.extendHold(req.actor, req.params.id, req.params.holdId, {
          expectedVersion: req.body.version,
        });
        return show(req.actor, req.params.id);
      },
    );
    app.post(
      '/requests/:id/holds/:holdId/release',
      { schema: { params: holdParams, body: releaseBody, tags } },
      async (req) => {
        await wf.releaseHold(req.actor, req.params.id, req.params.holdId, {
          reason: req.body.reason,
          expectedVersion: req.body.version,
        });
        return show(req.actor, req.params.id);
      },
    );
    app.post(
      '/requests/:id/ndos',
      { schema: { params: idParams, body: ndoBody, tags } },
      async (req, reply) => {
        const b = req.body;
        const ndoId = await wf.addNdo(req.actor, req.params.id, {
          authority: b.authority,
          issuingCourt: b.issuing_court,
          issuedAt: b.issued_at ? new Date(b.issued_at) : null,
          expiresAt: b.expires_at ? new Date(b.expires_at) : null,
          ground: b.ground,
          expectedVersion: b.version,
        });
        return reply.status(201).send({ ndo_id: ndoId, request: await show(req.actor, req.params.id) });
      },
    );
    app.post(
      '/requests/:id/challenges',
      { schema: { params: idParams, body: courtChallengeBody, tags } },
      async (req, reply) => {
        const { version: v, ...step } = req.body;
        const challengeId = await wf.recordChallenge(req.actor, req.params.id, {
          ...step,
          expectedVersion: v,
        });
        return reply
          .status(201)
          .send({ challenge_id: challengeId, request: await show(req.actor, req.params.id) });
      },
    );
    app.post(
      '/requests/:id/ndos/:ndoId/lift',
      { schema: { params: ndoParams, body: liftBody, tags } },
      async (req) => {
        await wf.liftNdo(req.actor, req.params.id, req.params.ndoId, {
          liftedAt: req.body.lifted_at,
          expectedVersion: req.body.version,
        });
        return show(req.actor, req.params.id);
      },
    );
    app.post(
      '/requests/:id/ndos/:ndoId/review',
      { schema: { params: ndoParams, body: reviewBody, tags } },
      async (req) => {
        await wf.reviewNdo(req.actor, req.params.id, req.params.ndoId, {
          reviewedAt: req.body.reviewed_at,
          expectedVersion: req.body.version,
        });
        return show(req.actor, req.params.id);
      },
    );
    app.post(
      '/requests/:id/notice',
      { schema: { params: idParams, body: noticeBody, tags } },
      async (req) => {
        const b = req.body;
        await wf.recordNotice(req.actor, req.params.id, {
          status: b.status,
          reason: b.reason,
          expectedVersion: b.version,
        });
        return show(req.actor, req.params.id);
      },
    );
    app.get('/requests/:id/guidance', { schema: { params: idParams, tags } }, async (req) =>
      wf.guidance(req.actor, req.params.id),
    );
    app.get('/due', { schema: { querystring: dueQuery, tags } }, async (req) => {
      const q = req.query;
      if (q.unassigned && (q.mine || q.assignee !== undefined)) {
        throw new CandorError('invalid', 'unassigned cannot go with mine or assignee', [
          { field: 'unassigned', message: 'conflicts with mine / assignee' },
        ]);
      }
      const page = await services.due.queue(req.actor, {
        horizonDays: q.horizon_days,
        kinds: q.kind,
        assignee: q.unassigned ? null : q.assignee,
        mine: q.mine,
        overdue: q.overdue,
        agency: q.agency,
        processTypes: q.process_type,
        sort: q.sort,
        limit: q.limit,
        offset: q.offset,
      });
      const more = page.offset + page.items.length < page.total;
      const next = new URLSearchParams(req.url.split('?')[1] ?? '');
      next.set('offset', String(page.offset + page.limit));
      return { ...page, next: more ? `/api/v1/due?${next}` : null };
    });
    app.post('/due/bulk', { schema: { body: bulkBody, tags } }, async (req) =>
      services.bulk.apply(req.actor, {
        action: req.body.action,
        requestIds: req.body.request_ids,
        userId: req.body.user_id,
      }),
    );
  };
}
