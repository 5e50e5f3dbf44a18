import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IMPORT_COLUMNS, requestToRow } from '../../src/domain/import-row.ts';
import { requestInput, type RequestInput } from '../../src/domain/request-input.ts';
import type { DataSought, Role } from '../../src/domain/vocabulary.ts';
import { buildApp } from '../../src/http/app.ts';
import type { Services } from '../../src/services/index.ts';
import { actor, servicesFor, testClock, testConfig, testDatabase, type TestDb } from '../helpers/db.ts';
import { requestFactory } from '../helpers/factories.ts';
import { userWithPassword, WebClient } from '../helpers/web.ts';
import { refusal, userActor } from '../helpers/workflow.ts';

// Every statutory bar, through every door, for every role that may record a response: intake by the API and
// the web form, import with an override reason, PATCH (API and the web correction form) and the workflow's
// respond with an approver's override. None lifts a bar; a refused write leaves nothing behind.
let t: TestDb;
let s: Services;
let app: FastifyInstance;
const web: Partial<Record<Role, WebClient>> = {};
const tokens: Partial<Record<Role, string>> = {};
const clock = testClock('2026-02-01T10:00:00Z');
const ROLES = ['handler', 'approver', 'admin'] as const;
const dir = mkdtempSync(path.join(os.tmpdir(), 'candor-bars-'));
const REASON = 'Approved by the General Counsel in writing after review';

beforeAll(async () => {
  t = await testDatabase();
  s = servicesFor(t, clock);
  app = await buildApp({ config: testConfig, services: s });
  for (const role of ROLES) {
    tokens[role] = (await s.users.add(actor('admin'), `bars-${role}@example.com`, role)).token;
    web[role] = new WebClient(app);
    await web[role].signIn((await userWithPassword(s, role)).email);
  }
});
afterAll(async () => {
  await app?.close();
  await t?.close();
});

const foreign = (country: string) =>
  ({ name: `Police ${country}`, kind: 'law_enforcement', level: 'national', country }) as const;

/** Each bar as the facts of a request that would produce content, and the rule that refuses it. */
const BARS: Array<{ rule: string; facts: Partial<RequestInput> }> = [
  {
    rule: 'civil_litigant_content',
    facts: {
      process_type: 'civil_subpoena',
      requester_class: 'civil_litigant',
      agency: { name: 'Smith LLP', kind: 'other', level: 'local', country: 'US' },
      data_sought: ['content'],
    },
  },
  {
    rule: 'foreign_content_channel',
    facts: { process_type: 'search_warrant', agency: foreign('DE'), data_sought: ['content'] },
  },
  {
    rule: 'agreement_not_in_force',
    facts: {
      process_type: 'court_order',
      channel: 'executive_agreement',
      agency: foreign('FR'),
      target_us_person: false,
      data_sought: ['content'],
    },
  },
  {
    rule: 'agreement_targets_us_person',
    facts: {
      process_type: 'court_order',
      channel: 'executive_agreement',
      agency: foreign('GB'),
      target_us_person: true,
      data_sought: ['content'],
    },
  },
  {
    rule: 'emergency_content_non_us',
    facts: {
      process_type: 'emergency_request',
      emergency: true,
      emergency_basis: 'A kidnapping in progress; the caller gave the victim a deadline',
      agency: foreign('DE'),
      data_sought: ['content'],
    },
  },
];
const answered = { outcome: 'content_produced', responded_at: '2026-01-20T10:00:00Z' } as const;

async function call(method: 'POST' | 'PATCH', url: string, payload: object, as: Role) {
  const res = await app.inject({ method, url, payload, headers: { authorization: `Bearer ${tokens[as]}` } });
  return { status: res.statusCode, body: res.json() as { error?: { issues?: Array<{ message: string }> } } };
}
const rules = (issues: ReadonlyArray<{ message: string }> | undefined) =>
  (issues ?? []).map((i) => i.message.split(':')[0]);
const count = async (ref: string) =>
  (await t.db.selectFrom('requests').select('id').where('external_ref', '=', ref).execute()).length;
/** The request's outcome and version as stored. */
const stored = (id: number) =>
  t.db.selectFrom('requests').select(['outcome', 'version']).where('id', '=', id).executeTakeFirstOrThrow();

describe.each(BARS)('the bar $rule', ({ rule, facts }) => {
  it('holds at intake through the API and the web form, for every role', async () => {
    for (const as of ROLES) {
      const input = requestFactory({ ...facts, ...answered });
      const res = await call('POST', '/api/v1/requests', input, as);
      expect(res.status).toBe(409);
      expect(rules(res.body.error?.issues)).toContain(rule);
      expect(await count(input.external_ref)).toBe(0);

      const form = requestFactory({ ...facts, ...answered });
      await web[as]!.get('/requests/new');
      const page = await web[as]!.post('/requests', {
        external_ref: form.external_ref,
        received_at: '2026-01-10T09:30',
        process_type: form.process_type,
        'agency.name': form.agency.name,
        'agency.kind': form.agency.kind,
        'agency.level': form.agency.level,
        'agency.country': form.agency.country,
        requester_class: form.requester_class ?? 'government',
        channel: form.channel ?? 'domestic',
        emergency: form.emergency ? 'on' : '',
        emergency_basis: form.emergency_basis ?? '',
        target_us_person: form.target_us_person == null ? '' : form.target_us_person ? 'yes' : 'no',
        data_sought: form.data_sought ?? [],
        accounts: (form.accounts ?? []).join('\n'),
        outcome: 'content_produced',
        responded_at: '2026-01-20T10:00',
      });
      expect(page.statusCode).toBe(400);
      expect(page.body).toContain(`${rule}:`);
      expect(await count(form.external_ref)).toBe(0);
    }
  });

  it('holds on import even with an override reason from an admin, naming the line', async () => {
    const bad = requestToRow(requestInput.parse(requestFactory({ ...facts, ...answered })));
    const good = requestToRow(requestInput.parse(requestFactory()));
    const columns = [...IMPORT_COLUMNS, 'override_reason'];
    const csv = [columns.join(',')]
      .concat(
        [good, bad].map((r) =>
          columns
            .map((c) => {
              const v = c === 'override_reason' ? REASON : String((r as Record<string, string>)[c] ?? '');
              return /[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
            })
            .join(','),
        ),
      )
      .join('\r\n');
    const file = path.join(dir, `${rule}.csv`);
    writeFileSync(file, csv);
    const e = await refusal(s.imports.importFile(actor('admin'), file));
    expect(e.issues.filter((i) => i.line === 3).map((i) => i.message.split(':')[0])).toContain(rule);
    expect(await count(good.external_ref)).toBe(0);
    expect(await count(bad.external_ref)).toBe(0);
  });

  it('holds on PATCH, the web correction form and the workflow, even with an approver override', async () => {
    // The request as first recorded, before any answer: the gate lets it in.
    const open = requestFactory({ ...facts, data_sought: facts.data_sought ?? ['content'] });
    const created = await call('POST', '/api/v1/requests', open, 'admin');
    expect(created.status).toBe(201);
    const id = Number((created.body as { id: number }).id);
    await s.workflow.transition(actor('admin'), id, { to: 'in_review' });
    const before = await stored(id);
    for (const as of ROLES) {
      const res = await call('PATCH', `/api/v1/requests/${id}`, { version: before.version, ...answered }, as);
      expect(res.status).toBe(409);
      expect(rules(res.body.error?.issues)).toContain(rule);
      const e = await refusal(
        s.workflow.respond(actor(as), id, {
          outcome: 'content_produced',
          produced: ['content'],
          accounts: [],
          overrideReason: REASON,
        }),
      );
      expect(e.code).toBe('invalid_state');
      expect(e.message).toContain(rule);
      expect(await stored(id)).toEqual(before);
    }
    // The correction form cannot move a lawful request under a bar either: a warrant's content production,
    // moved to the barred facts, is refused beside the field and nothing changes.
    if (facts.channel !== undefined || facts.requester_class !== undefined) {
      const lawful = await s.requests.create(
        actor('admin'),
        requestInput.parse(
          requestFactory({ process_type: 'search_warrant', data_sought: ['content'], ...answered }),
        ),
      );
      const client = web.admin!;
      const form = await client.get(`/requests/${lawful.id}/edit`);
      expect(form.statusCode).toBe(200);
      const res = await client.post(`/requests/${lawful.id}/edit`, {
        ...formFields(form.body),
        ...(facts.channel ? { channel: facts.channel } : {}),
        ...(facts.requester_class ? { requester_class: facts.requester_class } : {}),
        ...(facts.target_us_person != null
          ? { target_us_person: facts.target_us_person ? 'yes' : 'no' }
          : {}),
        ...(facts.agency ? { 'agency.country': facts.agency.country } : {}),
      });
      expect(res.statusCode).toBeGreaterThanOrEqual(400);
      // The outcome is not on the correction form: the refusal is in the page's summary, with its rule.
      expect(res.body).toMatch(new RegExp(`notice-error[\\s\\S]*${rule}; a statutory bar`));
      expect(await stored(lawful.id)).toMatchObject({ outcome: 'content_produced', version: lawful.version });
    }
  });
});

/** The named inputs and selected options of a server-rendered form, as the browser would send them back. */
function formFields(html: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  const unescape = (v: string) =>
    v
      .replaceAll('&quot;', '"')
      .replaceAll('&#39;', "'")
      .replaceAll('&lt;', '<')
      .replaceAll('&gt;', '>')
      .replaceAll('&amp;', '&');
  for (const m of html.matchAll(/<input\b[^>]*>/g)) {
    const tag = m[0];
    const name = /\bname="([^"]*)"/.exec(tag)?.[1];
    if (!name || name === '_csrf') continue;
    const value = unescape(/\bvalue="([^"]*)"/.exec(tag)?.[1] ?? '');
    if (/type="checkbox"/.test(tag)) {
      if (/\bchecked\b/.test(tag)) out[name] = [...((out[name] as string[] | undefined) ?? []), value];
    } else out[name] = value;
  }
  for (const m of html.matchAll(/<select\b[^>]*name="([^"]*)"[^>]*>([\s\S]*?)<\/select>/g)) {
    out[m[1]!] = unescape(/<option value="([^"]*)" selected/.exec(m[2]!)?.[1] ?? '');
  }
  for (const m of html.matchAll(/<textarea\b[^>]*name="([^"]*)"[^>]*>([\s\S]*?)<\/textarea>/g)) {
    out[m[1]!] = unescape(m[2]!);
  }
  return out;
}

describe('an MLAT request', () => {
  it('reaches only what the served process allows: content on the warrant served under 3512, not on mlat_request', async () => {
    const mlat = {
      agency: foreign('IT'),
      channel: 'mlat',
      data_sought: ['content'] as DataSought[],
    } as const;
    const unknown = requestFactory({ ...mlat, process_type: 'mlat_request', ...answered });
    const res = await call('POST', '/api/v1/requests', unknown, 'admin');
    expect(res.status).toBe(409);
    expect(rules(res.body.error?.issues)).toEqual(['mlat_served_process']);
    expect(await count(unknown.external_ref)).toBe(0);

    const served = requestFactory({ ...mlat, process_type: 'search_warrant', ...answered });
    expect((await call('POST', '/api/v1/requests', served, 'handler')).status).toBe(201);

    // A policy tier, not a bar: an approver other than the handler may override it in writing.
    const open = await s.requests.create(
      actor('admin'),
      requestInput.parse(requestFactory({ ...mlat, process_type: 'mlat_request' })),
    );
    const handler = await userActor(s, 'handler', 'mlat-handler');
    await s.workflow.assign(actor('admin'), open.id, { userId: handler.userId! });
    await s.workflow.transition(actor('admin'), open.id, { to: 'in_review' });
    await s.workflow.respond(await userActor(s, 'approver', 'mlat-approver'), open.id, {
      outcome: 'content_produced',
      produced: ['content'],
      accounts: [],
      overrideReason: REASON,
    });
    expect(await stored(open.id)).toMatchObject({ outcome: 'content_produced' });
  });
});
