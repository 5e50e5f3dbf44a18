import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestInput } from '../../src/domain/request-input.ts';
import { buildApp } from '../../src/http/app.ts';
import type { Services } from '../../src/services/index.ts';
import { actor, servicesFor, testClock, testConfig, testDatabase, type TestDb } from '../helpers/db.ts';
import { requestFactory } from '../helpers/factories.ts';
import { labelProblems, userWithPassword, WebClient } from '../helpers/web.ts';

let t: TestDb;
let s: Services;
let app: FastifyInstance;
let handler: WebClient;
let viewer: WebClient;
let approver: WebClient;
let handlerId = 0;

beforeAll(async () => {
  t = await testDatabase();
  s = servicesFor(t, testClock('2026-02-01T10:00:00Z'));
  app = await buildApp({ config: testConfig, services: s });
  handlerId = (await userWithPassword(s, 'handler', 'act-handler@example.com')).id;
  await userWithPassword(s, 'viewer', 'act-viewer@example.com');
  await userWithPassword(s, 'approver', 'act-approver@example.com');
  handler = new WebClient(app);
  await handler.signIn('act-handler@example.com');
  viewer = new WebClient(app);
  await viewer.signIn('act-viewer@example.com');
  approver = new WebClient(app);
  await approver.signIn('act-approver@example.com');
});
afterAll(async () => {
  await app?.close();
  await t?.close();
});

async function newRequest(over: Parameters<typeof requestFactory>[0] = {}) {
  return s.requests.create(actor('admin'), requestInput.parse(requestFactory(over)));
}
const version = async (id: number) => String((await s.requests.get(actor('admin'), id)).version);

/** Loads the request page (for a fresh CSRF token and version), then posts one of its forms. */
async function post(web: WebClient, id: number, path: string, fields: Record<string, string | string[]>) {
  await web.get(`/requests/${id}`);
  return web.post(`/requests/${id}/${path}`, { version: await version(id), ...fields });
}

describe('request detail actions', () => {
  it('shows a handler the actions allowed for the status, and a viewer none', async () => {
    const { id } = await newRequest();
    const page = (await handler.get(`/requests/${id}`)).body;
    expect(page).toContain(`action="/requests/${id}/assign"`);
    expect(page).toContain(`action="/requests/${id}/transition"`);
    // A received request cannot be answered yet: no response form until it is in review.
    expect(page).not.toContain(`action="/requests/${id}/response"`);
    expect(page).toContain('act-handler@example.com (handler)');
    expect(page).not.toContain('act-viewer@example.com (viewer)');
    const seen = (await viewer.get(`/requests/${id}`)).body;
    expect(seen).not.toContain('id="actions"');
    expect(seen).not.toContain(`/requests/${id}/assign`);
  });

  it('gives every field of every action form its own id, and each label points at a field of its own form', async () => {
    // Many forms at once: in review, an emergency (verification and approval), two orders to lift (two
    // forms with the same field), a hold to extend or release, the notice status.
    const { id } = await newRequest({ process_type: 'preservation_request', emergency: true });
    await post(handler, id, 'transition', { to: 'in_review' });
    for (const authority of ['sca_2705b', 'foreign'])
      expect((await post(handler, id, 'ndos', { authority })).headers.location).toContain('done=ndo_added');
    expect((await post(handler, id, 'holds', {})).headers.location).toContain('done=hold_added');
    // An approver sees every form a handler sees, and the approval besides.
    const page = (await approver.get(`/requests/${id}`)).body;
    for (const form of ['respond', 'verify', 'approve', 'ndo', 'hold', 'notice', 'transition'])
      expect(page, form).toContain(`id="act-${form}"`);
    expect(page.match(/id="act-lift-\d+"/g)).toHaveLength(2);
    expect([...page.matchAll(/<label\b[^>]*\sfor=/g)].length).toBeGreaterThan(20);
    expect(labelProblems(page)).toEqual([]);
  });

  it('shows the history in words: action, field names and values, never raw keys or codes', async () => {
    const { id } = await newRequest();
    await post(handler, id, 'assign', { user_id: String(handlerId) });
    await post(handler, id, 'transition', { to: 'in_review', reason: '<b>papers</b> arrived' });
    await post(handler, id, 'holds', {});
    await post(handler, id, 'ndos', { authority: 'sca_2705b', expires_at: '2027-01-01' });
    await post(handler, id, 'response', { outcome: 'non_content_produced', produced: 'basic_subscriber' });
    await post(handler, id, 'notice', { status: 'not_possible', reason: 'no contact known' });
    const page = (await handler.get(`/requests/${id}`)).body;
    const history = /id="history"[\s\S]*?<\/section>/.exec(page)![0];
    for (const what of [
      'Recorded the request',
      'Assigned a handler',
      'Changed the status',
      'Started a preservation hold',
      'Recorded a non-disclosure order',
      'Recorded the response',
      'Recorded the notice status',
    ])
      expect(history).toContain(what);
    expect(history).toContain('<dt>Status</dt><dd><span class="was">Received</span> → In review</dd>');
    expect(history).toContain('<dt>Reason</dt><dd>&lt;b&gt;papers&lt;/b&gt; arrived</dd>');
    expect(history).toContain('<dt>Outcome</dt><dd>Non-content produced</dd>');
    expect(history).toContain('<dt>Status</dt><dd><span class="was">In review</span> → Responded</dd>');
    expect(history).toContain('<dt>Authority</dt><dd>18 U.S.C. 2705(b) order</dd>');
    expect(history).toContain('<dt>Expires</dt><dd>2027-01-01 00:00 UTC</dd>');
    expect(history).toMatch(
      /<dt>Customer notice<\/dt><dd><span class="was">[^<]+<\/span> → Not possible<\/dd>/,
    );
    expect(history).toContain('act-handler@example.com');
    // No column name or JSON key, no code word: only words.
    expect(history).not.toMatch(/\b[a-z]+_[a-z_]+\b/);
    expect(history).not.toContain('>user:');
  });

  it('assigns, moves to review and records the response, each redirecting back with a flash message', async () => {
    const { id } = await newRequest();
    let res = await post(handler, id, 'assign', { user_id: String(handlerId) });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/requests/${id}?done=assigned`);
    expect((await handler.get(res.headers.location as string)).body).toContain('The handler was assigned.');
    res = await post(handler, id, 'transition', { to: 'in_review' });
    expect(res.headers.location).toBe(`/requests/${id}?done=moved`);
    const page = (await handler.get(`/requests/${id}`)).body;
    expect(page).toContain(`action="/requests/${id}/response"`);
    res = await post(handler, id, 'response', {
      outcome: 'non_content_produced',
      produced: ['basic_subscriber'],
      'account.0': (await s.requests.get(actor('admin'), id)).targets[0]!.account!,
      'result.0': 'produced',
    });
    expect(res.statusCode).toBe(303);
    const r = await s.requests.get(actor('admin'), id);
    expect(r.status).toBe('responded');
    expect(r.outcome).toBe('non_content_produced');
    expect(r.assigned_to).toBe(handlerId);
    expect(r.targets[0]!.result).toBe('produced');
  });

  it('refuses a stale form with "changed by someone else" and changes nothing', async () => {
    const { id } = await newRequest();
    await handler.get(`/requests/${id}`);
    const stale = await version(id);
    await s.workflow.transition(actor('admin'), id, { to: 'in_review' });
    const res = await handler.post(`/requests/${id}/assign`, { version: stale, user_id: String(handlerId) });
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain('changed by someone else');
    expect((await s.requests.get(actor('admin'), id)).assigned_to).toBeNull();
  });

  it('parses the response form through the action schema: a value off its lists is shown beside its field', async () => {
    const { id } = await newRequest();
    await s.workflow.transition(actor('admin'), id, { to: 'in_review' });
    const before = await s.requests.get(actor('admin'), id);
    const res = await post(handler, id, 'response', {
      outcome: 'non_content_produced',
      produced: ['basic_subscriber', 'gossip'],
      'account.0': before.targets[0]!.account!,
      'result.0': 'vaporised',
    });
    expect(res.statusCode).toBe(422);
    expect(res.body).toMatch(/<fieldset class="field wide has-error"><legend>Result per account<\/legend>/);
    expect(res.body).toMatch(
      /<fieldset class="field checks has-error">(?:(?!<\/fieldset>)[^])*name="produced"/,
    );
    expect((await s.requests.get(actor('admin'), id)).version).toBe(before.version);
  });

  it('shows a refused response beside its fields, with the input kept and the override guidance', async () => {
    const { id } = await newRequest({ data_sought: ['basic_subscriber', 'content'] });
    await s.workflow.transition(actor('admin'), id, { to: 'in_review' });
    const page = (await handler.get(`/requests/${id}`)).body;
    expect(page).toContain('name="override_reason"');
    const res = await post(handler, id, 'response', { outcome: 'content_produced', produced: ['content'] });
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain('beyond what the process may compel');
    expect(res.body).toContain('<p class="error">sca_tier: content is beyond the tier: ');
    expect(res.body).toMatch(/value="content" checked/);
    // A handler may not override: refused beside the form, the typed reason kept (and escaped).
    const mine = await post(handler, id, 'response', {
      outcome: 'content_produced',
      produced: ['content'],
      override_reason: 'typed <b>by me</b>',
    });
    expect(mine.statusCode).toBe(403);
    expect(mine.body).toContain('only an approver may');
    expect(mine.body).toContain('typed &lt;b&gt;by me&lt;/b&gt;');
    expect((await s.requests.get(actor('admin'), id)).status).toBe('in_review');
  });

  it('lets an approver override with a written reason when someone else handles the request', async () => {
    const { id } = await newRequest({ data_sought: ['content'] });
    await s.workflow.assign(actor('admin'), id, { userId: handlerId });
    await s.workflow.transition(actor('admin'), id, { to: 'in_review' });
    const res = await post(approver, id, 'response', {
      outcome: 'content_produced',
      produced: ['content'],
      override_reason: 'the customer consented in writing to this production',
    });
    expect(res.statusCode).toBe(303);
    expect((await s.requests.get(actor('admin'), id)).workflow.production_overrides).toHaveLength(1);
  });

  it('reopening needs a reason: the error is shown and the status stays', async () => {
    const { id } = await newRequest();
    await s.workflow.transition(actor('admin'), id, { to: 'in_review' });
    await s.workflow.respond(actor('admin'), id, { outcome: 'no_data', produced: [], accounts: [] });
    const res = await post(handler, id, 'transition', { to: 'in_review' });
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain('needs a reason');
    expect((await s.requests.get(actor('admin'), id)).status).toBe('responded');
    expect(
      (await post(handler, id, 'transition', { to: 'in_review', reason: 'agency sent more' })).statusCode,
    ).toBe(303);
  });

  it('adds a hold (offering extend and release) and releases it, and adds and lifts an order holding the notice', async () => {
    const { id } = await newRequest();
    expect((await post(handler, id, 'holds', {})).headers.location).toContain('done=hold_added');
    const holdId = (await s.requests.get(actor('admin'), id)).workflow.holds[0]!.id;
    const page = (await handler.get(`/requests/${id}`)).body;
    expect(page).toContain(`/requests/${id}/holds/${holdId}/extend`);
    expect((await post(handler, id, `holds/${holdId}/release`, { reason: 'withdrawn' })).statusCode).toBe(
      303,
    );
    expect((await s.requests.get(actor('admin'), id)).workflow.holds[0]!.released_at).not.toBeNull();

    const ndo = await post(handler, id, 'ndos', { authority: 'sca_2705b', expires_at: '2027-01-01' });
    expect(ndo.headers.location).toContain('done=ndo_added');
    const r = await s.requests.get(actor('admin'), id);
    expect(r.notice_status).toBe('prohibited_by_order');
    const lift = await post(handler, id, `ndos/${r.nondisclosure_orders[0]!.id}/lift`, {});
    expect(lift.headers.location).toContain('done=ndo_lifted');
    expect((await s.requests.get(actor('admin'), id)).nondisclosure_orders[0]!.lifted_at).not.toBeNull();
  });

  it('records the notice status with a reason, and refuses one without', async () => {
    const { id } = await newRequest();
    const bad = await post(handler, id, 'notice', { status: 'not_possible', reason: '' });
    expect(bad.statusCode).toBe(422);
    const ok = await post(handler, id, 'notice', { status: 'not_possible', reason: 'no contact on file' });
    expect(ok.headers.location).toContain('done=notice_recorded');
    expect((await s.requests.get(actor('admin'), id)).notice_status).toBe('not_possible');
  });

  it('shows what the notice queued and sent, and offers the queue only while something is left to queue', async () => {
    const { id } = await newRequest({ accounts: ['WN-A', 'WN-B'] });
    await s.notices.setContact(actor('admin'), 'WN-A', { email: 'wn-a@example.com', language: 'en' });
    await s.workflow.transition(actor('admin'), id, { to: 'in_review' });
    await s.workflow.respond(actor('admin'), id, {
      outcome: 'non_content_produced',
      produced: ['basic_subscriber'],
      accounts: [],
    });
    const queueForm = `action="/requests/${id}/notice/queue"`;
    const section = async (web = handler) => {
      const page = (await web.get(`/requests/${id}`)).body;
      return /id="notice-send"[\s\S]*?<\/div>(?=<\/section>)/.exec(page)?.[0] ?? '';
    };
    let notice = await section();
    expect(notice).toContain(queueForm);
    expect(notice).toContain('Queue the customer notice for 1 account');
    expect(notice).toContain('No contact on file for: WN-B.');

    expect((await post(handler, id, 'notice/queue', {})).headers.location).toContain('done=notice_queued');
    notice = await section();
    expect(notice).not.toContain(queueForm);
    expect(notice).toContain('1 notice: 1 queued.');
    expect(notice).toMatch(/WN-A<\/td><td data-label="To">wn-a@example.com<\/td>/);
    expect(notice).toContain('<span class="tag outbox-queued">Queued</span>');
    expect(notice).toContain('2026-02-01 10:00 UTC');
    expect(notice).toContain('Nothing left to queue');
    expect((await handler.get(`/requests/${id}/notice`)).body).not.toContain(queueForm);

    // Sent: still nothing to queue, and the page says when it went.
    await t.db
      .updateTable('notice_outbox')
      .set({ status: 'sent', sent_at: new Date('2026-02-01T10:05:00Z'), claimed_by: 'W', attempts: 1 })
      .where('request_id', '=', id)
      .execute();
    notice = await section();
    expect(notice).not.toContain(queueForm);
    expect(notice).toContain('<span class="tag outbox-sent">Sent</span>');
    expect(notice).toContain('2026-02-01 10:05 UTC');

    // A contact for the other account: the queue is offered for that one only.
    await s.notices.setContact(actor('admin'), 'WN-B', { email: 'wn-b@example.com', language: 'en' });
    notice = await section();
    expect(notice).toContain('Queue the customer notice for 1 account');
    expect((await post(handler, id, 'notice/queue', {})).headers.location).toContain('done=notice_queued');
    expect(await section()).not.toContain(queueForm);

    // A notice that failed for good is offered again, and queued again on the same row.
    await t.db
      .updateTable('notice_outbox')
      .set({ status: 'failed', last_error: '550 mailbox unavailable', attempts: 5 })
      .where('account_ref', '=', 'WN-B')
      .execute();
    notice = await section();
    expect(notice).toContain('<span class="tag outbox-failed">Failed</span> (5 attempts)');
    expect(notice).toContain('550 mailbox unavailable');
    expect(notice).toContain('Cancelled or failed, to be queued again: WN-B.');
    expect(notice).toContain(queueForm);
    expect((await post(handler, id, 'notice/queue', {})).headers.location).toContain('done=notice_queued');
    notice = await section();
    expect(notice).toContain('2 notices: 1 sent, 1 queued.');
    expect(notice).not.toContain(queueForm);
    // A viewer sees no notice section at all.
    expect(await section(viewer)).toBe('');
  });

  it('previews the customer notice and queues it from the preview', async () => {
    const { id } = await newRequest();
    const account = (await s.requests.get(actor('admin'), id)).targets[0]!.account!;
    await s.notices.setContact(actor('admin'), account, {
      email: 'customer@example.com',
      name: 'Pat',
      language: 'en',
    });
    await s.workflow.transition(actor('admin'), id, { to: 'in_review' });
    await s.workflow.respond(actor('admin'), id, {
      outcome: 'non_content_produced',
      produced: ['basic_subscriber'],
      accounts: [],
    });
    const preview = await handler.get(`/requests/${id}/notice`);
    expect(preview.statusCode).toBe(200);
    expect(preview.body).toContain('customer@example.com');
    const res = await handler.post(`/requests/${id}/notice/queue`, { version: await version(id) });
    expect(res.headers.location).toBe(`/requests/${id}?done=notice_queued`);
    expect((await s.notices.preview(actor('admin'), id)).outbox).toHaveLength(1);
    expect((await viewer.get(`/requests/${id}/notice`)).statusCode).toBe(403);
  });
});
