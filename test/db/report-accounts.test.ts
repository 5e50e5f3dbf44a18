import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sectionOf, usLevel, type Section } from '../../src/domain/report-sections.ts';
import { requestInput, type RequestInput } from '../../src/domain/request-input.ts';
import { PROCESS_TYPES } from '../../src/domain/vocabulary.ts';
import { accountGrain, type AccountGrainRow } from '../../src/repositories/report-repository.ts';
import { prepareRequest, writeRequests } from '../../src/services/requests.ts';
import { testDatabase, type TestDb } from '../helpers/db.ts';

/**
 * The account pass counts distinct accounts per table row without `count(distinct)`. This checks it, over
 * random records where the same accounts recur across requests, countries, process types and sections,
 * against distinct counts made here with plain sets from the rows themselves.
 */

let t: TestDb;
beforeAll(async () => {
  t = await testDatabase();
});
afterAll(async () => t?.close());

const NOW = new Date('2016-01-01T00:00:00Z');
const SPAN = { from: '2015-01-01T00:00:00.000Z', to: '2015-07-01T00:00:00.000Z' };
const RESULTS = ['produced', 'preserved', 'restricted', 'deleted', 'no_data', 'not_produced', null] as const;

const arbRequest = fc
  .record({
    day: fc.integer({ min: -10, max: 190 }),
    country: fc.constantFrom('US', 'US', 'CA', 'DE', 'JP'),
    level: fc.constantFrom('federal', 'state', 'local', 'municipal', 'national', 'not_recorded'),
    identifier_kind: fc.option(fc.constantFrom('account', 'device', 'financial'), { nil: undefined }),
    kind: fc.constantFrom('law_enforcement', 'court', 'executive'),
    basis: fc.option(fc.constantFrom('local_law', 'provider_terms', 'not_stated'), { nil: undefined }),
    process_type: fc.constantFrom(...PROCESS_TYPES),
    demand_kind: fc.option(fc.constantFrom('disclose', 'preserve', 'restrict_content'), { nil: undefined }),
    emergency: fc.boolean(),
    accounts: fc.uniqueArray(fc.constantFrom('A1', 'A2', 'A3', 'A4'), { maxLength: 3 }),
    extra: fc.uniqueArray(fc.constantFrom('+1555000001', 'x@example.com'), { maxLength: 2 }),
    extraAccount: fc.option(fc.constantFrom('A1', 'A5'), { nil: undefined }),
  })
  .map((r): Omit<RequestInput, 'external_ref'> => ({
    received_at: new Date(Date.UTC(2015, 0, 1) + r.day * 86_400_000 + 3_600_000).toISOString(),
    agency: {
      name: `Agency ${r.country} ${r.level}`,
      kind: r.kind as never,
      level: r.level as never,
      country: r.country,
      subdivision:
        r.country === 'US' && ['state', 'local', 'municipal'].includes(r.level) ? 'US-CA' : undefined,
    },
    // A foreign national-security order comes from a foreign authority (the request schema refuses a US one).
    process_type:
      r.country === 'US' && r.process_type === 'foreign_national_security_order'
        ? 'national_security_letter'
        : r.process_type,
    identifier_kind: r.identifier_kind,
    demand_kind: r.demand_kind as never,
    // A legal basis is recorded for demands to restrict only (the request schema refuses it elsewhere).
    restriction_basis:
      r.process_type === 'takedown_request' || r.demand_kind === 'restrict_content'
        ? (r.basis as never)
        : undefined,
    emergency: r.emergency,
    emergency_basis: r.emergency ? 'danger to life' : undefined,
    accounts: r.accounts,
    identifiers: r.extra.map((value) => ({ value, account: r.extraAccount })),
  }));

async function load(rows: Array<Omit<RequestInput, 'external_ref'>>, results: number[]): Promise<void> {
  await sql`delete from request_targets`.execute(t.db);
  await sql`delete from nondisclosure_orders`.execute(t.db);
  await sql`delete from requests`.execute(t.db);
  await t.db.transaction().execute(async (trx) => {
    await writeRequests(
      trx,
      rows.map((r, i) => prepareRequest(requestInput.parse({ ...r, external_ref: `R-${i}` }), NOW)),
    );
  });
  // Any result on any target, so that produced and preserved accounts recur across rows too.
  const { rows: targets } = await sql<{ id: number }>`select id from request_targets order by id`.execute(
    t.db,
  );
  for (const [i, { id }] of targets.entries()) {
    const result = RESULTS[(results[i % Math.max(1, results.length)] ?? 0) % RESULTS.length] ?? null;
    await sql`update request_targets set result = ${result}::account_result where id = ${id}`.execute(t.db);
  }
}

interface Target {
  section: Section;
  country: string;
  us_level: string;
  process_type: string;
  identifier_kind: string;
  restriction_basis: string;
  agency_kind: string;
  account_ref: string | null;
  result: string | null;
}

/** The rows the account pass has, counted here with sets. */
function expected(targets: Target[]): AccountGrainRow[] {
  const none = {
    section: null,
    country: null,
    is_us: null,
    us_level: null,
    process_type: null,
    identifier_kind: null,
    detail: null,
  };
  const row = (
    set: AccountGrainRow['set'],
    keys: Partial<AccountGrainRow>,
    of: (x: Target) => boolean,
  ): AccountGrainRow[] => {
    const ts = targets.filter(of);
    if (ts.length === 0) return [];
    const distinct = (f: (x: Target) => boolean) =>
      new Set(ts.filter((x) => x.account_ref !== null && f(x)).map((x) => x.account_ref)).size;
    return [
      {
        set,
        ...none,
        ...keys,
        identifiers: ts.length,
        accounts: distinct(() => true),
        accounts_produced: distinct((x) => x.result === 'produced'),
        accounts_preserved: distinct((x) => x.result === 'preserved'),
        accounts_restricted: distinct((x) => x.result === 'restricted'),
        accounts_deleted: distinct((x) => x.result === 'deleted'),
      },
    ];
  };
  const values = <K extends keyof Target>(k: K, xs = targets) => [...new Set(xs.map((x) => x[k]))];
  const us = targets.filter((x) => x.country === 'US');
  return [
    ...row('total', {}, () => true),
    ...values('country').flatMap((c) => row('country', { country: c }, (x) => x.country === c)),
    ...values('us_level', us).flatMap((l) =>
      row('us_level', { is_us: true, us_level: l }, (x) => x.country === 'US' && x.us_level === l),
    ),
    ...values('process_type').flatMap((p) =>
      row('process_type', { process_type: p }, (x) => x.process_type === p),
    ),
    ...(['preservation', 'takedown'] as const).flatMap((s) =>
      row('section', { section: s }, (x) => x.section === s),
    ),
    ...[true, false].flatMap((u) =>
      row(
        'section_us',
        { section: 'emergency', is_us: u },
        (x) => x.section === 'emergency' && (x.country === 'US') === u,
      ),
    ),
    ...values('country').flatMap((c) =>
      row(
        'section_country',
        { section: 'takedown', country: c },
        (x) => x.section === 'takedown' && x.country === c,
      ),
    ),
    ...values('identifier_kind').flatMap((k) =>
      row('identifier_kind', { identifier_kind: k }, (x) => x.identifier_kind === k),
    ),
    ...values('country').flatMap((c) =>
      values('restriction_basis').flatMap((b) =>
        row(
          'takedown_country_basis',
          { section: 'takedown', country: c, detail: b },
          (x) => x.section === 'takedown' && x.country === c && x.restriction_basis === b,
        ),
      ),
    ),
    ...values('agency_kind').flatMap((k) =>
      row(
        'takedown_agency_kind',
        { section: 'takedown', detail: k },
        (x) => x.section === 'takedown' && x.agency_kind === k,
      ),
    ),
  ];
}

const key = (r: AccountGrainRow) =>
  [r.set, r.section, r.country, r.is_us, r.us_level, r.process_type, r.identifier_kind, r.detail]
    .map(String)
    .join('|');
const order = (rows: AccountGrainRow[]) => [...rows].sort((a, b) => key(a).localeCompare(key(b)));

describe('account pass', () => {
  it('counts the distinct accounts of every row it has, as sets do', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(arbRequest, { maxLength: 40 }),
        fc.array(fc.nat(), { maxLength: 30 }),
        async (rows, results) => {
          await load(rows, results);
          const { rows: facts } = await sql<{
            process_type: string;
            case_class: string | null;
            demand_kind: string;
            emergency: boolean;
            country: string;
            level: string;
            identifier_kind: string | null;
            restriction_basis: string | null;
            kind: string;
            account_ref: string | null;
            result: string | null;
          }>`
            select r.process_type, r.case_class, r.demand_kind, r.emergency, a.country, a.level,
              r.identifier_kind, r.restriction_basis, a.kind, t.account_ref, t.result
            from requests r join agencies a on a.id = r.agency_id join request_targets t on t.request_id = r.id
            where r.received_at >= ${SPAN.from} and r.received_at < ${SPAN.to}`.execute(t.db);
          const targets: Target[] = facts
            .map((f) => ({
              section: sectionOf(f as never),
              country: f.country,
              us_level: f.country === 'US' ? usLevel(f.level) : '',
              process_type: f.process_type,
              identifier_kind: f.identifier_kind ?? 'not_recorded',
              restriction_basis: f.restriction_basis ?? 'not_recorded',
              agency_kind: f.kind,
              account_ref: f.account_ref,
              result: f.result,
            }))
            .filter((x) => x.section !== 'national_security' && x.section !== 'foreign_national_security');
          expect(order(await accountGrain(t.db, SPAN))).toEqual(order(expected(targets)));
        },
      ),
      { numRuns: 25 },
    );
  });
});
