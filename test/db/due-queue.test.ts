import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemo, KEPT_UP_AHEAD_MS } from '../../src/demo/index.ts';
import { defaultPolicy } from '../../src/domain/policy-config.ts';
import { requestInput, type RequestInput } from '../../src/domain/request-input.ts';
import { buildApp } from '../../src/http/app.ts';
import type { Actor } from '../../src/services/authorize.ts';
import { loadDemo } from '../../src/services/demo.ts';
import type { Services } from '../../src/services/index.ts';
import { actor, servicesFor, testClock, testConfig, testDatabase, type TestDb } from '../helpers/db.ts';
import { requestFactory } from '../helpers/factories.ts';
import { userWithPassword, WebClient } from '../helpers/web.ts';

// The work queue: the due view with filters, order, counts per kind, pages and bulk actions, through the
// service, the web app and the API; and the demo starting as a team that kept up would leave it.

let t: TestDb;
let s: Services;
let app: FastifyInstance;
const clock = testClock('2026-03-02T12:00:00Z');
let dora: Actor;
let eve: Actor;
let doraEmail = '';
const admin = actor('admin');
const ids = { late: 0, soon: 0, gag: 0 };

const create = async (over: Partial<RequestInput>) =>
  (await s.requests.create(admin, requestInput.parse(requestFactory(over)))).id;

beforeAll(async () => {
  t = await testDatabase();
  s = servicesFor(t, clock);
  app = await buildApp({ config: testConfig, services: s });
  const d = await userWithPassword(s, 'handler', 'dora@example.com');
  const e = await userWithPassword(s, 'handler', 'eve@example.com');
  doraEmail = d.email;
  dora = { label: `user:${d.id}`, userId: d.id, role: 'handler' };
  eve = { label: `user:${e.id}`, userId: e.id, role: 'handler' };
  // A subpoena overdue since last week, a warrant due in days, and an order whose yearly review is due.
  ids.late = await create({
    process_type: 'subpoena',
    received_at: '2026-01-20T09:00:00Z',
    agency: { name: 'Ohio State Highway Patrol', kind: 'law_enforcement', level: 'state', country: 'US' },
  });
  ids.soon = await create({ process_type: 'search_warrant', received_at: '2026-03-01T09:00:00Z' });
  ids.gag = await create({
    process_type: 'court_order_2703d',
    received_at: '2025-01-10T09:00:00Z',
    ndo: { authority: 'sca_2705b', expires_at: null },
  });
  await s.workflow.assign(admin, ids.soon, { userId: dora.userId! });
});
afterAll(async () => {
  await app?.close();
  await t?.close();
});

describe('the work queue', () => {
  it('puts the soonest first, counts every kind, and narrows by each filter', async () => {
    const all = await s.due.queue(dora, {});
    expect(all.items.map((i) => i.due_at)).toEqual([...all.items.map((i) => i.due_at)].sort());
    expect(all.items[0]?.request_id).toBe(ids.gag);
    expect(all.counts.response_deadline).toBe(3);
    expect(all.counts.gag_review).toBe(1);
    expect(all.total).toBe(Object.values(all.counts).reduce((a, b) => a + b, 0));

    const latest = await s.due.queue(dora, { sort: 'latest' });
    expect(latest.items.map((i) => i.due_at)).toEqual([...all.items.map((i) => i.due_at)].reverse());

    const ofIds = (p: { items: Array<{ request_id: number }> }) => [
      ...new Set(p.items.map((i) => i.request_id)),
    ];
    expect(ofIds(await s.due.queue(dora, { mine: true }))).toEqual([ids.soon]);
    expect(ofIds(await s.due.queue(eve, { mine: true }))).toEqual([]);
    expect(ofIds(await s.due.queue(eve, { assignee: dora.userId! }))).toEqual([ids.soon]);
    expect(ofIds(await s.due.queue(dora, { assignee: null })).sort()).toEqual([ids.late, ids.gag].sort());
    expect(ofIds(await s.due.queue(dora, { agency: 'highway' }))).toEqual([ids.late]);
    expect(ofIds(await s.due.queue(dora, { processTypes: ['search_warrant'] }))).toEqual([ids.soon]);
    const overdue = await s.due.queue(dora, { overdue: true });
    expect(overdue.items.every((i) => i.overdue)).toBe(true);
    expect(overdue.total).toBe(all.overdue);
    // The kind filter narrows the items; the counts per kind stay those of the other filters.
    const reviews = await s.due.queue(dora, { kinds: ['gag_review'] });
    expect(reviews.items.map((i) => i.kind)).toEqual(['gag_review']);
    expect(reviews.counts).toEqual(all.counts);
    // Pages: the second page goes on where the first stopped.
    const p1 = await s.due.queue(dora, { limit: 2 });
    const p2 = await s.due.queue(dora, { limit: 2, offset: 2 });
    expect([...p1.items, ...p2.items]).toEqual(all.items.slice(0, 4));
    // "Mine" needs a named user.
    await expect(s.due.queue(actor('handler'), { mine: true })).rejects.toMatchObject({ code: 'invalid' });
  });

  it('assigns and marks reviewed in bulk: refusals listed, the others done, each in the audit log', async () => {
    const events = async () =>
      Number(
        (await sql<{ n: number }>`select count(*)::int as n from audit_events`.execute(t.db)).rows[0]?.n,
      );
    const before = await events();
    const r = await s.bulk.apply(dora, {
      action: 'assign',
      requestIds: [ids.late, 999_999, ids.gag],
      userId: eve.userId!,
    });
    expect(r.done).toEqual([ids.late, ids.gag]);
    expect(r.refused).toEqual([expect.objectContaining({ request_id: 999_999, code: 'not_found' })]);
    expect(await events()).toBe(before + 2);
    expect((await s.due.queue(eve, { mine: true })).total).toBeGreaterThan(0);

    const reviewed = await s.bulk.apply(dora, { action: 'mark_reviewed', requestIds: [ids.gag, ids.soon] });
    expect(reviewed.done).toEqual([ids.gag]);
    expect(reviewed.refused).toEqual([
      expect.objectContaining({ request_id: ids.soon, code: 'invalid_state' }),
    ]);
    expect((await s.due.queue(dora, { kinds: ['gag_review'], withinDays: 30 })).total).toBe(0);
    const timeline = await s.audit.timeline(admin, 'request', ids.gag);
    expect(timeline.map((e) => e.action)).toContain('ndo.review');
    // A viewer may do neither: refused as a whole, nothing written.
    await expect(
      s.bulk.apply(actor('viewer'), { action: 'assign', requestIds: [ids.late], userId: eve.userId! }),
    ).rejects.toMatchObject({ code: 'forbidden' });
  });
});

describe('the work queue in the web app', () => {
  it('lands a handler on her own work, with filters, counts per kind and linked pages', async () => {
    const web = new WebClient(app);
    await web.signIn(doraEmail);
    const home = await web.get('/');
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain('assigned to you within 7 days');
    const month = await web.get('/?within=30');
    expect(month.body).toContain('assigned to you within 30 days');
    expect(month.body).toContain(`href="/requests/${ids.soon}"`);
    expect(month.body).not.toContain(`href="/requests/${ids.late}"`);
    expect(home.body).toMatch(/aria-label="Counts per kind"/);
    // Everyone's work, any time, one kind.
    const all = await web.get('/?mine=0&within=all');
    expect(all.body).toContain('everyone&#39;s');
    expect(all.body).toContain(`href="/requests/${ids.late}"`);
    const reviews = await web.get('/?mine=0&within=all&kind=gag_review');
    expect(reviews.body).not.toContain(`href="/requests/${ids.soon}"`);
    // The filter form's "whose" select becomes the query parameters.
    const who = await web.get('/?who=unassigned&within=all');
    expect(who.statusCode).toBe(303);
    expect(who.headers.location).toContain('unassigned=1');
    // A bad filter names the field.
    const bad = await web.get('/?kind=nonsense');
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('kind');
  });

  it('pages with links, not "and N more"', async () => {
    for (let i = 0; i < 30; i++)
      await create({ process_type: 'subpoena', received_at: '2026-03-02T08:00:00Z' });
    const web = new WebClient(app);
    await web.signIn(doraEmail);
    const p1 = await web.get('/?mine=0&within=all');
    expect(p1.body).toMatch(/Page 1 of 2/);
    const next = /href="([^"]*page=2[^"]*)" rel="next"/.exec(p1.body)?.[1]?.replaceAll('&amp;', '&');
    expect(next).toBeDefined();
    const p2 = await web.get(next!);
    expect(p2.body).toMatch(/Page 2 of 2/);
    expect(p2.body).toContain('rel="prev"');
  });

  it('does bulk actions only with the CSRF token, and lists what was refused', async () => {
    const web = new WebClient(app);
    await web.signIn(doraEmail);
    await web.get('/?mine=0&within=all');
    const fields = {
      action: 'assign',
      user_id: String(dora.userId),
      request_id: [String(ids.late), '999999'],
    };
    const forged = await web.post('/due/bulk', { ...fields, _csrf: 'forged' });
    expect(forged.statusCode).toBe(403);
    const res = await web.post('/due/bulk', fields);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('1 request assigned');
    expect(res.body).toContain('request 999999 does not exist');
    expect((await s.requests.get(admin, ids.late)).assigned_to).toBe(dora.userId);
  });
});

describe('the work queue in the API', () => {
  it('takes the same filters and links the next page', async () => {
    const { token } = await s.users.issueToken(admin, doraEmail, 'queue').then((tk) => ({ token: tk }));
    const get = async (url: string) => {
      const res = await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
      return { status: res.statusCode, body: res.json() };
    };
    const mine = await get('/api/v1/due?mine=true');
    expect(mine.status).toBe(200);
    expect(mine.body.items.every((i: { assigned_to: number }) => i.assigned_to === dora.userId)).toBe(true);
    const page = await get('/api/v1/due?limit=3&kind=response_deadline');
    expect(page.body.items).toHaveLength(3);
    expect(page.body.next).toContain('offset=3');
    const second = await get(page.body.next);
    expect(second.body.offset).toBe(3);
    expect(second.body.items[0]).not.toEqual(page.body.items[0]);
    const bad = await get('/api/v1/due?unassigned=true&mine=true');
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('unassigned');
  });
});

describe('the demo', () => {
  it('starts as a team that kept up would leave it: nothing overdue, nothing falling due in its first hours', async () => {
    const d = await testDatabase();
    try {
      const now = new Date('2016-05-20T10:00:00Z');
      const demo = generateDemo({ until: '2016-H1', now, keptUp: defaultPolicy });
      await d.db
        .transaction()
        .execute((trx) => loadDemo(trx, demo, { seed: 2015, actor: 'test', now, policy: defaultPolicy }));
      const ds = servicesFor(d, testClock(now.toISOString()));
      const viewer = actor('viewer');
      const q = await ds.due.queue(viewer, { limit: 1000 });
      expect(q.overdue).toBe(0);
      expect(q.total).toBeGreaterThan(0);
      const soonest = new Date(q.items[0]!.due_at).getTime();
      expect(soonest).toBeGreaterThanOrEqual(now.getTime() + KEPT_UP_AHEAD_MS);
      // The background jobs find nothing to do: the counts do not move by themselves.
      expect(await ds.workflow.releaseExpiredNotices(now)).toEqual([]);
      expect(await ds.workflow.releaseExpiredHolds(now)).toEqual([]);
      const later = await ds.due.queue(viewer, { limit: 1000, now: new Date(now.getTime() + 30 * 60_000) });
      expect(later.total).toBe(q.total);
      expect(later.overdue).toBe(0);
    } finally {
      await d.close();
    }
  });
});
