import { z } from 'zod';
import type { Db } from '../../db/connect.ts';
import type { PortalUserRow } from '../../db/schema-portal.ts';
import { countryCode } from '../../domain/request-input.ts';
import { emailDomain, matchDomain, parseDomainRule, ruleText } from '../../domain/portal-domains.ts';
import { CandorError, zodIssues } from '../../errors.ts';
import { appendEvent } from '../../repositories/audit-repository.ts';
import {
  deleteDomainRule,
  findPortalUser,
  findPortalUserByEmail,
  insertDomainRule,
  insertPortalToken,
  insertPortalUser,
  listDomainRules,
  listPortalUsers,
  revokePortalUserSessions,
  updatePortalUser,
  usePortalToken,
} from '../../repositories/portal-accounts-repository.ts';
import { firstSubmissionAt } from '../../repositories/portal-submissions-repository.ts';
import { secret, sha256 } from '../auth/passwords.ts';
import { authorize, type Actor } from '../authorize.ts';
import type { Clock } from '../requests.ts';
import { limit, officerLabel, PORTAL_POLICY, type PortalMail } from './common.ts';
import type { PortalSessions } from './sessions.ts';

const line = (max: number) => z.string().trim().min(1, 'required').max(max);

/** The registration form, as every door reads it. */
export const registration = z.strictObject({
  email: z
    .string()
    .trim()
    .toLowerCase()
    .max(320)
    .refine((e) => emailDomain(e) !== null, 'expected your official e-mail address, such as name@agency.gov'),
  name: line(200),
  title: line(200),
  agency: line(300),
  phone: z
    .string()
    .trim()
    .regex(/^\+?[0-9 ().-]{3,50}$/, 'expected a telephone number, such as +1 202 555 0100'),
  country: countryCode,
});
export type Registration = z.input<typeof registration>;

/** What the legal team sees of who sent a portal request (the request page and the intake queue). */
export interface SenderVerification {
  officer_id: number;
  email: string;
  name: string;
  title: string;
  agency: string;
  phone: string;
  state: PortalUserRow['state'];
  domain_rule: string | null;
  email_verified_at: string | null;
  verified_how: string | null;
  verified_by: string | null;
  account_created_at: string;
  account_age_days: number;
  first_submission_at: string | null;
  second_factor: boolean;
}

/** Registration, e-mail verification, the admin's domain rules and reviews. */
export function createPortalAccounts(deps: {
  db: Db;
  clock: Clock;
  mail: PortalMail;
  base: string;
  sessions: PortalSessions;
}) {
  const { db, clock, mail, base, sessions } = deps;

  async function sendVerifyLink(u: { id: number; email: string }): Promise<void> {
    const token = secret();
    const now = clock();
    await insertPortalToken(db, {
      token_hash: sha256(token),
      user_id: u.id,
      purpose: 'verify',
      created_at: now,
      expires_at: new Date(now.getTime() + PORTAL_POLICY.verifyLinkHours * 3_600_000),
    });
    await mail(u.email, 'Confirm your e-mail address', [
      `Confirm your address to finish registering (valid ${PORTAL_POLICY.verifyLinkHours} hours, once):`,
      `${base}/verify/${token}`,
      '',
      'If you did not register, ignore this message.',
    ]);
  }

  async function reviewable(actor: Actor, id: number): Promise<PortalUserRow> {
    authorize(actor, 'portal.manage');
    const u = await findPortalUser(db, id);
    if (!u) throw new CandorError('not_found', `no portal account ${id}`);
    if (u.state !== 'pending_review')
      throw new CandorError(
        'invalid_state',
        `portal account ${id} is ${u.state.replace('_', ' ')}, not waiting for review`,
      );
    return u;
  }

  return {
    /**
     * Registers an officer and e-mails a verification link. The answer is the same whether or not the address
     * already has an account (an existing one is told by e-mail instead), so the form reveals no addresses.
     */
    async register(input: unknown, ip: string): Promise<void> {
      const parsed = registration.safeParse(input);
      if (!parsed.success)
        throw new CandorError('invalid', 'the registration is not complete', zodIssues(parsed.error.issues));
      const r = parsed.data;
      const domain = emailDomain(r.email)!;
      await limit(
        db,
        clock(),
        [
          ['portal-register-ip', ip],
          ['portal-register-domain', domain],
          ['portal-register-address', r.email],
        ],
        'email',
      );
      const existing = await findPortalUserByEmail(db, r.email);
      if (existing) {
        if (existing.state === 'unverified') return sendVerifyLink(existing);
        return mail(existing.email, 'You already have an account', [
          'Someone (perhaps you) tried to register this address again. Sign in instead:',
          `${base}/sign-in`,
        ]);
      }
      const rule = matchDomain(r.email, await listDomainRules(db));
      const now = clock();
      const id = await db.transaction().execute(async (trx) => {
        const newId = await insertPortalUser(trx, {
          ...r,
          state: 'unverified',
          domain_rule: rule ? ruleText(rule) : null,
          created_at: now,
        });
        await appendEvent(trx, {
          at: now,
          actor: officerLabel({ id: newId, email: r.email }),
          action: 'portal.register',
          entity: 'portal_user',
          entityId: newId,
          after: { ...r, domain_rule: rule ? ruleText(rule) : null },
        });
        return newId;
      });
      await sendVerifyLink({ id, email: r.email });
    },

    /**
     * Uses a verification link. An address on the allow-list is active at once and signed in (the first
     * sign-in, which enrols the second factor); any other waits for an admin's review.
     */
    async verify(token: string): Promise<{ session: string } | { pending: true }> {
      const userId = token.length <= 100 ? await usePortalToken(db, sha256(token), 'verify', clock()) : null;
      const u = userId === null ? undefined : await findPortalUser(db, userId);
      if (!u || u.state !== 'unverified')
        throw new CandorError(
          'invalid',
          'this confirmation link is not valid: it was used, it expired, or it was mistyped',
        );
      const now = clock();
      const active = u.domain_rule !== null;
      await db.transaction().execute(async (trx) => {
        await updatePortalUser(trx, u.id, {
          email_verified_at: now,
          state: active ? 'active' : 'pending_review',
          ...(active ? { verified_how: `domain rule ${u.domain_rule}`, verified_by: 'e-mail link' } : {}),
        });
        await appendEvent(trx, {
          at: now,
          actor: officerLabel(u),
          action: 'portal.verify_email',
          entity: 'portal_user',
          entityId: u.id,
          after: { state: active ? 'active' : 'pending_review', domain_rule: u.domain_rule },
        });
      });
      if (!active) return { pending: true };
      return { session: await db.transaction().execute((trx) => sessions.open(trx, u.id, 'enrol')) };
    },

    async rules(actor: Actor) {
      authorize(actor, 'portal.manage');
      return (await listDomainRules(db)).map((r) => ({
        id: Number(r.id),
        rule: ruleText(r),
        kind: r.kind,
        country: r.country,
        added_by: r.added_by,
        added_at: r.added_at.toISOString(),
      }));
    },

    async addRule(actor: Actor, text: string, opts: { suffix?: boolean; country?: string | null } = {}) {
      authorize(actor, 'portal.manage');
      const p = parseDomainRule(text, opts);
      if (!p.ok)
        throw new CandorError('invalid', `domain: ${p.message}`, [{ field: 'domain', message: p.message }]);
      const now = clock();
      return db.transaction().execute(async (trx) => {
        const id = await insertDomainRule(trx, { ...p.rule, added_by: actor.label, added_at: now });
        if (id === null)
          throw new CandorError('conflict', `the rule ${ruleText(p.rule)} exists`, [
            { field: 'domain', message: 'already on the list' },
          ]);
        await appendEvent(trx, {
          at: now,
          actor: actor.label,
          action: 'portal.domain_add',
          entity: 'portal_domain_rule',
          entityId: id,
          after: { rule: ruleText(p.rule), country: p.rule.country },
        });
        return { id, rule: ruleText(p.rule) };
      });
    },

    async removeRule(actor: Actor, id: number): Promise<void> {
      authorize(actor, 'portal.manage');
      await db.transaction().execute(async (trx) => {
        const r = await deleteDomainRule(trx, id);
        if (!r) throw new CandorError('not_found', `no domain rule ${id}`);
        await appendEvent(trx, {
          at: clock(),
          actor: actor.label,
          action: 'portal.domain_remove',
          entity: 'portal_domain_rule',
          entityId: id,
          before: { rule: ruleText(r), country: r.country },
        });
      });
    },

    /** Accounts whose address is verified but matched no rule: an admin approves or refuses each. */
    async pendingReviews(actor: Actor) {
      authorize(actor, 'portal.manage');
      return (await listPortalUsers(db, ['pending_review'])).map((u) => ({
        id: Number(u.id),
        email: u.email,
        name: u.name,
        title: u.title,
        agency: u.agency,
        phone: u.phone,
        country: u.country,
        registered_at: u.created_at.toISOString(),
      }));
    },

    async approve(actor: Actor, id: number): Promise<void> {
      const u = await reviewable(actor, id);
      await db.transaction().execute(async (trx) => {
        await updatePortalUser(
          trx,
          u.id,
          { state: 'active', verified_how: 'admin review', verified_by: actor.label },
          ['pending_review'],
        );
        await appendEvent(trx, {
          at: clock(),
          actor: actor.label,
          action: 'portal.approve',
          entity: 'portal_user',
          entityId: u.id,
        });
      });
      await mail(u.email, 'Your portal account is approved', [
        'Your registration was approved. Sign in here:',
        `${base}/sign-in`,
      ]);
    },

    async refuse(actor: Actor, id: number, reason: string): Promise<void> {
      const u = await reviewable(actor, id);
      const why = reason.trim();
      if (!why || why.length > 2000)
        throw new CandorError(
          'invalid',
          'reason: required (up to 2000 characters); it is sent to the applicant',
          [{ field: 'reason', message: 'required, up to 2000 characters' }],
        );
      await db.transaction().execute(async (trx) => {
        await updatePortalUser(
          trx,
          u.id,
          { state: 'refused', review_reason: why, verified_by: actor.label },
          ['pending_review'],
        );
        await revokePortalUserSessions(trx, u.id, clock());
        await appendEvent(trx, {
          at: clock(),
          actor: actor.label,
          action: 'portal.refuse',
          entity: 'portal_user',
          entityId: u.id,
          after: { reason: why },
        });
      });
      await mail(u.email, 'Your portal registration was refused', [
        'Your registration was refused, for this reason:',
        '',
        why,
      ]);
    },

    /** How the sender of a portal request was verified; null when there is no such account. */
    async verification(id: number): Promise<SenderVerification | null> {
      const u = await findPortalUser(db, id);
      if (!u) return null;
      const first = await firstSubmissionAt(db, id);
      return {
        officer_id: Number(u.id),
        email: u.email,
        name: u.name,
        title: u.title,
        agency: u.agency,
        phone: u.phone,
        state: u.state,
        domain_rule: u.domain_rule,
        email_verified_at: u.email_verified_at?.toISOString() ?? null,
        verified_how: u.verified_how,
        verified_by: u.verified_by,
        account_created_at: u.created_at.toISOString(),
        account_age_days: Math.floor((clock().getTime() - u.created_at.getTime()) / 86_400_000),
        first_submission_at: first?.toISOString() ?? null,
        second_factor: u.totp_secret !== null,
      };
    },
  };
}
export type PortalAccounts = ReturnType<typeof createPortalAccounts>;
