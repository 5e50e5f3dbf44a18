import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config.ts';
import { requestInput, type RequestInput } from '../../src/domain/request-input.ts';
import { buildApp } from '../../src/http/app.ts';
import { createServices, type Services } from '../../src/services/index.ts';
import { actor, testClock, testConfig, testDatabase, type TestDb } from '../helpers/db.ts';
import { requestFactory } from '../helpers/factories.ts';
import { startSmtp, type TestSmtp } from '../helpers/smtp.ts';
import { labelProblems, userWithPassword, WebClient } from '../helpers/web.ts';

// Comments and correspondence (issue 17, item 5; docs/workflow.md): one service behind the API, the web forms
// and the CLI (test/db/comments-cli.test.ts); mentions e-mailed once through the reminder outbox to a real
// SMTP server, never to someone who cannot see the request.

let t: TestDb;
let smtp: TestSmtp;
let s: Services;
let app: FastifyInstance;
let config: Config;
let tmp: string;
const clock = testClock('2026-03-01T12:00:00Z');
const admin = actor('admin');
const people = {} as Record<
  'handler' | 'viewer' | 'cleared' | 'plain' | 'gone' | 'quiet',
  { id: number; email: string }
>;
const tokens = {} as Record<'handler' | 'viewer', string>;

beforeAll(async () => {
  t = await testDatabase();
  smtp = await startSmtp();
  tmp = mkdtempSync(path.join(os.tmpdir(), 'candor-comments-'));
  config = {
    ...testConfig,
    dataDir: tmp,
    smtpUrl: smtp.url,
    mailFrom: 'legal@provider.example',
    publicUrl: 'https://candor.provider.example',
  };
  s = createServices({ db: t.db, config, clock });
  app = await buildApp({ config, services: s });
  for (const [k, role] of [
    ['handler', 'handler'],
    ['viewer', 'viewer'],
    ['cleared', 'approver'],
    ['plain', 'approver'],
    ['gone', 'handler'],
    ['quiet', 'handler'],
  ] as const)
    people[k] = await userWithPassword(s, role, `c-${k}@example.com`);
  for (const k of ['handler', 'viewer'] as const)
    tokens[k] = await s.users.issueToken(admin, people[k].email, 'x');
  await s.users.grantRestricted(admin, people.cleared.id, 'docket');
  await s.users.grantRestricted(admin, people.handler.id, 'docket');
  await s.users.disable(admin, people.gone.email);
  await s.reminders.setFor(admin, people.quiet.email, 'off');
});
afterAll(async () => {
  await app?.close();
  await smtp?.close();
  await t?.close();
  rmSync(tmp, { recursive: true, force: true });
});
beforeEach(() => {
  smtp.reset();
  clock.set('2026-03-01T12:00:00Z');
});

const make = async (over: Partial<RequestInput> = {}) =>
  s.requests.create(
    admin,
    requestInput.parse(requestFactory({ received_at: '2026-02-20T10:00:00Z', ...over })),
  );
const api = (who: 'handler' | 'viewer', method: 'GET' | 'POST', url: string, payload?: object) =>
  app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${tokens[who]}` },
    ...(payload ? { payload } : {}),
  });
const counts = async () => {
  const r = await sql<{ c: number; k: number; a: number; o: number }>`
    select (select count(*)::int from request_comments) as c, (select count(*)::int from request_correspondence) as k,
           (select count(*)::int from audit_events) as a, (select count(*)::int from reminder_outbox) as o`.execute(
    t.db,
  );
  return r.rows[0]!;
};
const decoded = (raw: string) =>
  raw
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));

describe('comments through the API', () => {
  it('posts and lists a thread oldest first, with author and time, and each comment is an audit event in words', async () => {
    const r = await make();
    const first = await api('handler', 'POST', `/api/v1/requests/${r.id}/comments`, {
      text: ' Called the AUSA. ',
    });
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toMatchObject({
      comment: { text: 'Called the AUSA.', author: `user:${people.handler.id} (${people.handler.email})` },
      notified: [],
      not_notified: [],
    });
    clock.set('2026-03-01T13:00:00Z');
    await api('handler', 'POST', `/api/v1/requests/${r.id}/comments`, { text: 'Second thought.' });
    const list = await api('viewer', 'GET', `/api/v1/requests/${r.id}/comments`);
    expect(list.statusCode).toBe(200);
    expect(list.json().comments.map((c: { text: string }) => c.text)).toEqual([
      'Called the AUSA.',
      'Second thought.',
    ]);
    expect(list.json().comments[1].created_at).toBe('2026-03-01T13:00:00.000Z');
    const audit = await s.audit.timeline(admin, 'request', r.id);
    expect(audit.filter((e) => e.action === 'comment.post').map((e) => e.after)).toEqual([
      { comment_id: first.json().comment.id, comment: 'Called the AUSA.' },
      { comment_id: expect.any(Number), comment: 'Second thought.' },
    ]);
  });

  it('refuses an empty or overlong comment naming the field, and changes nothing', async () => {
    const r = await make();
    const before = await counts();
    for (const text of ['   ', 'x'.repeat(10_001)]) {
      const res = await api('handler', 'POST', `/api/v1/requests/${r.id}/comments`, { text });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.issues.map((i: { field: string }) => i.field)).toEqual(['text']);
    }
    await expect(s.comments.post(admin, r.id, { text: '' })).rejects.toMatchObject({
      code: 'invalid',
      issues: [{ field: 'text' }],
    });
    expect(await counts()).toEqual(before);
  });

  it('lets a viewer read but not post, and answers a missing request with 404', async () => {
    const r = await make();
    const before = await counts();
    const res = await api('viewer', 'POST', `/api/v1/requests/${r.id}/comments`, { text: 'hello' });
    expect(res.statusCode).toBe(403);
    const corr = await api('viewer', 'POST', `/api/v1/requests/${r.id}/correspondence`, {
      direction: 'sent',
      occurred_at: '2026-03-01T10:00:00Z',
      channel: 'email',
      counterpart: 'x',
      summary: 'y',
    });
    expect(corr.statusCode).toBe(403);
    expect(await counts()).toEqual(before);
    expect((await api('viewer', 'GET', `/api/v1/requests/${r.id}/comments`)).statusCode).toBe(200);
    expect((await api('handler', 'GET', '/api/v1/requests/987654/comments')).statusCode).toBe(404);
  });

  it('cannot be changed or deleted, even in SQL', async () => {
    const r = await make();
    const { comment } = await s.comments.post(admin, r.id, { text: 'on the record' });
    await expect(
      sql`update request_comments set body = 'rewritten' where id = ${comment.id}`.execute(t.db),
    ).rejects.toThrow(/append-only/);
    await expect(sql`delete from request_comments where id = ${comment.id}`.execute(t.db)).rejects.toThrow(
      /append-only/,
    );
  });
});

describe('mentions', () => {
  it('e-mail each mentioned user once, however often the job runs, with the reference and a link but no account', async () => {
    const r = await make();
    const account = r.targets[0]!.identifier;
    const res = await s.comments.post(
      {
        label: `user:${people.handler.id} (${people.handler.email})`,
        userId: people.handler.id,
        role: 'handler',
      },
      r.id,
      {
        text: `@${people.plain.email.toUpperCase()} please look at ${account}; cc @${people.quiet.email} and @${people.plain.email}.`,
      },
    );
    expect(res.notified).toEqual([people.plain.email, people.quiet.email]);
    const rows = await t.db
      .selectFrom('reminder_outbox')
      .selectAll()
      .where('key', 'like', `mention:${res.comment.id}:%`)
      .execute();
    expect(rows.map((x) => x.key).sort()).toEqual(
      [`mention:${res.comment.id}:${people.plain.id}`, `mention:${res.comment.id}:${people.quiet.id}`].sort(),
    );

    await s.reminders.run();
    await s.reminders.run();
    expect(smtp.arrivals.map((a) => a.to).sort()).toEqual([[people.plain.email], [people.quiet.email]]);
    const mail = decoded(smtp.arrivals.find((a) => a.to[0] === people.plain.email)!.raw);
    expect(mail).toContain(`Subject: ${people.handler.email} mentioned you on ${r.external_ref}`);
    expect(mail).toContain(`https://candor.provider.example/requests/${r.id}#comment-${res.comment.id}`);
    expect(mail).not.toContain(account);
    // A user whose reminders are off is still told: a mention is a direct address.
    expect(smtp.arrivals.some((a) => a.to[0] === people.quiet.email)).toBe(true);
    const sent = await t.db
      .selectFrom('reminder_outbox')
      .select('status')
      .where('key', 'like', `mention:${res.comment.id}:%`)
      .execute();
    expect(sent.map((x) => x.status)).toEqual(['sent', 'sent']);
  });

  it('tell the author which mentions were not e-mailed and why: unknown, disabled, themselves', async () => {
    const r = await make();
    const handler = {
      label: `user:${people.handler.id} (${people.handler.email})`,
      userId: people.handler.id,
      role: 'handler' as const,
    };
    const res = await s.comments.post(handler, r.id, {
      text: `@nobody@example.com @${people.gone.email} @${people.handler.email}`,
      mention_user_ids: [people.viewer.id],
    });
    expect(res.notified).toEqual([people.viewer.email]);
    expect(res.not_notified.map((m) => [m.email, m.reason])).toEqual([
      ['nobody@example.com', 'unknown_address'],
      [people.gone.email, 'disabled'],
      [people.handler.email, 'self'],
    ]);
    await s.reminders.run();
    expect(smtp.arrivals.map((a) => a.to[0])).toEqual([people.viewer.email]);
    const list = await s.comments.comments(admin, r.id);
    expect(list.at(-1)!.mentions.map((m) => m.notified)).toEqual([false, false, false, true]);
  });

  it('never e-mail a user who cannot see a restricted request; a grant holder is e-mailed', async () => {
    const r = await make({ restricted: true, process_type: 'search_warrant', data_sought: ['content'] });
    const res = await api('handler', 'POST', `/api/v1/requests/${r.id}/comments`, {
      text: `@${people.plain.email} and @${people.cleared.email}`,
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().notified).toEqual([people.cleared.email]);
    expect(res.json().not_notified).toEqual([
      {
        email: people.plain.email,
        reason: 'cannot_see',
        why: 'the user cannot see this request (a restricted matter)',
      },
    ]);
    await s.reminders.run();
    expect(smtp.arrivals.map((a) => a.to[0])).toEqual([people.cleared.email]);
    const queued = await t.db
      .selectFrom('reminder_outbox')
      .select('user_id')
      .where('request_id', '=', r.id)
      .execute();
    expect(queued.map((q) => Number(q.user_id))).toEqual([people.cleared.id]);
  });
  it('are not sent to a user whose grant was revoked after the comment was posted', async () => {
    const r = await make({ restricted: true, process_type: 'search_warrant', data_sought: ['content'] });
    const res = await api('handler', 'POST', `/api/v1/requests/${r.id}/comments`, {
      text: `@${people.cleared.email} before the revocation`,
    });
    expect(res.json().notified).toEqual([people.cleared.email]);
    await s.users.revokeRestricted(admin, people.cleared.id, 'left the docket');
    try {
      await s.reminders.run();
      expect(smtp.handed()).toBe(0);
      const row = await t.db
        .selectFrom('reminder_outbox')
        .select(['status', 'last_error'])
        .where('key', '=', `mention:${res.json().comment.id}:${people.cleared.id}`)
        .executeTakeFirstOrThrow();
      expect(row).toEqual({ status: 'failed', last_error: 'the user can no longer see the request' });
    } finally {
      await s.users.grantRestricted(admin, people.cleared.id, 'back on the docket');
    }
  });
});

describe('correspondence', () => {
  const entry = (over: object = {}) => ({
    direction: 'received',
    occurred_at: '2026-03-01T09:15:00Z',
    channel: 'letter',
    counterpart: 'SA Jane Roe, FBI Boston',
    summary: 'Served the 2703(d) order by letter.',
    ...over,
  });

  it('logs entries newest first, with a document of the same request, each an audit event', async () => {
    const r = await make();
    const doc = await s.documents.upload(admin, r.id, {
      kind: 'correspondence',
      name: 'letter.txt',
      file: Readable.from([Buffer.from('Dear custodian')]),
    });
    const a = await api(
      'handler',
      'POST',
      `/api/v1/requests/${r.id}/correspondence`,
      entry({ document_id: doc.id }),
    );
    expect(a.statusCode, a.body).toBe(201);
    const b = await api(
      'handler',
      'POST',
      `/api/v1/requests/${r.id}/correspondence`,
      entry({
        direction: 'sent',
        occurred_at: '2026-03-01T11:00:00Z',
        channel: 'in_person',
        summary: 'Met.',
      }),
    );
    expect(b.statusCode).toBe(201);
    const list = (await api('viewer', 'GET', `/api/v1/requests/${r.id}/correspondence`)).json()
      .correspondence;
    expect(list.map((x: { summary: string }) => x.summary)).toEqual([
      'Met.',
      'Served the 2703(d) order by letter.',
    ]);
    expect(list[1]).toMatchObject({ direction: 'received', channel: 'letter', document_id: doc.id });
    const events = (await s.audit.timeline(admin, 'request', r.id)).filter(
      (e) => e.action === 'correspondence.record',
    );
    expect(events.map((e) => (e.after as { summary: string }).summary)).toEqual([
      'Served the 2703(d) order by letter.',
      'Met.',
    ]);
  });

  it('refuses a document of another request or a missing one, a future time and an unknown channel, naming the field and changing nothing', async () => {
    const r = await make();
    const other = await make();
    const theirs = await s.documents.upload(admin, other.id, {
      kind: 'correspondence',
      name: 'theirs.txt',
      file: Readable.from([Buffer.from('x')]),
    });
    const before = await counts();
    const cases: Array<[object, string]> = [
      [entry({ document_id: theirs.id }), 'document_id'],
      [entry({ document_id: 987654 }), 'document_id'],
      [entry({ occurred_at: '2026-03-01T12:30:00Z' }), 'occurred_at'],
      [entry({ channel: 'pigeon' }), 'channel'],
      [entry({ counterpart: '' }), 'counterpart'],
    ];
    for (const [body, field] of cases) {
      const res = await api('handler', 'POST', `/api/v1/requests/${r.id}/correspondence`, body);
      expect(res.statusCode, field).toBe(400);
      expect(
        res.json().error.issues.map((i: { field: string }) => i.field),
        field,
      ).toEqual([field]);
    }
    // Within the clock skew is not the future.
    expect(
      (
        await api(
          'handler',
          'POST',
          `/api/v1/requests/${r.id}/correspondence`,
          entry({ occurred_at: '2026-03-01T12:04:00Z' }),
        )
      ).statusCode,
    ).toBe(201);
    const after = await counts();
    expect(after.k).toBe(before.k + 1);
  });
});

describe('the web forms', () => {
  it('post a comment and log correspondence without JavaScript, and show them on the request page', async () => {
    const r = await make();
    const w = new WebClient(app);
    await w.signIn(people.handler.email);
    const page = await w.get(`/requests/${r.id}`);
    expect(page.body).toContain('id="comments"');
    expect(labelProblems(page.body)).toEqual([]);
    const posted = await w.post(`/requests/${r.id}/comments`, {
      text: `Spoke to the AUSA.\n@nobody@example.com`,
      mention_user_ids: [String(people.plain.id)],
    });
    expect(posted.statusCode).toBe(303);
    expect(posted.headers.location).toMatch(new RegExp(`^/requests/${r.id}\\?comment=\\d+#comment-\\d+$`));
    const after = await w.get(String(posted.headers.location));
    expect(after.body).toContain('Spoke to the AUSA.');
    expect(after.body).toContain('Your comment was posted.');
    expect(after.body).toContain(`E-mailed: ${people.plain.email}`);
    expect(after.body).toContain('nobody@example.com (no user has this address)');
    expect(after.body).toContain('Commented');

    const logged = await w.post(`/requests/${r.id}/correspondence`, {
      direction: 'sent',
      channel: 'fax',
      occurred_at: '2026-03-01T08:30',
      counterpart: 'Clerk, District Court',
      summary: 'Faxed the objection.',
    });
    expect(logged.statusCode).toBe(303);
    const shown = (await w.get(String(logged.headers.location))).body;
    expect(shown).toContain('Faxed the objection.');
    expect(shown).toContain('2026-03-01 08:30 UTC');
    expect(shown).toContain('Logged correspondence with the agency');
  });

  it('show a refused form again with the field named, and record nothing', async () => {
    const r = await make();
    const w = new WebClient(app);
    await w.signIn(people.handler.email);
    await w.get(`/requests/${r.id}`);
    const before = await counts();
    const bad = await w.post(`/requests/${r.id}/comments`, { text: '  ' });
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('id="f-comment-text-error"');
    expect(bad.body).toContain('write the comment');
    const badLog = await w.post(`/requests/${r.id}/correspondence`, {
      direction: 'received',
      channel: 'email',
      occurred_at: '2026-03-09T08:30',
      counterpart: 'SA Roe',
      summary: 'From the future.',
    });
    expect(badLog.statusCode).toBe(422);
    expect(badLog.body).toContain('id="f-correspondence-occurred-at-error"');
    expect(badLog.body).toContain('value="SA Roe"');
    expect(await counts()).toEqual(before);
  });

  it('show a viewer the thread without forms, and refuse a viewer who posts', async () => {
    const r = await make();
    const { comment } = await s.comments.post(admin, r.id, { text: 'Visible to viewers.' });
    const w = new WebClient(app);
    await w.signIn(people.viewer.email);
    // The author's own link after posting says nothing to anyone else.
    const page = await w.get(`/requests/${r.id}?comment=${comment.id}`);
    expect(page.body).not.toContain('Your comment was posted.');
    expect(page.body).toContain('Visible to viewers.');
    expect(page.body).not.toContain('Post comment');
    expect(page.body).not.toContain('Log correspondence');
    expect((await w.post(`/requests/${r.id}/comments`, { text: 'no' })).statusCode).toBe(403);
  });
});
