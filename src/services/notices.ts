import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import type { z } from 'zod';
import type { Config } from '../config.ts';
import type { Db } from '../db/connect.ts';
import { fromDatabaseError } from '../db/errors.ts';
import type { ContactRow, NoticeTemplateRow, OutboxRow } from '../db/schema.ts';
import type { Ndo } from '../domain/ndo.ts';
import { responseDueAt } from '../domain/deadlines.ts';
import { noticeDecision, type NoticeDecision, type NoticeKind } from '../domain/notice-policy.ts';
import {
  accountRef,
  contactInput,
  languageFallbacks,
  languageTag,
  oneLine,
  producedPhrase,
  renderTemplate,
  templateInput,
  type ContactInput,
  type NoticeFacts,
  type TemplateInput,
} from '../domain/notice-template.ts';
import { addDays, defaultPolicy, type PolicyConfig } from '../domain/policy-config.ts';
import { CandorError, zodIssues, type FieldIssue } from '../errors.ts';
import { PROCESS_LABELS } from '../reports/render/labels.ts';
import { appendEvent } from '../repositories/audit-repository.ts';
import {
  findContacts,
  findTemplate,
  listFailed,
  listPossiblySent,
  listTemplates,
  lockOutboxRow,
  lockRequest,
  requestOutcome,
  settlePossiblySent,
  outboxFor,
  queueOutbox,
  releaseCandidates,
  REQUEUED_STATUSES,
  searchContacts as searchContactRows,
  setNoticeStatus,
  upsertContact,
  upsertTemplate,
  emergencyPassedAt,
  type NewOutboxRow,
} from '../repositories/notices-repository.ts';
import { seesRequest } from '../repositories/sight.ts';
import { assertSeesRequest, sightFor } from './sight.ts';
import { findRequest, type RequestBundle } from '../repositories/requests-repository.ts';
import { authorize, type Actor } from './authorize.ts';
import type { Clock } from './requests.ts';

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

async function render(
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

const presentContact = (c: ContactRow) => ({
  account_ref: c.account_ref,
  email: c.email,
  name: c.name,
  language: c.language,
  updated_at: c.updated_at.toISOString(),
});

const presentTemplate = (t: NoticeTemplateRow) => ({
  kind: t.kind,
  language: t.language,
  subject: t.subject,
  body: t.body,
  version: t.version,
  updated_by: t.updated_by,
  updated_at: t.updated_at.toISOString(),
});

const IMPORT_HEADER = ['account_ref', 'email', 'name', 'language'] as const;

/** A contact as a caller hands it in, before validation (`language` defaults to `en`). */
export type ContactFields = z.input<typeof contactInput>;

/** One contact to write; `expected` is the `updated_at` the caller saw (null: none yet), for a stale form. */
interface ContactRowIn {
  line: number;
  account: string;
  contact: ContactInput;
  expected?: string | null;
}

/** CSV text handed in directly (a paste in the web app), named in messages as `name`. */
export interface ContactsCsv {
  csv: string | Uint8Array;
  name?: string;
}

/**
 * Parses and checks a contacts CSV (header account_ref,email,name,language; name and language may be
 * empty, the columns in any order). Throws `invalid` with every problem, each naming its line and column,
 * so that nothing is imported unless everything can be. `source` names the file or paste in messages.
 */
export function parseContactsCsv(data: string | Uint8Array, source: string): ContactRowIn[] {
  let records: Array<{ record: Record<string, string>; info: { lines: number } }>;
  try {
    records = parse(typeof data === 'string' ? data : Buffer.from(data), {
      columns: (h: string[]) => {
        const header = h.map((c) => c.trim());
        const unknown = header.filter((c) => !(IMPORT_HEADER as readonly string[]).includes(c));
        const lacking = ['account_ref', 'email'].filter((c) => !header.includes(c));
        if (unknown.length || lacking.length) {
          throw new CandorError('invalid', `${source}: the header must be ${IMPORT_HEADER.join(',')}`, [
            ...unknown.map((c) => ({ line: 1, field: c, message: 'unknown column' })),
            ...lacking.map((c) => ({ line: 1, field: c, message: 'missing column' })),
          ]);
        }
        return header;
      },
      bom: true,
      info: true,
      skip_empty_lines: true,
    });
  } catch (e) {
    if (e instanceof CandorError) throw e;
    const err = e as { message?: string };
    throw new CandorError('invalid', `${source}: not a readable CSV file (${err.message ?? String(e)})`);
  }
  const issues: FieldIssue[] = [];
  const seen = new Map<string, number>();
  const rows: ContactRowIn[] = [];
  for (const { record, info } of records) {
    const line = info.lines;
    const acc = accountRef.safeParse(record.account_ref ?? '');
    if (!acc.success) issues.push({ line, field: 'account_ref', message: 'expected 1-200 characters' });
    const parsed = contactInput.safeParse({
      email: record.email ?? '',
      name: record.name?.trim() ? record.name : null,
      language: record.language?.trim() ? record.language : undefined,
    });
    if (!parsed.success) {
      for (const i of zodIssues(parsed.error.issues)) {
        issues.push({ ...i, line, value: record[i.field] });
      }
    }
    if (acc.success) {
      const first = seen.get(acc.data);
      if (first !== undefined) {
        issues.push({
          line,
          field: 'account_ref',
          message: `the same account as line ${first}`,
          value: acc.data,
        });
      }
      seen.set(acc.data, line);
    }
    if (acc.success && parsed.success) rows.push({ line, account: acc.data, contact: parsed.data });
  }
  if (issues.length > 0) {
    throw new CandorError('invalid', `${source}: ${issues.length} problem(s); nothing was imported`, issues);
  }
  return rows;
}

/** The bytes of a contacts file; `not_found` when there is no such file. */
async function readContactsFile(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (e) {
    const err = e as { message?: string; code?: string };
    if (err.code === 'ENOENT') throw new CandorError('not_found', `${file}: no such file`);
    throw new CandorError('invalid', `${file}: not a readable CSV file (${err.message ?? String(e)})`);
  }
}

const presentOutbox = (o: OutboxRow) => ({
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
function leftToQueue(s: NoticeState, outbox: OutboxRow[]): string[] {
  const kind = s.decision.kind;
  if (s.decision.status !== 'pending' || !kind) return [];
  const requeued: readonly string[] = REQUEUED_STATUSES;
  return s.accounts.filter(
    (a) =>
      s.contacts.has(a) &&
      !outbox.some((o) => o.account_ref === a && o.kind === kind && !requeued.includes(o.status)),
  );
}

/** Customer contacts, notice templates, preview, queueing, and the automatic release of held notices. */
export function createNoticeService(deps: NoticeDeps) {
  const { db, config, clock } = deps;
  const policy = deps.policy ?? defaultPolicy;

  /**
   * Decides and queues inside the caller's transaction, with the request row locked: refuses while the law
   * forbids notice, records `not_possible` when no account has a contact, otherwise writes the outbox rows
   * and the audit event together.
   */
  async function queueIn(trx: Db, label: string, requestId: number, now: Date, wanted?: NoticeKind) {
    if (!(await lockRequest(trx, requestId))) {
      throw new CandorError('not_found', `request ${requestId} does not exist`);
    }
    const s = await noticeState(trx, requestId, now, policy);
    const { decision } = s;
    const missing = s.accounts.filter((a) => !s.contacts.has(a));
    const before = s.bundle.request.notice_status;
    if (decision.status === 'not_possible') {
      const reason =
        s.accounts.length === 0
          ? 'the request names no account to notify'
          : `no contact for the request's accounts (${missing.join(', ')})`;
      if (before !== 'not_possible') {
        await setNoticeStatus(trx, requestId, 'not_possible', now);
        await appendEvent(trx, {
          at: now,
          actor: label,
          action: 'notice.not_possible',
          entity: 'request',
          entityId: requestId,
          before: { notice_status: before },
          after: { notice_status: 'not_possible', reason },
        });
      }
      return {
        request_id: requestId,
        notice_status: 'not_possible',
        reason,
        kind: null,
        queued: [],
        already_queued: 0,
        missing_contacts: missing,
      } satisfies QueueResult;
    }
    if (decision.status !== 'pending' || !decision.kind) {
      throw new CandorError(
        'invalid_state',
        `request ${requestId}: no notice may be sent: ${decision.reason}`,
      );
    }
    if (wanted && wanted !== decision.kind) {
      throw new CandorError(
        'invalid_state',
        `request ${requestId}: the record calls for a ${decision.kind} notice, not ${wanted}`,
      );
    }
    const rendered = await render(trx, s, decision.kind, config.providerName, policy);
    const rows: NewOutboxRow[] = rendered.map((m) => ({
      request_id: requestId,
      account_ref: m.account,
      to_email: m.to,
      kind: m.kind,
      subject: m.subject,
      body: m.body,
      message_id: m.message_id,
    }));
    const queued = await queueOutbox(trx, rows, now);
    if (queued.length > 0) {
      await setNoticeStatus(trx, requestId, 'pending', now);
      await appendEvent(trx, {
        at: now,
        actor: label,
        action: 'notice.queue',
        entity: 'request',
        entityId: requestId,
        before: { notice_status: before },
        after: {
          notice_status: 'pending',
          kind: decision.kind,
          reason: decision.reason,
          outbox: queued.map((q) => ({
            id: q.id,
            account: q.account_ref,
            to: q.to_email,
            message_id: q.message_id,
          })),
          missing_contacts: missing,
        },
      });
    }
    return {
      request_id: requestId,
      notice_status: 'pending',
      reason: decision.reason,
      kind: decision.kind,
      queued: queued.map((q) => ({
        id: q.id,
        account: q.account_ref,
        to: q.to_email,
        message_id: q.message_id,
      })),
      already_queued: rows.length - queued.length,
      missing_contacts: missing,
    } satisfies QueueResult;
  }

  async function importRows(actor: Actor, rows: ContactRowIn[]) {
    const now = clock();
    return db
      .transaction()
      .execute(async (trx) => {
        let changed = 0;
        for (const r of rows) {
          const { before, after } = await upsertContact(trx, r.account, r.contact, now, {
            onlyNew: r.expected === null,
          });
          if (
            !after ||
            (r.expected !== undefined && (before?.updated_at.toISOString() ?? null) !== r.expected)
          ) {
            // Thrown inside the transaction: whatever this call wrote is rolled back.
            const what = r.expected === null ? 'set' : before ? 'changed' : 'removed';
            throw new CandorError(
              'conflict',
              `the contact of ${r.account} was ${what} by someone else meanwhile; reload and try again`,
            );
          }
          if (
            before &&
            before.email === after.email &&
            before.name === after.name &&
            before.language === after.language
          )
            continue;
          changed++;
          await appendEvent(trx, {
            at: now,
            actor: actor.label,
            action: 'contact.set',
            entity: 'contact',
            entityId: r.account,
            before: before ? presentContact(before) : null,
            after: presentContact(after),
          });
        }
        return changed;
      })
      .catch((e: unknown) => {
        throw fromDatabaseError(e, 'the contact');
      });
  }

  return {
    /**
     * Sets the customer contact of an account (creates or replaces it), checking the fields (`invalid`, with
     * an issue per field). `expected` guards a stale form: the `updated_at` of the contact the caller showed,
     * or null when it showed none; if the contact is not that one any more, `conflict` and nothing changes.
     */
    async setContact(
      actor: Actor,
      account: string,
      input: ContactFields,
      o: { expected?: string | null } = {},
    ) {
      authorize(actor, 'contact.manage');
      const acc = accountRef.safeParse(account);
      const parsed = contactInput.safeParse(input);
      const issues = [
        ...(acc.success ? [] : [{ field: 'account_ref', message: 'expected 1-200 characters' }]),
        ...(parsed.success ? [] : zodIssues(parsed.error.issues)),
      ];
      if (!acc.success || !parsed.success) {
        throw new CandorError(
          'invalid',
          acc.success ? 'the contact is not valid' : 'account: expected 1-200 characters',
          issues,
        );
      }
      await importRows(actor, [{ line: 0, account: acc.data, contact: parsed.data, expected: o.expected }]);
      const [c] = await findContacts(db, [acc.data]);
      return presentContact(c!);
    },

    /**
     * Imports contacts from CSV with the header account_ref,email,name,language (name and language may be
     * empty): a file path, or the text itself (`{ csv, name }`, a paste in the web app). All or nothing: any
     * bad line imports nothing, and every problem names its line and column.
     */
    async importContacts(actor: Actor, from: string | ContactsCsv) {
      authorize(actor, 'contact.manage');
      const source = typeof from === 'string' ? from : (from.name ?? 'the CSV');
      const data = typeof from === 'string' ? await readContactsFile(from) : from.csv;
      const rows = parseContactsCsv(data, source);
      const changed = await importRows(actor, rows);
      return { file: source, rows: rows.length, changed };
    },

    /**
     * Contacts whose account reference starts with `prefix` (exactly, case and all; '' for every contact),
     * in byte order of the reference, `limit` at a time (at most 200); `next` is the `after` of the next
     * page, or null on the last one.
     */
    async searchContacts(actor: Actor, o: { prefix?: string; after?: string; limit?: number } = {}) {
      authorize(actor, 'notice.read');
      const limit = Math.min(Math.max(Math.trunc(o.limit ?? 50), 1), 200);
      const rows = await searchContactRows(db, {
        prefix: o.prefix ?? '',
        after: o.after,
        limit: limit + 1,
      });
      const items = rows.slice(0, limit).map(presentContact);
      return { items, next: rows.length > limit ? items[items.length - 1]!.account_ref : null };
    },

    /** The contacts of these accounts. */
    async contacts(actor: Actor, accounts: string[]) {
      authorize(actor, 'notice.read');
      return (await findContacts(db, accounts)).map(presentContact);
    },

    async templates(actor: Actor) {
      authorize(actor, 'notice.read');
      return (await listTemplates(db)).map(presentTemplate);
    },

    /** Saves a template (admins); unknown placeholders were refused by `templateInput`. */
    async setTemplate(actor: Actor, kind: NoticeKind, language: string, input: TemplateInput) {
      authorize(actor, 'notice.template');
      const lang = languageTag.safeParse(language);
      if (!lang.success) throw new CandorError('invalid', 'language: expected a BCP 47 tag such as "en"');
      const checked = templateInput.safeParse(input);
      if (!checked.success) {
        throw new CandorError('invalid', 'the template is not valid', zodIssues(checked.error.issues));
      }
      const now = clock();
      const saved = await db
        .transaction()
        .execute(async (trx) => {
          const { before, after } = await upsertTemplate(
            trx,
            kind,
            lang.data,
            checked.data,
            actor.label,
            now,
          );
          await appendEvent(trx, {
            at: now,
            actor: actor.label,
            action: 'notice_template.set',
            entity: 'notice_template',
            entityId: `${kind}/${lang.data}`,
            before: before ? presentTemplate(before) : null,
            after: presentTemplate(after),
          });
          return after;
        })
        .catch((e: unknown) => {
          throw fromDatabaseError(e, 'the template');
        });
      return presentTemplate(saved);
    },

    /**
     * Where the request's notice stands: what the law says now, every outbox row (who, what kind, status,
     * when queued and sent), and the accounts that queueing now would add (`to_queue`; empty when every
     * notice the record calls for is queued, sending or sent, or when no notice may go). Changes nothing.
     */
    async status(actor: Actor, requestId: number) {
      authorize(actor, 'notice.read');
      await assertSeesRequest(db, actor, requestId);
      const s = await noticeState(db, requestId, clock(), policy);
      const outbox = await outboxFor(db, requestId);
      return {
        request_id: requestId,
        notice_status: s.bundle.request.notice_status,
        decision: {
          status: s.decision.status,
          reason: s.decision.reason,
          kind: s.decision.kind ?? null,
          due_at: s.decision.dueAt?.toISOString() ?? null,
        },
        may_send_now: s.decision.status === 'pending',
        to_queue: leftToQueue(s, outbox),
        missing_contacts: s.accounts.filter((a) => !s.contacts.has(a)),
        outbox: outbox.map(presentOutbox),
      };
    },

    /** Exactly what would be sent, to whom, and whether the law lets it go now. Changes nothing. */
    async preview(actor: Actor, requestId: number, kind?: NoticeKind) {
      authorize(actor, 'notice.read');
      await assertSeesRequest(db, actor, requestId);
      const s = await noticeState(db, requestId, clock(), policy);
      const outbox = await outboxFor(db, requestId);
      const k = kind ?? s.decision.kind;
      return {
        request_id: requestId,
        notice_status: s.bundle.request.notice_status,
        decision: {
          status: s.decision.status,
          reason: s.decision.reason,
          kind: s.decision.kind ?? null,
          due_at: s.decision.dueAt?.toISOString() ?? null,
        },
        may_send_now: s.decision.status === 'pending' && (!kind || kind === s.decision.kind),
        messages: k ? await render(db, s, k, config.providerName, policy) : [],
        to_queue: !kind || kind === s.decision.kind ? leftToQueue(s, outbox) : [],
        missing_contacts: s.accounts.filter((a) => !s.contacts.has(a)),
        outbox: outbox.map(presentOutbox),
      };
    },

    /**
     * Decides the notice at `clock()` and, if it may go, writes it to the outbox in the same transaction as
     * the decision. Refuses (`invalid_state`, nothing changes) while an order binds or an emergency delay runs.
     */
    async queue(actor: Actor, requestId: number, kind?: NoticeKind): Promise<QueueResult> {
      authorize(actor, 'notice.send');
      await assertSeesRequest(db, actor, requestId);
      const now = clock();
      return db
        .transaction()
        .execute((trx) => queueIn(trx, actor.label, requestId, now, kind))
        .catch((e: unknown) => {
          throw fromDatabaseError(e, 'the notice');
        });
    },

    /**
     * Queues every held notice that has become due at `now` (an order expired or was lifted, an emergency
     * delay ended), so nobody has to remember. Idempotent: a notice already in the outbox is not queued again.
     */
    async releaseDue(now: Date = clock()) {
      const ids = await releaseCandidates(db, now, {
        emergencyDelayDays: policy.emergency.noticeDelayDays,
        notifyOutcomes: policy.notice.notifyOutcomes,
        exemptProcessTypes: policy.notice.exemptProcessTypes,
      });
      const queued: QueueResult[] = [];
      const notPossible: number[] = [];
      for (const id of ids) {
        try {
          const r = await db.transaction().execute((trx) => queueIn(trx, RELEASE_ACTOR, id, now));
          if (r.notice_status === 'not_possible') notPossible.push(id);
          else if (r.queued.length > 0) queued.push(r);
        } catch (e) {
          // Still held (another order binds) or nothing owed: the workflow keeps that status; try next time.
          if (e instanceof CandorError && e.code === 'invalid_state') continue;
          throw e;
        }
      }
      return { queued, not_possible: notPossible };
    },

    /** Notices whose delivery was interrupted and may have gone: for a person to check (docs/notices.md). */
    async possiblySent(actor: Actor) {
      authorize(actor, 'notice.read');
      return (await listPossiblySent(db, await sightFor(db, actor))).map((r) => ({
        ...r,
        delivery_started_at: r.delivery_started_at?.toISOString() ?? null,
      }));
    },

    /**
     * A person's answer for a notice that may have been delivered: `sent` (it was: recorded as sent, the
     * request's notice is sent once all its notices are) or `requeue` (it was not: the worker sends it again,
     * with the same Message-ID). Audited; refused unless the notice is `possibly_sent`.
     */
    async settlePossiblySent(actor: Actor, outboxId: number, answer: 'sent' | 'requeue') {
      authorize(actor, 'notice.send');
      const now = clock();
      const sight = await sightFor(db, actor);
      return db.transaction().execute(async (trx) => {
        const row = await lockOutboxRow(trx, outboxId);
        if (!row || !(await seesRequest(trx, sight, row.request_id)))
          throw new CandorError('not_found', `notice ${outboxId} not found`);
        if (row.status !== 'possibly_sent')
          throw new CandorError(
            'invalid_state',
            `notice ${outboxId} is ${row.status}, not possibly_sent: only a notice that may have been delivered is settled by hand`,
            [{ field: 'id', message: `the notice is ${row.status}` }],
          );
        await lockRequest(trx, row.request_id);
        await settlePossiblySent(trx, row.id, now, answer === 'sent' ? 'sent' : 'queued');
        const rows = await outboxFor(trx, row.request_id);
        const request = await requestOutcome(trx, row.request_id);
        const allSent =
          answer === 'sent' &&
          request.outcome !== null &&
          rows.every((r) => r.status === 'sent' || r.status === 'cancelled');
        if (allSent) await setNoticeStatus(trx, row.request_id, 'sent', now);
        await appendEvent(trx, {
          at: now,
          actor: actor.label,
          action: 'notice.settle',
          entity: 'request',
          entityId: row.request_id,
          before: { outbox: row.id, outbox_status: row.status },
          after: {
            outbox: row.id,
            outbox_status: answer === 'sent' ? 'sent' : 'queued',
            message_id: row.message_id,
            answer,
            ...(allSent ? { notice_status: 'sent' } : {}),
          },
        });
        return { id: row.id, request_id: row.request_id, status: answer === 'sent' ? 'sent' : 'queued' };
      });
    },

    /** Notices that failed for good: for the due view. */
    async failures(actor: Actor) {
      authorize(actor, 'notice.read');
      return (await listFailed(db, await sightFor(db, actor))).map((f) => ({
        ...f,
        next_attempt_at: f.next_attempt_at.toISOString(),
      }));
    },
  };
}
export type NoticeService = ReturnType<typeof createNoticeService>;
