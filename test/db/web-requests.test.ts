import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestInput } from '../../src/domain/request-input.ts';
import { buildApp } from '../../src/http/app.ts';
import type { Services } from '../../src/services/index.ts';
import { actor, servicesFor, testClock, testConfig, testDatabase, type TestDb } from '../helpers/db.ts';
import { requestFactory } from '../helpers/factories.ts';
import { userWithPassword, WebClient } from '../helpers/web.ts';

let t: TestDb;
let s: Services;
let app: FastifyInstance;
let web: WebClient;

beforeAll(async () => {
  t = await testDatabase();
  s = servicesFor(t, testClock('2026-02-01T10:00:00Z'));
  app = await buildApp({ config: testConfig, services: s });
  web = new WebClient(app);
  await web.signIn((await userWithPassword(s, 'handler')).email);
});
afterAll(async () => {
  await app?.close();
  await t?.close();
});

const refsIn = (html: string) =>
  [...html.matchAll(/<a href="\/requests\/\d+">(PAGE-\d+)<\/a>/g)].map((m) => m[1]);

describe('the intake form', () => {
  it('shows each server-side error beside its field and keeps what was typed', async () => {
    await web.get('/requests/new');
    const res = await web.post('/requests', {
      external_ref: 'KEEP-1',
      received_at: '',
      process_type: 'subpoena',
      'agency.name': 'Kept Agency',
      'agency.kind': 'court',
      'agency.level': 'state',
      'agency.country': 'USA',
      data_sought: ['content'],
      accounts: 'AC-kept',
      notice_status: 'prohibited_by_order',
    });
    expect(res.statusCode).toBe(400);
    const field = (name: string) =>
      new RegExp(`<div class="field has-error[^"]*"><label for="f-${name}"[\\s\\S]*?<p class="error"`);
    expect(res.body).toMatch(field('received-at'));
    expect(res.body).toMatch(field('agency-country'));
    expect(res.body).toContain(
      'a non-disclosure order is required when notice_status is prohibited_by_order',
    );
    expect(res.body).toContain('value="KEEP-1"');
    expect(res.body).toContain('value="Kept Agency"');
    expect(res.body).toContain('<option value="court" selected>');
    expect(res.body).toContain('value="content" checked');
    expect(res.body).toContain('AC-kept</textarea>');
  });

  it('records a request from every section of the form, then shows it with guidance and history', async () => {
    await web.get('/requests/new');
    const res = await web.post('/requests', {
      external_ref: 'FORM-1',
      received_at: '2026-01-20T10:15',
      delivered_via: 'email',
      process_type: 'grand_jury_subpoena',
      legal_authority: '18 U.S.C. 2703(c)(2)',
      case_class: 'criminal',
      channel: 'domestic',
      data_sought: ['basic_subscriber', 'content'],
      'agency.name': 'Form Field Office',
      'agency.kind': 'law_enforcement',
      'agency.level': 'federal',
      'agency.country': 'us',
      'agency.subdivision': 'US-CA',
      issuer: 'Grand jury, N.D. Cal.',
      requester_class: 'government',
      accounts: 'AC-1\nAC-2',
      identifiers: '+1 415 555 0100 => AC-1\nperson@example.com',
      emergency: 'on',
      emergency_basis: 'Threat to life, verified by call-back',
      'ndo.present': 'on',
      'ndo.authority': 'sca_2705b',
      'ndo.issuing_court': 'N.D. Cal.',
      'ndo.issued_at': '2026-01-19',
      'ndo.expires_at': '2027-01-19',
      'ndo.ground': 'evidence',
      data_location: 'us',
      notes: 'Two lines\nof notes',
    });
    expect(res.statusCode, res.body.slice(0, 500)).toBe(303);
    const id = Number(/\/requests\/(\d+)/.exec(res.headers.location as string)?.[1]);
    const r = await s.requests.get(actor('viewer'), id);
    expect(r).toMatchObject({
      received_at: '2026-01-20T10:15:00.000Z',
      emergency: true,
      data_sought: ['basic_subscriber', 'content'],
      accounts_specified: 2,
      identifiers_specified: 4,
      agency: { country: 'US', subdivision: 'US-CA' },
      nondisclosure_orders: [
        { authority: 'sca_2705b', ground: 'evidence', expires_at: '2027-01-19T00:00:00.000Z' },
      ],
    });
    const page = await web.get(res.headers.location as string);
    expect(page.body).toContain('The request was recorded.');
    expect(page.body).toContain('may compel basic subscriber information only'.slice(0, 20));
    expect(page.body).toContain('which a grand jury subpoena may not compel');
    expect(page.body).toContain('A US authority uses domestic process');
    expect(page.body).toContain('Recorded');

    // The dashboard leads with what is due: this emergency's follow-up legal process, linked to it (in
    // everyone's work: a handler lands on her own, and nobody is assigned yet).
    const dashboard = (await web.get('/?mine=0&within=all')).body;
    expect(dashboard.indexOf('id="due"')).toBeLessThan(dashboard.indexOf('id="counts"'));
    expect(dashboard).toMatch(new RegExp(`<a href="/requests/${id}">FORM-1</a>`));
  });

  it('refuses a duplicate external reference beside the field', async () => {
    await web.get('/requests/new');
    const res = await web.post('/requests', {
      external_ref: 'FORM-1',
      received_at: '2026-01-20T10:15',
      process_type: 'subpoena',
      'agency.name': 'Dup',
      'agency.kind': 'court',
      'agency.level': 'state',
      'agency.country': 'US',
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toMatch(/f-external-ref[\s\S]*?<p class="error"[^>]*>already recorded/);
  });
});

describe('a content demand through the forms (issues 16.1, 19.8)', () => {
  const takedown = {
    received_at: '2026-01-21T09:00',
    process_type: 'takedown_request',
    channel: 'dsa_art_9',
    demand_kind: 'restrict_content',
    'agency.name': 'Landgericht Form',
    'agency.kind': 'court',
    'agency.level': 'state',
    'agency.country': 'DE',
    dsa_category: 'STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH',
  };
  const fieldError = (name: string) =>
    new RegExp(
      `<div class="field has-error[^"]*"><label for="f-${name}"[\\s\\S]*?<p class="error"[^>]*>([^<]*)`,
    );

  it('records the basis, the law and the DSA keyword, shows them, and corrects them through the edit form', async () => {
    const form = (await web.get('/requests/new')).body;
    // The keywords are grouped under their category.
    expect(form).toMatch(
      /<optgroup label="Illegal or harmful speech">[\s\S]*?<option value="KEYWORD_HATE_SPEECH">/,
    );
    const res = await web.post('/requests', {
      ...takedown,
      external_ref: 'TAKE-1',
      restriction_basis: 'local_law',
      restriction_law: 'NetzDG § 3',
      dsa_keyword: 'KEYWORD_HATE_SPEECH',
    });
    expect(res.statusCode, res.body.slice(0, 500)).toBe(303);
    const id = Number(/\/requests\/(\d+)/.exec(res.headers.location as string)?.[1]);
    expect(await s.requests.get(actor('viewer'), id)).toMatchObject({
      restriction_basis: 'local_law',
      restriction_law: 'NetzDG § 3',
      dsa_keyword: 'KEYWORD_HATE_SPEECH',
    });
    const page = (await web.get(`/requests/${id}`)).body;
    expect(page).toMatch(/<dt>Basis of the restriction demand<\/dt>\s*<dd>A local law<\/dd>/);
    expect(page).toMatch(/<dt>Law the demand cites<\/dt>\s*<dd>NetzDG § 3<\/dd>/);
    expect(page).toMatch(/<dt>DSA sub-category<\/dt>\s*<dd>Hate speech<\/dd>/);

    const edit = await web.get(`/requests/${id}/edit`);
    expect(edit.body).toContain('<option value="KEYWORD_HATE_SPEECH" selected>');
    const version = /name="version" value="(\d+)"/.exec(edit.body)?.[1] ?? '';
    const shown = (n: string) => new RegExp(`name="${n}"[^>]*value="([^"]*)"`).exec(edit.body)?.[1] ?? '';
    const corrected = await web.post(`/requests/${id}/edit`, {
      version,
      'agency.name': 'Landgericht Form',
      'agency.kind': 'court',
      'agency.level': 'state',
      'agency.country': 'DE',
      process_type: 'takedown_request',
      channel: 'dsa_art_9',
      requester_class: 'government',
      restricted: 'no',
      received_at: shown('received_at'),
      restriction_basis: 'provider_terms',
      restriction_law: '',
      dsa_category: 'STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH',
      dsa_keyword: 'KEYWORD_OTHER',
      dsa_keyword_other: 'Insult of a public official',
    });
    expect(corrected.statusCode, corrected.body.slice(0, 800)).toBe(303);
    expect(await s.requests.get(actor('viewer'), id)).toMatchObject({
      restriction_basis: 'provider_terms',
      restriction_law: null,
      dsa_keyword: 'KEYWORD_OTHER',
      dsa_keyword_other: 'Insult of a public official',
    });
  });

  it('refuses a keyword of another category beside its field, and records nothing', async () => {
    await web.get('/requests/new');
    const res = await web.post('/requests', {
      ...takedown,
      external_ref: 'TAKE-2',
      restriction_basis: 'local_law',
      dsa_keyword: 'KEYWORD_PHISHING',
    });
    expect(res.statusCode).toBe(400);
    expect(fieldError('dsa-keyword').exec(res.body)?.[1]).toContain(
      'KEYWORD_PHISHING is not a sub-category of STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH',
    );
    // What was typed is kept: the wrong keyword stays chosen for the handler to correct.
    expect(res.body).toContain('<option value="KEYWORD_PHISHING" selected>');
    expect(res.body).toContain('<option value="local_law" selected>');
    const list = await web.get('/requests?q=TAKE-2');
    expect(list.body).not.toContain('>TAKE-2<');
  });
});

describe('the request page', () => {
  it('names the 2703(h)(2) motion-to-quash deadline for content process on a non-US person', async () => {
    const create = (target_us_person: boolean) =>
      s.requests.create(
        actor('admin'),
        requestInput.parse(
          requestFactory({ process_type: 'search_warrant', data_sought: ['content'], target_us_person }),
        ),
      );
    const foreign = await web.get(`/requests/${(await create(false)).id}`);
    expect(foreign.body).toMatch(/<strong>Motion to quash\.<\/strong>[\s\S]*?2703\(h\)\(2\)/);
    const domestic = await web.get(`/requests/${(await create(true)).id}`);
    expect(domestic.body).not.toContain('Motion to quash.');
  });
});

describe('the requests list', () => {
  beforeAll(async () => {
    for (let i = 0; i < 120; i++) {
      const day = String(1 + (i % 28)).padStart(2, '0');
      await s.requests.create(
        actor('admin'),
        requestInput.parse(
          requestFactory({
            external_ref: `PAGE-${String(i).padStart(3, '0')}`,
            received_at: `2025-0${1 + (i % 6)}-${day}T0${i % 10}:00:00Z`,
            process_type: i % 3 === 0 ? 'search_warrant' : 'subpoena',
          }),
        ),
      );
    }
  });

  it('walks every page forwards and back by keyset, without gaps or repeats', async () => {
    let url = '/requests?q=PAGE-&sort=external_ref&dir=asc';
    const seen: string[] = [];
    const pages: string[] = [];
    for (;;) {
      const res = await web.get(url);
      pages.push(url);
      seen.push(...(refsIn(res.body) as string[]));
      const next = /<a href="([^"]+)" rel="next">/.exec(res.body)?.[1];
      if (!next) break;
      url = next.replaceAll('&amp;', '&');
    }
    expect(seen).toEqual(Array.from({ length: 120 }, (_, i) => `PAGE-${String(i).padStart(3, '0')}`));
    expect(pages).toHaveLength(3);
    const last = await web.get(url);
    const prev = /<a href="([^"]+)" rel="prev">/.exec(last.body)?.[1] as string;
    const back = await web.get(prev.replaceAll('&amp;', '&'));
    expect(refsIn(back.body)).toEqual(seen.slice(50, 100));
    expect(back.body).toMatch(/rel="prev"/);
  });

  it('filters by process type and received range, newest first', async () => {
    const res = await web.get('/requests?q=PAGE-&process_type=search_warrant&from=2025-01-01&to=2025-01-31');
    const refs = refsIn(res.body) as string[];
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) expect(Number(ref.slice(5)) % 6).toBe(0);
    expect(refs).toHaveLength(20);
    expect(res.body).toContain('<option value="search_warrant" selected>');
  });

  it('answers a bad filter with a 400 page, not a crash', async () => {
    const res = await web.get('/requests?status=nonsense');
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('The filter is not valid');
  });
});
