import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestInput, type RequestInput } from '../../src/domain/request-input.ts';
import { CandorError } from '../../src/errors.ts';
import type { Services } from '../../src/services/index.ts';
import { actor, servicesFor, testDatabase, type TestDb } from '../helpers/db.ts';
import { requestFactory } from '../helpers/factories.ts';

let t: TestDb;
let s: Services;
const handler = actor('handler');
const viewer = actor('viewer');
const create = (over: Partial<RequestInput> = {}) =>
  s.requests.create(handler, requestInput.parse(requestFactory(over)));

beforeAll(async () => {
  t = await testDatabase();
  s = servicesFor(t);
});
afterAll(async () => t?.close());

async function rejects(p: Promise<unknown>): Promise<CandorError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof CandorError) return e;
    throw e;
  }
  throw new Error('expected a CandorError');
}

describe('intake', () => {
  it('records a request with its agency, accounts, identifiers and order, and audits it', async () => {
    const r = await create({
      agency: {
        name: 'Los Angeles Police Department',
        kind: 'law_enforcement',
        level: 'local',
        country: 'US',
        subdivision: 'US-CA',
      },
      accounts: ['AC1', 'AC2'],
      identifiers: [{ value: '+15551230000', account: 'AC1' }, { value: 'nobody@example.com' }],
      ndo: { authority: 'sca_2705b', expires_at: '2027-01-01' },
    });
    expect(r.agency.subdivision).toBe('US-CA');
    expect(r.identifiers_specified).toBe(4);
    expect(r.accounts_specified).toBe(2);
    expect(r.status).toBe('received');
    expect(r.notice_status).toBe('prohibited_by_order');
    expect(r.nondisclosure_orders[0]?.expires_at).toBe('2027-01-01T00:00:00.000Z');
    const events = await s.audit.timeline(viewer, 'request', r.id);
    expect(events.map((e) => e.action)).toEqual(['request.create']);
  });

  it('reuses one agency row for the same agency', async () => {
    const a = await create();
    const b = await create();
    expect(a.agency.id).toBe(b.agency.id);
  });

  it('starts a request recorded with its outcome as responded', async () => {
    const r = await create({ outcome: 'non_content_produced', responded_at: '2026-01-20' });
    expect(r.status).toBe('responded');
    expect(r.targets.every((x) => x.result === 'produced')).toBe(true);
  });

  it('refuses a second request with the same external_ref and changes nothing', async () => {
    const r = await create();
    const before = await t.db
      .selectFrom('requests')
      .select(sql<number>`count(*)`.as('n'))
      .executeTakeFirstOrThrow();
    const e = await rejects(create({ external_ref: r.external_ref }));
    expect(e.code).toBe('conflict');
    expect(e.issues[0]?.field).toBe('external_ref');
    const after = await t.db
      .selectFrom('requests')
      .select(sql<number>`count(*)`.as('n'))
      .executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });

  it('lets a viewer read but not record', async () => {
    const e = await rejects(s.requests.create(viewer, requestInput.parse(requestFactory())));
    expect(e.code).toBe('forbidden');
  });

  it('reports not_found for a missing request', async () => {
    expect((await rejects(s.requests.get(viewer, 999_999))).code).toBe('not_found');
  });
});

describe('listing', () => {
  it('filters and pages with a keyset cursor without gaps or repeats', async () => {
    const refs: string[] = [];
    for (let i = 0; i < 7; i++) {
      const r = await create({
        external_ref: `PAGE-${i}`,
        received_at: `2020-02-0${i + 1}T10:00:00Z`,
        agency: {
          name: 'Toronto Police Service',
          kind: 'law_enforcement',
          level: 'municipal',
          country: 'CA',
        },
      });
      refs.push(r.external_ref);
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    for (;;) {
      const page = await s.requests.list(viewer, {
        filter: { country: ['CA'] },
        limit: 3,
        cursor,
        sort: 'received_at',
        dir: 'desc',
      });
      seen.push(...page.items.map((i) => i.external_ref));
      if (!page.next_cursor) break;
      cursor = page.next_cursor;
    }
    expect(seen).toEqual([...refs].reverse());
    const ranged = await s.requests.list(viewer, {
      filter: { country: ['CA'], receivedFrom: '2020-02-03T00:00:00Z', receivedTo: '2020-02-05T00:00:00Z' },
      limit: 10,
      sort: 'external_ref',
      dir: 'asc',
    });
    expect(ranged.items.map((i) => i.external_ref)).toEqual(['PAGE-2', 'PAGE-3']);
    const searched = await s.requests.list(viewer, {
      filter: { q: 'toronto' },
      limit: 50,
      sort: 'received_at',
      dir: 'asc',
    });
    expect(searched.items).toHaveLength(7);
  });

  it('refuses a cursor it did not issue', async () => {
    const e = await rejects(
      s.requests.list(viewer, { filter: {}, limit: 5, cursor: 'garbage', sort: 'received_at', dir: 'desc' }),
    );
    expect(e.code).toBe('invalid');
  });
});

describe('optimistic concurrency', () => {
  it('applies a change at the current version and refuses a stale one without changing anything', async () => {
    const r = await create();
    const updated = await s.requests.update(handler, r.id, r.version, {
      legal_authority: '18 U.S.C. 2703(c)(2)',
    });
    expect(updated.version).toBe(r.version + 1);
    expect(updated.legal_authority).toBe('18 U.S.C. 2703(c)(2)');
    const e = await rejects(s.requests.update(handler, r.id, r.version, { legal_authority: 'stale' }));
    expect(e.code).toBe('conflict');
    const now = await s.requests.get(viewer, r.id);
    expect(now.legal_authority).toBe('18 U.S.C. 2703(c)(2)');
    expect(now.version).toBe(updated.version);
    const events = await s.audit.timeline(viewer, 'request', r.id);
    expect(events.map((x) => x.action)).toEqual(['request.create', 'request.update']);
    expect(events[1]?.before).toEqual({ legal_authority: null });
  });

  it('validates the patched record as a whole', async () => {
    const r = await create();
    const e = await rejects(s.requests.update(handler, r.id, r.version, { responded_at: '2026-01-20' }));
    expect(e.code).toBe('invalid');
    expect(e.issues.map((i) => i.field)).toContain('outcome');
  });
});

describe('the database refuses impossible rows', () => {
  const insert = (over: Record<string, unknown>) =>
    sql`insert into requests (external_ref, received_at, agency_id, process_type, demand_kind, status, outcome)
        values (${over.ref ?? 'X-' + Math.random()}, ${over.received_at ?? '2026-01-01'},
                (select min(id) from agencies), ${over.process_type ?? 'subpoena'}, 'disclose',
                ${over.status ?? 'received'}, ${over.outcome ?? null})`.execute(t.db);

  it('refuses an outcome on a request still in review', async () => {
    await create();
    await expect(insert({ outcome: 'content_produced' })).rejects.toThrow(/requests_outcome_matches_status/);
  });
  it('refuses a process type outside the vocabulary', async () => {
    await expect(insert({ process_type: 'letter' })).rejects.toThrow(/invalid input value for enum/);
  });
  it('refuses an agency with a subdivision of another country', async () => {
    await expect(
      sql`insert into agencies (name, kind, level, country, subdivision) values ('x', 'court', 'state', 'US', 'DE-BY')`.execute(
        t.db,
      ),
    ).rejects.toThrow(/check constraint/);
  });
  it('refuses an order that is both indefinite and expiring', async () => {
    const r = await create();
    await expect(
      sql`insert into nondisclosure_orders (request_id, authority, expires_at, indefinite) values (${r.id}, 'sca_2705b', '2027-01-01', true)`.execute(
        t.db,
      ),
    ).rejects.toThrow(/ndo_expiry_or_indefinite/);
  });
});
