import type { FastifyInstance } from 'fastify';
import { CompiledQuery, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestInput } from '../../src/domain/request-input.ts';
import { buildApp } from '../../src/http/app.ts';
import { prefixEnd, searchContactsQuery } from '../../src/repositories/contacts-repository.ts';
import type { Services } from '../../src/services/index.ts';
import { actor, servicesFor, testClock, testConfig, testDatabase, type TestDb } from '../helpers/db.ts';
import { requestFactory } from '../helpers/factories.ts';
import { labelProblems, userWithPassword, WebClient } from '../helpers/web.ts';

let t: TestDb;
let s: Services;
let app: FastifyInstance;
let handler: WebClient;
let viewer: WebClient;
let publisher: WebClient;
const clock = testClock('2026-02-01T10:00:00Z');

beforeAll(async () => {
  t = await testDatabase();
  s = servicesFor(t, clock);
  app = await buildApp({ config: testConfig, services: s });
  await userWithPassword(s, 'handler', 'ct-handler@example.com');
  await userWithPassword(s, 'viewer', 'ct-viewer@example.com');
  await userWithPassword(s, 'publisher', 'ct-publisher@example.com');
  handler = new WebClient(app);
  await handler.signIn('ct-handler@example.com');
  viewer = new WebClient(app);
  await viewer.signIn('ct-viewer@example.com');
  publisher = new WebClient(app);
  await publisher.signIn('ct-publisher@example.com');
});
afterAll(async () => {
  await app?.close();
  await t?.close();
});

/** A request naming these accounts, answered with a disclosure: a notice is owed now. */
async function answered(accounts: string[]) {
  const { id } = await s.requests.create(actor('admin'), requestInput.parse(requestFactory({ accounts })));
  await s.workflow.transition(actor('admin'), id, { to: 'in_review' });
  await s.workflow.respond(actor('admin'), id, {
    outcome: 'non_content_produced',
    produced: ['basic_subscriber'],
    accounts: [],
  });
  return id;
}
const version = async (id: number) => String((await s.requests.get(actor('admin'), id)).version);
const contactOf = async (account: string) => (await s.notices.contacts(actor('admin'), [account]))[0];
const contactEvents = async (account: string) =>
  (await s.audit.timeline(actor('admin'), 'contact', account)).map((e) => [e.action, e.actor]);

/** The notice section of the request page. */
async function noticeSection(web: WebClient, id: number): Promise<string> {
  const page = (await web.get(`/requests/${id}`)).body;
  return /id="notice-send"[\s\S]*?<\/div>(?=<\/section>)/.exec(page)?.[0] ?? '';
}

/** Loads the page (fresh CSRF token), then posts its contact form. */
async function postContact(web: WebClient, id: number, fields: Record<string, string>, from = '') {
  await web.get(`/requests/${id}${from}`);
  return web.post(`/requests/${id}/contact`, { version: await version(id), ...fields });
}

describe('a contact from the request page', () => {
  it('sets the contact of an account without one, and the queue action appears', async () => {
    const id = await answered(['CT-A1']);
    const queueForm = `action="/requests/${id}/notice/queue"`;
    let notice = await noticeSection(handler, id);
    expect(notice).toContain('No contact on file for: CT-A1.');
    expect(notice).toContain(`action="/requests/${id}/contact"`);
    expect(notice).toContain('Add a contact for <span class="mono">CT-A1</span>');
    expect(notice).toContain('id="f-contact-0-email"');
    expect(notice).not.toContain(queueForm);

    const res = await postContact(handler, id, {
      account_ref: 'CT-A1',
      email: 'owner@customer.example',
      name: 'Ana Lima',
      language: 'pt-BR',
    });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/requests/${id}?done=contact_set#notice-send`);
    expect((await handler.get(`/requests/${id}?done=contact_set`)).body).toContain('The contact was saved.');
    expect(await contactOf('CT-A1')).toMatchObject({
      email: 'owner@customer.example',
      name: 'Ana Lima',
      language: 'pt-BR',
    });
    expect(await contactEvents('CT-A1')).toEqual([['contact.set', expect.stringContaining('ct-handler@')]]);

    notice = await noticeSection(handler, id);
    expect(notice).not.toContain('No contact on file');
    expect(notice).not.toContain(`action="/requests/${id}/contact"`);
    expect(notice).toContain(queueForm);
    expect(notice).toContain('Queue the customer notice for 1 account');
  });

  it('sets it from the notice preview and comes back there, with the queue button', async () => {
    const id = await answered(['CT-P1']);
    const before = (await handler.get(`/requests/${id}/notice`)).body;
    expect(before).toContain('No contact on file for: CT-P1.');
    expect(before).toContain('name="back" value="notice"');
    expect(before).not.toContain(`action="/requests/${id}/notice/queue"`);
    expect(labelProblems(before)).toEqual([]);
    const res = await postContact(
      handler,
      id,
      { account_ref: 'CT-P1', email: 'p1@customer.example', back: 'notice' },
      '/notice',
    );
    expect(res.headers.location).toBe(`/requests/${id}/notice?done=contact_set`);
    const after = (await handler.get(res.headers.location as string)).body;
    expect(after).toContain('The contact was saved.');
    expect(after).toContain('p1@customer.example');
    expect(after).toContain(`action="/requests/${id}/notice/queue"`);
    expect(after).toContain('Queue 1 notice');
    expect((await contactOf('CT-P1'))?.language).toBe('en');
  });

  it('gives each account without a contact its own form, with ids of its own', async () => {
    const id = await answered(['CT-M1', 'CT-M2', 'CT-M3']);
    await s.notices.setContact(actor('admin'), 'CT-M2', { email: 'm2@customer.example' });
    const page = (await handler.get(`/requests/${id}`)).body;
    expect(page).toContain('id="act-contact-0"');
    expect(page).toContain('id="act-contact-1"');
    expect(page).not.toContain('id="act-contact-2"');
    expect(page).toContain('name="account_ref" value="CT-M1"');
    expect(page).toContain('name="account_ref" value="CT-M3"');
    expect(page).not.toContain('name="account_ref" value="CT-M2"');
    expect(labelProblems(page)).toEqual([]);
    // Each account in the targets table leads to its contact.
    for (const a of ['CT-M1', 'CT-M2', 'CT-M3'])
      expect(page).toContain(`<a href="/contacts/view?account=${a}">${a}</a>`);
  });

  it('is refused for a role without contact.manage, and changes nothing', async () => {
    const id = await answered(['CT-R1']);
    for (const web of [viewer, publisher]) {
      const res = await postContact(web, id, { account_ref: 'CT-R1', email: 'r1@customer.example' });
      expect(res.statusCode).toBe(403);
      expect(res.body).toContain('Not allowed');
      // Nor is the form offered to them.
      expect((await web.get(`/requests/${id}`)).body).not.toContain(`/requests/${id}/contact`);
    }
    expect(await contactOf('CT-R1')).toBeUndefined();
    expect(await contactEvents('CT-R1')).toEqual([]);
  });

  it('shows a bad e-mail beside the field with the input kept, and changes nothing', async () => {
    const id = await answered(['CT-B1', 'CT-B2']);
    const res = await postContact(handler, id, {
      account_ref: 'CT-B2',
      email: 'not-an-email',
      name: 'Typed <b>name</b>',
      language: 'de',
    });
    expect(res.statusCode).toBe(422);
    const form =
      /<details class="action" id="act-contact-1" open[\s\S]*?<\/details>/.exec(res.body)?.[0] ?? '';
    expect(form).toContain(
      '<p class="error" id="f-contact-1-email-error">expected an email address such as ana@example.com</p>',
    );
    expect(form).toMatch(/id="f-contact-1-email"[^>]*value="not-an-email"/);
    expect(form).toContain('value="Typed &lt;b&gt;name&lt;/b&gt;"');
    expect(form).toMatch(/id="f-contact-1-language"[^>]*value="de"/);
    // The other account's form stays closed and empty.
    expect(res.body).toMatch(/<details class="action" id="act-contact-0">/);
    expect(labelProblems(res.body)).toEqual([]);
    expect(await contactOf('CT-B2')).toBeUndefined();
    expect(await contactEvents('CT-B2')).toEqual([]);
    // A bad language too, beside its own field.
    const lang = await postContact(handler, id, {
      account_ref: 'CT-B1',
      email: 'b1@customer.example',
      language: 'English',
    });
    expect(lang.statusCode).toBe(422);
    expect(lang.body).toContain('id="f-contact-0-language-error"');
    expect(await contactOf('CT-B1')).toBeUndefined();
  });

  it('refuses a stale form, a contact someone set meanwhile, and an account the request does not name', async () => {
    const id = await answered(['CT-S1']);
    await handler.get(`/requests/${id}`);
    const stale = await version(id);
    await s.workflow.recordNotice(actor('admin'), id, { status: 'pending', reason: 'checking' });
    let res = await handler.post(`/requests/${id}/contact`, {
      version: stale,
      account_ref: 'CT-S1',
      email: 's1@customer.example',
    });
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain('changed by someone else');
    expect(await contactOf('CT-S1')).toBeUndefined();

    // Someone set it while the form was open: it is not overwritten.
    await handler.get(`/requests/${id}`);
    const current = await version(id);
    await s.notices.setContact(actor('admin'), 'CT-S1', { email: 'first@customer.example' });
    res = await handler.post(`/requests/${id}/contact`, {
      version: current,
      account_ref: 'CT-S1',
      email: 'second@customer.example',
    });
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain('the contact of CT-S1 was set by someone else meanwhile');
    expect((await contactOf('CT-S1'))?.email).toBe('first@customer.example');

    res = await postContact(handler, id, { account_ref: 'CT-ELSEWHERE', email: 'x@customer.example' });
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain('CT-ELSEWHERE is not an account this request names.');
    expect(await contactOf('CT-ELSEWHERE')).toBeUndefined();
  });
});

describe('the contacts page', () => {
  it('imports a pasted CSV, all or nothing, naming the line and column of each problem', async () => {
    await handler.get('/contacts');
    const bad = await handler.post('/contacts/import', {
      csv: 'account_ref,email,name,language\nIMP-W1,w1@customer.example,One,en\nIMP-W2,not-an-email,,\nIMP-W3,w3@customer.example,,<i>x</i>\n',
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('the pasted CSV: 2 problem(s); nothing was imported');
    expect(bad.body).toContain('<li>Line 3, email: expected an email address such as ana@example.com');
    expect(bad.body).toContain('<li>Line 4, language: expected a BCP 47 language tag');
    // The paste is shown again, escaped, to be corrected.
    expect(bad.body).toContain('IMP-W3,w3@customer.example,,&lt;i&gt;x&lt;/i&gt;');
    expect(labelProblems(bad.body)).toEqual([]);
    expect(await s.notices.contacts(actor('admin'), ['IMP-W1', 'IMP-W2', 'IMP-W3'])).toEqual([]);

    const header = await handler.post('/contacts/import', { csv: 'account,email\nX,x@customer.example\n' });
    expect(header.statusCode).toBe(422);
    expect(header.body).toContain('<li>Line 1, account: unknown column</li>');
    expect(header.body).toContain('<li>Line 1, account_ref: missing column</li>');

    const empty = await handler.post('/contacts/import', { csv: '  ' });
    expect(empty.statusCode).toBe(422);
    expect(empty.body).toContain('Paste the CSV first');

    const good = await handler.post('/contacts/import', {
      csv: 'account_ref,email,name,language\r\nIMP-W1,w1@customer.example,One,en\r\nIMP-W2,w2@customer.example,,de\r\n',
    });
    expect(good.statusCode).toBe(303);
    expect(good.headers.location).toBe('/contacts?imported=2&changed=2');
    expect((await handler.get(good.headers.location as string)).body).toContain(
      'Imported 2 contacts: 2 new or changed.',
    );
    const cs = await s.notices.contacts(actor('admin'), ['IMP-W1', 'IMP-W2']);
    expect(cs.map((c) => [c.account_ref, c.email, c.name, c.language]).sort()).toEqual([
      ['IMP-W1', 'w1@customer.example', 'One', 'en'],
      ['IMP-W2', 'w2@customer.example', null, 'de'],
    ]);
    expect(await contactEvents('IMP-W2')).toEqual([['contact.set', expect.stringContaining('ct-handler@')]]);
  });

  it('offers the import and editing only to roles with contact.manage', async () => {
    expect((await handler.get('/contacts')).body).toContain('action="/contacts/import"');
    expect((await viewer.get('/contacts')).statusCode).toBe(403);
    expect((await publisher.get('/contacts')).statusCode).toBe(403);
    await viewer.get('/account');
    const res = await viewer.post('/contacts/import', {
      csv: 'account_ref,email\nV-1,v1@customer.example\n',
    });
    expect(res.statusCode).toBe(403);
    expect(await contactOf('V-1')).toBeUndefined();
  });

  it('refuses a form larger than the web app accepts with a page that says so', async () => {
    await handler.get('/contacts');
    const line = 'BIG-0000000001,someone.with.a.long.address@customer.example,Some Name,en\n';
    const res = await handler.post('/contacts/import', {
      csv: line.repeat(Math.ceil((1.1 * 2 ** 20) / line.length)),
    });
    expect(res.statusCode).toBe(413);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.body).toContain('larger than the 1 MiB the web app accepts');
    expect(await contactOf('BIG-0000000001')).toBeUndefined();
  });

  it('looks contacts up by a prefix of the account reference, a page at a time', async () => {
    const rows = Array.from(
      { length: 120 },
      (_, i) => `LK-${String(i + 1).padStart(3, '0')},lk${i + 1}@customer.example,,en`,
    );
    await s.notices.importContacts(actor('admin'), {
      csv: [
        'account_ref,email,name,language',
        ...rows,
        'LKX-1,x@customer.example,,en',
        'lk-lower,l@customer.example,,en',
        'LJ-1,j@customer.example,,en',
      ].join('\n'),
    });
    const accounts = (html: string) =>
      [...html.matchAll(/<td data-label="Account" class="mono"><a href="[^"]*">([^<]*)<\/a>/g)].map(
        (m) => m[1],
      );

    let page = (await handler.get('/contacts?q=LK-')).body;
    let seen = accounts(page);
    expect(seen).toHaveLength(50);
    expect(seen[0]).toBe('LK-001');
    expect(seen[49]).toBe('LK-050');
    expect(labelProblems(page)).toEqual([]);
    const next = /<a href="([^"]*)" rel="next">/.exec(page)?.[1]?.replaceAll('&amp;', '&');
    expect(next).toBe('/contacts?q=LK-&after=LK-050');
    page = (await handler.get(next!)).body;
    expect(accounts(page)[0]).toBe('LK-051');
    page = (await handler.get('/contacts?q=LK-&after=LK-100')).body;
    seen = accounts(page);
    expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => `LK-${101 + i}`));
    expect(page).not.toContain('rel="next"');

    // Exact case; a prefix is not a pattern.
    expect(accounts((await handler.get('/contacts?q=lk')).body)).toEqual(['lk-lower']);
    expect(accounts((await handler.get('/contacts?q=LK_')).body)).toEqual([]);
    expect(accounts((await handler.get('/contacts?q=LK')).body).slice(-1)).toEqual(['LK-050']);
    expect(accounts((await handler.get('/contacts?q=LKX')).body)).toEqual(['LKX-1']);
    // An account that is not on file: offered to add.
    const none = (await handler.get('/contacts?q=LK-999')).body;
    expect(none).toContain('No contact on file for exactly <span class="mono">LK-999</span>');
    expect(none).toContain('href="/contacts/view?account=LK-999"');
    expect((await handler.get('/contacts?q=LK-001')).body).not.toContain('No contact on file');
  });

  it('searches by an exact prefix, wildcards and all, through the account index in order', async () => {
    await s.notices.importContacts(actor('admin'), {
      csv: 'account_ref,email\nPX%1,a@customer.example\nPX_2,b@customer.example\nPXa3,c@customer.example\nÜber-1,d@customer.example\nÜbel-2,e@customer.example\nÜ,f@customer.example\n',
    });
    const found = async (prefix: string, after?: string) =>
      (await s.notices.searchContacts(actor('handler'), { prefix, after, limit: 10 })).items.map(
        (c) => c.account_ref,
      );
    expect(await found('PX%')).toEqual(['PX%1']);
    expect(await found('PX_')).toEqual(['PX_2']);
    expect(await found('Üb')).toEqual(['Übel-2', 'Über-1']);
    expect(await found('Üb', 'Übel-2')).toEqual(['Über-1']);
    expect(await found('Ü')).toEqual(['Ü', 'Übel-2', 'Über-1']);
    expect(prefixEnd('ab')).toBe('ac');
    expect(prefixEnd('a\u{10FFFF}')).toBe('b');
    expect(prefixEnd('\u{D7FF}')).toBe('\u{E000}');
    expect(prefixEnd('\u{10FFFF}')).toBeNull();
    // A viewer may not read contacts.
    await expect(s.notices.searchContacts(actor('viewer'), { prefix: 'PX' })).rejects.toThrow(/may not/);

    // The plan reads the index in order, not the table: with sequential and bitmap scans off (the table is
    // small), an index scan that gives the rows in order and stops at the limit is what remains.
    const plan = await t.db.transaction().execute(async (trx) => {
      await sql`set local enable_seqscan = off`.execute(trx);
      await sql`set local enable_bitmapscan = off`.execute(trx);
      const q = searchContactsQuery(trx, { prefix: 'PX', after: 'PX%1', limit: 51 }).compile();
      const r = await trx.executeQuery<{ 'QUERY PLAN': string }>(
        CompiledQuery.raw(`explain ${q.sql}`, [...q.parameters]),
      );
      return r.rows.map((x) => x['QUERY PLAN']).join('\n');
    });
    expect(plan).toContain('Index Scan using customer_contacts_account_ref_c_idx');
    expect(plan).not.toMatch(/Sort/);
  });

  it('shows one contact with its history, and saves a change unless someone changed it meanwhile', async () => {
    await s.notices.setContact(actor('admin'), 'ED-1', { email: 'old@customer.example', name: 'Old' });
    const view = (await handler.get('/contacts/view?account=ED-1')).body;
    expect(view).toContain('old@customer.example');
    expect(view).toContain('Set the customer contact');
    expect(view).toMatch(/id="f-email"[^>]*value="old@customer.example"/);
    expect(labelProblems(view)).toEqual([]);
    const expected = /name="expected" value="([^"]*)"/.exec(view)![1]!;
    expect(expected).toBe((await contactOf('ED-1'))!.updated_at);

    const bad = await handler.post('/contacts/save', {
      account_ref: 'ED-1',
      expected,
      email: 'nope',
      name: 'Kept',
      language: 'en',
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('<p class="error" id="f-email-error">expected an email address');
    expect(bad.body).toMatch(/id="f-name"[^>]*value="Kept"/);
    expect((await contactOf('ED-1'))?.email).toBe('old@customer.example');

    clock.set('2026-02-01T10:01:00Z');
    const ok = await handler.post('/contacts/save', {
      account_ref: 'ED-1',
      expected,
      email: 'new@customer.example',
      name: '',
      language: 'fr',
    });
    expect(ok.statusCode).toBe(303);
    expect(ok.headers.location).toBe('/contacts/view?account=ED-1&done=saved');
    expect((await handler.get(ok.headers.location as string)).body).toContain('The contact was saved.');
    expect(await contactOf('ED-1')).toMatchObject({
      email: 'new@customer.example',
      name: null,
      language: 'fr',
    });

    // The same (now stale) form again: refused, the newer contact kept.
    const stale = await handler.post('/contacts/save', {
      account_ref: 'ED-1',
      expected,
      email: 'stale@customer.example',
      language: 'en',
    });
    expect(stale.statusCode).toBe(409);
    expect(stale.body).toContain('was changed by someone else meanwhile');
    expect((await contactOf('ED-1'))?.email).toBe('new@customer.example');

    // An account with no contact: the page says so and adds one.
    const empty = (await handler.get('/contacts/view?account=ED%2F2')).body;
    expect(empty).toContain('No contact on file');
    expect(empty).toContain('name="account_ref" value="ED/2"');
    const added = await handler.post('/contacts/save', {
      account_ref: 'ED/2',
      expected: '',
      email: 'ed2@customer.example',
    });
    expect(added.headers.location).toBe('/contacts/view?account=ED%2F2&done=saved');
    expect((await contactOf('ED/2'))?.language).toBe('en');
    expect((await viewer.get('/contacts/view?account=ED-1')).statusCode).toBe(403);
  });
});
