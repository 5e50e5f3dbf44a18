import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CandorError } from '../../src/errors.ts';
import { buildApp } from '../../src/http/app.ts';
import type { Services } from '../../src/services/index.ts';
import { actor, servicesFor, testClock, testConfig, testDatabase, type TestDb } from '../helpers/db.ts';
import { requestFactory } from '../helpers/factories.ts';

// Issue 19.8, 16.1, 16.2: the DSA keyword, the legal basis and the state-actor type of a content demand,
// through the importer, the API and PATCH (one schema: src/domain/request-input.ts).

let t: TestDb;
let s: Services;
let app: FastifyInstance;
let token = '';
const admin = actor('admin');
const dir = mkdtempSync(path.join(os.tmpdir(), 'candor-content-demands-'));
const clock = testClock('2026-12-06T10:00:00Z');

beforeAll(async () => {
  t = await testDatabase();
  s = servicesFor(t, clock);
  app = await buildApp({ config: testConfig, services: s });
  token = (await s.users.add(admin, 'content-admin@example.com', 'admin')).token;
});
afterAll(async () => {
  await app?.close();
  await t?.close();
});

const auth = () => ({ authorization: `Bearer ${token}` });
const takedown = (over: Record<string, unknown> = {}) => ({
  ...requestFactory({ process_type: 'takedown_request' }),
  agency: { name: 'Bundesministerium des Innern', kind: 'executive', level: 'federal', country: 'DE' },
  channel: 'dsa_art_9',
  dsa_category: 'STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH',
  ...over,
});

describe('a content demand through the API and PATCH', () => {
  it('records the keyword, the basis, the law and an executive agency, and PATCH changes them', async () => {
    const created = await app.inject({
      method: 'POST',
      url: '/api/v1/requests',
      headers: auth(),
      payload: takedown({
        dsa_keyword: 'KEYWORD_HATE_SPEECH',
        restriction_basis: 'local_law',
        restriction_law: 'StGB § 130',
      }),
    });
    expect(created.statusCode).toBe(201);
    const r = created.json();
    expect(r).toMatchObject({
      dsa_keyword: 'KEYWORD_HATE_SPEECH',
      dsa_keyword_other: null,
      restriction_basis: 'local_law',
      restriction_law: 'StGB § 130',
      agency: { kind: 'executive' },
    });

    const patched = await app.inject({
      method: 'PATCH',
      url: `/api/v1/requests/${r.id}`,
      headers: auth(),
      payload: {
        version: r.version,
        dsa_keyword: 'KEYWORD_OTHER',
        dsa_keyword_other: 'Insult of a public official',
        restriction_basis: 'provider_terms',
        restriction_law: null,
      },
    });
    expect(patched.statusCode).toBe(200);
    const p = patched.json();
    expect(p).toMatchObject({
      dsa_keyword: 'KEYWORD_OTHER',
      dsa_keyword_other: 'Insult of a public official',
      restriction_basis: 'provider_terms',
      restriction_law: null,
    });

    // A keyword of another category, a category changed under the keyword, a basis on a request that
    // restricts nothing, a law without a local-law basis: each refused, naming the field; nothing changes.
    for (const [payload, field, message] of [
      [{ dsa_keyword: 'KEYWORD_PHISHING' }, 'dsa_keyword', /KEYWORD_PHISHING is not a sub-category of/],
      [
        { dsa_category: 'STATEMENT_CATEGORY_SCAMS_AND_FRAUD', dsa_keyword: 'KEYWORD_DEFAMATION' },
        'dsa_keyword',
        /STATEMENT_CATEGORY_SCAMS_AND_FRAUD/,
      ],
      [
        { process_type: 'subpoena', channel: 'domestic', demand_kind: 'disclose' },
        'restriction_basis',
        /restrict content/,
      ],
      [{ restriction_law: 'StGB' }, 'restriction_law', /local_law/],
      [{ restriction_basis: 'treaty' }, 'restriction_basis', /local_law/],
    ] as const) {
      const bad = await app.inject({
        method: 'PATCH',
        url: `/api/v1/requests/${r.id}`,
        headers: auth(),
        payload: { version: p.version, ...payload },
      });
      expect(bad.statusCode).toBe(400);
      const issue = bad
        .json()
        .error.issues.find((i: { field: string }) => i.field.split('.')[0] === field) as { message: string };
      expect(issue.message).toMatch(message);
    }
    expect(await s.requests.get(admin, r.id)).toMatchObject({
      version: p.version,
      dsa_keyword: 'KEYWORD_OTHER',
      restriction_basis: 'provider_terms',
    });
  });

  it('refuses a keyword without a category at intake, naming the field', async () => {
    const bad = await app.inject({
      method: 'POST',
      url: '/api/v1/requests',
      headers: auth(),
      payload: takedown({ dsa_category: null, dsa_keyword: 'KEYWORD_DEFAMATION' }),
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.issues).toContainEqual(
      expect.objectContaining({
        field: 'dsa_keyword',
        message: expect.stringMatching(/needs a dsa_category/),
      }),
    );
  });
});

describe('a content demand through the importer', () => {
  const HEADER =
    'external_ref,received_at,agency_name,agency_kind,agency_level,country,process_type,dsa_category,dsa_keyword,dsa_keyword_other,restriction_basis,restriction_law';

  it('imports the fields and the legislature kind', async () => {
    const p = path.join(dir, 'good.csv');
    writeFileSync(
      p,
      `${HEADER}\r\n` +
        'CD-1,2026-03-02,Bundestag Petitionsausschuss,legislature,federal,DE,takedown_request,STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY,KEYWORD_OTHER,Unlicensed gambling,local_law,GlüStV 2021\r\n',
    );
    await s.imports.importFile(admin, p);
    const id = await s.requests.findIdByRef(admin, 'CD-1');
    expect(await s.requests.get(admin, id!)).toMatchObject({
      agency: { kind: 'legislature' },
      dsa_keyword: 'KEYWORD_OTHER',
      dsa_keyword_other: 'Unlicensed gambling',
      restriction_basis: 'local_law',
      restriction_law: 'GlüStV 2021',
    });
  });

  it('refuses a keyword outside its category and a bad basis by line and column, importing nothing', async () => {
    const p = path.join(dir, 'bad.csv');
    writeFileSync(
      p,
      `${HEADER}\r\n` +
        'CD-2,2026-03-02,Agency,court,state,DE,takedown_request,STATEMENT_CATEGORY_VIOLENCE,KEYWORD_HATE_SPEECH,,,\r\n' +
        'CD-3,2026-03-02,Agency,court,state,DE,subpoena,,,,provider_terms,\r\n' +
        'CD-4,2026-03-02,Agency,court,state,DE,takedown_request,,,,law,\r\n',
    );
    const e = await s.imports.importFile(admin, p).then(
      () => new Error('expected the import to fail'),
      (x: unknown) => x,
    );
    if (!(e instanceof CandorError)) throw e;
    expect(e.issues.map((i) => [i.line, i.field])).toEqual(
      expect.arrayContaining([
        [2, 'dsa_keyword'],
        [3, 'restriction_basis'],
        [4, 'restriction_basis'],
      ]),
    );
    expect(e.issues.find((i) => i.line === 2)?.message).toContain('STATEMENT_CATEGORY_VIOLENCE');
    expect(await s.requests.findIdByRef(admin, 'CD-2')).toBeUndefined();
  });
});
