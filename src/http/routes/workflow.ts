import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DUE_KINDS } from '../../domain/due.ts';
import { PROCESS_TYPES } from '../../domain/vocabulary.ts';
import { recordId } from '../../domain/primitives.ts';
import { courtChallengeBody } from '../../domain/court-challenge.ts';
import {
  approveAction,
  assignAction,
  emergencyEventsAction,
  holdAction,
  liftAction,
  ndoAction,
  noticeAction,
  releaseAction,
  responseAction,
  reviewAction,
  transitionAction,
  verificationAction,
  versionAction,
} from '../../domain/workflow-actions.ts';
import { CandorError } from '../../errors.ts';
import type { Actor } from '../../services/authorize.ts';
import type { Services } from '../../services/index.ts';
import type { PresentedRequest } from '../../services/presenters.ts';

const id = recordId;
const idParams = z.strictObject({ id });
const holdParams = z.strictObject({ id, holdId: id });
const ndoParams = z.strictObject({ id, ndoId: id });

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
  /** The request as it stands once the action is done. */
  const shown = async (actor: Actor, id: number, done: Promise<void>) => (await done, show(actor, id));
  /** A record an action created (a hold, an order): its id, and the request as it stands. */
  const created = async <K extends string>(key: K, actor: Actor, id: number, made: Promise<number>) =>
    ({ [key]: await made, request: await show(actor, id) }) as Record<K, number> & {
      request: PresentedRequest;
    };
  return async (app) => {
    // One line per action: its schema (src/domain/workflow-actions.ts) in, one service call, the request out.
    const on = <P, B>(params: P, body: B) => ({ schema: { params, body, tags } });
    app.post('/requests/:id/transition', on(idParams, transitionAction), async ({ actor, params, body }) =>
      shown(actor, params.id, wf.transition(actor, params.id, body)),
    );
    app.post('/requests/:id/assign', on(idParams, assignAction), async ({ actor, params, body }) =>
      shown(actor, params.id, wf.assign(actor, params.id, body)),
    );
    app.post('/requests/:id/approve', on(idParams, approveAction), async ({ actor, params, body }) =>
      shown(actor, params.id, wf.approve(actor, params.id, body)),
    );
    app.post('/requests/:id/response', on(idParams, responseAction), async ({ actor, params, body }) =>
      shown(actor, params.id, wf.respond(actor, params.id, body)),
    );
    app.post(
      '/requests/:id/emergency/verification',
      on(idParams, verificationAction),
      async ({ actor, params, body }) =>
        shown(actor, params.id, wf.recordVerification(actor, params.id, body)),
    );
    app.post(
      '/requests/:id/emergency',
      on(idParams, emergencyEventsAction),
      async ({ actor, params, body }) =>
        shown(actor, params.id, wf.recordEmergencyEvents(actor, params.id, body)),
    );
    app.post('/requests/:id/holds', on(idParams, holdAction), async ({ actor, params, body }, reply) =>
      reply.status(201).send(await created('hold_id', actor, params.id, wf.addHold(actor, params.id, body))),
    );
    app.post(
      '/requests/:id/holds/:holdId/extend',
      on(holdParams, versionAction),
      async ({ actor, params, body }) =>
        shown(actor, params.id, wf.extendHold(actor, params.id, params.holdId, body)),
    );
    app.post(
      '/requests/:id/holds/:holdId/release',
      on(holdParams, releaseAction),
      async ({ actor, params, body }) =>
        shown(actor, params.id, wf.releaseHold(actor, params.id, params.holdId, body)),
    );
    app.post('/requests/:id/ndos', on(idParams, ndoAction), async ({ actor, params, body }, reply) =>
      reply.status(201).send(await created('ndo_id', actor, params.id, wf.addNdo(actor, params.id, body))),
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
    app.post('/requests/:id/ndos/:ndoId/lift', on(ndoParams, liftAction), async ({ actor, params, body }) =>
      shown(actor, params.id, wf.liftNdo(actor, params.id, params.ndoId, body)),
    );
    app.post(
      '/requests/:id/ndos/:ndoId/review',
      on(ndoParams, reviewAction),
      async ({ actor, params, body }) =>
        shown(actor, params.id, wf.reviewNdo(actor, params.id, params.ndoId, body)),
    );
    app.post('/requests/:id/notice', on(idParams, noticeAction), async ({ actor, params, body }) =>
      shown(actor, params.id, wf.recordNotice(actor, params.id, body)),
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
