import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { main } from '../../src/cli/main.ts';
import * as migration from '../../src/db/migrations/2026-12-05-80-17-restricted.ts';
import { ALWAYS_RESTRICTED } from '../../src/domain/restricted.ts';
import { requestInput, type RequestInput } from '../../src/domain/request-input.ts';
import { PROCESS_TYPES, type Role } from '../../src/domain/vocabulary.ts';
import { buildApp } from '../../src/http/app.ts';
import type { Services } from '../../src/services/index.ts';
import { WEB_ROUTES } from '../../src/web/routes.ts';
import { actor, servicesFor, testConfig, testDatabase, type TestDb } from '../helpers/db.ts';
import { requestFactory } from '../helpers/factories.ts';
import { userWithPassword, WebClient } from '../helpers/web.ts';

// Restricted matters (docs/workflow.md): a user without the restricted-matters grant must not find a restricted
// request anywhere — not its id, reference or agency — and its id must answer exactly as an id that does not
// exist. The walks are driven by the route tables (OpenAPI document, WEB_ROUTES), so a new route is walked too.

let t: TestDb;
let s: Services;
let app: FastifyInstance;

const NSL = { ref: 'NSL-ZETA-7731', agency: 'Zeta Counterintelligence Unit' };
const MARKED = { ref: 'SW-QUILL-4410', agency: 'Quill Special Prosecutor' };
const OPEN = { ref: 'OPEN-OTTER-0001', agency: 'Otter County Sheriff' };
const SECRETS = [NSL.ref, NSL.agency, MARKED.ref, MARKED.agency];
/** An id of each kind that exists nowhere: a hidden id must answer exactly as these do. */
const MISSING = 987654;

const ids = { nsl: 0, marked: 0, open: 0, doc: 0, production: 0, hold: 0, ndo: 0 };
const UNGRANTED: Role[] = ['handler', 'approver', 'admin'];
const web = {} as Record<Role | 'cleared', WebClient>;
const tokens = {} as Record<Role | 'cleared', string>;
const people = {} as Record<Role | 'cleared', { id: number; email: string }>;

const agency = (name: string) =>
  ({ name, kind: 'law_enforcement', level: 'federal', country: 'US' }) as const;
const make = async (over: Partial<RequestInput>) =>
  (await s.requests.create(actor('admin'), requestInput.parse(requestFactory(over)))).id;

beforeAll(async () => {
  t = await testDatabase();
  s = servicesFor(t);
  app = await buildApp({ config: testConfig, services: s });
  const admin = actor('admin');
  ids.nsl = await make({
    external_ref: NSL.ref,
    agency: agency(NSL.agency),
    process_type: 'national_security_letter',
  });
  ids.marked = await make({
    external_ref: MARKED.ref,
    agency: agency(MARKED.agency),
    process_type: 'search_warrant',
    data_sought: ['content'],
    restricted: true,
  });
  ids.open = await make({ external_ref: OPEN.ref, agency: agency(OPEN.agency) });
  // Things hanging off the marked request: a document, a production, a hold, an order.
  await s.workflow.transition(admin, ids.marked, { to: 'in_review' });
  ids.doc = (
    await s.documents.upload(admin, ids.marked, {
      kind: 'production',
      name: 'quill.csv',
      file: Readable.from([Buffer.from('a,b\n')]),
    })
  ).id;
  await s.workflow.respond(admin, ids.marked, {
    outcome: 'non_content_produced',
    produced: ['basic_subscriber'],
    accounts: [],
  });
  ids.production = (await s.productions.record(admin, ids.marked, {})).id;
  ids.hold = await s.workflow.addHold(admin, ids.nsl, {});
  ids.ndo = await s.workflow.addNdo(admin, ids.nsl, { authority: 'nsl_2709c', expiresAt: null });

  for (const role of [...UNGRANTED, 'cleared'] as const) {
    const u = await userWithPassword(
      s,
      role === 'cleared' ? 'approver' : role,
      `restricted-${role}@example.com`,
    );
    people[role] = u;
    tokens[role] = await s.users.issueToken(admin, u.email, 'restricted walk');
    web[role] = new WebClient(app);
    expect((await web[role].signIn(u.email)).statusCode).toBe(303);
  }
  await s.users.grantRestricted(admin, people.cleared.id, 'national-security docket');
});
afterAll(async () => {
  await app?.close();
  await t?.close();
});

const leaks = (body: string) => SECRETS.filter((x) => body.includes(x));
/** The answer with the id taken out, to compare a hidden id's answer with a missing one's. */
const shape = (res: LightMyRequestResponse, id: number) => ({
  status: res.statusCode,
  body: res.body.replaceAll(String(id), '<id>').replace(/name="_csrf" value="[^"]*"/g, ''),
});

describe('the rule and the database agree', () => {
  it('marks national-security process restricted whatever the door says, and refuses to clear it', async () => {
    const rows = await sql<{ process_type: string; restricted: boolean }>`
      select process_type, restricted from requests where id in (${ids.nsl}, ${ids.marked}, ${ids.open})
      order by id`.execute(t.db);
    expect(rows.rows.map((r) => r.restricted)).toEqual([true, true, false]);
    // A write that forgets the flag (another door, a script) still restricts national-security process.
    for (const p of ALWAYS_RESTRICTED) {
      const r = await sql<{ restricted: boolean }>`
        update requests set process_type = ${p}::process_type, restricted = false where id = ${ids.open}
        returning restricted`.execute(t.db);
      expect(r.rows[0]!.restricted, p).toBe(true);
    }
    // ... and nothing else: the trigger's list is the domain's list.
    for (const p of PROCESS_TYPES.filter((x) => !ALWAYS_RESTRICTED.includes(x))) {
      const r = await sql<{ restricted: boolean }>`
        update requests set process_type = ${p}::process_type, restricted = false,
          emergency = ${p === 'emergency_request'} where id = ${ids.open}
        returning restricted`.execute(t.db);
      expect(r.rows[0]!.restricted, p).toBe(false);
    }
    await sql`update requests set process_type = 'grand_jury_subpoena', restricted = false, emergency = false where id = ${ids.open}`.execute(
      t.db,
    );
    const back = await s.requests.get(actor('admin'), ids.open);
    expect(back.restricted).toBe(false);
    const refused = await app.inject({
      method: 'PATCH',
      url: `/api/v1/requests/${ids.nsl}`,
      headers: { authorization: `Bearer ${tokens.cleared}` },
      payload: { version: (await s.requests.get(actor('admin'), ids.nsl)).version, restricted: false },
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toMatch(/always restricted/);
  });

  it('follows a reclassification into national-security process, which needs the grant', async () => {
    const id = await make({ external_ref: 'RECLASS-0001', agency: agency('Reclass Field Office') });
    const patch = (who: 'handler' | 'cleared') =>
      s.requests.get(actor('admin'), id).then((r) =>
        app.inject({
          method: 'PATCH',
          url: `/api/v1/requests/${id}`,
          headers: { authorization: `Bearer ${tokens[who]}` },
          payload: {
            version: r.version,
            process_type: 'national_security_letter',
            data_sought: ['non_content'],
          },
        }),
      );
    const refused = await patch('handler');
    expect(refused.statusCode).toBe(403);
    expect((await s.requests.get(actor('admin'), id)).process_type).toBe('grand_jury_subpoena');
    expect((await patch('cleared')).statusCode).toBe(200);
    const after = await s.requests.get(actor('admin'), id);
    expect([after.process_type, after.restricted]).toEqual(['national_security_letter', true]);
    const seen = await app.inject({
      method: 'GET',
      url: `/api/v1/requests/${id}`,
      headers: { authorization: `Bearer ${tokens.handler}` },
    });
    expect(seen.statusCode).toBe(404);
  });
});

/** Every /api/v1 route from the OpenAPI document, with the ids of the hidden matter put in. */
function apiRoutes(): Array<{ method: string; url: (hidden: boolean) => string; path: string }> {
  const doc = (app as unknown as { swagger(): { paths: Record<string, Record<string, unknown>> } }).swagger();
  const out = [];
  for (const [p, ops] of Object.entries(doc.paths)) {
    if (!p.startsWith('/api/v1/')) continue;
    for (const method of Object.keys(ops)) {
      const m = method.toUpperCase();
      const params = [...p.matchAll(/\{(\w+)\}/g)].map((x) => x[1]);
      // Ids of things that are not a request's, nor hang off one, are not what this walk is about; every
      // other route with an id must be classified below, or the walk fails (a new route is looked at).
      if (/^\/api\/v1\/(users|portal\/domains|portal\/registrations|notice-templates|contacts)\//.test(p))
        continue;
      if (/\{period\}/.test(p)) continue; // reports: the lawful aggregate view (banded), walked by report tests
      let kind: keyof typeof ids | null = null;
      if (p.startsWith('/api/v1/requests/{id}')) kind = 'marked';
      else if (p.startsWith('/api/v1/documents/{id}')) kind = 'doc';
      else if (p.startsWith('/api/v1/productions/{id}')) kind = 'production';
      else if (
        params.length > 0 &&
        !/^\/api\/v1\/(portal\/submissions|portal\/releases|notices)\/\{id\}/.test(p)
      )
        throw new Error(`classify ${m} ${p}: which request does its id belong to?`);
      const fill = (hidden: boolean) =>
        p
          .replace('{id}', String(kind && hidden ? ids[kind] : MISSING))
          .replace('{holdId}', String(hidden ? ids.hold : MISSING))
          .replace('{ndoId}', String(hidden ? ids.ndo : MISSING));
      // The NSL carries the hold and the order.
      const url = (hidden: boolean) =>
        /\{(holdId|ndoId)\}/.test(p)
          ? fill(hidden).replace(String(ids.marked), String(ids.nsl))
          : fill(hidden);
      out.push({ method: m, url, path: p });
    }
  }
  return out;
}

/** A body that passes validation where the route is known, so the call reaches the service. */
function bodyFor(method: string, p: string): Record<string, unknown> | undefined {
  if (method === 'GET' || method === 'DELETE') return undefined;
  if (p.endsWith('/transition')) return { version: 1, to: 'in_review' };
  if (p === '/api/v1/requests/{id}' && method === 'PATCH') return { version: 1, notes: 'x' };
  if (p.endsWith('/documents')) return undefined;
  if (p.endsWith('/comments')) return { text: 'walking the restricted routes' };
  if (p.endsWith('/correspondence'))
    return {
      direction: 'sent',
      occurred_at: '2026-01-10T10:00:00Z',
      channel: 'email',
      counterpart: 'SA Walk',
      summary: 'walking the restricted routes',
    };
  return { version: 1, reason: 'walking the restricted routes' };
}

describe('the API, as users without the grant', () => {
  for (const role of UNGRANTED) {
    it(`as ${role}: every id route answers for a restricted request exactly as for a missing one`, async () => {
      const walked: string[] = [];
      for (const r of apiRoutes()) {
        if (!/\{/.test(r.path)) continue;
        const call = (hidden: boolean) =>
          app.inject({
            method: r.method as 'GET',
            url: r.url(hidden),
            headers: { authorization: `Bearer ${tokens[role]}` },
            ...(bodyFor(r.method, r.path) ? { payload: bodyFor(r.method, r.path) } : {}),
          });
        const hidden = await call(true);
        const missing = await call(false);
        const hid = Number(/\/(\d+)/.exec(r.url(true))?.[1]);
        expect(hidden.statusCode, `${r.method} ${r.path}`).not.toBeLessThan(300);
        expect(leaks(hidden.body), `${r.method} ${r.path}`).toEqual([]);
        expect(shape(hidden, hid).status, `${r.method} ${r.path}`).toBe(missing.statusCode);
        expect(shape(hidden, hid).body.replaceAll(String(ids.nsl), '<id>'), `${r.method} ${r.path}`).toBe(
          missing.body.replaceAll(String(MISSING), '<id>'),
        );
        walked.push(`${r.method} ${r.path}`);
      }
      // Request ids in a body: the bulk action refuses a hidden one as it refuses a missing one.
      const bulk = (id: number) =>
        app.inject({
          method: 'POST',
          url: '/api/v1/due/bulk',
          headers: { authorization: `Bearer ${tokens[role]}` },
          payload: { action: 'mark_reviewed', request_ids: [id] },
        });
      const [hb, mb] = [await bulk(ids.nsl), await bulk(MISSING)];
      expect(hb.statusCode).toBe(mb.statusCode);
      expect(hb.body.replaceAll(String(ids.nsl), '<id>')).toBe(mb.body.replaceAll(String(MISSING), '<id>'));
      expect(walked).toContain('GET /api/v1/requests/{id}');
      expect(walked).toContain('GET /api/v1/requests/{id}/audit');
      expect(walked).toContain('GET /api/v1/documents/{id}');
      expect(walked).toContain('GET /api/v1/productions/{id}');
      expect(walked).toContain('POST /api/v1/requests/{id}/comments');
      expect(walked).toContain('GET /api/v1/requests/{id}/correspondence');
    });

    it(`as ${role}: no list, search or count names a restricted request or its agency`, async () => {
      const get = (url: string) =>
        app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${tokens[role]}` } });
      for (const r of apiRoutes()) {
        if (r.method !== 'GET' || /\{/.test(r.path)) continue;
        const res = await get(r.path);
        expect(leaks(res.body), r.path).toEqual([]);
      }
      for (const q of ['NSL-ZETA', 'SW-QUILL', 'Zeta', 'Quill']) {
        const res = await get(`/api/v1/requests?q=${q}`);
        expect(res.json().items, q).toEqual([]);
      }
      const list = await get('/api/v1/requests?limit=500');
      expect(list.body).toContain(OPEN.ref);
      expect((await get('/api/v1/due?limit=1000')).body).toContain(OPEN.ref);
      expect((await get('/api/v1/me')).json()).toMatchObject({ restricted: false });
    });
  }

  it('with the grant: the same routes show the restricted requests', async () => {
    const get = (url: string) =>
      app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${tokens.cleared}` } });
    const list = await get('/api/v1/requests?limit=500');
    for (const x of SECRETS) expect(list.body).toContain(x);
    expect((await get(`/api/v1/requests/${ids.nsl}`)).json()).toMatchObject({
      external_ref: NSL.ref,
      restricted: true,
    });
    expect((await get(`/api/v1/requests/${ids.marked}/audit`)).statusCode).toBe(200);
    expect((await get(`/api/v1/documents/${ids.doc}`)).statusCode).toBe(200);
    expect((await get(`/api/v1/productions/${ids.production}`)).statusCode).toBe(200);
    expect((await get('/api/v1/due?limit=1000')).body).toContain(NSL.ref);
    expect((await get('/api/v1/me')).json()).toMatchObject({ restricted: true });
  });
});

/** Web routes: the request's id for `:id` where the route is a request's, and the ids hanging off it. */
function webUrl(p: string, hidden: boolean): string | null {
  if (/^\/(admin|intake|setup|reports|login|logout|account)/.test(p) || p.includes(':period')) return null;
  if (/:(sid|rid)\b/.test(p)) return null; // portal submissions and releases: none on these requests
  const id = (kind: keyof typeof ids) => String(hidden ? ids[kind] : MISSING);
  if (p.startsWith('/requests/:id')) {
    const holds = /:(holdId|ndoId)/.test(p);
    return p
      .replace(':id', holds ? String(hidden ? ids.nsl : MISSING) : id('marked'))
      .replace(':holdId', id('hold'))
      .replace(':ndoId', id('ndo'));
  }
  if (p.startsWith('/documents/:id')) return p.replace(':id', id('doc'));
  if (p.startsWith('/productions/:id')) return p.replace(':id', id('production'));
  if (p.includes(':')) throw new Error(`classify the web route ${p}: which request does its id belong to?`);
  return p;
}

describe('the web app, as users without the grant', () => {
  for (const role of UNGRANTED) {
    it(`as ${role}: every page and form hides the restricted requests; their ids answer as missing ones`, async () => {
      const w = web[role]!;
      let walked = 0;
      for (const r of WEB_ROUTES) {
        const hiddenUrl = webUrl(r.path, true);
        if (!hiddenUrl) continue;
        if (!r.path.includes(':')) {
          if (r.method !== 'GET') continue;
          const res = await w.get(hiddenUrl);
          expect(leaks(res.body), r.path).toEqual([]);
          walked++;
          continue;
        }
        const missingUrl = webUrl(r.path, false)!;
        const call = async (url: string) => {
          if (r.method === 'GET') return w.get(url);
          await w.get('/account');
          return w.post(url, { version: '1', reason: 'walking the restricted routes', to: 'in_review' });
        };
        const hidden = await call(hiddenUrl);
        const missing = await call(missingUrl);
        expect(hidden.statusCode, `${r.method} ${r.path}`).toBe(missing.statusCode);
        expect(hidden.statusCode, `${r.method} ${r.path}`).not.toBeLessThan(300);
        expect(leaks(hidden.body), `${r.method} ${r.path}`).toEqual([]);
        walked++;
      }
      expect(walked).toBeGreaterThan(20);
      for (const q of ['NSL-ZETA', 'SW-QUILL', 'Zeta', 'Quill']) {
        expect(leaks((await w.get(`/requests?q=${q}`)).body), q).toEqual([]);
        expect(leaks((await w.get(`/web/agencies?q=${q}`)).body), q).toEqual([]);
      }
      const dash = await w.get('/');
      expect(dash.body).toContain('restricted-note');
      expect((await w.get('/requests')).body).toContain(OPEN.ref);
    });
  }

  it('with the grant: the list, the page and the dashboard show them', async () => {
    const w = web.cleared;
    const list = await w.get('/requests');
    for (const x of SECRETS) expect(list.body).toContain(x);
    expect((await w.get(`/requests/${ids.nsl}`)).statusCode).toBe(200);
    expect((await w.get(`/documents/${ids.doc}/download`)).statusCode).toBe(200);
    expect((await w.get('/')).body).not.toContain('restricted-note');
  });
});

describe('granting and revoking', () => {
  it('is done by admins, with a reason, and audited; an admin is not granted by being one', async () => {
    const admin = { label: `user:${people.admin.id}`, userId: people.admin.id, role: 'admin' as const };
    expect(await s.users.seesRestricted(admin)).toBe(false);
    await expect(s.requests.get(admin, ids.nsl)).rejects.toMatchObject({ code: 'not_found' });
    // The admin grants themselves: allowed, and the log names them.
    const put = await app.inject({
      method: 'PUT',
      url: `/api/v1/users/${people.admin.id}/restricted-grant`,
      headers: { authorization: `Bearer ${tokens.admin}` },
      payload: { reason: 'covering the docket this week' },
    });
    expect(put.json()).toMatchObject({ changed: true, restricted: true });
    expect((await s.requests.get(admin, ids.nsl)).external_ref).toBe(NSL.ref);
    const del = await app.inject({
      method: 'DELETE',
      url: `/api/v1/users/${people.admin.id}/restricted-grant`,
      headers: { authorization: `Bearer ${tokens.admin}` },
      payload: { reason: 'back to ordinary work' },
    });
    expect(del.json()).toMatchObject({ changed: true, restricted: false });
    await expect(s.requests.get(admin, ids.nsl)).rejects.toMatchObject({ code: 'not_found' });
    const events = await s.audit.timeline(actor('admin'), 'user', people.admin.id);
    expect(events.map((e) => e.action).filter((a) => a.startsWith('restricted.'))).toEqual([
      'restricted.grant',
      'restricted.revoke',
    ]);
    expect(events.find((e) => e.action === 'restricted.grant')!.actor).toContain(String(people.admin.id));
    // Not an admin: refused. No reason: refused.
    const handler = await app.inject({
      method: 'PUT',
      url: `/api/v1/users/${people.handler.id}/restricted-grant`,
      headers: { authorization: `Bearer ${tokens.handler}` },
      payload: { reason: 'let me in' },
    });
    expect(handler.statusCode).toBe(403);
    await expect(s.users.grantRestricted(actor('admin'), people.handler.id, '')).rejects.toMatchObject({
      code: 'invalid',
    });
  });

  it('only a user with the grant records or marks a restricted matter', async () => {
    const handler = {
      label: `user:${people.handler.id}`,
      userId: people.handler.id,
      role: 'handler' as const,
    };
    const cleared = {
      label: `user:${people.cleared.id}`,
      userId: people.cleared.id,
      role: 'approver' as const,
    };
    await expect(
      s.requests.create(
        handler,
        requestInput.parse(requestFactory({ process_type: 'national_security_letter' })),
      ),
    ).rejects.toMatchObject({ code: 'forbidden' });
    const open = await s.requests.get(handler, ids.open);
    await expect(
      s.requests.update(handler, ids.open, open.version, { restricted: true }),
    ).rejects.toMatchObject({
      code: 'forbidden',
    });
    const marked = await s.requests.update(cleared, ids.open, open.version, { restricted: true });
    expect(marked.restricted).toBe(true);
    await expect(s.requests.get(handler, ids.open)).rejects.toMatchObject({ code: 'not_found' });
    // The import door: a restricted row needs an importer with the grant, whichever way it is restricted.
    const dir = mkdtempSync(path.join(os.tmpdir(), 'candor-restricted-import-'));
    try {
      const file = path.join(dir, 'rows.csv');
      const header =
        'external_ref,received_at,agency_name,agency_kind,agency_level,country,process_type,data_sought,accounts,restricted';
      writeFileSync(
        file,
        `${header}\nIMP-R1,2026-01-05,Quill Special Prosecutor,law_enforcement,federal,US,search_warrant,basic_subscriber,AC9,true\n` +
          `IMP-R2,2026-01-05,Zeta Counterintelligence Unit,law_enforcement,federal,US,national_security_letter,basic_subscriber,AC9,\n`,
      );
      const refused = await s.imports.importFile(handler, file).catch((e: unknown) => e);
      expect(refused).toMatchObject({ code: 'invalid' });
      expect(JSON.stringify(refused)).toMatch(/restricted-matters grant/);
      expect(await s.requests.findIdByRef(cleared, 'IMP-R1')).toBeUndefined();
      await s.imports.importFile(cleared, file);
      const id = (await s.requests.findIdByRef(cleared, 'IMP-R1'))!;
      expect((await s.requests.get(cleared, id)).restricted).toBe(true);
      expect(await s.requests.findIdByRef(handler, 'IMP-R1')).toBeUndefined();
      expect(await s.requests.findIdByRef(handler, 'IMP-R2')).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const back = await s.requests.update(cleared, ids.open, marked.version, { restricted: false });
    expect(back.restricted).toBe(false);
    expect((await s.requests.get(handler, ids.open)).external_ref).toBe(OPEN.ref);
  });
});

describe('the migration', () => {
  it('restricts the national-security process already recorded, and only it', async () => {
    const own = await testDatabase();
    try {
      const svc = servicesFor(own);
      const nsl = (
        await svc.requests.create(
          actor('admin'),
          requestInput.parse(
            requestFactory({ process_type: 'fisa_content_order', data_sought: ['content'] }),
          ),
        )
      ).id;
      const other = (await svc.requests.create(actor('admin'), requestInput.parse(requestFactory()))).id;
      // Back to before restricted matters existed, then forward again, as an upgrade runs it.
      await migration.down(own.db as never);
      await migration.up(own.db as never);
      const rows = await sql<{ id: number; restricted: boolean }>`
        select id, restricted from requests where id in (${nsl}, ${other}) order by id`.execute(own.db);
      expect(rows.rows.map((r) => [Number(r.id), r.restricted])).toEqual([
        [nsl, true],
        [other, false],
      ]);
    } finally {
      await own.close();
    }
  });
});

describe('the web forms', () => {
  it('let a grant holder mark a request restricted and clear the mark; a user without the grant is refused', async () => {
    const version = async () => String((await s.requests.get(actor('admin'), ids.open)).version);
    await web.handler.get(`/requests/${ids.open}/edit`);
    const refused = await web.handler.post(`/requests/${ids.open}/edit`, {
      version: await version(),
      restricted: 'yes',
    });
    expect(refused.statusCode).toBe(403);
    await web.cleared.get(`/requests/${ids.open}/edit`);
    const marked = await web.cleared.post(`/requests/${ids.open}/edit`, {
      version: await version(),
      restricted: 'yes',
    });
    expect(marked.statusCode).toBeLessThan(400);
    expect((await web.handler.get(`/requests/${ids.open}`)).statusCode).toBe(404);
    expect((await web.cleared.get(`/requests/${ids.open}`)).body).toContain('Restricted');
    await web.cleared.get(`/requests/${ids.open}/edit`);
    await web.cleared.post(`/requests/${ids.open}/edit`, { version: await version(), restricted: 'no' });
    expect((await web.handler.get(`/requests/${ids.open}`)).statusCode).toBe(200);
  });
});

describe('the CLI', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'candor-restricted-cli-'));
  const saved = { ...process.env };
  let other: TestDb | undefined;
  beforeAll(async () => {
    if (inject('engine') === 'postgres') {
      other = await testDatabase();
      process.env.DATABASE_URL = String(other.pgConfig.connectionString);
    } else {
      delete process.env.DATABASE_URL;
      process.env.CANDOR_DATA_DIR = path.join(dir, 'data');
    }
    delete process.env.CANDOR_AS;
  });
  afterAll(async () => {
    process.env = saved;
    await other?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function run(as: string | null, ...argv: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    if (as) process.env.CANDOR_AS = as;
    else delete process.env.CANDOR_AS;
    const o = vi.spyOn(process.stdout, 'write').mockImplementation((x) => (out.push(String(x)), true));
    const e = vi.spyOn(process.stderr, 'write').mockImplementation((x) => (err.push(String(x)), true));
    try {
      const code = await main(argv);
      return { code, out: out.join(''), err: err.join('') };
    } finally {
      o.mockRestore();
      e.mockRestore();
      delete process.env.CANDOR_AS;
    }
  }
  const add = (ref: string, agencyName: string, processType: string, ...more: string[]) =>
    run(
      null,
      'request',
      'add',
      '--external-ref',
      ref,
      '--received-at',
      new Date().toISOString().slice(0, 10),
      '--agency-name',
      agencyName,
      '--agency-kind',
      'law_enforcement',
      '--agency-level',
      'federal',
      '--country',
      'US',
      '--process-type',
      processType,
      '--data-sought',
      'basic_subscriber',
      '--accounts',
      'AC1',
      ...more,
    );

  it('hides restricted requests from a named user without the grant in every read command', async () => {
    expect((await run(null, 'db', 'migrate')).code).toBe(0);
    const idOf = (r: { out: string }) => /recorded request (\d+)/.exec(r.out)?.[1] ?? '';
    const nsl = idOf(await add(NSL.ref, NSL.agency, 'national_security_letter'));
    const marked = idOf(await add(MARKED.ref, MARKED.agency, 'search_warrant', '--restricted', 'true'));
    const open = idOf(await add(OPEN.ref, OPEN.agency, 'grand_jury_subpoena'));
    expect([nsl, marked, open].every(Boolean)).toBe(true);
    expect((await run(null, 'user', 'add', 'h@example.com', '--role', 'handler')).code).toBe(0);
    expect((await run(null, 'user', 'add', 'c@example.com', '--role', 'approver')).code).toBe(0);
    const granted = await run(null, 'user', 'grant-restricted', 'c@example.com', '--reason', 'NS docket');
    expect(granted.out).toMatch(/now sees restricted matters/);

    const reads = (id: string) => [
      ['request', 'list', '--json', '--limit', '500'],
      ['request', 'list', '--q', 'Zeta'],
      ['due', '--json'],
      ['request', 'show', id],
      ['document', 'list', id, '--json'],
      ['production', 'list', id, '--json'],
    ];
    for (const id of [nsl, marked]) {
      for (const argv of reads(id)) {
        const r = await run('h@example.com', ...argv);
        expect(leaks(r.out + r.err), argv.join(' ')).toEqual([]);
        if (argv.includes(id)) {
          const missing = await run('h@example.com', ...argv.map((a) => (a === id ? String(MISSING) : a)));
          expect(r.code, argv.join(' ')).toBe(missing.code);
          expect(r.err.replaceAll(id, '<id>')).toBe(missing.err.replaceAll(String(MISSING), '<id>'));
        }
      }
    }
    expect((await run('h@example.com', 'request', 'list', '--json')).out).toContain(OPEN.ref);
    const cleared = await run('c@example.com', 'request', 'list', '--json', '--limit', '500');
    for (const x of SECRETS) expect(cleared.out).toContain(x);
    expect(JSON.parse((await run('c@example.com', 'request', 'show', nsl)).out)).toMatchObject({
      external_ref: NSL.ref,
      restricted: true,
    });
    const revoked = await run(
      null,
      'user',
      'revoke-restricted',
      'c@example.com',
      '--reason',
      'left the docket',
    );
    expect(revoked.out).toMatch(/no longer sees/);
    expect((await run('c@example.com', 'request', 'show', nsl)).code).not.toBe(0);
    // Some forty commands, each opening the database (a PGlite engine, or a PostgreSQL pool) afresh.
  }, 240_000);
});
