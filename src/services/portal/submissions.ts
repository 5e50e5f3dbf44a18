import { Transform, type Readable } from 'node:stream';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/connect.ts';
import { emailDomain } from '../../domain/portal-domains.ts';
import { PORTAL_STATUS_TEXT, portalStatus, type PortalStatus } from '../../domain/portal-status.ts';
import { ATTESTATION, isEmergency, portalSubmission, toRequest } from '../../domain/portal-submission.ts';
import { cleanFileName } from '../../domain/production-manifest.ts';
import { initialStatus } from '../../domain/intake-defaults.ts';
import type { PolicyConfig } from '../../domain/policy-config.ts';
import { intakeFacts, policyGate } from '../../domain/policy-gate.ts';
import { assertGate } from '../workflow/guards.ts';
import { CandorError, zodIssues } from '../../errors.ts';
import { appendEvent } from '../../repositories/audit-repository.ts';
import { attachDocuments, insertDocument } from '../../repositories/documents-repository.ts';
import { findPortalUser } from '../../repositories/portal-accounts-repository.ts';
import {
  findOwnSubmission,
  insertMessage,
  insertSubmission,
  lockSubmission,
  messagesOf,
  ownSubmissions,
  releasesOf,
  updateSubmission,
  type SubmissionView,
} from '../../repositories/portal-submissions-repository.ts';
import { changeRequest } from '../workflow/change.ts';
import type { Vault } from '../documents/vault.ts';
import { prepareRequest, writeRequests, type Clock } from '../requests.ts';
import { limit, type Officer, type PortalMail } from './common.ts';

/** What an officer sees of one submission: its own data and the legal team's explicit messages only. */
export interface OfficerSubmission {
  id: number;
  reference: string;
  process_type: string;
  emergency: boolean;
  submitted_at: string;
  status: PortalStatus;
  status_text: string;
  refusal_message: string | null;
}

export const presentOwn = (s: SubmissionView): OfficerSubmission => {
  const status = portalStatus(s.state, s.outcome);
  return {
    id: Number(s.id),
    reference: s.reference,
    process_type: (s.input as { process_type: string }).process_type,
    emergency: s.emergency,
    submitted_at: s.submitted_at.toISOString(),
    status,
    status_text: PORTAL_STATUS_TEXT[status],
    refusal_message: s.state === 'refused' ? s.refusal_message : null,
  };
};

/** Refuses anything past `max` bytes, as it streams (the vault's own limit is the server-wide one). */
function capped(max: number): Transform {
  let n = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      n += chunk.length;
      if (n > max)
        done(
          new CandorError(
            'invalid',
            `the file is larger than the ${Math.round(max / 1048576)} MiB the portal accepts`,
            [{ field: 'process_file', message: `at most ${Math.round(max / 1048576)} MiB` }],
          ),
        );
      else done(null, chunk);
    },
  });
}

export function createPortalSubmissions(deps: {
  db: Db;
  clock: Clock;
  config: Config;
  vault: Vault;
  mail: PortalMail;
}) {
  const { db, clock, config, vault, mail } = deps;

  async function own(officer: Officer, id: number): Promise<SubmissionView> {
    const s = Number.isSafeInteger(id) ? await findOwnSubmission(db, id, officer.id) : undefined;
    // Another officer's submission and no submission look the same.
    if (!s) throw new CandorError('not_found', 'there is no such submission in your account');
    return s;
  }

  return {
    /**
     * Records a submission with its legal process (a PDF). An emergency becomes a request at once (the
     * emergency playbook starts, and the on-call address is e-mailed); any other waits in the intake queue.
     */
    async submit(
      officer: Officer,
      input: unknown,
      file: { name: string | undefined; stream: Readable } | null,
      ip: string,
    ) {
      const parsed = portalSubmission.safeParse(input);
      if (!parsed.success)
        throw new CandorError('invalid', 'the submission is not complete', zodIssues(parsed.error.issues));
      const s = parsed.data;
      const u = (await findPortalUser(db, officer.id))!;
      const now = clock();
      const check = toRequest(s, { externalRef: 'PORTAL-0', receivedAt: now, country: u.country });
      if (!check.success)
        throw new CandorError('invalid', 'the submission is not complete', zodIssues(check.error.issues));
      // The one policy gate every intake door passes: refused here, before the file is read.
      assertGate(policyGate(intakeFacts(check.data, now), config.policy));
      if (!file)
        throw new CandorError('invalid', 'attach the legal process (a PDF)', [
          { field: 'process_file', message: 'attach the legal process as a PDF' },
        ]);
      await limit(
        db,
        now,
        [
          ['portal-submit-user', String(officer.id)],
          ['portal-submit-domain', emailDomain(officer.email) ?? ''],
          ['portal-submit-ip', ip],
        ],
        'process_file',
      );
      const ingested = await vault.ingest(file.stream.pipe(capped(config.portal.uploadMaxBytes)), {
        readText: true,
      });
      const emergency = isEmergency(s);
      try {
        if (ingested.mediaType !== 'application/pdf')
          throw new CandorError('invalid', 'the legal process must be a PDF', [
            { field: 'process_file', message: `expected a PDF, got ${ingested.mediaType}` },
          ]);
        const id = await db.transaction().execute(async (trx) => {
          const docId = await insertDocument(trx, {
            request_id: null,
            kind: 'legal_process',
            name: cleanFileName(file.name),
            media_type: ingested.mediaType,
            size_bytes: ingested.size,
            sha256: ingested.sha256,
            blob_key: ingested.blobKey,
            wrapped_key: ingested.wrappedKey,
            key_id: ingested.keyId,
            text_status: ingested.text.status,
            text_sealed: ingested.text.sealed,
            text_note: ingested.text.note,
            uploaded_by: officer.label,
            uploaded_by_user_id: null,
            uploaded_at: now,
          });
          const sid = await insertSubmission(trx, {
            user_id: officer.id,
            state: 'received',
            input: JSON.stringify(s),
            reference: s.reference,
            officer_name: s.officer_name,
            officer_title: s.officer_title,
            officer_agency: s.officer_agency,
            officer_phone: s.officer_phone,
            attestation: `${ATTESTATION} Signed: ${s.signature}, ${now.toISOString()}`,
            emergency,
            danger: s.danger ?? null,
            why_now: s.why_now ?? null,
            callback_phone: s.callback_phone ?? null,
            document_id: docId,
            submitted_at: now,
          });
          await appendEvent(trx, {
            at: now,
            actor: officer.label,
            action: 'portal.submit',
            entity: 'portal_submission',
            entityId: sid,
            after: { ...s, document: { id: docId, sha256: ingested.sha256, size: ingested.size } },
          });
          if (emergency) await becomeRequest(trx, sid, officer.label, now, config.policy);
          return sid;
        });
        if (emergency && config.portal.onCall) {
          await mail(config.portal.onCall, `EMERGENCY portal request ${s.reference}`, [
            `An emergency request arrived through the portal (submission ${id}).`,
            `Officer: ${s.officer_name}, ${s.officer_title}, ${s.officer_agency} (${officer.email}, ${s.officer_phone})`,
            `Independent call-back number: ${s.callback_phone}`,
            '',
            `Danger: ${s.danger}`,
            `Why it cannot wait: ${s.why_now}`,
            '',
            'Verify by calling the independent number before disclosing anything. Open the intake queue in Candor.',
          ]);
        }
        return presentOwn((await findOwnSubmission(db, id, officer.id))!);
      } catch (e) {
        await vault.discard(ingested.blobKey);
        throw e;
      }
    },

    async list(officer: Officer): Promise<OfficerSubmission[]> {
      return (await ownSubmissions(db, officer.id)).map(presentOwn);
    },

    /** One submission of the officer's, with its thread and released productions. */
    async get(officer: Officer, id: number) {
      const s = await own(officer, id);
      const messages = (await messagesOf(db, s.id)).map((m) => ({
        from: m.sender === 'staff' ? 'legal team' : 'you',
        body: m.body,
        at: m.at.toISOString(),
      }));
      const now = clock().getTime();
      const releases = (await releasesOf(db, s.id)).map((r) => ({
        id: Number(r.id),
        number: r.number,
        released_at: r.released_at.toISOString(),
        expires_at: r.expires_at.toISOString(),
        downloads_left: Math.max(0, r.max_downloads - r.downloads),
        available: r.revoked_at === null && r.expires_at.getTime() > now && r.downloads < r.max_downloads,
        revoked: r.revoked_at !== null,
      }));
      return { submission: presentOwn(s), messages, releases };
    },

    async message(officer: Officer, id: number, body: string): Promise<void> {
      const s = await own(officer, id);
      const text = body.trim();
      if (!text || text.length > 10_000)
        throw new CandorError('invalid', 'message: required, up to 10,000 characters', [
          { field: 'body', message: 'required, up to 10,000 characters' },
        ]);
      await limit(
        db,
        clock(),
        [
          // Per officer only: a message spends nothing of the sign-in limits of the officer's office IP.
          ['portal-message-user', String(officer.id)],
        ],
        'body',
      );
      await db.transaction().execute(async (trx) => {
        const mid = await insertMessage(trx, {
          submission_id: s.id,
          sender: 'officer',
          author: officer.label,
          body: text,
          at: clock(),
        });
        await appendEvent(trx, {
          at: clock(),
          actor: officer.label,
          action: 'portal.message',
          entity: 'portal_submission',
          entityId: s.id,
          after: { message_id: mid },
        });
      });
    },

    /**
     * Withdraws a submission: out of the queue, or — once it is a request — recorded as the "withdrawn"
     * outcome ("withdrawn after notice policy" when the officer withdraws because of the notice policy).
     */
    async withdraw(officer: Officer, id: number, afterNoticePolicy: boolean): Promise<void> {
      const s = await own(officer, id);
      const status = portalStatus(s.state, s.outcome);
      if (status === 'withdrawn' || status === 'refused' || status === 'responded')
        throw new CandorError('invalid_state', `this submission is ${status} and can no longer be withdrawn`);
      const now = clock();
      const outcome = afterNoticePolicy ? ('withdrawn_after_notice_policy' as const) : ('withdrawn' as const);
      await db.transaction().execute(async (trx) => {
        if (s.request_id !== null && !s.duplicate) {
          // The officer's own submission is what gives them the right to withdraw its request.
          const change = {
            actor: officer,
            id: s.request_id,
            expectedVersion: undefined,
            now,
            sightChecked: true as const,
          };
          await changeRequest(trx, { ...change, action: 'request.update' }, async (_trx, b) => {
            if (b.request.outcome !== null)
              throw new CandorError('conflict', 'the request was answered meanwhile; reload');
            const set = {
              outcome,
              responded_at: now,
              status: initialStatus(outcome, b.request.notice_status),
            };
            return {
              set,
              before: { outcome: null, status: b.request.status },
              after: { ...set, updated_at: now },
            };
          });
        }
        if (
          s.state === 'received' &&
          !(await updateSubmission(
            trx,
            s.id,
            { state: 'withdrawn', decided_at: now, decided_by: officer.label },
            ['received'],
          ))
        )
          throw new CandorError('conflict', 'the submission changed meanwhile; reload');
        await appendEvent(trx, {
          at: now,
          actor: officer.label,
          action: 'portal.withdraw',
          entity: 'portal_submission',
          entityId: s.id,
          after: { outcome },
        });
      });
    },
  };
}
export type PortalSubmissions = ReturnType<typeof createPortalSubmissions>;

/**
 * Writes a submission's request (inside the caller's transaction): the stored intake input under the
 * reference `PORTAL-<id>`, its legal process attached. Used for an emergency at once, and on acceptance.
 */
export async function becomeRequest(
  trx: Db,
  submissionId: number,
  actorLabel: string,
  now: Date,
  policy: PolicyConfig,
): Promise<number> {
  const s = (await lockSubmission(trx, submissionId))!;
  const u = (await findPortalUser(trx, s.user_id))!;
  const parsed = toRequest(portalSubmission.parse(s.input), {
    externalRef: `PORTAL-${submissionId}`,
    receivedAt: s.submitted_at,
    country: u.country,
  });
  if (!parsed.success)
    throw new CandorError(
      'invalid',
      'the submission no longer passes intake',
      zodIssues(parsed.error.issues),
    );
  assertGate(policyGate(intakeFacts(parsed.data, now), policy));
  const ids = await writeRequests(trx, [prepareRequest(parsed.data, now)]);
  const requestId = ids.get(`PORTAL-${submissionId}`);
  if (requestId === undefined) throw new CandorError('conflict', `a request PORTAL-${submissionId} exists`);
  await appendEvent(trx, {
    at: now,
    actor: actorLabel,
    action: 'request.create',
    entity: 'request',
    entityId: requestId,
    after: { ...parsed.data, portal_submission: submissionId },
  });
  if (s.document_id !== null) await attachDocuments(trx, [s.document_id], requestId, null);
  await updateSubmission(trx, submissionId, { request_id: requestId });
  return requestId;
}
