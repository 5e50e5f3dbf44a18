import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseFault, fromDatabaseError } from '../../src/db/errors.ts';
import { CandorError } from '../../src/errors.ts';
import { buildApp } from '../../src/http/app.ts';
import type { Services } from '../../src/services/index.ts';
import { actor, servicesFor, testClock, testConfig, testDatabase, type TestDb } from '../helpers/db.ts';
import { requestFactory } from '../helpers/factories.ts';
import { userWithPassword, WebClient } from '../helpers/web.ts';

// Issue 13 item 8: no input gives a 500, and the database's own words never reach a client.

let t: TestDb;
let s: Services;
let app: FastifyInstance;
let token = '';
let id = 0;
let web: WebClient;

beforeAll(async () => {
  t = await testDatabase();
  s = servicesFor(t, testClock());
  app = await buildApp({ config: testConfig, services: s });
  token = (await s.users.add(actor('admin'), 'bad-input-admin@example.com', 'admin')).token;
  id = (await call('POST', '/api/v1/requests', requestFactory())).json.id;
  const u = await userWithPassword(s, 'admin', 'bad-input-web@example.com');
  web = new WebClient(app);
  expect((await web.signIn(u.email)).statusCode).toBe(303);
});
afterAll(async () => {
  await app?.close();
  await t?.close();
});

async function call(method: string, url: string, payload?: unknown, headers: Record<string, string> = {}) {
  const res = await app.inject({
    method: method as 'GET',
    url,
    payload: payload as string,
    headers: { authorization: `Bearer ${token}`, ...headers },
  });
  return { status: res.statusCode, json: res.json(), text: res.body };
}

/** An answer that is a 4xx with our error shape, naming what was wrong, and none of PostgreSQL's words. */
function expectRefused(r: { status: number; json: { error?: { message: string } } }, message: RegExp) {
  expect(r.status, JSON.stringify(r.json)).toBeGreaterThanOrEqual(400);
  expect(r.status, JSON.stringify(r.json)).toBeLessThan(500);
  expect(JSON.stringify(r.json.error ?? {})).toMatch(message);
  expect(JSON.stringify(r.json)).not.toMatch(
    /out of range for type|byte sequence|displacement|date\/time field/,
  );
}

const forge = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

describe('the API refuses impossible input with a 4xx naming it', () => {
  it.each([
    ['a zone of +99:99', { received_at: '2015-03-01T10:00:00+99:99' }, /not a time zone offset/],
    ['minute 60', { received_at: '2015-03-01T10:60:00Z' }, /not a time of day/],
    ['30 February', { received_at: '2015-02-30' }, /not a calendar date/],
    ['30 February with a time', { received_at: '2015-02-30T10:00:00Z' }, /not a calendar date/],
    ['a year past 9999 once in UTC', { received_at: '9999-12-31T23:59:59-23:59' }, /offset/],
    ['a NUL byte', { external_ref: 'A\u0000B' }, /NUL/],
    ['a NUL in notes', { notes: 'x\u0000' }, /NUL/],
    ['a lone surrogate', { external_ref: 'A\ud800B' }, /unpaired surrogate/],
    ['a count beyond int4', { items_of_information: 1e12 }, /body is not valid/],
  ])('POST /requests with %s', async (_what, change, message) => {
    const r = await call('POST', '/api/v1/requests', requestFactory(change));
    expectRefused(r, /not valid/);
    expect(JSON.stringify(r.json.error)).toMatch(message);
  });

  it.each([
    ['not base64 JSON', 'abc'],
    ['the wrong shape', forge({ a: 1 })],
    ['an id beyond int4', forge({ v: '2015-03-01T00:00:00.000Z', id: 99_999_999_999 })],
    ['an impossible instant', forge({ v: '2015-99-99', id: 1 })],
    ['a NUL', forge({ v: '2015-03-01\u0000', id: 1 })],
  ])('GET /requests with a forged cursor: %s', async (_what, cursor) => {
    expectRefused(await call('GET', `/api/v1/requests?cursor=${cursor}`), /cursor/);
  });

  it.each([
    ['/api/v1/requests?received_from=2015-02-30', /querystring is not valid/],
    ['/api/v1/requests?received_to=9999-12-31', /querystring is not valid/],
    ['/api/v1/requests?q=a%00b', /NUL/],
    ['/api/v1/requests/99999999999', /params is not valid/],
    ['/api/v1/requests?attach=1', /querystring is not valid/],
    ['/api/v1/reports/9999-H2', /must end before 9999-12-31/],
    ['/api/v1/reports/9999', /must end before 9999-12-31/],
    ['/api/v1/reports/2015-H1?publication_date=2015-02-30', /querystring is not valid/],
    ['/api/v1/reports/2015-H1?publication_date=0000-01-01', /querystring is not valid/],
    ['/api/v1/reports/2015-H1?version=99999999999', /querystring is not valid/],
    ['/api/v1/reports/2015-H1/diff?from=1&to=99999999999', /querystring is not valid/],
  ])('GET %s', async (url, message) => {
    expectRefused(await call('GET', url), message);
  });

  it('refuses a version number beyond int4 in a change', async () => {
    const r = await call('PATCH', `/api/v1/requests/${id}`, { version: 99_999_999_999, notes: 'x' });
    expectRefused(r, /body is not valid/);
    expect(r.json.error.issues[0]).toMatchObject({ field: 'version' });
    const t2 = await call('POST', `/api/v1/requests/${id}/assign`, { version: 1, user_id: 99_999_999_999 });
    expectRefused(t2, /body is not valid/);
  });

  it('refuses to freeze a period that ends on 9999-12-31', async () => {
    expectRefused(await call('POST', '/api/v1/reports/9999-H2/freeze'), /must end before 9999-12-31/);
  });

  it('refuses a NUL in a path parameter', async () => {
    expectRefused(await call('PUT', '/api/v1/contacts/a%00b', { email: 'x@example.com' }), /NUL/);
  });

  it('refuses a JSON body that is not UTF-8 instead of replacing the bytes', async () => {
    const body = Buffer.concat([
      Buffer.from(JSON.stringify(requestFactory()).slice(0, -1)),
      Buffer.from(',"notes":"'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('"}'),
    ]);
    const r = await call('POST', '/api/v1/requests', body, { 'content-type': 'application/json' });
    expectRefused(r, /not valid UTF-8/);
  });

  it('refuses a JSON escape of a lone surrogate in a body', async () => {
    const body = JSON.stringify(requestFactory()).replace(
      /"external_ref":"[^"]*"/,
      '"external_ref":"A\\ud800"',
    );
    const r = await call('POST', '/api/v1/requests', body, { 'content-type': 'application/json' });
    expectRefused(r, /unpaired surrogate/);
  });

  it('a database refusal names the field in our words, never the database’s', () => {
    const refused = fromDatabaseError(
      {
        code: '23505',
        constraint: 'requests_external_ref_key',
        message: 'duplicate key value violates unique constraint "requests_external_ref_key"',
        detail: 'Key (external_ref)=(SECRET-REF) already exists.',
      },
      'the request',
    ) as CandorError;
    expect(refused).toBeInstanceOf(CandorError);
    expect(JSON.stringify({ m: refused.message, i: refused.issues })).not.toMatch(/SECRET-REF|duplicate key/);
    expect(refused.issues[0]).toMatchObject({ field: 'requests_external_ref_key' });
    expect(
      databaseFault({ code: '22003', message: 'value "1e12" is out of range for type integer' }),
    ).toMatchObject({
      code: 'invalid',
      message: expect.stringMatching(/a number is out of range/),
    });
  });
});

describe('the web app refuses bad input with a page, never a 500', () => {
  it('ignores a malformed cookie, as if it were absent', async () => {
    for (const cookie of [
      'candor_session=%E0%A4%A',
      'candor_session=%00',
      'candor_pre=%ZZ; candor_session=x',
    ]) {
      const res = await app.inject({ method: 'GET', url: '/', headers: { cookie } });
      expect(res.statusCode, cookie).toBe(303);
      expect(res.headers.location).toBe('/login');
    }
  });

  it('follows no ?next= with a control character after sign-in', async () => {
    const u = await userWithPassword(s, 'viewer', 'bad-input-next@example.com');
    for (const next of ['/requests\u0001x', '/requests\u007f', '/caf\u00e9\u20ac', '/a\tb']) {
      const c = new WebClient(app);
      await c.get(`/login?next=${encodeURIComponent(next)}`);
      const res = await c.post(`/login?next=${encodeURIComponent(next)}`, {
        email: u.email,
        password: 'a long enough passphrase',
      });
      expect(res.statusCode, next).toBe(303);
      expect(res.headers.location, next).toBe('/');
    }
    // A NUL is refused outright, like a NUL anywhere else in a query.
    const res = await new WebClient(app).get(`/login?next=${encodeURIComponent('/a\u0000b')}`);
    expect(res.statusCode).toBe(400);
    expect(res.body).toMatch(/NUL/);
  });

  it('refuses a form whose escapes are not UTF-8, naming the field', async () => {
    const res = await app.inject({
      method: 'POST',
      url: `/requests/${id}/transition`,
      headers: {
        cookie: [...web.cookies].map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('; '),
        'content-type': 'application/x-www-form-urlencoded',
      },
      payload: `_csrf=${web.csrf}&to=%FF&version=1`,
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toMatch(/the form is not valid: to is not valid UTF-8 text/);
  });

  it('refuses a NUL in a form field', async () => {
    const res = await web.post(`/requests/${id}/transition`, { version: '1', to: 'in\u0000review' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toMatch(/NUL/);
  });

  it('answers an id beyond int4 in a page address with 404', async () => {
    const res = await web.get('/requests/99999999999');
    expect(res.statusCode).toBe(404);
    expect(res.body).toMatch(/There is no such record/);
  });
});
