import { createHash } from 'node:crypto';
import type { z } from 'zod';
import type { Config } from '../config.ts';
import type { Db } from '../db/connect.ts';
import type { RequestCommentRow, RequestCorrespondenceRow, StoredMention } from '../db/schema.ts';
import {
  CLOCK_SKEW_MS,
  commentInput,
  correspondenceInput,
  mentionsIn,
  type CommentInput,
  type CorrespondenceInput,
} from '../domain/comments.ts';
import type { CorrespondenceChannel, CorrespondenceDirection } from '../domain/vocabulary.ts';
import { CandorError, zodIssues } from '../errors.ts';
import { PROCESS_LABELS } from '../reports/render/labels.ts';
import { appendEvent } from '../repositories/audit-repository.ts';
import {
  activeUsers,
  commentsOf,
  correspondenceOf,
  insertComment,
  insertCorrespondence,
  lockThreadRequest,
  mentionCandidates,
  requestExists,
  type MentionCandidate,
  type ThreadRequest,
} from '../repositories/comments-repository.ts';
import { findDocument } from '../repositories/documents-repository.ts';
import { queueReminders, type NewReminder } from '../repositories/reminders-repository.ts';
import { authorize, type Actor } from './authorize.ts';
import type { Clock } from './requests.ts';
import { assertSeesRequest } from './sight.ts';

/**
 * Comments and correspondence of a request (issue 17, item 5; docs/workflow.md, "Comments and
 * correspondence"): the internal thread, with `@` mentions that notify by e-mail, and the log of what was sent
 * to and received from the agency. The one set of checks that the API, the web app and the CLI call.
 *
 * Both are a legal record: never changed once written (the database refuses it); a correction is a new comment
 * or entry. Each is an audit event on the request, written in the same transaction.
 *
 * A mention's e-mail goes through the reminder outbox (services/reminders.ts) under the key
 * `mention:<comment id>:<user id>`, so it shares that outbox's delivery: sent once, at most, by the background
 * job. A mention is a direct address, so a user whose reminders are `off` is still notified. Nobody who cannot
 * see the request (a restricted matter, without the grant) is notified: the e-mail would reveal it.
 */

export type NotNotifiedReason = 'unknown_address' | 'disabled' | 'cannot_see' | 'self';

const REASONS: Record<NotNotifiedReason, string> = {
  unknown_address: 'no user has this address',
  disabled: 'the user is disabled',
  cannot_see: 'the user cannot see this request (a restricted matter)',
  self: 'you wrote the comment',
};

/** What every door shows of a comment. */
export interface PresentedComment {
  id: number;
  request_id: number;
  /** The author as the audit log names them (`user:3 (ana@example.com)`, `cli:root`). */
  author: string;
  text: string;
  created_at: string;
  mentions: Array<{ email: string; notified: boolean; reason: NotNotifiedReason | null; why: string | null }>;
}

export function presentComment(c: RequestCommentRow): PresentedComment {
  return {
    id: Number(c.id),
    request_id: Number(c.request_id),
    author: c.author,
    text: c.body,
    created_at: c.created_at.toISOString(),
    mentions: c.mentions.map((m) => ({
      email: m.email,
      notified: m.notified,
      reason: m.reason,
      why: m.reason ? REASONS[m.reason] : null,
    })),
  };
}

/** What every door shows of a correspondence entry. */
export interface PresentedCorrespondence {
  id: number;
  request_id: number;
  direction: CorrespondenceDirection;
  occurred_at: string;
  channel: CorrespondenceChannel;
  counterpart: string;
  summary: string;
  document_id: number | null;
  recorded_by: string;
  recorded_at: string;
}

export function presentCorrespondence(c: RequestCorrespondenceRow): PresentedCorrespondence {
  return {
    id: Number(c.id),
    request_id: Number(c.request_id),
    direction: c.direction,
    occurred_at: c.occurred_at.toISOString(),
    channel: c.channel,
    counterpart: c.counterpart,
    summary: c.summary,
    document_id: c.document_id === null ? null : Number(c.document_id),
    recorded_by: c.recorded_by,
    recorded_at: c.recorded_at.toISOString(),
  };
}

/** The result of posting: the comment, and whom its mentions reached. */
export interface PostedComment {
  comment: PresentedComment;
  notified: string[];
  not_notified: Array<{ email: string; reason: NotNotifiedReason; why: string }>;
}

function parse<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const issues = zodIssues(r.error.issues);
  throw new CandorError(
    'invalid',
    `the ${what} is not valid: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}; nothing was recorded`,
    issues,
  );
}

/** `user:3 (ana@example.com)` -> `ana@example.com`; other actors as their label. */
const nameOf = (label: string) => /^user:\d+ \(([^()]*)\)$/.exec(label)?.[1] ?? label;

/** Decides, for each mention, whether its user is notified. */
export function decideMentions(
  actor: Actor,
  request: Pick<ThreadRequest, 'restricted'>,
  written: readonly string[],
  picked: readonly number[],
  users: readonly MentionCandidate[],
): Array<StoredMention & { user?: MentionCandidate }> {
  const byEmail = new Map(users.map((u) => [u.email.toLowerCase(), u]));
  const byId = new Map(users.map((u) => [u.id, u]));
  const out: Array<StoredMention & { user?: MentionCandidate }> = [];
  const seen = new Set<number>();
  const decide = (email: string, u: MentionCandidate | undefined) => {
    if (u && seen.has(u.id)) return;
    if (u) seen.add(u.id);
    const reason: NotNotifiedReason | null = !u
      ? 'unknown_address'
      : u.id === actor.userId
        ? 'self'
        : u.disabled
          ? 'disabled'
          : request.restricted && !u.granted
            ? 'cannot_see'
            : null;
    out.push({ email, user_id: u?.id ?? null, notified: reason === null, reason, user: u });
  };
  for (const e of written) decide(e, byEmail.get(e));
  for (const id of picked) {
    const u = byId.get(id);
    decide(u ? u.email.toLowerCase() : `user #${id}`, u);
  }
  return out;
}

export function createCommentService(deps: { db: Db; config: Config; clock: Clock }) {
  const { db, config, clock } = deps;
  // The address the reminders link to (CANDOR_PUBLIC_URL); without it, links are paths.
  const link = (p: string) => `${(config.publicUrl ?? '').replace(/\/+$/, '')}${p}`;

  /**
   * The e-mail to a mentioned user. It names the request (reference, agency, process) and links to the
   * comment, but does not carry the comment's text: staff write account identifiers in comments, and no
   * customer account ever leaves Candor in an e-mail to staff.
   */
  function mentionMail(
    r: ThreadRequest,
    commentId: number,
    author: string,
    to: MentionCandidate,
  ): NewReminder {
    const key = `mention:${commentId}:${to.id}`;
    const who = nameOf(author);
    return {
      key,
      userId: to.id,
      requestId: r.id,
      subject: `${who} mentioned you on ${r.external_ref}`,
      body: [
        `${who} mentioned you in a comment on request ${r.external_ref} (${r.agency_name}, ${
          PROCESS_LABELS[r.process_type]
        }).`,
        '',
        `Read it on the request page: ${link(`/requests/${r.id}#comment-${commentId}`)}`,
        '',
        'The comment is not in this e-mail: comments may name customer accounts, which Candor never e-mails.',
        '',
        '--',
        `You were mentioned by your address. Mentions are sent whatever your reminder setting (${link(
          '/account#reminders',
        )}).`,
      ].join('\n'),
      messageId: `<mention-${createHash('sha256').update(key).digest('hex').slice(0, 32)}@candor.local>`,
    };
  }

  /** Throws `not_found`, alike for a request that does not exist and one the actor may not see. */
  async function assertRequest(actor: Actor, id: number): Promise<void> {
    await assertSeesRequest(db, actor, id);
    if (!(await requestExists(db, id))) throw new CandorError('not_found', `request ${id} does not exist`);
  }

  const service = {
    /** A request's comments, oldest first. */
    async comments(actor: Actor, requestId: number): Promise<PresentedComment[]> {
      authorize(actor, 'request.read');
      await assertRequest(actor, requestId);
      return (await commentsOf(db, requestId)).map(presentComment);
    },

    /** Posts a comment; notifies the users it mentions who may see the request. */
    async post(actor: Actor, requestId: number, input: CommentInput): Promise<PostedComment> {
      authorize(actor, 'request.comment');
      await assertRequest(actor, requestId);
      const c = parse(commentInput, input, 'comment');
      const written = mentionsIn(c.text);
      const picked = [...new Set(c.mention_user_ids ?? [])];
      const now = clock();
      return db.transaction().execute(async (trx) => {
        const r = await lockThreadRequest(trx, requestId);
        if (!r) throw new CandorError('not_found', `request ${requestId} does not exist`);
        const users = await mentionCandidates(trx, written, picked);
        const mentions = decideMentions(actor, r, written, picked, users);
        const row = await insertComment(trx, {
          request_id: requestId,
          author: actor.label,
          author_user_id: actor.userId,
          body: c.text,
          mentions: mentions.map((m) => ({
            email: m.email,
            user_id: m.user_id,
            notified: m.notified,
            reason: m.reason,
          })),
          created_at: now,
        });
        const comment = presentComment(row);
        const notified = mentions.filter((m) => m.notified && m.user);
        await queueReminders(
          trx,
          notified.map((m) => mentionMail(r, comment.id, actor.label, m.user!)),
          now,
        );
        const notNotified = comment.mentions
          .filter((m) => !m.notified)
          .map((m) => ({ email: m.email, reason: m.reason!, why: m.why! }));
        await appendEvent(trx, {
          at: now,
          actor: actor.label,
          action: 'comment.post',
          entity: 'request',
          entityId: requestId,
          after: {
            comment_id: comment.id,
            comment: comment.text,
            ...(notified.length ? { notified: notified.map((m) => m.email) } : {}),
            ...(notNotified.length ? { not_notified: notNotified.map((m) => `${m.email} (${m.why})`) } : {}),
          },
        });
        return { comment, notified: notified.map((m) => m.email), not_notified: notNotified };
      });
    },

    /** Whom a comment may pick to notify (the web form's list): active users. */
    async mentionable(actor: Actor): Promise<Array<{ id: number; email: string }>> {
      authorize(actor, 'request.comment');
      return activeUsers(db);
    },

    /** A request's correspondence with the agency, newest first. */
    async correspondence(actor: Actor, requestId: number): Promise<PresentedCorrespondence[]> {
      authorize(actor, 'request.read');
      await assertRequest(actor, requestId);
      return (await correspondenceOf(db, requestId)).map(presentCorrespondence);
    },

    /** Records a letter, e-mail, call... sent to or received from the agency. */
    async recordCorrespondence(
      actor: Actor,
      requestId: number,
      input: CorrespondenceInput,
    ): Promise<PresentedCorrespondence> {
      authorize(actor, 'correspondence.record');
      await assertRequest(actor, requestId);
      const c = parse(correspondenceInput, input, 'correspondence entry');
      const now = clock();
      const occurredAt = new Date(c.occurred_at);
      if (occurredAt.getTime() > now.getTime() + CLOCK_SKEW_MS)
        throw new CandorError('invalid', 'occurred_at is in the future; nothing was recorded', [
          { field: 'occurred_at', message: 'in the future: when was it sent or received?' },
        ]);
      return db.transaction().execute(async (trx) => {
        const r = await lockThreadRequest(trx, requestId);
        if (!r) throw new CandorError('not_found', `request ${requestId} does not exist`);
        const documentId = c.document_id ?? null;
        if (documentId !== null) {
          const d = await findDocument(trx, documentId);
          // A document of another request is refused exactly as a missing one: its request may be hidden.
          if (!d || Number(d.request_id) !== requestId)
            throw new CandorError(
              'invalid',
              `document ${documentId} is not a document of request ${requestId}; nothing was recorded`,
              [{ field: 'document_id', message: `no document ${documentId} is attached to this request` }],
            );
          if (d.removed_at)
            throw new CandorError('invalid', `document ${documentId} was deleted; nothing was recorded`, [
              { field: 'document_id', message: 'the document was deleted' },
            ]);
        }
        const row = await insertCorrespondence(trx, {
          request_id: requestId,
          direction: c.direction,
          occurred_at: occurredAt,
          channel: c.channel,
          counterpart: c.counterpart,
          summary: c.summary,
          document_id: documentId,
          recorded_by: actor.label,
          recorded_by_user_id: actor.userId,
          recorded_at: now,
        });
        const entry = presentCorrespondence(row);
        await appendEvent(trx, {
          at: now,
          actor: actor.label,
          action: 'correspondence.record',
          entity: 'request',
          entityId: requestId,
          after: {
            correspondence_id: entry.id,
            direction: entry.direction,
            occurred_at: entry.occurred_at,
            channel: entry.channel,
            counterpart: entry.counterpart,
            summary: entry.summary,
            ...(entry.document_id !== null ? { document_id: entry.document_id } : {}),
          },
        });
        return entry;
      });
    },
  };
  return service;
}
export type CommentService = ReturnType<typeof createCommentService>;
