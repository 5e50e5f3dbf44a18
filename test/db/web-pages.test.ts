import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestInput } from '../../src/domain/request-input.ts';
import { ROLES, type Role } from '../../src/domain/vocabulary.ts';
import { buildApp } from '../../src/http/app.ts';
import { can } from '../../src/services/authorize.ts';
import type { Services } from '../../src/services/index.ts';
import type { WebRoute } from '../../src/web/context.ts';
import { NAV } from '../../src/web/layout.tsx';
import { WEB_ROUTES } from '../../src/web/routes.ts';
import { actor, servicesFor, testClock, testConfig, testDatabase, type TestDb } from '../helpers/db.ts';
import { requestFactory } from '../helpers/factories.ts';
import { labelProblems, PASSWORD, userWithPassword, WebClient } from '../helpers/web.ts';

let t: TestDb;
let s: Services;
let app: FastifyInstance;
let requestId = 0;
let producedRequest = 0;
let documentId = 0;
let productionId = 0;
const users = {} as Record<Role, { id: number; email: string }>;
let n = 0;

beforeAll(async () => {
  t = await testDatabase();
  s = servicesFor(t, testClock('2026-02-01T10:00:00Z'));
  app = await buildApp({ config: testConfig, services: s });
  for (const role of ROLES) users[role] = await userWithPassword(s, role, `walk-${role}@example.com`);
  requestId = (await s.requests.create(actor('admin'), requestInput.parse(requestFactory()))).id;
  // A request with a document and a production, for the document pages.
  const admin = actor('admin');
  producedRequest = (await s.requests.create(admin, requestInput.parse(requestFactory()))).id;
  await s.workflow.transition(admin, producedRequest, { to: 'in_review' });
  await s.workflow.respond(admin, producedRequest, {
    outcome: 'non_content_produced',
    produced: ['basic_subscriber'],
    accounts: [],
  });
  documentId = (
    await s.documents.upload(admin, producedRequest, {
      kind: 'production',
      name: 'walk.csv',
      file: Readable.from([Buffer.from('a,b\n')]),
    })
  ).id;
  productionId = (await s.productions.record(admin, producedRequest, {})).id;
});
afterAll(async () => {
  await app?.close();
  await t?.close();
});

/** A throwaway user for admin actions to act on (never the signed-in one). */
async function target(): Promise<number> {
  return (await s.users.add(actor('admin'), `target-${++n}@example.com`, 'viewer')).user.id;
}
async function setupPath(): Promise<string> {
  return `/setup/${await s.auth.passwordLinkToken(actor('admin'), await target())}`;
}

/** The request's current version, as a form on its page carries it. */
async function versioned(): Promise<Record<string, string>> {
  return { version: String((await s.requests.get(actor('admin'), requestId)).version) };
}

interface Example {
  url: () => string | Promise<string>;
  form?: () => Record<string, string | string[]> | Promise<Record<string, string | string[]>>;
  /** An upload: posted as multipart with a small file. */
  file?: boolean;
  /** The route ends the session, or signs in someone else (a setup link): sign in again after it. */
  after?: 'signed_out' | 'other_user';
}

/**
 * How to call every route in WEB_ROUTES. A route without an example fails the walk, so every new page or
 * form is walked as every role as soon as it is added.
 */
const EXAMPLES: Record<string, Example> = {
  'GET /login': { url: () => '/login' },
  'POST /login': {
    url: () => '/login',
    form: () => ({ email: 'nobody@example.com', password: 'wrong password' }),
  },
  'GET /login/second-factor': { url: () => '/login/second-factor' },
  // Single sign-on is not configured here: both answer 404 with a page (test/db/oidc.test.ts walks it configured).
  'GET /login/oidc': { url: () => '/login/oidc' },
  'GET /login/oidc/callback': { url: () => '/login/oidc/callback?code=x&state=y' },
  'POST /login/second-factor': { url: () => '/login/second-factor', form: () => ({ code: '000000' }) },
  'POST /logout': { url: () => '/logout', after: 'signed_out' },
  'POST /admin/users/:id/role': {
    url: async () => `/admin/users/${await target()}/role`,
    form: () => ({ role: 'handler' }),
  },
  'GET /setup/:token': { url: setupPath },
  'POST /setup/:token': { url: setupPath, form: () => ({ password: PASSWORD }), after: 'other_user' },
  'GET /': { url: () => '/?kind=response_deadline&overdue=1&agency=fbi&within=all&sort=latest&page=1' },
  'POST /due/bulk': {
    url: () => '/due/bulk',
    form: () => ({ action: 'assign', request_id: String(requestId), user_id: String(users.handler.id) }),
  },
  'GET /requests': {
    url: () => '/requests?status=received&process_type=grand_jury_subpoena&q=TEST&sort=external_ref&dir=asc',
  },
  'GET /requests/new': { url: () => '/requests/new' },
  'POST /requests': {
    url: () => '/requests',
    form: () => ({
      external_ref: `WALK-${++n}`,
      received_at: '2026-01-20T10:00',
      process_type: 'search_warrant',
      data_sought: ['content', 'non_content'],
      'agency.name': 'Walk County Sheriff',
      'agency.kind': 'law_enforcement',
      'agency.level': 'local',
      'agency.country': 'US',
      accounts: 'AC1\nAC2',
    }),
  },
  'GET /requests/:id': { url: () => `/requests/${requestId}` },
  'GET /requests/:id/edit': { url: () => `/requests/${requestId}/edit` },
  'POST /requests/:id/edit': {
    url: () => `/requests/${requestId}/edit`,
    form: async () => ({ ...(await versioned()), legal_authority: `18 U.S.C. 2703(c)(2) walk ${++n}` }),
  },
  'POST /requests/new/process': { url: () => '/requests/new/process', file: true },
  'POST /requests/:id/documents': {
    url: () => `/requests/${producedRequest}/documents`,
    form: () => ({ kind: 'correspondence' }),
    file: true,
  },
  'POST /requests/:id/comments': {
    url: () => `/requests/${requestId}/comments`,
    form: () => ({ text: `Walked by every role ${++n}` }),
  },
  'POST /requests/:id/correspondence': {
    url: () => `/requests/${requestId}/correspondence`,
    form: () => ({
      direction: 'received',
      channel: 'letter',
      occurred_at: '2026-01-20T10:00',
      counterpart: 'Walk County Sheriff',
      summary: `Walk ${++n}`,
    }),
  },
  'GET /documents/:id/download': { url: () => `/documents/${documentId}/download` },
  'POST /documents/:id/delete': {
    url: async () => {
      const d = await s.documents.upload(actor('admin'), producedRequest, {
        kind: 'other',
        name: 'to delete',
        file: Readable.from([Buffer.from('x')]),
      });
      return `/documents/${d.id}/delete`;
    },
    form: () => ({ reason: 'walked the delete form' }),
  },
  'POST /documents/:id/hold': {
    url: () => `/documents/${documentId}/hold`,
    form: () => ({ hold: 'on', reason: 'walk' }),
  },
  'POST /requests/:id/productions': { url: () => `/requests/${producedRequest}/productions` },
  'GET /productions/:id/zip': { url: () => `/productions/${productionId}/zip` },
  'POST /requests/:id/assign': {
    url: () => `/requests/${requestId}/assign`,
    form: async () => ({ ...(await versioned()), user_id: String(users.handler.id) }),
  },
  'POST /requests/:id/transition': {
    url: () => `/requests/${requestId}/transition`,
    form: async () => ({ ...(await versioned()), to: 'in_review' }),
  },
  'POST /requests/:id/response': {
    url: () => `/requests/${requestId}/response`,
    form: async () => ({ ...(await versioned()), outcome: 'no_data' }),
  },
  'POST /requests/:id/emergency/verification': {
    url: () => `/requests/${requestId}/emergency/verification`,
    form: async () => ({ ...(await versioned()), verified_by: 'Sgt. Walk' }),
  },
  'POST /requests/:id/approve': {
    url: () => `/requests/${requestId}/approve`,
    form: async () => ({ ...(await versioned()), purpose: 'emergency_disclosure' }),
  },
  'POST /requests/:id/ndos': {
    url: () => `/requests/${requestId}/ndos`,
    form: async () => ({ ...(await versioned()), authority: 'sca_2705b', expires_at: '2027-01-01' }),
  },
  'POST /requests/:id/ndos/:ndoId/lift': {
    url: () => `/requests/${requestId}/ndos/999999/lift`,
    form: versioned,
  },
  'POST /requests/:id/challenges': {
    url: () => `/requests/${requestId}/challenges`,
    form: async () => ({ ...(await versioned()), stage: 'motion_filed', result: 'pending' }),
  },
  'POST /requests/:id/holds': { url: () => `/requests/${requestId}/holds`, form: versioned },
  'POST /requests/:id/holds/:holdId/extend': {
    url: () => `/requests/${requestId}/holds/999999/extend`,
    form: versioned,
  },
  'POST /requests/:id/holds/:holdId/release': {
    url: () => `/requests/${requestId}/holds/999999/release`,
    form: async () => ({ ...(await versioned()), reason: 'withdrawn' }),
  },
  'POST /requests/:id/notice': {
    url: () => `/requests/${requestId}/notice`,
    form: async () => ({ ...(await versioned()), status: 'not_possible', reason: 'no contact known' }),
  },
  'GET /requests/:id/notice': { url: () => `/requests/${requestId}/notice` },
  'POST /requests/:id/notice/queue': { url: () => `/requests/${requestId}/notice/queue`, form: versioned },
  'POST /requests/:id/contact': {
    url: () => `/requests/${requestId}/contact`,
    // The first role to post sets it; for the next ones it is on file already (refused as stale, 409).
    form: async () => ({
      ...(await versioned()),
      account_ref: (await s.requests.get(actor('admin'), requestId)).targets[0]!.account!,
      email: `walk-${++n}@example.com`,
    }),
  },
  'GET /contacts': { url: () => '/contacts?q=WALK' },
  'GET /contacts/view': { url: () => '/contacts/view?account=WALK-C' },
  'POST /contacts/save': {
    url: () => '/contacts/save',
    form: () => ({ account_ref: `WALK-S${++n}`, expected: '', email: 'walk@example.com', language: 'en' }),
  },
  'POST /contacts/import': {
    url: () => '/contacts/import',
    form: () => ({ csv: `account_ref,email,name,language\nWALK-I${++n},walk@example.com,Walk,en\n` }),
  },
  'GET /reports': { url: () => '/reports' },
  'GET /reports/policy': { url: () => '/reports/policy' },
  // Every section left empty, as the generated text: nothing to write (the test data directory is not there).
  'POST /reports/policy': { url: () => '/reports/policy', form: () => ({}) },
  'GET /reports/:period': { url: () => '/reports/2026-H1' },
  'GET /reports/:period/download/:format': { url: () => '/reports/2026-H1/download/csv' },
  'GET /reports/:period/diff': { url: () => '/reports/2026-H1/diff?from=1&to=1' },
  'POST /reports/:period/freeze': { url: () => '/reports/2025-H2/freeze' },
  'POST /reports/:period/correct': {
    url: () => '/reports/2025-H2/correct',
    form: () => ({ reason: 'walk', method: 'walk' }),
  },
  'POST /reports/:period/publish': { url: () => '/reports/2025-H2/publish', form: () => ({}) },
  'GET /web/agencies': { url: () => '/web/agencies?q=Fed' },
  'GET /admin': { url: () => '/admin' },
  'POST /admin/users': {
    url: () => '/admin/users',
    form: () => ({ email: `added-${++n}@example.com`, role: 'viewer' }),
  },
  'POST /admin/users/:id/token': { url: async () => `/admin/users/${await target()}/token` },
  'POST /admin/users/:id/password-link': { url: async () => `/admin/users/${await target()}/password-link` },
  'POST /admin/users/:id/revoke-sessions': {
    url: async () => `/admin/users/${await target()}/revoke-sessions`,
  },
  'POST /admin/users/:id/disable': { url: async () => `/admin/users/${await target()}/disable` },
  'POST /admin/users/:id/enable': {
    url: async () => {
      const id = await target();
      await s.users.disable(actor('admin'), id);
      return `/admin/users/${id}/enable`;
    },
  },
  // 'off' leaves the setting as it is (optional), so the walk's sessions are not sent to enrol.
  'POST /admin/settings/second-factor': {
    url: () => '/admin/settings/second-factor',
    form: () => ({ required: 'off' }),
  },
  'POST /admin/users/:id/restricted': {
    url: async () => `/admin/users/${await target()}/restricted`,
    form: () => ({ grant: 'on', reason: 'walked the grant form' }),
  },
  'POST /admin/users/:id/disable-totp': { url: async () => `/admin/users/${await target()}/disable-totp` },
  'POST /requests/:id/portal/:sid/message': {
    url: () => `/requests/${requestId}/portal/999999/message`,
    form: () => ({ body: 'walk' }),
  },
  'POST /requests/:id/portal/:sid/release': {
    url: () => `/requests/${requestId}/portal/999999/release`,
    form: () => ({ production_id: String(productionId), days: '7', max_downloads: '5' }),
  },
  'POST /requests/:id/portal/releases/:rid/revoke': {
    url: () => `/requests/${requestId}/portal/releases/999999/revoke`,
  },
  'GET /intake': { url: () => '/intake' },
  'GET /intake/:id/document': { url: () => '/intake/999999/document' },
  'POST /intake/:id/accept': { url: () => '/intake/999999/accept' },
  'POST /intake/:id/refuse': { url: () => '/intake/999999/refuse', form: () => ({ message: 'walk' }) },
  'GET /admin/portal': { url: () => '/admin/portal' },
  'POST /admin/portal/domains': {
    url: () => '/admin/portal/domains',
    form: () => ({ domain: `walk-${++n}.example`, country: 'US' }),
  },
  'POST /admin/portal/domains/:id/remove': { url: () => '/admin/portal/domains/999999/remove' },
  'POST /admin/portal/registrations/:id/approve': { url: () => '/admin/portal/registrations/999999/approve' },
  'POST /admin/portal/registrations/:id/refuse': {
    url: () => '/admin/portal/registrations/999999/refuse',
    form: () => ({ reason: 'walk' }),
  },
  'GET /account': { url: () => '/account' },
  'POST /account/password': {
    url: () => '/account/password',
    form: () => ({ current: PASSWORD, password: PASSWORD }),
  },
  'GET /account/totp': { url: () => '/account/totp' },
  'POST /account/totp': {
    url: () => '/account/totp',
    form: () => ({ secret: 'A'.repeat(32), code: '000000' }),
  },
  'POST /account/totp/disable': { url: () => '/account/totp/disable' },
  'POST /account/reminders': { url: () => '/account/reminders', form: () => ({ reminders: 'digest' }) },
  'POST /account/sign-out-everywhere': { url: () => '/account/sign-out-everywhere', after: 'signed_out' },
};

const key = (r: WebRoute) => `${r.method} ${r.path}`;

async function call(web: WebClient, r: WebRoute) {
  const ex = EXAMPLES[key(r)] as Example;
  const url = await ex.url();
  if (r.method === 'GET') return web.get(url);
  // Load a page with a form first, for a current CSRF token (the session's, or the pre-session one).
  if ((await web.get('/account')).statusCode !== 200) await web.get('/login');
  if (ex.file) return web.postFile(url, ((await ex.form?.()) ?? {}) as Record<string, string>);
  return web.post(url, (await ex.form?.()) ?? {});
}

const allowed = (r: WebRoute, role: Role) =>
  r.access === 'public' || r.access === 'signed_in' || can({ label: 'x', userId: 1, role }, r.access);

describe('the route table', () => {
  it('has an example for every web route, so the walk covers each one', () => {
    expect(WEB_ROUTES.map(key).filter((k) => !EXAMPLES[k])).toEqual([]);
  });

  it('links the navigation only to GET pages in the table', () => {
    for (const item of NAV)
      expect(WEB_ROUTES.some((r) => r.method === 'GET' && r.path === item.href)).toBe(true);
  });
});

describe('walking every page and form', () => {
  it('as nobody: public pages open, others send GETs to sign-in and refuse POSTs', async () => {
    for (const r of WEB_ROUTES) {
      const res = await call(new WebClient(app), r);
      if (r.access === 'public') {
        expect(res.statusCode, key(r)).toBeLessThan(500);
        expect(res.statusCode, key(r)).not.toBe(403);
      } else if (r.method === 'GET') {
        expect(res.statusCode, key(r)).toBe(303);
        expect(res.headers.location, key(r)).toMatch(/^\/login/);
      } else {
        expect(res.statusCode, key(r)).toBe(403);
      }
    }
  });

  for (const role of ROLES) {
    it(`as ${role}: each page is allowed or refused (403) as the role's actions say`, async () => {
      const web = new WebClient(app);
      expect((await web.signIn(users[role].email)).statusCode).toBe(303);
      for (const r of WEB_ROUTES) {
        const res = await call(web, r);
        const where = `${role} ${key(r)} -> ${res.statusCode}`;
        if (allowed(r, role)) {
          expect(res.statusCode, where).toBeLessThan(500);
          expect(res.statusCode, where).not.toBe(403);
          // Every page: no id twice, and each label points at a field of its own form.
          if (String(res.headers['content-type']).startsWith('text/html'))
            expect(labelProblems(res.body), where).toEqual([]);
          if (res.statusCode === 303 && !EXAMPLES[key(r)]?.after) {
            expect(res.headers.location, where).not.toMatch(/^\/login/);
          }
        } else {
          expect(res.statusCode, where).toBe(403);
          expect(res.body, where).toContain('Not allowed');
        }
        const after = EXAMPLES[key(r)]?.after;
        if (after === 'signed_out') expect((await web.get('/account')).statusCode, where).toBe(303);
        if (after) {
          web.cookies.clear();
          await web.signIn(users[role].email);
        }
      }
    });
  }

  it('shows each role only the navigation it may use', async () => {
    for (const role of ROLES) {
      const web = new WebClient(app);
      await web.signIn(users[role].email);
      const body = (await web.get('/account')).body;
      for (const item of NAV) {
        expect(body.includes(`href="${item.href}"`), `${role} ${item.href}`).toBe(
          can(actor(role), item.action),
        );
      }
    }
  });
});
