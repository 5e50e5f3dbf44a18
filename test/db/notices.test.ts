import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestInput, type RequestInput } from '../../src/domain/request-input.ts';
import { CandorError } from '../../src/errors.ts';
import { createServices, type Services } from '../../src/services/index.ts';
import { actor, testClock, testConfig, testDatabase, type TestDb } from '../helpers/db.ts';
import { requestFactory } from '../helpers/factories.ts';
import { disclosedEmergency } from '../helpers/workflow.ts';

let t: TestDb;
let s: Services;
let tmp: string;
const clock = testClock('2026-03-01T12:00:00Z');
const handler = actor('handler');
const admin = actor('admin');

beforeAll(async () => {
  t = await testDatabase();
  tmp = mkdtempSync(path.join(os.tmpdir(), 'candor-notices-'));
  s = createServices({ db: t.db, config: { ...testConfig, dataDir: tmp }, clock });
});
afterAll(async () => {
  await t?.close();
  rmSync(tmp, { recursive: true, force: true });
});

const create = (over: Partial<RequestInput> = {}) =>
  s.requests.create(handler, requestInput.parse(requestFactory(over)));
const produced = { outcome: 'non_content_produced', responded_at: '2026-01-12T00:00:00Z' } as const;

async function rejects(p: Promise<unknown>): Promise<CandorError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof CandorError) return e;
    throw e;
  }
  throw new Error('expected a CandorError');
}

const outboxOf = (id: number) =>
  t.db.selectFrom('notice_outbox').selectAll().where('request_id', '=', id).orderBy('id').execute();
const noticeStatus = async (id: number) => (await s.requests.get(handler, id)).notice_status;
const actions = async (id: number) => (await s.audit.timeline(handler, 'request', id)).map((e) => e.action);

describe('customer contacts', () => {
  it('sets a contact and audits it; handlers may, viewers may not', async () => {
    const c = await s.notices.setContact(handler, 'ACC-1', {
      email: 'ana@example.com',
      name: 'Ana',
      language: 'pt-BR',
    });
    expect(c).toMatchObject({ account_ref: 'ACC-1', email: 'ana@example.com', language: 'pt-BR' });
    const events = await s.audit.timeline(admin, 'contact', 'ACC-1');
    expect(events.map((e) => e.action)).toEqual(['contact.set']);
    expect(
      (
        await rejects(
          s.notices.setContact(actor('viewer'), 'ACC-1', { email: 'x@example.com', language: 'en' }),
        )
      ).code,
    ).toBe('forbidden');
  });

  it('imports a CSV of contacts all or nothing, naming the line and column of every problem', async () => {
    const bad = path.join(tmp, 'bad.csv');
    writeFileSync(
      bad,
      'account_ref,email,name,language\nIMP-1,one@example.com,One,en\nIMP-2,not-an-email,,\nIMP-1,again@example.com,,English\n',
    );
    const e = await rejects(s.notices.importContacts(handler, bad));
    expect(e.code).toBe('invalid');
    expect(e.issues.map((i) => [i.line, i.field])).toEqual([
      [3, 'email'],
      [4, 'language'],
      [4, 'account_ref'],
    ]);
    expect(await s.notices.contacts(handler, ['IMP-1', 'IMP-2'])).toEqual([]);

    const good = path.join(tmp, 'good.csv');
    writeFileSync(
      good,
      'account_ref,email,name,language\nIMP-1,one@example.com,One,en\nIMP-2,two@example.com,,de\n',
    );
    expect(await s.notices.importContacts(handler, good)).toMatchObject({ rows: 2, changed: 2 });
    expect((await s.notices.importContacts(handler, good)).changed).toBe(0);
    const cs = await s.notices.contacts(handler, ['IMP-1', 'IMP-2']);
    expect(cs.map((c) => [c.account_ref, c.name, c.language]).sort()).toEqual([
      ['IMP-1', 'One', 'en'],
      ['IMP-2', null, 'de'],
    ]);
  });

  it('imports the CSV text itself (a paste) with the same checks as a file', async () => {
    const bad = await rejects(
      s.notices.importContacts(handler, {
        csv: 'account_ref,email\nTXT-1,one@example.com\nTXT-2,two\n',
        name: 'the pasted CSV',
      }),
    );
    expect(bad.message).toBe('the pasted CSV: 1 problem(s); nothing was imported');
    expect(bad.issues.map((i) => [i.line, i.field, i.value])).toEqual([[3, 'email', 'two']]);
    expect(await s.notices.contacts(handler, ['TXT-1'])).toEqual([]);
    const r = await s.notices.importContacts(handler, {
      csv: new TextEncoder().encode('\uFEFFaccount_ref,email,language\r\nTXT-1,one@example.com,fr\r\n'),
    });
    expect(r).toEqual({ file: 'the CSV', rows: 1, changed: 1 });
    expect((await s.notices.contacts(handler, ['TXT-1']))[0]?.language).toBe('fr');
    expect((await rejects(s.notices.importContacts(handler, path.join(tmp, 'none.csv')))).code).toBe(
      'not_found',
    );
  });

  it('checks the fields of a contact itself, and refuses a change made on a stale copy', async () => {
    const bad = await rejects(s.notices.setContact(handler, 'SET-1', { email: 'nope', language: 'English' }));
    expect(bad.code).toBe('invalid');
    expect(bad.issues.map((i) => i.field)).toEqual(['email', 'language']);
    expect(await s.notices.contacts(handler, ['SET-1'])).toEqual([]);

    // expected: null means "there was none": creating works once, then refuses without overwriting.
    const first = await s.notices.setContact(
      handler,
      'SET-1',
      { email: 'a@example.com' },
      { expected: null },
    );
    const again = await rejects(
      s.notices.setContact(handler, 'SET-1', { email: 'b@example.com' }, { expected: null }),
    );
    expect(again.code).toBe('conflict');
    clock.set('2026-03-01T12:01:00Z');
    const second = await s.notices.setContact(
      handler,
      'SET-1',
      { email: 'c@example.com' },
      { expected: first.updated_at },
    );
    expect(second.email).toBe('c@example.com');
    const stale = await rejects(
      s.notices.setContact(handler, 'SET-1', { email: 'd@example.com' }, { expected: first.updated_at }),
    );
    expect(stale.code).toBe('conflict');
    expect((await s.notices.contacts(handler, ['SET-1']))[0]?.email).toBe('c@example.com');
    expect((await s.audit.timeline(admin, 'contact', 'SET-1')).map((e) => e.after)).toEqual([
      expect.objectContaining({ email: 'a@example.com' }),
      expect.objectContaining({ email: 'c@example.com' }),
    ]);
    clock.set('2026-03-01T12:00:00Z');
  });

  it('refuses a CSV with an unknown column', async () => {
    const f = path.join(tmp, 'cols.csv');
    writeFileSync(f, 'account_ref,email,notes\nX,x@example.com,hello\n');
    const e = await rejects(s.notices.importContacts(handler, f));
    expect(e.issues).toEqual([{ line: 1, field: 'notes', message: 'unknown column' }]);
  });
});

describe('notice templates', () => {
  it('refuses a template with an unknown placeholder, and lets only admins save', async () => {
    const e = await rejects(
      s.notices.setTemplate(admin, 'after_disclosure', 'en', {
        subject: 'About {{account}}',
        body: 'Notes: {{notes}}',
      }),
    );
    expect(e.code).toBe('invalid');
    expect(e.issues[0]).toMatchObject({ field: 'body' });
    const f = await rejects(
      s.notices.setTemplate(handler, 'after_disclosure', 'de', { subject: 'x', body: 'y' }),
    );
    expect(f.code).toBe('forbidden');
  });

  it('saves a template, bumps its version and audits the change', async () => {
    const t1 = await s.notices.setTemplate(admin, 'after_disclosure', 'de', {
      subject: 'Behördenanfrage zu Ihrem Konto {{account}}',
      body: 'Anfrage von {{agency}} ({{process_type}}) vom {{received_date}}. Herausgegeben: {{produced}}.',
    });
    expect(t1.version).toBe(1);
    const t2 = await s.notices.setTemplate(admin, 'after_disclosure', 'de', {
      subject: 'Anfrage zu Ihrem Konto {{account}}',
      body: 'Anfrage von {{agency}} ({{process_type}}) vom {{received_date}}. Herausgegeben: {{produced}}.',
    });
    expect(t2.version).toBe(2);
    const events = await s.audit.timeline(admin, 'notice_template', 'after_disclosure/de');
    expect(events.map((e) => e.action)).toEqual(['notice_template.set', 'notice_template.set']);
    expect((await s.notices.templates(handler)).filter((x) => x.language === 'en')).toHaveLength(4);
  });

  it('previews exactly what would be sent, from the facts only, in the contact language', async () => {
    const r = await create({
      ...produced,
      accounts: ['PRE-1', 'PRE-2'],
      notes: 'Operation Nightjar: do not tell the target',
      agency: { name: 'Bundeskriminalamt', kind: 'law_enforcement', level: 'federal', country: 'DE' },
      process_type: 'court_order',
    });
    await s.notices.setContact(handler, 'PRE-1', { email: 'pre1@example.com', language: 'de-AT' });
    const p = await s.notices.preview(handler, r.id);
    expect(p.may_send_now).toBe(true);
    expect(p.decision.kind).toBe('after_disclosure');
    expect(p.missing_contacts).toEqual(['PRE-2']);
    expect(p.messages).toHaveLength(1);
    const m = p.messages[0]!;
    expect(m).toMatchObject({
      to: 'pre1@example.com',
      template: { language: 'de', version: 2 },
      subject: 'Anfrage zu Ihrem Konto PRE-1',
      message_id: `<notice-${r.id}-PRE-1-after_disclosure@candor.local>`,
    });
    expect(m.body).toContain('Anfrage von Bundeskriminalamt (DE) (Court order) vom 2026-01-10');
    expect(m.body).not.toContain('Nightjar');
    expect(await outboxOf(r.id)).toEqual([]);
  });
});

describe('queueing a notice', () => {
  it('writes one outbox row per reachable account with the decision and audit, and only once', async () => {
    const r = await create({ ...produced, accounts: ['Q-1', 'Q-2', 'Q-3'] });
    await s.notices.setContact(handler, 'Q-1', { email: 'q1@example.com', language: 'en' });
    await s.notices.setContact(handler, 'Q-2', { email: 'q2@example.com', language: 'en' });
    const first = await s.notices.queue(handler, r.id);
    expect(first).toMatchObject({
      notice_status: 'pending',
      kind: 'after_disclosure',
      already_queued: 0,
      missing_contacts: ['Q-3'],
    });
    expect(first.queued.map((q) => q.to)).toEqual(['q1@example.com', 'q2@example.com']);
    const second = await s.notices.queue(handler, r.id);
    expect(second.queued).toEqual([]);
    expect(second.already_queued).toBe(2);
    const rows = await outboxOf(r.id);
    expect(rows.map((o) => [o.status, o.attempts, o.kind])).toEqual([
      ['queued', 0, 'after_disclosure'],
      ['queued', 0, 'after_disclosure'],
    ]);
    expect(rows[0]!.body).toContain('Q-1');
    expect(rows[0]!.subject).toBe('We responded to a government request concerning your account Q-1');
    expect(await actions(r.id)).toEqual(['request.create', 'notice.queue']);
  });

  it('refuses while an order is in force, and changes nothing', async () => {
    const r = await create({ ...produced, ndo: { authority: 'sca_2705b', expires_at: '2026-06-01' } });
    await s.notices.setContact(handler, r.targets[0]!.identifier, {
      email: 'held@example.com',
      language: 'en',
    });
    const e = await rejects(s.notices.queue(handler, r.id));
    expect(e.code).toBe('invalid_state');
    expect(e.message).toMatch(/non-disclosure order/);
    expect(await outboxOf(r.id)).toEqual([]);
    expect(await noticeStatus(r.id)).toBe('prohibited_by_order');
    expect(await actions(r.id)).toEqual(['request.create']);
  });

  it('refuses while an emergency delay runs', async () => {
    const r = await disclosedEmergency(s, create, new Date(produced.responded_at));
    await s.notices.setContact(handler, r.targets[0]!.identifier, {
      email: 'em@example.com',
      language: 'en',
    });
    expect((await rejects(s.notices.queue(handler, r.id))).code).toBe('invalid_state');
    expect(await outboxOf(r.id)).toEqual([]);
  });

  it('refuses a kind the record does not call for', async () => {
    const r = await create(produced);
    await s.notices.setContact(handler, r.targets[0]!.identifier, { email: 'k@example.com', language: 'en' });
    const e = await rejects(s.notices.queue(handler, r.id, 'after_order_expired'));
    expect(e.message).toMatch(/calls for a after_disclosure notice/);
  });

  it('records not_possible, with the reason, when no account has a contact', async () => {
    const r = await create({ ...produced, accounts: ['NOBODY-1'] });
    const q = await s.notices.queue(handler, r.id);
    expect(q).toMatchObject({ notice_status: 'not_possible', queued: [] });
    expect(q.reason).toMatch(/NOBODY-1/);
    expect(await noticeStatus(r.id)).toBe('not_possible');
    const events = await s.audit.timeline(handler, 'request', r.id);
    expect(events.at(-1)).toMatchObject({ action: 'notice.not_possible' });
    expect(JSON.stringify(events.at(-1))).toContain('no contact');
  });
});

describe('where a notice stands', () => {
  it('lists the outbox and what is left to queue: nothing once every reachable account has its notice', async () => {
    const r = await create({ ...produced, accounts: ['ST-1', 'ST-2'] });
    await s.notices.setContact(handler, 'ST-1', { email: 'st1@example.com', language: 'en' });
    expect((await rejects(s.notices.status(actor('viewer'), r.id))).code).toBe('forbidden');
    const before = await s.notices.status(handler, r.id);
    expect(before).toMatchObject({
      may_send_now: true,
      decision: { status: 'pending', kind: 'after_disclosure' },
      to_queue: ['ST-1'],
      missing_contacts: ['ST-2'],
      outbox: [],
    });
    await s.notices.queue(handler, r.id);
    const queued = await s.notices.status(handler, r.id);
    expect(queued.to_queue).toEqual([]);
    expect(queued.outbox).toEqual([
      expect.objectContaining({
        account: 'ST-1',
        to: 'st1@example.com',
        kind: 'after_disclosure',
        status: 'queued',
        queued_at: clock().toISOString(),
        sent_at: null,
      }),
    ]);
    expect((await s.notices.preview(handler, r.id)).to_queue).toEqual([]);
    // A contact found later: that account is left to queue, the other one is not.
    await s.notices.setContact(handler, 'ST-2', { email: 'st2@example.com', language: 'en' });
    expect((await s.notices.status(handler, r.id)).to_queue).toEqual(['ST-2']);
  });

  it('offers nothing to queue while an order binds, even with no outbox row', async () => {
    const r = await create({ ...produced, ndo: { authority: 'sca_2705b', expires_at: '2026-06-01' } });
    await s.notices.setContact(handler, r.targets[0]!.identifier, {
      email: 'st@example.com',
      language: 'en',
    });
    expect(await s.notices.status(handler, r.id)).toMatchObject({
      may_send_now: false,
      to_queue: [],
      decision: { status: 'prohibited_by_order' },
    });
  });

  it('queues a failed notice again, on the same row and Message-ID, to the current address', async () => {
    const r = await create({ ...produced, accounts: ['RT-1'] });
    await s.notices.setContact(handler, 'RT-1', { email: 'old@example.com', language: 'en' });
    await s.notices.queue(handler, r.id);
    const [row] = await outboxOf(r.id);
    await t.db
      .updateTable('notice_outbox')
      .set({ status: 'failed', attempts: 5, last_error: '550 mailbox unavailable' })
      .where('id', '=', row!.id)
      .execute();
    expect((await s.notices.status(handler, r.id)).to_queue).toEqual(['RT-1']);
    await s.notices.setContact(handler, 'RT-1', { email: 'new@example.com', language: 'en' });
    const again = await s.notices.queue(handler, r.id);
    expect(again.queued).toEqual([
      { id: row!.id, account: 'RT-1', to: 'new@example.com', message_id: row!.message_id },
    ]);
    expect(await outboxOf(r.id)).toEqual([
      expect.objectContaining({ id: row!.id, status: 'queued', attempts: 0, last_error: null }),
    ]);
    expect(await actions(r.id)).toEqual(['request.create', 'notice.queue', 'notice.queue']);
    expect((await s.notices.status(handler, r.id)).to_queue).toEqual([]);
  });
});

describe('automatic release of held notices', () => {
  it('queues nothing the day before the order expires, and queues it the instant it expires (midnight UTC)', async () => {
    const r = await create({ ...produced, ndo: { authority: 'sca_2705b', expires_at: '2026-07-01' } });
    await s.notices.setContact(handler, r.targets[0]!.identifier, {
      email: 'later@example.com',
      language: 'en',
    });
    expect(
      (await s.notices.releaseDue(new Date('2026-06-30T00:00:00Z'))).queued.map((q) => q.request_id),
    ).not.toContain(r.id);
    expect(
      (await s.notices.releaseDue(new Date('2026-06-30T23:59:59.999Z'))).queued.map((q) => q.request_id),
    ).not.toContain(r.id);
    expect(await outboxOf(r.id)).toEqual([]);
    const released = await s.notices.releaseDue(new Date('2026-07-01T00:00:00Z'));
    expect(released.queued.find((q) => q.request_id === r.id)).toMatchObject({ kind: 'after_order_expired' });
    const again = await s.notices.releaseDue(new Date('2026-07-02T00:00:00Z'));
    expect(again.queued.map((q) => q.request_id)).not.toContain(r.id);
    const rows = await outboxOf(r.id);
    expect(rows.map((o) => [o.kind, o.status])).toEqual([['after_order_expired', 'queued']]);
    expect(rows[0]!.next_attempt_at.toISOString()).toBe('2026-07-01T00:00:00.000Z');
    expect(await noticeStatus(r.id)).toBe('pending');
    const events = await s.audit.timeline(handler, 'request', r.id);
    expect(events.at(-1)).toMatchObject({ action: 'notice.queue', actor: 'system:notice-release' });
  });

  it('releases a notice when the order is lifted early', async () => {
    const r = await create({ ...produced, ndo: { authority: 'sca_2705b', expires_at: '2027-01-01' } });
    await s.notices.setContact(handler, r.targets[0]!.identifier, {
      email: 'lifted@example.com',
      language: 'en',
    });
    await t.db
      .updateTable('nondisclosure_orders')
      .set({ lifted_at: '2026-04-15T10:00:00Z' })
      .where('request_id', '=', r.id)
      .execute();
    expect(
      (await s.notices.releaseDue(new Date('2026-04-15T09:59:59Z'))).queued.map((q) => q.request_id),
    ).not.toContain(r.id);
    expect(
      (await s.notices.releaseDue(new Date('2026-04-15T10:00:00Z'))).queued.map((q) => q.request_id),
    ).toContain(r.id);
  });

  it('queues the notice of an emergency disclosure when the delay ends, not before', async () => {
    const r = await disclosedEmergency(s, create, new Date(produced.responded_at));
    await s.notices.setContact(handler, r.targets[0]!.identifier, {
      email: 'emergency@example.com',
      language: 'en',
    });
    // responded 2026-01-12T00:00Z + 90 days (the default delay)
    expect(
      (await s.notices.releaseDue(new Date('2026-04-11T23:59:59Z'))).queued.map((q) => q.request_id),
    ).not.toContain(r.id);
    const released = await s.notices.releaseDue(new Date('2026-04-12T00:00:00Z'));
    expect(released.queued.find((q) => q.request_id === r.id)).toMatchObject({
      kind: 'after_emergency_passed',
    });
  });

  it('keeps a notice held while a second order still binds', async () => {
    const r = await create({ ...produced, ndo: { authority: 'sca_2705b', expires_at: '2026-05-01' } });
    await s.notices.setContact(handler, r.targets[0]!.identifier, {
      email: 'two@example.com',
      language: 'en',
    });
    await t.db
      .insertInto('nondisclosure_orders')
      .values({ request_id: r.id, authority: 'sca_2705b', expires_at: '2026-08-01', indefinite: false })
      .execute();
    expect(
      (await s.notices.releaseDue(new Date('2026-05-02T00:00:00Z'))).queued.map((q) => q.request_id),
    ).not.toContain(r.id);
    expect(await outboxOf(r.id)).toEqual([]);
    expect(
      (await s.notices.releaseDue(new Date('2026-08-01T00:00:00Z'))).queued.map((q) => q.request_id),
    ).toContain(r.id);
  });

  it('records not_possible when a held notice becomes due and nobody can be reached', async () => {
    const r = await create({
      ...produced,
      accounts: ['GONE-1'],
      ndo: { authority: 'sca_2705b', expires_at: '2026-05-01' },
    });
    const released = await s.notices.releaseDue(new Date('2026-05-01T00:00:00Z'));
    expect(released.not_possible).toContain(r.id);
    expect(await noticeStatus(r.id)).toBe('not_possible');
  });
});
