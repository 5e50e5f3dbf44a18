import type { Config } from '../../config.ts';
import type { Db } from '../../db/connect.ts';
import { PORTAL_STATUS_TEXT, portalStatus } from '../../domain/portal-status.ts';
import { CandorError } from '../../errors.ts';
import { appendEvent } from '../../repositories/audit-repository.ts';
import { attachDocuments, findDocument } from '../../repositories/documents-repository.ts';
import { findPortalUser } from '../../repositories/portal-accounts-repository.ts';
import {
  findSubmission,
  insertMessage,
  lockSubmission,
  claimNotification,
  finishNotification,
  messagesOf,
  queuedSubmissions,
  releasesOfRequest,
  submissionsOfRequest,
  submissionsToNotify,
  updateSubmission,
  type SubmissionView,
} from '../../repositories/portal-submissions-repository.ts';
import { findRequest } from '../../repositories/requests-repository.ts';
import { changeRequest } from '../workflow/change.ts';
import { authorize, type Actor } from '../authorize.ts';
import type { Vault } from '../documents/vault.ts';
import type { Clock } from '../requests.ts';
import type { PortalAccounts, SenderVerification } from './accounts.ts';
import type { PortalMail } from './common.ts';
import { becomeRequest } from './submissions.ts';
import { seesRequest } from '../../repositories/sight.ts';
import { assertSeesRequest, sightFor } from '../sight.ts';

/** How long a status e-mail is claimed by one sender: must outlast one SMTP send. */
const NOTIFY_LEASE_MS = 5 * 60_000;

/** What the legal team sees of a portal submission. */
export interface StaffSubmission {
  id: number;
  state: SubmissionView['state'];
  officer_status: string;
  reference: string;
  request_id: number | null;
  duplicate: boolean;
  emergency: boolean;
  submitted_at: string;
  officer: { name: string; title: string; agency: string; phone: string };
  attestation: string;
  emergency_answers: { danger: string | null; why_now: string | null; callback_phone: string | null } | null;
  input: unknown;
  document_id: number | null;
  refusal_message: string | null;
  sender: SenderVerification | null;
}

/** The legal team's side of the portal: the intake queue, decisions, messages, and status e-mails. */
export function createPortalIntake(deps: {
  db: Db;
  config: Config;
  clock: Clock;
  vault: Vault;
  mail: PortalMail;
  base: string;
  accounts: PortalAccounts;
}) {
  const { db, clock, config, vault, mail, base, accounts } = deps;

  async function present(s: SubmissionView): Promise<StaffSubmission> {
    return {
      id: Number(s.id),
      state: s.state,
      officer_status: PORTAL_STATUS_TEXT[portalStatus(s.state, s.outcome)],
      reference: s.reference,
      request_id: s.request_id === null ? null : Number(s.request_id),
      duplicate: s.duplicate,
      emergency: s.emergency,
      submitted_at: s.submitted_at.toISOString(),
      officer: {
        name: s.officer_name,
        title: s.officer_title,
        agency: s.officer_agency,
        phone: s.officer_phone,
      },
      attestation: s.attestation,
      emergency_answers: s.emergency
        ? { danger: s.danger, why_now: s.why_now, callback_phone: s.callback_phone }
        : null,
      input: s.input,
      document_id: s.document_id === null ? null : Number(s.document_id),
      refusal_message: s.refusal_message,
      sender: await accounts.verification(Number(s.user_id)),
    };
  }

  /** The submission, unless missing or tied to a restricted request the actor may not see (not found alike). */
  async function found(actor: Actor, id: number): Promise<SubmissionView> {
    const s = Number.isSafeInteger(id) ? await findSubmission(db, id) : undefined;
    if (!s || !(await seen(actor, s.request_id)))
      throw new CandorError('not_found', `portal submission ${id} does not exist`);
    return s;
  }

  /** Whether the actor may see the request a submission became (none yet: yes). */
  async function seen(actor: Actor, requestId: number | string | null): Promise<boolean> {
    if (requestId === null) return true;
    const sight = await sightFor(db, actor);
    return sight === 'all' || seesRequest(db, sight, Number(requestId));
  }

  const service = {
    async queue(actor: Actor): Promise<StaffSubmission[]> {
      authorize(actor, 'portal.intake');
      const sight = await sightFor(db, actor);
      const queued = await queuedSubmissions(db);
      const shown = [];
      for (const s of queued)
        if (s.request_id === null || (await seesRequest(db, sight, Number(s.request_id)))) shown.push(s);
      return Promise.all(shown.map(present));
    },

    async get(actor: Actor, id: number) {
      authorize(actor, 'portal.intake');
      const s = await found(actor, id);
      const messages = (await messagesOf(db, s.id)).map((m) => ({
        sender: m.sender,
        author: m.author,
        body: m.body,
        at: m.at.toISOString(),
      }));
      return { ...(await present(s)), messages };
    },

    /** The portal submissions behind a request, with how each sender was verified (the request page). */
    async forRequest(actor: Actor, requestId: number) {
      authorize(actor, 'request.read');
      await assertSeesRequest(db, actor, requestId);
      const subs = await Promise.all((await submissionsOfRequest(db, requestId)).map(present));
      const releases = (await releasesOfRequest(db, requestId)).map((r) => ({
        id: Number(r.id),
        submission_id: Number(r.submission_id),
        production_number: r.number,
        released_by: r.released_by,
        released_at: r.released_at.toISOString(),
        expires_at: r.expires_at.toISOString(),
        downloads: r.downloads,
        max_downloads: r.max_downloads,
        revoked_at: r.revoked_at?.toISOString() ?? null,
      }));
      return { submissions: subs, releases };
    },

    /** The submitted legal process, for reading before the submission is accepted (a download event). */
    async document(actor: Actor, id: number) {
      authorize(actor, 'portal.intake');
      authorize(actor, 'document.read');
      const s = await found(actor, id);
      const d = s.document_id === null ? undefined : await findDocument(db, s.document_id);
      if (!d) throw new CandorError('not_found', `portal submission ${id} has no document`);
      const stream = await vault.open(d);
      await db.transaction().execute((trx) =>
        appendEvent(trx, {
          at: clock(),
          actor: actor.label,
          action: 'document.download',
          entity: 'portal_submission',
          entityId: s.id,
          after: { document_id: d.id, sha256: d.sha256 },
        }),
      );
      return { name: d.name, mediaType: d.media_type, size: d.size_bytes, stream };
    },

    /** Accepts a submission: it becomes a request, or joins an existing one it duplicates (its process attached there). */
    async accept(actor: Actor, id: number, opts: { duplicateOf?: number | null } = {}): Promise<number> {
      authorize(actor, 'portal.intake');
      authorize(actor, 'request.create');
      await found(actor, id);
      const now = clock();
      const requestId = await db.transaction().execute(async (trx) => {
        const s = await lockSubmission(trx, id);
        if (!s) throw new CandorError('not_found', `portal submission ${id} does not exist`);
        if (s.state !== 'received')
          throw new CandorError(
            'invalid_state',
            `portal submission ${id} is ${s.state}, not waiting in the queue`,
          );
        let rid: number;
        if (opts.duplicateOf) {
          if (s.request_id !== null)
            throw new CandorError(
              'invalid_state',
              'an emergency submission is already request ' +
                s.request_id +
                ': note the duplicate on it instead',
            );
          if (!(await findRequest(trx, opts.duplicateOf)))
            throw new CandorError('invalid', `request ${opts.duplicateOf} does not exist`, [
              { field: 'duplicate_of', message: 'no such request' },
            ]);
          rid = opts.duplicateOf;
          if (s.document_id !== null) await attachDocuments(trx, [Number(s.document_id)], rid, null);
          await updateSubmission(trx, id, { request_id: rid, duplicate: true });
        } else {
          rid =
            s.request_id !== null
              ? Number(s.request_id)
              : await becomeRequest(trx, id, actor.label, now, config.policy);
        }
        await updateSubmission(trx, id, { state: 'accepted', decided_at: now, decided_by: actor.label }, [
          'received',
        ]);
        await appendEvent(trx, {
          at: now,
          actor: actor.label,
          action: 'portal.accept',
          entity: 'portal_submission',
          entityId: id,
          after: { request_id: rid, duplicate: !!opts.duplicateOf },
        });
        return rid;
      });
      await service.notifyStatusChanges();
      return requestId;
    },

    /** Refuses a submission with a message the officer reads (an emergency's request records the rejection). */
    async refuse(actor: Actor, id: number, message: string): Promise<void> {
      authorize(actor, 'portal.intake');
      await found(actor, id);
      const text = message.trim();
      if (!text || text.length > 4000)
        throw new CandorError('invalid', 'message: required, up to 4,000 characters; the officer reads it', [
          { field: 'message', message: 'required, up to 4,000 characters' },
        ]);
      const now = clock();
      await db.transaction().execute(async (trx) => {
        const s = await lockSubmission(trx, id);
        if (!s) throw new CandorError('not_found', `portal submission ${id} does not exist`);
        if (s.state !== 'received')
          throw new CandorError(
            'invalid_state',
            `portal submission ${id} is ${s.state}, not waiting in the queue`,
          );
        if (s.request_id !== null) {
          authorize(actor, 'request.update');
          // The submission in the queue is what gives intake the right to record its request's rejection.
          const change = {
            actor,
            id: Number(s.request_id),
            expectedVersion: undefined,
            now,
            sightChecked: true as const,
          };
          await changeRequest(trx, { ...change, action: 'request.update' }, async (_trx, b) => {
            if (b.request.outcome !== null) return null;
            const set = { outcome: 'rejected', responded_at: now, status: 'responded' } as const;
            return { set, before: { outcome: b.request.outcome }, after: { ...set, updated_at: now } };
          });
        }
        await updateSubmission(
          trx,
          id,
          { state: 'refused', decided_at: now, decided_by: actor.label, refusal_message: text },
          ['received'],
        );
        await appendEvent(trx, {
          at: now,
          actor: actor.label,
          action: 'portal.refuse_submission',
          entity: 'portal_submission',
          entityId: id,
          after: { message: text },
        });
      });
      await service.notifyStatusChanges();
    },

    /** A message from the legal team to the officer (explicit: nothing else of the record is ever shown). */
    async message(actor: Actor, id: number, body: string): Promise<void> {
      authorize(actor, 'portal.intake');
      const s = await found(actor, id);
      const text = body.trim();
      if (!text || text.length > 10_000)
        throw new CandorError('invalid', 'message: required, up to 10,000 characters', [
          { field: 'body', message: 'required, up to 10,000 characters' },
        ]);
      await db.transaction().execute(async (trx) => {
        const mid = await insertMessage(trx, {
          submission_id: s.id,
          sender: 'staff',
          author: actor.label,
          body: text,
          at: clock(),
        });
        await appendEvent(trx, {
          at: clock(),
          actor: actor.label,
          action: 'portal.message',
          entity: 'portal_submission',
          entityId: s.id,
          after: { message_id: mid },
        });
      });
      const u = await findPortalUser(db, s.user_id);
      if (u)
        await mail(u.email, `New message about ${s.reference}`, [
          'The legal team sent you a message. Read it in the portal:',
          `${base}/submissions/${s.id}`,
        ]);
    },

    /**
     * E-mails each officer whose submission's status changed since they were last told (run after each
     * decision and by the background jobs, so a response recorded at any door is announced). Each e-mail is
     * claimed for a lease before the SMTP call and counted as told only once the server accepted it: a failed
     * send is tried again next round, and two senders never send the same one. Never throws for a failed
     * send (a decision already committed must not look failed); returns what was sent and what failed.
     */
    async notifyStatusChanges(): Promise<{ sent: number; failed: number; errors: string[] }> {
      const r = { sent: 0, failed: 0, errors: [] as string[] };
      let after = 0;
      for (;;) {
        const page = await submissionsToNotify(db, after, 200);
        if (page.length === 0) return r;
        for (const s of page) {
          after = Number(s.id);
          const status = portalStatus(s.state, s.outcome);
          if (s.notified_status === status) continue;
          const now = clock();
          const until = new Date(now.getTime() + NOTIFY_LEASE_MS);
          if (!(await claimNotification(db, s.id, s.notified_status, now, until))) continue;
          const u = await findPortalUser(db, s.user_id);
          try {
            if (u)
              await mail(u.email, `${s.reference}: ${PORTAL_STATUS_TEXT[status].split(':')[0]}`, [
                `The status of your submission ${s.reference} is now: ${PORTAL_STATUS_TEXT[status]}.`,
                `See it in the portal: ${base}/submissions/${s.id}`,
              ]);
          } catch (e) {
            await finishNotification(db, s.id);
            r.failed++;
            r.errors.push(`${s.reference}: ${e instanceof Error ? e.message : String(e)}`);
            continue;
          }
          await finishNotification(db, s.id, status);
          if (u) r.sent++;
        }
      }
    },
  };
  return service;
}
export type PortalIntake = ReturnType<typeof createPortalIntake>;
