import { createHash } from 'node:crypto';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/connect.ts';
import type { ContactRow, NoticeTemplateRow, OutboxRow } from '../../db/schema.ts';
import type { Ndo } from '../../domain/ndo.ts';
import { responseDueAt } from '../../domain/deadlines.ts';
import { noticeDecision, type NoticeDecision, type NoticeKind } from '../../domain/notice-policy.ts';
import {
  languageFallbacks,
  oneLine,
  producedPhrase,
  renderTemplate,
  type NoticeFacts,
} from '../../domain/notice-template.ts';
import { addDays, type PolicyConfig } from '../../domain/policy-config.ts';
import { CandorError } from '../../errors.ts';
import { PROCESS_LABELS } from '../../reports/render/labels.ts';
import { REQUEUED_STATUSES, emergencyPassedAt } from '../../repositories/notices-repository.ts';
import { findContacts, findTemplate } from '../../repositories/contacts-repository.ts';
import { findRequest, type RequestBundle } from '../../repositories/requests-repository.ts';
import type { Clock } from '../requests.ts';

/** The label the automatic release writes into the audit log. */
export const RELEASE_ACTOR = 'system:notice-release';

export interface NoticeDeps {
  db: Db;
  config: Config;
  clock: Clock;
  policy?: PolicyConfig;
}

/**
 * The stable Message-ID of the notice of `kind` to `account` about request `requestId`: the same on every
 * attempt, so a notice sent twice (after a crash) is recognisably one message. An account reference that
 * is not safe inside a Message-ID is replaced by a hash of it.
 */
export function messageIdFor(requestId: number, account: string, kind: NoticeKind): string {
  const safe = /^[A-Za-z0-9._-]{1,64}$/.test(account)
    ? account
    : `h${createHash('sha256').update(account).digest('hex').slice(0, 20)}`;
  return `<notice-${requestId}-${safe}-${kind}@candor.local>`;
}

const toNdo = (n: RequestBundle['ndos'][number]): Ndo => ({
  authority: n.authority,
  issuedAt: n.issued_at,
  expiresAt: n.expires_at,
  liftedAt: n.lifted_at,
});

/** The distinct accounts a request named, in order. */
export const accountsOf = (b: RequestBundle): string[] => [
  ...new Set(b.targets.map((t) => t.account_ref).filter((a): a is string => a !== null)),
];

/** The facts of a request, and what the notice policy says about it at `now`. */
export interface NoticeState {
  bundle: RequestBundle;
  accounts: string[];
  contacts: Map<string, ContactRow>;
  decision: NoticeDecision;
}

/** Reads a request and decides its notice at `now`; `not_found` when it does not exist. */
export async function noticeState(
  db: Db,
  requestId: number,
  now: Date,
  policy: PolicyConfig,
): Promise<NoticeState> {
  const bundle = await findRequest(db, requestId);
  if (!bundle) throw new CandorError('not_found', `request ${requestId} does not exist`);
  const accounts = accountsOf(bundle);
  const contacts = new Map((await findContacts(db, accounts)).map((c) => [c.account_ref, c]));
  const r = bundle.request;
  const decision = noticeDecision({
    ndos: bundle.ndos.map(toNdo),
    emergency: r.emergency,
    respondedAt: r.responded_at,
    outcome: r.outcome,
    processType: r.process_type,
    accountsHaveContact: contacts.size > 0,
    emergencyPassedAt: r.emergency ? await emergencyPassedAt(db, requestId) : null,
    now,
    policy,
  });
  return { bundle, accounts, contacts, decision };
}

/** The placeholder values for one account: facts of the record only, never free text. */
function factsFor(b: RequestBundle, account: string, provider: string, policy: PolicyConfig): NoticeFacts {
  const r = b.request;
  const due = responseDueAt(
    { processType: r.process_type, channel: r.channel, emergency: r.emergency, receivedAt: r.received_at },
    policy,
  );
  const target = b.targets.find((t) => t.account_ref === account);
  return {
    agency: `${b.agency.name} (${b.agency.country})`,
    process_type: PROCESS_LABELS[r.process_type],
    received_date: r.received_at.toISOString().slice(0, 10),
    produced: producedPhrase(r.outcome, target?.result ?? null, r.data_sought),
    account,
    provider,
    act_by: due
      ? addDays(due, -policy.notice.actByDaysBeforeProduction).toISOString().slice(0, 10)
      : 'before we respond',
  };
}

export interface RenderedNotice {
  account: string;
  to: string;
  name: string | null;
  kind: NoticeKind;
  template: { language: string; version: number };
  subject: string;
  body: string;
  message_id: string;
}

export async function render(
  db: Db,
  s: NoticeState,
  kind: NoticeKind,
  provider: string,
  policy: PolicyConfig,
): Promise<RenderedNotice[]> {
  const out: RenderedNotice[] = [];
  const cache = new Map<string, NoticeTemplateRow>();
  for (const account of s.accounts) {
    const c = s.contacts.get(account);
    if (!c) continue;
    let t = cache.get(c.language);
    if (!t) {
      t = await findTemplate(db, kind, languageFallbacks(c.language));
      if (!t) throw new CandorError('invalid_state', `there is no ${kind} template in ${c.language} or en`);
      cache.set(c.language, t);
    }
    const facts = factsFor(s.bundle, account, provider, policy);
    out.push({
      account,
      to: c.email,
      name: c.name,
      kind,
      template: { language: t.language, version: t.version },
      subject: oneLine(renderTemplate(t.subject, facts)),
      body: renderTemplate(t.body, facts),
      message_id: messageIdFor(s.bundle.request.id, account, kind),
    });
  }
  return out;
}

/** What queueing did. */
export interface QueueResult {
  request_id: number;
  notice_status: 'pending' | 'not_possible';
  reason: string;
  kind: NoticeKind | null;
  /** Notices this call put in the outbox. */
  queued: Array<{ id: number; account: string; to: string; message_id: string }>;
  /** Notices of this kind that were already in the outbox (queued at most once). */
  already_queued: number;
  /** Accounts of the request with no contact to send to. */
  missing_contacts: string[];
}

export const presentOutbox = (o: OutboxRow) => ({
  id: o.id,
  account: o.account_ref,
  to: o.to_email,
  kind: o.kind,
  status: o.status,
  attempts: o.attempts,
  queued_at: o.created_at.toISOString(),
  sent_at: o.sent_at?.toISOString() ?? null,
  last_error: o.last_error,
});

/**
 * The accounts that queueing now would put in the outbox: those with a contact whose notice of the kind
 * the record calls for is not in the outbox yet, or was cancelled or failed (queued again). None while the
 * law does not let the notice go.
 */
export function leftToQueue(s: NoticeState, outbox: OutboxRow[]): string[] {
  const kind = s.decision.kind;
  if (s.decision.status !== 'pending' || !kind) return [];
  const requeued: readonly string[] = REQUEUED_STATUSES;
  return s.accounts.filter(
    (a) =>
      s.contacts.has(a) &&
      !outbox.some((o) => o.account_ref === a && o.kind === kind && !requeued.includes(o.status)),
  );
}
