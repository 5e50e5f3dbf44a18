import type { z } from 'zod';
import {
  approveAction,
  assignAction,
  holdAction,
  liftAction,
  ndoAction,
  noticeAction,
  releaseAction,
  responseAction,
  transitionAction,
  verificationAction,
  versionAction,
} from '../../domain/workflow-actions.ts';
import { CandorError, zodIssues } from '../../errors.ts';
import type { Action } from '../../services/authorize.ts';
import type { WebContext, WebRoute } from '../context.ts';
import { Errors, type Form } from '../forms.tsx';
import { renderDetail, requestId } from './request-detail.tsx';
import { instantFrom } from './request-new-input.ts';
import { renderNotice } from './request-notice.tsx';
import { courtChallengeBody } from '../../domain/court-challenge.ts';

/**
 * The request's action forms: each POST maps its fields onto the action's schema (the one the API and the CLI
 * share, `domain/workflow-actions.ts`), parses them through it with the version the page showed, and runs one
 * workflow service call, then redirects back to the request with a flash key (POST-redirect-GET). Input the
 * schema or the service refuses renders the page again with the form open, its input kept and the issues
 * beside the fields; nothing was written.
 */

/** A field's value, or undefined when left empty (the schema then applies its default, or says it is needed). */
const opt = (f: Form, field: string): string | undefined => f.get(field) || undefined;

/**
 * The form's body parsed through the action's schema, or a refusal whose issues are keyed by the form's field
 * names (the schema's names), so each shows beside its field; a needed field left empty says so.
 */
function parseForm<S extends z.ZodType>(schema: S, body: Record<string, unknown>): z.output<S> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const empty = (field: string) => {
    const v = field
      .split('.')
      .reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], body);
    return v === undefined || v === '';
  };
  const issues = zodIssues(parsed.error.issues).map((i) =>
    empty(i.field) ? { field: i.field, message: 'required' } : i,
  );
  const needed = issues.every((i) => i.message === 'required');
  throw new CandorError('invalid', needed ? 'a required field is empty' : 'the form is not valid', issues);
}

/** Refusals shown on the page beside the form (a rule-based `forbidden`, like a handler overriding, too). */
const SHOWN_AGAIN: Record<string, number> = {
  invalid: 422,
  invalid_state: 422,
  not_found: 422,
  forbidden: 403,
  conflict: 409,
};

function act<S extends z.ZodType>(
  path: string,
  access: Action,
  /** Which form on the page this is (to open it again with the errors). */
  form: string | ((c: WebContext) => string),
  /** The action's schema, and the form's fields mapped onto its body (the version is added). */
  schema: S,
  body: (f: Form) => Record<string, unknown>,
  run: (c: WebContext, id: number, input: z.output<S>) => Promise<string>,
): WebRoute {
  return {
    method: 'POST',
    path: `/requests/:id/${path}`,
    access,
    handler: async (c) => {
      const id = requestId(c);
      try {
        const version = Number(c.form.get('version'));
        if (!Number.isSafeInteger(version) || version < 1)
          throw new CandorError('conflict', 'the form did not say which version of the request it showed');
        const done = await run(c, id, parseForm(schema, { version, ...body(c.form) }));
        return { redirect: `/requests/${id}?done=${done}` };
      } catch (e) {
        const status = e instanceof CandorError ? SHOWN_AGAIN[e.code] : undefined;
        if (!(e instanceof CandorError) || !status) throw e;
        const conflict = e.code === 'conflict';
        const html = await renderDetail(c, id, {
          form: typeof form === 'string' ? form : form(c),
          message: conflict ? '' : e.message,
          errors: new Errors(e.issues ?? []),
          input: c.form,
          conflict,
        });
        return { status, html };
      }
    },
  };
}

/**
 * The contact of an account the request names that has none yet, from the notice section of the request
 * page or from the notice preview (`back=notice`), and back to that page. Refused as stale when the request
 * changed since the page was shown, or when someone set this account's contact meanwhile (nothing is
 * overwritten); refused beside the fields when a field is wrong, with the input kept.
 */
const setContact: WebRoute = {
  method: 'POST',
  path: '/requests/:id/contact',
  access: 'contact.manage',
  handler: async (c) => {
    const id = requestId(c);
    const toNotice = c.form.get('back') === 'notice';
    const account = c.form.get('account_ref');
    try {
      const r = await c.services.requests.get(c.actor, id);
      if (Number(c.form.get('version')) !== r.version)
        throw new CandorError(
          'conflict',
          'This request was changed by someone else — reload the page and try again.',
        );
      if (!r.targets.some((t) => t.account === account))
        throw new CandorError('invalid', `${account || 'That'} is not an account this request names.`);
      await c.services.notices.setContact(
        c.actor,
        account,
        {
          email: c.form.get('email'),
          name: c.form.get('name') || null,
          language: c.form.get('language') || undefined,
        },
        { expected: null },
      );
      return {
        redirect: toNotice
          ? `/requests/${id}/notice?done=contact_set`
          : `/requests/${id}?done=contact_set#notice-send`,
      };
    } catch (e) {
      const status = e instanceof CandorError ? SHOWN_AGAIN[e.code] : undefined;
      if (!(e instanceof CandorError) || !status) throw e;
      const failed = {
        form: 'contact',
        message: e.message,
        errors: new Errors(e.issues ?? []),
        input: c.form,
        conflict: e.code === 'conflict',
      };
      return { status, html: await (toNotice ? renderNotice : renderDetail)(c, id, failed) };
    }
  },
};

export const routes: WebRoute[] = [
  act(
    'assign',
    'request.assign',
    'assign',
    assignAction,
    (f) => ({ user_id: f.get('user_id') }),
    async (c, id, input) => {
      await c.services.workflow.assign(c.actor, id, input);
      return 'assigned';
    },
  ),
  act(
    'transition',
    'request.transition',
    'transition',
    transitionAction,
    (f) => ({ to: f.get('to'), reason: opt(f, 'reason') }),
    async (c, id, input) => {
      await c.services.workflow.transition(c.actor, id, input);
      return 'moved';
    },
  ),
  act(
    'response',
    'request.respond',
    'respond',
    responseAction,
    (f) => {
      const accounts = [];
      for (let i = 0; f.has(`account.${i}`); i++) {
        if (f.get(`result.${i}`))
          accounts.push({ account: f.get(`account.${i}`), result: f.get(`result.${i}`) });
      }
      return {
        outcome: f.get('outcome'),
        responded_at: instantFrom(f.get('responded_at')),
        produced: f.all('produced'),
        accounts,
        override_reason: opt(f, 'override_reason'),
      };
    },
    async (c, id, input) => {
      await c.services.workflow.respond(c.actor, id, input);
      return 'responded';
    },
  ),
  act(
    'emergency/verification',
    'emergency.record',
    'verify',
    verificationAction,
    (f) => ({
      attests_danger: f.get('attests_danger') === 'on',
      basis: opt(f, 'basis'),
      verified_by: f.get('verified_by'),
      called_back_at: instantFrom(f.get('called_back_at')),
      number: f.get('number'),
      number_source: f.get('number_source'),
    }),
    async (c, id, input) => {
      await c.services.workflow.recordVerification(c.actor, id, input);
      return 'verified';
    },
  ),
  act(
    'approve',
    'request.approve',
    'approve',
    approveAction,
    (f) => ({ purpose: f.get('purpose'), note: opt(f, 'note') }),
    async (c, id, input) => {
      await c.services.workflow.approve(c.actor, id, input);
      return 'approved';
    },
  ),
  act(
    'ndos',
    'ndo.manage',
    'ndo',
    ndoAction,
    (f) => ({
      authority: f.get('authority'),
      issuing_court: opt(f, 'issuing_court'),
      issued_at: instantFrom(f.get('issued_at')) ?? null,
      expires_at: instantFrom(f.get('expires_at')) ?? null,
      ground: opt(f, 'ground'),
    }),
    async (c, id, input) => {
      await c.services.workflow.addNdo(c.actor, id, input);
      return 'ndo_added';
    },
  ),
  act(
    'ndos/:ndoId/lift',
    'ndo.manage',
    (c) => `lift-${c.params.ndoId}`,
    liftAction,
    (f) => ({ lifted_at: instantFrom(f.get('lifted_at')) }),
    async (c, id, input) => {
      await c.services.workflow.liftNdo(c.actor, id, Number(c.params.ndoId), input);
      return 'ndo_lifted';
    },
  ),
  act(
    'challenges',
    'challenge.record',
    'challenge',
    courtChallengeBody,
    (f) => ({
      stage: opt(f, 'stage'),
      result: opt(f, 'result'),
      filed_at: opt(f, 'filed_at'),
      decided_at: opt(f, 'decided_at'),
      court: opt(f, 'court'),
    }),
    async (c, id, { version, ...step }) => {
      await c.services.workflow.recordChallenge(c.actor, id, { ...step, expectedVersion: version });
      return 'challenge_recorded';
    },
  ),
  act(
    'holds',
    'hold.manage',
    'hold',
    holdAction,
    (f) => ({ regime: opt(f, 'regime') }),
    async (c, id, input) => {
      await c.services.workflow.addHold(c.actor, id, input);
      return 'hold_added';
    },
  ),
  act(
    'holds/:holdId/extend',
    'hold.manage',
    (c) => `hold-${c.params.holdId}`,
    versionAction,
    () => ({}),
    async (c, id, input) => {
      await c.services.workflow.extendHold(c.actor, id, Number(c.params.holdId), input);
      return 'hold_extended';
    },
  ),
  act(
    'holds/:holdId/release',
    'hold.manage',
    (c) => `hold-${c.params.holdId}`,
    releaseAction,
    (f) => ({ reason: f.get('reason') }),
    async (c, id, input) => {
      await c.services.workflow.releaseHold(c.actor, id, Number(c.params.holdId), input);
      return 'hold_released';
    },
  ),
  act(
    'notice',
    'notice.record',
    'notice',
    noticeAction,
    (f) => ({ status: f.get('status'), reason: f.get('reason') }),
    async (c, id, input) => {
      await c.services.workflow.recordNotice(c.actor, id, input);
      return 'notice_recorded';
    },
  ),
  act(
    'notice/queue',
    'notice.send',
    'notice-queue',
    versionAction,
    () => ({}),
    async (c, id, input) => {
      // queue() takes no version: the page checks the one it showed, so a stale preview sends nothing.
      const r = await c.services.requests.get(c.actor, id);
      if (r.version !== input.expectedVersion)
        throw new CandorError('conflict', `request ${id} was changed by someone else; reload and retry`);
      const q = await c.services.notices.queue(c.actor, id);
      return q.queued.length > 0 ? 'notice_queued' : 'notice_none';
    },
  ),
  setContact,
];
