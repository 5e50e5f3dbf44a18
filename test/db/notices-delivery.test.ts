import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config.ts';
import type { Db } from '../../src/db/connect.ts';
import type { Database } from '../../src/db/schema.ts';
import { requestInput, type RequestInput } from '../../src/domain/request-input.ts';
import { claimDue } from '../../src/repositories/notices-repository.ts';
import { insertNdos } from '../../src/repositories/requests-repository.ts';
import { createMailer } from '../../src/services/mailer.ts';
import { createNoticeWorker, type NoticeWorker } from '../../src/services/notice-worker.ts';
import { createServices, type Services } from '../../src/services/index.ts';
import { actor, testClock, testConfig, testDatabase, type TestDb } from '../helpers/db.ts';
import { requestFactory } from '../helpers/factories.ts';
import { startSmtp, type TestSmtp } from '../helpers/smtp.ts';

let t: TestDb;
let smtp: TestSmtp;
let s: Services;
let config: Config;
let tmp: string;
const clock = testClock('2026-03-01T12:00:00Z');
const handler = actor('handler');
const LEASE_MS = 60_000;
const worker = (db: Db = t.db, cfg: Config = config) =>
  createNoticeWorker({ db, config: cfg, clock }, { leaseMs: LEASE_MS, backoffMs: 1000, maxAttempts: 3 });

beforeAll(async () => {
  t = await testDatabase();
  smtp = await startSmtp();
  tmp = mkdtempSync(path.join(os.tmpdir(), 'candor-delivery-'));
  config = { ...testConfig, dataDir: tmp, smtpUrl: smtp.url, mailFrom: 'legal@provider.example' };
  s = createServices({ db: t.db, config, clock });
});
afterAll(async () => {
  await smtp?.close();
  await t?.close();
  rmSync(tmp, { recursive: true, force: true });
});
beforeEach(() => smtp.reset());

const at = (iso: string) => new Date(iso);
const produced = { outcome: 'non_content_produced', responded_at: '2026-01-12T00:00:00Z' } as const;

/** A request whose accounts all have contacts. */
async function requestWithContacts(over: Partial<RequestInput> = {}) {
  const r = await s.requests.create(handler, requestInput.parse(requestFactory({ ...produced, ...over })));
  for (const target of r.targets) {
    await s.notices.setContact(handler, target.identifier, {
      email: `${target.identifier.toLowerCase()}@customer.example`,
      language: 'en',
    });
  }
  return r;
}
const outboxOf = (id: number) =>
  t.db.selectFrom('notice_outbox').selectAll().where('request_id', '=', id).orderBy('id').execute();
const noticeStatus = async (id: number) => (await s.requests.get(handler, id)).notice_status;

/** Runs a worker until it finds nothing more to claim at `now`. */
async function drain(w: NoticeWorker, workerId: string, now: Date, batch = 2) {
  let claimed = 0;
  for (;;) {
    const r = await w.runOnce({ workerId, now, batch });
    claimed += r.claimed;
    if (r.claimed === 0) return claimed;
  }
}

describe('delivery through a real SMTP server', () => {
  it('delivers each notice exactly once with two workers on two connection pools at the same time', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 12; i++) {
      const r = await requestWithContacts();
      await s.notices.queue(handler, r.id);
      ids.push(r.id);
    }
    const pool2 = new pg.Pool({ ...t.pgConfig, max: 4 });
    const db2: Db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: pool2 }) });
    try {
      const now = clock();
      const [a, b] = await Promise.all([drain(worker(), 'A', now), drain(worker(db2), 'B', now)]);
      expect(a + b).toBe(12);
    } finally {
      await db2.destroy();
    }
    expect(smtp.arrivals).toHaveLength(12);
    expect(new Set(smtp.arrivals.map((m) => m.messageId)).size).toBe(12);
    for (const id of ids) {
      const [row] = await outboxOf(id);
      expect(row).toMatchObject({ status: 'sent', attempts: 1 });
      expect(['A', 'B']).toContain(row!.claimed_by);
      expect(smtp.arrivals.filter((m) => m.messageId === row!.message_id)).toHaveLength(1);
      expect(await noticeStatus(id)).toBe('sent');
    }
  });

  it('sends the stable Message-ID, our From and the rendered text', async () => {
    const r = await requestWithContacts({ accounts: ['MSG-1'] });
    await s.notices.queue(handler, r.id);
    await worker().runOnce({ workerId: 'W', now: clock() });
    expect(smtp.arrivals).toHaveLength(1);
    const m = smtp.arrivals[0]!;
    expect(m.messageId).toBe(`<notice-${r.id}-MSG-1-after_disclosure@candor.local>`);
    expect(m.to).toEqual(['msg-1@customer.example']);
    expect(m.raw).toMatch(/^From: legal@provider\.example/m);
    expect(m.raw).toContain('Subject: We responded to a government request concerning your account MSG-1');
    const events = await s.audit.timeline(handler, 'request', r.id);
    expect(events.map((e) => e.action)).toEqual(['request.create', 'notice.queue', 'notice.sent']);
  });

  it('never delivers while an order is in force, and delivers on the day it expires', async () => {
    const r = await requestWithContacts({ ndo: { authority: 'sca_2705b', expires_at: '2026-06-01' } });
    const w = worker();
    for (const day of ['2026-03-01T12:00:00Z', '2026-05-31T23:59:59Z']) {
      await s.notices.releaseDue(at(day));
      await w.runOnce({ workerId: 'W', now: at(day) });
    }
    expect(smtp.handed()).toBe(0);
    expect(await noticeStatus(r.id)).toBe('prohibited_by_order');
    const day = at('2026-06-01T00:00:00Z');
    await s.notices.releaseDue(day);
    await w.runOnce({ workerId: 'W', now: day });
    expect(smtp.arrivals.map((m) => m.messageId)).toEqual([
      `<notice-${r.id}-${r.targets[0]!.identifier}-after_order_expired@candor.local>`,
    ]);
    expect(smtp.arrivals[0]!.raw.replace(/=\r\n/g, '').replace(/\s+/g, ' ')).toContain(
      'that order has now expired or been lifted',
    );
    expect(await noticeStatus(r.id)).toBe('sent');
  });

  it('cancels at send time a notice queued before an order was recorded, and sends it once the order ends', async () => {
    const r = await requestWithContacts();
    await s.notices.queue(handler, r.id);
    // The order arrives after the notice was queued but before the worker got to it.
    await insertNdos(t.db, [
      {
        request_id: r.id,
        authority: 'sca_2705b',
        issuing_court: null,
        issued_at: '2026-03-01T00:00:00Z',
        expires_at: '2026-09-01T00:00:00Z',
        ground: null,
      },
    ]);
    const w = worker();
    const run = await w.runOnce({ workerId: 'W', now: at('2026-03-02T00:00:00Z') });
    expect(run).toMatchObject({ claimed: 1, cancelled: 1, sent: 0 });
    expect(smtp.handed()).toBe(0);
    expect((await outboxOf(r.id)).map((o) => o.status)).toEqual(['cancelled']);
    expect(await noticeStatus(r.id)).toBe('prohibited_by_order');
    const events = await s.audit.timeline(handler, 'request', r.id);
    expect(events.at(-1)).toMatchObject({ action: 'notice.cancel', actor: 'worker:W' });

    expect(
      (await s.notices.releaseDue(at('2026-08-31T23:59:59Z'))).queued.map((q) => q.request_id),
    ).not.toContain(r.id);
    await w.runOnce({ workerId: 'W', now: at('2026-08-31T23:59:59Z') });
    expect(smtp.handed()).toBe(0);
    await s.notices.releaseDue(at('2026-09-01T00:00:00Z'));
    await w.runOnce({ workerId: 'W', now: at('2026-09-01T00:00:00Z') });
    expect(smtp.arrivals).toHaveLength(1);
    expect(smtp.arrivals[0]!.messageId).toContain('after_order_expired');
    expect((await outboxOf(r.id)).map((o) => [o.kind, o.status])).toEqual([
      ['after_disclosure', 'cancelled'],
      ['after_order_expired', 'sent'],
    ]);
  });

  it('retries with backoff after the SMTP server refused once, then delivers once', async () => {
    smtp.refuseWith((n) => (n === 1 ? { code: 451, message: 'try again later' } : null));
    const r = await requestWithContacts();
    await s.notices.queue(handler, r.id);
    const w = worker();
    const t0 = clock();
    expect(await w.runOnce({ workerId: 'W', now: t0 })).toMatchObject({ claimed: 1, retried: 1, sent: 0 });
    let [row] = await outboxOf(r.id);
    expect(row).toMatchObject({ status: 'queued', attempts: 1 });
    expect(row!.last_error).toMatch(/try again later/);
    expect(row!.next_attempt_at.getTime()).toBe(t0.getTime() + 1000);
    expect((await w.runOnce({ workerId: 'W', now: new Date(t0.getTime() + 999) })).claimed).toBe(0);
    expect(await w.runOnce({ workerId: 'W', now: new Date(t0.getTime() + 1000) })).toMatchObject({ sent: 1 });
    [row] = await outboxOf(r.id);
    expect(row).toMatchObject({ status: 'sent', attempts: 2, last_error: null });
    expect(smtp.handed()).toBe(2);
    expect(smtp.arrivals).toHaveLength(1);
  });

  it('fails a notice for good on a permanent refusal and lists it for the due view', async () => {
    smtp.refuseWith(() => ({ code: 550, message: 'mailbox unavailable' }));
    const r = await requestWithContacts();
    await s.notices.queue(handler, r.id);
    expect(await worker().runOnce({ workerId: 'W', now: clock() })).toMatchObject({ failed: 1 });
    const failures = await s.notices.failures(handler);
    expect(failures.find((f) => f.request_id === r.id)).toMatchObject({
      attempts: 1,
      external_ref: r.external_ref,
    });
    expect(failures.find((f) => f.request_id === r.id)!.last_error).toMatch(/mailbox unavailable/);
    expect(await noticeStatus(r.id)).toBe('pending');
  });

  it('gives up after the maximum number of temporary refusals', async () => {
    smtp.refuseWith(() => ({ code: 421, message: 'busy' }));
    const r = await requestWithContacts();
    await s.notices.queue(handler, r.id);
    const w = worker();
    let now = clock().getTime();
    for (let i = 0; i < 3; i++) {
      await w.runOnce({ workerId: 'W', now: new Date(now) });
      now += 3_600_000;
    }
    expect((await outboxOf(r.id))[0]).toMatchObject({ status: 'failed', attempts: 3 });
    expect(smtp.arrivals).toHaveLength(0);
  });

  it('re-claims a row left sending by a crashed worker only after the lease', async () => {
    const r = await requestWithContacts();
    await s.notices.queue(handler, r.id);
    const t0 = clock();
    // A worker claims the row and dies before sending anything.
    await t.db
      .transaction()
      .execute((trx) => claimDue(trx, { now: t0, workerId: 'crashed', batch: 10, leaseMs: LEASE_MS }));
    const w = worker();
    expect((await w.runOnce({ workerId: 'W', now: new Date(t0.getTime() + LEASE_MS - 1) })).claimed).toBe(0);
    expect(smtp.handed()).toBe(0);
    expect(await w.runOnce({ workerId: 'W', now: new Date(t0.getTime() + LEASE_MS) })).toMatchObject({
      claimed: 1,
      sent: 1,
    });
    expect(smtp.arrivals).toHaveLength(1);
    expect((await outboxOf(r.id))[0]).toMatchObject({ status: 'sent', attempts: 2, claimed_by: 'W' });
  });

  it('never sends twice: a worker killed after the SMTP server accepted leaves the notice possibly sent, for a person', async () => {
    const r = await requestWithContacts();
    await s.notices.queue(handler, r.id);
    const t0 = clock();
    // This worker's mailer delivers, then the process "dies": the call never returns, nothing is recorded.
    const real = worker();
    const smtpMailer = createMailer(config);
    const dying = createNoticeWorker(
      {
        db: t.db,
        config,
        clock,
        mailer: {
          describe: 'dying',
          send: async (m) => {
            await smtpMailer.send(m);
            return new Promise<void>(() => {});
          },
          close: () => {},
        },
      },
      { leaseMs: LEASE_MS },
    );
    void dying.runOnce({ workerId: 'dying', now: t0 });
    await expect.poll(() => smtp.arrivals.length).toBe(1);
    // "Delivery in progress" was recorded before the SMTP session opened.
    expect((await outboxOf(r.id))[0]).toMatchObject({ status: 'sending', claimed_by: 'dying' });
    expect((await outboxOf(r.id))[0]!.delivery_started_at).not.toBeNull();
    // Recovery (the next round of any worker, after the lease): flagged for a person, never sent again.
    expect(await real.runOnce({ workerId: 'W', now: new Date(t0.getTime() + LEASE_MS - 1) })).toMatchObject({
      claimed: 0,
    });
    expect((await outboxOf(r.id))[0]!.status).toBe('sending');
    await real.runOnce({ workerId: 'W', now: new Date(t0.getTime() + LEASE_MS) });
    await real.runOnce({ workerId: 'W', now: new Date(t0.getTime() + 10 * LEASE_MS) });
    expect(smtp.arrivals).toHaveLength(1);
    const row = (await outboxOf(r.id))[0]!;
    expect(row).toMatchObject({ status: 'possibly_sent', claimed_by: 'dying' });
    expect(row.last_error).toMatch(/may have been delivered/);
    const listed = await s.notices.possiblySent(handler);
    expect(listed.map((x) => x.id)).toContain(row.id);
    // A person checks the mail server's log for the Message-ID and records that it went.
    await expect(s.notices.settlePossiblySent(actor('viewer'), row.id, 'sent')).rejects.toMatchObject({
      code: 'forbidden',
    });
    expect(await s.notices.settlePossiblySent(handler, row.id, 'sent')).toMatchObject({ status: 'sent' });
    expect((await outboxOf(r.id))[0]).toMatchObject({ status: 'sent' });
    expect(await noticeStatus(r.id)).toBe('sent');
    await expect(s.notices.settlePossiblySent(handler, row.id, 'requeue')).rejects.toMatchObject({
      code: 'invalid_state',
    });
    const events = await t.db
      .selectFrom('audit_events')
      .select('action')
      .where('entity_id', '=', String(r.id))
      .where('action', 'in', ['notice.possibly_sent', 'notice.settle'])
      .execute();
    expect(events.map((e) => e.action)).toEqual(['notice.possibly_sent', 'notice.settle']);
  });

  it('a connection lost after the message was handed over is possibly sent at once; requeued by a person, it goes again', async () => {
    const r = await requestWithContacts();
    await s.notices.queue(handler, r.id);
    const t0 = clock();
    const smtpMailer = createMailer(config);
    const lost = Object.assign(new Error('Connection closed unexpectedly'), {
      code: 'ECONNECTION',
      command: 'CONN',
    });
    const w = createNoticeWorker(
      {
        db: t.db,
        config,
        clock,
        mailer: {
          describe: 'accepts, then the connection drops',
          send: async (m) => {
            await smtpMailer.send(m);
            throw lost;
          },
          close: () => {},
        },
      },
      { leaseMs: LEASE_MS },
    );
    expect(await w.runOnce({ workerId: 'W', now: t0 })).toMatchObject({ claimed: 1, possiblySent: 1 });
    expect(await w.runOnce({ workerId: 'W', now: new Date(t0.getTime() + 100 * LEASE_MS) })).toMatchObject({
      claimed: 0,
    });
    expect(smtp.arrivals).toHaveLength(1);
    const row = (await outboxOf(r.id))[0]!;
    expect(row.status).toBe('possibly_sent');
    // A refusal the server stated is not ambiguous: it is retried as before (the 'retries with backoff' test).
    expect(await s.notices.settlePossiblySent(handler, row.id, 'requeue')).toMatchObject({
      status: 'queued',
    });
    await worker().runOnce({ workerId: 'W2', now: new Date(t0.getTime() + 1) });
    expect(smtp.arrivals).toHaveLength(2);
    expect(new Set(smtp.arrivals.map((m) => m.messageId))).toEqual(new Set([row.message_id]));
    expect((await outboxOf(r.id))[0]).toMatchObject({ status: 'sent', claimed_by: 'W2' });
  });
});

describe('the .eml fallback (no CANDOR_SMTP_URL)', () => {
  it('writes each notice as a parseable RFC 5322 file named after its Message-ID', async () => {
    const emlConfig = { ...config, smtpUrl: undefined };
    const r = await requestWithContacts({ accounts: ['EML-1'] });
    await s.notices.queue(handler, r.id);
    expect(await worker(t.db, emlConfig).runOnce({ workerId: 'W', now: clock() })).toMatchObject({ sent: 1 });
    expect(smtp.handed()).toBe(0);
    const file = path.join(tmp, 'outbox', `notice-${r.id}-EML-1-after_disclosure.eml`);
    expect(existsSync(file)).toBe(true);
    expect(readdirSync(path.join(tmp, 'outbox')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const raw = readFileSync(file, 'utf8');
    const split = raw.indexOf('\r\n\r\n');
    expect(split).toBeGreaterThan(0);
    const headers = new Map<string, string>();
    for (const line of raw
      .slice(0, split)
      .replace(/\r\n[ \t]+/g, ' ')
      .split('\r\n')) {
      const i = line.indexOf(':');
      headers.set(line.slice(0, i).toLowerCase(), line.slice(i + 1).trim());
    }
    expect(headers.get('message-id')).toBe(`<notice-${r.id}-EML-1-after_disclosure@candor.local>`);
    expect(headers.get('from')).toBe('legal@provider.example');
    expect(headers.get('to')).toBe('eml-1@customer.example');
    expect(headers.get('subject')).toBe('We responded to a government request concerning your account EML-1');
    expect(headers.get('mime-version')).toBe('1.0');
    expect(headers.get('date')).toBe(clock().toUTCString().replace('GMT', '+0000'));
    const body = raw
      .slice(split + 4)
      .replace(/=\r\n/g, '')
      .replace(/\s+/g, ' ');
    expect(body).toContain('about your account EML-1, and responded to it.');
    expect(await noticeStatus(r.id)).toBe('sent');
  });
});
