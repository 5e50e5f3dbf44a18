import { NUMBER_SOURCES } from '../../domain/emergency.ts';
import { HOLD_REGIMES } from '../../domain/preservation.ts';
import {
  DATA_SOUGHT,
  NDO_AUTHORITIES,
  NOTICE_STATUSES,
  OUTCOMES,
  REQUEST_STATUSES,
  type DataSought,
  APPROVAL_PURPOSES,
  MANUAL_RELEASE_REASONS,
  NDO_GROUNDS,
} from '../../domain/vocabulary.ts';
import { CandorError } from '../../errors.ts';
import type { Action } from '../../services/authorize.ts';
import type { WebContext, WebRoute } from '../context.ts';
import { Errors } from '../forms.tsx';
import { renderDetail, requestId } from './request-detail.tsx';
import { ACCOUNT_RESULTS } from '../../domain/vocabulary.ts';
import { renderNotice } from './request-notice.tsx';
import { courtChallengeInput } from '../../domain/court-challenge.ts';
import { zodIssues } from '../../errors.ts';

/**
 * The request's action forms: each POST runs one workflow service call with the version the page showed,
 * then redirects back to the request with a flash key (POST-redirect-GET). A refused change renders the
 * page again with the form open, its input kept and the errors beside the fields; nothing was written.
 */

/** A `datetime-local` or date field, read as UTC; undefined when empty. */
function utc(c: WebContext, field: string): Date | undefined {
  const v = c.form.get(field);
  if (!v) return undefined;
  const iso = /^\d{4}-\d{2}-\d{2}$/.test(v)
    ? `${v}T00:00:00Z`
    : /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(v)
      ? `${v}:00Z`
      : v;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime()))
    throw new CandorError('invalid', `${field} is not a date`, [
      { field, message: 'expected a date and time (UTC)' },
    ]);
  return d;
}

function requiredDate(c: WebContext, field: string): Date {
  const d = utc(c, field);
  if (!d) throw new CandorError('invalid', 'a required field is empty', [{ field, message: 'required' }]);
  return d;
}

function required(c: WebContext, field: string): string {
  const v = c.form.get(field);
  if (!v) throw new CandorError('invalid', 'a required field is empty', [{ field, message: 'required' }]);
  return v;
}

/** Values from a select: refused unless one of the options (the form offers nothing else). */
function oneOf<T extends string>(c: WebContext, field: string, options: readonly T[]): T {
  const v = c.form.get(field);
  if (!(options as readonly string[]).includes(v))
    throw new CandorError('invalid', `choose a ${field.replaceAll('_', ' ')}`, [
      { field, message: 'choose one of the options' },
    ]);
  return v as T;
}

/** Refusals shown on the page beside the form (a rule-based `forbidden`, like a handler overriding, too). */
const SHOWN_AGAIN: Record<string, number> = {
  invalid: 422,
  invalid_state: 422,
  not_found: 422,
  forbidden: 403,
  conflict: 409,
};

function act(
  path: string,
  access: Action,
  /** Which form on the page this is (to open it again with the errors). */
  form: string | ((c: WebContext) => string),
  run: (c: WebContext, id: number, expectedVersion: number) => Promise<string>,
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
        const done = await run(c, id, version);
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
  act('assign', 'request.assign', 'assign', async (c, id, expectedVersion) => {
    const userId = Number(required(c, 'user_id'));
    await c.services.workflow.assign(c.actor, id, { userId, expectedVersion });
    return 'assigned';
  }),
  act('transition', 'request.transition', 'transition', async (c, id, expectedVersion) => {
    const to = oneOf(c, 'to', REQUEST_STATUSES);
    await c.services.workflow.transition(c.actor, id, { to, reason: c.form.get('reason'), expectedVersion });
    return 'moved';
  }),
  act('response', 'request.respond', 'respond', async (c, id, expectedVersion) => {
    const outcome = oneOf(c, 'outcome', OUTCOMES);
    const accounts = [];
    for (let i = 0; c.form.has(`account.${i}`); i++) {
      if (!c.form.get(`result.${i}`)) continue;
      accounts.push({
        account: c.form.get(`account.${i}`),
        result: oneOf(c, `result.${i}`, ACCOUNT_RESULTS),
      });
    }
    await c.services.workflow.respond(c.actor, id, {
      outcome,
      respondedAt: utc(c, 'responded_at'),
      produced: c.form
        .all('produced')
        .filter((d): d is DataSought => (DATA_SOUGHT as readonly string[]).includes(d)),
      accounts,
      overrideReason: c.form.get('override_reason') || null,
      expectedVersion,
    });
    return 'responded';
  }),
  act('emergency/verification', 'emergency.record', 'verify', async (c, id, expectedVersion) => {
    await c.services.workflow.recordVerification(c.actor, id, {
      attestsDanger: c.form.get('attests_danger') === 'on',
      basisText: c.form.get('basis') || null,
      verifiedBy: required(c, 'verified_by'),
      calledBackAt: requiredDate(c, 'called_back_at'),
      number: required(c, 'number'),
      numberSource: oneOf(c, 'number_source', NUMBER_SOURCES),
      expectedVersion,
    });
    return 'verified';
  }),
  act('approve', 'request.approve', 'approve', async (c, id, expectedVersion) => {
    await c.services.workflow.approve(c.actor, id, {
      purpose: oneOf(c, 'purpose', APPROVAL_PURPOSES),
      note: c.form.get('note') || null,
      expectedVersion,
    });
    return 'approved';
  }),
  act('ndos', 'ndo.manage', 'ndo', async (c, id, expectedVersion) => {
    const ground = c.form.get('ground');
    await c.services.workflow.addNdo(c.actor, id, {
      authority: oneOf(c, 'authority', NDO_AUTHORITIES),
      issuingCourt: c.form.get('issuing_court') || null,
      issuedAt: utc(c, 'issued_at') ?? null,
      expiresAt: utc(c, 'expires_at') ?? null,
      ground: ground ? oneOf(c, 'ground', NDO_GROUNDS) : null,
      expectedVersion,
    });
    return 'ndo_added';
  }),
  act(
    'ndos/:ndoId/lift',
    'ndo.manage',
    (c) => `lift-${c.params.ndoId}`,
    async (c, id, expectedVersion) => {
      await c.services.workflow.liftNdo(c.actor, id, Number(c.params.ndoId), {
        liftedAt: utc(c, 'lifted_at'),
        expectedVersion,
      });
      return 'ndo_lifted';
    },
  ),
  act('challenges', 'challenge.record', 'challenge', async (c, id, expectedVersion) => {
    const blank = (k: string) => c.form.get(k) || undefined;
    const parsed = courtChallengeInput.safeParse({
      stage: blank('stage'),
      result: blank('result'),
      filed_at: blank('filed_at'),
      decided_at: blank('decided_at'),
      court: blank('court'),
    });
    if (!parsed.success)
      throw new CandorError('invalid', 'the court challenge is not valid', zodIssues(parsed.error.issues));
    await c.services.workflow.recordChallenge(c.actor, id, { ...parsed.data, expectedVersion });
    return 'challenge_recorded';
  }),
  act('holds', 'hold.manage', 'hold', async (c, id, expectedVersion) => {
    await c.services.workflow.addHold(c.actor, id, {
      regime: c.form.get('regime') ? oneOf(c, 'regime', HOLD_REGIMES) : undefined,
      expectedVersion,
    });
    return 'hold_added';
  }),
  act(
    'holds/:holdId/extend',
    'hold.manage',
    (c) => `hold-${c.params.holdId}`,
    async (c, id, expectedVersion) => {
      await c.services.workflow.extendHold(c.actor, id, Number(c.params.holdId), { expectedVersion });
      return 'hold_extended';
    },
  ),
  act(
    'holds/:holdId/release',
    'hold.manage',
    (c) => `hold-${c.params.holdId}`,
    async (c, id, expectedVersion) => {
      await c.services.workflow.releaseHold(c.actor, id, Number(c.params.holdId), {
        reason: oneOf(c, 'reason', MANUAL_RELEASE_REASONS),
        expectedVersion,
      });
      return 'hold_released';
    },
  ),
  act('notice', 'notice.record', 'notice', async (c, id, expectedVersion) => {
    await c.services.workflow.recordNotice(c.actor, id, {
      status: oneOf(c, 'status', NOTICE_STATUSES),
      reason: c.form.get('reason'),
      expectedVersion,
    });
    return 'notice_recorded';
  }),
  act('notice/queue', 'notice.send', 'notice-queue', async (c, id, expectedVersion) => {
    // queue() takes no version: the page checks the one it showed, so a stale preview sends nothing.
    const r = await c.services.requests.get(c.actor, id);
    if (r.version !== expectedVersion)
      throw new CandorError('conflict', `request ${id} was changed by someone else; reload and retry`);
    const q = await c.services.notices.queue(c.actor, id);
    return q.queued.length > 0 ? 'notice_queued' : 'notice_none';
  }),
  setContact,
];
