import { createHash } from 'node:crypto';
import type { Config } from '../config.ts';
import type { Db } from '../db/connect.ts';
import { DUE_KIND_LABELS, type DueItem } from '../domain/due.ts';
import { planReminders, type PlannedReminder, type ReminderUser } from '../domain/reminders.ts';
import { REMINDER_MODES, type ReminderMode } from '../domain/vocabulary.ts';
import { CandorError } from '../errors.ts';
import { PROCESS_LABELS } from '../reports/render/labels.ts';
import { restrictedIds } from '../repositories/sight.ts';
import { findUserByEmail } from '../repositories/users-repository.ts';
import {
  claimReminders,
  finishReminder,
  flagInterruptedReminders,
  knownReminderKeys,
  queueReminders,
  recentReminders,
  reminderRecipient,
  reminderModeOf,
  reminderUsers,
  setReminderMode,
  type NewReminder,
} from '../repositories/reminders-repository.ts';
import { authorize, type Actor } from './authorize.ts';
import type { DueService } from './due.ts';
import { createMailer, isPermanent, mayHaveBeenDelivered, type Mailer } from './mailer.ts';
import type { Clock } from './requests.ts';

/**
 * Reminder e-mails about due items (issue 17, item 4): the rules in domain/reminders.ts decide who gets what
 * at `now`; this queues each e-mail once under its key and sends the queue. Delivery is AT MOST ONCE: a
 * reminder is claimed (`sending`) just before its send; a refusal the server stated, or a failure before the
 * session reached the message, is tried again next round (up to `maxAttempts`); a sender that stopped during a
 * send, or a failure that may have followed the server's acceptance, leaves the row `possibly_sent`; a
 * permanent refusal (5xx) fails it at once. A missed
 * reminder is harmless beside the work queue, which always shows every item; two copies are noise.
 * Reminders write no audit event: they record nothing about a request, and the due view's kept state would
 * otherwise be thrown away on every round.
 */

export interface ReminderRun {
  queued: number;
  sent: number;
  retried: number;
  failed: number;
  possiblySent: number;
  errors: string[];
}

const HOUR_MS = 3_600_000;
const BATCH = 50;
/** A digest lists at most this many items; the rest are in the work queue it links to. */
const DIGEST_MAX = 100;

const when = (d: Date) => `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/** "in 1 day 4 hours", "3 hours ago": how far a deadline is from now, to the hour. */
export function distance(dueAt: Date, now: Date): string {
  const ms = dueAt.getTime() - now.getTime();
  const hours = Math.floor(Math.abs(ms) / HOUR_MS);
  const d = Math.floor(hours / 24);
  const h = hours % 24;
  const parts = [
    ...(d ? [`${d} day${d === 1 ? '' : 's'}`] : []),
    ...(h || !d ? [`${h} hour${h === 1 ? '' : 's'}`] : []),
  ].join(' ');
  if (hours === 0) return ms > 0 ? 'within the hour' : 'less than an hour ago';
  return ms > 0 ? `in ${parts}` : `${parts} ago`;
}

export function createReminderService(deps: {
  db: Db;
  config: Config;
  clock: Clock;
  due: DueService;
  mailer?: Mailer;
  maxAttempts?: number;
  leaseMs?: number;
}) {
  const { db, config, clock } = deps;
  const policy = config.policy.reminders;
  const maxAttempts = deps.maxAttempts ?? 5;
  const leaseMs = deps.leaseMs ?? 5 * 60_000;
  let mailer = deps.mailer;
  const mail = () => (mailer ??= createMailer(config));
  const base = (config.publicUrl ?? '').replace(/\/+$/, '');
  const link = (p: string) => `${base}${p}`;

  const line = (i: DueItem, now: Date) =>
    `${when(i.dueAt)} (${distance(i.dueAt, now)})  ${DUE_KIND_LABELS[i.kind]}: ${i.externalRef}, ` +
    `${i.agency}, ${PROCESS_LABELS[i.processType]}  ${link(`/requests/${i.requestId}`)}`;

  function compose(p: PlannedReminder, now: Date): NewReminder {
    const footer = [
      '',
      '--',
      `Reminders are sent to ${p.user.email}: ` +
        (p.kind === 'digest' ? 'a daily digest.' : 'one e-mail per deadline.') +
        ` Change this under Your account: ${link('/account#reminders')}`,
    ];
    const messageId = `<reminder-${createHash('sha256').update(p.key).digest('hex').slice(0, 32)}@candor.local>`;
    if (p.kind === 'item') {
      const i = p.items[0] as DueItem;
      const label = DUE_KIND_LABELS[i.kind];
      const why =
        i.assignedTo === p.user.id
          ? 'The request is assigned to you.'
          : 'It is an emergency request, and you may approve its disclosure.';
      const subject =
        p.stage === 'near'
          ? `Due ${distance(i.dueAt, now)}: ${label}, ${i.externalRef}`
          : `Overdue: ${label}, ${i.externalRef}`;
      const body = [
        `${label} on request ${i.externalRef} (${i.agency}, ${PROCESS_LABELS[i.processType]}${
          i.emergency ? ', emergency' : ''
        }) ${p.stage === 'near' ? 'is due' : 'was due'} ${when(i.dueAt)}, ${distance(i.dueAt, now)}.`,
        '',
        `Rule: ${i.rule}`,
        `Next step: ${i.detail}`,
        '',
        `Open the request: ${link(`/requests/${i.requestId}`)}`,
        '',
        why,
        ...footer,
      ].join('\n');
      return { key: p.key, userId: p.user.id, requestId: Number(i.requestId), subject, body, messageId };
    }
    const overdue = p.items.filter((i) => i.dueAt <= now).length;
    const soon = p.items.length - overdue;
    const subject = `Candor digest: ${overdue} overdue, ${soon} due within ${policy.nearHours} hours`;
    const shown = p.items.slice(0, DIGEST_MAX);
    const body = [
      `Your due items on ${now.toISOString().slice(0, 10)}, soonest first (assigned to you, and emergencies` +
        ` you may approve):`,
      '',
      ...shown.map((i) => `- ${line(i, now)}`),
      ...(p.items.length > shown.length ? [`- and ${p.items.length - shown.length} more`] : []),
      '',
      `Your work queue: ${link('/?mine=1')}`,
      ...footer,
    ].join('\n');
    return { key: p.key, userId: p.user.id, requestId: null, subject, body, messageId };
  }

  /** Queues what is due at `now` and not queued before; returns how many were added. */
  async function queue(now: Date): Promise<number> {
    const users: ReminderUser[] = await reminderUsers(db);
    if (users.length === 0) return 0;
    const items = await deps.due.itemsForReminders(now);
    const restricted = new Set([...(await restrictedIds(db))].map(String));
    const planned = planReminders(items, users, now, policy, restricted);
    let added = 0;
    for (let i = 0; i < planned.length; i += 500) {
      const chunk = planned.slice(i, i + 500);
      const known = await knownReminderKeys(
        db,
        chunk.map((p) => p.key),
      );
      const fresh = chunk.filter((p) => !known.has(p.key)).map((p) => compose(p, now));
      added += await queueReminders(db, fresh, now);
    }
    return added;
  }

  /** Sends the queue, one claim per message. */
  async function deliver(now: Date, run: ReminderRun): Promise<void> {
    run.possiblySent += await flagInterruptedReminders(db, now);
    for (;;) {
      const rows = await claimReminders(db, new Date(now.getTime() + leaseMs), BATCH);
      if (rows.length === 0) return;
      for (const row of rows) {
        const to = await reminderRecipient(db, row.user_id, row.request_id);
        try {
          if (!to || to.disabled_at) throw new CandorError('conflict', 'the user was disabled');
          // Restricted, or the grant revoked, since it was queued: the e-mail would name a matter they may not see.
          if (to.hidden) throw new CandorError('conflict', 'the user can no longer see the request');
          await mail().send({
            to: to.email,
            subject: row.subject,
            text: row.body,
            messageId: row.message_id,
            date: now,
          });
          await finishReminder(db, row.id, clock(), { status: 'sent' });
          run.sent++;
        } catch (e) {
          const error = (e instanceof Error ? e.message : String(e)).slice(0, 1000);
          run.errors.push(`reminder ${row.id}: ${error}`);
          if (e instanceof CandorError) {
            await finishReminder(db, row.id, now, { status: 'failed', error });
            run.failed++;
          } else if (mayHaveBeenDelivered(e)) {
            await finishReminder(db, row.id, now, { status: 'possibly_sent', error });
            run.possiblySent++;
          } else if (isPermanent(e) || row.attempts >= maxAttempts) {
            await finishReminder(db, row.id, now, { status: 'failed', error });
            run.failed++;
          } else {
            await finishReminder(db, row.id, now, { status: 'queued', error });
            run.retried++;
          }
        }
      }
      // A refused row goes back to the queue: try it again next round, not in a loop now.
      if (run.retried) return;
    }
  }

  const parseMode = (mode: string): ReminderMode => {
    if ((REMINDER_MODES as readonly string[]).includes(mode)) return mode as ReminderMode;
    throw new CandorError('invalid', `reminders must be one of ${REMINDER_MODES.join(', ')}`, [
      { field: 'reminders', message: `expected one of ${REMINDER_MODES.join(', ')}, got "${mode}"` },
    ]);
  };

  return {
    /** One round of the background job: queue what became due, then send the queue. */
    async run(now: Date = clock()): Promise<ReminderRun> {
      const run: ReminderRun = { queued: 0, sent: 0, retried: 0, failed: 0, possiblySent: 0, errors: [] };
      run.queued = await queue(now);
      await deliver(now, run);
      return run;
    },

    /** The signed-in user's setting and their latest reminders. */
    async mine(actor: Actor) {
      if (actor.userId === null) throw new CandorError('forbidden', 'reminders belong to a signed-in user');
      const mode = (await reminderModeOf(db, actor.userId)) ?? 'each';
      const recent = (await recentReminders(db, actor.userId, 10)).map((r) => ({
        created_at: r.created_at.toISOString(),
        subject: r.subject,
        status: r.status,
      }));
      return { mode, recent, policy };
    },

    /** Sets the signed-in user's own reminders. */
    async setMine(actor: Actor, mode: string): Promise<ReminderMode> {
      if (actor.userId === null) throw new CandorError('forbidden', 'reminders belong to a signed-in user');
      const m = parseMode(mode);
      await setReminderMode(db, actor.userId, m);
      return m;
    },

    /** An admin (or the CLI) sets a user's reminders. */
    async setFor(actor: Actor, email: string, mode: string): Promise<{ email: string; mode: ReminderMode }> {
      authorize(actor, 'user.manage');
      const m = parseMode(mode);
      const user = await findUserByEmail(db, email);
      if (!user) throw new CandorError('not_found', `no user ${email}`);
      await setReminderMode(db, Number(user.id), m);
      return { email: user.email, mode: m };
    },
  };
}
export type ReminderService = ReturnType<typeof createReminderService>;
