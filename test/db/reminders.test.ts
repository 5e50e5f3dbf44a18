import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config.ts';
import { requestInput, type RequestInput } from '../../src/domain/request-input.ts';
import { buildApp } from '../../src/http/app.ts';
import type { Actor } from '../../src/services/authorize.ts';
import { startBackgroundJobs } from '../../src/services/background.ts';
import { createServices, type Services } from '../../src/services/index.ts';
import { actor, testClock, testConfig, testDatabase, type TestDb } from '../helpers/db.ts';
import { requestFactory } from '../helpers/factories.ts';
import { startSmtp, type TestSmtp } from '../helpers/smtp.ts';
import { userWithPassword, WebClient } from '../helpers/web.ts';
import { userActor } from '../helpers/workflow.ts';

let t: TestDb;
let smtp: TestSmtp;
let s: Services;
let config: Config;
let tmp: string;
const clock = testClock('2026-03-01T12:00:00Z');
const admin = actor('admin');
const H = 3_600_000;

beforeAll(async () => {
  t = await testDatabase();
  smtp = await startSmtp();
  tmp = mkdtempSync(path.join(os.tmpdir(), 'candor-reminders-'));
  config = {
    ...testConfig,
    dataDir: tmp,
    smtpUrl: smtp.url,
    mailFrom: 'legal@provider.example',
    publicUrl: 'https://candor.provider.example',
  };
  s = createServices({ db: t.db, config, clock });
});
afterAll(async () => {
  await smtp?.close();
  await t?.close();
  rmSync(tmp, { recursive: true, force: true });
});
beforeEach(async () => {
  smtp.reset();
  // Each test starts with no open work and no reminders, and with every user's reminders off but its own.
  await t.db.deleteFrom('reminder_outbox').execute();
  await t.db.updateTable('users').set({ reminders: 'off' }).execute();
});

/** A request received now, assigned to `to`; returns it with its response deadline. */
async function assigned(to: Actor, over: Partial<RequestInput> = {}) {
  const r = await s.requests.create(
    admin,
    requestInput.parse(requestFactory({ received_at: clock().toISOString(), ...over })),
  );
  if (to.userId !== null) await s.workflow.assign(admin, r.id, { userId: to.userId });
  const items = await s.due.itemsForReminders(clock());
  const due = items.find((i) => i.requestId === String(r.id) && i.kind === 'response_deadline');
  if (!due) throw new Error('the request has no response deadline');
  return { ...r, dueAt: due.dueAt };
}
/** The decoded text of a message (nodemailer folds long lines as quoted-printable). */
const decoded = (raw: string) =>
  raw
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
/** The messages to a user, decoded; with `kind`, only those about that kind of due item. */
const to = (a: Actor, kind?: string) =>
  smtp.arrivals
    .map((m) => decoded(m.raw))
    .filter((m) => m.includes(`To: ${emailOf(a)}`) && (!kind || subjectOf(m).includes(kind)));
/** Reminder rows about the response deadline (a request without a contact also owes a notice then). */
const deadlineRows = async () => (await rows()).filter((x) => x.key.includes(':response_deadline:'));
const emailOf = (a: Actor) => /\((.*)\)/.exec(a.label)?.[1] ?? '';
const subjectOf = (raw: string) => /^Subject: (.*)$/m.exec(raw)?.[1] ?? '';
const rows = () => t.db.selectFrom('reminder_outbox').selectAll().orderBy('id').execute();
const at = (d: Date, hours: number) => clock.set(new Date(d.getTime() + hours * H).toISOString());

describe('reminders', () => {
  it('e-mail the assignee once when a deadline is near and once when it passed, and stop when the request is answered', async () => {
    const hana = await userActor(s, 'handler', 'hana');
    await s.reminders.setFor(admin, emailOf(hana), 'each');
    clock.set('2026-03-01T12:00:00Z');
    const r = await assigned(hana, { external_ref: `GJ-NEAR-${Date.now()}` });

    // Days away: nothing.
    expect((await s.reminders.run()).queued).toBe(0);
    expect(smtp.handed()).toBe(0);

    at(r.dueAt, -24);
    await s.reminders.run();
    expect((await deadlineRows()).map((x) => x.status)).toEqual(['sent']);
    const [near] = to(hana, 'Response deadline');
    expect(subjectOf(near!)).toBe(`Due in 1 day: Response deadline, ${r.external_ref}`);
    expect(near).toContain(`https://candor.provider.example/requests/${r.id}`);
    expect(near).toContain('The request is assigned to you.');
    // No account reference reaches an e-mail to staff.
    expect(near).not.toContain(r.targets[0]!.identifier);

    // The job runs again and again: the same reminder does not go twice.
    const handed = smtp.handed();
    at(r.dueAt, -2);
    expect(await s.reminders.run()).toMatchObject({ queued: 0, sent: 0 });
    expect(smtp.handed()).toBe(handed);

    at(r.dueAt, 1);
    await s.reminders.run();
    expect(to(hana, 'Response deadline').map(subjectOf)).toEqual([
      `Due in 1 day: Response deadline, ${r.external_ref}`,
      `Overdue: Response deadline, ${r.external_ref}`,
    ]);
    expect(await s.reminders.run()).toMatchObject({ queued: 0, sent: 0 });
    const sent = smtp.handed();

    // Answered: nothing more about it, however late it is.
    await s.workflow.transition(admin, r.id, { to: 'in_review' });
    await s.workflow.respond(admin, r.id, { outcome: 'no_data', produced: [], accounts: [] });
    at(r.dueAt, 30);
    expect((await s.reminders.run()).queued).toBe(0);
    expect(smtp.handed()).toBe(sent);
    expect((await deadlineRows()).map((x) => x.status)).toEqual(['sent', 'sent']);
  });

  it('leave old overdue items to the digest and the queue, and send nothing to a user who turned them off', async () => {
    const ben = await userActor(s, 'handler', 'ben');
    await s.reminders.setFor(admin, emailOf(ben), 'off');
    clock.set('2026-04-01T12:00:00Z');
    const r = await assigned(ben);
    at(r.dueAt, -1);
    expect((await s.reminders.run()).queued).toBe(0);
    await s.reminders.setFor(admin, emailOf(ben), 'each');
    at(r.dueAt, config.policy.reminders.lateWithinHours + 1);
    expect((await s.reminders.run()).queued).toBe(0);
    expect(smtp.handed()).toBe(0);
  });

  it('e-mail approvers and admins about an unassigned emergency, never a viewer', async () => {
    const ari = await userActor(s, 'approver', 'ari');
    const gc = await userActor(s, 'admin', 'gc');
    const vi = await userActor(s, 'viewer', 'vi');
    for (const u of [ari, gc, vi]) await s.reminders.setFor(admin, emailOf(u), 'each');
    clock.set('2026-05-01T12:00:00Z');
    const r = await assigned(actor('handler'), {
      process_type: 'emergency_request',
      emergency: true,
      data_sought: ['basic_subscriber'],
    });
    at(r.dueAt, -1);
    await s.reminders.run();
    expect(to(ari, 'Response deadline')).toHaveLength(1);
    expect(to(gc, 'Response deadline')).toHaveLength(1);
    expect(to(vi)).toHaveLength(0);
    expect(to(ari, 'Response deadline')[0]).toContain(
      'It is an emergency request, and you may approve its disclosure.',
    );
  });

  it('of a restricted request reach only those who hold the grant', async () => {
    const cleared = await userActor(s, 'approver', 'cleared');
    const other = await userActor(s, 'approver', 'other');
    await s.users.grantRestricted(admin, cleared.userId!, 'national-security docket');
    for (const u of [cleared, other]) await s.reminders.setFor(admin, emailOf(u), 'each');
    clock.set('2026-05-10T12:00:00Z');
    const r = await assigned(actor('handler'), {
      process_type: 'emergency_request',
      emergency: true,
      restricted: true,
      data_sought: ['basic_subscriber'],
    });
    at(r.dueAt, -1);
    await s.reminders.run();
    expect(to(cleared, 'Response deadline')).toHaveLength(1);
    expect(to(other)).toHaveLength(0);
    expect(
      smtp.arrivals.some((m) => decoded(m.raw).includes(r.external_ref) && m.to.includes(emailOf(other))),
    ).toBe(false);
  });

  it('send a digest once a day from the digest hour, listing near and overdue items', async () => {
    const dee = await userActor(s, 'handler', 'dee');
    clock.set('2026-06-01T12:00:00Z');
    const a = await assigned(dee);
    clock.set('2026-06-05T12:00:00Z');
    const b = await assigned(dee);
    await s.reminders.setMine(dee, 'digest');
    // The morning after a's deadline, before the digest hour: nothing; from it, one digest with a (overdue).
    const morning = new Date(a.dueAt.getTime() + 24 * H);
    const day = morning.toISOString().slice(0, 10);
    const hour = config.policy.reminders.digestHourUtc;
    clock.set(`${day}T${String(hour - 1).padStart(2, '0')}:30:00Z`);
    expect((await s.reminders.run()).queued).toBe(0);
    clock.set(`${day}T${String(hour).padStart(2, '0')}:30:00Z`);
    expect((await s.reminders.run()).sent).toBe(1);
    const [digest] = to(dee);
    expect(subjectOf(digest!)).toMatch(/^Candor digest: [1-9]\d* overdue, 0 due within 48 hours$/);
    expect(digest).toContain(`Response deadline: ${a.external_ref}`);
    expect(digest).not.toContain(b.external_ref);
    clock.set(`${day}T23:00:00Z`);
    expect((await s.reminders.run()).queued).toBe(0);
    // On b's last day, from the digest hour, b is near as well.
    clock.set(`${b.dueAt.toISOString().slice(0, 10)}T${String(hour).padStart(2, '0')}:30:00Z`);
    expect(clock().getTime()).toBeLessThan(b.dueAt.getTime());
    expect((await s.reminders.run()).sent).toBe(1);
    const [, second] = to(dee);
    expect(subjectOf(second!)).toMatch(/^Candor digest: [1-9]\d* overdue, [1-9]\d* due within 48 hours$/);
    expect(second).toContain(`Response deadline: ${b.external_ref}`);
    expect(to(dee)).toHaveLength(2);
  });

  it('try again after a refusal, fail at a permanent one, and never resend one that may have gone', async () => {
    const eve = await userActor(s, 'handler', 'eve');
    await s.reminders.setFor(admin, emailOf(eve), 'each');
    clock.set('2026-07-01T12:00:00Z');
    const r = await assigned(eve);
    at(r.dueAt, -1);
    smtp.refuseWith(() => ({ code: 451, message: 'busy, try later' }));
    const first = await s.reminders.run();
    expect(first.sent).toBe(0);
    expect(first.retried).toBeGreaterThan(0);
    expect((await deadlineRows())[0]).toMatchObject({ status: 'queued', attempts: 1 });
    smtp.refuseWith(() => null);
    while ((await rows()).some((x) => x.status === 'queued')) await s.reminders.run();
    expect((await rows()).every((x) => x.status === 'sent')).toBe(true);
    expect(to(eve)).toHaveLength((await rows()).length);

    // A sender that stopped while it held a row: the message may have gone, so it is not sent again.
    const r2 = await assigned(eve);
    at(r2.dueAt, -1);
    await t.db
      .insertInto('reminder_outbox')
      .values({
        key: 'item:test:interrupted',
        user_id: eve.userId!,
        request_id: r2.id,
        subject: 'interrupted',
        body: 'interrupted',
        message_id: '<interrupted@candor.local>',
        status: 'sending',
        attempts: 1,
        claimed_until: new Date(clock().getTime() - 1000),
        created_at: clock(),
      })
      .execute();
    smtp.reset();
    smtp.refuseWith(() => ({ code: 550, message: 'no such mailbox' }));
    const run = await s.reminders.run();
    expect(run.possiblySent).toBe(1);
    const interrupted = (await rows()).find((x) => x.key === 'item:test:interrupted');
    expect(interrupted?.status).toBe('possibly_sent');
    // The new reminders for r2 were refused for good (5xx): failed at once, not tried again.
    const mine = (await rows()).filter((x) => x.request_id === r2.id && x.key !== 'item:test:interrupted');
    expect(mine.length).toBeGreaterThan(0);
    expect(run).toMatchObject({ queued: mine.length, failed: mine.length, retried: 0 });
    await s.reminders.run();
    const after = (await rows()).filter((x) => x.request_id === r2.id && x.key !== 'item:test:interrupted');
    expect(after.map((x) => [x.status, x.attempts])).toEqual(mine.map(() => ['failed', 1]));
    expect(after[0]?.last_error).toMatch(/no such mailbox/);
    expect(smtp.arrivals).toHaveLength(0);
  });

  it('are sent by the background jobs of `candor serve`', async () => {
    const fay = await userActor(s, 'handler', 'fay');
    await s.reminders.setFor(admin, emailOf(fay), 'each');
    clock.set('2026-08-01T12:00:00Z');
    const r = await assigned(fay);
    at(r.dueAt, -3);
    const jobs = startBackgroundJobs({ db: t.db, config, clock }, s, 60_000, () => {});
    try {
      await jobs.ticked(1);
    } finally {
      await jobs.stop();
    }
    expect(to(fay, 'Response deadline').map(subjectOf)).toEqual([
      `Due in 3 hours: Response deadline, ${r.external_ref}`,
    ]);
  });

  it('are chosen by each user on their account page, and a bad choice is named and changes nothing', async () => {
    const app: FastifyInstance = await buildApp({ config, services: s });
    try {
      const user = await userWithPassword(s, 'handler');
      const web = new WebClient(app);
      await web.signIn(user.email);
      const page = await web.get('/account');
      expect(page.body).toContain('id="reminders"');
      expect(page.body).toMatch(/<option value="each" selected/);
      const bad = await web.post('/account/reminders', { reminders: 'hourly' });
      expect(bad.statusCode).toBe(400);
      expect(bad.body).toContain('expected one of each, digest, off, got &quot;hourly&quot;');
      expect((await s.reminders.mine({ label: 'u', userId: user.id, role: 'handler' })).mode).toBe('each');
      const ok = await web.post('/account/reminders', { reminders: 'digest' });
      expect(ok.statusCode).toBe(303);
      expect((await s.reminders.mine({ label: 'u', userId: user.id, role: 'handler' })).mode).toBe('digest');
      expect((await web.get('/account')).body).toMatch(/<option value="digest" selected/);
    } finally {
      await app.close();
    }
  });
});
